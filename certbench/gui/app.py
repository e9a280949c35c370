"""``certbench gui``: start the workbench.

:func:`main` sets up the application (names, settings, translators, the
exception hook, the task manager) and hands over to :class:`Workbench`, which
opens the database (asking on the very first run what to create), shows the
main window, and reopens it when Settings points it at another database.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from certbench.gui.context import AppContext
from certbench.gui.errors import install_excepthook, show_exception
from certbench.gui.i18n import install_translators
from certbench.gui.settings import Settings
from certbench.gui.tasks import TaskManager

__all__ = ["ORGANIZATION", "Workbench", "create_application", "main"]

ORGANIZATION = "certbench"
APPLICATION = "certbench"


def create_application(argv: Sequence[str]) -> QApplication:
    """The QApplication (reused when one exists), with the names QSettings uses."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    return app


class Workbench(QObject):
    """Opens the database and keeps one main window on it."""

    def __init__(self, settings: Settings, tasks: TaskManager, *, url: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.tasks = tasks
        self.url_override = url
        self.window = None  # the MainWindow, once shown

    def start(self) -> bool:
        """Open the database and show the main window; False when the user gave up."""
        from certbench.gui.first_run_dialog import FirstRunDialog, is_first_run

        if self.url_override is None and is_first_run(self.settings):
            url = FirstRunDialog.ask(None, self.settings, self.tasks)
            if url is None:
                return False
            self.settings.database_url = url
        return self._open()

    def _url(self) -> str:
        from certbench.storage import resolve_url

        return resolve_url(self.url_override or self.settings.database_url)

    def _open(self) -> bool:
        from certbench.storage import open_database

        try:
            db = open_database(self._url())
        except Exception as exc:
            show_exception(parent=None, exception=exc)
            return self.open_settings(first=True)
        self._show(AppContext(db=db, settings=self.settings, tasks=self.tasks,
                              user=self.settings.current_user))
        return True

    def _show(self, context: AppContext) -> None:
        from certbench.gui.main_window import MainWindow

        window = MainWindow(context)
        window.settings_requested.connect(self.open_settings)
        window.user_switch_requested.connect(self.switch_user)
        window.show()
        self.window = window

    def open_settings(self, first: bool = False) -> bool:
        """Run Settings; reopen on the new database when it changed."""
        from certbench.gui.settings_dialog import SettingsDialog

        parent: QWidget | None = self.window
        result = SettingsDialog.ask(parent, self.settings, self.tasks)
        if result is None:
            return not first
        if result.language_changed:
            QMessageBox.information(parent, self.tr("Language"), self.tr(
                "The new language takes effect when certbench starts again."))
        if result.database_changed or first:
            self.url_override = None
            if self.window is not None:
                self.window.close()
                self.window.context.db.dispose()
                self.window = None
            return self._open()
        return True

    def switch_user(self) -> None:
        """Ask for another user's passphrase and act as that user."""
        from certbench.gui.switch_user_dialog import SwitchUserDialog

        if self.window is None:
            return
        name = SwitchUserDialog.ask(self.window, self.window.context)
        if name is not None:
            self.window.set_user(name)


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="certbench gui")
    parser.add_argument("--db", metavar="URL", help="database URL or SQLite path")
    return parser.parse_known_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the workbench until its window closes; the process exit code."""
    args, qt_args = _parse(sys.argv[1:] if argv is None else argv)
    app = create_application([sys.argv[0], *qt_args])
    settings = Settings()
    translators = install_translators(app, settings.language)
    hook = install_excepthook()
    tasks = TaskManager(app)
    workbench = Workbench(settings, tasks, url=args.db)
    try:
        if not workbench.start():
            return 0
        return app.exec()
    finally:
        tasks.shutdown()
        hook.uninstall()
        del translators


if __name__ == "__main__":
    sys.exit(main())
