"""The dashboard's charts, drawn with pyqtgraph: grade bars, a domain heatmap, a grade history.

Each chart only draws the plain figures it is given (from
:mod:`certbench.reports.analytics`) and turns a mouse click into a signal
naming what was clicked (a grade, a heatmap cell); the page decides what the
click filters. Nothing here touches the database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import QWidget

from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.reports.analytics import DomainMatrix, GradePoint

__all__ = ["GRADE_COLOURS", "GradeBarChart", "GradeHistoryChart", "HeatmapChart",
           "heat_colour"]

GRADE_COLOURS = {"A": "#2e7d32", "B": "#689f38", "C": "#f9a825", "D": "#ef6c00"}
"""Bar colour of each grade letter (others are grey)."""
_OTHER = "#78909c"
_SELECTED_PEN = pg.mkPen("#0d47a1", width=3)
_HEAT = pg.ColorMap([0.0, 0.6, 0.8, 1.0], [(198, 40, 40), (239, 108, 0), (251, 192, 45),
                                           (56, 142, 60)])


def heat_colour(score: Decimal | None) -> QColor:
    """The heatmap colour of a 0–100 score (light grey when there is none)."""
    if score is None:
        return QColor("#eceff1")
    return _HEAT.map(max(0.0, min(1.0, float(score) / 100.0)), mode="qcolor")


def _fix_view(widget: pg.PlotWidget) -> None:
    """No context menu, no auto-range button, no panning or zooming: a chart, not a plot tool."""
    widget.setMenuEnabled(False)
    widget.hideButtons()
    widget.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Charts", text)


class GradeBarChart(pg.PlotWidget):  # type: ignore[misc] # pyqtgraph is untyped
    """One bar per grade letter; clicking a bar emits :attr:`grade_clicked`."""

    grade_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        _fix_view(self)
        self.setLabel("left", _tr(QT_TRANSLATE_NOOP("Charts", "Certificates")))
        self.grades: tuple[str, ...] = ()
        self.counts: tuple[int, ...] = ()
        self.selected = ""
        self._bars: pg.BarGraphItem | None = None
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)

    def set_distribution(self, distribution: dict[str, int]) -> None:
        """Draw ``{grade: count}`` (from :func:`~certbench.reports.analytics.grade_distribution`).
        """
        self.grades = tuple(distribution)
        self.counts = tuple(distribution.values())
        if self.selected not in self.grades:
            self.selected = ""
        self._draw()

    def select(self, grade: str) -> None:
        """Outline the bar of ``grade`` (empty: none)."""
        self.selected = grade
        self._draw()

    def _draw(self) -> None:
        item = self.getPlotItem()
        item.clear()
        colours = [GRADE_COLOURS.get(g, _OTHER) for g in self.grades]
        pens = [_SELECTED_PEN if g == self.selected else pg.mkPen(None) for g in self.grades]
        self._bars = pg.BarGraphItem(x=list(range(len(self.grades))), height=list(self.counts),
                                     width=0.6, brushes=colours, pens=pens)
        item.addItem(self._bars)
        for x, count in enumerate(self.counts):
            label = pg.TextItem(str(count), color="#263238", anchor=(0.5, 1.0))
            label.setPos(x, count)
            item.addItem(label)
        item.getAxis("bottom").setTicks([list(enumerate(self.grades))])
        top = max(self.counts, default=0)
        item.setXRange(-0.6, max(len(self.grades), 1) - 0.4, padding=0)
        item.setYRange(0, max(1.0, top * 1.2), padding=0)

    def bar_centre(self, grade: str) -> QPointF:
        """Where the middle of ``grade``'s bar is, in this widget's coordinates (tests click it)."""
        x = self.grades.index(grade)
        view = self.getPlotItem().getViewBox()
        scene = view.mapViewToScene(QPointF(x, self.counts[x] / 2))
        return self.mapFromScene(scene).toPointF()

    def grade_at(self, x: float, y: float) -> str:
        """The grade whose bar covers the view point ``(x, y)``; empty when none does."""
        column = round(x)
        if not 0 <= column < len(self.grades) or abs(x - column) > 0.3:
            return ""
        return self.grades[column] if 0 <= y <= max(self.counts[column], 0.5) else ""

    def _on_scene_clicked(self, event: object) -> None:
        point = self.getPlotItem().getViewBox().mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        grade = self.grade_at(point.x(), point.y())
        if grade:
            self.select(grade)
            self.grade_clicked.emit(grade)


class HeatmapChart(pg.PlotWidget):  # type: ignore[misc] # pyqtgraph is untyped
    """Merchants (rows) by domains (columns, weakest first), coloured by score."""

    cell_clicked = Signal(int, int)
    """(merchant row, domain column) of a clicked cell that has a score."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        _fix_view(self)
        self.getPlotItem().getViewBox().invertY(True)
        self.matrix = DomainMatrix((), (), (), ())
        self.selected: tuple[int, int] | None = None
        self._frame: pg.QtWidgets.QGraphicsRectItem | None = None
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.scene().sigMouseMoved.connect(self._on_scene_moved)

    def set_matrix(self, matrix: DomainMatrix) -> None:
        """Draw ``matrix`` (from :func:`~certbench.reports.analytics.domain_matrix`)."""
        self.matrix = matrix
        self.selected = None
        self._frame = None
        item = self.getPlotItem()
        item.clear()
        rows, columns = len(matrix.merchants), len(matrix.domains)
        if rows and columns:
            item.addItem(self._image(matrix))
        item.getAxis("bottom").setTicks([[(c + 0.5, d) for c, d in enumerate(matrix.domains)]])
        self._label_rows()
        item.setXRange(0, max(columns, 1), padding=0)
        item.setYRange(0, max(rows, 1), padding=0)

    def _label_rows(self) -> None:
        """Name every row, or only every n-th one when the names would overlap."""
        rows = len(self.matrix.merchants)
        room = max(1, self.height() - 40) / max(rows, 1)
        step = max(1, math.ceil(self.fontMetrics().height() / room))
        self.getPlotItem().getAxis("left").setTicks(
            [[(r + 0.5, _short(name)) for r, (_, name) in enumerate(self.matrix.merchants)
              if r % step == 0]])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Thin out the row names to what fits."""
        super().resizeEvent(event)
        if "matrix" in self.__dict__:  # pyqtgraph resizes the widget inside __init__
            self._label_rows()

    @staticmethod
    def _image(matrix: DomainMatrix) -> pg.ImageItem:
        values = np.array([[math.nan if s is None else float(s) for s in row]
                           for row in matrix.scores], dtype=float)
        # ImageItem indexes [x, y]: domains across, merchants down.
        image = pg.ImageItem(values.T)
        image.setLookupTable(_HEAT.getLookupTable(0.0, 1.0, 256))
        image.setLevels((0.0, 100.0))
        return image

    def cell_text(self, row: int, column: int) -> str:
        """``merchant · domain: score`` of a cell (its tooltip)."""
        score = self.matrix.scores[row][column]
        value = "—" if score is None else f"{score:.2f}"
        return f"{self.matrix.merchants[row][1]} · {self.matrix.domains[column]}: {value}"

    def select(self, row: int, column: int) -> None:
        """Frame the cell at (``row``, ``column``)."""
        item = self.getPlotItem()
        if self._frame is not None:
            item.removeItem(self._frame)
        self._frame = pg.QtWidgets.QGraphicsRectItem(column, row, 1, 1)
        self._frame.setPen(pg.mkPen("#0d47a1", width=3))
        item.addItem(self._frame)
        self.selected = (row, column)

    def cell_centre(self, row: int, column: int) -> QPointF:
        """The middle of a cell in this widget's coordinates (tests click it)."""
        view = self.getPlotItem().getViewBox()
        scene = view.mapViewToScene(QPointF(column + 0.5, row + 0.5))
        return self.mapFromScene(scene).toPointF()

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (row, column) under the view point ``(x, y)`` when it has a score."""
        row, column = math.floor(y), math.floor(x)
        if not (0 <= row < len(self.matrix.merchants) and 0 <= column < len(self.matrix.domains)):
            return None
        return (row, column) if self.matrix.scores[row][column] is not None else None

    def _on_scene_clicked(self, event: object) -> None:
        point = self.getPlotItem().getViewBox().mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        cell = self.cell_at(point.x(), point.y())
        if cell is not None:
            self.select(*cell)
            self.cell_clicked.emit(*cell)


    def _on_scene_moved(self, position: QPointF) -> None:
        point = self.getPlotItem().getViewBox().mapSceneToView(position)
        row, column = math.floor(point.y()), math.floor(point.x())
        inside = (0 <= row < len(self.matrix.merchants)
                  and 0 <= column < len(self.matrix.domains))
        self.setToolTip(self.cell_text(row, column) if inside else "")


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


def _timestamp(point: GradePoint) -> float:
    assert point.completed_on is not None
    day = point.completed_on
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


class GradeHistoryChart(pg.PlotWidget):  # type: ignore[misc] # pyqtgraph is untyped
    """A merchant's audit scores over time, each point labelled with its grade."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w",
                         axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=0)})
        _fix_view(self)
        self.setLabel("left", _tr(QT_TRANSLATE_NOOP("Charts", "Score")))
        self.points: tuple[GradePoint, ...] = ()

    def set_history(self, points: Sequence[GradePoint]) -> None:
        """Draw ``points`` (from :func:`~certbench.reports.analytics.grade_history`)."""
        self.points = tuple(p for p in points if p.completed_on is not None
                            and p.score is not None)
        item = self.getPlotItem()
        item.clear()
        xs = [_timestamp(p) for p in self.points]
        ys = [float(p.score or 0) for p in self.points]
        brushes = [GRADE_COLOURS.get(p.grade, _OTHER) for p in self.points]
        item.plot(xs, ys, pen=pg.mkPen("#546e7a", width=2), symbol="o", symbolSize=11,
                  symbolBrush=brushes, symbolPen=pg.mkPen("w"))
        for x, y, p in zip(xs, ys, self.points, strict=True):
            label = pg.TextItem(p.grade, color="#263238", anchor=(-0.4, 0.5))
            label.setPos(x, y)
            item.addItem(label)
        day = 86_400.0
        if xs:
            item.setXRange(min(xs) - 120 * day, max(xs) + 120 * day, padding=0)
        item.setYRange(0, 105, padding=0)
