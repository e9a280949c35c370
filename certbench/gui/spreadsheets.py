"""Spreadsheets in the workbench: import merchants, complaints and ratings; export tables.

The work is the core's, called the way ``certbench import``, ``certbench
export`` and ``certbench audit import-ratings`` call it
(:mod:`certbench.reports.imports`, :mod:`certbench.reports.loaders`,
:func:`certbench.services.audits.import_ratings`), on the database thread
through an :class:`~certbench.gui.tasks.Op` with a progress dialog.

The importers check the whole file and add all rows or none. They take no
progress or cancel callables, so the progress is indeterminate; a cancel is
honoured up to the commit: the worker checks ``cancelled()`` inside the
transaction, after the importer returns, and a cancelled import is rolled back.
When an import is refused, :class:`ImportProblemsDialog` lists every
``(row, column, problem)`` and says that nothing was imported.

:func:`install_spreadsheet_actions` adds the File-menu actions;
:func:`install_ratings_buttons` adds "Ratings template…" and "Import ratings…"
to the Audits page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QItemSelection, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from certbench.errors import ImportDataError
from certbench.gui import prompts
from certbench.gui.context import AppContext
from certbench.gui.errors import show_exception
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import Column, RowsTableModel, configure_view
from certbench.gui.tasks import CancelledFn, Op, ProgressFn

if TYPE_CHECKING:
    from certbench.gui.audits_page import AuditsPage
    from certbench.gui.main_window import MainWindow
    from certbench.storage import Database

__all__ = ["EXPORTS", "IMPORTS", "ImportCancelledError", "ImportProblem",
           "ImportProblemsDialog", "ask_passphrase", "export_file", "export_spreadsheet",
           "import_audit_ratings", "import_file", "import_ratings_file", "import_spreadsheet",
           "install_ratings_buttons", "install_spreadsheet_actions", "problems_of",
           "save_ratings_template", "write_ratings_template"]

CONTEXT = "Spreadsheets"
SPREADSHEET_FILTER = QT_TRANSLATE_NOOP(
    "Spreadsheets", "Spreadsheets (*.xlsx *.csv);;Excel workbooks (*.xlsx);;CSV files (*.csv)")
SAVE_FILTER = QT_TRANSLATE_NOOP("Spreadsheets", "Excel workbooks (*.xlsx);;CSV files (*.csv)")
XLSX_FILTER = QT_TRANSLATE_NOOP("Spreadsheets", "Excel workbooks (*.xlsx)")

IMPORTS: tuple[tuple[str, str], ...] = (
    ("merchants", QT_TRANSLATE_NOOP("Spreadsheets", "Import merchants…")),
    ("complaints", QT_TRANSLATE_NOOP("Spreadsheets", "Import complaints…")),
)
"""Tables the File menu imports: core name, English menu title (context ``Spreadsheets``)."""

EXPORTS: tuple[tuple[str, str], ...] = (
    ("register", QT_TRANSLATE_NOOP("Spreadsheets", "Certificate register…")),
    ("findings", QT_TRANSLATE_NOOP("Spreadsheets", "Findings…")),
    ("merchants", QT_TRANSLATE_NOOP("Spreadsheets", "Merchants' grade history…")),
    ("overdue", QT_TRANSLATE_NOOP("Spreadsheets", "Overdue corrective actions…")),
)
"""Tables of the File > Export submenu: core export name, English menu title."""


def _translate(text: str) -> str:
    return QCoreApplication.translate("Spreadsheets", text)


class ImportCancelledError(Exception):
    """Raised inside the import's transaction when the user cancelled: it rolls back."""


# -- work on the database thread ------------------------------------------------------------


def import_spreadsheet(db: Database, table: str, path: Path, *, progress: ProgressFn,
                       cancelled: CancelledFn) -> int:
    """Import the ``merchants`` or ``complaints`` of ``path``; the number of rows added.

    :raises ImportDataError: the file has bad rows; nothing was imported.
    :raises ImportCancelledError: cancelled before the commit; nothing was imported.
    """
    from certbench.reports.imports import import_complaints, import_merchants

    importer = {"merchants": import_merchants, "complaints": import_complaints}[table]
    progress(0.0, "")
    if cancelled():
        raise ImportCancelledError(table)
    with db.session() as session:
        ids = importer(session, path)
        if cancelled():
            raise ImportCancelledError(table)  # leaves the block before the commit
    progress(1.0, "")
    return len(ids)


