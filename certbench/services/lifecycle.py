"""A certificate's life after issue: status changes, expiry, surveillance.

``valid -> suspended -> valid | revoked``, and ``expired`` by date (the form's
``certificate_validity_months`` fixed the end date when it was issued). Each
change needs a reason and an issuer or admin; it is a certificate event, a
journal event on the audit and a registry entry, committed together; then,
after the commit, the published registry is brought up to date (so a crash
can leave the file behind the database, which the next publication repairs,
but never ahead of it).

Surveillance audits fall due every ``surveillance_interval_months`` (a form
parameter) after the certificate's start or the last approved surveillance
audit of the merchant, while the certificate lasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from certbench.certify.registry import EntryType
from certbench.certify.registry import RegistryEntry as LogEntry
from certbench.domain import AuditState, CertificateStatus
from certbench.edits import audit_form
from certbench.errors import NotFoundError, WorkflowError
from certbench.journal import append_event
from certbench.services.bodies import Actor, get_body, require_role
from certbench.services.issuing import add_months, append_registry, publish_registry
from certbench.storage import Audit, AuditKind, Certificate, CertificateEvent, Role, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from certbench.certify.keys import IssuerKey
    from certbench.storage import Database

__all__ = [
    "CertificateRow",
    "change_status",
    "effective_status",
    "expire_certificates",
    "find_certificate",
    "list_certificates",
    "next_surveillance",
]

_ALLOWED = {
    "suspend": ({CertificateStatus.VALID}, CertificateStatus.SUSPENDED, EntryType.SUSPENDED),
    "reinstate": ({CertificateStatus.SUSPENDED}, CertificateStatus.VALID, EntryType.REINSTATED),
    "revoke": ({CertificateStatus.VALID, CertificateStatus.SUSPENDED}, CertificateStatus.REVOKED,
               EntryType.REVOKED),
}


@dataclass(frozen=True, slots=True)
class CertificateRow:
    """A certificate as ``certificate list`` shows it."""

    number: str
    merchant: str
    status: CertificateStatus
    """The effective status: ``expired`` once the end date has passed."""
    valid_from: date
    valid_until: date
    seal_hash: str
    surveillance_due: date | None
    surveillance_overdue: bool


def find_certificate(session: Session, ref: str) -> Certificate:
    """A certificate by number, id or seal hash.

    :raises NotFoundError: no such certificate.
    """
    cert = session.scalars(sa.select(Certificate).where(sa.or_(
        Certificate.number == ref, Certificate.id == ref, Certificate.seal_hash == ref))).first()
    if cert is None:
        raise NotFoundError(f"no certificate {ref!r}", certificate=ref)
    return cert


def effective_status(cert: Certificate, now: datetime | None = None) -> CertificateStatus:
    """The status, with ``expired`` for a valid or suspended certificate past its end."""
    moment = now or utcnow()
    if cert.status in (CertificateStatus.VALID, CertificateStatus.SUSPENDED) \
            and moment > cert.valid_until:
        return CertificateStatus.EXPIRED
    return cert.status


def _record_change(session: Session, cert: Certificate, to: CertificateStatus, kind: EntryType,
                   *, actor: str, reason: str, at: datetime) -> None:
    old = cert.status
    cert.status = to
    session.add(CertificateEvent(certificate_id=cert.id, from_status=old, to_status=to,
                                 reason=reason, actor=actor, at=at))
    append_registry(session, get_body(session), LogEntry.change(kind, cert.number, at=at,
                                                                reason=reason))
    append_event(session, cert.audit_id, actor=actor, action=f"certificate_{kind.value}",
                 changes=[(f"certificate {cert.number}", old, to)], reason=reason, at=at)
    session.flush()


def change_status(db: Database, actor: Actor, ref: str, action: str, *, reason: str,
                  key: IssuerKey, now: datetime | None = None) -> Certificate:
    """Suspend, reinstate or revoke a certificate with a reason; publish the registry.

    :raises WorkflowError: not an issuer or admin, no reason, or the change is not
        allowed from the certificate's status (including an expired certificate).
    """
    if action not in _ALLOWED:
        raise WorkflowError(f"unknown status change {action!r}")
    if not reason.strip():
        raise WorkflowError(f"to {action} a certificate, give a reason")
    allowed, to, kind = _ALLOWED[action]
    moment = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    with db.session() as session:
        require_role(actor, Role.ISSUER, Role.ADMIN, session=session)
        cert = find_certificate(session, ref)
        status = effective_status(cert, moment)
        if status not in allowed:
            raise WorkflowError(f"certificate {cert.number} is {status.value}: "
                                f"{action} is not allowed", number=cert.number,
                                status=status.value, check="status")
        _record_change(session, cert, to, kind, actor=actor.name, reason=reason.strip(),
                       at=moment)
    _publish(db, key)
    return cert


def expire_certificates(db: Database, actor: Actor, key: IssuerKey, *,
                        now: datetime | None = None) -> list[str]:
    """Record ``expired`` for every certificate past its end; the numbers changed."""
    moment = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    changed: list[str] = []
    with db.session() as session:
        require_role(actor, Role.ISSUER, Role.ADMIN, session=session)
        due = session.scalars(sa.select(Certificate).where(
            Certificate.status.in_([CertificateStatus.VALID, CertificateStatus.SUSPENDED]),
            Certificate.valid_until < moment).order_by(Certificate.number))
        for cert in list(due):
            _record_change(session, cert, CertificateStatus.EXPIRED, EntryType.EXPIRED,
                           actor=actor.name, reason="validity period ended", at=moment)
            changed.append(cert.number)
    _publish(db, key)
    return changed


def _publish(db: Database, key: IssuerKey) -> None:
    """Publish after the commit: a crash in between leaves the file behind, never ahead."""
    with db.session() as session:
        publish_registry(session, key)


def next_surveillance(session: Session, cert: Certificate) -> date | None:
    """When the next surveillance audit is due, or ``None`` if none falls in the validity."""
    audit = session.get(Audit, cert.audit_id)
    assert audit is not None
    months = int(audit_form(audit).parameter("surveillance_interval_months"))
    last = session.scalar(sa.select(sa.func.max(Audit.approved_at)).where(
        Audit.merchant_id == cert.merchant_id, Audit.kind == AuditKind.SURVEILLANCE,
        Audit.state.in_([AuditState.APPROVED, AuditState.CERTIFIED]),
        Audit.approved_at >= cert.valid_from))
    base = (last or cert.valid_from).date()
    due = add_months(base, months)
    return due if due <= cert.valid_until.date() else None


def list_certificates(session: Session, *, overdue_only: bool = False,
                      today: date | None = None) -> list[CertificateRow]:
    """Every certificate with its effective status and next surveillance date."""
    day = today or utcnow().date()
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    rows = []
    for cert in session.scalars(sa.select(Certificate).order_by(Certificate.number)):
        status = effective_status(cert, moment)
        audit = session.get(Audit, cert.audit_id)
        assert audit is not None
        live = status in (CertificateStatus.VALID, CertificateStatus.SUSPENDED)
        due = next_surveillance(session, cert) if live else None
        overdue = due is not None and due < day
        if overdue_only and not overdue:
            continue
        rows.append(CertificateRow(cert.number, audit.merchant.legal_name, status,
                                   cert.valid_from.date(), cert.valid_until.date(),
                                   cert.seal_hash, due, overdue))
    return rows
