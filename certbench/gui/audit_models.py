"""What the audit editor shows: a snapshot loaded on the database thread, and its Qt models.

:func:`load_snapshot` reads one audit through the core (its findings, evidence,
samples with their checked durations, and the grade the core computes) into
immutable rows. :class:`CriteriaModel` shows the form's domains and criteria as
a tree over that snapshot; :class:`CriteriaFilter` hides criteria the scope
excludes and, on request, everything that is not still missing before
submission. Nothing here grades, checks or signs: those answers come from
:func:`certbench.services.audit_grade` and :mod:`certbench.samples`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from certbench.domain import Criterion, Form, GradeResult, ReasonCode, Scope, Text
from certbench.gui.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from certbench.edits import Edit
    from certbench.journal import JournalRow
    from certbench.samples import SampleCheck
    from certbench.storage import Database
    from certbench.storage.queries import AuditRow, FindingRow

__all__ = [
    "BLOCKING_CODES",
    "AuditSnapshot",
    "CriteriaFilter",
    "CriteriaModel",
    "CriterionRole",
    "EvidenceItem",
    "SampleItem",
    "apply_edit",
    "load_journal",
    "load_snapshot",
    "text_language",
]

Index = QModelIndex | QPersistentModelIndex
CriterionRole = Qt.ItemDataRole.UserRole
"""``data(index, CriterionRole)``: the :class:`~certbench.domain.Criterion` of a criterion row."""

BLOCKING_CODES = frozenset({ReasonCode.UNRATED, ReasonCode.NA_WITHOUT_JUSTIFICATION,
                            ReasonCode.UNKNOWN_RATING})
"""Grade reasons the core names when it refuses to submit an incomplete audit."""


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence attached to the audit."""

    id: str
    criterion_id: str | None
    sha256: str
    size: int
    media_type: str
    kind: str
    original_filename: str
    source_url: str | None
    created_at: datetime


@dataclass(frozen=True)
class SampleItem:
    """A measured sample with the durations and checks the core computed."""

    id: str
    criterion_id: str
    kind: str
    channel: str
    timestamps: dict[str, str]
    amounts: dict[str, str]
    note: str
    durations: dict[str, Decimal] = field(default_factory=dict)
    checks: tuple[SampleCheck, ...] = ()
    problem: str = ""
    """Why the sample could not be computed (empty when it could)."""
    labels: dict[str, Text] = field(default_factory=dict)
    """The form's label of each checked parameter, by parameter name."""


@dataclass(frozen=True)
class AuditSnapshot:
    """Everything the editor shows of one audit, read in one transaction."""

    audit: AuditRow
    form: Form
    scope: Scope
    findings: dict[str, FindingRow]
    evidence: tuple[EvidenceItem, ...]
    samples: tuple[SampleItem, ...]
    grade: GradeResult
    vault_dir: Path
    user_id: str | None
    """The acting user's id (``captured_by`` of new evidence), if the user exists."""
    return_comment: str = ""

    @cached_property
    def missing(self) -> frozenset[str]:
        """Criteria that still block submission: named by the grade, or carried over."""
        blocking = {r.criterion_id for r in self.grade.reasons
                    if r.code in BLOCKING_CODES and r.criterion_id}
        carried = {cid for cid, f in self.findings.items() if f.carried_over}
        return frozenset(blocking | carried)

    def base_version(self, criterion_id: str) -> int:
        """The version of the finding this snapshot shows (``0``: none yet), for edits of it."""
        finding = self.findings.get(criterion_id)
        return finding.version if finding is not None else 0

    def evidence_for(self, criterion_id: str | None) -> tuple[EvidenceItem, ...]:
        """Evidence attached to ``criterion_id`` (``None``: to the audit as a whole)."""
        return tuple(e for e in self.evidence if e.criterion_id == criterion_id)

    def samples_for(self, criterion_id: str) -> tuple[SampleItem, ...]:
        """Samples recorded for ``criterion_id``."""
        return tuple(s for s in self.samples if s.criterion_id == criterion_id)


def text_language(ui_language: str) -> str:
    """The form text language (``en``/``zh``) for a UI language code."""
    return "zh" if ui_language.startswith("zh") else "en"


def _sample_item(row: Any, limits: dict[str, Any], form: Form) -> SampleItem:
    from certbench.samples import check_sample, durations, parse_sample

    base: dict[str, Any] = {
        "id": row.id, "criterion_id": row.criterion_id, "kind": row.kind.value,
        "channel": row.channel, "timestamps": dict(row.timestamps),
        "amounts": {k: str(v) for k, v in row.amounts.items()}, "note": row.note}
    try:
        record = parse_sample(row.kind.value, row.timestamps, row.amounts, row.channel)
    except ValueError as exc:
        return SampleItem(**base, problem=str(exc))
    checks = check_sample(record, limits).checks
    # failures first, then passes, then checks the sample lacks instants for
    ordered = tuple(sorted(checks, key=lambda c: {False: 0, True: 1, None: 2}[c.passed]))
    labels = {c.name: form.parameters[c.name].label for c in checks if c.name in form.parameters}
    return SampleItem(**base, durations=durations(record), checks=ordered, labels=labels)


