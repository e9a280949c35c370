"""Certificates and the registry: statuses, surveillance due or overdue, status changes, export.

Statuses and surveillance dates come from
:func:`certbench.workflow.list_certificates` (effective status, next
surveillance date, overdue flag). Suspend, reinstate and revoke go through
:func:`certbench.workflow.change_status` with a reason and the issuer key,
which also publishes the registry; the core decides which change is allowed.
Exporting the registry brings the published, signed registry up to date and
copies it where the user chooses, off the GUI thread.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QItemSelection
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from certbench.gui.context import AppContext
from certbench.gui.forms.ui_certificates_page import Ui_CertificatesPage
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import Column, RowRole, RowsTableModel, configure_view
from certbench.gui.tasks import CancelledFn, Op, ProgressFn

if TYPE_CHECKING:
    from certbench.storage import Database
    from certbench.workflow import CertificateRow

__all__ = ["CERTIFICATE_COLUMNS", "CertificatesPage", "StatusChange", "StatusChangeDialog",
           "change_certificate_status", "export_registry", "fetch_certificates"]

STATUS_WORDS = {
    "valid": QT_TRANSLATE_NOOP("Certificate", "valid"),
    "suspended": QT_TRANSLATE_NOOP("Certificate", "suspended"),
    "revoked": QT_TRANSLATE_NOOP("Certificate", "revoked"),
    "expired": QT_TRANSLATE_NOOP("Certificate", "expired"),
}
ACTION_WORDS = {
    "suspend": QT_TRANSLATE_NOOP("Certificate", "Suspend certificate %1"),
    "reinstate": QT_TRANSLATE_NOOP("Certificate", "Reinstate certificate %1"),
    "revoke": QT_TRANSLATE_NOOP("Certificate", "Revoke certificate %1"),
}


def _word(table: dict[str, str], key: str) -> str:
    return QCoreApplication.translate("Certificate", table.get(key, key))


def _surveillance(row: CertificateRow) -> str:
    if row.surveillance_due is None:
        return "—"
    due = row.surveillance_due.isoformat()
    if row.surveillance_overdue:
        return QCoreApplication.translate("Certificate", "%1 (overdue)").replace("%1", due)
    return due


CERTIFICATE_COLUMNS: tuple[Column[CertificateRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Number"), lambda r: r.number, width=18),
    Column(QT_TRANSLATE_NOOP("Column", "Merchant"), lambda r: r.merchant, width=28),
    Column(QT_TRANSLATE_NOOP("Column", "Status"), lambda r: _word(STATUS_WORDS, r.status.value),
           width=10,
           foreground=lambda r: None if r.status.value == "valid" else QColor("#b00020")),
    Column(QT_TRANSLATE_NOOP("Column", "Valid from"), lambda r: r.valid_from.isoformat(),
           width=11),
    Column(QT_TRANSLATE_NOOP("Column", "Valid until"), lambda r: r.valid_until.isoformat(),
           width=11),
    Column(QT_TRANSLATE_NOOP("Column", "Surveillance due"), _surveillance, width=18,
           foreground=lambda r: QColor("#b00020") if r.surveillance_overdue else None),
    Column(QT_TRANSLATE_NOOP("Column", "Seal hash"), lambda r: r.seal_hash[:16] + "…",
           width=18, tooltip=lambda r: r.seal_hash),
)


def fetch_certificates(db: Database, overdue_only: bool) -> list[CertificateRow]:
    """Every certificate (or those with overdue surveillance), by number (database thread)."""
    from certbench.workflow import list_certificates

    with db.session() as session:
        return list_certificates(session, overdue_only=overdue_only)


@dataclass(frozen=True)
class StatusChange:
    """What the user entered to change a certificate's status."""

    reason: str
    passphrase: str
    issuer_passphrase: str


def change_certificate_status(db: Database, user: str, number: str, action: str,
                              change: StatusChange) -> None:
    """Suspend, reinstate or revoke as ``user`` with the issuer key (database thread)."""
    from certbench.workflow import authenticate, change_status, load_issuer_key

    with db.session() as session:
        actor = authenticate(session, user, change.passphrase)
        key = load_issuer_key(session, change.issuer_passphrase or change.passphrase)
    change_status(db, actor, number, action, reason=change.reason, key=key)


def export_registry(db: Database, issuer_passphrase: str, target: Path, *,
                    progress: ProgressFn, cancelled: CancelledFn) -> Path | None:
    """Publish the signed registry up to date and copy it to ``target`` (database thread).

    Returns None when cancelled before anything was written to ``target``.
    """
    from certbench.workflow import load_issuer_key, publish_registry

    progress(0.1, "")
    with db.session() as session:
        key = load_issuer_key(session, issuer_passphrase)
        if cancelled():
            return None
        progress(0.5, "")
        published = publish_registry(session, key)
    if cancelled():
        return None
    progress(0.9, "")
    partial_target = target.with_name(target.name + ".part")
    shutil.copyfile(published, partial_target)
    partial_target.replace(target)
    progress(1.0, "")
    return target


