"""Build :class:`~certbench.reports.data.AuditReportData` for one audit from the database.

The grade is recomputed from the form the audit pinned; if a certificate was
issued from the audit, its sealed figures are attached so the renderer can
check that both agree. The evidence Merkle root is computed here the way the
seal computes it (RFC 6962 over the sorted digests), and the journal's hash
chain is verified.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa

from certbench.certify.merkle import evidence_root
from certbench.domain import Form, GradeResult, Scope, Text
from certbench.errors import ExportError, NotFoundError
from certbench.reports.data import (
    AuditReportData,
    BodyInfo,
    CertificateInfo,
    ComplaintLine,
    DomainLine,
    EvidenceLine,
    FindingLine,
    JournalSummary,
    Measure,
    MerchantInfo,
    SampleLine,
)
from certbench.reports.loaders import form_for, sealed_payload
from certbench.storage import (
    Audit,
    Body,
    Certificate,
    Complaint,
    Evidence,
    Finding,
    JournalEvent,
    Merchant,
    MerchantSite,
    Sample,
    User,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["audit_report_data", "resolve_audit"]

_UNRATED = Text("Not rated", "未评分")


def resolve_audit(session: Session, ref: str) -> Audit:
    """The audit with id ``ref``, or the only one whose id starts with ``ref`` (4+ characters).

    :raises NotFoundError: none or several match.
    """
    found = session.get(Audit, ref)
    if found is not None:
        return found
    matches = list(session.scalars(sa.select(Audit).where(Audit.id.startswith(ref, autoescape=True))
                                   .limit(2))) if len(ref) >= 4 else []
    if len(matches) != 1:
        raise NotFoundError(f"{'several audits match' if matches else 'no audit'} {ref}",
                            audit_id=ref)
    return matches[0]


def _audit(session: Session, audit_id: str) -> tuple[Audit, Form]:
    audit = resolve_audit(session, audit_id)
    form = form_for(audit)
    if form is None:
        raise ExportError(f"the form {audit.form_id}@{audit.form_version} with the hash the "
                          "audit pinned is not installed", audit_id=audit_id)
    return audit, form


def _merchant(session: Session, merchant_id: str) -> MerchantInfo:
    merchant = session.get(Merchant, merchant_id)
    assert merchant is not None  # a foreign key guarantees it
    sites = session.scalars(sa.select(MerchantSite.url).where(
        MerchantSite.merchant_id == merchant_id).order_by(MerchantSite.url)).all()
    return MerchantInfo(merchant.legal_name, merchant.registration_number, merchant.country,
                        tuple(sites), tuple(merchant.trading_names or ()), merchant.address)


def _body(session: Session) -> BodyInfo:
    body = session.scalars(sa.select(Body).order_by(Body.created_at)).first()
    return BodyInfo(body.name, body.address) if body else BodyInfo("certbench")


def _findings(session: Session, audit: Audit, form: Form, scope: Scope) -> tuple[FindingLine, ...]:
    stored = {f.criterion_id: f for f in session.scalars(
        sa.select(Finding).where(Finding.audit_id == audit.id))}
    lines = []
    for criterion in form.criteria:
        if not criterion.applies(scope) and criterion.id not in stored:
            continue
        f = stored.get(criterion.id)
        rating = (f.rating or "") if f else ""
        try:
            label = form.scale_value(rating).label if rating else _UNRATED
        except KeyError:
            label = Text(rating, rating)
        lines.append(FindingLine(
            criterion_id=criterion.id, domain_id=criterion.domain,
            requirement=criterion.requirement, rating=rating, rating_label=label,
            note=f.note if f else "", nonconformity=f.nc_class.value if f and f.nc_class else None,
            corrective_action=f.corrective_action if f else "", due=f.due_date if f else None,
            closed=f.closed_at.date() if f and f.closed_at else None,
            critical=criterion.is_critical(scope)))
    return tuple(lines)


def _samples(session: Session, audit_id: str, form: Form) -> tuple[SampleLine, ...]:
    from certbench.samples import check_sample, limits_from_form, parse_sample

    limits = limits_from_form(form)
    lines = []
    for s in session.scalars(sa.select(Sample).where(Sample.audit_id == audit_id)
                             .order_by(Sample.created_at, Sample.id)):
        try:
            record = parse_sample(str(s.kind), s.timestamps, s.amounts, s.channel)
        except ValueError as exc:
            raise ExportError(f"sample {s.id} cannot be read: {exc}", sample=s.id) from exc
        verdict = check_sample(record, limits)
        measures = tuple(Measure(c.name, c.measured, c.unit, c.limit, c.passed)
                         for c in verdict.checks)
        started = min(record.timestamps.values(), default=None)
        lines.append(SampleLine(s.id[:8], s.criterion_id, str(s.kind), started, measures))
    return tuple(lines)


def _evidence(session: Session, audit_id: str) -> tuple[EvidenceLine, ...]:
    users = dict(session.execute(sa.select(User.id, User.display_name)).all())
    names = dict(session.execute(sa.select(User.id, User.name)).all())
    lines = []
    for e in session.scalars(sa.select(Evidence).where(Evidence.audit_id == audit_id)
                             .order_by(Evidence.created_at, Evidence.id)):
        who = (users.get(e.captured_by) or names.get(e.captured_by, "")) if e.captured_by else ""
        title = e.original_filename or e.source_url or e.sha256[:12]
        lines.append(EvidenceLine(e.sha256, str(e.kind), title, e.media_type, e.captured_at,
                                  who, (e.criterion_id,) if e.criterion_id else (),
                                  e.captured_where, e.size))
    return tuple(lines)


def _journal(session: Session, audit_id: str) -> JournalSummary:
    from certbench.journal import verify_chain

    events = session.execute(sa.select(JournalEvent.at, JournalEvent.action, JournalEvent.hash)
                             .where(JournalEvent.audit_id == audit_id)
                             .order_by(JournalEvent.seq)).all()
    kinds = Counter(action for _, action, _ in events)
    return JournalSummary(
        events=len(events), first=events[0][0] if events else None,
        last=events[-1][0] if events else None, head_hash=events[-1][2] if events else "",
        chain_intact=not verify_chain(session, audit_id) if events else None,
        by_kind=tuple(sorted(kinds.items())))


def _certificate(session: Session, audit_id: str) -> CertificateInfo | None:
    cert = session.scalars(sa.select(Certificate).where(Certificate.audit_id == audit_id)
                           .order_by(Certificate.issued_at.desc())).first()
    if cert is None:
        return None
    p = sealed_payload(cert.jws)
    return CertificateInfo(cert.number, cert.seal_hash, p.res.grade, Decimal(p.res.score),
                           p.val.iat, p.val.nbf, p.val.exp, str(cert.status),
                           tuple((d, Decimal(s)) for d, s in p.res.dom))


def _complaints(session: Session, merchant_id: str) -> tuple[ComplaintLine, ...]:
    return tuple(ComplaintLine(c.received_at.date(), c.channel, c.summary, str(c.status))
                 for c in session.scalars(sa.select(Complaint).where(
                     Complaint.merchant_id == merchant_id).order_by(Complaint.received_at)))


def _people(audit: Audit) -> tuple[tuple[str, ...], str | None]:
    assessors = tuple(u.display_name or u.name for u in audit.assessors)
    reviewer = (audit.reviewer.display_name or audit.reviewer.name) if audit.reviewer else None
    return assessors, reviewer


def _domains(form: Form, result: GradeResult) -> tuple[DomainLine, ...]:
    scores = {d.domain_id: d for d in result.domains}
    return tuple(DomainLine(d.id, d.title, scores[d.id].score, d.floor,
                            scores[d.id].applicable, scores[d.id].rated)
                 for d in form.domains if d.id in scores and scores[d.id].applicable)


def audit_report_data(session: Session, audit_id: str, *,
                      generated: datetime | None = None) -> AuditReportData:
    """Everything the audit report of ``audit_id`` (or a unique id prefix) shows.

    :raises NotFoundError: no such audit.
    :raises ExportError: the audit's form is not installed, or a stored record is unreadable.
    """
    from certbench.grading import grade
    from certbench.storage.queries import ratings_of

    audit, form = _audit(session, audit_id)
    scope = Scope.from_json(audit.scope)
    result = grade(form, ratings_of(session, audit.id), scope)
    evidence = _evidence(session, audit.id)
    assessors, reviewer = _people(audit)
    return AuditReportData(
        audit_id=audit.id, body=_body(session), merchant=_merchant(session, audit.merchant_id),
        form_id=form.id, form_version=form.version, form_title=form.title, form_hash=form.hash,
        scope=scope, assessors=assessors, reviewer=reviewer, state=str(audit.state),
        opened=audit.opened_at.date() if audit.opened_at else None,
        submitted=audit.submitted_at.date() if audit.submitted_at else None,
        decided=audit.approved_at.date() if audit.approved_at else None,
        grade=result.grade, score=result.score, certifiable=result.certifiable,
        complete=result.complete, domains=_domains(form, result), reasons=result.reasons,
        findings=_findings(session, audit, form, scope),
        samples=_samples(session, audit.id, form), evidence=evidence,
        evidence_root=evidence_root(e.sha256 for e in evidence),
        journal=_journal(session, audit.id), certificate=_certificate(session, audit.id),
        complaints=_complaints(session, audit.merchant_id),
        generated=generated or datetime.now(UTC),
    )