def load_snapshot(db: Database, audit_id: str, user: str) -> AuditSnapshot:
    """Read the audit, its findings, evidence, samples and grade (database thread)."""
    from certbench.edits import form_for
    from certbench.samples import limits_from_form
    from certbench.storage import Evidence, Sample, User
    from certbench.storage.queries import audit_with_findings
    from certbench.workflow import audit_grade, body_paths, find_audit, get_body

    with db.session() as session:
        audit = find_audit(session, audit_id)
        detail = audit_with_findings(session, audit.id)
        form = form_for(audit.form_id, audit.form_version, audit.form_hash)
        evidence = tuple(
            EvidenceItem(e.id, e.criterion_id, e.sha256, e.size, e.media_type, e.kind.value,
                         e.original_filename, e.source_url, e.created_at)
            for e in session.query(Evidence).filter(Evidence.audit_id == audit.id)
            .order_by(Evidence.created_at, Evidence.id))
        limits = limits_from_form(form)
        samples = tuple(_sample_item(s, limits, form) for s in session.query(Sample)
                        .filter(Sample.audit_id == audit.id).order_by(Sample.created_at))
        user_row = session.query(User).filter(User.name == user).first() if user else None
        return AuditSnapshot(
            audit=detail.audit, form=form, scope=Scope.from_json(audit.scope),
            findings={f.criterion_id: f for f in detail.findings}, evidence=evidence,
            samples=samples, grade=audit_grade(session, audit),
            vault_dir=body_paths(get_body(session)).vault_dir,
            user_id=user_row.id if user_row is not None else None,
            return_comment=audit.return_comment)


def load_journal(db: Database, audit_id: str) -> list[JournalRow]:
    """The audit's journal, oldest first (database thread)."""
    from certbench.journal import history

    with db.session() as session:
        return history(session, audit_id)


def apply_edit(db: Database, edit: Edit, actor: str) -> Edit:
    """Apply one edit in its own transaction; its inverse (database thread)."""
    from certbench.edits import apply

    with db.session() as session:
        return apply(edit, session, actor)


# -- the criteria tree -------------------------------------------------------------

COLUMNS = (
    QT_TRANSLATE_NOOP("CriteriaModel", "Criterion"),
    QT_TRANSLATE_NOOP("CriteriaModel", "Rating"),
    QT_TRANSLATE_NOOP("CriteriaModel", "Evidence"),
    QT_TRANSLATE_NOOP("CriteriaModel", "Status"),
)
STATUS_TEXTS = {
    "excluded": QT_TRANSLATE_NOOP("CriteriaModel", "does not apply"),
    "carried": QT_TRANSLATE_NOOP("CriteriaModel", "carried over"),
    "missing": QT_TRANSLATE_NOOP("CriteriaModel", "missing"),
    "done": QT_TRANSLATE_NOOP("CriteriaModel", "done"),
}
_DOMAIN = 0  # internalId of top-level rows; criterion rows carry their domain's row + 1


def _tr(text: str) -> str:
    return QCoreApplication.translate("CriteriaModel", text)


