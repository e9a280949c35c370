"""Reports, exports, imports and dashboard figures on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from reports_seed import COMPLAINANT, PLANTED, Seeded, seed

from certbench.certify.seal import decode_seal
from certbench.errors import ExportError, ImportDataError, NotFoundError
from certbench.reports import analytics
from certbench.reports.documents import render_audit_report, render_public_summary
from certbench.reports.imports import (
    COMPLAINT_COLUMNS,
    MERCHANT_COLUMNS,
    import_complaints,
    import_merchants,
)
from certbench.reports.loaders import (
    dashboard_rows,
    domain_score_rows,
    export_table,
    findings_rows,
    overdue_rows,
    register_rows,
    sealed_figures,
    write_audit_ratings_template,
)
from certbench.reports.ratings_sheet import RATINGS_SHEET, read_ratings_template
from certbench.reports.report_loader import audit_report_data
from certbench.reports.tables import MERCHANTS, REGISTER
from certbench.storage import Certificate, Complaint, Database, Merchant, open_database


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def seeded(db: Database) -> Seeded:
    return seed(db)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def squashed(text: str) -> str:
    return "".join(text.split())


def write_csv(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_reports_from_the_database_agree_with_the_certificate(
        db: Database, seeded: Seeded, tmp_path: Path) -> None:
    with db.session() as s:
        data = audit_report_data(s, seeded.audit_id)
        jws = s.scalars(sa.select(Certificate.jws)).one()
    sealed = decode_seal(jws).payload
    assert data.grade == sealed.res.grade and data.score == Decimal(sealed.res.score)
    render_audit_report(data, tmp_path / "audit.pdf")
    render_public_summary(data, tmp_path / "public.pdf", lang="zh")
    audit_text, public_text = pdf_text(tmp_path / "audit.pdf"), pdf_text(tmp_path / "public.pdf")
    for text in (audit_text, public_text):
        assert seeded.seal_hash in text
        assert f"{sealed.res.score} %" in text
        assert sealed.val.exp.isoformat() in text
        for _domain, score in sealed.res.dom:
            assert f"{score} %" in text
    assert data.evidence_root == sealed.aud.er and len(data.evidence) == sealed.aud.en
    assert data.journal.events == 3 and data.journal.chain_intact is True
    audit_flat, public_flat = squashed(audit_text), squashed(public_text)
    planted_in_audit = [p for p in PLANTED if squashed(p) in audit_flat]
    assert len(planted_in_audit) >= 4  # evidence notes and complaints reach the audit report
    for item in PLANTED:
        assert squashed(item) not in public_flat
    assert "Late refund" in audit_text  # the complaint is in the report, its author is not
    for part in COMPLAINANT.split(", "):
        assert squashed(part) not in audit_flat and squashed(part) not in public_flat


def test_report_of_unknown_audit_is_not_found(db: Database) -> None:
    with db.session() as s, pytest.raises(NotFoundError):
        audit_report_data(s, "no-such-audit")


def test_merchants_import_then_export_round_trips(db: Database, seeded: Seeded,
                                                  tmp_path: Path) -> None:
    rows = [["Alpha 阿尔法 Ltd", "Alpha; 阿尔法", "A-1", "CN", "", "https://alpha.example",
             "Zhang Wei", "li.na@example.cn", ""],
            ["'=Beta", "", "B-2", "SG", "", "https://beta.example; https://b.example", "",
             "", ""]]
    source = write_csv(tmp_path / "in.csv", MERCHANT_COLUMNS, rows)
    with db.session() as s:
        ids = import_merchants(s, source)
    assert len(ids) == 2
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"merchants.{suffix}"
        with db.session() as s:
            export_table(s, "merchants", out, as_of=date(2026, 11, 1))
        if suffix == "csv":
            with out.open(encoding="utf-8-sig", newline="") as handle:
                exported = list(csv.DictReader(handle))
        else:
            sheet = load_workbook(out)[MERCHANTS.sheet]
            values = list(sheet.iter_rows(values_only=True))
            exported = [dict(zip(values[0], (v if v is not None else "" for v in row),
                                 strict=True)) for row in values[1:]]
        by_reg = {r["registration_number"]: r for r in exported}
        assert by_reg["A-1"]["legal_name"] == "Alpha 阿尔法 Ltd"
        assert by_reg["A-1"]["websites"] == "https://alpha.example"
        expected_beta = "'=Beta" if suffix == "csv" else "=Beta"
        assert by_reg["B-2"]["legal_name"] == expected_beta
        assert by_reg["B-2"]["websites"] == "https://b.example; https://beta.example"
        assert by_reg["91330100MA27XYZ12K"]["certificate_number"] == "CB-2026-000042"


def test_a_bad_row_imports_nothing_and_duplicates_are_refused(
        db: Database, seeded: Seeded, tmp_path: Path) -> None:
    with db.session() as s:
        before = s.scalar(sa.select(sa.func.count()).select_from(Merchant))
    good = ["Gamma Ltd", "", "G-3", "CN", "", "https://gamma.example", "", "", ""]
    bad = ["Delta Ltd", "", "D-4", "CN", "", "not a url", "", "", ""]
    again = ["Example again", "", "91330100MA27XYZ12K", "CN", "", "https://x.example", "", "", ""]
    with pytest.raises(ImportDataError) as exc, db.session() as s:
        import_merchants(s, write_csv(tmp_path / "bad.csv", MERCHANT_COLUMNS,
                                      [good, bad, again]))
    assert {(r, c) for r, c, _ in exc.value.context["problems"]} == {(3, "websites")}
    with pytest.raises(ImportDataError) as exc2, db.session() as s:
        import_merchants(s, write_csv(tmp_path / "dup.csv", MERCHANT_COLUMNS, [good, again]))
    assert [(r, c) for r, c, _ in exc2.value.context["problems"]] == [
        (3, "registration_number")]
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Merchant)) == before


def test_complaints_import_resolves_merchants_and_refuses_repeats(
        db: Database, seeded: Seeded, tmp_path: Path) -> None:
    rows = [["91330100MA27XYZ12K", "CN", "2026-10-05", "phone", "Parcel never arrived",
             "王芳 +86 138 0013 8000", "investigating"]]
    path = write_csv(tmp_path / "c.csv", COMPLAINT_COLUMNS, rows)
    with db.session() as s:
        (cid,) = import_complaints(s, path)
    with db.session() as s:
        complaint = s.get(Complaint, cid)
        assert complaint is not None and complaint.merchant_id == seeded.merchant_id
        assert str(complaint.status) == "investigating"
    with pytest.raises(ImportDataError, match="already recorded"), db.session() as s:
        import_complaints(s, path)
    unknown = write_csv(tmp_path / "u.csv", COMPLAINT_COLUMNS,
                        [["NOPE", "CN", "2026-10-05", "", "x", "", ""]])
    with pytest.raises(ImportDataError, match="no merchant NOPE"), db.session() as s:
        import_complaints(s, unknown)


def test_register_uses_sealed_figures_and_status_as_of(db: Database, seeded: Seeded,
                                                       tmp_path: Path) -> None:
    with db.session() as s:
        (row,) = register_rows(s, as_of=date(2026, 11, 1))
        (late,) = register_rows(s, as_of=date(2027, 9, 21))
        export_table(s, "register", tmp_path / "r.xlsx", as_of=date(2026, 11, 1))
        jws = s.scalars(sa.select(Certificate.jws)).one()
    sealed = decode_seal(jws).payload
    figures = sealed_figures(jws)
    assert figures.domains == tuple((d, Decimal(v)) for d, v in sealed.res.dom)
    assert (figures.issued_at, figures.form) == (sealed.val.iat, "ecommerce-trust@1.0")
    for broken in ("no-dots", "a.!!!.c", "a.e30.c"):  # e30 is "{}": JSON but not a seal
        with pytest.raises(ExportError, match="stored seal cannot be read"):
            sealed_figures(broken)
    assert (row.grade, row.score) == (sealed.res.grade, Decimal(sealed.res.score))
    assert row.valid_until == date(2027, 9, 20) and row.seal_hash == seeded.seal_hash
    assert row.websites == ("https://example.tmall.com", "https://shop.example.cn")
    assert row.status == "valid" and late.status == "expired"
    sheet = load_workbook(tmp_path / "r.xlsx")[REGISTER.sheet]
    assert sheet.cell(2, REGISTER.names.index("seal_hash") + 1).value == seeded.seal_hash


def test_findings_and_overdue_exports(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        findings = findings_rows(s, [seeded.audit_id])
        early = overdue_rows(s, as_of=date(2026, 10, 15))
        late = overdue_rows(s, as_of=date(2027, 4, 1))
    applicable = [c for c in seeded.form.criteria if c.id in {f.criterion_id for f in findings}]
    assert len(findings) == len(applicable)
    assert all(f.domain_id for f in findings) and any(f.critical for f in findings)
    minors = [f for f in findings if f.nonconformity == "minor"]
    assert minors and early == []
    kinds = [r.kind for r in late]
    assert kinds.count("corrective_action") == len(minors)
    (surveillance,) = [r for r in late if r.kind == "surveillance"]
    assert surveillance.due_date == date(2027, 3, 21) and surveillance.days_overdue == 11


def test_dashboard_figures_from_loaded_rows(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        rows = dashboard_rows(s, as_of=date(2027, 7, 1))
        assert list(rows.domain_scores) == domain_score_rows(s)
    register, history, scores, overdue = (list(rows.register), list(rows.history),
                                          list(rows.domain_scores), list(rows.overdue))
    grade_letter = register[0].grade
    assert analytics.grade_distribution(register) == {grade_letter: 1}
    assert analytics.certificates_with_grade(register, grade_letter) == register
    assert analytics.expiring(register, today=date(2027, 7, 1)) == register
    assert analytics.expiring(register, today=date(2027, 5, 1)) == []
    matrix = analytics.domain_matrix(scores)
    assert matrix.merchants == ((seeded.merchant_id, "杭州示例贸易有限公司"),)
    assert list(matrix.means) == sorted(matrix.means)  # type: ignore[type-var]
    weakest = matrix.domains[0]
    assert analytics.merchants_below(matrix, weakest, Decimal("100.01")) == [seeded.merchant_id]
    points = analytics.grade_history(history, seeded.merchant_id)
    assert [(p.grade, p.certificate_number) for p in points] == [(grade_letter,
                                                                  "CB-2026-000042")]
    assert analytics.grade_history(history, seeded.other_merchant_id) == []
    assert [r.kind for r in analytics.overdue_surveillance(overdue)] == ["surveillance"]


def test_ratings_template_of_a_stored_audit_round_trips(db: Database, seeded: Seeded,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "ratings.xlsx"
    with db.session() as s:
        count = write_audit_ratings_template(s, seeded.audit_id, path)
        stored = {f.criterion_id: f.rating for f in findings_rows(s, [seeded.audit_id])}
    sheet = read_ratings_template(path, seeded.form, audit_id=seeded.audit_id)
    assert count == len(sheet.lines) == len(stored)
    assert {line.criterion_id: line.rating for line in sheet.lines} == stored
    workbook = load_workbook(path)
    assert workbook[RATINGS_SHEET].max_row == count + 1


def test_generated_timestamp_defaults_to_now(db: Database, seeded: Seeded) -> None:
    before = datetime.now(UTC)
    with db.session() as s:
        data = audit_report_data(s, seeded.audit_id)
    assert data.generated is not None and data.generated >= before
