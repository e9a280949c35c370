"""The Dashboard section: grades, weakest domains, expiring certificates, overdue surveillance.

The rows come from :func:`certbench.reports.loaders.dashboard_rows` and the
figures from :mod:`certbench.reports.analytics`, both on the database thread
(:func:`load_dashboard`). Clicking a chart filters the list beside it through
the matching analytics function: a grade bar lists
:func:`~certbench.reports.analytics.certificates_with_grade`, a heatmap cell
lists :func:`~certbench.reports.analytics.merchants_below` that cell's score
(the clicked merchant included), and the merchant picker draws
:func:`~certbench.reports.analytics.grade_history`. The figures load when
the page is first shown, not at start-up, and again each time it is shown
after another section had the screen (which may have changed the database);
Refresh (F5) reloads on demand, and :meth:`DashboardPage.mark_stale` after an
import or a resolved conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, QLocale
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from certbench.gui.context import AppContext
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import Column, RowsTableModel, configure_view
from certbench.gui.tasks import Op
from certbench.reports.analytics import (
    DomainMatrix,
    certificates_with_grade,
    grade_history,
    merchants_below,
)
from certbench.reports.rows import OverdueRow, RegisterRow

if TYPE_CHECKING:
    from certbench.gui.charts import GradeBarChart, GradeHistoryChart, HeatmapChart
    from certbench.reports.loaders import DashboardRows
    from certbench.storage import Database

__all__ = ["CERTIFICATE_COLUMNS", "OVERDUE_COLUMNS", "SCORE_COLUMNS", "DashboardData",
           "DashboardPage", "DomainScoreLine", "load_dashboard"]

EXPIRY_DAYS = 90


@dataclass(frozen=True, slots=True)
class DashboardData:
    """The loaded rows and the figures the charts draw (built on the database thread)."""

    rows: DashboardRows
    distribution: dict[str, int]
    matrix: DomainMatrix
    expiring: tuple[RegisterRow, ...]
    overdue: tuple[OverdueRow, ...]
    merchants: tuple[tuple[str, str], ...]
    """``(merchant_id, legal_name)`` of merchants with a graded audit, for the history picker."""


@dataclass(frozen=True, slots=True)
class DomainScoreLine:
    """One merchant's score in one domain: a row of the heatmap's list."""

    merchant_id: str
    legal_name: str
    domain_id: str
    score: Decimal


def load_dashboard(db: Database, as_of: date) -> DashboardData:
    """Every dashboard figure as of ``as_of`` (database thread; touches no widget)."""
    from certbench.reports import analytics
    from certbench.reports.loaders import dashboard_rows

    with db.session() as session:
        rows = dashboard_rows(session, as_of=as_of)
    graded = {r.merchant_id: r.legal_name for r in rows.history if r.audit_id}
    return DashboardData(
        rows=rows,
        distribution=analytics.grade_distribution(rows.register),
        matrix=analytics.domain_matrix(rows.domain_scores),
        expiring=tuple(analytics.expiring(rows.register, today=as_of, days=EXPIRY_DAYS)),
        overdue=tuple(analytics.overdue_surveillance(rows.overdue)),
        merchants=tuple(sorted(graded.items(), key=lambda kv: (kv[1].casefold(), kv[0]))))


def _status(row: RegisterRow) -> str:
    return QCoreApplication.translate("Certificate", row.status)


CERTIFICATE_COLUMNS: tuple[Column[RegisterRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Number"), lambda r: r.certificate_number, width=16),
    Column(QT_TRANSLATE_NOOP("Column", "Merchant"), lambda r: r.legal_name, width=24),
    Column(QT_TRANSLATE_NOOP("Column", "Grade"), lambda r: r.grade, width=5),
    Column(QT_TRANSLATE_NOOP("Column", "Score"), lambda r: f"{r.score:.2f}", width=6),
    Column(QT_TRANSLATE_NOOP("Column", "Valid until"), lambda r: r.valid_until.isoformat(),
           width=12),
    Column(QT_TRANSLATE_NOOP("Column", "Status"), _status, width=8),
)

OVERDUE_COLUMNS: tuple[Column[OverdueRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Merchant"), lambda r: r.legal_name, width=24),
    Column(QT_TRANSLATE_NOOP("Column", "Number"), lambda r: r.certificate_number, width=16),
    Column(QT_TRANSLATE_NOOP("Column", "Due"), lambda r: r.due_date.isoformat(), width=10),
    Column(QT_TRANSLATE_NOOP("Column", "Days overdue"), lambda r: r.days_overdue, width=8),
)

SCORE_COLUMNS: tuple[Column[DomainScoreLine], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Merchant"), lambda r: r.legal_name, width=24),
    Column(QT_TRANSLATE_NOOP("Column", "Domain"), lambda r: r.domain_id, width=8),
    Column(QT_TRANSLATE_NOOP("Column", "Score"), lambda r: f"{r.score:.2f}", width=6),
)


def _table(parent: QWidget, model: RowsTableModel, columns: tuple[Column, ...]) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setStretchLastSection(True)
    configure_view(view, columns)
    return view


class DashboardPage(QWidget):
    """Charts over the whole register; clicks filter the lists beside them."""

    grade_chart: GradeBarChart
    heatmap: HeatmapChart
    history_chart: GradeHistoryChart

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "the dashboard needs an open database"
        self.db: Database = context.db
        self._today = today
        self.data: DashboardData | None = None
        self.stale = True
        """True until the next load finishes (set again by :meth:`mark_stale`)."""
        self.grade_model = RowsTableModel(CERTIFICATE_COLUMNS, parent=self)
        self.score_model = RowsTableModel(SCORE_COLUMNS, parent=self)
        self.expiring_model = RowsTableModel(CERTIFICATE_COLUMNS, parent=self)
        self.overdue_model = RowsTableModel(OVERDUE_COLUMNS, parent=self)
        self.built = False
        """The charts are built on first show: pyqtgraph is not imported at start-up."""

    # -- layout ---------------------------------------------------------------------
    def _build(self) -> None:
        self.built = True
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        grid = QGridLayout()
        grid.addWidget(self._grades_box(), 0, 0)
        grid.addWidget(self._heatmap_box(), 0, 1)
        grid.addWidget(self._lists_box(), 1, 0)
        grid.addWidget(self._history_box(), 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        layout.addLayout(grid, 1)

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.as_of_label = QLabel(self)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setToolTip(self.tr("Read the figures again from the database (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        action = QAction(self)
        action.setShortcut(QKeySequence.StandardKey.Refresh)
        action.triggered.connect(self.refresh)
        self.addAction(action)
        row.addWidget(self.as_of_label, 1)
        row.addWidget(self.refresh_button)
        return row

    def _grades_box(self) -> QGroupBox:
        from certbench.gui.charts import GradeBarChart

        box = QGroupBox(self.tr("Grades of valid certificates"), self)
        self.grade_chart = GradeBarChart(box)
        self.grade_chart.grade_clicked.connect(self.show_grade)
        self.grade_label = QLabel(self.tr("Click a bar to list its certificates."), box)
        self.grade_table = _table(box, self.grade_model, CERTIFICATE_COLUMNS)
        return self._split_box(box, self.grade_chart, self.grade_label, self.grade_table)

    def _heatmap_box(self) -> QGroupBox:
        from certbench.gui.charts import HeatmapChart

        box = QGroupBox(self.tr("Weakest domains (latest audit of each merchant)"), self)
        self.heatmap = HeatmapChart(box)
        self.heatmap.cell_clicked.connect(self.show_cell)
        self.score_label = QLabel(self.tr("Click a cell to list the merchants at or below "
                                          "that score."), box)
        self.score_label.setWordWrap(True)
        self.score_table = _table(box, self.score_model, SCORE_COLUMNS)
        return self._split_box(box, self.heatmap, self.score_label, self.score_table)

    @staticmethod
    def _split_box(box: QGroupBox, chart: QWidget, label: QLabel,
                   table: QTableView) -> QGroupBox:
        layout = QVBoxLayout(box)
        chart.setMinimumHeight(160)
        layout.addWidget(chart, 3)
        layout.addWidget(label)
        layout.addWidget(table, 2)
        return box

    def _lists_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Due soon"), self)
        self.list_tabs = QTabWidget(box)
        self.expiring_table = _table(box, self.expiring_model, CERTIFICATE_COLUMNS)
        self.overdue_table = _table(box, self.overdue_model, OVERDUE_COLUMNS)
        self.list_tabs.addTab(self.expiring_table, "")
        self.list_tabs.addTab(self.overdue_table, "")
        QVBoxLayout(box).addWidget(self.list_tabs)
        return box

    def _history_box(self) -> QGroupBox:
        from certbench.gui.charts import GradeHistoryChart

        box = QGroupBox(self.tr("Grade history"), self)
        self.merchant_combo = QComboBox(box)
        self.merchant_combo.setMinimumContentsLength(24)
        self.merchant_combo.currentIndexChanged.connect(self._on_merchant_changed)
        self.history_chart = GradeHistoryChart(box)
        layout = QVBoxLayout(box)
        picker = QHBoxLayout()
        picker.addWidget(QLabel(self.tr("Merchant:"), box))
        picker.addWidget(self.merchant_combo, 1)
        layout.addLayout(picker)
        layout.addWidget(self.history_chart, 1)
        return box

    # -- loading --------------------------------------------------------------------
    def refresh(self) -> None:
        """Read every figure again (database thread); the charts redraw when it arrives."""
        if not self.built:
            self._build()
        db, as_of = self.db, self._today()
        self.refresh_button.setEnabled(False)
        (Op(self, lambda: load_dashboard(db, as_of), tasks=self.context.tasks)
         .success(self.show_data)
         .failure(self._on_load_failed)
         .run())

    def mark_stale(self) -> None:
        """The database changed: reload now if the page is shown, else when it is next shown."""
        self.stale = True
        if self.isVisible() and self.built:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Load on first show (not at start-up), and again when the database changed since."""
        super().showEvent(event)
        if not self.built:
            self._build()
        if self.stale and self.refresh_button.isEnabled():
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        """Another section may change the database meanwhile: reload when shown again."""
        super().hideEvent(event)
        self.stale = True

    def _on_load_failed(self, exception: BaseException) -> None:
        from certbench.gui.errors import show_exception

        self.refresh_button.setEnabled(True)
        show_exception(parent=self, exception=exception)

    def show_data(self, data: DashboardData) -> None:
        """Draw ``data`` in every chart and list; a chosen bar or cell stays chosen."""
        grade, cell = self.grade_chart.selected, self._chosen_cell()
        self.data = data
        self.stale = False
        self.refresh_button.setEnabled(True)
        as_of = data.rows.as_of
        day = QLocale().toString(QDate(as_of.year, as_of.month, as_of.day),
                                 QLocale.FormatType.LongFormat)
        self.as_of_label.setText(self.tr("Figures as of %1").replace("%1", day))
        self.grade_chart.set_distribution(data.distribution)
        self.heatmap.set_matrix(data.matrix)
        self._choose_again(grade, cell)
        self.expiring_model.set_rows(data.expiring)
        self.overdue_model.set_rows(data.overdue)
        self.list_tabs.setTabText(0, self.tr("Expiring in %1 days (%2)").replace(
            "%1", str(EXPIRY_DAYS)).replace("%2", str(len(data.expiring))))
        self.list_tabs.setTabText(1, self.tr("Overdue surveillance (%1)").replace(
            "%1", str(len(data.overdue))))
        self._fill_merchants(data.merchants)

    def _chosen_cell(self) -> tuple[str, str] | None:
        """(merchant id, domain) of the framed heatmap cell."""
        if self.data is None or self.heatmap.selected is None:
            return None
        row, column = self.heatmap.selected
        matrix = self.data.matrix
        return matrix.merchants[row][0], matrix.domains[column]

    def _choose_again(self, grade: str, cell: tuple[str, str] | None) -> None:
        assert self.data is not None
        if grade in self.data.distribution:
            self.show_grade(grade)
        else:
            self.grade_model.set_rows([])
            self.grade_label.setText(self.tr("Click a bar to list its certificates."))
        matrix = self.data.matrix
        ids = [m for m, _ in matrix.merchants]
        if cell is not None and cell[0] in ids and cell[1] in matrix.domains:
            row, column = ids.index(cell[0]), matrix.domains.index(cell[1])
            if matrix.scores[row][column] is not None:
                self.show_cell(row, column)
                return
        self.score_model.set_rows([])
        self.score_label.setText(self.tr("Click a cell to list the merchants at or below "
                                         "that score."))

    def _fill_merchants(self, merchants: tuple[tuple[str, str], ...]) -> None:
        previous = self.merchant_combo.currentData()
        self.merchant_combo.blockSignals(True)
        self.merchant_combo.clear()
        for merchant_id, name in merchants:
            self.merchant_combo.addItem(name, merchant_id)
        found = self.merchant_combo.findData(previous)
        self.merchant_combo.setCurrentIndex(max(found, 0) if merchants else -1)
        self.merchant_combo.blockSignals(False)
        self._on_merchant_changed(self.merchant_combo.currentIndex())

    # -- clicks ---------------------------------------------------------------------
    def show_grade(self, grade: str) -> None:
        """List the valid certificates with ``grade`` (a click on its bar)."""
        if self.data is None:
            return
        rows = certificates_with_grade(self.data.rows.register, grade)
        self.grade_chart.select(grade)
        self.grade_model.set_rows(rows)
        self.grade_label.setText(self.tr("Grade %1: %n certificate(s)", "", len(rows))
                                 .replace("%1", grade))

    def show_cell(self, row: int, column: int) -> None:
        """List the merchants at or below the score of a heatmap cell, in its domain."""
        if self.data is None:
            return
        matrix = self.data.matrix
        score = matrix.scores[row][column]
        if score is None:
            return
        domain = matrix.domains[column]
        # Scores carry two decimals: "below score + 0.01" is "at or below score".
        ids = set(merchants_below(matrix, domain, score + Decimal("0.01")))
        lines = [DomainScoreLine(m, name, domain, values[column])  # type: ignore[arg-type]
                 for (m, name), values in zip(matrix.merchants, matrix.scores, strict=True)
                 if m in ids]
        lines.sort(key=lambda line: (line.score, line.legal_name.casefold()))
        self.heatmap.select(row, column)
        self.score_model.set_rows(lines)
        self.score_label.setText(self.tr("%1 at or below %2: %n merchant(s)", "", len(lines))
                                 .replace("%1", domain).replace("%2", f"{score:.2f}"))

    def _on_merchant_changed(self, index: int) -> None:
        if self.data is None or index < 0:
            self.history_chart.set_history([])
            return
        merchant_id = str(self.merchant_combo.itemData(index))
        self.history_chart.set_history(grade_history(self.data.rows.history, merchant_id))

    def select_merchant(self, merchant_id: str) -> None:
        """Show ``merchant_id``'s grade history (as choosing it in the picker does)."""
        self.merchant_combo.setCurrentIndex(self.merchant_combo.findData(merchant_id))
