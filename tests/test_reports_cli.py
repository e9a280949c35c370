"""``certbench report|export|import`` and the ratings-template writer, end to end on SQLite."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from dbfixtures import migrated_url
from openpyxl import load_workbook
from reports_seed import Seeded, seed

from certbench.cli import main
from certbench.cli.reports import write_ratings_template
from certbench.reports.imports import MERCHANT_COLUMNS
from certbench.reports.ratings_sheet import RATINGS_SHEET
from certbench.reports.tables import SPECS
from certbench.storage import open_database


@pytest.fixture
def seeded_url(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Seeded]:
    url = migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(), None)
    db = open_database(url)
    try:
        return url, seed(db)
    finally:
        db.dispose()


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_report_audit_writes_the_report_and_the_public_summary(
        seeded_url: tuple[str, Seeded], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url, seeded = seeded_url
    out = tmp_path / "r.pdf"
    assert main(["report", "audit", seeded.audit_id, "--out", str(out), "--db", url,
                 "--lang", "zh", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["seal_hash"] == seeded.seal_hash
    assert "审核报告" in pdf_text(out)
    public = tmp_path / "p.pdf"
    assert main(["report", "audit", seeded.audit_id[:8], "--public", "--out", str(public),
                 "--db", url]) == 0
    text = pdf_text(public)
    assert "Certification summary" in text and seeded.seal_hash in text
    assert "Zhang Wei" not in text


def test_report_of_unknown_audit_exits_1(seeded_url: tuple[str, Seeded], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = seeded_url
    assert main(["report", "audit", "nope", "--out", str(tmp_path / "x.pdf"), "--db", url]) == 1
    assert "no audit nope" in capsys.readouterr().err
    assert main(["report", "audit", "", "--out", str(tmp_path / "x.pdf"), "--db", url]) == 1
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("table", list(SPECS))
def test_export_writes_each_table_with_its_header(seeded_url: tuple[str, Seeded], tmp_path: Path,
                                                  table: str) -> None:
    url, _ = seeded_url
    csv_out, xlsx_out = tmp_path / f"{table}.csv", tmp_path / f"{table}.xlsx"
    for out in (csv_out, xlsx_out):
        assert main(["export", table, "--out", str(out), "--db", url,
                     "--as-of", "2027-04-01"]) == 0
    with csv_out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == SPECS[table].names and len(rows) > 1
    sheet = load_workbook(xlsx_out)[SPECS[table].sheet]
    assert sheet.max_row == len(rows)


def test_import_reports_every_problem_and_imports_nothing(
        seeded_url: tuple[str, Seeded], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = seeded_url
    path = tmp_path / "m.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(MERCHANT_COLUMNS)
        writer.writerow(["Good Ltd", "", "G1", "CN", "", "https://good.example", "", "", ""])
        writer.writerow(["", "", "G2", "XXX", "", "https://bad.example", "", "", ""])
    assert main(["import", "merchants", str(path), "--db", url]) == 1
    err = capsys.readouterr().err
    assert "row 3, column legal_name: is required" in err
    assert "row 3, column country" in err and "nothing was imported" in err
    export = tmp_path / "after.csv"
    main(["export", "merchants", "--out", str(export), "--db", url])
    assert "Good Ltd" not in export.read_text(encoding="utf-8-sig")
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n"
                    "Good Ltd,,G1,CN,,https://good.example,,,\n", encoding="utf-8")
    assert main(["import", "merchants", str(path), "--db", url]) == 0
    assert "imported 1 merchants" in capsys.readouterr().out


def test_ratings_template_writer_for_the_audit_command(seeded_url: tuple[str, Seeded],
                                                       tmp_path: Path) -> None:
    url, seeded = seeded_url
    out = tmp_path / "t.xlsx"
    count = write_ratings_template(url, seeded.audit_id, out, lang="zh")
    sheet = load_workbook(out)[RATINGS_SHEET]
    assert sheet.max_row == count + 1 and count > 10
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(sheet.cell(2, 4).value))


def test_report_commands_import_no_heavy_library_at_start_up() -> None:
    code = ("import argparse, sys\n"
            "from certbench.cli import reports\n"
            "from certbench.reports import analytics, data, documents, imports, ratings_sheet\n"
            "from certbench.reports import sheets, tables\n"
            "parser = argparse.ArgumentParser()\n"
            "reports.register(parser.add_subparsers())\n"
            "parser.parse_args(['export', 'register', '--out', 'x.csv'])\n"
            "heavy = [m for m in ('pandas', 'openpyxl', 'reportlab', 'sqlalchemy')"
            " if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_audit_template_command_writes_the_ratings_template(
        seeded_url: tuple[str, Seeded], tmp_path: Path) -> None:
    url, seeded = seeded_url
    out = tmp_path / "template.xlsx"
    assert main(["audit", "template", seeded.audit_id[:8], "--xlsx", "--out", str(out),
                 "--db", url]) == 0
    workbook = load_workbook(out)
    assert workbook["About"]["B1"].value == seeded.audit_id
    assert workbook[RATINGS_SHEET].cell(2, 5).value == "fully"
