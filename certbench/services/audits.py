"""Merchants, audits and the four-eyes rule.

The lifecycle is ``draft -> in_progress -> submitted -> (returned -> in_progress)
| approved -> certified``. Every transition is checked here, whoever calls:

* **submit**: an assessor of the audit, with nothing unrated or carried over,
  signs the canonical *audit record* (:func:`audit_record`) with their personal
  key (ES256 compact JWS, ``typ`` ``cbaudit+jws``);
* **approve**: a user with the reviewer role who is not an assessor of the audit
  and not the submitter (different user, different key) countersigns the record's
  hash (``typ`` ``cbapproval+jws``);
* **issue** (:mod:`certbench.services.issuing`) re-checks both signatures against
  the users' *registered* public keys and the record against the current data
  (:func:`check_four_eyes`), so an edit after approval, or a signature forged
  in the database, is refused.

Content changes go through :mod:`certbench.edits`, which journals them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from certbench.canonical import canonical_bytes, canonical_hash, sha256_hex
from certbench.certify.jws import parse_compact, sign_compact, verify_jws
from certbench.certify.keys import format_time
from certbench.certify.merkle import evidence_root
from certbench.domain import AuditState, GradeResult, Rating, Scope
from certbench.edits import (
    AttachEvidence,
    Edit,
    SetJustification,
    SetNonconformity,
    SetNote,
    SetRating,
    apply,
    apply_batch,
    audit_form,
)
from certbench.errors import (
    FourEyesError,
    ImportDataError,
    MalformedError,
    NotFoundError,
    WorkflowError,
)
from certbench.journal import append_event
from certbench.services.bodies import Actor, current_roles, public_key_of, require_role
from certbench.storage import (
    Audit,
    AuditKind,
    Certificate,
    Complaint,
    ComplaintStatus,
    Evidence,
    EvidenceKind,
    Finding,
    Merchant,
    MerchantSite,
    Role,
    Sample,
    SampleKind,
    User,
    new_id,
    utcnow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from certbench.evidence import Vault

__all__ = [
    "APPROVAL_TYP",
    "RECORD_TYP",
    "SignedAudit",
    "add_complaint",
    "add_evidence_file",
    "add_merchant",
    "add_sample",
    "approve",
    "audit_grade",
    "audit_record",
    "audit_summary",
    "check_four_eyes",
    "confirm",
    "find_audit",
    "find_merchant",
    "import_ratings",
    "link_complaint",
    "list_merchants",
    "open_audit",
    "rate",
    "return_audit",
    "submit",
]

RECORD_TYP = "cbaudit+jws"
"""JWS ``typ`` of the assessor's signature over the audit record."""
APPROVAL_TYP = "cbapproval+jws"
"""JWS ``typ`` of the reviewer's countersignature."""
_COUNTRY = re.compile(r"[A-Z]{2}")
_URL = re.compile(r"https?://[^\s/]+\S*")


# --- merchants ----------------------------------------------------------------------

def add_merchant(session: Session, actor: Actor, *, legal_name: str, registration_number: str = "",
                 country: str = "", websites: Sequence[str] = (),
                 trading_names: Sequence[str] = (), address: str = "") -> Merchant:
    """Register a merchant with its websites and shops.

    :raises WorkflowError: a name, country code or URL is not acceptable.
    """
    if not legal_name.strip():
        raise WorkflowError("a merchant needs a legal name")
    country = country.strip().upper()
    if country and not _COUNTRY.fullmatch(country):
        raise WorkflowError(f"{country!r} is not an ISO 3166 two-letter country code")
    for url in websites:
        if not _URL.fullmatch(url):
            raise WorkflowError(f"{url!r} is not an http(s) URL")
    merchant = Merchant(legal_name=legal_name.strip(), registration_number=registration_number,
                        country=country, trading_names=list(trading_names), address=address,
                        sites=[MerchantSite(url=u) for u in dict.fromkeys(websites)])
    session.add(merchant)
    session.flush()
    return merchant


def find_merchant(session: Session, ref: str) -> Merchant:
    """A merchant by id, id prefix (4+ chars), registration number or exact legal name.

    :raises NotFoundError: none or several match.
    """
    found = session.get(Merchant, ref)
    if found is not None:
        return found
    conditions = [Merchant.registration_number == ref, Merchant.legal_name == ref]
    if len(ref) >= 4:
        conditions.append(Merchant.id.startswith(ref))
    matches = list(session.scalars(sa.select(Merchant).where(sa.or_(*conditions)).limit(3)))
    if len(matches) != 1:
        problem = "no merchant" if not matches else "several merchants match"
        raise NotFoundError(f"{problem} {ref!r}", merchant=ref)
    return matches[0]


