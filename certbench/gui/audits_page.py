"""The Audits section: every audit by state, and the way into the editor, review and issuing.

Opening an audit asks for the assessor's passphrase (the core opens audits as
an authenticated assessor); the editor opens in its own window, and its undo
stack joins the main window's Edit menu while it is active.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelection, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from certbench.gui.audit_editor import AuditEditor
from certbench.gui.context import AppContext
from certbench.gui.forms.ui_audits_page import Ui_AuditsPage
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.issue_dialog import IssueDialog
from certbench.gui.merchants_page import AUDIT_COLUMNS
from certbench.gui.models import Column, RowRole, RowsTableModel, configure_view
from certbench.gui.review_dialog import ReviewDialog
from certbench.gui.spreadsheets import install_ratings_buttons
from certbench.gui.tasks import Op

if TYPE_CHECKING:
    from certbench.storage import Database
    from certbench.storage.queries import AuditRow

__all__ = ["AUDITS_COLUMNS", "FILTERS", "AuditsPage", "NewAudit", "NewAuditDialog",
           "fetch_audits", "open_new_audit"]

FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (QT_TRANSLATE_NOOP("AuditsPage", "All audits"), ()),
    (QT_TRANSLATE_NOOP("AuditsPage", "Being assessed"), ("draft", "in_progress", "returned")),
    (QT_TRANSLATE_NOOP("AuditsPage", "Waiting for review"), ("submitted",)),
    (QT_TRANSLATE_NOOP("AuditsPage", "Approved, to issue"), ("approved",)),
    (QT_TRANSLATE_NOOP("AuditsPage", "Certified"), ("certified",)),
)
"""State filters of the list: English label (context ``AuditsPage``), audit states."""

AUDITS_COLUMNS: tuple[Column[AuditRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Merchant"), lambda r: r.merchant_name, width=30),
    *AUDIT_COLUMNS,
)


def fetch_audits(db: Database, states: tuple[str, ...]) -> list[AuditRow]:
    """Audits in ``states`` (all when empty), newest first (database thread)."""
    from certbench.domain import AuditState
    from certbench.storage.queries import audit_rows

    with db.session() as session:
        rows = audit_rows(session, [AuditState(s) for s in states])
    return rows[::-1]


@dataclass(frozen=True)
class NewAudit:
    """What the user chose for a new audit."""

    merchant_id: str
    form_ref: str
    passphrase: str


def open_new_audit(db: Database, user: str, choice: NewAudit) -> str:
    """Open the audit as ``user``; its id (database thread)."""
    from certbench.workflow import authenticate, open_audit

    with db.session() as session:
        actor = authenticate(session, user, choice.passphrase)
        return open_audit(session, actor, choice.merchant_id, choice.form_ref).id


def _merchant_choices(db: Database, search: str) -> list[tuple[str, str]]:
    from certbench.storage.queries import merchant_page

    with db.session() as session:
        page = merchant_page(session, search=search, limit=50)
    return [(r.id, f"{r.legal_name} ({r.registration_number or r.country})") for r in page.rows]


def _form_choices() -> list[tuple[str, str]]:
    from certbench.checklists import list_forms

    return [(f.ref, f"{f.title.en} / {f.title.zh} {f.version}") for f in list_forms()]


class NewAuditDialog(QDialog):
    """Merchant, checklist and the assessor's passphrase for a new audit."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "this screen needs an open database"
        self.db: Database = context.db
        self.setWindowTitle(self.tr("New audit"))
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Search merchants"))
        self.merchant_combo = QComboBox(self)
        self.form_combo = QComboBox(self)
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._on_ok_clicked)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(self.tr("Merchant:"), self.search_edit)
        layout.addRow("", self.merchant_combo)
        layout.addRow(self.tr("Checklist:"), self.form_combo)
        layout.addRow(self.tr("Your passphrase:"), self.passphrase_edit)
        layout.addRow(self.error_label)
        layout.addRow(buttons)
        for ref, label in _form_choices():
            self.form_combo.addItem(label, ref)
        self.search_edit.textChanged.connect(self._search)
        self._search("")

    def _search(self, text: str) -> None:
        db = self.db
        (Op(self, lambda: _merchant_choices(db, text.strip()), tasks=self.context.tasks)
         .success(self._on_merchants)
         .run())

    def _on_merchants(self, choices: list[tuple[str, str]]) -> None:
        self.merchant_combo.clear()
        for merchant_id, label in choices:
            self.merchant_combo.addItem(label, merchant_id)

    def choice(self) -> NewAudit | None:
        """What is entered now, if complete."""
        merchant, form = self.merchant_combo.currentData(), self.form_combo.currentData()
        if not merchant or not form:
            return None
        return NewAudit(str(merchant), str(form), self.passphrase_edit.text())

    def _on_ok_clicked(self) -> None:
        if self.choice() is None:
            self.error_label.setText(self.tr("Choose a merchant and a checklist."))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, context: AppContext) -> NewAudit | None:
        """Run the dialog; the choice, or None when cancelled."""
        dialog = cls(context, parent)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