class CriteriaModel(QAbstractItemModel):
    """Domains with their criteria below them; the rating column is editable.

    ``setData`` never writes the database: it hands an edit to ``edit_sink``
    (the editor pushes it on its undo stack).
    """

    def __init__(self, lang: str = "en", parent: Any = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.snapshot: AuditSnapshot | None = None
        self._criteria: list[list[Criterion]] = []
        self.edit_sink: Callable[[Edit], None] | None = None

    def set_snapshot(self, snapshot: AuditSnapshot) -> None:
        """Show ``snapshot``; keeps the structure when only content changed."""
        same_form = (self.snapshot is not None
                     and self.snapshot.form.hash == snapshot.form.hash)
        if not same_form:
            self.beginResetModel()
        self.snapshot = snapshot
        form = snapshot.form
        self._criteria = [[c for c in form.criteria if c.domain == d.id] for d in form.domains]
        if same_form:
            self._refresh_all()
        else:
            self.endResetModel()

    def _refresh_all(self) -> None:
        last = len(COLUMNS) - 1
        for row in range(len(self._criteria)):
            parent = self.index(row, 0)
            self.dataChanged.emit(parent, self.index(row, last))
            if self._criteria[row]:
                self.dataChanged.emit(self.index(0, 0, parent),
                                      self.index(len(self._criteria[row]) - 1, last, parent))

    def criterion_index(self, criterion_id: str, column: int = 0) -> QModelIndex:
        """The index of a criterion row (invalid when unknown)."""
        for d, criteria in enumerate(self._criteria):
            for r, criterion in enumerate(criteria):
                if criterion.id == criterion_id:
                    return self.index(r, column, self.index(d, 0))
        return QModelIndex()

    def _criterion(self, index: Index) -> Criterion | None:
        if not index.isValid() or index.internalId() == _DOMAIN:
            return None
        return self._criteria[index.internalId() - 1][index.row()]

    # Qt model interface ----------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Domain rows at the top, criterion rows under their domain."""
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _DOMAIN)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008 - Qt overloads parent()
        """A criterion's domain row; nothing above a domain."""
        if not index.isValid() or index.internalId() == _DOMAIN:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _DOMAIN)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Domains at the top; criteria under column 0 of a domain."""
        if not parent.isValid():
            return len(self._criteria)
        if parent.internalId() == _DOMAIN and parent.column() == 0:
            return len(self._criteria[parent.row()])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Criterion, rating, evidence count, status."""
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles, translated now."""
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return _tr(COLUMNS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Rating cells of criteria are editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 1 and self._criterion(index) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, tooltips and colours of a domain or criterion cell."""
        if not index.isValid() or self.snapshot is None:
            return None
        criterion = self._criterion(index)
        if criterion is None:
            return self._domain_data(index, role)
        return self._criterion_data(criterion, index.column(), role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Turn a new rating into a :class:`~certbench.edits.SetRating` for the edit sink."""
        from certbench.edits import SetRating

        criterion = self._criterion(index)
        if (criterion is None or index.column() != 1 or role != Qt.ItemDataRole.EditRole
                or self.snapshot is None or self.edit_sink is None):
            return False
        rating = str(value) if value else None
        self.edit_sink(SetRating(self.snapshot.audit.id, criterion.id, rating,
                                 base_version=self.snapshot.base_version(criterion.id)))
        return True

    # cells -----------------------------------------------------------------
    def _domain_data(self, index: Index, role: int) -> Any:
        assert self.snapshot is not None
        domain = self.snapshot.form.domains[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return f"{domain.id}  {domain.title.get(self.lang)}"
            if index.column() == 3:
                score = self.snapshot.grade.domain(domain.id).score
                return "" if score is None else f"{score} %"
            return None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _criterion_data(self, criterion: Criterion, column: int, role: int) -> Any:
        snapshot = self.snapshot
        assert snapshot is not None
        finding = snapshot.findings.get(criterion.id)
        rating = finding.rating if finding is not None else None
        if role == CriterionRole:
            return criterion
        if role == Qt.ItemDataRole.EditRole and column == 1:
            return rating or ""
        if role == Qt.ItemDataRole.DisplayRole:
            return self._criterion_text(criterion, column, rating)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return criterion.requirement.get(self.lang)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not criterion.applies(snapshot.scope):
                return QBrush(QColor("gray"))
            if column == 3 and criterion.id in snapshot.missing:
                return QBrush(QColor("#b00020"))
        return None

    def _criterion_text(self, criterion: Criterion, column: int, rating: str | None) -> str:
        snapshot = self.snapshot
        assert snapshot is not None
        if column == 0:
            mark = " ★" if criterion.is_critical(snapshot.scope) else ""
            return f"{criterion.id}{mark}  {_first_sentence(criterion.requirement.get(self.lang))}"
        if column == 1:
            if rating is None:
                return ""
            try:
                return snapshot.form.scale_value(rating).label.get(self.lang)
            except KeyError:
                return rating
        if column == 2:
            count = len(snapshot.evidence_for(criterion.id))
            return str(count) if count else ""
        if not criterion.applies(snapshot.scope):
            return _tr(STATUS_TEXTS["excluded"])
        finding = snapshot.findings.get(criterion.id)
        if finding is not None and finding.carried_over:
            return _tr(STATUS_TEXTS["carried"])
        key = "missing" if criterion.id in snapshot.missing else "done"
        return _tr(STATUS_TEXTS[key])


def _first_sentence(text: str, limit: int = 90) -> str:
    for stop in ("。", ". "):
        if stop in text:
            text = text.split(stop, 1)[0] + stop.strip()
            break
    return text if len(text) <= limit else text[:limit - 1] + "…"


class CriteriaFilter(QSortFilterProxyModel):
    """Hides criteria the scope excludes, and optionally everything not still missing."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.show_excluded = False
        self.missing_only = False
        self.search = ""
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(False)  # the editor re-filters once per snapshot, not per cell

    def set_filter(self, *, show_excluded: bool | None = None, missing_only: bool | None = None,
                   search: str | None = None) -> None:
        """Change what is shown."""
        self.beginFilterChange()
        if show_excluded is not None:
            self.show_excluded = show_excluded
        if missing_only is not None:
            self.missing_only = missing_only
        if search is not None:
            self.search = search.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def refilter(self) -> None:
        """Filter again after the source's snapshot changed."""
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        """Criteria pass the filters; domains show when one of their criteria does."""
        model = self.sourceModel()
        if not isinstance(model, CriteriaModel) or model.snapshot is None:
            return True
        index = model.index(source_row, 0, source_parent)
        criterion = index.data(CriterionRole)
        if not isinstance(criterion, Criterion):
            return False  # a domain shows when one of its criteria does (recursive filter)
        snapshot = model.snapshot
        if not self.show_excluded and not criterion.applies(snapshot.scope):
            return False
        if self.missing_only and criterion.id not in snapshot.missing:
            return False
        if self.search:
            haystack = f"{criterion.id} {criterion.requirement.get(model.lang)}".lower()
            return self.search in haystack
        return True
