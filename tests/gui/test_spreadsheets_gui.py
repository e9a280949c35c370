"""Spreadsheet import and export from the workbench, on real databases and real files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from workbench_flow import PASSPHRASE, build_template, clone_body

from certbench.gui.context import AppContext
from certbench.gui.main_window import MainWindow
from certbench.gui.spreadsheets import (
    ImportCancelledError,
    ImportProblemsDialog,
    import_file,
    import_spreadsheet,
)
from certbench.gui.tasks import TaskManager

MERCHANT_HEADER = ["legal_name", "trading_names", "registration_number", "country", "address",
                   "websites", "contact_name", "contact_email", "contact_phone"]
REGISTER_COLUMNS = ["certificate_number", "merchant_id", "legal_name", "registration_number",
                    "country", "websites", "form", "grade", "score", "issued_at", "valid_from",
                    "valid_until", "status", "seal_hash"]
"""The ``register`` columns of docs/spreadsheets.md, in order."""


def _write_merchants(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MERCHANT_HEADER)
        writer.writerows(rows)
    return path


GOOD_ROWS = [
    ["Alpenglow Outfitters AG", "Alpenglow", "CHE-101.202.303", "ch", "Bahnhofstrasse 1",
     "https://alpenglow.example.ch", "Anna Muster", "anna@example.ch", "+41 44 000 00 00"],
    ["宁波海风电子商务有限公司", "海风; 海风优选", "91330200MA2AAAAA1B", "CN", "",
     "https://haifeng.example.cn; https://haifeng.tmall.com", "", "", ""],
]


def _merchant_count(db) -> int:
    import sqlalchemy as sa

    from certbench.storage import Merchant

    with db.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(Merchant)) or 0)


def _messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: said.append(text))
    return said


def _problem_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[ImportProblemsDialog]:
    shown: list[ImportProblemsDialog] = []

    def fake_exec(dialog: ImportProblemsDialog) -> int:
        shown.append(dialog)
        return 0

    monkeypatch.setattr(ImportProblemsDialog, "exec", fake_exec)
    return shown


def _pick(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def _action(window: MainWindow, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None, name
    return action


# -- merchants and complaints ------------------------------------------------------------------


def test_good_merchants_file_imports_and_the_list_refreshes(qtbot, context, tmp_path,
                                                              monkeypatch) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    said = _messages(monkeypatch)
    _pick(monkeypatch, _write_merchants(tmp_path / "new.csv", GOOD_ROWS))
    page = window.pages["merchants"]
    assert page.ui.count_label.text().replace(",", "").startswith("1500 ")
    _action(window, "import_merchants_action").trigger()
    assert said == ["Imported 2 merchant(s)."]
    assert _merchant_count(context.db) == 1502
    assert page.ui.count_label.text().replace(",", "").startswith("1502 ")
    assert context.settings.last_directory("spreadsheets") == str(tmp_path)


def test_bad_merchants_file_lists_every_problem_and_imports_nothing(qtbot, context, tmp_path,
                                                                    monkeypatch) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    said = _messages(monkeypatch)
    shown = _problem_dialogs(monkeypatch)
    book = Workbook()
    sheet = book.active
    sheet.append(MERCHANT_HEADER)
    sheet.append(GOOD_ROWS[0])
    sheet.append(["No Site Ltd", "", "GB-555", "GB", "", "", "", "", ""])
    sheet.append(["Bad Country Ltd", "", "XX-1", "ZZZ", "", "ftp://bad.example", "", "", ""])
    sheet.append(["Twice Ltd", "", "CHE-101.202.303", "CH", "", "https://x.example", "", "", ""])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    _pick(monkeypatch, path)
    _action(window, "import_merchants_action").trigger()
    assert said == [] and len(shown) == 1
    dialog = shown[0]
    rows = {(p.row, p.column) for p in dialog.problems}
    assert {(3, "websites"), (4, "country"), (4, "websites"),
            (5, "registration_number")} <= rows
    assert dialog.model.rowCount() == len(dialog.problems) >= 4
    assert "Nothing was imported" in dialog.summary_label.text()
    assert "bad.xlsx" in dialog.summary_label.text()
    assert _merchant_count(context.db) == 1500


def test_complaints_of_an_unknown_merchant_are_refused_row_by_row(qtbot, context, tmp_path,
                                                                  monkeypatch) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    shown = _problem_dialogs(monkeypatch)
    path = tmp_path / "complaints.csv"
    path.write_text("registration_number,country,received_at,channel,summary,"
                    "complainant_contact,status\n"
                    "NOPE-1,CN,2026-01-02,email,Parcel never arrived,,received\n"
                    "NOPE-2,DE,2026-01-03,phone,Refund refused,,\n", encoding="utf-8")
    _pick(monkeypatch, path)
    _action(window, "import_complaints_action").trigger()
    assert len(shown) == 1
    assert [p.row for p in shown[0].problems] == [2, 3]
    assert shown[0].model.rowCount() == 2


def test_a_cancel_before_the_commit_rolls_the_import_back(context, tmp_path) -> None:
    path = _write_merchants(tmp_path / "new.csv", GOOD_ROWS)
    asked: list[bool] = []

    def cancelled() -> bool:  # not yet when the work starts; yes once the rows were added
        asked.append(True)
        return len(asked) > 1

    with pytest.raises(ImportCancelledError):
        import_spreadsheet(context.db, "merchants", path, progress=lambda f, t: None,
                           cancelled=cancelled)
    assert len(asked) == 2
    assert _merchant_count(context.db) == 1500


def test_import_on_the_real_worker_thread_reports_back_on_the_main_thread(
        qtbot, seeded_db, settings, tmp_path, monkeypatch) -> None:
    tasks = TaskManager()
    try:
        context = AppContext(db=seeded_db, settings=settings, tasks=tasks)
        window = MainWindow(context)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
        said = _messages(monkeypatch)
        op = import_file(window, "merchants", _write_merchants(tmp_path / "n.csv", GOOD_ROWS))
        assert op.progress_dialog is not None
        qtbot.waitUntil(lambda: said == ["Imported 2 merchant(s)."], timeout=10_000)
        assert _merchant_count(seeded_db) == 1502
        qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    finally:
        tasks.shutdown()
        tasks.deleteLater()


# -- ratings of an audit ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def _body_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("ratings-body"))


@pytest.fixture
def body(_body_template: Path, tmp_path: Path, settings, sync_tasks):
    """A private body with one open audit; ``li.wei`` (its assessor) acts."""
    flow, _extra = clone_body(_body_template, tmp_path / "body")
    context = AppContext(db=flow.db, settings=settings, tasks=sync_tasks, user="li.wei")
    yield context, flow
    flow.db.dispose()


def _audits_page(qtbot, context: AppContext, audit_id: str):
    from certbench.gui.audits_page import AuditsPage

    page = AuditsPage(context)
    qtbot.addWidget(page)
    template = page.findChild(QAction, "ratings_template_action")
    ratings = page.findChild(QAction, "import_ratings_action")
    assert not template.isEnabled() and not ratings.isEnabled()
    assert page.select_audit(audit_id)
    assert template.isEnabled() and ratings.isEnabled()
    return page, template, ratings


def _ratings(db, audit_id: str) -> dict[str, str | None]:
    import sqlalchemy as sa

    from certbench.storage import Finding

    with db.session() as session:
        return {f.criterion_id: f.rating for f in session.scalars(
            sa.select(Finding).where(Finding.audit_id == audit_id))}


def _fill(path: Path, rating: str) -> int:
    from certbench.reports.ratings_sheet import RATINGS_SHEET

    book = load_workbook(path)
    sheet = book[RATINGS_SHEET]
    columns = {c.value: c.column for c in sheet[1]}
    count = 0
    for row in sheet.iter_rows(min_row=2):
        sheet.cell(row[0].row, columns["rating"]).value = rating
        count += 1
    book.save(path)
    return count


def test_ratings_template_filled_and_imported_through_the_audits_page(body, qtbot, tmp_path,
                                                                       monkeypatch) -> None:
    context, flow = body
    _page, template, ratings = _audits_page(qtbot, context, flow.audit_id)
    said = _messages(monkeypatch)
    path = tmp_path / "ratings.xlsx"
    _pick(monkeypatch, path)
    template.trigger()
    assert path.is_file() and said and str(path) in said[-1]
    criteria = _fill(path, "fully")
    assert criteria > 10
    prompts: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda _p, _t, label, *a: prompts.append(label) or (PASSPHRASE, True))
    ratings.trigger()
    assert prompts and "li.wei" in prompts[0]
    assert said[-1].startswith("Applied ")
    rated = _ratings(flow.db, flow.audit_id)
    assert sum(1 for r in rated.values() if r == "fully") == criteria


def test_a_bad_ratings_file_shows_every_problem_and_changes_nothing(body, qtbot, tmp_path,
                                                                    monkeypatch) -> None:
    context, flow = body
    _page, template, ratings = _audits_page(qtbot, context, flow.audit_id)
    _messages(monkeypatch)
    shown = _problem_dialogs(monkeypatch)
    path = tmp_path / "ratings.xlsx"
    _pick(monkeypatch, path)
    template.trigger()
    criteria = _fill(path, "brilliant")
    before = _ratings(flow.db, flow.audit_id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a: (PASSPHRASE, True))
    ratings.trigger()
    assert len(shown) == 1
    assert len(shown[0].problems) == criteria
    assert all(p.column == "rating" for p in shown[0].problems)
    assert _ratings(flow.db, flow.audit_id) == before


def test_a_wrong_passphrase_imports_nothing(body, qtbot, tmp_path, monkeypatch) -> None:
    from certbench.gui import errors

    context, flow = body
    _page, template, ratings = _audits_page(qtbot, context, flow.audit_id)
    _messages(monkeypatch)
    path = tmp_path / "ratings.xlsx"
    _pick(monkeypatch, path)
    template.trigger()
    _fill(path, "fully")
    failures: list[str] = []
    monkeypatch.setattr(errors.QMessageBox, "warning", lambda _p, _t, text, *a:
                        failures.append(text))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a: ("not the passphrase", True))
    ratings.trigger()
    assert failures
    assert all(r is None for r in _ratings(flow.db, flow.audit_id).values())


# -- exports ----------------------------------------------------------------------------------


@pytest.fixture
def reports_context(tmp_path: Path, settings, sync_tasks):
    """A body with one issued certificate (tests/support/reports_seed.py)."""
    from reports_seed import seed

    from certbench.storage import open_database
    from certbench.storage.engine import sqlite_url

    db = open_database(sqlite_url(tmp_path / "reports.sqlite3"))
    seeded = seed(db)
    yield AppContext(db=db, settings=settings, tasks=sync_tasks, user=""), seeded
    db.dispose()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_register_export_writes_the_documented_columns(reports_context, qtbot, tmp_path,
                                                       monkeypatch, suffix) -> None:
    context, seeded = reports_context
    window = MainWindow(context)
    qtbot.addWidget(window)
    said = _messages(monkeypatch)
    path = tmp_path / f"register{suffix}"
    _pick(monkeypatch, path)
    _action(window, "export_register_action").trigger()
    assert said == [f"Wrote 1 row(s) to {path}."]
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        sheet = load_workbook(path).active
        rows = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == REGISTER_COLUMNS
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["certificate_number"] == seeded.certificate_number
    assert record["seal_hash"] == seeded.seal_hash


def test_export_submenu_offers_every_table(qtbot, context) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    for name in ("register", "findings", "merchants", "overdue"):
        assert _action(window, f"export_{name}_action").text().endswith("…")


def test_an_unknown_suffix_gets_xlsx(reports_context, qtbot, tmp_path, monkeypatch) -> None:
    context, _seeded = reports_context
    window = MainWindow(context)
    qtbot.addWidget(window)
    _messages(monkeypatch)
    _pick(monkeypatch, tmp_path / "overdue")
    _action(window, "export_overdue_action").trigger()
    assert (tmp_path / "overdue.xlsx").is_file()


def test_problems_dialog_renders_in_english_and_chinese(qtbot, qapp, tmp_path) -> None:
    from certbench.errors import ImportDataError
    from certbench.gui.i18n import install_translators, remove_translators

    refused = ImportDataError("refused", file=str(tmp_path / "bad.xlsx"),
                              problems=[(0, "", "the file has no data rows"),
                                        (3, "websites", "a value is required")])
    titles = []
    for lang in ("en", "zh_CN"):
        translators = install_translators(qapp, lang) if lang != "en" else []
        try:
            dialog = ImportProblemsDialog(refused)
            qtbot.addWidget(dialog)
            dialog.show()
            image = dialog.grab()
            assert not image.isNull() and image.save(str(tmp_path / f"problems_{lang}.png"))
            titles.append((dialog.windowTitle(), dialog.model.index(0, 0).data()))
        finally:
            remove_translators(qapp, translators)
    assert titles == [("Nothing was imported", "whole file"), ("未导入任何内容", "整个文件")]
