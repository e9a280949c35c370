"""Review a submitted audit: what changed since the merchant's previous audit, the journal,
then return it with a comment or approve it with the reviewer's passphrase.

The four-eyes rule is the core's (:func:`certbench.workflow.approve` refuses a
reviewer who assessed or submitted the audit); this dialog only puts its
refusal into words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale, Signal
from PySide6.QtWidgets import QDialog, QWidget

from certbench.domain import Text
from certbench.gui.context import AppContext
from certbench.gui.errors import show_exception
from certbench.gui.forms.ui_review_dialog import Ui_ReviewDialog
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import Column, RowsTableModel, configure_view
from certbench.gui.tasks import Op

if TYPE_CHECKING:
    from certbench.journal import JournalRow
    from certbench.storage import Database
    from certbench.storage.queries import AuditRow, FindingRow

__all__ = ["CHANGE_COLUMNS", "JOURNAL_COLUMNS", "Change", "ReviewData", "ReviewDialog",
           "approve_audit", "four_eyes_text", "load_review", "return_audit"]


@dataclass(frozen=True)
class Change:
    """One criterion whose finding differs from the previous audit's."""

    criterion_id: str
    field: str
    before: str
    now: str
    before_label: Text | None = None
    """For a rating: the scale's label of ``before`` (shown in the UI language)."""
    now_label: Text | None = None


@dataclass(frozen=True)
class ReviewData:
    """What the reviewer reads before deciding."""

    audit: AuditRow
    summary: dict[str, object]
    previous: AuditRow | None
    changes: tuple[Change, ...]
    journal: tuple[JournalRow, ...]


def _previous(rows: list[AuditRow], audit: AuditRow) -> AuditRow | None:
    earlier = [r for r in rows if r.id != audit.id and r.opened_at is not None
               and audit.opened_at is not None and r.opened_at <= audit.opened_at]
    decided = [r for r in earlier if r.state.value in ("approved", "certified")]
    pool = decided or earlier
    return pool[-1] if pool else None


def _changes(before: dict[str, FindingRow], now: dict[str, FindingRow],
             labels: dict[str, Text]) -> tuple[Change, ...]:
    out = []
    for cid in sorted(set(before) | set(now)):
        old, new = before.get(cid), now.get(cid)
        for name in ("rating", "justification", "note"):
            a = str(getattr(old, name, "") or "")
            b = str(getattr(new, name, "") or "")
            if a != b:
                rating = name == "rating"
                out.append(Change(cid, name, a, b, labels.get(a) if rating else None,
                                  labels.get(b) if rating else None))
    return tuple(out)


def load_review(db: Database, audit_id: str) -> ReviewData:
    """The audit's summary, its differences from the previous audit and its journal."""
    from certbench.edits import form_for
    from certbench.journal import history
    from certbench.storage.queries import audit_rows_for_merchant, audit_with_findings
    from certbench.workflow import audit_summary, find_audit

    with db.session() as session:
        audit_id = find_audit(session, audit_id).id
        detail = audit_with_findings(session, audit_id)
        previous_row = _previous(audit_rows_for_merchant(session, detail.audit.merchant_id),
                                 detail.audit)
        changes: tuple[Change, ...] = ()
        if previous_row is not None:
            earlier = audit_with_findings(session, previous_row.id)
            form = form_for(detail.audit.form_id, detail.audit.form_version,
                            detail.audit.form_hash)
            changes = _changes({f.criterion_id: f for f in earlier.findings},
                               {f.criterion_id: f for f in detail.findings},
                               {v.value: v.label for v in form.scale})
        return ReviewData(detail.audit, audit_summary(session, audit_id), previous_row, changes,
                          tuple(history(session, audit_id)))


def approve_audit(db: Database, user: str, passphrase: str, audit_id: str) -> None:
    """Unlock the reviewer's key and approve (database thread)."""
    from certbench.workflow import approve, authenticate

    with db.session() as session:
        approve(session, authenticate(session, user, passphrase), audit_id)


def return_audit(db: Database, user: str, passphrase: str, audit_id: str, comment: str) -> None:
    """Unlock the reviewer's key and return the audit with ``comment`` (database thread)."""
    from certbench.workflow import authenticate
    from certbench.workflow import return_audit as core_return

    with db.session() as session:
        core_return(session, authenticate(session, user, passphrase), audit_id, comment)