def import_audit_ratings(db: Database, user: str, passphrase: str, audit_id: str, path: Path, *,
                         progress: ProgressFn, cancelled: CancelledFn) -> int:
    """Apply a filled-in ratings file to ``audit_id`` as ``user``; the rows applied.

    :raises ImportDataError: the file has bad rows; nothing was changed.
    :raises ImportCancelledError: cancelled before the commit; nothing was changed.
    """
    from certbench.services.audits import import_ratings
    from certbench.workflow import authenticate

    progress(0.0, "")
    if cancelled():
        raise ImportCancelledError(audit_id)
    with db.session() as session:
        actor = authenticate(session, user, passphrase)
        count = import_ratings(session, actor, audit_id, path)
        if cancelled():
            raise ImportCancelledError(audit_id)
    progress(1.0, "")
    return count


def export_spreadsheet(db: Database, name: str, path: Path, *, as_of: date,
                       progress: ProgressFn, cancelled: CancelledFn) -> int:
    """Write the export ``name`` to ``path`` (``.xlsx`` or ``.csv``); the rows written.

    A cancel after the file was written removes it again.

    :raises ExportError: an unknown file type, or the file cannot be written.
    """
    from certbench.reports.loaders import export_table

    progress(0.0, "")
    if cancelled():
        return 0
    with db.session() as session:
        count = export_table(session, name, path, as_of=as_of)
    if cancelled():
        path.unlink(missing_ok=True)
    progress(1.0, "")
    return count


def write_ratings_template(db: Database, audit_id: str, path: Path, *, lang: str) -> int:
    """Write the XLSX ratings template of ``audit_id``; the number of criteria listed."""
    from certbench.reports.loaders import write_audit_ratings_template

    with db.session() as session:
        return write_audit_ratings_template(session, audit_id, path, lang=lang)


# -- the problems dialog --------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One problem of a refused import; row 0 is the file as a whole."""

    row: int
    column: str
    problem: str


def problems_of(exception: ImportDataError) -> list[ImportProblem]:
    """Every ``(row, column, problem)`` the core reported, in its order."""
    raw = exception.context.get("problems") or []
    assert isinstance(raw, list | tuple)
    problems = [ImportProblem(int(row), str(column or ""), str(text)) for row, column, text in raw]
    return problems or [ImportProblem(0, "", exception.message)]


def _row_text(problem: ImportProblem) -> str:
    return str(problem.row) if problem.row else _translate(QT_TRANSLATE_NOOP("Spreadsheets",
                                                                             "whole file"))


PROBLEM_COLUMNS: tuple[Column[ImportProblem], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Row"), _row_text, width=11),
    Column(QT_TRANSLATE_NOOP("Column", "Column"), lambda p: p.column, width=22),
    Column(QT_TRANSLATE_NOOP("Column", "Problem"), lambda p: p.problem, width=60,
           tooltip=lambda p: p.problem),
)


class ImportProblemsDialog(QDialog):
    """Every problem of a refused import as a table, and that nothing was imported."""

    def __init__(self, exception: ImportDataError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problems = problems_of(exception)
        self.setWindowTitle(self.tr("Nothing was imported"))
        file_name = Path(str(exception.context.get("file") or "")).name
        self.summary_label = QLabel(
            self.tr("%n problem(s) found in %1. Nothing was imported: correct the file "
                    "and import it again.", "", len(self.problems)).replace("%1", file_name
                                                                            or "—"), self)
        self.summary_label.setWordWrap(True)
        self.model = RowsTableModel(PROBLEM_COLUMNS, parent=self)
        self.model.set_rows(self.problems)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        configure_view(self.table, PROBLEM_COLUMNS)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)

    @classmethod
    def ask(cls, parent: QWidget | None, exception: ImportDataError) -> None:
        """Show the problems of ``exception`` until the user closes the dialog."""
        dialog = cls(exception, parent)
        dialog.exec()


def _on_import_failure(parent: QWidget, exception: BaseException) -> None:
    if isinstance(exception, ImportDataError):
        ImportProblemsDialog.ask(parent, exception)
    elif not isinstance(exception, ImportCancelledError):
        show_exception(parent=parent, exception=exception)


# -- prompts --------------------------------------------------------------------------------


