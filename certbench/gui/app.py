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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QMessageBox

from certbench.gui.context import AppContext
from certbench.gui.errors import install_excepthook, show_exception
from certbench.gui.i18n import install_translators
from certbench.gui.settings import Settings
from certbench.gui.tasks import Op, TaskManager

if TYPE_CHECKING:
    from certbench.gui.main_window import MainWindow
    from certbench.storage import Database

__all__ = ["ORGANIZATION", "Located", "Workbench", "create_application", "locate_database", "main"]

ORGANIZATION = "certbench"
APPLICATION = "certbench"


def create_application(argv: Sequence[str]) -> QApplication:
    """The QApplication (reused when one exists), with the names QSettings uses."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    return app


@dataclass(frozen=True)
class Located:
    """Where start-up found itself: an open database, or a first run with none yet."""

    db: Database | None
    first_run: bool = False


def locate_database(override: str | None, stored: str) -> Located:
    """Open the database to work on (worker thread; imports SQLAlchemy off the GUI thread).

    ``override`` is ``--db``; ``stored`` the URL in the settings. With neither,
    and no embedded database yet, it is the first run.
    """
    from certbench.gui.first_run_dialog import is_first_run
    from certbench.storage import open_database, resolve_url

    if override is None and is_first_run(stored):
        return Located(None, first_run=True)
    return Located(open_database(resolve_url(override or stored)))


class Workbench(QObject):
    """Shows the main window at once, opens the database behind it, and keeps it current.

    The window appears before SQLAlchemy is even imported; opening the database
    (and the first run's questions) follow on the database thread.
    """

    def __init__(self, settings: Settings, tasks: TaskManager, *, url: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.tasks = tasks
        self.url_override = url
        self.window: MainWindow | None = None
        self.gave_up = False
        """True once the user declined to create or choose a database."""

    def start(self) -> bool:
        """Show the window and start opening the database; False when the user gave up."""
        self._new_window()
        self._locate()
        return not self.gave_up

    def _new_window(self) -> None:
        from certbench.gui.main_window import MainWindow

        context = AppContext(db=None, settings=self.settings, tasks=self.tasks,
                             user=self.settings.current_user)
        window = MainWindow(context)
        window.settings_requested.connect(self.open_settings)
        window.user_switch_requested.connect(self.switch_user)
        window.show()
        self.window = window

    def _locate(self) -> None:
        override, stored = self.url_override, self.settings.database_url
        (Op(self.window, lambda: locate_database(override, stored), tasks=self.tasks)
         .success(self._on_located)
         .failure(self._on_open_failed)
         .run())

    def _on_located(self, located: Located) -> None:
        from certbench.gui.first_run_dialog import FirstRunDialog

        if located.db is not None:
            assert self.window is not None
            self.window.set_database(located.db)
            return
        url = FirstRunDialog.ask(self.window, self.settings, self.tasks)
        if url is None:
            self._give_up()
            return
        self.settings.database_url = url
        self._locate()

    def _on_open_failed(self, exception: BaseException) -> None:
        show_exception(parent=self.window, exception=exception)
        if not self.open_settings(first=True):
            self._give_up()

    def _give_up(self) -> None:
        self.gave_up = True
        if self.window is not None:
            self.window.close()
        QApplication.quit()  # ends the event loop if it runs; nothing otherwise

    def open_settings(self, first: bool = False) -> bool:
        """Run Settings; reopen on the new database when it changed. False when cancelled."""
        from certbench.gui.settings_dialog import SettingsDialog

        result = SettingsDialog.ask(self.window, self.settings, self.tasks)
        if result is None:
            return False
        if result.language_changed:
            QMessageBox.information(self.window, self.tr("Language"), self.tr(
                "The new language takes effect when certbench starts again."))
        if result.database_changed or first:
            self.url_override = None
            self._close_window()
            self._new_window()
            self._locate()
        return True

    def _close_window(self) -> None:
        if self.window is None:
            return
        db = self.window.context.db
        self.window.close()
        self.window.deleteLater()
        self.window = None
        if db is not None:
            db.dispose()

    def switch_user(self) -> None:
        """Ask for another user's passphrase and act as that user."""
        from certbench.gui.switch_user_dialog import SwitchUserDialog

        if self.window is None or self.window.context.db is None:
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