def list_merchants(session: Session, search: str = "") -> list[Merchant]:
    """Merchants whose names or registration number contain ``search``, by name."""
    from certbench.storage import fold

    query = sa.select(Merchant).order_by(Merchant.name_folded, Merchant.id)
    if search:
        query = query.where(Merchant.search_text.contains(fold(search), autoescape=True))
    return list(session.scalars(query))


# --- opening and editing --------------------------------------------------------------

def find_audit(session: Session, ref: str) -> Audit:
    """An audit by id or unique id prefix (4+ characters).

    :raises NotFoundError: none or several match.
    """
    found = session.get(Audit, ref)
    if found is not None:
        return found
    matches = list(session.scalars(sa.select(Audit).where(Audit.id.startswith(ref)).limit(3))) \
        if len(ref) >= 4 else []
    if len(matches) != 1:
        raise NotFoundError(f"{'no audit' if not matches else 'several audits match'} {ref!r}",
                            audit=ref)
    return matches[0]


def _users(session: Session, names: Sequence[str]) -> list[User]:
    users = []
    for name in names:
        user = session.scalars(sa.select(User).where(User.name == name)).first()
        if user is None:
            raise NotFoundError(f"no user {name!r}", user=name)
        if Role.ASSESSOR not in user.roles:
            raise WorkflowError(f"{name} is not an assessor", user=name)
        users.append(user)
    return users


def _previous_audit(session: Session, merchant_id: str) -> Audit:
    previous = session.scalars(
        sa.select(Audit).where(Audit.merchant_id == merchant_id,
                               Audit.state.in_([AuditState.CERTIFIED, AuditState.APPROVED]))
        .order_by(Audit.approved_at.desc(), Audit.created_at.desc()).limit(1)).first()
    if previous is None:
        raise WorkflowError("a re-assessment needs an earlier approved or certified audit")
    return previous


def open_audit(session: Session, actor: Actor, merchant_ref: str, form_ref: str, *,
               scope: Scope | None = None, kind: AuditKind = AuditKind.INITIAL,
               assessors: Sequence[str] = ()) -> Audit:
    """Open an audit of a merchant against a pinned form version; ``actor`` assesses it.

    A re-assessment (``kind=REASSESSMENT``) starts from the merchant's latest
    approved or certified audit: its scope (unless one is given) and its findings,
    each marked carried over until re-confirmed.

    :raises WorkflowError: ``actor`` is not an assessor, or there is nothing to re-assess.
    """
    from certbench.checklists import find_form

    require_role(actor, Role.ASSESSOR, session=session)
    merchant = find_merchant(session, merchant_ref)
    form = find_form(form_ref)
    previous = _previous_audit(session, merchant.id) if kind is AuditKind.REASSESSMENT else None
    if previous is not None and scope is None:
        scope = Scope.from_json(previous.scope)
    scope = scope or Scope(home_market=merchant.country,
                           target_markets=frozenset({merchant.country} - {""}))
    team = _users(session, [actor.name, *[a for a in assessors if a != actor.name]])
    audit = Audit(merchant_id=merchant.id, kind=kind, form_id=form.id, form_version=form.version,
                  form_hash=form.hash, scope=scope.to_json(), state=AuditState.DRAFT,
                  opened_at=utcnow(), assessors=team,
                  previous_audit_id=previous.id if previous is not None else None)
    session.add(audit)
    session.flush()
    carried = {f.criterion_id: f for f in previous.findings} if previous is not None else {}
    for criterion in form.criteria:
        old = carried.get(criterion.id)
        finding = Finding(audit_id=audit.id, criterion_id=criterion.id)
        if old is not None and old.criterion_id == criterion.id:
            finding.rating, finding.note, finding.justification = (old.rating, old.note,
                                                                   old.justification)
            finding.nc_class, finding.corrective_action = old.nc_class, old.corrective_action
            finding.due_date, finding.carried_over = old.due_date, old.rating is not None
        session.add(finding)
    session.flush()
    append_event(session, audit.id, actor=actor.name, action="open", changes=[
        ("state", None, AuditState.DRAFT), ("form", None, form.ref),
        ("assessors", None, [u.name for u in team]),
        ("previous_audit", None, audit.previous_audit_id)], reason=kind.value)
    return audit


