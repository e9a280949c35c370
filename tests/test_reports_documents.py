"""The audit report and the public summary, rendered for real and read back with poppler."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from reports_sample import EVIDENCE_ROOT, PLANTED_PERSONAL, SEAL_HASH, sample_report

from certbench import assets
from certbench.errors import ExportError
from certbench.reports.data import (
    AuditReportData,
    DomainLine,
    FindingLine,
    MerchantInfo,
    PublicSummaryData,
    public_summary,
)
from certbench.reports.documents import (
    check_figures,
    render_audit_report,
    render_public_summary,
    short_seal_hash,
)
from certbench.reports.template import load_template


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def squashed(text: str) -> str:
    """The text without any whitespace, so wrapped hashes and names read as one string."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def report() -> AuditReportData:
    return sample_report(24)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, report: AuditReportData) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for lang in ("en", "zh"):
        out[f"audit-{lang}"] = folder / f"audit-{lang}.pdf"
        render_audit_report(report, out[f"audit-{lang}"], lang=lang)
        out[f"public-{lang}"] = folder / f"public-{lang}.pdf"
        render_public_summary(report, out[f"public-{lang}"], lang=lang)
    return out


def test_audit_report_has_every_figure_of_the_audit(rendered: dict[str, Path],
                                                    report: AuditReportData) -> None:
    text = pdf_text(rendered["audit-en"])
    flat = squashed(text)
    assert report.audit_id in text
    assert "CONFIDENTIAL" in text
    assert "86.42 %" in text
    for domain in report.domains:
        assert f"{domain.score} %" in text
    for finding in report.findings:
        assert finding.criterion_id in text
    assert "Update the footer link" in text
    for evidence in report.evidence:
        assert evidence.sha256 in flat
    assert EVIDENCE_ROOT in flat
    assert report.form_hash in flat
    assert "Domain SRV is below its floor" in text
    assert "first_reply" in text and "30.25 hours" in text
    assert "Alice Auditor" in text and "Carol Reviewer" in text


def test_audit_report_carries_the_seal_hash(rendered: dict[str, Path]) -> None:
    text = pdf_text(rendered["audit-en"])
    assert SEAL_HASH in text
    assert short_seal_hash(SEAL_HASH) in text
    assert "CB-2026-000042" in text


def test_audit_report_is_multi_page_with_header_footer_and_page_numbers(
        rendered: dict[str, Path], report: AuditReportData) -> None:
    pages = pdf_text(rendered["audit-en"]).split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Trust Mark Certification Ltd." in page
        assert f"Audit report · {report.audit_id}" in page
        assert "CONFIDENTIAL: for the merchant and the certification body only" in page


def test_chinese_report_uses_chinese_labels_and_embeds_the_font(
        rendered: dict[str, Path]) -> None:
    text = pdf_text(rendered["audit-zh"])
    pages = text.split("\f")[:-1]
    assert "审核报告" in text and "审核发现" in text and "证据默克尔根" in text
    assert "杭州示例贸易有限公司" in text
    assert "商家在购买前清楚公布第 1 项要求。" in text
    assert f"第 1 页，共 {len(pages)} 页" in pages[0]
    fonts = subprocess.run(["pdffonts", str(rendered["audit-zh"])], check=True,
                           capture_output=True, text=True).stdout
    wqy = [line for line in fonts.splitlines() if "WenQuanYi" in line]
    assert wqy and all(" yes yes " in line for line in wqy)


def test_reports_render_to_non_blank_images(rendered: dict[str, Path], tmp_path: Path) -> None:
    for name in ("audit-zh", "public-en"):
        prefix = tmp_path / name
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(rendered[name]), str(prefix)],
                       check=True, capture_output=True)
        images = sorted(tmp_path.glob(f"{name}*.png"))
        assert images
        for image in images:
            with Image.open(image) as im:
                lo, hi = im.convert("L").getextrema()
            assert hi - lo > 100  # text on a white page, not an empty page


def test_public_summary_shows_coverage_scores_validity_and_seal(
        rendered: dict[str, Path], report: AuditReportData) -> None:
    text = pdf_text(rendered["public-en"])
    assert "Certification summary" in text
    assert "https://shop.example.cn" in text and "https://example.tmall.com" in text
    assert "86.42 %" in text
    for domain in report.domains:
        assert f"{domain.score} %" in text
    assert "2026-10-20" in text and "2027-10-19" in text
    assert SEAL_HASH in text
    assert "Page 1 of 1" in text
    zh = pdf_text(rendered["public-zh"])
    assert "认证摘要" in zh and "有效期至" in zh and SEAL_HASH in zh


