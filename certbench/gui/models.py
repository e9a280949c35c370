"""Qt table models over immutable row dataclasses, with the columns declared as data.

:class:`KeysetTableModel` shows a server-side list of any length: it loads the
first page, then one more page (200 rows) each time the view scrolls near the
end (``canFetchMore``/``fetchMore``), on the database worker thread. Search and
sort re-query from the first page; nothing ever loads the whole table. The
page function itself is core code (``certbench.storage.queries``); the model
only remembers the key the next page starts after.

:class:`RowsTableModel` is the small sibling for lists that arrive whole
(a merchant's audits, a verification's checks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView

from certbench.gui.tasks import Op, TaskManager

__all__ = [
    "PAGE_SIZE",
    "Column",
    "KeysetTableModel",
    "Page",
    "PageQuery",
    "RowRole",
    "RowsTableModel",
    "SortKeyRole",
    "configure_view",
]

R = TypeVar("R")
RowRole = Qt.ItemDataRole.UserRole
"""``data(index, RowRole)`` returns the row dataclass itself."""
SortKeyRole = Qt.ItemDataRole.UserRole + 1
"""``headerData(section, Horizontal, SortKeyRole)`` is the column's server-side sort key."""
PAGE_SIZE = 200

Index = QModelIndex | QPersistentModelIndex
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: title (translated at display time), how to show a row, how to sort."""

    title: str
    """English title marked with ``QT_TRANSLATE_NOOP("Column", ...)``."""
    value: Callable[[R], object]
    """The display value of a row (str, int, date...)."""
    sort_key: str = ""
    """The query's sort key for this column; empty means not sortable."""
    alignment: Qt.AlignmentFlag = _LEFT
    tooltip: Callable[[R], str] | None = None
    foreground: Callable[[R], QColor | None] | None = None
    width: int = 0
    """Initial width in average characters (0: leave it to the view)."""


@dataclass(frozen=True)
class PageQuery:
    """What the next page must satisfy; passed to the page function on the worker thread."""

    search: str = ""
    sort: str = ""
    descending: bool = False
    after: object = None
    """The key the previous page ended at (``None`` for the first page)."""
    limit: int = PAGE_SIZE


@dataclass(frozen=True)
class Page(Generic[R]):
    """One page of rows and the key to continue after (``None`` when it was the last)."""

    rows: Sequence[R]
    next_after: object = None
    total: int | None = None
    """Matching rows in all pages, when the query knows it cheaply."""


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, frozenset, set)):
        return ", ".join(str(v) for v in value)
    return str(value)


def configure_view(view: QTableView, columns: Sequence[Column[Any]]) -> None:
    """Compact rows and the columns' initial widths (in characters of the view's font)."""
    metrics = view.fontMetrics()
    view.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
    header = view.horizontalHeader()
    for section, column in enumerate(columns):
        if column.width:
            header.resizeSection(section, metrics.averageCharWidth() * column.width + 16)


