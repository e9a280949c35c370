"""The long sections of the audit report: findings, samples, evidence, complaints, journal.

Each returns a list of flowables; tables repeat their head row and split
across pages, and a single long note may split inside its row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from certbench.reports.data import (
    ComplaintLine,
    EvidenceLine,
    FindingLine,
    JournalSummary,
    SampleLine,
)
from certbench.reports.pdfkit import Kit, fmt_date, fmt_datetime, fmt_score

__all__ = [
    "complaints_section",
    "evidence_section",
    "findings_section",
    "journal_section",
    "samples_section",
]

_RATING_COLOUR = {"fully": "pass", "largely": "pass", "partially": "warn", "not_met": "fail"}


def _finding_body(kit: Kit, f: FindingLine) -> list[Any]:
    t = kit.labels
    cell: list[Any] = [kit.para(f.requirement.get(t.lang))]
    if f.note:
        cell.append(kit.para(f"{t('note')}: {f.note}", "small"))
    if f.corrective_action:
        action = f"{t('corrective_action')}: {f.corrective_action}"
        if f.due:
            action += f" ({t('due')} {fmt_date(f.due)})"
        if f.closed:
            action += f" · {t('closed')} {fmt_date(f.closed)}"
        cell.append(kit.para(action, "small"))
    return cell


def findings_section(kit: Kit, findings: Sequence[FindingLine]) -> list[Any]:
    """Every rated criterion with rating, note, nonconformity class and corrective action."""
    t = kit.labels
    out = kit.heading(t("s_findings"))
    if not findings:
        return [*out, kit.para(t("no_findings"))]
    rows: list[list[Any]] = [kit.head_cells(t("criterion"), t("requirement"), t("rating"),
                                            t("nc_class"))]
    extra: list[tuple[Any, ...]] = []
    for i, f in enumerate(findings, start=1):
        ident = f.criterion_id + (f"\n{t('critical')}" if f.critical else "")
        nc = t.group("nonconformity", f.nonconformity) if f.nonconformity else ""
        rating = f.rating_label.get(t.lang) or f.rating
        rows.append([kit.para(ident, "small"), _finding_body(kit, f),
                     kit.coloured(rating, _RATING_COLOUR.get(f.rating, "text")),
                     kit.coloured(nc, f.nonconformity or "text") if f.nonconformity
                     else kit.para("", "small")])
        if f.nonconformity in ("major", "minor", "observation"):
            extra.append(("LINEBEFORE", (0, i), (0, i), 2.2, kit.colour(f.nonconformity)))
    return [*out, kit.table(rows, [20, None, 26, 26], extra=extra)]


def samples_section(kit: Kit, samples: Sequence[SampleLine]) -> list[Any]:
    """Measured samples, one row per computed duration, held against its limit."""
    t = kit.labels
    out = kit.heading(t("s_samples"))
    if not samples:
        return [*out, kit.para(t("no_samples"))]
    rows: list[list[Any]] = [kit.head_cells(t("sample"), t("criterion"), t("kind"),
                                            t("started"), t("measure"), t("value"),
                                            t("limit"), t("within"))]
    for s in samples:
        measures = s.measures or ()
        first = [kit.para(s.sample_id, "small"), kit.para(s.criterion_id, "small"),
                 kit.para(s.kind, "small"), kit.para(fmt_datetime(s.started), "small")]
        if not measures:
            rows.append([*first, kit.para("–", "small"), "", "", ""])
        for j, m in enumerate(measures):
            lead = first if j == 0 else ["", "", "", ""]
            value = f"{fmt_score(m.value, percent=False)} {m.unit}" if m.value is not None else "–"
            limit = f"{fmt_score(m.limit, percent=False)} {m.unit}" if m.limit is not None else "–"
            within = "–" if m.within is None else (t("yes") if m.within else t("no"))
            rows.append([*lead, kit.para(m.name, "small"), kit.para(value, "small"),
                         kit.para(limit, "small"), kit.para(within, "small")])
    return [*out, kit.table(rows, [22, 17, 22, 27, None, 19, 19, 15])]


def evidence_section(kit: Kit, evidence: Sequence[EvidenceLine], root: str) -> list[Any]:
    """The evidence with each SHA-256, and the evidence Merkle root."""
    from reportlab.platypus import Spacer

    t = kit.labels
    out = kit.heading(t("s_evidence"))
    out.append(kit.key_values([(t("merkle_root"), kit.mono(root, "mono_big")),
                               (t("evidence_title"),
                                t("evidence_count", count=len(evidence)))], key_mm=58))
    out.append(Spacer(1, 2.5))
    if not evidence:
        return [*out, kit.para(t("no_evidence"))]
    rows: list[list[Any]] = [kit.head_cells("#", t("sha256"), t("evidence_title"),
                                            t("media_type"), t("captured"), t("criterion"))]
    for i, e in enumerate(evidence, start=1):
        body: list[Any] = [kit.para(e.title, "small")]
        if e.note:
            body.append(kit.para(f"{t('note')}: {e.note}", "muted"))
        captured = fmt_datetime(e.captured_at)
        if e.captured_by:
            captured += f"\n{t('captured_by')} {e.captured_by}"
        rows.append([kit.para(str(i), "small"), kit.mono(e.sha256), body,
                     kit.para(f"{e.kind}\n{e.media_type}", "small"),
                     kit.para(captured, "small"), kit.para(", ".join(e.criteria), "small")])
    return [*out, kit.table(rows, [8, 48, None, 24, 27, 18])]


def complaints_section(kit: Kit, complaints: Sequence[ComplaintLine]) -> list[Any]:
    """Complaints about the merchant that the audit considered."""
    t = kit.labels
    out = kit.heading(t("s_complaints"))
    if not complaints:
        return [*out, kit.para(t("no_complaints"))]
    rows: list[list[Any]] = [kit.head_cells(t("received"), t("channel"), t("summary"),
                                            t("status"))]
    rows += [[kit.para(fmt_date(c.received), "small"), kit.para(c.channel, "small"),
              kit.para(c.summary, "small"), kit.para(c.status, "small")] for c in complaints]
    return [*out, kit.table(rows, [22, 22, None, 24])]


def journal_section(kit: Kit, journal: JournalSummary) -> list[Any]:
    """The journal in brief: count, span, chain head and whether the chain was checked."""
    t = kit.labels
    if journal.chain_intact is None:
        intact = t("journal_unchecked")
    else:
        intact = t("journal_intact_yes") if journal.chain_intact else t("journal_intact_no")
    kinds = ", ".join(f"{kind} {count}" for kind, count in journal.by_kind) or t("none")
    pairs: list[tuple[str, Any]] = [
        (t("journal_events"), str(journal.events)),
        (t("journal_span"), f"{fmt_datetime(journal.first)} – {fmt_datetime(journal.last)}"),
        (t("journal_kinds"), kinds),
        (t("journal_head"), kit.mono(journal.head_hash or "–", "mono_big")),
        (t("journal_intact"), intact),
    ]
    return [*kit.heading(t("s_journal")), kit.key_values(pairs, key_mm=48)]