def _text(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return "" if value is None else str(value)


FIELD_WORDS = {
    "rating": QT_TRANSLATE_NOOP("ReviewDialog", "rating"),
    "justification": QT_TRANSLATE_NOOP("ReviewDialog", "n/a justification"),
    "note": QT_TRANSLATE_NOOP("ReviewDialog", "note"),
}


def _shown(value: str, label: Text | None) -> str:
    if label is None:
        return value
    return label.get("zh" if QLocale().name().startswith("zh") else "en")


CHANGE_COLUMNS: tuple[Column[Change], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Criterion"), lambda c: c.criterion_id, width=10),
    Column(QT_TRANSLATE_NOOP("Column", "What"),
           lambda c: QCoreApplication.translate("ReviewDialog", FIELD_WORDS[c.field]), width=14),
    Column(QT_TRANSLATE_NOOP("Column", "Previous audit"),
           lambda c: _shown(c.before, c.before_label), width=28),
    Column(QT_TRANSLATE_NOOP("Column", "This audit"), lambda c: _shown(c.now, c.now_label),
           width=28),
)

JOURNAL_COLUMNS: tuple[Column[JournalRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "#"), lambda r: r.seq, width=4),
    Column(QT_TRANSLATE_NOOP("Column", "When"), lambda r: r.at.strftime("%Y-%m-%d %H:%M"),
           width=16),
    Column(QT_TRANSLATE_NOOP("Column", "Who"), lambda r: r.actor, width=10),
    Column(QT_TRANSLATE_NOOP("Column", "Action"), lambda r: r.action, width=14),
    Column(QT_TRANSLATE_NOOP("Column", "Changes"),
           lambda r: "; ".join(f"{c.field}: {_text(c.old)} → {_text(c.new)}" for c in r.changes),
           width=40, tooltip=lambda r: r.reason),
)

_REFUSALS = {
    "reviewer-is-assessor": QT_TRANSLATE_NOOP(
        "ReviewDialog", "%1 took part in this audit as an assessor, so %1 cannot decide on it. "
        "Four eyes: the audit must be approved by a reviewer who did not assess it."),
    "reviewer-is-submitter": QT_TRANSLATE_NOOP(
        "ReviewDialog", "%1 submitted this audit, so %1 cannot approve it. "
        "Four eyes: another reviewer must decide."),
    "reviewer-role": QT_TRANSLATE_NOOP(
        "ReviewDialog", "%1 does not hold the reviewer role, so %1 cannot decide on audits."),
}


def four_eyes_text(check: str, user: str) -> str | None:
    """The four-eyes refusal ``check`` in words for ``user`` (None when not one we know)."""
    template = _REFUSALS.get(check)
    if template is None:
        return None
    return QCoreApplication.translate("ReviewDialog", template).replace("%1", user)


