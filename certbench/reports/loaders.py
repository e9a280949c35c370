"""Row records for the exports and the dashboard, built from the database.

Certificates are listed with their *sealed* figures (grade, score, validity),
decoded from the stored JWS, never from mutable columns. Grades of audits
without a certificate are recomputed with :func:`certbench.grading.grade`
from the form the audit pinned. Statuses are computed as of a given day: a
valid certificate past its last valid day is ``expired``.

Runs on a worker thread in the GUI; every function takes an open session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from certbench.certify.seal import SealPayload, decode_seal
from certbench.domain import AuditState, Form, GradeResult, Scope
from certbench.errors import CertbenchError, ExportError
from certbench.reports.rows import (
    DomainScoreRow,
    FindingsRow,
    GradeHistoryRow,
    OverdueRow,
    RegisterRow,
)
from certbench.reports.tables import SPECS, export_rows
from certbench.storage import Audit, Certificate, Finding, Merchant, MerchantSite
from certbench.storage.queries import ratings_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "GRADED_STATES",
    "DashboardRows",
    "SealedFigures",
    "dashboard_rows",
    "domain_score_rows",
    "export_table",
    "findings_rows",
    "form_for",
    "grade_history_rows",
    "overdue_rows",
    "register_rows",
    "sealed_figures",
    "sealed_payload",
    "write_audit_ratings_template",
]

GRADED_STATES = frozenset({AuditState.SUBMITTED, AuditState.APPROVED, AuditState.CERTIFIED})
"""Audits whose ratings are complete enough to appear in grade history."""
_OPEN_CERTIFICATES = ("valid", "suspended")


@cache
def _form(ref: str) -> Form | None:
    from certbench.checklists import find_form

    try:
        return find_form(ref)
    except CertbenchError:
        return None


def form_for(audit: Audit) -> Form | None:
    """The form the audit pinned, if installed and with the pinned hash."""
    form = _form(f"{audit.form_id}@{audit.form_version}")
    return form if form is not None and form.hash == audit.form_hash else None


def _status(status: str, valid_until: date, as_of: date) -> str:
    return "expired" if status == "valid" and valid_until < as_of else status


def _sites(session: Session, merchant_ids: Sequence[str] | None) -> dict[str, tuple[str, ...]]:
    query = sa.select(MerchantSite.merchant_id, MerchantSite.url).order_by(
        MerchantSite.merchant_id, MerchantSite.url)
    if merchant_ids is not None:
        query = query.where(MerchantSite.merchant_id.in_(merchant_ids))
    out: dict[str, list[str]] = {}
    for merchant_id, url in session.execute(query):
        out.setdefault(merchant_id, []).append(url)
    return {k: tuple(v) for k, v in out.items()}


def sealed_payload(jws: str) -> SealPayload:
    """The payload of a stored seal, strictly checked (the signature was checked at issue).

    :raises ExportError: the stored JWS is not a well-formed seal.
    """
    try:
        return decode_seal(jws).payload
    except CertbenchError as exc:
        raise ExportError(f"a stored seal cannot be read: {exc.message}") from exc


@dataclass(frozen=True, slots=True)
class SealedFigures:
    """What the lists show from a stored seal: scheme, sites, result and validity."""

    form: str
    websites: tuple[str, ...]
    grade: str
    score: Decimal
    domains: tuple[tuple[str, Decimal], ...]
    issued_at: datetime
    valid_from: date
    valid_until: date


def sealed_figures(jws: str) -> SealedFigures:
    """The figures of a stored seal, read without the strict checks of :func:`sealed_payload`.

    Listing 100,000 certificates must not re-validate 100,000 seals (the issuer
    validated each before signing it); this only decodes the payload's JSON.

    :raises ExportError: the payload is not a seal-v1 JSON object.
    """
    import base64
    import json

    try:
        part = jws.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        res, val, sch = data["res"], data["val"], data["sch"]
        return SealedFigures(
            form=f"{sch['id']}@{sch['ver']}", websites=tuple(data["sub"]["web"]),
            grade=str(res["grade"]), score=Decimal(res["score"]),
            domains=tuple(sorted((str(k), Decimal(v)) for k, v in res["dom"].items())),
            issued_at=datetime.fromisoformat(val["iat"].replace("Z", "+00:00")),
            valid_from=date.fromisoformat(val["nbf"]), valid_until=date.fromisoformat(val["exp"]))
    except (IndexError, KeyError, TypeError, AttributeError, ValueError, ArithmeticError) as exc:
        raise ExportError(f"a stored seal cannot be read: {type(exc).__name__}") from exc


def register_rows(session: Session, *, as_of: date) -> list[RegisterRow]:
    """Every issued certificate with its sealed figures, by certificate number."""
    result = session.execute(
        sa.select(Certificate.number, Certificate.merchant_id, Certificate.jws,
                  Certificate.status, Certificate.seal_hash, Merchant.legal_name,
                  Merchant.registration_number, Merchant.country)
        .join(Merchant, Merchant.id == Certificate.merchant_id)
        .order_by(Certificate.number)).all()
    sites = _sites(session, None)
    rows = []
    for number, mid, jws, status, seal_hash, name, reg, country in result:
        f = sealed_figures(jws)
        rows.append(RegisterRow(
            certificate_number=number, merchant_id=mid, legal_name=name,
            registration_number=reg, country=country, websites=f.websites or sites.get(mid, ()),
            form=f.form, grade=f.grade, score=f.score, issued_at=f.issued_at,
            valid_from=f.valid_from, valid_until=f.valid_until,
            status=_status(str(status), f.valid_until, as_of), seal_hash=seal_hash))
    return rows


def findings_rows(session: Session, audit_ids: Sequence[str] | None = None) -> list[FindingsRow]:
    """The findings of ``audit_ids`` (every audit when ``None``), by audit then criterion."""
    query = (sa.select(Finding, Audit, Merchant.legal_name)
             .join(Audit, Audit.id == Finding.audit_id)
             .join(Merchant, Merchant.id == Audit.merchant_id)
             .order_by(Audit.created_at, Audit.id, Finding.criterion_id))
    if audit_ids is not None:
        query = query.where(Finding.audit_id.in_(list(audit_ids)))
    rows = []
    for finding, audit, legal_name in session.execute(query):
        form = form_for(audit)
        scope = Scope.from_json(audit.scope)
        domain, critical = "", False
        if form is not None:
            try:
                criterion = form.criterion(finding.criterion_id)
                domain, critical = criterion.domain, criterion.is_critical(scope)
            except KeyError:
                pass
        rows.append(FindingsRow(
            audit_id=audit.id, merchant_id=audit.merchant_id, legal_name=legal_name,
            form=f"{audit.form_id}@{audit.form_version}", criterion_id=finding.criterion_id,
            domain_id=domain, critical=critical, rating=finding.rating or "",
            nonconformity=finding.nc_class.value if finding.nc_class else "",
            note=finding.note, justification=finding.justification,
            corrective_action=finding.corrective_action, due_date=finding.due_date,
            closed_on=finding.closed_at.date() if finding.closed_at else None))
    return rows


@dataclass(frozen=True, slots=True)
class _Graded:
    audit: Audit
    legal_name: str
    grade: str
    score: Decimal | None
    domains: tuple[tuple[str, Decimal | None], ...]
    certificate: Certificate | None


def _completed(audit: Audit) -> date | None:
    moment = audit.completed_at or audit.approved_at or audit.submitted_at
    return moment.date() if moment else None


def _graded_audits(session: Session) -> list[_Graded]:
    certificates = {c.audit_id: c for c in session.scalars(
        sa.select(Certificate).order_by(Certificate.issued_at))}
    out = []
    for audit, legal_name in session.execute(
            sa.select(Audit, Merchant.legal_name).join(Merchant, Merchant.id == Audit.merchant_id)
            .where(Audit.state.in_(list(GRADED_STATES))).order_by(Audit.created_at, Audit.id)):
        cert = certificates.get(audit.id)
        if cert is not None:
            f = sealed_figures(cert.jws)
            out.append(_Graded(audit, legal_name, f.grade, f.score, f.domains, cert))
            continue
        result = _grade(session, audit)
        if result is not None:
            out.append(_Graded(audit, legal_name, result.grade or "", result.score,
                               tuple((d.domain_id, d.score) for d in result.domains), None))
    return out


def _grade(session: Session, audit: Audit) -> GradeResult | None:
    from certbench.grading import grade

    form = form_for(audit)
    if form is None:
        return None
    return grade(form, ratings_of(session, audit.id), Scope.from_json(audit.scope))


def grade_history_rows(session: Session, *, as_of: date) -> list[GradeHistoryRow]:
    """Each merchant's graded audits, oldest first; merchants without one appear once."""
    graded = _graded_audits(session)
    merchants = session.execute(sa.select(Merchant.id, Merchant.legal_name,
                                          Merchant.registration_number, Merchant.country)
                                .order_by(Merchant.name_folded, Merchant.id)).all()
    sites = _sites(session, None)
    by_merchant: dict[str, list[_Graded]] = {}
    for g in graded:
        by_merchant.setdefault(g.audit.merchant_id, []).append(g)
    rows = []
    for mid, name, reg, country in merchants:
        base = (mid, name, reg, country, sites.get(mid, ()))
        audits = sorted(by_merchant.get(mid, []),
                        key=lambda g: (_completed(g.audit) or date.min, g.audit.id))
        if not audits:
            rows.append(GradeHistoryRow(*base, "", "", "", None, "", "", None, "", ""))
        for g in audits:
            cert = g.certificate
            status = ""
            if cert is not None:
                status = _status(str(cert.status), sealed_figures(cert.jws).valid_until, as_of)
            rows.append(GradeHistoryRow(
                *base, g.audit.id, str(g.audit.kind), str(g.audit.state), _completed(g.audit),
                f"{g.audit.form_id}@{g.audit.form_version}", g.grade, g.score,
                cert.number if cert else "", status))
    return rows


