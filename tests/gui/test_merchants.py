"""The merchant list: a lazy keyset model, server-side search and sort, the detail panel."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from certbench.gui.merchants_page import MERCHANT_COLUMNS, MerchantsPage, fetch_merchants
from certbench.gui.models import PAGE_SIZE, KeysetTableModel, RowRole


def _model(context) -> KeysetTableModel:
    db = context.db
    model = KeysetTableModel(MERCHANT_COLUMNS, lambda q: fetch_merchants(db, q), context.tasks)
    model.reload()
    return model


def test_merchant_model_passes_qtmodeltester(context, qtmodeltester) -> None:
    model = _model(context)
    qtmodeltester.check(model, force_py=True)


def test_model_loads_one_page_then_fetches_more_on_demand(context) -> None:
    model = _model(context)
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_SIZE
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 1_500
    ids = [model.data(model.index(r, 0), RowRole).id for r in range(model.rowCount())]
    assert len(set(ids)) == 1_500


def test_sorting_requeries_in_the_new_order(context) -> None:
    model = _model(context)
    first_ascending = model.data(model.index(0, 0))
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.query.sort == "name" and model.query.descending
    first_descending = model.data(model.index(0, 0))
    assert first_descending != first_ascending
    assert first_descending.startswith("深圳商户")  # CJK folds after Latin, so first descending
    model.sort(4, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 0), RowRole).registration_number == "REG00001499"


def test_unsortable_column_leaves_the_order(context) -> None:
    model = _model(context)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.query.sort == ""


def test_search_box_requeries_on_the_server_after_a_pause(context, qtbot) -> None:
    page = MerchantsPage(context)
    qtbot.addWidget(page)
    assert page.model.rowCount() == PAGE_SIZE
    qtbot.keyClicks(page.ui.search_edit, "reg0000012")
    assert page.model.query.search == ""  # debounced: nothing ran yet
    with qtbot.waitSignal(page.model.modelReset, timeout=2_000):
        pass
    assert page.model.query.search == "reg0000012"
    names = {page.model.data(page.model.index(r, 2)) for r in range(page.model.rowCount())}
    assert names == {f"REG0000012{d}" for d in range(10)}
    assert "10" in page.ui.count_label.text()


def test_selecting_a_merchant_shows_its_details(context, qtbot) -> None:
    page = MerchantsPage(context)
    qtbot.addWidget(page)
    page.ui.merchant_table.selectRow(3)
    row = page.selected_merchant()
    assert row is not None
    assert row.legal_name in page.ui.name_label.text()
    assert page.ui.registration_label.text() == row.registration_number
    assert page.audits_model.rowCount() == 0  # seeded merchants have no audits yet
    assert page.ui.detail_tabs.isEnabled()


def test_failed_page_shows_an_inline_error(context, qtbot) -> None:
    def broken(_query):
        from certbench.errors import StorageError

        raise StorageError("database is locked")

    model = KeysetTableModel(MERCHANT_COLUMNS, broken, context.tasks)
    with qtbot.waitSignal(model.load_failed) as blocker:
        model.reload()
    assert blocker.args == ["database is locked"]
    assert not model.canFetchMore(QModelIndex())
