"""The workbench window: a navigation list, one page per section, menus and a status bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QLabel, QListWidgetItem, QMainWindow, QMessageBox, QWidget

from certbench import __version__
from certbench.gui.context import AppContext
from certbench.gui.forms.ui_main_window import Ui_MainWindow
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.merchants_page import MerchantsPage
from certbench.gui.package_dialogs import install_package_actions
from certbench.gui.spreadsheets import install_spreadsheet_actions
from certbench.gui.tasks import Op
from certbench.gui.verify_window import VerifyWindow

if TYPE_CHECKING:
    from certbench.storage import Database

__all__ = ["PAGES", "MainWindow", "PageSpec"]


@dataclass(frozen=True)
class PageSpec:
    """One section of the navigation list."""

    key: str
    title: str
    """English title, marked for deferred translation in context ``MainWindow``."""
    factory: Callable[[AppContext], QWidget]


def _merchants(context: AppContext) -> QWidget:
    return MerchantsPage(context)


def published_files(db: Database) -> tuple[str, str]:
    """The body's own published trust file and registry, where they exist (database thread)."""
    from certbench.errors import NotFoundError
    from certbench.services.bodies import body_paths, get_body

    with db.session() as session:
        try:
            paths = body_paths(get_body(session))
        except NotFoundError:
            return "", ""
    trust, registry = paths.trust_path, paths.registry_path
    return (str(trust) if trust.is_file() else "", str(registry) if registry.is_file() else "")


def _verify(context: AppContext) -> QWidget:
    window = VerifyWindow(context.settings, context.tasks)
    db = context.db
    assert db is not None
    (Op(window, lambda: published_files(db), tasks=context.tasks)
     .success(lambda found: window.offer_sources(*found))
     .run())
    return window


def _audits(context: AppContext) -> QWidget:
    from certbench.gui.audits_page import AuditsPage

    return AuditsPage(context)


def _certificates(context: AppContext) -> QWidget:
    from certbench.gui.certificates_page import CertificatesPage

    return CertificatesPage(context)


def _dashboard(context: AppContext) -> QWidget:
    from certbench.gui.dashboard_page import DashboardPage

    return DashboardPage(context)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("merchants", QT_TRANSLATE_NOOP("MainWindow", "Merchants"), _merchants),
    PageSpec("verify", QT_TRANSLATE_NOOP("MainWindow", "Verify"), _verify),
    PageSpec("audits", QT_TRANSLATE_NOOP("MainWindow", "Audits"), _audits),
    PageSpec("certificates", QT_TRANSLATE_NOOP("MainWindow", "Certificates"), _certificates),
    PageSpec("dashboard", QT_TRANSLATE_NOOP("MainWindow", "Dashboard"), _dashboard),
)


class MainWindow(QMainWindow):
    """The workbench's main window over one open database.

    It can be shown before the database is open (``context.db is None``): the
    sections appear, disabled, over an "Opening the database…" notice, and
    :meth:`set_database` builds them once the database arrives.
    """

    user_switch_requested = Signal()
    settings_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.pages: dict[str, QWidget] = {}
        self.undo_group = QUndoGroup(self)
        """Each open audit editor adds its own stack; Edit > Undo follows the active one."""
        self._verify_windows: list[VerifyWindow] = []
        self._opening: QLabel | None = None
        self._build_navigation()
        if context.db is None:
            self._opening = QLabel(self.tr("Opening the database…"), self.ui.page_stack)
            self._opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.ui.page_stack.addWidget(self._opening)
            self.ui.nav_list.setEnabled(False)
        else:
            self._build_pages()
        self._build_edit_menu()
        install_package_actions(self)
        install_spreadsheet_actions(self)
        self._build_status_bar()
        self._connect()
        if not context.settings.restore_geometry(self, "main_window"):
            self.resize(1100, 720)

    def _build_navigation(self) -> None:
        for number, spec in enumerate(PAGES, start=1):
            title = QCoreApplication.translate("MainWindow", spec.title)
            QListWidgetItem(title, self.ui.nav_list)
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, row=number - 1: self.show_page(row))
            self.ui.menu_view.addAction(action)

    def _build_pages(self) -> None:
        for spec in PAGES:
            page = spec.factory(self.context)
            self.pages[spec.key] = page
            self.ui.page_stack.addWidget(page)
        self.ui.nav_list.setCurrentRow(0)
        self.ui.page_stack.setCurrentIndex(0)

    def set_database(self, db: Database) -> None:
        """Build the sections on ``db``, now open (once, when shown before it was)."""
        if self.context.db is not None:
            raise RuntimeError("the window already has a database")
        self.context.db = db
        if self._opening is not None:
            self.ui.page_stack.removeWidget(self._opening)
            self._opening.deleteLater()
            self._opening = None
        self._build_pages()
        self.ui.nav_list.setEnabled(True)
        self.update_status()

    def _build_edit_menu(self) -> None:
        undo = self.undo_group.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.ui.menu_edit.addAction(undo)
        self.ui.menu_edit.addAction(redo)

    def _build_status_bar(self) -> None:
        self.database_label = QLabel(self)
        self.user_label = QLabel(self)
        self.ui.status_bar.addPermanentWidget(self.database_label, 1)
        self.ui.status_bar.addPermanentWidget(self.user_label)
        self.update_status()

    def _connect(self) -> None:
        self.ui.nav_list.currentRowChanged.connect(self.ui.page_stack.setCurrentIndex)
        self.ui.action_quit.triggered.connect(self.close)
        self.ui.action_about.triggered.connect(self._on_about_triggered)
        self.ui.action_verify_window.triggered.connect(self._on_verify_window_triggered)
        self.ui.action_settings.triggered.connect(self.settings_requested)
        self.ui.action_switch_user.triggered.connect(self.user_switch_requested)

    def show_page(self, row: int) -> None:
        """Select the section in row ``row`` of the navigation list."""
        self.ui.nav_list.setCurrentRow(row)

    def update_status(self) -> None:
        """Show the open database and the acting user in the status bar."""
        db = self.context.db
        where = db.url if db is not None else self.tr("opening…")
        self.database_label.setText(self.tr("Database: %1").replace("%1", where))
        user = self.context.user or self.tr("(none)")
        self.user_label.setText(self.tr("User: %1").replace("%1", user))

    def set_user(self, name: str) -> None:
        """Act as ``name`` from now on."""
        self.context.user = name
        self.context.settings.current_user = name
        self.update_status()

    def _on_about_triggered(self) -> None:
        text = self.tr("certbench %1\n\nAudit online merchants against a certification checklist, grade them, and issue signed certificates anyone can verify offline.")  # noqa: E501
        QMessageBox.about(self, self.tr("About certbench"), text.replace("%1", __version__))

    def _on_verify_window_triggered(self) -> None:
        window = VerifyWindow(self.context.settings, self.context.tasks)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.setWindowFlag(Qt.WindowType.Window)
        window.destroyed.connect(lambda *_: self._verify_windows.remove(window))
        self._verify_windows.append(window)
        window.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Remember the geometry."""
        self.context.settings.save_geometry(self, "main_window")
        super().closeEvent(event)