def ask_passphrase(parent: QWidget | None, user: str) -> str | None:
    """The passphrase of ``user``, or None when cancelled."""
    return prompts.ask_passphrase(
        parent, _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Import ratings")),
        _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Passphrase of %1:")).replace("%1", user))


def _open_file(parent: QWidget, context: AppContext, title: str, file_filter: str
               ) -> Path | None:
    folder = context.settings.last_directory("spreadsheets")
    name, _ = QFileDialog.getOpenFileName(parent, title, folder or "", _translate(file_filter))
    if not name:
        return None
    context.settings.set_last_directory("spreadsheets", str(Path(name).parent))
    return Path(name)


def _save_file(parent: QWidget, context: AppContext, title: str, suggested: str,
               file_filter: str) -> Path | None:
    folder = context.settings.last_directory("spreadsheets")
    name, chosen = QFileDialog.getSaveFileName(parent, title, str(Path(folder or ".") / suggested),
                                               _translate(file_filter))
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        path = path.with_name(path.name + (".csv" if "*.csv" in chosen else ".xlsx"))
    context.settings.set_last_directory("spreadsheets", str(path.parent))
    return path


def _tell(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


# -- File menu --------------------------------------------------------------------------------


def install_spreadsheet_actions(window: MainWindow) -> None:
    """Add Import merchants/complaints and an Export submenu to the window's File menu."""
    from PySide6.QtWidgets import QMenu

    menu = window.ui.menu_file
    actions = menu.actions()
    # after the field-package group (which ends with a separator), before Switch user
    after = next((n + 1 for n, a in enumerate(actions) if a.isSeparator()), 0)
    first = actions[min(after, len(actions) - 1)]
    for table, title in IMPORTS:
        action = QAction(_translate(title), window)
        action.setObjectName(f"import_{table}_action")
        action.triggered.connect(partial(_import_triggered, window, table))
        menu.insertAction(first, action)
    export_menu = QMenu(_translate(QT_TRANSLATE_NOOP("Spreadsheets", "Export")), window)
    export_menu.setObjectName("export_menu")
    menu.insertMenu(first, export_menu)
    for name, title in EXPORTS:
        action = QAction(_translate(title), window)
        action.setObjectName(f"export_{name}_action")
        action.triggered.connect(partial(_export_triggered, window, name))
        export_menu.addAction(action)
    menu.insertSeparator(first)


def _import_triggered(window: MainWindow, table: str, _checked: bool = False) -> None:
    if window.context.db is None:
        return
    title = _translate(dict(IMPORTS)[table]).rstrip("…")
    path = _open_file(window, window.context, title, SPREADSHEET_FILTER)
    if path is not None:
        import_file(window, table, path)


def import_file(window: MainWindow, table: str, path: Path) -> Op[int]:
    """Import ``table`` (``merchants`` or ``complaints``) from ``path`` with progress."""
    context = window.context
    assert context.db is not None, "importing needs an open database"
    db = context.db
    label = _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Importing %1…")).replace(
        "%1", path.name)
    op = (Op(window, partial(import_spreadsheet, db, table, path), tasks=context.tasks)
          .success(partial(_on_imported, window, table))
          .failure(partial(_on_import_failure, window))
          .with_progress(label, cancellable=True))
    op.run()
    return op


def _on_imported(window: MainWindow, table: str, count: int) -> None:
    if table == "merchants":
        model = getattr(window.pages.get("merchants"), "model", None)
        if model is not None:
            model.reload()
    mark = getattr(window.pages.get("dashboard"), "mark_stale", None)
    if mark is not None:
        mark()
    text = (QCoreApplication.translate("Spreadsheets", "Imported %n merchant(s).", "", count)
            if table == "merchants" else
            QCoreApplication.translate("Spreadsheets", "Imported %n complaint(s).", "", count))
    _tell(window, _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Import finished")), text)


def _export_triggered(window: MainWindow, name: str, _checked: bool = False) -> None:
    if window.context.db is None:
        return
    title = _translate(dict(EXPORTS)[name]).rstrip("…")
    path = _save_file(window, window.context, title, f"{name}.xlsx", SAVE_FILTER)
    if path is not None:
        export_file(window, name, path)


def export_file(window: MainWindow, name: str, path: Path, *, as_of: date | None = None
                ) -> Op[int]:
    """Write the export ``name`` to ``path`` (suffix ``.xlsx`` or ``.csv``) with progress."""
    context = window.context
    assert context.db is not None, "exporting needs an open database"
    day = as_of or datetime.now(UTC).date()
    label = _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Writing %1…")).replace("%1", path.name)
    op = (Op(window, partial(export_spreadsheet, context.db, name, path, as_of=day),
             tasks=context.tasks)
          .success(lambda count: _tell(
              window, _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Export finished")),
              QCoreApplication.translate("Spreadsheets", "Wrote %n row(s) to %1.", "", count)
              .replace("%1", str(path))))
          .with_progress(label, cancellable=True))
    op.run()
    return op


# -- Audits page ------------------------------------------------------------------------------


def install_ratings_buttons(page: AuditsPage) -> tuple[QAction, QAction]:
    """Add "Ratings template…" and "Import ratings…" for the selected audit to ``page``.

    They sit in a "Spreadsheet" menu button next to the audit actions and in the
    list's context menu.
    """
    template = QAction(_translate(QT_TRANSLATE_NOOP("Spreadsheets", "Ratings template…")), page)
    template.setObjectName("ratings_template_action")
    ratings = QAction(_translate(QT_TRANSLATE_NOOP("Spreadsheets", "Import ratings…")), page)
    ratings.setObjectName("import_ratings_action")
    template.triggered.connect(lambda: _with_selected(page, partial(_template_clicked, page)))
    ratings.triggered.connect(lambda: _with_selected(page, partial(_ratings_clicked, page)))
    button = QToolButton(page)
    button.setObjectName("spreadsheet_button")
    button.setText(_translate(QT_TRANSLATE_NOOP("Spreadsheets", "Spreadsheet")))
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.addActions([template, ratings])
    layout = page.ui.actions_layout
    layout.insertWidget(layout.indexOf(page.ui.issue_button) + 1, button)
    table = page.ui.audits_table
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    table.addActions([template, ratings])

    def update(*_args: object) -> None:
        chosen = page.selected() is not None
        template.setEnabled(chosen)
        ratings.setEnabled(chosen)
        button.setEnabled(chosen)

    table.selectionModel().selectionChanged.connect(update)
    page.model.modelReset.connect(update)
    update(QItemSelection(), QItemSelection())
    return template, ratings


def _with_selected(page: AuditsPage, action: Callable[[str], object]) -> None:
    row = page.selected()
    if row is not None:
        action(row.id)


def _template_clicked(page: AuditsPage, audit_id: str) -> None:
    title = _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Ratings template"))
    path = _save_file(page, page.context, title, f"ratings-{audit_id[:8]}.xlsx", XLSX_FILTER)
    if path is not None:
        save_ratings_template(page, audit_id, path.with_suffix(".xlsx"))


def save_ratings_template(page: AuditsPage, audit_id: str, path: Path) -> Op[int]:
    """Write the ratings template of ``audit_id`` to ``path`` in the UI language."""
    context = page.context
    db = context.db
    assert db is not None, "this screen needs an open database"
    lang = "zh" if context.settings.language.startswith("zh") else "en"
    op = (Op(page, partial(write_ratings_template, db, audit_id, path, lang=lang),
             tasks=context.tasks)
          .success(lambda count: _tell(
              page, _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Ratings template")),
              QCoreApplication.translate("Spreadsheets", "Wrote %n criterion(s) to %1.", "", count)
              .replace("%1", str(path)))))
    op.run()
    return op


def _ratings_clicked(page: AuditsPage, audit_id: str) -> None:
    title = _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Import ratings"))
    path = _open_file(page, page.context, title, SPREADSHEET_FILTER)
    if path is None:
        return
    passphrase = ask_passphrase(page, page.context.user)
    if passphrase is not None:
        import_ratings_file(page, audit_id, path, passphrase)


def import_ratings_file(page: AuditsPage, audit_id: str, path: Path, passphrase: str
                        ) -> Op[int]:
    """Apply the ratings of ``path`` to ``audit_id`` as the acting user, with progress."""
    context = page.context
    db = context.db
    assert db is not None, "this screen needs an open database"
    label = _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Importing %1…")).replace(
        "%1", path.name)

    def done(count: int) -> None:
        page.reload()
        _tell(page, _translate(QT_TRANSLATE_NOOP("Spreadsheets", "Import finished")),
              QCoreApplication.translate("Spreadsheets", "Applied %n rating row(s).", "", count))

    op = (Op(page, partial(import_audit_ratings, db, context.user, passphrase, audit_id, path),
             tasks=context.tasks)
          .success(done)
          .failure(partial(_on_import_failure, page))
          .with_progress(label, cancellable=True))
    op.run()
    return op