def _require_assessor(session: Session, actor: Actor, audit: Audit) -> None:
    if actor.user_id not in {u.id for u in audit.assessors}:
        raise WorkflowError(f"{actor.name} is not an assessor of audit {audit.id[:8]}",
                            user=actor.name, audit_id=audit.id)


def rate(session: Session, actor: Actor, audit_ref: str, criterion_id: str, rating: str | None,
         *, note: str | None = None, justification: str | None = None) -> Audit:
    """Rate one criterion (and optionally set its note and justification) through edits."""
    audit = find_audit(session, audit_ref)
    _require_assessor(session, actor, audit)
    if justification is not None:
        apply(SetJustification(audit.id, criterion_id, justification), session, actor.name)
    apply(SetRating(audit.id, criterion_id, rating), session, actor.name)
    if note is not None:
        apply(SetNote(audit.id, criterion_id, note), session, actor.name)
    return audit


def confirm(session: Session, actor: Actor, audit_ref: str, criterion_id: str) -> Audit:
    """Re-confirm a carried-over rating as it stands.

    :raises WorkflowError: the finding is not carried over.
    """
    audit = find_audit(session, audit_ref)
    _require_assessor(session, actor, audit)
    finding = session.scalars(sa.select(Finding).where(
        Finding.audit_id == audit.id, Finding.criterion_id == criterion_id)).first()
    if finding is None or not finding.carried_over:
        raise WorkflowError(f"{criterion_id} is not carried over in audit {audit.id[:8]}")
    apply(SetRating(audit.id, criterion_id, finding.rating), session, actor.name,
          reason="re-confirmed")
    return audit


def import_ratings(session: Session, actor: Actor, audit_ref: str, path: Path) -> int:
    """Apply a filled-in ratings file: the XLSX template or a CSV with the same columns.

    Every row is validated first; with any bad row nothing is changed.

    :raises ImportDataError: listing every bad row by number and reason.
    """
    from certbench.reports.ratings_sheet import read_ratings_csv, read_ratings_template

    audit = find_audit(session, audit_ref)
    _require_assessor(session, actor, audit)
    form, scope = audit_form(audit), Scope.from_json(audit.scope)
    lines: Sequence[Any]
    if path.suffix.lower() == ".xlsx":
        lines = read_ratings_template(path, form, audit_id=audit.id, scope=scope).lines
    elif path.suffix.lower() == ".csv":
        lines = read_ratings_csv(path, form, scope=scope)
    else:
        raise ImportDataError(f"{path}: ratings are imported from .xlsx or .csv",
                              problems=[(0, "", "not an .xlsx or .csv file")], file=str(path))
    edits: list[Edit] = []
    for line in lines:
        edits += [SetJustification(audit.id, line.criterion_id, line.justification),
                  SetRating(audit.id, line.criterion_id, line.rating or None),
                  SetNote(audit.id, line.criterion_id, line.note)]
        if line.nonconformity or line.corrective_action or line.due_date:
            edits.append(SetNonconformity(audit.id, line.criterion_id, line.nonconformity,
                                          line.corrective_action, line.due_date))
    apply_batch(edits, session, actor.name, action="import", reason=path.name)
    return len(lines)


def add_evidence_file(session: Session, vault: Vault, actor: Actor, audit_ref: str, *,
                      criterion_id: str | None, path: Path, source_url: str | None = None,
                      captured_at: datetime | None = None, kind: EvidenceKind = EvidenceKind.FILE,
                      captured_where: str = "") -> Evidence:
    """Store ``path`` in the vault, then attach it to the audit (idempotent).

    The object is in the vault before the row is written, so a crash leaves at
    most an unreferenced object. Adding the same file to the same criterion
    again returns the existing record.
    """
    from certbench.edits import EDITABLE_STATES

    audit = find_audit(session, audit_ref)
    _require_assessor(session, actor, audit)
    if audit.state not in EDITABLE_STATES:
        raise WorkflowError(f"audit {audit.id[:8]} is {audit.state.value}: it cannot be edited",
                            audit_id=audit.id, state=audit.state.value)
    stored = vault.ingest(path)
    existing = session.scalars(sa.select(Evidence).where(
        Evidence.audit_id == audit.id, Evidence.sha256 == stored.sha256,
        Evidence.criterion_id.is_(None) if criterion_id is None
        else Evidence.criterion_id == criterion_id)).first()
    if existing is not None:
        return existing
    import mimetypes

    evidence_id = new_id()
    apply(AttachEvidence(
        audit.id, evidence_id, criterion_id, stored.sha256, stored.size,
        mimetypes.guess_type(path.name)[0] or "application/octet-stream", kind.value,
        path.name, source_url, captured_at, actor.user_id, captured_where), session, actor.name)
    row = session.get(Evidence, evidence_id)
    assert row is not None
    return row


