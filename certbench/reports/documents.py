"""The confidential audit report and the public summary, as PDF (reportlab).

Both are rendered from plain records (:mod:`certbench.reports.data`) with the
layout and labels of ``certificates/reports/template.toml``, in English or
Chinese. The audit report follows the report content of ISO 19011 §6.5.1:
objectives and scope, the client, the audit team, dates, criteria, findings
and evidence, and the conclusion. Before rendering, the audit's grade, score
and domain scores are checked against the certificate's sealed figures; a
report that disagrees with its certificate is never printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from certbench.domain import Reason
from certbench.errors import ExportError
from certbench.reports.data import (
    AuditReportData,
    CertificateInfo,
    PublicSummaryData,
    public_summary,
)
from certbench.reports.pdfkit import (
    MM,
    Kit,
    build,
    fmt_date,
    fmt_datetime,
    fmt_score,
    make_kit,
    page_frame,
)
from certbench.reports.sections import (
    complaints_section,
    evidence_section,
    findings_section,
    journal_section,
    samples_section,
)
from certbench.reports.template import ReportTemplate, load_template

__all__ = [
    "check_figures",
    "render_audit_report",
    "render_public_summary",
    "short_seal_hash",
]

Output = Path | BinaryIO


def short_seal_hash(seal_hash: str) -> str:
    """The short form printed on the certificate, to read aloud (``3F2A-9C01-77BE-0D4E-A1B2``)."""
    from certbench.certify.seal import short_hash

    return short_hash(seal_hash)


def check_figures(report: AuditReportData) -> None:
    """Refuse a report whose grade, score or domain scores differ from its certificate's.

    :raises ExportError: with ``context["field"]`` naming the first disagreement.
    """
    cert = report.certificate
    if cert is None:
        return
    if cert.grade != report.grade:
        raise ExportError(f"the audit's grade {report.grade} differs from the certificate's "
                          f"{cert.grade}", field="grade")
    if cert.score != report.score:
        raise ExportError(f"the audit's score {report.score} differs from the certificate's "
                          f"{cert.score}", field="score")
    if cert.domain_scores:
        sealed = dict(cert.domain_scores)
        audit = {d.domain_id: d.score for d in report.domains if d.score is not None}
        if sealed != audit:
            raise ExportError("the audit's domain scores differ from the certificate's",
                              field="domain_scores")


def _kit(lang: str, template: ReportTemplate | None) -> Kit:
    return make_kit(template or load_template(), lang)


def _write(out: Output) -> Any:
    if isinstance(out, Path):
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot create {out.parent}: {exc.strerror}") from exc
        return str(out)
    return out


def render_audit_report(report: AuditReportData, out: Output, *, lang: str = "en",
                        template: ReportTemplate | None = None) -> None:
    """Write the confidential audit report of ``report`` as a PDF to ``out``.

    :raises ExportError: unknown language, no embeddable CJK font, figures that
        disagree with the certificate, or the file cannot be written.
    """
    check_figures(report)
    kit = _kit(lang, template)
    t = kit.labels
    story: list[Any] = _title_block(kit, t("audit_title"), report.merchant.legal_name,
                                    t("confidential"))
    story += _overview(kit, report)
    story += _result(kit, report)
    story += _seal_block(kit, report.certificate)
    story += findings_section(kit, report.findings)
    story += samples_section(kit, report.samples)
    story += evidence_section(kit, report.evidence, report.evidence_root)
    story += complaints_section(kit, report.complaints)
    story += journal_section(kit, report.journal)
    decorate = page_frame(
        kit, title=report.body.name, right=f"{t('audit_title')} · {report.audit_id}",
        footer_note=t("confidential"), footer_small=_footer_small(kit, report.generated,
                                                                  report.certificate),
    )
    build(kit, story, _write(out), title=f"{t('audit_title')} {report.audit_id}",
          author=report.body.name, decorate=decorate)


def render_public_summary(summary: PublicSummaryData | AuditReportData, out: Output, *,
                          lang: str = "en", template: ReportTemplate | None = None) -> None:
    """Write the public summary as a PDF to ``out``.

    Given an :class:`AuditReportData`, its figures are checked against the
    certificate and only the public fields are kept (:func:`public_summary`).
    """
    if isinstance(summary, AuditReportData):
        check_figures(summary)
        summary = public_summary(summary)
    kit = _kit(lang, template)
    t = kit.labels
    story: list[Any] = _title_block(kit, t("public_title"), summary.legal_name,
                                    t("public_note"), banner_style="muted")
    story += _coverage(kit, summary)
    story += _public_scores(kit, summary)
    story += _validity(kit, summary)
    decorate = page_frame(
        kit, title=summary.body.name,
        right=f"{t('public_title')} · {summary.certificate_number or summary.legal_name}",
        footer_note="", footer_small=_footer_small(kit, summary.generated, None,
                                                   seal_hash=summary.seal_hash),
    )
    build(kit, story, _write(out), title=f"{t('public_title')} {summary.legal_name}",
          author=summary.body.name, decorate=decorate)


def _footer_small(kit: Kit, generated: Any, cert: CertificateInfo | None, *,
                  seal_hash: str | None = None) -> str:
    parts = []
    if generated is not None:
        parts.append(kit.labels("generated", when=fmt_datetime(generated)))
    seal = seal_hash or (cert.seal_hash if cert else None)
    if seal:
        parts.append(f"{kit.labels('s_seal')} {short_seal_hash(seal)}")
    return "   ·   ".join(parts)


def _title_block(kit: Kit, title: str, subject: str, banner: str,
                 banner_style: str = "banner") -> list[Any]:
    from reportlab.platypus import Spacer
    from reportlab.platypus.flowables import HRFlowable

    return [kit.para(title, "title"), Spacer(1, 1.5 * MM), kit.para(subject, "subtitle"),
            HRFlowable(width="100%", thickness=1.6, color=kit.colour("accent"),
                       spaceBefore=2 * MM, spaceAfter=1.5 * MM),
            kit.para(banner, banner_style), Spacer(1, 2 * MM)]


def _join(values: Sequence[str], empty: str) -> str:
    return ", ".join(values) if values else empty


def _overview(kit: Kit, r: AuditReportData) -> list[Any]:
    t, m, s = kit.labels, r.merchant, r.scope
    websites = "\n".join(m.websites) if m.websites else t("none")
    pairs: list[tuple[str, Any]] = [
        (t("audit_id"), r.audit_id),
        (t("body"), ", ".join(p for p in (r.body.name, r.body.address) if p)),
        (t("legal_name"), m.legal_name),
        (t("trading_names"), _join(m.trading_names, t("none"))),
        (t("registration"), f"{m.registration_number} ({m.country})"),
        (t("websites"), websites),
    ]
    if m.address:
        pairs.append((t("address"), m.address))
    pairs += [
        (t("form"), f"{r.form_title.get(t.lang)} ({r.form_id} {t('form_version')} "
                    f"{r.form_version})"),
        (t("form_hash"), kit.mono(r.form_hash)),
        (t("business_models"), _join(sorted(b.value for b in s.business_models), t("none"))),
        (t("home_market"), s.home_market or t("none")),
        (t("target_markets"), _join(sorted(s.target_markets), t("none"))),
        (t("languages"), _join(sorted(s.languages), t("none"))),
        (t("currencies"), _join(sorted(s.currencies), t("none"))),
        (t("categories"), _join(sorted(s.categories), t("none"))),
        (t("assessors"), _join(r.assessors, t("none"))),
        (t("reviewer"), r.reviewer or t("none")),
        (t("state"), r.state),
        (t("dates"), f"{t('opened')} {fmt_date(r.opened)} · {t('submitted')} "
                     f"{fmt_date(r.submitted)} · {t('decided')} {fmt_date(r.decided)}"),
    ]
    return [*kit.heading(t("s_overview")), kit.key_values(pairs)]


def _grade_box(kit: Kit, grade: str | None, score: Any, certifiable: bool) -> Any:
    from reportlab.platypus import Table, TableStyle

    t = kit.labels
    cells = [[kit.para(t("grade"), "muted")],
             [kit.para(grade or "–", "grade")],
             [kit.para(f"{t('overall')}: {fmt_score(score)}", "small")],
             [kit.para(f"{t('certifiable')}: {t('yes') if certifiable else t('no')}",
                       "small")]]
    box = Table(cells, colWidths=[40 * MM])
    edge = kit.colour("pass" if certifiable else "fail")
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.4, edge),
                             ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                             ("TOPPADDING", (0, 0), (-1, -1), 2)]))
    return box


def _domain_table(kit: Kit, rows: Sequence[tuple[str, str, Any, Any, str]],
                  with_floor: bool, total: float | None = None) -> Any:
    t = kit.labels
    head = [t("domain"), "", t("score")] + ([t("floor"), t("criteria_rated")]
                                             if with_floor else [])
    data: list[list[Any]] = [kit.head_cells(*head)]
    extra: list[tuple[Any, ...]] = []
    for i, (domain_id, title, score, floor, rated) in enumerate(rows, start=1):
        line = [kit.para(domain_id, "small"), kit.para(title), kit.para(fmt_score(score))]
        if with_floor:
            line += [kit.para(fmt_score(floor), "small"), kit.para(rated, "small")]
            if score is not None and floor is not None and score < floor:
                extra.append(("TEXTCOLOR", (2, i), (2, i), kit.colour("fail")))
        data.append(line)
    widths = [16, None, 24] + ([20, 26] if with_floor else [])
    return kit.table(data, widths, extra=extra, total=total)


def _reason_text(kit: Kit, reason: Reason) -> str:
    return kit.labels.group("reason", reason.code.value).format(
        criterion=reason.criterion_id or "", domain=reason.domain_id or "",
        detail=reason.detail)


def _result(kit: Kit, r: AuditReportData) -> list[Any]:
    from reportlab.platypus import Spacer, Table, TableStyle

    t = kit.labels
    rows = [(d.domain_id, d.title.get(t.lang), d.score, d.floor, f"{d.rated} / {d.applicable}")
            for d in r.domains]
    side = [kit.para(f"{t('complete')}: {t('yes') if r.complete else t('no')}", "small"),
            Spacer(1, 2 * MM), kit.para(t("reasons"), "key")]
    reasons = [kit.para("• " + _reason_text(kit, reason), "small") for reason in r.reasons]
    side += reasons or [kit.para(t("no_reasons"), "small")]
    top = Table([[_grade_box(kit, r.grade, r.score, r.certifiable), side]],
                colWidths=[46 * MM, kit.frame_width() - 46 * MM])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return [*kit.heading(t("s_result")), top, Spacer(1, 3 * MM),
            _domain_table(kit, rows, with_floor=True)]


def _seal_block(kit: Kit, cert: CertificateInfo | None) -> list[Any]:
    t = kit.labels
    if cert is None:
        return [*kit.heading(t("certificate")), kit.para(t("no_certificate"))]
    pairs: list[tuple[str, Any]] = [
        (t("certificate_number"), cert.number),
        (t("status"), t.group("statuses", cert.status)),
        (t("grade"), f"{cert.grade} · {fmt_score(cert.score)}"),
        (t("issued"), fmt_datetime(cert.issued_at)),
        (t("valid_from"), fmt_date(cert.valid_from)),
        (t("valid_until"), fmt_date(cert.valid_until)),
        (t("seal_hash"), kit.para(cert.seal_hash, "mono_big")),
        (t("seal_short"), kit.para(short_seal_hash(cert.seal_hash), "mono_big")),
    ]
    from reportlab.platypus import KeepTogether

    return [KeepTogether([*kit.heading(t("certificate")), kit.key_values(pairs)])]


def _coverage(kit: Kit, s: PublicSummaryData) -> list[Any]:
    t = kit.labels
    pairs: list[tuple[str, Any]] = [
        (t("legal_name"), s.legal_name),
        (t("trading_names"), _join(s.trading_names, t("none"))),
        (t("country"), s.country),
        (t("websites"), "\n".join(s.websites) if s.websites else t("none")),
        (t("form"), f"{s.form_title.get(t.lang)} ({s.form_id} {t('form_version')} "
                    f"{s.form_version})"),
        (t("business_models"), _join(s.business_models, t("none"))),
        (t("target_markets"), _join(s.target_markets, t("none"))),
        (t("audit_completed"), fmt_date(s.audit_completed)),
    ]
    return [*kit.heading(t("p_coverage")), kit.key_values(pairs)]


def _public_scores(kit: Kit, s: PublicSummaryData) -> list[Any]:
    from reportlab.platypus import Table, TableStyle

    t = kit.labels
    rows = [(d.domain_id, d.title.get(t.lang), d.score, None, "") for d in s.domains]
    box = _grade_box(kit, s.grade, s.score, s.grade is not None)
    scores = _domain_table(kit, rows, with_floor=False, total=kit.frame_width() - 46 * MM)
    layout = Table([[box, scores]],
                   colWidths=[46 * MM, kit.frame_width() - 46 * MM])
    layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [*kit.heading(t("p_scores")), layout]


def _validity(kit: Kit, s: PublicSummaryData) -> list[Any]:
    t = kit.labels
    if s.certificate_number is None or s.seal_hash is None:
        return [*kit.heading(t("p_validity")), kit.para(t("no_certificate"))]
    pairs: list[tuple[str, Any]] = [
        (t("certificate_number"), s.certificate_number),
        (t("status"), t.group("statuses", s.status or "")),
        (t("valid_from"), fmt_date(s.valid_from)),
        (t("valid_until"), fmt_date(s.valid_until)),
        (t("seal_hash"), kit.para(s.seal_hash, "mono_big")),
        (t("seal_short"), kit.para(short_seal_hash(s.seal_hash), "mono_big")),
    ]
    return [*kit.heading(t("p_validity")), kit.key_values(pairs),
            *kit.heading(t("p_verify")), kit.para(t("verify_text"))]
