"""End to end through the real workflow: template -> ratings -> approval -> certificate -> reports.

The audit report and the public summary of an issued certificate must carry the
same seal hash, grade, score, domain scores and validity as the certificate PDF
and its seal.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from dbfixtures import migrated_url
from jobkit import Job, cheap_scrypt, make_job
from openpyxl import load_workbook

from certbench import workflow as wf
from certbench.certify.seal import decode_seal
from certbench.reports.documents import render_audit_report, render_public_summary
from certbench.reports.loaders import register_rows, write_audit_ratings_template
from certbench.reports.ratings_sheet import RATINGS_SHEET
from certbench.reports.report_loader import audit_report_data
from certbench.storage import Certificate


@pytest.fixture
def job(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> Job:
    cheap_scrypt(monkeypatch)
    url = migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(), None)
    made = make_job(url, tmp_path / "home")
    yield made
    made.db.dispose()


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def fill_template(path: Path, downgrade: str) -> None:
    workbook = load_workbook(path)
    sheet = workbook[RATINGS_SHEET]
    for row in sheet.iter_rows(min_row=2):
        criterion, critical = row[0].value, row[2].value
        row[4].value = "fully"
        if criterion == downgrade:
            assert critical == "no"
            row[4].value = "largely"
            row[6].value = "Returns page hard to find"
            row[7].value = "minor"
            row[8].value = "Link the returns page from the footer"
    workbook.save(path)


def test_reports_of_an_issued_certificate_agree_with_it(job: Job, tmp_path: Path) -> None:
    audit_id = job.open_audit()
    template = tmp_path / "ratings.xlsx"
    with job.db.session() as s:
        write_audit_ratings_template(s, audit_id, template)
    downgrade = next(c.id for c in job.form.criteria
                     if c.applies(job.scope) and not c.is_critical(job.scope))
    fill_template(template, downgrade)
    li = job.actor("li")
    with job.db.session() as s:
        wf.import_ratings(s, li, audit_id, template)
        wf.submit(s, li, audit_id)
    with job.db.session() as s:
        wf.approve(s, job.actor("zhang"), audit_id)
    issued = wf.issue_certificate(job.db, job.actor("admin"), audit_id, job.issuer_key(),
                                  out_dir=tmp_path / "out")
    with job.db.session() as s:
        data = audit_report_data(s, audit_id)
        (register,) = register_rows(s, as_of=issued.valid_from)
        jws = s.get(Certificate, issued.certificate_id).jws  # type: ignore[union-attr]
    sealed = decode_seal(jws).payload
    assert data.certificate is not None and data.certificate.seal_hash == issued.seal_hash
    assert (data.grade, str(data.score)) == (issued.grade, issued.score) == (
        sealed.res.grade, sealed.res.score)
    assert {d.domain_id: str(d.score) for d in data.domains if d.score is not None} == dict(
        sealed.res.dom)
    assert (register.grade, str(register.score), register.seal_hash) == (
        issued.grade, issued.score, issued.seal_hash)
    finding = next(f for f in data.findings if f.criterion_id == downgrade)
    assert (finding.rating, finding.nonconformity) == ("largely", "minor")

    render_audit_report(data, tmp_path / "audit.pdf")
    render_public_summary(data, tmp_path / "public.pdf")
    certificate_text = pdf_text(issued.pdf_path)
    for text in (pdf_text(tmp_path / "audit.pdf"), pdf_text(tmp_path / "public.pdf")):
        assert issued.seal_hash in text and issued.short_hash in text
        assert issued.number in text and issued.number in certificate_text
        assert f"{issued.score} %" in text
        assert issued.valid_until.isoformat() in text
        for _, score in sealed.res.dom:
            assert f"{score} %" in text
    assert issued.short_hash in certificate_text