class _ColumnsMixin(Generic[R]):
    """``data`` and ``headerData`` from the column spec (shared by both models)."""

    columns: tuple[Column[R], ...]

    def _row(self, row: int) -> R:
        raise NotImplementedError

    def _cell(self, index: Index, role: int) -> Any:
        column = self.columns[index.column()]
        row = self._row(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(column.value(row))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            color = column.foreground(row)
            return QBrush(color) if color is not None else None
        if role == RowRole:
            return row
        return None

    def _header(self, section: int, orientation: Qt.Orientation, role: int) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("Column", self.columns[section].title)
        if role == SortKeyRole:
            return self.columns[section].sort_key
        return None


class RowsTableModel(_ColumnsMixin[R], QAbstractTableModel):
    """A table over a list of rows that is replaced as a whole."""

    def __init__(self, columns: Sequence[Column[R]], rows: Sequence[R] = (),
                 parent: Any = None) -> None:
        QAbstractTableModel.__init__(self, parent)
        self.columns = tuple(columns)
        self.rows: list[R] = list(rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def _row(self, row: int) -> R:
        return self.rows[row]

    # Qt model interface ----------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Rows (none under a valid parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Columns from the spec."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The cell's value for ``role``; None for roles not handled."""
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self._cell(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles, translated now."""
        return self._header(section, orientation, role)


@dataclass
class _Cursor:
    query: PageQuery = field(default_factory=PageQuery)
    after: object = None
    exhausted: bool = False
    loading: bool = False
    generation: int = 0


class KeysetTableModel(_ColumnsMixin[R], QAbstractTableModel):
    """A lazily loaded table over keyset pages of a server-side query.

    ``fetch_page(query) -> Page`` runs on the database worker thread.
    """

    load_failed = Signal(str)
    """A page could not be loaded; the text says why. Fetching stops until the next reset."""
    total_changed = Signal(int)
    """The query reported how many rows match in all."""
    page_loaded = Signal(int)
    """A page arrived (its row count); tests and status labels listen to it."""

    def __init__(self, columns: Sequence[Column[R]], fetch_page: Callable[[PageQuery], Page[R]],
                 tasks: TaskManager, *, page_size: int = PAGE_SIZE, parent: Any = None) -> None:
        QAbstractTableModel.__init__(self, parent)
        self.columns = tuple(columns)
        self._fetch_page = fetch_page
        self._tasks = tasks
        self._page_size = page_size
        self.rows: list[R] = []
        self._cursor = _Cursor(query=PageQuery(limit=page_size))
        self.error = ""

    @property
    def query(self) -> PageQuery:
        """The search and sort now shown."""
        return self._cursor.query

    def reload(self, *, search: str | None = None, sort: str | None = None,
               descending: bool | None = None) -> None:
        """Start again from the first page, optionally with a new search or sort."""
        old = self._cursor.query
        query = PageQuery(search=old.search if search is None else search,
                          sort=old.sort if sort is None else sort,
                          descending=old.descending if descending is None else descending,
                          limit=self._page_size)
        self.beginResetModel()
        self.rows = []
        self.error = ""
        self._cursor = _Cursor(query=query, generation=self._cursor.generation + 1)
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def _row(self, row: int) -> R:
        return self.rows[row]

    def _on_page(self, generation: int, page: Page[R]) -> None:
        if generation != self._cursor.generation:
            return  # a reload happened while this page was loading
        self._cursor.loading = False
        self._cursor.after = page.next_after
        self._cursor.exhausted = page.next_after is None or len(page.rows) == 0
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        if page.total is not None:
            self.total_changed.emit(page.total)
        self.page_loaded.emit(len(page.rows))

    def _on_page_failed(self, generation: int, exception: BaseException) -> None:
        if generation != self._cursor.generation:
            return
        self._cursor.loading = False
        self._cursor.exhausted = True
        self.error = (getattr(exception, "message", None)
                      or f"{type(exception).__name__}: {exception}")
        self.load_failed.emit(self.error)

    # Qt model interface ----------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Rows loaded so far."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Columns from the spec."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The cell's value for ``role``; None for roles not handled."""
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self._cell(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles, translated now."""
        return self._header(section, orientation, role)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        """More pages exist and none is loading."""
        cursor = self._cursor
        return not parent.isValid() and not cursor.exhausted and not cursor.loading

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        """Load the next page on the database thread; rows are inserted when it arrives."""
        if not self.canFetchMore(parent):
            return
        cursor = self._cursor
        cursor.loading = True
        query = PageQuery(search=cursor.query.search, sort=cursor.query.sort,
                          descending=cursor.query.descending, after=cursor.after,
                          limit=self._page_size)
        generation = cursor.generation
        fetch = self._fetch_page
        (Op(self, lambda: fetch(query), tasks=self._tasks)
         .success(lambda page: self._on_page(generation, page))
         .failure(lambda exc: self._on_page_failed(generation, exc))
         .run())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-query sorted by the column's key (columns without one are ignored)."""
        if not 0 <= column < len(self.columns) or not self.columns[column].sort_key:
            return
        self.reload(sort=self.columns[column].sort_key,
                    descending=order == Qt.SortOrder.DescendingOrder)
