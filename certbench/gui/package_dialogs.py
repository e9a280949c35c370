"""Field packages in the workbench: export, inspect, import (with progress and cancel).

The work is :mod:`certbench.sync`'s, called the way ``certbench package``
calls it, through :mod:`certbench.gui.field_packages` on the database thread.
:class:`ExportPackageDialog` writes a package; :class:`ImportPackageDialog`
first shows what a package holds, who sent it and whether it verifies (an
inspection writes nothing), then imports it. Conflicts are settled in
:class:`~certbench.gui.conflicts_dialog.ConflictsDialog`.
:func:`install_package_actions` adds the three File-menu actions.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from certbench.gui.context import AppContext
from certbench.gui.field_packages import (
    ExportChoices,
    ExportRequest,
    KeyChoice,
    export_field_package,
    import_field_package,
    inspect_field_package,
    load_export_choices,
)
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import Column, RowRole, RowsTableModel, configure_view
from certbench.gui.tasks import Op

if TYPE_CHECKING:
    from certbench.gui.main_window import MainWindow
    from certbench.storage import Database
    from certbench.storage.queries import AuditRow
    from certbench.sync.exporter import ExportResult
    from certbench.sync.importer import ImportResult
    from certbench.sync.inspection import Inspection

__all__ = ["ExportPackageDialog", "ImportPackageDialog", "InspectionView",
           "install_package_actions", "show_failure"]

PACKAGE_FILTER = QT_TRANSLATE_NOOP("PackageDialogs", "Field packages (*.cbpkg);;All files (*)")


def _translate(text: str) -> str:
    return QCoreApplication.translate("PackageDialogs", text)


# -- dialogs ------------------------------------------------------------------------------


def _audit_state(row: AuditRow) -> str:
    from certbench.gui.merchants_page import audit_word

    return audit_word(row.state)


AUDIT_COLUMNS: tuple[Column[AuditRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Merchant"), lambda r: r.merchant_name, width=26),
    Column(QT_TRANSLATE_NOOP("Column", "State"), _audit_state, width=10),
    Column(QT_TRANSLATE_NOOP("Column", "Checklist"), lambda r: f"{r.form_id} {r.form_version}",
           width=22),
    Column(QT_TRANSLATE_NOOP("Column", "Assessors"), lambda r: r.assessors, width=12),
)


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet("color: #b00020")
    label.setWordWrap(True)
    return label


def show_failure(parent: QWidget, label: QLabel, exception: BaseException) -> None:
    """An expected failure (wrong passphrase, refused package) inline; a bug in a box too."""
    from certbench.errors import CertbenchError
    from certbench.gui.errors import show_exception

    if isinstance(exception, CertbenchError):
        label.setText(exception.message)
        return
    label.setText(f"{type(exception).__name__}: {exception}")
    show_exception(parent=parent, exception=exception)


def _password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class ExportPackageDialog(QDialog):
    """Choose audits and a recipient; write a signed, encrypted package with progress."""

    exported = Signal(object)
    """The :class:`~certbench.sync.exporter.ExportResult` of a finished export."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "exporting needs an open database"
        self.db: Database = context.db
        self.result_value: ExportResult | None = None
        self.setWindowTitle(self.tr("Export field package"))
        self.audit_model = RowsTableModel(AUDIT_COLUMNS, parent=self)
        self._build()
        db = self.db
        (Op(self, lambda: load_export_choices(db), tasks=context.tasks)
         .success(self._on_choices_loaded)
         .run())
        context.settings.restore_geometry(self, "export_package_dialog")

    def _build(self) -> None:
        self.audit_table = QTableView(self)
        self.audit_table.setModel(self.audit_model)
        self.audit_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.audit_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.audit_table.horizontalHeader().setStretchLastSection(True)
        configure_view(self.audit_table, AUDIT_COLUMNS)
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem(self.tr("Audits: from the field to the office"), "audits")
        self.kind_combo.addItem(self.tr("Assignments: from the office to the field"),
                                "assignments")
        self.recipient_combo = QComboBox(self)
        self.recipient_combo.addItem(self.tr("The body's package key (office inbox)"), None)
        self.file_edit = QLineEdit(self)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.passphrase_edit = _password_edit(self)
        self.error_label = _error_label(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.buttons.addButton(self.tr("Export"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Package:"), self.kind_combo)
        form.addRow(self.tr("Encrypt to:"), self.recipient_combo)
        form.addRow(self.tr("Save as:"), file_row)
        form.addRow(self.tr("Your passphrase:"), self.passphrase_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Audits to carry (select one or more):"), self))
        layout.addWidget(self.audit_table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _on_choices_loaded(self, choices: ExportChoices) -> None:
        self.audit_model.set_rows(choices.audits)
        for name in choices.users:
            self.recipient_combo.addItem(self.tr("User %1's personal key").replace("%1", name),
                                         name)

    def _on_browse_clicked(self) -> None:
        folder = self.context.settings.last_directory("packages")
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export field package"), str(Path(folder or ".") / "audits.cbpkg"),
            _translate(PACKAGE_FILTER))
        if name:
            self.file_edit.setText(name)

    def select_audits(self, audit_ids: list[str]) -> None:
        """Select the rows of ``audit_ids`` in the list."""
        view = self.audit_table
        view.clearSelection()
        mode = view.selectionMode()
        view.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row, audit in enumerate(self.audit_model.rows):
            if audit.id in audit_ids:
                view.selectRow(row)
        view.setSelectionMode(mode)

    def request(self) -> ExportRequest | None:
        """What was entered, or None (with the reason shown) when something is missing."""
        rows = self.audit_table.selectionModel().selectedRows()
        audit_ids = tuple(index.data(RowRole).id for index in rows)
        target = self.file_edit.text().strip()
        problem = ("" if audit_ids else self.tr("Select at least one audit.")) or \
            ("" if target else self.tr("Choose where to save the package.")) or \
            ("" if self.context.user else self.tr("Choose a user first (File > Switch user).")) or \
            ("" if self.passphrase_edit.text() else self.tr("Enter your passphrase: the "
                                                            "package is signed with your key."))
        self.error_label.setText(problem)
        if problem:
            return None
        return ExportRequest(audit_ids, str(self.kind_combo.currentData()),
                             self.recipient_combo.currentData(), Path(target),
                             self.context.user, self.passphrase_edit.text())

    def start_export(self) -> None:
        """Write the package with a cancellable progress dialog; close when it is written."""
        request = self.request()
        if request is None:
            return
        self.context.settings.set_last_directory("packages", str(request.target.parent))
        self.export_button.setEnabled(False)
        (Op(self, partial(export_field_package, self.db, request), tasks=self.context.tasks)
         .with_progress(self.tr("Writing the package…"), cancellable=True)
         .success(self._on_exported)
         .failure(self._on_failed)
         .run())

    def _on_failed(self, exception: BaseException) -> None:
        self.export_button.setEnabled(True)
        show_failure(self, self.error_label, exception)

    def _on_exported(self, result: ExportResult) -> None:
        self.result_value = result
        self.exported.emit(result)
        self.context.settings.save_geometry(self, "export_package_dialog")
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, context: AppContext) -> ExportResult | None:
        """Run the dialog; the export's result, or None when cancelled."""
        dialog = cls(context, parent)
        dialog.exec()
        return dialog.result_value


class InspectionView(QWidget):
    """What a package holds, who sent it, and whether it verifies (read-only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for key, title in (("verdict", self.tr("Verdict:")), ("sender", self.tr("Sent by:")),
                           ("package", self.tr("Package:")), ("encrypted", self.tr("Encrypted:")),
                           ("audits", self.tr("Audits:")), ("records", self.tr("Records:")),
                           ("evidence", self.tr("Evidence:")), ("forms", self.tr("Checklists:")),
                           ("problems", self.tr("Problems:"))):
            label = QLabel(self)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = label
            form.addRow(title, label)
        self.show_inspection(None)

    def show_inspection(self, seen: Inspection | None) -> None:
        """Fill the view from an inspection (None: empty)."""
        if seen is None:
            for label in self.fields.values():
                label.setText("—")
            return
        verdict = self.fields["verdict"]
        verdict.setText(self.tr("VERIFIED") if seen.verified else self.tr("NOT VERIFIED"))
        verdict.setStyleSheet(f"font-weight: bold; color: "
                              f"{'#2e7d32' if seen.verified else '#b00020'}")
        self.fields["sender"].setText(self.tr("%1 (key %2) on %3").replace("%1", seen.sender)
                                      .replace("%2", seen.sender_key_id)
                                      .replace("%3", seen.device_name))
        self.fields["package"].setText(f"{seen.package_id} ({seen.kind}), "
                                       f"{seen.created_at:%Y-%m-%d %H:%M} UTC")
        self.fields["encrypted"].setText(
            self.tr("yes, to key %1").replace("%1", seen.recipient_key_id or "")
            if seen.encrypted else self.tr("no: for inspection only, it cannot be imported"))
        self.fields["audits"].setText(", ".join(seen.audits) or "—")
        self.fields["records"].setText(", ".join(f"{n} {t}" for t, n in
                                                 sorted(seen.records.items())) or "—")
        evidence = self.tr("%1 file(s), %2 bytes; %3").replace("%1", str(seen.evidence_files))\
            .replace("%2", f"{seen.evidence_bytes:,}")\
            .replace("%3", self.tr("every hash matches") if seen.evidence_ok
                     else self.tr("HASH MISMATCH"))
        self.fields["evidence"].setText(evidence)
        self.fields["forms"].setText(", ".join(seen.forms) or "—")
        self.fields["problems"].setText("\n".join(seen.problems) or self.tr("none"))


class ImportPackageDialog(QDialog):
    """Open a package, show its inspection, then import it with progress and cancel."""

    imported = Signal(object)
    """The :class:`~certbench.sync.importer.ImportResult` of a finished import."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "importing needs an open database"
        self.db: Database = context.db
        self.inspection: Inspection | None = None
        self.result_value: ImportResult | None = None
        self.setWindowTitle(self.tr("Import field package"))
        self._build()
        self._on_inputs_changed()
        context.settings.restore_geometry(self, "import_package_dialog")

    def _build(self) -> None:
        self.file_edit = QLineEdit(self)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        who = self.context.user or self.tr("no user chosen")
        self.personal_radio = QRadioButton(self.tr("My personal key (%1)").replace("%1", who),
                                           self)
        self.key_file_radio = QRadioButton(self.tr("Key file:"), self)
        self.key_file_radio.setChecked(True)
        self.key_edit = QLineEdit(self)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_file_radio)
        key_row.addWidget(self.key_edit, 1)
        self.passphrase_edit = _password_edit(self)
        self.inspect_button = QPushButton(self.tr("Inspect"), self)
        self.inspect_button.clicked.connect(self.start_inspection)
        self.view = InspectionView(self)
        self.error_label = _error_label(self)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.import_button = self.buttons.addButton(self.tr("Import"),
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.conflicts_button = self.buttons.addButton(self.tr("Resolve conflicts…"),
                                                       QDialogButtonBox.ButtonRole.ActionRole)
        self.conflicts_button.setVisible(False)
        self.import_button.clicked.connect(self.start_import)
        self.conflicts_button.clicked.connect(self._on_conflicts_clicked)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Package file:"), file_row)
        form.addRow(self.tr("Open with:"), self.personal_radio)
        form.addRow("", key_row)
        form.addRow(self.tr("Passphrase:"), self.passphrase_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.inspect_button)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        for edit in (self.file_edit, self.key_edit, self.passphrase_edit):
            edit.textChanged.connect(self._on_inputs_changed)
        self.personal_radio.toggled.connect(self._on_inputs_changed)

    def _on_inputs_changed(self, *_args: object) -> None:
        self.inspection = None
        self.view.show_inspection(None)
        self.import_button.setEnabled(False)

    def _on_browse_clicked(self) -> None:
        folder = self.context.settings.last_directory("packages")
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Import field package"),
                                              folder or "", _translate(PACKAGE_FILTER))
        if name:
            self.file_edit.setText(name)

    def key_choice(self) -> KeyChoice:
        """The key the user chose to open the package with."""
        key_file = None if self.personal_radio.isChecked() else Path(self.key_edit.text().strip())
        return KeyChoice(key_file, self.passphrase_edit.text())

    def _inputs(self) -> tuple[Path, KeyChoice] | None:
        path, key = self.file_edit.text().strip(), self.key_choice()
        problem = ("" if path else self.tr("Choose the package file.")) or \
            ("" if key.key_file is None or str(key.key_file) not in ("", ".")
             else self.tr("Choose the key file, or use your personal key.")) or \
            ("" if key.key_file is not None or self.context.user
             else self.tr("Choose a user first (File > Switch user).")) or \
            ("" if key.passphrase else self.tr("Enter the key's passphrase."))
        self.error_label.setText(problem)
        return None if problem else (Path(path), key)

    def start_inspection(self) -> None:
        """Open and verify the package (nothing is written) and show what it holds."""
        inputs = self._inputs()
        if inputs is None:
            return
        path, key = inputs
        self.context.settings.set_last_directory("packages", str(path.parent))
        work = partial(inspect_field_package, self.db, path, self.context.user, key)
        (Op(self, work, tasks=self.context.tasks)
         .with_progress(self.tr("Checking the package…"), cancellable=True)
         .success(self._on_inspected)
         .failure(self._on_failed)
         .run())

    def _on_inspected(self, seen: Inspection) -> None:
        self.inspection = seen
        self.view.show_inspection(seen)
        self.import_button.setEnabled(seen.verified and seen.encrypted)

    def _on_failed(self, exception: BaseException) -> None:
        show_failure(self, self.error_label, exception)

    def start_import(self) -> None:
        """Import the inspected package with a cancellable progress dialog."""
        inputs = self._inputs()
        if inputs is None:
            return
        path, key = inputs
        self.import_button.setEnabled(False)
        work = partial(import_field_package, self.db, path, self.context.user, key)
        (Op(self, work, tasks=self.context.tasks)
         .with_progress(self.tr("Importing the package…"), cancellable=True)
         .success(self._on_imported)
         .failure(self._on_failed)
         .run())

    def _on_imported(self, result: ImportResult) -> None:
        self.result_value = result
        c = result.counts
        if result.already_imported:
            text = self.tr("This package was imported before: nothing changed.")
        else:
            text = (self.tr("Imported: %1 new, %2 updated, %3 unchanged, %4 kept, %5 conflicts, "
                            "%6 new evidence files.")
                    .replace("%1", str(c.inserted)).replace("%2", str(c.updated))
                    .replace("%3", str(c.unchanged)).replace("%4", str(c.kept_local))
                    .replace("%5", str(c.conflicts)).replace("%6", str(result.evidence_new)))
        self.result_label.setText(text)
        self.conflicts_button.setVisible(c.conflicts > 0)
        self.imported.emit(result)

    def _on_conflicts_clicked(self) -> None:
        from certbench.gui.conflicts_dialog import ConflictsDialog

        ConflictsDialog.ask(self, self.context)

    def done(self, result: int) -> None:
        """Remember the geometry on every way out."""
        self.context.settings.save_geometry(self, "import_package_dialog")
        super().done(result)


def install_package_actions(window: MainWindow) -> None:
    """Add Export/Import field package and Conflicts to the window's File menu."""
    from PySide6.QtGui import QAction

    menu = window.ui.menu_file
    first = menu.actions()[0]  # the File menu always has Switch user and Quit
    items = ((_translate(QT_TRANSLATE_NOOP("PackageDialogs", "Export field package…")), _export),
             (_translate(QT_TRANSLATE_NOOP("PackageDialogs", "Import field package…")), _import),
             (_translate(QT_TRANSLATE_NOOP("PackageDialogs", "Conflicts…")), _conflicts))
    for title, handler in items:
        action = QAction(title, window)
        action.triggered.connect(partial(handler, window))
        menu.insertAction(first, action)
    menu.insertSeparator(first)


def _changed(window: MainWindow) -> None:
    mark = getattr(window.pages.get("dashboard"), "mark_stale", None)
    if mark is not None:
        mark()


def _export(window: MainWindow, _checked: bool = False) -> None:
    if window.context.db is not None:
        ExportPackageDialog.ask(window, window.context)


def _import(window: MainWindow, _checked: bool = False) -> None:
    if window.context.db is None:
        return
    dialog = ImportPackageDialog(window.context, window)
    dialog.imported.connect(lambda _result: _changed(window))
    dialog.exec()


def _conflicts(window: MainWindow, _checked: bool = False) -> None:
    from certbench.gui.conflicts_dialog import ConflictsDialog

    if window.context.db is not None and ConflictsDialog.ask(window, window.context):
        _changed(window)