class StatusChangeDialog(QDialog):
    """Reason and passphrases for a status change."""

    def __init__(self, action: str, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_word(ACTION_WORDS, action).replace("%1", number))
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setMaximumHeight(80)
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.issuer_edit = QLineEdit(self)
        self.issuer_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.issuer_edit.setPlaceholderText(self.tr("Leave empty when it is the same as yours"))
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._on_ok_clicked)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(self.tr("Reason:"), self.reason_edit)
        layout.addRow(self.tr("Your passphrase:"), self.passphrase_edit)
        layout.addRow(self.tr("Issuer key passphrase:"), self.issuer_edit)
        layout.addRow(self.error_label)
        layout.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, action: str, number: str) -> StatusChange | None:
        """Run the dialog; what was entered, or None when cancelled."""
        dialog = cls(action, number, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return StatusChange(dialog.reason_edit.toPlainText().strip(),
                            dialog.passphrase_edit.text(), dialog.issuer_edit.text())

    def _on_ok_clicked(self) -> None:
        if not self.reason_edit.toPlainText().strip():
            self.error_label.setText(self.tr("Give a reason: it is published in the registry."))
            return
        self.accept()


class CertificatesPage(QWidget):
    """The body's certificates."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "this screen needs an open database"
        self.db: Database = context.db
        self.ui = Ui_CertificatesPage()
        self.ui.setupUi(self)
        self.model = RowsTableModel(CERTIFICATE_COLUMNS, parent=self)
        self.ui.certificates_table.setModel(self.model)
        configure_view(self.ui.certificates_table, CERTIFICATE_COLUMNS)
        ui = self.ui
        ui.overdue_only_check.toggled.connect(lambda _on: self.reload())
        ui.refresh_button.clicked.connect(self.reload)
        ui.export_button.clicked.connect(self._on_export_clicked)
        for button, action in ((ui.suspend_button, "suspend"),
                               (ui.reinstate_button, "reinstate"), (ui.revoke_button, "revoke")):
            button.clicked.connect(partial(self.change_status, action))
        ui.certificates_table.selectionModel().selectionChanged.connect(self._on_selection)
        self._on_selection(QItemSelection(), QItemSelection())
        self.reload()

    def reload(self) -> None:
        """Read the certificates again."""
        db, overdue = self.db, self.ui.overdue_only_check.isChecked()
        (Op(self, lambda: fetch_certificates(db, overdue), tasks=self.context.tasks)
         .success(self._show)
         .run())

    def _show(self, rows: list[CertificateRow]) -> None:
        self.model.set_rows(rows)
        self.ui.count_label.setText(self.tr("%n certificate(s)", "", len(rows)))
        self._on_selection(QItemSelection(), QItemSelection())

    def selected(self) -> CertificateRow | None:
        """The certificate selected in the list."""
        rows = self.ui.certificates_table.selectionModel().selectedRows()
        return rows[0].data(RowRole) if rows else None

    def _on_selection(self, _new: QItemSelection, _old: QItemSelection) -> None:
        chosen = self.selected() is not None
        for button in (self.ui.suspend_button, self.ui.reinstate_button, self.ui.revoke_button):
            button.setEnabled(chosen)

    def change_status(self, action: str) -> None:
        """Ask for a reason and the keys, then suspend, reinstate or revoke the selection."""
        row = self.selected()
        if row is None:
            return
        change = StatusChangeDialog.ask(self, action, row.number)
        if change is None:
            return
        db, user, number = self.db, self.context.user, row.number
        (Op(self, lambda: change_certificate_status(db, user, number, action, change),
            tasks=self.context.tasks)
         .success(lambda _none: self._on_changed(number))
         .run())

    def _on_changed(self, number: str) -> None:
        self.ui.status_label.setText(self.tr("Certificate %1 updated; the registry is published.")
                                     .replace("%1", number))
        self.reload()

    def _on_export_clicked(self) -> None:
        from certbench.gui.prompts import ask_passphrase

        folder = self.context.settings.last_directory("registry")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export registry"),
                                              str(Path(folder or ".") / "registry.json"),
                                              self.tr("Registry (*.json)"))
        if not name:
            return
        passphrase = ask_passphrase(self, self.tr("Export registry"),
                                    self.tr("The registry head is signed with the issuer key.\n"
                                            "Issuer key passphrase:"))
        if passphrase is None:
            return
        self.context.settings.set_last_directory("registry", str(Path(name).parent))
        self.export_to(Path(name), passphrase)

    def export_to(self, target: Path, issuer_passphrase: str) -> None:
        """Export the signed registry to ``target`` with progress and cancel."""
        work = partial(export_registry, self.db, issuer_passphrase, target)
        (Op(self, work, tasks=self.context.tasks)
         .with_progress(self.tr("Exporting the registry…"), cancellable=True)
         .success(self._on_exported)
         .run())

    def _on_exported(self, path: Path | None) -> None:
        if path is not None:
            self.ui.status_label.setText(self.tr("Registry exported to %1").replace(
                "%1", str(path)))