def add_sample(session: Session, actor: Actor, audit_ref: str, criterion_id: str,
               kind: SampleKind, *, timestamps: Mapping[str, str], amounts: Mapping[str, str],
               channel: str = "", note: str = "") -> Sample:
    """Record a test purchase, test return or contact; instants need a time zone.

    :raises WorkflowError: the audit is not editable, or an instant or amount is malformed.
    """
    from certbench.edits import EDITABLE_STATES
    from certbench.samples import parse_sample

    audit = find_audit(session, audit_ref)
    _require_assessor(session, actor, audit)
    if audit.state not in EDITABLE_STATES:
        raise WorkflowError(f"audit {audit.id[:8]} is {audit.state.value}: it cannot be edited")
    try:
        audit_form(audit).criterion(criterion_id)
        parse_sample(kind.value, timestamps, amounts)
    except KeyError as exc:
        raise NotFoundError(f"{criterion_id!r} is not a criterion of the audit's form") from exc
    except ValueError as exc:
        raise WorkflowError(f"bad sample: {exc}") from exc
    sample = Sample(audit_id=audit.id, criterion_id=criterion_id, kind=kind, channel=channel,
                    timestamps=dict(timestamps), amounts=dict(amounts), note=note)
    session.add(sample)
    session.flush()
    append_event(session, audit.id, actor=actor.name, action="sample", changes=[
        ("sample", None, {"id": sample.id, "criterion": criterion_id, "kind": kind.value,
                          "timestamps": dict(timestamps), "amounts": dict(amounts)})])
    return sample


# --- the audit record and its signatures ----------------------------------------------

def _findings(session: Session, audit: Audit) -> list[Finding]:
    return list(session.scalars(sa.select(Finding).where(Finding.audit_id == audit.id)
                                .order_by(Finding.criterion_id)))


def _ratings(findings: Sequence[Finding]) -> list[Rating]:
    return [Rating(f.criterion_id, f.rating, f.justification) for f in findings
            if f.rating is not None]


def _finding_json(f: Finding) -> dict[str, object]:
    return {"criterion": f.criterion_id, "rating": f.rating, "note": f.note,
            "justification": f.justification,
            "nc": f.nc_class.value if f.nc_class else None,
            "action": f.corrective_action,
            "due": f.due_date.isoformat() if f.due_date else None,
            "carried_over": bool(f.carried_over)}


def evidence_digests(session: Session, audit_id: str) -> list[str]:
    """The SHA-256 digests of the audit's evidence, sorted."""
    return sorted(session.scalars(sa.select(Evidence.sha256).where(Evidence.audit_id == audit_id)))


def audit_record(session: Session, audit: Audit) -> dict[str, object]:
    """The canonical record an assessor signs and a reviewer countersigns."""
    findings = _findings(session, audit)
    digests = evidence_digests(session, audit.id)
    return {
        "type": "certbench-audit-record", "v": 1, "audit": audit.id,
        "merchant": audit.merchant_id,
        "form": {"id": audit.form_id, "version": audit.form_version, "hash": audit.form_hash},
        "scope_hash": canonical_hash(Scope.from_json(audit.scope).to_json()),
        "ratings_hash": _ratings_hash(_ratings(findings)),
        "findings_digest": canonical_hash([_finding_json(f) for f in findings]),
        "evidence_root": evidence_root(digests), "evidence_count": len(digests),
        "assessors": sorted(u.name for u in audit.assessors),
        "submitted_at": format_time(audit.submitted_at) if audit.submitted_at else None,
    }


def _ratings_hash(ratings: Sequence[Rating]) -> str:
    from certbench.grading import ratings_hash

    return ratings_hash(ratings)


