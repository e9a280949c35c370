"""The merchant page's tabs: details, audits, certificates, complaints, grade history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from reports_seed import Seeded, seed

from certbench.gui.context import AppContext
from certbench.gui.merchants_page import MerchantsPage, fetch_merchant_view
from certbench.gui.models import RowRole
from certbench.gui.tasks import TaskManager
from certbench.reports.loaders import sealed_figures
from certbench.storage import Certificate, Database, open_database
from certbench.storage.engine import sqlite_url


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Database, Seeded]]:
    db = open_database(sqlite_url(tmp_path / "merchants.sqlite3"))
    seeded = seed(db)
    yield db, seeded
    db.dispose()


@pytest.fixture
def page(world, settings, sync_tasks, qtbot) -> MerchantsPage:
    db, _ = world
    widget = MerchantsPage(AppContext(db=db, settings=settings, tasks=sync_tasks, user="alice"))
    qtbot.addWidget(widget)
    return widget


def _select(page: MerchantsPage, merchant_id: str) -> None:
    model = page.model
    for row in range(model.rowCount()):
        if model.data(model.index(row, 0), RowRole).id == merchant_id:
            page.ui.merchant_table.selectRow(row)
            return
    raise AssertionError(f"merchant {merchant_id} is not listed")


def test_selecting_a_merchant_fills_every_tab(page: MerchantsPage, world) -> None:
    db, seeded = world
    _select(page, seeded.merchant_id)
    ui = page.ui
    assert "https://shop.example.cn" in ui.sites_label.text()
    assert "https://example.tmall.com" in ui.sites_label.text()
    assert ui.address_label.text() == "88 West Lake Road"
    assert "email: li.na@example.cn" in ui.contacts_label.text()
    assert page.audits_model.rowCount() == 1
    with db.session() as s:
        figures = sealed_figures(s.execute(sa.select(Certificate.jws)).scalar_one())
    certificates = page.certificates_model
    assert certificates.rowCount() == 1
    assert certificates.data(certificates.index(0, 0)) == seeded.certificate_number
    assert certificates.data(certificates.index(0, 1)) == figures.grade
    assert certificates.data(certificates.index(0, 2)) == f"{figures.score:.2f}"
    assert certificates.data(certificates.index(0, 6),
                             Qt.ItemDataRole.ToolTipRole) == seeded.seal_hash
    assert page.complaints_model.rowCount() == 1
    assert "Late refund" in page.complaints_model.data(page.complaints_model.index(0, 4))
    history = page.history_model
    assert history.rowCount() == 1
    assert history.data(history.index(0, 4)) == figures.grade
    assert history.data(history.index(0, 6)) == seeded.certificate_number
    titles = [ui.detail_tabs.tabText(i) for i in range(ui.detail_tabs.count())]
    assert titles == ["Details", "Audits (1)", "Certificates (1)", "Complaints (1)",
                      "Grade history (1)"]


def test_every_tab_model_passes_the_model_tester(page: MerchantsPage, world,
                                                 qtmodeltester) -> None:
    _select(page, world[1].merchant_id)
    for model in (page.audits_model, page.certificates_model, page.complaints_model,
                  page.history_model):
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)


def test_a_merchant_without_records_has_empty_tabs(page: MerchantsPage, world) -> None:
    _select(page, world[1].other_merchant_id)
    assert page.ui.sites_label.text() == "https://beispiel.de"
    assert page.ui.contacts_label.text() == "—"
    assert page.audits_model.rowCount() == 1  # the draft
    assert page.certificates_model.rowCount() == 0
    assert page.history_model.rowCount() == 0  # a draft has no grade yet


def test_an_unreadable_seal_shows_an_inline_error(page: MerchantsPage, world) -> None:
    db, seeded = world
    with db.session() as s:
        s.scalars(sa.select(Certificate)).one().jws = "broken"
    _select(page, seeded.merchant_id)
    assert page.ui.view_error_label.isVisibleTo(page)
    assert "seal cannot be read" in page.ui.view_error_label.text()
    assert page.certificates_model.rowCount() == 0
    _select(page, seeded.other_merchant_id)  # the next merchant clears the error
    assert not page.ui.view_error_label.isVisibleTo(page)


def test_a_late_answer_for_another_merchant_is_dropped(page: MerchantsPage, world) -> None:
    db, seeded = world
    stale = fetch_merchant_view(db, seeded.merchant_id)
    _select(page, seeded.other_merchant_id)
    page._on_view_loaded(seeded.merchant_id, stale)
    assert page.certificates_model.rowCount() == 0
    assert page.ui.sites_label.text() == "https://beispiel.de"


def test_tabs_load_on_the_real_worker_thread(world, settings, qtbot) -> None:
    db, seeded = world
    tasks = TaskManager()
    try:
        page = MerchantsPage(AppContext(db=db, settings=settings, tasks=tasks, user="alice"))
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5_000)
        _select(page, seeded.merchant_id)
        qtbot.waitUntil(lambda: page.history_model.rowCount() == 1, timeout=5_000)
        assert page.certificates_model.rowCount() == 1
    finally:
        tasks.shutdown()