def domain_score_rows(session: Session) -> list[DomainScoreRow]:
    """Domain scores of every graded audit (the heatmap input)."""
    return [DomainScoreRow(g.audit.merchant_id, g.legal_name, g.audit.id, _completed(g.audit),
                           domain, score)
            for g in _graded_audits(session) for domain, score in g.domains]


def _surveillance_overdue(session: Session, as_of: date) -> list[OverdueRow]:
    """Surveillance due dates as the certificate lifecycle computes them (one rule everywhere)."""
    from certbench.services.lifecycle import next_surveillance

    rows = []
    for cert, audit, name in session.execute(
            sa.select(Certificate, Audit, Merchant.legal_name)
            .join(Audit, Audit.id == Certificate.audit_id)
            .join(Merchant, Merchant.id == Certificate.merchant_id)
            .where(Certificate.status.in_(_OPEN_CERTIFICATES))):
        if form_for(audit) is None or sealed_figures(cert.jws).valid_until < as_of:
            continue
        due = next_surveillance(session, cert)
        if due is not None and due < as_of:
            rows.append(OverdueRow("surveillance", cert.merchant_id, name, cert.number,
                                   audit.id, "", "", due, (as_of - due).days))
    return rows


def _corrective_overdue(session: Session, as_of: date) -> list[OverdueRow]:
    result = session.execute(
        sa.select(Finding, Audit.merchant_id, Merchant.legal_name)
        .join(Audit, Audit.id == Finding.audit_id)
        .join(Merchant, Merchant.id == Audit.merchant_id)
        .where(Finding.due_date.is_not(None), Finding.due_date < as_of,
               Finding.closed_at.is_(None)))
    certs: dict[str, str] = dict(session.execute(
        sa.select(Certificate.audit_id, Certificate.number)).all())
    rows = []
    for finding, merchant_id, name in result:
        assert finding.due_date is not None
        rows.append(OverdueRow("corrective_action", merchant_id, name,
                               certs.get(finding.audit_id, ""), finding.audit_id,
                               finding.criterion_id,
                               finding.nc_class.value if finding.nc_class else "",
                               finding.due_date, (as_of - finding.due_date).days))
    return rows


