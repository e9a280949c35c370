"""Opening a package file and checking who sent it; shared by inspect and import.

Nothing here writes: an encrypted package is decrypted chunk by chunk as the
zip reader asks for bytes (:class:`~certbench.sync.envelope.DecryptingReader`),
never into a plaintext file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.orm import Session

from certbench.storage import Audit, Role, User, audit_assessors
from certbench.storage.sync_models import SyncDevice
from certbench.sync.archive import (
    MANIFEST_NAME,
    SIGNATURE_NAME,
    ArchiveLimits,
    PackageReader,
)
from certbench.sync.codes import PackageCode, package_error
from certbench.sync.envelope import DecryptingReader, is_encrypted, read_header
from certbench.sync.manifest import Manifest, parse_manifest, verify_manifest_signature

__all__ = ["OpenedPackage", "check_sender", "open_package"]

_AUDIT_PARTS = ("evidence", "finding", "sample")
_FIELD_TYPES = frozenset({"merchant", "merchant_site", "audit", *_AUDIT_PARTS})
_OFFICE_ROLES = frozenset({Role.ADMIN, Role.REVIEWER, Role.ISSUER})


@dataclass(frozen=True, slots=True)
class OpenedPackage:
    """A package opened for reading, with its manifest parsed (not yet trusted)."""

    reader: PackageReader
    manifest: Manifest
    manifest_bytes: bytes
    signature: bytes
    encrypted: bool
    envelope_key_id: str | None
    """The key id the envelope is addressed to (``None`` when not encrypted)."""


@contextlib.contextmanager
def open_package(path: Path, private_key: ec.EllipticCurvePrivateKey | None, *,
                 limits: ArchiveLimits | None = None) -> Iterator[OpenedPackage]:
    """Open ``path`` (encrypted or not), check the container and parse the manifest.

    :raises PackageError: the file is hostile, damaged, not addressed to
        ``private_key``, or encrypted and no key was given.
    """
    with path.open("rb") as raw:
        encrypted = is_encrypted(raw.read(8))
        raw.seek(0)
        envelope_kid = None
        source: BinaryIO = raw
        if encrypted:
            envelope_kid = read_header(raw).recipient_key_id
            if private_key is None:
                raise package_error(PackageCode.WRONG_RECIPIENT,
                                    f"the package is encrypted to key {envelope_kid}; "
                                    "give the private key it is addressed to",
                                    recipient=envelope_kid)
            source = cast(BinaryIO, DecryptingReader(raw, private_key))
        with PackageReader(source, limits) as reader:
            manifest_bytes = reader.read_metadata(MANIFEST_NAME)
            signature = reader.read_metadata(SIGNATURE_NAME)
            manifest = parse_manifest(manifest_bytes)
            _check_evidence_listing(reader, manifest)
            _check_form_listing(reader, manifest)
            if encrypted and manifest.recipient_key_id != envelope_kid:
                raise package_error(PackageCode.BAD_MANIFEST,
                                    "the envelope and the signed manifest name different "
                                    "recipients")
            yield OpenedPackage(reader, manifest, manifest_bytes, signature, encrypted,
                                envelope_kid)


def _check_evidence_listing(reader: PackageReader, manifest: Manifest) -> None:
    listed = dict(manifest.evidence)
    present = {e.sha256: e.size for e in reader.evidence}
    if listed != present:
        raise package_error(PackageCode.BAD_MANIFEST,
                            "the evidence files in the package are not the ones its manifest "
                            f"lists ({len(present)} files, {len(listed)} listed)")
    referenced = {str(r.data.get("sha256")) for r in manifest.records if r.type == "evidence"}
    if not referenced <= set(listed):
        raise package_error(PackageCode.BAD_MANIFEST,
                            "an evidence record points at a file the package does not carry")


def _check_form_listing(reader: PackageReader, manifest: Manifest) -> None:
    pinned = {(f["id"], f["version"]) for f in manifest.forms}
    for entry in reader.forms:
        if entry.form not in pinned:
            raise package_error(PackageCode.BAD_MANIFEST,
                                f"the package carries {entry.name!r}, a form its manifest does "
                                "not pin", entry=entry.name)


def _public_key(user: User) -> ec.EllipticCurvePublicKey:
    try:
        key = serialization.load_pem_public_key((user.public_key_pem or "").encode())
    except ValueError:
        key = None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise package_error(PackageCode.UNKNOWN_SENDER,
                            f"user {user.name!r} has no usable public key in this database",
                            user=user.name)
    return key


def check_sender(session: Session, opened: OpenedPackage) -> User:
    """Verify the signature and that the sender, device and content are acceptable here.

    :raises PackageError: ``unknown_sender``, ``bad_signature``, ``unknown_device``
        or ``sender_not_allowed``.
    """
    manifest = opened.manifest
    user = session.scalars(sa.select(User).where(User.name == manifest.sender_user)).first()
    if user is None or not user.active:
        raise package_error(PackageCode.UNKNOWN_SENDER,
                            f"the sender {manifest.sender_user!r} is not a user of this database",
                            user=manifest.sender_user)
    if user.key_id != manifest.sender_key_id:
        raise package_error(PackageCode.UNKNOWN_SENDER,
                            f"the package names a key for {user.name!r} that this database does "
                            "not hold for that user", user=user.name)
    verify_manifest_signature(opened.signature, opened.manifest_bytes,
                              expected_kid=user.key_id or "", public_keys=[_public_key(user)])
    _check_device(session, manifest, user)
    _check_role(session, manifest, user)
    if manifest.kind != "assignments" and opened.reader.forms:
        raise _not_allowed("an audit package may not carry forms: forms are published by the "
                           "office and travel only in assignments")
    return user


def _check_device(session: Session, manifest: Manifest, user: User) -> None:
    device = session.get(SyncDevice, manifest.device_id)
    if device is None or device.is_local:
        raise package_error(PackageCode.UNKNOWN_DEVICE,
                            f"the package comes from device {manifest.device_name!r} "
                            f"({manifest.device_id}), which this database does not know; "
                            "register it first", device=manifest.device_id)
    if device.user_id is not None and device.user_id != user.id:
        raise package_error(PackageCode.SENDER_NOT_ALLOWED,
                            f"device {device.name!r} belongs to another user than "
                            f"{user.name!r}", device=device.id)


def _not_allowed(message: str, **context: object) -> Exception:
    return package_error(PackageCode.SENDER_NOT_ALLOWED, message, **context)


def _check_role(session: Session, manifest: Manifest, user: User) -> None:
    audit_ids = set(manifest.audit_ids())
    for record in manifest.records:
        if record.type in _AUDIT_PARTS and record.data.get("audit_id") not in audit_ids:
            raise _not_allowed(f"a {record.type} record belongs to an audit the package "
                               "does not carry")
    for event in manifest.journal:
        if event["audit_id"] not in audit_ids:
            raise _not_allowed("a journal event belongs to an audit the package does not carry")
    if manifest.kind == "assignments":
        if not user.roles & _OFFICE_ROLES:
            raise _not_allowed(f"{user.name!r} may not send assignments (needs an office role)",
                               user=user.name)
        return
    if Role.ASSESSOR not in user.roles:
        raise _not_allowed(f"{user.name!r} may not send audits (not an assessor)", user=user.name)
    for record in manifest.records:
        if record.type not in _FIELD_TYPES:
            raise _not_allowed(f"an audit package may not carry {record.type} records")
        if record.type == "audit":
            _check_assessor(session, record.id, record.data.get("assessors"), user)


def _check_assessor(session: Session, audit_id: str, assessors: object, user: User) -> None:
    if not isinstance(assessors, list) or user.id not in assessors:
        raise _not_allowed(f"{user.name!r} is not an assessor of audit {audit_id}",
                           audit_id=audit_id)
    if session.get(Audit, audit_id) is not None:
        local = set(session.scalars(sa.select(audit_assessors.c.user_id)
                                    .where(audit_assessors.c.audit_id == audit_id)))
        if user.id not in local:
            raise _not_allowed(f"{user.name!r} is not an assessor of audit {audit_id} here",
                               audit_id=audit_id)
