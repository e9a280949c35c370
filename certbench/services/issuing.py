"""Issuing certificates, crash-safely, and publishing the registry.

Order of an issuance (each step survives ``kill -9`` at any moment):

1. In one transaction, with the audit locked: check the four-eyes signatures,
   the record, the journal and the grade; allocate the number; sign the seal;
   render and sign the PDF and write it and the ``.cbseal`` file *staged*
   (``.<number>.pdf.staged``, fsynced) next to their final names.
2. Commit: the certificate row, its first event, the registry entry and the
   audit's ``certified`` state appear together or not at all.
3. Rename the staged files to their final names.
4. Append the new registry entries to the published registry file, sign a
   head, and write it atomically.

A crash before 2 leaves only staged files, which the next run deletes (the
number is reused). A crash after 2 leaves a certified audit whose files are
staged (or, at worst, missing) and a registry file that lags the database; the
next ``issue`` of the same audit (or :func:`recover`) finishes steps 3 and 4,
regenerating the files from the stored seal if the staged ones are gone. So
the published files never show a certificate the database does not hold, and
a re-run always completes the job.
"""

from __future__ import annotations

import calendar
import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import time as time_now
from typing import TYPE_CHECKING

import sqlalchemy as sa

from certbench.canonical import canonical_hash, sha256_hex
from certbench.certify.jws import loads_strict
from certbench.certify.registry import Registry
from certbench.certify.registry import RegistryEntry as LogEntry
from certbench.domain import AuditState, CertificateStatus, Scope
from certbench.edits import audit_form
from certbench.errors import JournalError, KeyStoreError, RegistryError, WorkflowError
from certbench.journal import append_event, verify_chain
from certbench.services.audits import (
    _findings,
    _ratings,
    audit_grade,
    check_four_eyes,
    evidence_digests,
    find_audit,
)
from certbench.services.bodies import Actor, body_paths, get_body, require_role
from certbench.storage import (
    Audit,
    Body,
    Certificate,
    CertificateEvent,
    Merchant,
    RegistryEntry,
    Role,
    utcnow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from certbench.certify.keys import IssuerKey
    from certbench.certify.seal import Seal, SealDetail
    from certbench.storage import Database

__all__ = [
    "IssuedCertificate",
    "add_months",
    "append_registry",
    "check_issuance",
    "issue_certificate",
    "load_issuer_key",
    "publish_registry",
    "recover",
    "staged_path",
]


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    """A certificate that was issued (or whose interrupted issuance was completed)."""

    certificate_id: str
    number: str
    audit_id: str
    merchant: str
    grade: str
    score: str
    seal_hash: str
    short_hash: str
    valid_from: date
    valid_until: date
    pdf_path: Path
    seal_path: Path
    completed: bool = False
    """True when this call only finished an issuance a crash had interrupted."""


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the day clamped to the month's length)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def staged_path(final: Path) -> Path:
    """Where ``final`` is written before the issuance commits."""
    return final.with_name(f".{final.name}.staged")


def load_issuer_key(session: Session, passphrase: str) -> IssuerKey:
    """The body's active issuer key, decrypted."""
    from certbench.certify.keyring import active_issuer_key

    return active_issuer_key(body_paths(get_body(session)).key_dir, passphrase)


# --- the registry ----------------------------------------------------------------------

def _db_log(session: Session) -> list[LogEntry]:
    rows = session.scalars(sa.select(RegistryEntry).order_by(RegistryEntry.seq))
    return [LogEntry.from_json(loads_strict(r.entry)) for r in rows]


def append_registry(session: Session, body: Body, entry: LogEntry) -> int:
    """Append ``entry`` to the database's registry log after replaying its history.

    :raises RegistryError: the transition is not allowed.
    """
    replay = Registry(body.name, body.code, _db_log(session))
    seq = replay.append(entry)
    data = entry.leaf()
    session.add(RegistryEntry(seq=seq, entry=data.decode("utf-8"), entry_hash=sha256_hex(data)))
    session.flush()
    return seq


def publish_registry(session: Session, key: IssuerKey) -> Path:
    """Bring the published registry file up to the database's log, sign a head, write it.

    :raises RegistryError: the file holds entries the database does not (it was tampered with).
    """
    body = get_body(session)
    path = body_paths(body).registry_path
    entries = _db_log(session)
    registry = Registry.load(path) if path.is_file() else Registry(body.name, body.code)
    published = registry.entries
    if len(published) > len(entries) or any(
            a.leaf() != b.leaf() for a, b in zip(published, entries, strict=False)):
        raise RegistryError(f"the published registry {path} does not match the database's log")
    for entry in entries[len(published):]:
        registry.append(entry)
    if registry.head is None or registry.head.size != len(entries):
        registry.sign_head(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    return registry.export(path)


# --- building the seal -----------------------------------------------------------------

def _websites(merchant: Merchant) -> tuple[str, ...]:
    return tuple(s.url for s in merchant.sites)


def _next_number(session: Session, prefix: str, year: int) -> str:
    stem = f"{prefix}-{year}-"
    numbers = session.scalars(sa.select(Certificate.number).where(
        Certificate.number.startswith(stem)))
    last = max((int(n[len(stem):]) for n in numbers if n[len(stem):].isdigit()), default=0)
    return f"{stem}{last + 1:06d}"


@dataclass(frozen=True, slots=True)
class _Built:
    seal: Seal
    detail: SealDetail
    seal_file: bytes


def _build_seal(session: Session, audit: Audit, body: Body, key: IssuerKey, *, number: str,
                now: datetime) -> _Built:
    from certbench.certify.merkle import evidence_root
    from certbench.certify.seal import (
        SealAudit,
        SealDetail,
        SealIssuer,
        SealPayload,
        SealResult,
        SealScheme,
        SealSubject,
        SealValidity,
        seal_file_bytes,
        sign_seal,
    )
    from certbench.grading import ratings_hash

    form, scope = audit_form(audit), Scope.from_json(audit.scope)
    merchant = audit.merchant
    if not merchant.country or not _websites(merchant):
        raise WorkflowError("the merchant needs a country and at least one website in scope "
                            "before a certificate can be issued", check="merchant-incomplete")
    ratings = _ratings(_findings(session, audit))
    result = audit_grade(session, audit)
    digests = evidence_digests(session, audit.id)
    months = int(form.parameter("certificate_validity_months"))
    nbf = now.date()
    assert audit.reviewer is not None and audit.approved_at is not None
    payload = SealPayload(
        no=number, iss=SealIssuer(body.name, body.code, key.kid),
        sub=SealSubject(merchant.legal_name, merchant.registration_number, merchant.country,
                        _websites(merchant)),
        sch=SealScheme(form.id, form.version, form.title.en, form.hash),
        res=SealResult.from_grade(result, ratings_hash=ratings_hash(ratings),
                                  scope_hash=canonical_hash(scope.to_json())),
        aud=SealAudit(audit.id, tuple(u.display_name or u.name for u in audit.assessors),
                      audit.reviewer.display_name or audit.reviewer.name,
                      audit.approved_at.date(), evidence_root(digests), len(digests)),
        val=SealValidity(now, nbf, add_months(nbf, months) - timedelta(days=1)))
    seal = sign_seal(payload, key)
    detail = SealDetail(tuple(ratings), scope, tuple(digests))
    return _Built(seal, detail, seal_file_bytes(seal, detail))


def _view_and_write(session: Session, audit: Audit, body: Body, built: _Built, *,
                    key: IssuerKey, signatory: str, pdf_out: Path, seal_out: Path) -> None:
    from certbench.certify.fileio import atomic_write
    from certbench.certify.pdf import CertificateView, issue_certificate_pdf
    from certbench.certify.seal import short_hash

    form = audit_form(audit)
    payload = built.seal.payload
    titles = {d.id: d.title for d in form.domains}
    order = {d.id: n for n, d in enumerate(form.domains)}  # the form's order, not the seal's
    view = CertificateView(
        number=payload.no, body_name=body.name, body_address=body.address or body.name,
        body_id=body.code, merchant_name=payload.sub.name, merchant_reg_no=payload.sub.reg,
        merchant_country=payload.sub.cc, merchant_address=audit.merchant.address,
        websites=payload.sub.web, scheme_title_en=form.title.en, scheme_title_zh=form.title.zh,
        form_id=form.id, form_version=form.version, form_hash=form.hash,
        grade=payload.res.grade, score=payload.res.score,
        domain_scores=tuple(sorted(
            ((d, titles[d].en, titles[d].zh, s) for d, s in payload.res.dom),
            key=lambda row: order[row[0]])),
        decision_date=payload.aud.done, issue_date=payload.val.iat.date(),
        valid_from=payload.val.nbf, valid_until=payload.val.exp, signatory_name=signatory,
        signatory_title="Issuer / 签发人", seal_hash=built.seal.seal_hash,
        seal_hash_short=short_hash(built.seal.seal_hash), jws=built.seal.jws,
        seal_file=built.seal_file)
    pdf_out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(seal_out, built.seal_file, mode=0o644)
    issue_certificate_pdf(view, key.private_key, key.certificate, pdf_out)


# --- issuing ---------------------------------------------------------------------------

def _lock(session: Session, audit_id: str) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.update(Audit).where(Audit.id == audit_id)
                        .values(id=Audit.id).execution_options(synchronize_session=False))
    else:
        session.execute(sa.select(Audit.id).where(Audit.id == audit_id).with_for_update())


def _checks(session: Session, audit: Audit) -> None:
    if audit.state is not AuditState.APPROVED:
        raise WorkflowError(f"audit {audit.id[:8]} is {audit.state.value}, not approved",
                            audit_id=audit.id, state=audit.state.value, check="state")
    check_four_eyes(session, audit)
    problems = verify_chain(session, audit.id)
    if problems:
        raise JournalError(f"the journal of audit {audit.id[:8]} is broken: "
                           f"event {problems[0].seq} {problems[0].kind.value}",
                           audit_id=audit.id, problems=problems)
    result = audit_grade(session, audit)
    if not result.certifiable:
        why = ", ".join(sorted({r.code.value for r in result.reasons})) or "no grade"
        raise WorkflowError(f"audit {audit.id[:8]} is not certifiable ({why})",
                            audit_id=audit.id, check="not-certifiable",
                            reasons=[r.code.value for r in result.reasons])


_STALE_TEMP_SECONDS = 600.0


def _clear_orphans(session: Session, folder: Path) -> None:
    """Delete staged files of issuances that never committed, and stale temp files."""
    if not folder.is_dir():
        return
    known = set(session.scalars(sa.select(Certificate.number)))
    for staged in folder.glob(".*.staged"):
        number = staged.name[1:].rsplit(".", 2)[0]
        if number not in known:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
    limit = time_now() - _STALE_TEMP_SECONDS
    for temp in folder.glob(".*.tmp"):  # a write killed half-way (another may be in progress)
        with contextlib.suppress(FileNotFoundError):
            if temp.stat().st_mtime < limit:
                temp.unlink()


def issue_certificate(db: Database, actor: Actor, audit_ref: str, key: IssuerKey, *,
                      out_dir: Path | None = None, now: datetime | None = None
                      ) -> IssuedCertificate:
    """Issue the certificate of an approved audit (see the module docstring for the order).

    Re-running it on an audit whose issuance was interrupted completes that issuance.

    :raises WorkflowError: not an issuer, wrong state, not certifiable, or already issued.
    :raises FourEyesError: a signature or the roles behind them fail.
    :raises JournalError: the audit's journal is broken.
    """
    with db.session() as session:
        require_role(actor, Role.ISSUER, session=session)
        body = get_body(session)
        if key.kid != _active_kid(body):
            raise WorkflowError("certificates are sealed with the body's active issuer key "
                                f"only, not {key.kid[:12]}…", check="issuer-key")
        audit = find_audit(session, audit_ref)
        existing = session.scalars(sa.select(Certificate).where(
            Certificate.audit_id == audit.id)).first()
    if existing is not None:
        return _complete_existing(db, existing.id, key, actor)
    folder = (out_dir or body_paths(body).certificates_dir).expanduser().resolve()
    moment = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    with db.session() as session:
        _lock(session, audit.id)
        _clear_orphans(session, folder)
        audit = find_audit(session, audit.id)
        if audit.state is AuditState.CERTIFIED:
            raise WorkflowError(f"audit {audit.id[:8]} is already certified", check="issued")
        _checks(session, audit)
        body = get_body(session)
        number = _next_number(session, str(body.settings.get("number_prefix", "CB")),
                              moment.year)
        built = _build_seal(session, audit, body, key, number=number, now=moment)
        pdf_path, seal_path = folder / f"{number}.pdf", folder / f"{number}.cbseal"
        _view_and_write(session, audit, body, built, key=key, signatory=actor.display_name,
                        pdf_out=staged_path(pdf_path), seal_out=staged_path(seal_path))
        cert = _record(session, audit, body, built, actor=actor, pdf_path=pdf_path,
                       seal_path=seal_path)
        cert_id = cert.id
    return _finish(db, cert_id, key, actor)


def _active_kid(body: Body) -> str | None:
    from certbench.certify.keyring import load_keyring

    try:
        return load_keyring(body_paths(body).key_dir).active().kid
    except KeyStoreError:
        return None


def _record(session: Session, audit: Audit, body: Body, built: _Built, *, actor: Actor,
            pdf_path: Path, seal_path: Path) -> Certificate:
    val = built.seal.payload.val
    cert = Certificate(
        number=built.seal.payload.no, audit_id=audit.id, merchant_id=audit.merchant_id,
        seal_hash=built.seal.seal_hash, jws=built.seal.jws, pdf_path=str(pdf_path),
        seal_path=str(seal_path), issued_at=val.iat,
        valid_from=datetime.combine(val.nbf, time(0, 0), UTC),
        valid_until=datetime.combine(val.exp, time(23, 59, 59), UTC),
        status=CertificateStatus.VALID, kid=built.seal.payload.iss.kid)
    session.add(cert)
    session.flush()
    session.add(CertificateEvent(certificate_id=cert.id, from_status=None,
                                 to_status=CertificateStatus.VALID, reason="issued",
                                 actor=actor.name, at=val.iat))
    append_registry(session, body, LogEntry.issued(
        cert.number, cert.seal_hash, audit.merchant.legal_name, val.nbf, val.exp, at=val.iat))
    append_event(session, audit.id, actor=actor.name, action="issue", changes=[
        ("state", AuditState.APPROVED, AuditState.CERTIFIED), ("certificate", None, cert.number),
        ("seal_hash", None, cert.seal_hash)])
    audit.state = AuditState.CERTIFIED
    session.flush()
    return cert


def _files_ok(cert: Certificate) -> bool:
    from certbench.certify.seal import read_seal_file
    from certbench.errors import MalformedError

    pdf, seal = Path(cert.pdf_path or ""), Path(cert.seal_path or "")
    if not pdf.is_file() or not seal.is_file():
        return False
    try:
        return read_seal_file(seal.read_bytes()).jws == cert.jws
    except MalformedError:
        return False


def _finish(db: Database, cert_id: str, key: IssuerKey, actor: Actor | None) -> IssuedCertificate:
    """Steps 3 and 4: move (or regenerate) the files into place, publish the registry."""
    with db.session() as session:
        cert = session.get(Certificate, cert_id)
        assert cert is not None and cert.pdf_path and cert.seal_path
        pdf_path, seal_path = Path(cert.pdf_path), Path(cert.seal_path)
        regenerated = False
        for final in (seal_path, pdf_path):
            staged = staged_path(final)
            if staged.is_file():
                staged.replace(final)
        if not _files_ok(cert):
            _regenerate(session, cert, key, actor)
            regenerated = True
        _fsync_dir(pdf_path.parent)
        publish_registry(session, key)
        audit = session.get(Audit, cert.audit_id)
        assert audit is not None
        from certbench.certify.seal import decode_seal

        payload = decode_seal(cert.jws).payload
        return IssuedCertificate(
            cert.id, cert.number, cert.audit_id, audit.merchant.legal_name, payload.res.grade,
            payload.res.score, cert.seal_hash, _short(cert.seal_hash), payload.val.nbf,
            payload.val.exp, pdf_path, seal_path, completed=regenerated)


def _short(seal_hash: str) -> str:
    from certbench.certify.seal import short_hash

    return short_hash(seal_hash)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _regenerate(session: Session, cert: Certificate, key: IssuerKey, actor: Actor | None) -> None:
    """Write the files of an issued certificate again from its stored seal."""
    from certbench.certify.seal import Seal, SealDetail, decode_seal, seal_file_bytes

    audit = session.get(Audit, cert.audit_id)
    assert audit is not None
    body = get_body(session)
    if cert.kid != key.kid:
        raise WorkflowError(f"certificate {cert.number} was sealed with key {cert.kid[:12]}…; "
                            "its files can only be rewritten with that key")
    decoded = decode_seal(cert.jws)
    seal = Seal(cert.jws, decoded.seal_hash, decoded.payload)
    detail = SealDetail(tuple(_ratings(_findings(session, audit))),
                        Scope.from_json(audit.scope), tuple(evidence_digests(session, audit.id)))
    built = _Built(seal, detail, seal_file_bytes(seal, detail))
    signatory = actor.display_name if actor is not None else body.name
    assert cert.pdf_path and cert.seal_path
    _view_and_write(session, audit, body, built, key=key, signatory=signatory,
                    pdf_out=Path(cert.pdf_path), seal_out=Path(cert.seal_path))


def _complete_existing(db: Database, cert_id: str, key: IssuerKey,
                       actor: Actor) -> IssuedCertificate:
    with db.session() as session:
        cert = session.get(Certificate, cert_id)
        assert cert is not None
        body = get_body(session)
        complete = _files_ok(cert) and not any(
            staged_path(Path(p)).exists() for p in (cert.pdf_path or "", cert.seal_path or ""))
        path = body_paths(body).registry_path
        if complete and path.is_file():
            published = Registry.load(path)
            complete = len(published.entries) == len(_db_log(session)) \
                and published.head is not None and published.head.size == len(published.entries)
        number = cert.number
    if complete:
        raise WorkflowError(f"the audit is already certified as {number}", check="issued",
                            number=number)
    issued = _finish(db, cert_id, key, actor)
    return IssuedCertificate(**{**{f: getattr(issued, f) for f in issued.__slots__},
                                "completed": True})


def recover(db: Database, key: IssuerKey) -> list[str]:
    """Finish every interrupted issuance and publish the registry; the numbers completed."""
    done: list[str] = []
    with db.session() as session:
        certs = [(c.id, c.number, c.pdf_path, c.seal_path)
                 for c in session.scalars(sa.select(Certificate))]
        paths = body_paths(get_body(session))
        _clear_orphans(session, paths.certificates_dir)
    for cert_id, number, pdf, seal in certs:
        staged = any(staged_path(Path(p)).exists() for p in (pdf or "", seal or ""))
        with db.session() as session:
            cert = session.get(Certificate, cert_id)
            assert cert is not None
            broken = staged or not _files_ok(cert)
        if broken:
            _finish(db, cert_id, key, None)
            done.append(number)
    with db.session() as session:
        publish_registry(session, key)
    return done


def check_issuance(session: Session) -> list[str]:
    """Disagreements between the database, the certificate files and the published registry.

    An empty list means every certificate the database holds has its PDF and seal
    file in place (holding the same seal), and the published registry carries
    exactly the database's log under a signed head.
    """
    problems: list[str] = []
    for cert in session.scalars(sa.select(Certificate).order_by(Certificate.number)):
        if not _files_ok(cert):
            pending = any(staged_path(Path(p)).exists()
                          for p in (cert.pdf_path or "", cert.seal_path or ""))
            state = "staged, not yet in place" if pending else "missing or different"
            problems.append(f"{cert.number}: files {state}")
    path = body_paths(get_body(session)).registry_path
    entries = _db_log(session)
    if not path.is_file():
        problems.append(f"registry {path} is missing")
        return problems
    published = Registry.load(path)
    if len(published.entries) != len(entries) or any(
            a.leaf() != b.leaf() for a, b in zip(published.entries, entries, strict=False)):
        problems.append(f"registry {path} holds {len(published.entries)} entries, "
                        f"the database {len(entries)}")
    elif published.head is None or published.head.size != len(entries):
        problems.append("the registry's last head does not cover every entry")
    return problems


def certificate_numbers(session: Session) -> Sequence[str]:
    """Every issued certificate number."""
    return list(session.scalars(sa.select(Certificate.number).order_by(Certificate.number)))