def audit_grade(session: Session, audit: Audit) -> GradeResult:
    """The grade of the audit's current ratings."""
    from certbench.grading import grade

    return grade(audit_form(audit), _ratings(_findings(session, audit)),
                 Scope.from_json(audit.scope))


def _require_state(audit: Audit, *states: AuditState) -> None:
    if audit.state not in states:
        wanted = " or ".join(s.value for s in states)
        raise WorkflowError(f"audit {audit.id[:8]} is {audit.state.value}, not {wanted}",
                            audit_id=audit.id, state=audit.state.value, check="state")


def submit(session: Session, actor: Actor, audit_ref: str) -> Audit:
    """Submit the audit for review, signing its record as the assessor.

    :raises WorkflowError: wrong state, not an assessor, anything unrated,
        unjustified or still carried over.
    """
    audit = find_audit(session, audit_ref)
    _require_state(audit, AuditState.IN_PROGRESS)
    require_role(actor, Role.ASSESSOR, session=session)
    _require_assessor(session, actor, audit)
    findings = _findings(session, audit)
    carried = [f.criterion_id for f in findings if f.carried_over]
    if carried:
        raise WorkflowError(f"{len(carried)} carried-over ratings are not re-confirmed: "
                            f"{', '.join(carried[:8])}", criteria=carried, check="carried-over")
    result = audit_grade(session, audit)
    if not result.complete:
        open_items = sorted({r.criterion_id or r.code.value for r in result.reasons
                             if r.code.value in ("unrated", "na_without_justification",
                                                 "unknown_rating")})
        raise WorkflowError(f"the audit is not complete: {', '.join(open_items[:8])}"
                            + (" ..." if len(open_items) > 8 else ""),
                            criteria=open_items, check="incomplete")
    audit.submitted_at = utcnow().replace(microsecond=0)
    data = canonical_bytes(audit_record(session, audit))
    jws = sign_compact(data, actor.key.private_key, kid=actor.key.kid, typ=RECORD_TYP)
    _check_signed_by(session, jws, RECORD_TYP, actor.user_id)
    old_state = audit.state
    audit.assessor_signature, audit.signed_record_hash = jws, sha256_hex(data)
    audit.reviewer_signature, audit.reviewer_id, audit.approved_at = None, None, None
    audit.state = AuditState.SUBMITTED
    session.flush()
    append_event(session, audit.id, actor=actor.name, action="submit", changes=[
        ("state", old_state, AuditState.SUBMITTED), ("record_hash", None, sha256_hex(data))])
    return audit


def _check_signed_by(session: Session, jws: str, typ: str, user_id: str) -> None:
    user = session.get(User, user_id)
    assert user is not None
    if not verify_jws(parse_compact(jws, typ=typ), public_key_of(user)):
        raise FourEyesError(f"{user.name}'s key is not the key registered for them",
                            user=user.name, check="wrong-key")


def _reviewer_rules(session: Session, actor: Actor, audit: Audit) -> None:
    if Role.REVIEWER not in current_roles(session, actor):
        raise FourEyesError(f"{actor.name} does not hold the reviewer role",
                            user=actor.name, check="reviewer-role")
    if actor.user_id in {u.id for u in audit.assessors}:
        raise FourEyesError(f"{actor.name} assessed audit {audit.id[:8]} and cannot review it",
                            user=actor.name, check="reviewer-is-assessor")
    submitter = _signer(session, audit.assessor_signature, RECORD_TYP, "assessor")
    if submitter.id == actor.user_id or submitter.key_id == actor.key.kid:
        raise FourEyesError(f"{actor.name} submitted audit {audit.id[:8]} and cannot approve it",
                            user=actor.name, check="reviewer-is-submitter")


def return_audit(session: Session, actor: Actor, audit_ref: str, comment: str) -> Audit:
    """Send a submitted audit back to its assessors with a comment (reviewers only)."""
    audit = find_audit(session, audit_ref)
    _require_state(audit, AuditState.SUBMITTED)
    _reviewer_rules(session, actor, audit)
    if not comment.strip():
        raise WorkflowError("returning an audit needs a comment")
    audit.state, audit.return_comment = AuditState.RETURNED, comment
    audit.assessor_signature = audit.signed_record_hash = None
    session.flush()
    append_event(session, audit.id, actor=actor.name, action="return",
                 changes=[("state", AuditState.SUBMITTED, AuditState.RETURNED)], reason=comment)
    return audit


