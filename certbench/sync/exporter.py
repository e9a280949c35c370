"""Export: audits (field to office) or assignments (office to field) as a signed package.

An assignments package also carries the TOML source of every form its audits
pin (``forms/<id>/<version>.toml``), so a field laptop that lacks a form
version receives it; the signed manifest pins each form's hash. Audits
packages carry no forms: forms are published by the office.

The package is zipped, signed and encrypted in one streaming pass: evidence is
read from the vault once, hashed on the way (a damaged vault object never
travels), and the zip is fed straight into the encrypting writer. The file
appears at its final name only when complete (written as ``*.partial``, then
renamed).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.orm import InstrumentedAttribute, Session

from certbench.certify.keys import UserKey
from certbench.errors import NotFoundError
from certbench.evidence import Vault
from certbench.storage import (
    Audit,
    Body,
    Database,
    Evidence,
    Finding,
    JournalEvent,
    Merchant,
    MerchantSite,
    Sample,
    User,
)
from certbench.storage.models import Base
from certbench.storage.sync_models import SyncBase, SyncPackage
from certbench.sync.archive import Cancelled, PackageWriter, Progress
from certbench.sync.codes import PackageCode, package_error
from certbench.sync.devices import local_device
from certbench.sync.envelope import EncryptingWriter, public_key_id
from certbench.sync.forms import form_sources
from certbench.sync.manifest import KINDS, Manifest, RecordEntry, sign_manifest
from certbench.sync.records import content_of, revision, spec

__all__ = ["ExportResult", "export_package"]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    package_id: str
    kind: str
    records: int
    evidence_files: int
    evidence_bytes: int
    encrypted: bool
    recipient_key_id: str | None


def _entry(session: Session, type_name: str, row: Base) -> RecordEntry:
    record_spec = spec(type_name)
    content = content_of(session, record_spec, row)
    record_id = str(content["id"])
    base = session.get(SyncBase, (type_name, record_id))
    return RecordEntry(type_name, record_id, revision(record_spec, content),
                       base.revision if base else None, content)


def _audits(session: Session, audit_ids: Sequence[str]) -> list[Audit]:
    audits = []
    for audit_id in dict.fromkeys(audit_ids):
        audit = session.get(Audit, audit_id)
        if audit is None:
            raise NotFoundError(f"no audit {audit_id}", audit_id=audit_id)
        audits.append(audit)
    return audits


def _rows(session: Session, model: type[Base], column: InstrumentedAttribute[str],
          ids: Sequence[str]) -> list[Base]:
    query = sa.select(model).where(column.in_(list(ids))).order_by(model.id)  # type: ignore[attr-defined]
    return list(session.scalars(query))


def _collect(session: Session, kind: str, audits: list[Audit],
             merchant_ids: Sequence[str]) -> tuple[list[RecordEntry], list[dict[str, object]]]:
    ids = [a.id for a in audits]
    merchants = sorted({a.merchant_id for a in audits} | set(merchant_ids))
    groups: list[tuple[str, list[Base]]] = []
    if kind == "assignments":
        groups += [("body", list(session.scalars(sa.select(Body).order_by(Body.id)))),
                   ("user", list(session.scalars(sa.select(User).order_by(User.id))))]
    groups += [
        ("merchant", _rows(session, Merchant, Merchant.id, merchants)),
        ("merchant_site", _rows(session, MerchantSite, MerchantSite.merchant_id, merchants)),
        ("audit", list(audits)),
        ("evidence", _rows(session, Evidence, Evidence.audit_id, ids)),
        ("finding", _rows(session, Finding, Finding.audit_id, ids)),
        ("sample", _rows(session, Sample, Sample.audit_id, ids)),
    ]
    records = [_entry(session, name, row) for name, rows in groups for row in rows]
    events = session.scalars(sa.select(JournalEvent).where(JournalEvent.audit_id.in_(ids))
                             .order_by(JournalEvent.audit_id, JournalEvent.seq))
    journal: list[dict[str, object]] = [
        {"id": e.id, "audit_id": e.audit_id, "seq": e.seq, "actor": e.actor,
         "at": e.at.astimezone(UTC).isoformat(), "action": e.action, "payload": e.payload,
         "prev_hash": e.prev_hash, "hash": e.hash}
        for e in events]
    return records, journal


def _sender(session: Session, key: UserKey) -> User:
    user = session.scalars(sa.select(User).where(User.name == key.name)).first()
    if user is None or user.key_id != key.kid:
        raise package_error(PackageCode.UNKNOWN_SENDER,
                            f"the key of {key.name!r} is not the one this database holds for "
                            "that user, so no receiver could verify the package", user=key.name)
    return user


def _build_manifest(db: Database, kind: str, audit_ids: Sequence[str], *,
                    merchant_ids: Sequence[str], key: UserKey,
                    recipient_kid: str | None) -> Manifest:
    with db.session() as session:
        _sender(session, key)
        device = local_device(session)
        audits = _audits(session, audit_ids)
        records, journal = _collect(session, kind, audits, merchant_ids)
        forms = sorted({(a.form_id, a.form_version, a.form_hash) for a in audits})
        evidence = sorted({(str(r.data["sha256"]), int(cast(int, r.data["size"])))
                           for r in records if r.type == "evidence"})
        return Manifest(
            package_id=str(uuid.uuid4()), kind=kind,
            created_at=datetime.now(UTC).replace(microsecond=0),
            sender_user=key.name, sender_key_id=key.kid, device_id=device.id,
            device_name=device.name, recipient_key_id=recipient_kid,
            forms=tuple({"id": f, "version": v, "hash": h} for f, v, h in forms),
            records=tuple(records), journal=tuple(journal), evidence=tuple(evidence))


def _write(out: BinaryIO, manifest: Manifest, manifest_bytes: bytes, *, signature: str,
           forms: list[tuple[str, str, bytes]], vault: Vault, progress: Progress | None,
           cancelled: Cancelled | None) -> None:
    total = sum(size for _, size in manifest.evidence) or 1
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done / total, "packing evidence")

    with PackageWriter(out) as writer:
        writer.add_bytes("manifest.json", manifest_bytes)
        writer.add_bytes("manifest.sig", signature.encode("ascii"))
        for form_id, version, text in forms:
            writer.add_form(form_id, version, text)
        for sha, size in manifest.evidence:
            with vault.open(sha) as source:
                writer.add_evidence(sha, source, size, on_bytes=advance, cancelled=cancelled)


def export_package(db: Database, vault: Vault, target: Path, *, key: UserKey,
                   audit_ids: Sequence[str], kind: str = "audits",
                   recipient: ec.EllipticCurvePublicKey | None,
                   merchant_ids: Sequence[str] = (),
                   progress: Callable[[float, str], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write a package of ``audit_ids`` to ``target``, signed with ``key``.

    ``kind="audits"`` carries the audits with their merchant, scope, findings,
    samples, journal, evidence metadata and files. ``kind="assignments"``
    (office to field) adds the body, the users (with their public keys), any
    ``merchant_ids`` and the TOML source of every form the audits pin. With
    ``recipient`` the package is encrypted to that key; ``recipient=None``
    writes a plain zip, for inspection only.

    Runs on a worker thread; ``progress`` and ``cancelled`` are plain callables.

    :raises PackageError: the signer is not the user this database knows, a vault
        object is damaged, a pinned form is not installed here with its pinned
        hash (assignments), or the export was cancelled.
    :raises NotFoundError: an audit does not exist.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown package kind {kind!r}")
    recipient_kid = public_key_id(recipient) if recipient is not None else None
    manifest = _build_manifest(db, kind, audit_ids, merchant_ids=merchant_ids, key=key,
                               recipient_kid=recipient_kid)
    forms = (form_sources(tuple((f["id"], f["version"], f["hash"]) for f in manifest.forms))
             if kind == "assignments" else [])
    manifest_bytes = manifest.to_bytes()
    signature = sign_manifest(manifest_bytes, key.private_key, key.kid)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as raw:
            if recipient is None:
                _write(raw, manifest, manifest_bytes, signature=signature, forms=forms,
                       vault=vault, progress=progress, cancelled=cancelled)
            else:
                encrypting = EncryptingWriter(raw, recipient)
                _write(cast(BinaryIO, encrypting), manifest, manifest_bytes, signature=signature,
                       forms=forms, vault=vault, progress=progress, cancelled=cancelled)
                encrypting.close()
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    _log_export(db, manifest, manifest_bytes)
    return ExportResult(target, manifest.package_id, kind, len(manifest.records),
                        len(manifest.evidence), sum(n for _, n in manifest.evidence),
                        recipient is not None, recipient_kid)


def _log_export(db: Database, manifest: Manifest, manifest_bytes: bytes) -> None:
    from certbench.canonical import sha256_hex

    with db.session() as session:
        session.add(SyncPackage(
            id=manifest.package_id, direction="export", kind=manifest.kind,
            sender=manifest.sender_user, device_id=manifest.device_id,
            created_at=manifest.created_at, manifest_sha256=sha256_hex(manifest_bytes),
            summary={"records": len(manifest.records), "evidence": len(manifest.evidence),
                     "audits": manifest.audit_ids()}))