def overdue_rows(session: Session, *, as_of: date) -> list[OverdueRow]:
    """Overdue surveillance audits and corrective actions, longest overdue first."""
    rows = _surveillance_overdue(session, as_of) + _corrective_overdue(session, as_of)
    return sorted(rows, key=lambda r: (-r.days_overdue, r.kind, r.legal_name, r.criterion_id))


def export_table(session: Session, name: str, path: Path, *, as_of: date,
                 audit_ids: Sequence[str] | None = None) -> int:
    """Load and write the export ``name`` (``register``, ``findings``, ``merchants``,
    ``overdue``) to ``path`` (``.csv`` or ``.xlsx``); returns the row count.

    :raises ExportError: an unknown export or file type, or the file cannot be written.
    """
    if name not in SPECS:
        raise ExportError(f"no export {name!r}; choose one of {', '.join(SPECS)}")
    rows: Sequence[object]
    if name == "register":
        rows = register_rows(session, as_of=as_of)
    elif name == "findings":
        rows = findings_rows(session, audit_ids)
    elif name == "merchants":
        rows = grade_history_rows(session, as_of=as_of)
    else:
        rows = overdue_rows(session, as_of=as_of)
    return export_rows(SPECS[name], rows, path)


def write_audit_ratings_template(session: Session, audit_id: str, path: Path, *,
                                 lang: str = "en") -> int:
    """Write the ratings template of ``audit_id`` (with its current findings) to ``path``.

    ``audit_id`` may be a unique id prefix. Returns the number of criteria listed.

    :raises NotFoundError: no such audit.
    :raises ExportError: the audit's form is not installed or the file cannot be written.
    """
    from certbench.reports.ratings_sheet import write_ratings_template
    from certbench.reports.report_loader import resolve_audit

    audit = resolve_audit(session, audit_id)
    form = form_for(audit)
    if form is None:
        raise ExportError(f"the form {audit.form_id}@{audit.form_version} with the hash the "
                          "audit pinned is not installed", audit_id=audit_id)
    current = {f.criterion_id: {"rating": f.rating, "justification": f.justification,
                                "note": f.note,
                                "nonconformity": f.nc_class.value if f.nc_class else None,
                                "corrective_action": f.corrective_action,
                                "due_date": f.due_date}
               for f in session.scalars(sa.select(Finding).where(Finding.audit_id == audit.id))}
    return write_ratings_template(path, form, audit_id=audit.id,
                                  scope=Scope.from_json(audit.scope), current=current, lang=lang)


@dataclass(frozen=True, slots=True)
class DashboardRows:
    """Everything the dashboard charts need, loaded in one go (on a worker thread)."""

    as_of: date
    register: tuple[RegisterRow, ...]
    history: tuple[GradeHistoryRow, ...]
    domain_scores: tuple[DomainScoreRow, ...]
    overdue: tuple[OverdueRow, ...]


def dashboard_rows(session: Session, *, as_of: date) -> DashboardRows:
    """The rows behind every dashboard chart; feed them to :mod:`certbench.reports.analytics`."""
    return DashboardRows(as_of, tuple(register_rows(session, as_of=as_of)),
                         tuple(grade_history_rows(session, as_of=as_of)),
                         tuple(domain_score_rows(session)),
                         tuple(overdue_rows(session, as_of=as_of)))
