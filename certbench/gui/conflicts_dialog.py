"""Settle field-package conflicts: office value against field value, then a choice.

The list is :func:`certbench.sync.conflicts.list_conflicts`; each choice goes
through :func:`certbench.sync.conflicts.resolve_conflict` as the acting user,
whose passphrase is checked first. The core writes the chosen version and
journals who chose what, with the values before and after.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from certbench.gui.context import AppContext
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import Column, RowRole, RowsTableModel, configure_view
from certbench.gui.tasks import Op

if TYPE_CHECKING:
    from certbench.storage import Database
    from certbench.sync.conflicts import ConflictInfo

__all__ = ["CONFLICT_COLUMNS", "DIFFERENCE_COLUMNS", "ConflictsDialog", "Difference",
           "differences_of", "fetch_conflicts", "resolve_as"]


def fetch_conflicts(db: Database, include_resolved: bool) -> list[ConflictInfo]:
    """Open conflicts (resolved ones too with ``include_resolved``), oldest first (DB thread)."""
    from certbench.sync.conflicts import list_conflicts

    return list_conflicts(db, include_resolved=include_resolved)


def resolve_as(db: Database, user: str, passphrase: str, conflict_id: str,
               choice: str) -> ConflictInfo:
    """Check ``user``'s passphrase, then settle the conflict with ``choice`` (database thread).

    :raises WrongPassphraseError: the passphrase does not open the user's key.
    :raises WorkflowError: already resolved, or nothing to merge.
    """
    from certbench.services.bodies import authenticate
    from certbench.sync.conflicts import resolve_conflict

    with db.session() as session:
        actor = authenticate(session, user, passphrase)
    return resolve_conflict(db, conflict_id, choice, actor=actor.name)


@dataclass(frozen=True, slots=True)
class Difference:
    """One field of a conflicting record, office value beside field value."""

    name: str
    office: str
    field: str


def _text(value: object) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def differences_of(conflict: ConflictInfo) -> list[Difference]:
    """The differing fields of ``conflict`` as rows."""
    return [Difference(k, _text(conflict.local.get(k)), _text(conflict.incoming.get(k)))
            for k in conflict.differences]


def _state(conflict: ConflictInfo) -> str:
    from PySide6.QtCore import QCoreApplication

    if conflict.resolution is None:
        return QCoreApplication.translate("ConflictsDialog", "open")
    return f"{conflict.resolution} ({conflict.resolved_by})"


CONFLICT_COLUMNS: tuple[Column[ConflictInfo], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Record"), lambda c: c.record_type, width=9),
    Column(QT_TRANSLATE_NOOP("Column", "Criterion"), lambda c: c.criterion_id or c.record_id,
           width=10),
    Column(QT_TRANSLATE_NOOP("Column", "From"), lambda c: c.sender, width=7),
    Column(QT_TRANSLATE_NOOP("Column", "Received"), lambda c: f"{c.created_at:%Y-%m-%d %H:%M}",
           width=19),
    Column(QT_TRANSLATE_NOOP("Column", "State"), _state, width=10),
)

DIFFERENCE_COLUMNS: tuple[Column[Difference], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Field"), lambda d: d.name, width=10),
    Column(QT_TRANSLATE_NOOP("Column", "Office value"), lambda d: d.office, width=22,
           tooltip=lambda d: d.office),
    Column(QT_TRANSLATE_NOOP("Column", "Field value"), lambda d: d.field, width=22,
           tooltip=lambda d: d.field),
)


class ConflictsDialog(QDialog):
    """Conflicts on the left; the chosen one's values and notes side by side on the right."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "conflicts need an open database"
        self.db: Database = context.db
        self.resolved_count = 0
        self.setWindowTitle(self.tr("Field package conflicts"))
        self.model = RowsTableModel(CONFLICT_COLUMNS, parent=self)
        self.difference_model = RowsTableModel(DIFFERENCE_COLUMNS, parent=self)
        self._build()
        self._show_conflict(None)
        self.reload()
        if not context.settings.restore_geometry(self, "conflicts_dialog"):
            self.resize(980, 560)

    def _build(self) -> None:
        self.table = self._view(self.model, CONFLICT_COLUMNS)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.show_resolved_check = QCheckBox(self.tr("Show resolved conflicts"), self)
        self.show_resolved_check.toggled.connect(lambda _on: self.reload())
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.count_label = QLabel(self)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.show_resolved_check)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self._detail())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 600])
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)

    def _view(self, model: RowsTableModel, columns: tuple[Column, ...]) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.horizontalHeader().setStretchLastSection(True)
        configure_view(view, columns)
        return view

    def _detail(self) -> QWidget:
        detail = QWidget(self)
        self.title_label = QLabel(detail)
        self.title_label.setWordWrap(True)
        self.difference_table = self._view(self.difference_model, DIFFERENCE_COLUMNS)
        self.office_note = QPlainTextEdit(detail)
        self.field_note = QPlainTextEdit(detail)
        notes = QGridLayout()
        for column, (title, edit) in enumerate(((self.tr("Office note"), self.office_note),
                                                (self.tr("Field note"), self.field_note))):
            edit.setReadOnly(True)
            notes.addWidget(QLabel(title, detail), 0, column)
            notes.addWidget(edit, 1, column)
        self.passphrase_edit = QLineEdit(detail)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText(self.tr("Your passphrase (the choice is "
                                                        "journaled in your name)"))
        self.office_button = QPushButton(self.tr("Keep office"), detail)
        self.field_button = QPushButton(self.tr("Take field"), detail)
        self.merge_button = QPushButton(self.tr("Merge notes"), detail)
        self.merge_button.setToolTip(self.tr("Keep the office version and append the field "
                                             "note to the office note"))
        choices = QHBoxLayout()
        choices.addStretch(1)
        for button, choice in ((self.office_button, "office"), (self.field_button, "field"),
                               (self.merge_button, "merge")):
            button.clicked.connect(partial(self.resolve, choice))
            choices.addWidget(button)
        layout = QVBoxLayout(detail)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.difference_table, 2)
        layout.addLayout(notes, 2)
        layout.addWidget(self.passphrase_edit)
        layout.addLayout(choices)
        return detail

    # -- loading --------------------------------------------------------------------
    def reload(self) -> None:
        """Read the conflicts again."""
        db, everything = self.db, self.show_resolved_check.isChecked()
        (Op(self, lambda: fetch_conflicts(db, everything), tasks=self.context.tasks)
         .success(self._on_loaded)
         .run())

    def _on_loaded(self, conflicts: list[ConflictInfo]) -> None:
        self.model.set_rows(conflicts)
        open_count = sum(1 for c in conflicts if c.resolution is None)
        self.count_label.setText(self.tr("%n open conflict(s)", "", open_count))
        self._show_conflict(None)
        if conflicts:
            self.table.selectRow(0)

    def selected(self) -> ConflictInfo | None:
        """The conflict selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(RowRole) if rows else None

    def _on_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._show_conflict(self.selected())

    def _show_conflict(self, conflict: ConflictInfo | None) -> None:
        self.difference_model.set_rows(differences_of(conflict) if conflict else [])
        has_note = conflict is not None and "note" in conflict.incoming
        self.office_note.setPlainText(_text(conflict.local.get("note")) if has_note and conflict
                                      else "")
        self.field_note.setPlainText(_text(conflict.incoming.get("note")) if has_note
                                     and conflict else "")
        open_ = conflict is not None and conflict.resolution is None
        self.office_button.setEnabled(open_)
        self.field_button.setEnabled(open_)
        self.merge_button.setEnabled(open_ and conflict is not None and conflict.can_merge)
        if conflict is None:
            self.title_label.setText(self.tr("Select a conflict to compare the two versions."))
            return
        self.title_label.setText(
            self.tr("<b>%1 %2</b> of audit %3, changed here and by %4 in the field.")
            .replace("%1", conflict.record_type)
            .replace("%2", conflict.criterion_id or conflict.record_id)
            .replace("%3", conflict.audit_id or "—").replace("%4", conflict.sender))

    # -- choosing -------------------------------------------------------------------
    def resolve(self, choice: str) -> None:
        """Settle the selected conflict with ``choice`` (``office``, ``field`` or ``merge``)."""
        conflict = self.selected()
        if conflict is None:
            return
        if not self.context.user:
            self.status_label.setText(self.tr("Choose a user first (File > Switch user)."))
            return
        if not self.passphrase_edit.text():
            self.status_label.setText(self.tr("Enter your passphrase to record the choice."))
            return
        db, user, passphrase = self.db, self.context.user, self.passphrase_edit.text()
        (Op(self, lambda: resolve_as(db, user, passphrase, conflict.id, choice),
            tasks=self.context.tasks)
         .success(self._on_resolved)
         .failure(self._on_failed)
         .run())

    def _on_resolved(self, done: ConflictInfo) -> None:
        self.resolved_count += 1
        self.status_label.setText(self.tr("%1 %2: %3 recorded in the audit journal.")
                                  .replace("%1", done.record_type)
                                  .replace("%2", done.criterion_id or done.record_id)
                                  .replace("%3", done.resolution or ""))
        self.reload()

    def _on_failed(self, exception: BaseException) -> None:
        from certbench.gui.package_dialogs import show_failure

        show_failure(self, self.status_label, exception)

    def done(self, result: int) -> None:
        """Remember the geometry on every way out."""
        self.context.settings.save_geometry(self, "conflicts_dialog")
        super().done(result)

    @classmethod
    def ask(cls, parent: QWidget | None, context: AppContext) -> int:
        """Run the dialog; how many conflicts were resolved in it."""
        dialog = cls(context, parent)
        dialog.exec()
        return dialog.resolved_count