def test_public_summary_never_shows_planted_personal_data(
        rendered: dict[str, Path], report: AuditReportData) -> None:
    # the planted data really is in the audit (so the test can fail) ...
    audit = squashed(pdf_text(rendered["audit-en"]) + pdf_text(rendered["audit-zh"]))
    for item in PLANTED_PERSONAL:
        assert squashed(item) in audit
    # ... and in neither public summary
    for lang in ("en", "zh"):
        public = squashed(pdf_text(rendered[f"public-{lang}"]))
        for item in PLANTED_PERSONAL:
            assert squashed(item) not in public, (lang, item)
        assert "Alice Auditor" not in public and "Carol Reviewer" not in public


def test_public_summary_record_has_no_field_for_personal_data(report: AuditReportData) -> None:
    fields = {f.name for f in dataclasses.fields(PublicSummaryData)}
    for forbidden in ("evidence", "findings", "complaints", "journal", "assessors", "reviewer",
                      "samples", "note", "address"):
        assert forbidden not in fields
    flat = repr(public_summary(report))
    for item in PLANTED_PERSONAL:
        assert item not in flat


def test_figures_that_disagree_with_the_certificate_are_refused(
        report: AuditReportData, tmp_path: Path) -> None:
    check_figures(report)
    assert report.certificate is not None
    bad_grade = dataclasses.replace(report, certificate=dataclasses.replace(
        report.certificate, grade="A"))
    with pytest.raises(ExportError) as grade_error:
        render_audit_report(bad_grade, tmp_path / "x.pdf")
    assert grade_error.value.context["field"] == "grade"
    bad_domain = dataclasses.replace(report, domains=(
        dataclasses.replace(report.domains[0], score=Decimal("12.00")), *report.domains[1:]))
    with pytest.raises(ExportError) as domain_error:
        render_public_summary(bad_domain, tmp_path / "y.pdf")
    assert domain_error.value.context["field"] == "domain_scores"
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()


def test_report_without_certificate_says_so(tmp_path: Path) -> None:
    draft = sample_report(3, with_certificate=False)
    render_audit_report(draft, tmp_path / "draft.pdf")
    render_public_summary(draft, tmp_path / "draft-public.pdf")
    assert "No certificate has been issued" in pdf_text(tmp_path / "draft.pdf")
    assert "No certificate has been issued" in pdf_text(tmp_path / "draft-public.pdf")


def test_markup_in_data_is_printed_literally_and_long_notes_split(tmp_path: Path) -> None:
    base = sample_report(2, with_certificate=False)
    long_note = " ".join(f"word{i}" for i in range(2500))
    finding = dataclasses.replace(base.findings[1], note=long_note + " <b>&amp; END</b>")
    tricky = dataclasses.replace(
        base,
        merchant=dataclasses.replace(base.merchant, legal_name="A<b>&C Łódź Shop</b>"),
        findings=(base.findings[0], finding),
    )
    render_audit_report(tricky, tmp_path / "tricky.pdf")
    text = pdf_text(tmp_path / "tricky.pdf")
    assert "A<b>&C Łódź Shop</b>" in text
    assert "<b>&amp; END</b>" in text
    assert "word2499" in text


def test_unknown_language_is_refused(report: AuditReportData, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no language 'fr'"):
        render_audit_report(report, tmp_path / "fr.pdf", lang="fr")


def test_template_missing_a_chinese_label_is_refused(tmp_path: Path) -> None:
    source = assets.certificates_dir() / "reports" / "template.toml"
    broken = tmp_path / "template.toml"
    text = source.read_text(encoding="utf-8")
    broken.write_text(text.replace('seal_short = "封印哈希（简短形式）"\n', ""), encoding="utf-8")
    with pytest.raises(ExportError, match="seal_short"):
        load_template(broken)


def test_domain_table_uses_template_titles_in_each_language(tmp_path: Path) -> None:
    base = sample_report(1, with_certificate=False)
    one = dataclasses.replace(base, domains=(DomainLine(
        "XYZ", dataclasses.replace(base.domains[0].title, en="Only English", zh="只有中文"),
        Decimal("50.00"), Decimal("60"), 1, 1),), findings=(FindingLine(
            "XYZ-01", "XYZ", base.findings[0].requirement, "", base.findings[0].rating_label),),
        merchant=MerchantInfo("M", "R1", "CN", ()))
    render_audit_report(one, tmp_path / "en.pdf")
    render_audit_report(one, tmp_path / "zh.pdf", lang="zh")
    assert "Only English" in pdf_text(tmp_path / "en.pdf")
    assert "只有中文" in pdf_text(tmp_path / "zh.pdf")