def approve(session: Session, actor: Actor, audit_ref: str) -> Audit:
    """Approve a submitted audit, countersigning its record as the reviewer.

    :raises FourEyesError: the reviewer lacks the role, assessed or submitted the audit.
    :raises WorkflowError: wrong state, or the audit changed since it was signed.
    """
    audit = find_audit(session, audit_ref)
    _require_state(audit, AuditState.SUBMITTED)
    _reviewer_rules(session, actor, audit)
    record_hash = _check_record(session, audit)
    now = utcnow().replace(microsecond=0)
    approval = {"type": "certbench-approval", "v": 1, "audit": audit.id,
                "record_hash": record_hash, "reviewer": actor.name, "approved_at": format_time(now)}
    jws = sign_compact(canonical_bytes(approval), actor.key.private_key, kid=actor.key.kid,
                       typ=APPROVAL_TYP)
    _check_signed_by(session, jws, APPROVAL_TYP, actor.user_id)
    audit.reviewer_id, audit.reviewer_signature = actor.user_id, jws
    audit.approved_at = audit.completed_at = now
    audit.state = AuditState.APPROVED
    session.flush()
    append_event(session, audit.id, actor=actor.name, action="approve",
                 changes=[("state", AuditState.SUBMITTED, AuditState.APPROVED),
                          ("reviewer", None, actor.name)])
    return audit


@dataclass(frozen=True, slots=True)
class SignedAudit:
    """An approved audit whose signatures and record were all checked."""

    record_hash: str
    assessor: User
    reviewer: User


def _signer(session: Session, jws: str | None, typ: str, who: str) -> User:
    if not jws:
        raise FourEyesError(f"the audit carries no {who} signature", check=f"{who}-missing")
    try:
        parsed = parse_compact(jws, typ=typ)
    except MalformedError as exc:
        raise FourEyesError(f"the {who} signature is malformed: {exc.message}",
                            check=f"{who}-malformed") from exc
    user = session.scalars(sa.select(User).where(User.key_id == parsed.kid)).first()
    if user is None:
        raise FourEyesError(f"the {who} signature is by a key no user holds",
                            check=f"{who}-unknown-key")
    if not verify_jws(parsed, public_key_of(user)):
        raise FourEyesError(f"the {who} signature does not verify under {user.name}'s key",
                            check=f"{who}-invalid")
    return user


def _check_record(session: Session, audit: Audit) -> str:
    """Hash of the current record, which must be the record the assessor signed."""
    signer = _signer(session, audit.assessor_signature, RECORD_TYP, "assessor")
    if signer.id not in {u.id for u in audit.assessors} or Role.ASSESSOR not in signer.roles:
        raise FourEyesError(f"{signer.name} signed but is not an assessor of the audit",
                            check="assessor-not-on-audit")
    assert audit.assessor_signature is not None
    signed = parse_compact(audit.assessor_signature, typ=RECORD_TYP).payload
    current = canonical_bytes(audit_record(session, audit))
    if signed != current or audit.signed_record_hash != sha256_hex(current):
        raise WorkflowError(f"audit {audit.id[:8]} changed after the assessor signed it",
                            audit_id=audit.id, check="record-changed")
    return sha256_hex(current)


def check_four_eyes(session: Session, audit: Audit) -> SignedAudit:
    """Check both signatures against the registered keys, the roles, and the record.

    :raises FourEyesError: a signature is missing, malformed, forged, or by the wrong person.
    :raises WorkflowError: the audit changed after it was signed.
    """
    record_hash = _check_record(session, audit)
    assessor = _signer(session, audit.assessor_signature, RECORD_TYP, "assessor")
    reviewer = _signer(session, audit.reviewer_signature, APPROVAL_TYP, "reviewer")
    if Role.REVIEWER not in reviewer.roles:
        raise FourEyesError(f"{reviewer.name} does not hold the reviewer role",
                            check="reviewer-role")
    if reviewer.id != audit.reviewer_id:
        raise FourEyesError("the approval was signed by someone other than the recorded reviewer",
                            check="reviewer-mismatch")
    if reviewer.id in {u.id for u in audit.assessors} or reviewer.id == assessor.id \
            or reviewer.key_id == assessor.key_id:
        raise FourEyesError(f"{reviewer.name} both assessed and approved the audit",
                            check="reviewer-is-assessor")
    assert audit.reviewer_signature is not None
    approval = parse_compact(audit.reviewer_signature, typ=APPROVAL_TYP)
    from certbench.certify.jws import loads_strict

    body = loads_strict(approval.payload)
    if not isinstance(body, dict) or body.get("audit") != audit.id \
            or body.get("record_hash") != record_hash:
        raise FourEyesError("the approval does not countersign this audit record",
                            check="approval-mismatch")
    return SignedAudit(record_hash, assessor, reviewer)


