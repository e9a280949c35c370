"""Spreadsheet exports and validated imports on real CSV and XLSX files (no database)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from certbench.checklists import load_form
from certbench.domain import BusinessModel, Form, Scope
from certbench.errors import ExportError, ImportDataError
from certbench.reports.imports import (
    COMPLAINT_COLUMNS,
    MERCHANT_COLUMNS,
    read_complaints,
    read_merchants,
)
from certbench.reports.ratings_sheet import (
    RATINGS_COLUMNS,
    RATINGS_SHEET,
    ratings_of,
    read_ratings_template,
    write_ratings_template,
)
from certbench.reports.rows import OverdueRow, RegisterRow
from certbench.reports.sheets import Limits
from certbench.reports.tables import FINDINGS, OVERDUE, REGISTER, SPECS, export_rows

ROOT = Path(__file__).resolve().parents[1]


def register_rows() -> list[RegisterRow]:
    return [
        RegisterRow("CB-2026-000001", "m-1", "杭州示例贸易有限公司", "91330100MA27XYZ12K", "CN",
                    ("https://shop.example.cn", "https://example.tmall.com"),
                    "ecommerce-trust@1.0", "A", Decimal("93.5"),
                    datetime(2026, 10, 20, 11, 0, tzinfo=UTC), date(2026, 10, 20),
                    date(2027, 10, 19), "valid", "ab" * 32),
        RegisterRow("CB-2026-000002", "m-2", '=HYPERLINK("http://evil","x")', "-42", "DE",
                    ("https://shop.example.de",), "ecommerce-trust@1.0", "C", Decimal("70"),
                    datetime(2026, 11, 1, 8, 30, 15, tzinfo=UTC), date(2026, 11, 1),
                    date(2027, 10, 31), "suspended", "cd" * 32),
    ]


def problems_of(exc: pytest.ExceptionInfo[ImportDataError]) -> list[tuple[int, str, str]]:
    problems = exc.value.context["problems"]
    assert isinstance(problems, list)
    return problems


def cells_of(problems: list[tuple[int, str, str]]) -> set[tuple[int, str]]:
    return {(row, column) for row, column, _ in problems}


# -- exports --------------------------------------------------------------------------------


def test_register_csv_has_bom_crlf_stable_header_and_escaped_formulas(tmp_path: Path) -> None:
    out = tmp_path / "register.csv"
    assert export_rows(REGISTER, register_rows(), out) == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    assert tuple(rows[0]) == REGISTER.names
    first, second = (dict(zip(rows[0], r, strict=True)) for r in rows[1:])
    assert first["legal_name"] == "杭州示例贸易有限公司"
    assert first["websites"] == "https://shop.example.cn; https://example.tmall.com"
    assert first["score"] == "93.50"
    assert first["issued_at"] == "2026-10-20T11:00:00Z"
    assert first["valid_until"] == "2027-10-19"
    assert second["legal_name"] == '\'=HYPERLINK("http://evil","x")'
    assert second["registration_number"] == "'-42"


def test_register_xlsx_is_typed_with_frozen_header_and_formula_text_stays_text(
        tmp_path: Path) -> None:
    out = tmp_path / "register.xlsx"
    export_rows(REGISTER, register_rows(), out)
    sheet = load_workbook(out)[REGISTER.sheet]
    assert tuple(c.value for c in sheet[1]) == REGISTER.names
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:N3"
    assert sheet.column_dimensions["N"].width == 66
    row = dict(zip(REGISTER.names, sheet[2], strict=True))
    assert row["valid_from"].is_date and row["valid_from"].value == datetime(2026, 10, 20)
    assert row["issued_at"].value == datetime(2026, 10, 20, 11, 0)
    assert row["score"].data_type == "n" and Decimal(str(row["score"].value)) == Decimal("93.5")
    evil = dict(zip(REGISTER.names, sheet[3], strict=True))
    assert evil["legal_name"].data_type == "s"
    assert evil["legal_name"].value == '=HYPERLINK("http://evil","x")'


def test_export_refuses_wrong_rows_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="takes FindingsRow rows"):
        export_rows(FINDINGS, register_rows(), tmp_path / "f.csv")
    with pytest.raises(ExportError, match=r"\.csv or \.xlsx"):
        export_rows(REGISTER, register_rows(), tmp_path / "r.ods")
    assert not list(tmp_path.iterdir())


def test_every_spec_matches_its_documented_columns() -> None:
    doc = (ROOT / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
    for spec in SPECS.values():
        for column in spec.columns:
            assert f"| `{column.name}` | {column.kind.value} |" in doc, (spec.name, column.name)
    for name in (*MERCHANT_COLUMNS, *COMPLAINT_COLUMNS, *RATINGS_COLUMNS):
        assert f"`{name}`" in doc


def test_empty_export_still_has_the_header(tmp_path: Path) -> None:
    export_rows(OVERDUE, [], tmp_path / "o.csv")
    text = (tmp_path / "o.csv").read_text(encoding="utf-8-sig")
    assert text.strip() == ",".join(OVERDUE.names)
    export_rows(OVERDUE, [OverdueRow("surveillance", "m", "n", "c", "a", "", "",
                                     date(2026, 1, 1), 3)], tmp_path / "o.xlsx")
    sheet = load_workbook(tmp_path / "o.xlsx")[OVERDUE.sheet]
    assert sheet.cell(2, 9).value == 3


# -- merchants and complaints ---------------------------------------------------------------


def write_csv(path: Path, header: list[str] | tuple[str, ...], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str] | tuple[str, ...], rows: list[list[object]],
               sheet: str = "Sheet") -> Path:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    workbook.save(path)
    return path


GOOD_MERCHANTS = [
    ["杭州示例贸易有限公司", "示例商城; Example Shop", "91330100MA27XYZ12K", "CN", "杭州",
     "https://shop.example.cn; https://example.tmall.com", "张伟", "li.na@example.cn",
     "+86 138 0013 8000"],
    ["Beispiel GmbH", "", "HRB 12345", "de", "Berlin", "https://beispiel.de", "", "", ""],
]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_merchants_are_read_and_validated(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"m.{suffix}"
    if suffix == "csv":
        write_csv(path, MERCHANT_COLUMNS, GOOD_MERCHANTS)
    else:
        write_xlsx(path, MERCHANT_COLUMNS, list(GOOD_MERCHANTS))
    first, second = read_merchants(path)
    assert first.row == 2 and second.row == 3
    assert first.trading_names == ("示例商城", "Example Shop")
    assert first.websites == ("https://shop.example.cn", "https://example.tmall.com")
    assert first.contacts == {"name": "张伟", "email": "li.na@example.cn",
                              "phone": "+86 138 0013 8000"}
    assert second.country == "DE" and second.contacts == {}


def test_wrong_columns_are_reported_on_the_header_row(tmp_path: Path) -> None:
    header = [c for c in MERCHANT_COLUMNS if c != "country"] + ["colour", "address"]
    path = write_csv(tmp_path / "m.csv", header, [["x"] * len(header)])
    with pytest.raises(ImportDataError) as exc:
        read_merchants(path)
    assert cells_of(problems_of(exc)) == {(1, "colour"), (1, "address"), (1, "country")}
    assert "nothing was imported" in exc.value.message


def test_bad_values_are_reported_by_row_and_column(tmp_path: Path) -> None:
    rows = [
        ["", "", "R1", "China", "", "ftp://x.example", "", "not-an-email", "call me"],
        ["Ok Ltd", "", "R2", "CN", "", "https://ok.example", "", "", ""],
        ["Dup Ltd", "", "r2", "CN", "", "https://dup.example", "", "", ""],
    ]
    path = write_csv(tmp_path / "m.csv", MERCHANT_COLUMNS, rows)
    with pytest.raises(ImportDataError) as exc:
        read_merchants(path)
    assert cells_of(problems_of(exc)) == {
        (2, "legal_name"), (2, "country"), (2, "websites"), (2, "contact_email"),
        (2, "contact_phone"), (4, "registration_number")}
    assert "duplicates row 3" in {p for _, _, p in problems_of(exc)}


def test_formulas_are_refused_in_csv_and_xlsx(tmp_path: Path) -> None:
    rows = [["=1+1", "", "R1", "CN", "@SUM(A1)", "https://a.example", "",
             "", "+cmd|' /C calc'!A0"],
            ["'=literal text", "", "R2", "CN", "", "https://b.example", "", "", "-1 (555) 0100"]]
    path = write_csv(tmp_path / "m.csv", MERCHANT_COLUMNS, rows)
    with pytest.raises(ImportDataError) as exc:
        read_merchants(path)
    assert cells_of(problems_of(exc)) == {(2, "legal_name"), (2, "address"),
                                          (2, "contact_phone")}
    xlsx = write_xlsx(tmp_path / "m.xlsx", MERCHANT_COLUMNS,
                      [["Shop", "", "=A1", "CN", "", "https://a.example", "", "", ""]])
    with pytest.raises(ImportDataError) as exc2:
        read_merchants(xlsx)
    assert (2, "C") in cells_of(problems_of(exc2))
    assert "formula" in problems_of(exc2)[0][2]


def test_xlsx_text_that_only_looks_like_a_formula_is_text(tmp_path: Path) -> None:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(list(MERCHANT_COLUMNS))
    ws.append(["x", "", "-42", "CN", "", "https://a.example", "", "", ""])
    ws.cell(2, 1).value = "=Beta"
    ws.cell(2, 1).data_type = "s"
    workbook.save(tmp_path / "m.xlsx")
    (record,) = read_merchants(tmp_path / "m.xlsx")
    assert record.legal_name == "=Beta" and record.registration_number == "-42"


def test_escaped_text_from_an_export_reads_back(tmp_path: Path) -> None:
    rows = [["'=literal text", "", "'-42", "CN", "", "https://b.example", "", "", ""]]
    (record,) = read_merchants(write_csv(tmp_path / "m.csv", MERCHANT_COLUMNS, rows))
    assert record.legal_name == "=literal text" and record.registration_number == "-42"


def test_huge_files_are_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.write((",".join(MERCHANT_COLUMNS) + "\n").encode())
        handle.truncate(21 * 1024 * 1024)  # sparse: 21 MiB of NULs after the header
    with pytest.raises(ImportDataError, match="more than the limit of 20,971,520 bytes"):
        read_merchants(big)
    rows = [[f"M{i}", "", f"R{i}", "CN", "", "https://x.example", "", "", ""] for i in range(11)]
    many = write_csv(tmp_path / "many.csv", MERCHANT_COLUMNS, rows)
    with pytest.raises(ImportDataError, match="more than 10 rows"):
        read_merchants(many, limits=Limits(max_rows=10))
    xlsx = write_xlsx(tmp_path / "many.xlsx", MERCHANT_COLUMNS, list(rows))
    with pytest.raises(ImportDataError, match="more than the limit of 10"):
        read_merchants(xlsx, limits=Limits(max_rows=10))
    with pytest.raises(ImportDataError, match="unpacks to"):
        read_merchants(xlsx, limits=Limits(max_unpacked_bytes=1000))


def test_files_that_are_not_spreadsheets_are_refused(tmp_path: Path) -> None:
    fake = tmp_path / "m.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportDataError, match="not a readable XLSX"):
        read_merchants(fake)
    latin1 = tmp_path / "m.csv"
    latin1.write_bytes(",".join(MERCHANT_COLUMNS).encode() + b"\n\xe9t\xe9,,,,,,,,\n")
    with pytest.raises(ImportDataError, match="not UTF-8"):
        read_merchants(latin1)
    with pytest.raises(ImportDataError, match=r"only \.csv and \.xlsx"):
        read_merchants(tmp_path / "m.ods")
    empty = write_csv(tmp_path / "e.csv", MERCHANT_COLUMNS, [])
    with pytest.raises(ImportDataError, match="no data rows"):
        read_merchants(empty)


def test_complaints_are_read_with_statuses_dates_and_duplicates(tmp_path: Path) -> None:
    rows = [["R1", "CN", "2026-10-01", "email", "Late refund", "王芳 +86 138 0013 8000", ""],
            ["R1", "CN", "2026-10-02T09:30:00+08:00", "phone", "Rude", "", "resolved"]]
    first, second = read_complaints(write_csv(tmp_path / "c.csv", COMPLAINT_COLUMNS, rows))
    assert first.status == "received"
    assert first.received_at == datetime(2026, 10, 1, tzinfo=UTC)
    assert second.received_at == datetime(2026, 10, 2, 1, 30, tzinfo=UTC)
    bad = [*rows, ["R1", "CN", "yesterday", "", "", "", "closed"], rows[0]]
    with pytest.raises(ImportDataError) as exc:
        read_complaints(write_csv(tmp_path / "bad.csv", COMPLAINT_COLUMNS, bad))
    assert cells_of(problems_of(exc)) == {(4, "received_at"), (4, "summary"), (4, "status"),
                                          (5, "summary")}


# -- ratings template -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def mini_form() -> Form:
    return load_form(ROOT / "tests" / "data" / "forms" / "mini-trust" / "1.0.toml")


SCOPE = Scope(business_models=frozenset({BusinessModel.B2C}), home_market="CN",
              target_markets=frozenset({"CN"}))


def fill(path: Path, values: dict[str, dict[str, object]]) -> None:
    workbook = load_workbook(path)
    sheet = workbook[RATINGS_SHEET]
    columns = {c.value: c.column for c in sheet[1]}
    for row in sheet.iter_rows(min_row=2):
        cid = row[0].value
        for key, value in values.get(str(cid), {}).items():
            sheet.cell(row[0].row, columns[key]).value = value
    workbook.save(path)


def test_ratings_template_lists_applicable_criteria_with_drop_downs(
        tmp_path: Path, mini_form: Form) -> None:
    path = tmp_path / "ratings.xlsx"
    count = write_ratings_template(path, mini_form, audit_id="AUD-1", scope=SCOPE,
                                   current={"MER-02": {"rating": "largely", "note": "=ok"}})
    applicable = [c.id for c in mini_form.criteria if c.applies(SCOPE)]
    workbook = load_workbook(path)
    sheet = workbook[RATINGS_SHEET]
    assert count == len(applicable) and "MER-04" not in applicable
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == applicable
    assert sheet.freeze_panes == "A2"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation
             if v.type == "list"}
    assert lists[f"E2:E{count + 1}"] == '"fully,largely,partially,not_met,n/a"'
    assert lists[f"H2:H{count + 1}"] == '"major,minor,observation"'
    assert sheet.cell(3, 5).value == "largely" and sheet.cell(3, 7).data_type == "s"
    about = dict(workbook["About"].iter_rows(values_only=True, max_col=2))
    assert about["audit_id"] == "AUD-1" and about["form_hash"] == mini_form.hash


def test_filled_ratings_template_round_trips(tmp_path: Path, mini_form: Form) -> None:
    path = tmp_path / "ratings.xlsx"
    write_ratings_template(path, mini_form, audit_id="AUD-1", scope=SCOPE)
    fill(path, {"MER-01": {"rating": "fully"},
                "MER-02": {"rating": "partially", "note": "footer only", "nonconformity": "minor",
                           "corrective_action": "Add a contact page",
                           "due_date": datetime(2027, 1, 31)},
                "MER-03": {"rating": "n/a", "justification": "sells no regulated goods"}})
    sheet = read_ratings_template(path, mini_form, audit_id="AUD-1", scope=SCOPE)
    by_id = {line.criterion_id: line for line in sheet.lines}
    assert by_id["MER-02"].due_date == date(2027, 1, 31)
    assert by_id["MER-02"].nonconformity == "minor"
    assert by_id["PAY-01"].rating == ""
    assert [(r.criterion_id, r.value) for r in ratings_of(sheet.lines)] == [
        ("MER-01", "fully"), ("MER-02", "partially"), ("MER-03", "n/a")]


def test_bad_ratings_templates_are_refused_with_every_problem(
        tmp_path: Path, mini_form: Form) -> None:
    path = tmp_path / "ratings.xlsx"
    write_ratings_template(path, mini_form, audit_id="AUD-1", scope=SCOPE)
    fill(path, {"MER-01": {"rating": "perfect"},
                "MER-02": {"rating": "n/a", "nonconformity": "grave", "due_date": "soon"},
                "MER-03": {"note": "=HYPERLINK(\"x\")"}})
    workbook = load_workbook(path)
    sheet = workbook[RATINGS_SHEET]
    sheet.append(["MER-01", "", "", "", "fully"])
    sheet.append(["NOPE-9", "", "", "", "fully"])
    sheet.append(["MER-04", "", "", "", "fully"])
    workbook.save(path)
    with pytest.raises(ImportDataError) as exc:
        read_ratings_template(path, mini_form, audit_id="AUD-2", scope=SCOPE)
    found = cells_of(problems_of(exc))
    last = sheet.max_row
    assert {(2, "rating"), (3, "justification"), (3, "nonconformity"), (3, "due_date"),
            (4, "G"), (last - 2, "criterion_id"), (last - 1, "criterion_id"),
            (last, "criterion_id"), (0, "audit_id")} <= found


def test_ratings_template_for_another_form_version_is_refused(
        tmp_path: Path, mini_form: Form) -> None:
    import dataclasses

    path = tmp_path / "ratings.xlsx"
    other = dataclasses.replace(mini_form, hash="0" * 64)
    write_ratings_template(path, other, audit_id="AUD-1", scope=SCOPE)
    with pytest.raises(ImportDataError) as exc:
        read_ratings_template(path, mini_form, audit_id="AUD-1")
    assert cells_of(problems_of(exc)) == {(0, "form_hash")}
    with pytest.raises(ImportDataError, match=r"is an \.xlsx workbook"):
        read_ratings_template(tmp_path / "r.csv", mini_form)


def test_ratings_csv_with_template_columns_is_validated(tmp_path: Path, mini_form: Form) -> None:
    from certbench.reports.ratings_sheet import read_ratings_csv

    good = ["MER-01", "", "", "", "fully", "", "", "", "", ""]
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RATINGS_COLUMNS)
        writer.writerow(good)
    (line,) = read_ratings_csv(path, mini_form, scope=SCOPE)
    assert (line.criterion_id, line.rating) == ("MER-01", "fully")
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(good)
    with pytest.raises(ImportDataError, match="duplicates row 2"):
        read_ratings_csv(path, mini_form, scope=SCOPE)
