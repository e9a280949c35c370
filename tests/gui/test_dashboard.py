"""The Dashboard page on a real seeded register: bars, heatmap, lists, clicks, refresh."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from dashboard_seed import AS_OF, Register, seed_register
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from certbench.domain import CertificateStatus
from certbench.gui.context import AppContext
from certbench.gui.dashboard_page import DashboardPage
from certbench.gui.settings import Settings
from certbench.gui.tasks import TaskManager
from certbench.storage import Certificate, Database, open_database


@pytest.fixture(scope="session")
def _register_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Register]:
    """The seeded register, built once per session (signing and grading take a second)."""
    from dbfixtures import migrated_url

    folder = tmp_path_factory.mktemp("dashboard")
    db = open_database(migrated_url("sqlite", folder, tmp_path_factory.getbasetemp(), None))
    register = seed_register(db)
    path = Path(str(db.engine.url.database))
    db.dispose()  # folds the WAL back into the file before it is copied
    return path, register


@pytest.fixture
def register(_register_template: tuple[Path, Register]) -> Register:
    """What the seed created (certificate numbers, grades, merchant ids)."""
    return _register_template[1]


@pytest.fixture
def register_db(_register_template: tuple[Path, Register], tmp_path: Path) -> Iterator[Database]:
    """A copy of the register of its own: six certificates (A, A, B, B, B and a revoked B)."""
    from certbench.storage.engine import sqlite_url

    target = tmp_path / "register.sqlite3"
    shutil.copyfile(_register_template[0], target)
    db = open_database(sqlite_url(target))
    yield db
    db.dispose()


@pytest.fixture
def page(qtbot, register: Register, register_db: Database, settings: Settings,
         sync_tasks: TaskManager) -> DashboardPage:
    """The dashboard as of :data:`AS_OF`, loaded synchronously and shown."""
    context = AppContext(db=register_db, settings=settings, tasks=sync_tasks, user="")
    widget = DashboardPage(context, today=lambda: AS_OF)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _click(qtbot, chart, point: QPointF) -> None:
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=point.toPoint())


def _numbers(model) -> list[str]:
    return [row.certificate_number for row in model.rows]


def test_bars_count_the_valid_certificates_by_grade(page: DashboardPage) -> None:
    assert page.grade_chart.grades == ("A", "B")
    assert page.grade_chart.counts == (2, 3)  # the revoked B is not counted


def test_clicking_a_bar_lists_the_certificates_with_that_grade(
        qtbot, page: DashboardPage, register: Register, qtmodeltester) -> None:
    _click(qtbot, page.grade_chart, page.grade_chart.bar_centre("B"))
    assert _numbers(page.grade_model) == ["CB-2026-000002", "CB-2026-000003", "CB-2026-000004"]
    assert page.grade_chart.selected == "B"
    assert page.grade_table.model().index(0, 2).data() == "B"
    qtmodeltester.check(page.grade_model)
    _click(qtbot, page.grade_chart, page.grade_chart.bar_centre("A"))
    assert _numbers(page.grade_model) == ["CB-2026-000001", register.base.certificate_number]


def test_a_click_beside_the_bars_changes_nothing(qtbot, page: DashboardPage) -> None:
    _click(qtbot, page.grade_chart, page.grade_chart.bar_centre("B"))
    chart = page.grade_chart
    view = chart.getPlotItem().getViewBox()
    between = chart.mapFromScene(view.mapViewToScene(QPointF(0.5, 0.5))).toPointF()
    _click(qtbot, chart, between)
    assert chart.selected == "B" and len(page.grade_model.rows) == 3


def test_heatmap_cell_lists_the_merchants_at_or_below_its_score(
        qtbot, page: DashboardPage, qtmodeltester) -> None:
    matrix = page.data.matrix
    weakest = matrix.domains[0]
    assert len(matrix.merchants) == 6  # every certified merchant, latest audit
    row = [name for _, name in matrix.merchants].index("Beta Bazaar Co.")
    score = matrix.scores[row][0]
    _click(qtbot, page.heatmap, page.heatmap.cell_centre(row, 0))
    listed = [(line.legal_name, line.score) for line in page.score_model.rows]
    expected = sorted(((name, scores[0]) for (_, name), scores in
                       zip(matrix.merchants, matrix.scores, strict=True)
                       if scores[0] is not None and scores[0] <= score),
                      key=lambda pair: (pair[1], pair[0].casefold()))
    assert listed == expected
    assert matrix.merchants[row][1] in dict(listed)
    assert [name for name, _ in listed] == ["Gamma Mart GmbH", "Beta Bazaar Co.",
                                            "Epsilon Outlet SA"]
    assert {line.domain_id for line in page.score_model.rows} == {weakest}
    assert page.heatmap.selected == (row, 0)
    qtmodeltester.check(page.score_model)


def test_expiring_and_overdue_lists(page: DashboardPage, qtmodeltester) -> None:
    # Gamma's certificate ends 2026-12-20 and Beta's 2027-01-10: within 90 days of AS_OF.
    assert _numbers(page.expiring_model) == ["CB-2026-000003", "CB-2026-000002"]
    assert all(row.kind == "surveillance" for row in page.overdue_model.rows)
    days = [row.days_overdue for row in page.overdue_model.rows]
    assert days == sorted(days, reverse=True) and days and days[0] > 0
    assert "(2)" in page.list_tabs.tabText(0)
    qtmodeltester.check(page.expiring_model)
    qtmodeltester.check(page.overdue_model)


def test_merchant_picker_drives_the_grade_history(page: DashboardPage,
                                                  register: Register) -> None:
    page.select_merchant(register.merchants["Alpha Goods Ltd."])
    points = page.history_chart.points
    assert [p.grade for p in points] == ["B", "A"]
    assert [p.completed_on for p in points] == [date(2025, 5, 1), date(2026, 5, 1)]
    page.select_merchant(register.merchants["Beta Bazaar Co."])
    assert [p.grade for p in page.history_chart.points] == ["B"]


def test_refresh_shows_a_change_in_the_database(qtbot, page: DashboardPage,
                                                register_db: Database) -> None:
    _click(qtbot, page.grade_chart, page.grade_chart.bar_centre("B"))
    _click(qtbot, page.heatmap, page.heatmap.cell_centre(1, 0))
    listed = list(page.score_model.rows)
    with register_db.session() as s:
        s.execute(sa.update(Certificate).where(Certificate.number.in_(
            ["CB-2026-000001", "CB-2026-000002"])).values(status=CertificateStatus.SUSPENDED))
    assert page.grade_chart.counts == (2, 3)
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    assert page.grade_chart.counts == (1, 2)
    assert _numbers(page.grade_model) == ["CB-2026-000003", "CB-2026-000004"]  # B stays chosen
    assert page.heatmap.selected == (1, 0) and page.score_model.rows == listed


def test_loads_on_the_real_database_thread(qtbot, qapp: QApplication, register: Register,
                                           register_db: Database, settings: Settings) -> None:
    tasks = TaskManager(qapp)
    try:
        context = AppContext(db=register_db, settings=settings, tasks=tasks, user="")
        widget = DashboardPage(context, today=lambda: AS_OF)
        qtbot.addWidget(widget)
        assert widget.data is None  # nothing loads before the page is shown
        widget.show()
        assert widget.data is None  # the load runs on the worker thread
        qtbot.waitUntil(lambda: widget.data is not None, timeout=10_000)
        assert widget.grade_chart.counts == (2, 3)
        assert widget.refresh_button.isEnabled()
    finally:
        tasks.shutdown()


def test_main_window_builds_the_dashboard_on_first_show(qtbot, register_db: Database,
                                                         settings: Settings,
                                                         sync_tasks: TaskManager) -> None:
    from certbench.gui.main_window import PAGES, MainWindow

    window = MainWindow(AppContext(db=register_db, settings=settings, tasks=sync_tasks))
    qtbot.addWidget(window)
    window.show()
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage) and not page.built  # nothing loaded at start-up
    window.show_page([spec.key for spec in PAGES].index("dashboard"))
    assert page.built and page.data is not None
    titles = [a.text() for a in window.ui.menu_file.actions()]
    assert titles[:3] == ["Export field package…", "Import field package…", "Conflicts…"]


def test_showing_the_page_again_reloads(page: DashboardPage, register_db: Database) -> None:
    page.hide()  # another section takes the screen and changes the database
    with register_db.session() as s:
        s.execute(sa.update(Certificate).where(Certificate.number == "CB-2026-000002")
                  .values(status=CertificateStatus.REVOKED))
    page.show()
    assert page.grade_chart.counts == (2, 2)
    assert page.grade_model.rows == []  # nothing was chosen


def test_heatmap_names_only_the_rows_that_fit(qtbot) -> None:
    from decimal import Decimal

    from certbench.gui.charts import HeatmapChart
    from certbench.reports.analytics import DomainMatrix

    chart = HeatmapChart()
    qtbot.addWidget(chart)
    chart.resize(500, 300)
    merchants = tuple((f"m{n}", f"Merchant {n:03d}") for n in range(200))
    chart.set_matrix(DomainMatrix(merchants, ("PAY",), tuple((Decimal(n % 100),)
                                                             for n in range(200)),
                                  (Decimal("49.50"),)))
    ticks = chart.getPlotItem().getAxis("left")._tickLevels[0]
    assert 1 < len(ticks) < 200 and ticks[0][1] == "Merchant 000"
    assert chart.cell_text(3, 0) == "Merchant 003 · PAY: 3.00"