class _ActivationWatcher(QObject):
    """Makes an editor's undo stack the active one of the main window while it is active."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.WindowActivate and isinstance(watched, AuditEditor):
            group = getattr(self.parent(), "undo_group", None)
            if group is not None:
                group.setActiveStack(watched.undo_stack)
        return False


class AuditsPage(QWidget):
    """Every audit, with the actions its state allows the core to accept."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "this screen needs an open database"
        self.db: Database = context.db
        self.ui = Ui_AuditsPage()
        self.ui.setupUi(self)
        self.model = RowsTableModel(AUDITS_COLUMNS, parent=self)
        self.ui.audits_table.setModel(self.model)
        configure_view(self.ui.audits_table, AUDITS_COLUMNS)
        self.editors: dict[str, AuditEditor] = {}
        for label, states in FILTERS:
            self.ui.state_combo.addItem(QCoreApplication.translate("AuditsPage", label), states)
        self._connect()
        install_ratings_buttons(self)
        self.reload()

    def _connect(self) -> None:
        ui = self.ui
        ui.state_combo.currentIndexChanged.connect(lambda _i: self.reload())
        ui.refresh_button.clicked.connect(self.reload)
        ui.new_audit_button.clicked.connect(self._on_new_audit_clicked)
        ui.open_button.clicked.connect(lambda: self._with_selected(self.open_editor))
        ui.review_button.clicked.connect(lambda: self._with_selected(self.review))
        ui.issue_button.clicked.connect(lambda: self._with_selected(self.issue))
        ui.audits_table.doubleClicked.connect(lambda _i: self._with_selected(self.open_editor))
        ui.audits_table.selectionModel().selectionChanged.connect(self._on_selection)
        self._on_selection(QItemSelection(), QItemSelection())

    def reload(self) -> None:
        """Read the list again."""
        db = self.db
        states = tuple(self.ui.state_combo.currentData() or ())
        (Op(self, lambda: fetch_audits(db, states), tasks=self.context.tasks)
         .success(self._show)
         .run())

    def _show(self, rows: list[AuditRow]) -> None:
        self.model.set_rows(rows)
        self.ui.count_label.setText(self.tr("%n audit(s)", "", len(rows)))
        self._on_selection(QItemSelection(), QItemSelection())

    def selected(self) -> AuditRow | None:
        """The audit selected in the list."""
        rows = self.ui.audits_table.selectionModel().selectedRows()
        return rows[0].data(RowRole) if rows else None

    def select_audit(self, audit_id: str) -> bool:
        """Select the row of ``audit_id``; False when it is not listed."""
        for row, audit in enumerate(self.model.rows):
            if audit.id == audit_id:
                self.ui.audits_table.selectRow(row)
                return True
        return False

    def _on_selection(self, _new: QItemSelection, _old: QItemSelection) -> None:
        chosen = self.selected() is not None
        for button in (self.ui.open_button, self.ui.review_button, self.ui.issue_button):
            button.setEnabled(chosen)

    def _with_selected(self, action: object) -> None:
        row = self.selected()
        if row is not None and callable(action):
            action(row.id)

    def _on_new_audit_clicked(self) -> None:
        choice = NewAuditDialog.ask(self, self.context)
        if choice is not None:
            self.create_audit(choice)

    def create_audit(self, choice: NewAudit) -> None:
        """Open a new audit as the acting user, then its editor."""
        db, user = self.db, self.context.user
        (Op(self, lambda: open_new_audit(db, user, choice), tasks=self.context.tasks)
         .success(self._on_created)
         .run())

    def _on_created(self, audit_id: str) -> None:
        self.reload()
        self.select_audit(audit_id)
        self.open_editor(audit_id)

    def open_editor(self, audit_id: str) -> AuditEditor:
        """Show the editor of ``audit_id`` in its own window (one per audit)."""
        editor = self.editors.get(audit_id)
        if editor is None:
            # parented to the main window (so it closes with it) but a window of its own
            editor = AuditEditor(self.context, audit_id, self.window())
            editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            editor.setWindowFlag(Qt.WindowType.Window)
            editor.destroyed.connect(lambda *_: self.editors.pop(audit_id, None))
            editor.submitted.connect(lambda _id: self.reload())
            self._join_undo_group(editor)
            self.editors[audit_id] = editor
            editor.resize(1280, 780)
        editor.show()
        editor.raise_()
        return editor

    def _join_undo_group(self, editor: AuditEditor) -> None:
        window = self.window()
        group = getattr(window, "undo_group", None)
        if group is None:
            return
        group.addStack(editor.undo_stack)
        group.setActiveStack(editor.undo_stack)
        watcher = _ActivationWatcher(window)
        editor.installEventFilter(watcher)

    def review(self, audit_id: str) -> None:
        """Review the audit; reload when a decision was taken."""
        if ReviewDialog.ask(self, self.context, audit_id) is not None:
            self.reload()

    def issue(self, audit_id: str) -> None:
        """Issue the audit's certificate; reload when it was issued."""
        if IssueDialog.ask(self, self.context, audit_id) is not None:
            self.reload()
