"""Plain records the report documents are rendered from.

The renderers in :mod:`certbench.reports.documents` never see the database:
:mod:`certbench.reports.loaders` builds these frozen dataclasses from it, tests
build them by hand. :class:`PublicSummaryData` is deliberately narrow: it has no
field that could carry personal data (evidence notes, complaint texts, contact
details, assessor remarks), so a public summary cannot leak them whatever the
audit holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from certbench.domain import Reason, Scope, Text

__all__ = [
    "AuditReportData",
    "BodyInfo",
    "CertificateInfo",
    "ComplaintLine",
    "DomainLine",
    "EvidenceLine",
    "FindingLine",
    "JournalSummary",
    "Measure",
    "MerchantInfo",
    "PublicDomainLine",
    "PublicSummaryData",
    "SampleLine",
    "public_summary",
]


@dataclass(frozen=True, slots=True)
class BodyInfo:
    """The certification body that issues the report."""

    name: str
    address: str = ""
    website: str = ""


@dataclass(frozen=True, slots=True)
class MerchantInfo:
    """The audited merchant as the report names it (no contact persons)."""

    legal_name: str
    registration_number: str
    country: str
    websites: tuple[str, ...]
    trading_names: tuple[str, ...] = ()
    address: str = ""


@dataclass(frozen=True, slots=True)
class DomainLine:
    """One domain's score in an audit."""

    domain_id: str
    title: Text
    score: Decimal | None
    """Percent with two decimals; ``None`` when nothing in the domain counts."""
    floor: Decimal
    applicable: int
    rated: int


@dataclass(frozen=True, slots=True)
class FindingLine:
    """One rated criterion with what the assessor found."""

    criterion_id: str
    domain_id: str
    requirement: Text
    rating: str
    """The scale value (``fully``, ``not_met``, ``n/a``...); empty when not rated."""
    rating_label: Text
    note: str = ""
    nonconformity: str | None = None
    """``major``, ``minor``, ``observation`` or ``None``."""
    corrective_action: str = ""
    due: date | None = None
    closed: date | None = None
    critical: bool = False


@dataclass(frozen=True, slots=True)
class Measure:
    """One duration computed from a measured sample, held against its limit."""

    name: str
    """What was measured, e.g. ``first_reply`` or ``delivery``."""
    value: Decimal | None
    unit: str
    limit: Decimal | None = None
    within: bool | None = None


@dataclass(frozen=True, slots=True)
class SampleLine:
    """A measured sample (test purchase, test return, mystery-shopper contact)."""

    sample_id: str
    criterion_id: str
    kind: str
    started: datetime | None
    measures: tuple[Measure, ...]


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    """One piece of evidence; ``note`` and ``captured_by`` stay in the confidential report."""

    sha256: str
    kind: str
    title: str
    media_type: str
    captured_at: datetime | None
    captured_by: str = ""
    criteria: tuple[str, ...] = ()
    note: str = ""
    size: int | None = None


@dataclass(frozen=True, slots=True)
class ComplaintLine:
    """A complaint about the merchant considered in the audit (confidential).

    The complainant is deliberately absent: the report goes to the merchant, who
    must not learn who complained from it.
    """

    received: date
    channel: str
    summary: str
    status: str


@dataclass(frozen=True, slots=True)
class JournalSummary:
    """The audit's hash-chained journal in brief."""

    events: int
    first: datetime | None
    last: datetime | None
    head_hash: str
    chain_intact: bool | None
    """``None`` when the chain was not checked."""
    by_kind: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """The certificate issued from the audit, as sealed."""

    number: str
    seal_hash: str
    grade: str
    score: Decimal
    issued_at: datetime
    valid_from: date
    valid_until: date
    status: str
    domain_scores: tuple[tuple[str, Decimal | None], ...] = ()
    """The sealed ``(domain_id, score)`` pairs, for the agreement check."""


@dataclass(frozen=True, slots=True)
class AuditReportData:
    """Everything the confidential audit report shows (ISO 19011 §6.5 report content)."""

    audit_id: str
    body: BodyInfo
    merchant: MerchantInfo
    form_id: str
    form_version: str
    form_title: Text
    form_hash: str
    scope: Scope
    assessors: tuple[str, ...]
    reviewer: str | None
    state: str
    opened: date | None
    submitted: date | None
    decided: date | None
    """Date of the review decision (approval), if any."""
    grade: str | None
    score: Decimal | None
    certifiable: bool
    complete: bool
    domains: tuple[DomainLine, ...]
    reasons: tuple[Reason, ...]
    findings: tuple[FindingLine, ...]
    samples: tuple[SampleLine, ...]
    evidence: tuple[EvidenceLine, ...]
    evidence_root: str
    journal: JournalSummary
    certificate: CertificateInfo | None = None
    complaints: tuple[ComplaintLine, ...] = ()
    generated: datetime | None = None
    """When the report was produced; printed in the footer."""


@dataclass(frozen=True, slots=True)
class PublicDomainLine:
    """A domain score as the public may see it."""

    domain_id: str
    title: Text
    score: Decimal | None


@dataclass(frozen=True, slots=True)
class PublicSummaryData:
    """What a merchant's customers may read: coverage, scores, validity and seal.

    It carries no evidence, findings, notes, complaints or people on purpose.
    """

    body: BodyInfo
    legal_name: str
    trading_names: tuple[str, ...]
    country: str
    websites: tuple[str, ...]
    form_id: str
    form_version: str
    form_title: Text
    business_models: tuple[str, ...]
    target_markets: tuple[str, ...]
    grade: str | None
    score: Decimal | None
    domains: tuple[PublicDomainLine, ...]
    certificate_number: str | None
    status: str | None
    valid_from: date | None
    valid_until: date | None
    seal_hash: str | None
    audit_completed: date | None
    generated: datetime | None = None


def public_summary(report: AuditReportData) -> PublicSummaryData:
    """The public summary of ``report``; the certificate's figures win over the audit's.

    Only fields that are public by nature are copied; nothing from evidence,
    findings, complaints or the journal.
    """
    cert = report.certificate
    scope = report.scope
    return PublicSummaryData(
        body=report.body,
        legal_name=report.merchant.legal_name,
        trading_names=report.merchant.trading_names,
        country=report.merchant.country,
        websites=report.merchant.websites,
        form_id=report.form_id,
        form_version=report.form_version,
        form_title=report.form_title,
        business_models=tuple(sorted(m.value for m in scope.business_models)),
        target_markets=tuple(sorted(scope.target_markets)),
        grade=cert.grade if cert else report.grade,
        score=cert.score if cert else report.score,
        domains=tuple(PublicDomainLine(d.domain_id, d.title, d.score) for d in report.domains),
        certificate_number=cert.number if cert else None,
        status=cert.status if cert else None,
        valid_from=cert.valid_from if cert else None,
        valid_until=cert.valid_until if cert else None,
        seal_hash=cert.seal_hash if cert else None,
        audit_completed=report.decided or report.submitted,
        generated=report.generated,
    )
