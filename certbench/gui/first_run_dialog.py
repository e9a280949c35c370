"""First run: no database yet. Create a certification body, open the demo, or choose a database.

Creating a body makes the embedded SQLite database and runs
:func:`certbench.services.bodies.init_body`: the body's issuer key, the first
administrator's personal key (both under the one passphrase), the trust file
and an empty registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from certbench.gui.forms.ui_first_run_dialog import Ui_FirstRunDialog
from certbench.gui.settings import Settings
from certbench.gui.tasks import Op, TaskManager

__all__ = ["MIN_PASSPHRASE", "FirstRunDialog", "NewBody", "create_certification_body",
           "is_first_run"]

MIN_PASSPHRASE = 10
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


@dataclass(frozen=True)
class NewBody:
    """What the user typed to create a certification body."""

    name: str
    address: str
    admin_login: str
    admin_name: str
    passphrase: str


def is_first_run(stored_url: str) -> bool:
    """True when no database was chosen (``stored_url`` empty) and the embedded one is missing."""
    from certbench.storage import resolve_url

    if stored_url:
        return False
    url = resolve_url(None)
    return url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()


def create_certification_body(url: str, new: NewBody) -> str:
    """Create the database at ``url`` and, in it, the body and its first administrator.

    Runs on a worker thread; the work is :func:`certbench.services.bodies.init_body`
    (issuer key, administrator key, trust file, empty registry). Returns ``url``.

    :raises WorkflowError: the database already has a body, or the key folder has keys.
    :raises StorageError: the database cannot be created.
    """
    from certbench.certify.keyring import body_id_from_name
    from certbench.services.bodies import init_body
    from certbench.storage import open_database

    db = open_database(url)
    try:
        init_body(db, name=new.name, code=body_id_from_name(new.name),
                  admin_name=new.admin_login, admin_passphrase=new.passphrase,
                  address=new.address, admin_display_name=new.admin_name)
    finally:
        db.dispose()
    return url


class FirstRunDialog(QDialog):
    """Welcome: create a certification body or choose an existing database."""

    def __init__(self, settings: Settings, tasks: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.tasks = tasks
        self.ui = Ui_FirstRunDialog()
        self.ui.setupUi(self)
        self.chosen_url: str | None = None
        self.created_user = ""
        self._describe_demo()
        self.ui.create_radio.toggled.connect(self.ui.body_group.setEnabled)
        self.ui.button_box.accepted.connect(self._on_ok_clicked)

    @classmethod
    def ask(cls, parent: QWidget | None, settings: Settings, tasks: TaskManager) -> str | None:
        """Run the dialog; the database URL to open, or None when the user gave up."""
        dialog = cls(settings, tasks, parent)
        dialog.exec()
        return dialog.chosen_url

    def _describe_demo(self) -> None:
        from certbench.gui.demo_data import demo_passphrases

        users = ", ".join(f"{user} ({word})" for user, word in demo_passphrases().items())
        label = self.ui.demo_note_label
        label.setText(label.text() + "\n" + self.tr("Users (passphrase): %1").replace("%1", users))

    def new_body(self) -> NewBody:
        """The form's contents."""
        ui = self.ui
        return NewBody(ui.body_name_edit.text().strip(),
                       ui.body_address_edit.toPlainText().strip(),
                       ui.admin_login_edit.text().strip(), ui.admin_name_edit.text().strip(),
                       ui.passphrase_edit.text())

    def problem(self) -> str:
        """What is wrong with the form, or an empty string."""
        new = self.new_body()
        if not new.name:
            return self.tr("Enter the certification body's name.")
        if not _LOGIN.fullmatch(new.admin_login):
            return self.tr("The login may use lower-case letters, digits, dots, hyphens and underscores (2 to 64).")  # noqa: E501
        if not new.admin_name:
            return self.tr("Enter the administrator's full name.")
        if len(new.passphrase) < MIN_PASSPHRASE:
            return self.tr("The passphrase needs at least %1 characters.").replace(
                "%1", str(MIN_PASSPHRASE))
        if new.passphrase != self.ui.passphrase_again_edit.text():
            return self.tr("The two passphrases differ.")
        return ""

    def _on_ok_clicked(self) -> None:
        if self.ui.existing_radio.isChecked():
            self._choose_existing()
            return
        if self.ui.demo_radio.isChecked():
            self._open_demo()
            return
        problem = self.problem()
        self.ui.error_label.setText(problem)
        if problem:
            return
        from certbench.storage import resolve_url

        url, new = resolve_url(None), self.new_body()
        self.ui.button_box.setEnabled(False)
        (Op(self, lambda progress, cancelled: create_certification_body(url, new),
            tasks=self.tasks)
         .success(lambda created: self._on_created(created, new.admin_login))
         .failure(self._on_create_failed)
         .with_progress(self.tr("Creating the database and the keys…"))
         .run())

    def _on_created(self, url: str, login: str) -> None:
        self.chosen_url = url
        self.created_user = login
        self.settings.current_user = login
        self.accept()

    def _on_create_failed(self, exception: BaseException) -> None:
        self.ui.button_box.setEnabled(True)
        message = getattr(exception, "message", None) or f"{type(exception).__name__}: {exception}"
        self.ui.error_label.setText(message)

    def _open_demo(self) -> None:
        from certbench.gui.demo_data import CORE_DEMO_USER, demo_folder, open_core_demo

        folder = demo_folder()
        self.ui.error_label.clear()
        self.ui.button_box.setEnabled(False)
        (Op(self, lambda progress, cancelled: open_core_demo(folder), tasks=self.tasks)
         .success(lambda url: self._on_created(url, CORE_DEMO_USER))
         .failure(self._on_create_failed)
         .with_progress(self.tr("Creating the demo data…"))
         .run())

    def _choose_existing(self) -> None:
        from certbench.gui.settings_dialog import SettingsDialog

        result = SettingsDialog.ask(self, self.settings, self.tasks)
        if result is not None and self.settings.database_url:
            self.chosen_url = self.settings.database_url
            self.accept()