# --- complaints ------------------------------------------------------------------------

def add_complaint(session: Session, actor: Actor, merchant_ref: str, summary: str, *,
                  channel: str = "", received_at: datetime | None = None,
                  contact: str = "") -> Complaint:
    """Record a complaint about a merchant; it is tied to the merchant's valid certificate."""
    from certbench.domain import CertificateStatus

    merchant = find_merchant(session, merchant_ref)
    if not summary.strip():
        raise WorkflowError("a complaint needs a summary")
    certificate = session.scalars(
        sa.select(Certificate).where(Certificate.merchant_id == merchant.id,
                                     Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.issued_at.desc()).limit(1)).first()
    complaint = Complaint(merchant_id=merchant.id, received_at=received_at or utcnow(),
                         channel=channel, summary=summary, complainant_contact=contact,
                         certificate_id=certificate.id if certificate else None)
    session.add(complaint)
    session.flush()
    return complaint


def link_complaint(session: Session, actor: Actor, complaint_id: str, audit_ref: str) -> Complaint:
    """Link a complaint to the merchant's surveillance (or re-assessment) audit.

    :raises WorkflowError: the audit is of another merchant or not a follow-up audit.
    """
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        matches = list(session.scalars(sa.select(Complaint).where(
            Complaint.id.startswith(complaint_id)).limit(2))) if len(complaint_id) >= 4 else []
        if len(matches) != 1:
            raise NotFoundError(f"no complaint {complaint_id!r}")
        complaint = matches[0]
    audit = find_audit(session, audit_ref)
    if audit.merchant_id != complaint.merchant_id:
        raise WorkflowError("the audit is of another merchant than the complaint")
    if audit.kind not in (AuditKind.SURVEILLANCE, AuditKind.REASSESSMENT):
        raise WorkflowError("a complaint is linked to a surveillance or re-assessment audit")
    complaint.surveillance_audit_id = audit.id
    complaint.status = ComplaintStatus.INVESTIGATING
    session.flush()
    append_event(session, audit.id, actor=actor.name, action="complaint",
                 changes=[("complaint", None, {"id": complaint.id,
                                               "summary": complaint.summary})])
    return complaint


# --- reading -------------------------------------------------------------------------

def audit_summary(session: Session, audit_ref: str) -> dict[str, object]:
    """What ``audit show`` prints: header, progress, grade and signatures."""
    audit = find_audit(session, audit_ref)
    findings = _findings(session, audit)
    result = audit_grade(session, audit)
    cert = session.scalars(sa.select(Certificate.number).where(Certificate.audit_id == audit.id)
                           ).first()
    samples = session.scalar(sa.select(sa.func.count()).select_from(Sample)
                             .where(Sample.audit_id == audit.id))
    return {
        "id": audit.id, "merchant": audit.merchant.legal_name, "kind": audit.kind.value,
        "state": audit.state.value, "form": f"{audit.form_id}@{audit.form_version}",
        "assessors": [u.name for u in audit.assessors],
        "reviewer": audit.reviewer.name if audit.reviewer else None,
        "rated": sum(1 for f in findings if f.rating is not None),
        "carried_over": [f.criterion_id for f in findings if f.carried_over],
        "evidence": len(evidence_digests(session, audit.id)), "samples": samples,
        "grade": result.grade, "score": str(result.score) if result.score is not None else None,
        "certifiable": result.certifiable, "complete": result.complete,
        "reasons": [{"code": r.code.value, "criterion": r.criterion_id, "domain": r.domain_id,
                     "detail": r.detail} for r in result.reasons],
        "assessor_signed": bool(audit.assessor_signature),
        "reviewer_signed": bool(audit.reviewer_signature),
        "return_comment": audit.return_comment, "certificate": cert,
    }
