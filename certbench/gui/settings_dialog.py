"""Preferences: language and database, as pages with ``load()``/``save()`` (Picard's pattern).

A new database must pass "Test connection" first: the test opens it with
:func:`certbench.storage.open_database` on a worker thread (creating and
migrating an empty one), and Save stays disabled until it succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QWidget

from certbench.gui.forms.ui_settings_dialog import Ui_SettingsDialog
from certbench.gui.i18n import LANGUAGES
from certbench.gui.settings import Settings
from certbench.gui.tasks import Op, TaskManager

__all__ = ["DatabasePage", "GeneralPage", "SettingsDialog", "SettingsResult", "check_connection"]


def check_connection(url: str) -> str:
    """Open (creating or upgrading) the database at ``url``; return its display URL.

    Runs on a worker thread. :raises StorageError: it cannot be opened.
    """
    from certbench.storage import open_database

    database = open_database(url)
    try:
        return database.url
    finally:
        database.dispose()


@dataclass(frozen=True)
class SettingsResult:
    """What changed when the dialog was saved."""

    language_changed: bool
    database_changed: bool


class GeneralPage:
    """The language choice."""

    def __init__(self, ui: Ui_SettingsDialog) -> None:
        self.ui = ui
        for code, name in LANGUAGES.items():
            ui.language_combo.addItem(name, code)

    def load(self, settings: Settings) -> None:
        """Show the stored language."""
        index = self.ui.language_combo.findData(settings.language)
        self.ui.language_combo.setCurrentIndex(max(index, 0))

    def save(self, settings: Settings) -> bool:
        """Store the chosen language; True when it changed."""
        chosen = str(self.ui.language_combo.currentData())
        changed = chosen != settings.language
        settings.language = chosen
        return changed


class DatabasePage:
    """Where the workbench's database is: a SQLite file or a PostgreSQL URL."""

    def __init__(self, ui: Ui_SettingsDialog) -> None:
        self.ui = ui
        self.loaded_url = ""
        self.tested_url = ""

    def load(self, settings: Settings) -> None:
        """Show the stored database."""
        from certbench.storage import resolve_url

        self.loaded_url = resolve_url(settings.database_url)
        if self.loaded_url.startswith("sqlite:///"):
            self.ui.sqlite_radio.setChecked(True)
            self.ui.sqlite_path_edit.setText(self.loaded_url.removeprefix("sqlite:///"))
        else:
            self.ui.postgres_radio.setChecked(True)
            self.ui.postgres_url_edit.setText(settings.database_url)

    def candidate_url(self) -> str:
        """The URL the page currently describes (empty when incomplete)."""
        from certbench.storage import resolve_url

        if self.ui.sqlite_radio.isChecked():
            path = self.ui.sqlite_path_edit.text().strip()
            return resolve_url(path) if path else ""
        text = self.ui.postgres_url_edit.text().strip()
        return resolve_url(text) if text else ""

    def can_save(self) -> bool:
        """Unchanged, or changed to a database that passed the connection test."""
        url = self.candidate_url()
        return bool(url) and url in (self.loaded_url, self.tested_url)

    def save(self, settings: Settings) -> bool:
        """Store the database URL; True when it changed."""
        url = self.candidate_url()
        changed = url != self.loaded_url
        if changed:
            settings.database_url = url
        return changed


class SettingsDialog(QDialog):
    """The Settings dialog."""

    def __init__(self, settings: Settings, tasks: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.tasks = tasks
        self.ui = Ui_SettingsDialog()
        self.ui.setupUi(self)
        self.general = GeneralPage(self.ui)
        self.database = DatabasePage(self.ui)
        self.result_value: SettingsResult | None = None
        for page in (self.general, self.database):
            page.load(settings)
        self._connect()
        self._update_buttons()

    @classmethod
    def ask(cls, parent: QWidget | None, settings: Settings,
            tasks: TaskManager) -> SettingsResult | None:
        """Run the dialog; what changed, or None when cancelled."""
        dialog = cls(settings, tasks, parent)
        dialog.exec()
        return dialog.result_value

    def _connect(self) -> None:
        ui = self.ui
        for edit in (ui.sqlite_path_edit, ui.postgres_url_edit):
            edit.textChanged.connect(self._on_database_edited)
        ui.sqlite_radio.toggled.connect(self._on_database_edited)
        ui.browse_button.clicked.connect(self._on_browse_clicked)
        ui.test_button.clicked.connect(self._on_test_clicked)
        ui.button_box.accepted.connect(self._on_save_clicked)

    @property
    def save_button(self):
        """The dialog's Save button."""
        return self.ui.button_box.button(QDialogButtonBox.StandardButton.Save)

    def _update_buttons(self) -> None:
        sqlite = self.ui.sqlite_radio.isChecked()
        self.ui.sqlite_path_edit.setEnabled(sqlite)
        self.ui.browse_button.setEnabled(sqlite)
        self.ui.postgres_url_edit.setEnabled(not sqlite)
        self.ui.test_button.setEnabled(bool(self.database.candidate_url()))
        self.save_button.setEnabled(self.database.can_save())

    def _on_database_edited(self) -> None:
        self.ui.test_result_label.setText(
            self.tr("Test the connection before saving a new database."))
        self._update_buttons()

    def _on_browse_clicked(self) -> None:
        start = self.ui.sqlite_path_edit.text() or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Database file"), start, self.tr("SQLite databases (*.sqlite3 *.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.ui.sqlite_path_edit.setText(path)

    def _on_test_clicked(self) -> None:
        url = self.database.candidate_url()
        self.ui.test_button.setEnabled(False)
        self.ui.test_result_label.setText(self.tr("Connecting…"))
        (Op(self, lambda: check_connection(url), db=False, tasks=self.tasks)
         .success(lambda shown: self._on_test_passed(url, shown))
         .failure(self._on_test_failed)
         .run())

    def _on_test_passed(self, url: str, shown: str) -> None:
        if url != self.database.candidate_url():
            return  # edited while the test ran
        self.database.tested_url = url
        self.ui.test_result_label.setText(self.tr("Connected to %1.").replace("%1", shown))
        self._update_buttons()

    def _on_test_failed(self, exception: BaseException) -> None:
        message = getattr(exception, "message", None) or str(exception)
        self.ui.test_result_label.setText(self.tr("Cannot connect: %1").replace("%1", message))
        self._update_buttons()

    def _on_save_clicked(self) -> None:
        if not self.database.can_save():
            return
        self.result_value = SettingsResult(
            language_changed=self.general.save(self.settings),
            database_changed=self.database.save(self.settings))
        self.accept()