class ReviewDialog(QDialog):
    """Decide on a submitted audit."""

    decided = Signal(str)
    """``approved`` or ``returned``."""

    def __init__(self, context: AppContext, audit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "this screen needs an open database"
        self.db: Database = context.db
        self.audit_id = audit_id
        self.data: ReviewData | None = None
        self.decision: str | None = None
        self.ui = Ui_ReviewDialog()
        self.ui.setupUi(self)
        self.changes_model = RowsTableModel(CHANGE_COLUMNS, parent=self)
        self.journal_model = RowsTableModel(JOURNAL_COLUMNS, parent=self)
        self.ui.changes_table.setModel(self.changes_model)
        self.ui.journal_table.setModel(self.journal_model)
        configure_view(self.ui.changes_table, CHANGE_COLUMNS)
        configure_view(self.ui.journal_table, JOURNAL_COLUMNS)
        self.ui.approve_button.clicked.connect(self._on_approve_clicked)
        self.ui.return_button.clicked.connect(self._on_return_clicked)
        self._load()

    @classmethod
    def ask(cls, parent: QWidget | None, context: AppContext, audit_id: str) -> str | None:
        """Run the dialog; ``approved``, ``returned`` or None when closed without a decision."""
        dialog = cls(context, audit_id, parent)
        dialog.exec()
        return dialog.decision

    def _load(self) -> None:
        from certbench.gui.switch_user_dialog import list_users

        db, audit_id = self.db, self.audit_id
        tasks = self.context.tasks
        Op(self, lambda: list_users(db), tasks=tasks).success(self._on_users_loaded).run()
        Op(self, lambda: load_review(db, audit_id), tasks=tasks).success(self._show).run()

    def _on_users_loaded(self, users: list) -> None:
        combo = self.ui.reviewer_combo
        combo.clear()
        for user in users:
            combo.addItem(f"{user.display_name} ({user.name})", user.name)
        combo.setCurrentIndex(max(0, combo.findData(self.context.user)))

    def _show(self, data: ReviewData) -> None:
        from certbench.gui.merchants_page import audit_word

        self.data = data
        s = data.summary
        grade = s.get("grade") or self.tr("not certifiable")
        self.ui.header_label.setText(self.tr(
            "<b>%1</b> · %2 · %3<br>Assessors: %4 · rated %5 · evidence %6 · grade %7 (%8 %)")
            .replace("%1", _escape(str(s["merchant"]))).replace("%2", str(s["form"]))
            .replace("%3", audit_word(data.audit.state))
            .replace("%4", ", ".join(data.audit.assessors)).replace("%5", str(s["rated"]))
            .replace("%6", str(s["evidence"])).replace("%7", str(grade))
            .replace("%8", str(s.get("score") or "—")))
        if data.previous is None:
            self.ui.previous_label.setText(self.tr(
                "This is the merchant's first audit: there is nothing to compare with."))
        else:
            self.ui.previous_label.setText(self.tr(
                "Compared with the %1 audit opened %2: %3 difference(s).")
                .replace("%1", audit_word(data.previous.state))
                .replace("%2", data.previous.opened_at.date().isoformat()
                         if data.previous.opened_at else "?")
                .replace("%3", str(len(data.changes))))
        self.changes_model.set_rows(data.changes)
        self.journal_model.set_rows(data.journal)
        submitted = data.audit.state.value == "submitted"
        for widget in (self.ui.approve_button, self.ui.return_button):
            widget.setEnabled(submitted)

    def _reviewer(self) -> tuple[str, str]:
        return str(self.ui.reviewer_combo.currentData() or ""), self.ui.passphrase_edit.text()

    def _on_approve_clicked(self) -> None:
        user, passphrase = self._reviewer()
        db, audit_id = self.db, self.audit_id
        self._busy(True)
        (Op(self, lambda: approve_audit(db, user, passphrase, audit_id), tasks=self.context.tasks)
         .success(lambda _none: self._on_decided("approved"))
         .failure(lambda exc: self._on_refused(exc, user))
         .run())

    def _on_return_clicked(self) -> None:
        comment = self.ui.comment_edit.toPlainText().strip()
        if not comment:
            self.ui.refusal_label.setText(self.tr("Write a comment for the assessors first."))
            return
        user, passphrase = self._reviewer()
        db, audit_id = self.db, self.audit_id
        self._busy(True)
        (Op(self, lambda: return_audit(db, user, passphrase, audit_id, comment),
            tasks=self.context.tasks)
         .success(lambda _none: self._on_decided("returned"))
         .failure(lambda exc: self._on_refused(exc, user))
         .run())

    def _busy(self, busy: bool) -> None:
        self.ui.refusal_label.setText(self.tr("Checking…") if busy else "")
        for widget in (self.ui.approve_button, self.ui.return_button):
            widget.setEnabled(not busy)

    def _on_decided(self, decision: str) -> None:
        self.decision = decision
        self.decided.emit(decision)
        self.accept()

    def _on_refused(self, exception: BaseException, user: str) -> None:
        from certbench.errors import FourEyesError, WorkflowError, WrongPassphraseError

        self._busy(False)
        if isinstance(exception, WrongPassphraseError):
            self.ui.refusal_label.setText(self.tr("Wrong passphrase."))
            self.ui.passphrase_edit.selectAll()
        elif isinstance(exception, FourEyesError):
            check = str(exception.context.get("check", ""))
            self.ui.refusal_label.setText(four_eyes_text(check, user) or exception.message)
        elif isinstance(exception, WorkflowError):
            self.ui.refusal_label.setText(exception.message)
        else:
            show_exception(parent=self, exception=exception)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

