"""The package manifest: what the package holds, who sent it, and their signature.

``manifest.json`` is RFC 8785 canonical JSON::

    {"format": "certbench-package", "version": 1, "package_id": <uuid>,
     "kind": "audits" | "assignments", "created_at": "...Z",
     "sender": {"user": <name>, "key_id": <kid>, "device_id": <uuid>, "device_name": ...},
     "recipient_key_id": <kid> | null,
     "forms": [{"id", "version", "hash"}, ...],
     "records": [{"type", "id", "revision", "base", "data"}, ...],
     "journal": [{"id", "audit_id", "seq", "actor", "at", "action", "payload",
                  "prev_hash", "hash"}, ...],
     "evidence": [{"sha256", "size"}, ...]}

``forms`` pins every form the audits use by its canonical hash
(:func:`certbench.checklists.form_hash`). An assignments package also carries
each pinned form's TOML source as a ``forms/<id>/<version>.toml`` entry; that
entry is trusted only because it must parse to the hash pinned here.

``manifest.sig`` is a compact JWS (ES256, ``typ`` ``certbench-package``) with a
detached payload: the manifest bytes. ``kid`` is the sender's personal key id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from certbench.certify.jws import loads_strict, parse_compact, sign_compact, verify_jws
from certbench.errors import MalformedError
from certbench.sync.codes import PackageCode, package_error
from certbench.sync.fastjson import fast_canonical_bytes

__all__ = [
    "FORMAT",
    "JWS_TYP",
    "KINDS",
    "MANIFEST_VERSION",
    "Manifest",
    "RecordEntry",
    "parse_manifest",
    "sign_manifest",
    "verify_manifest_signature",
]

FORMAT = "certbench-package"
MANIFEST_VERSION = 1
JWS_TYP = "certbench-package"
KINDS = ("audits", "assignments")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TOP = {"format", "version", "package_id", "kind", "created_at", "sender", "recipient_key_id",
        "forms", "records", "journal", "evidence"}
_JOURNAL_KEYS = {"id", "audit_id", "seq", "actor", "at", "action", "payload", "prev_hash", "hash"}


@dataclass(frozen=True, slots=True)
class RecordEntry:
    """One record in the manifest."""

    type: str
    id: str
    revision: str
    """Hash of the record's content as sent."""
    base: str | None
    """The revision the sender's copy was edited from (``None``: new on the sender's side)."""
    data: Mapping[str, Any]

    def to_json(self) -> dict[str, object]:
        """The manifest form."""
        return {"type": self.type, "id": self.id, "revision": self.revision, "base": self.base,
                "data": dict(self.data)}


@dataclass(frozen=True, slots=True)
class Manifest:
    """A parsed, structurally checked manifest (its signature is checked separately)."""

    package_id: str
    kind: str
    created_at: datetime
    sender_user: str
    sender_key_id: str
    device_id: str
    device_name: str
    recipient_key_id: str | None
    forms: tuple[Mapping[str, str], ...]
    records: tuple[RecordEntry, ...]
    journal: tuple[Mapping[str, Any], ...]
    evidence: tuple[tuple[str, int], ...]
    """``(sha256, size)`` of every evidence file the package carries."""

    def to_json(self) -> dict[str, object]:
        """The manifest as a JSON object."""
        return {
            "format": FORMAT, "version": MANIFEST_VERSION, "package_id": self.package_id,
            "kind": self.kind,
            "created_at": self.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "sender": {"user": self.sender_user, "key_id": self.sender_key_id,
                       "device_id": self.device_id, "device_name": self.device_name},
            "recipient_key_id": self.recipient_key_id,
            "forms": [dict(f) for f in self.forms],
            "records": [r.to_json() for r in self.records],
            "journal": [dict(j) for j in self.journal],
            "evidence": [{"sha256": s, "size": n} for s, n in self.evidence],
        }

    def to_bytes(self) -> bytes:
        """The canonical bytes written as ``manifest.json`` and signed."""
        return fast_canonical_bytes(self.to_json())

    def audit_ids(self) -> list[str]:
        """Ids of the audits the package carries."""
        return [r.id for r in self.records if r.type == "audit"]


def _bad(message: str) -> Exception:
    return package_error(PackageCode.BAD_MANIFEST, f"the manifest is malformed: {message}")


def _obj(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(f"{what} is not an object")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _bad(f"{what} is not a list")
    return value


def _str(value: object, what: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
        raise _bad(f"{what} is missing or malformed")
    return value


def _record(raw: object) -> RecordEntry:
    entry = _obj(raw, "a record")
    if set(entry) != {"type", "id", "revision", "base", "data"}:
        raise _bad("a record has the wrong fields")
    base = entry["base"]
    return RecordEntry(_str(entry["type"], "a record type"),
                       _str(entry["id"], "a record id", _UUID),
                       _str(entry["revision"], "a revision", _HEX64),
                       None if base is None else _str(base, "a base revision", _HEX64),
                       _obj(entry["data"], "record data"))


def _journal(raw: object) -> dict[str, Any]:
    event = _obj(raw, "a journal event")
    if set(event) != _JOURNAL_KEYS:
        raise _bad("a journal event has the wrong fields")
    _str(event["id"], "a journal event id", _UUID)
    _str(event["audit_id"], "a journal audit id", _UUID)
    _str(event["hash"], "a journal hash", _HEX64)
    _str(event["prev_hash"], "a journal prev_hash", _HEX64)
    if not isinstance(event["seq"], int) or event["seq"] < 1:
        raise _bad("a journal event has a bad seq")
    return event


def _time(value: object, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_str(value, what))
    except ValueError:
        raise _bad(f"{what} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise _bad(f"{what} has no time zone")
    return moment.astimezone(UTC)


def _evidence(raw: object) -> tuple[str, int]:
    item = _obj(raw, "an evidence item")
    size = item.get("size")
    if set(item) != {"sha256", "size"} or not isinstance(size, int) or size < 0:
        raise _bad("an evidence item is malformed")
    return _str(item["sha256"], "an evidence hash", _HEX64), size


def parse_manifest(data: bytes) -> Manifest:
    """Parse and structurally check ``manifest.json``.

    :raises PackageError: ``unknown_version`` for another format version,
        ``bad_manifest`` for anything malformed (including non-canonical JSON).
    """
    try:
        raw = _obj(loads_strict(data, what="manifest"), "the manifest")
    except MalformedError as exc:
        raise _bad(exc.message) from exc
    if raw.get("format") != FORMAT:
        raise package_error(PackageCode.NOT_A_PACKAGE, "the manifest is not a certbench manifest")
    if raw.get("version") != MANIFEST_VERSION:
        raise package_error(PackageCode.UNKNOWN_VERSION,
                            f"manifest version {raw.get('version')!r} is not supported "
                            f"(this certbench reads version {MANIFEST_VERSION})")
    if set(raw) != _TOP:
        raise _bad(f"unexpected or missing fields {sorted(set(raw) ^ _TOP)}")
    if fast_canonical_bytes(raw) != data:
        raise _bad("it is not canonical JSON")
    sender = _obj(raw["sender"], "sender")
    if set(sender) != {"user", "key_id", "device_id", "device_name"}:
        raise _bad("sender has the wrong fields")
    kind = _str(raw["kind"], "kind")
    if kind not in KINDS:
        raise _bad(f"unknown package kind {kind!r}")
    recipient = raw["recipient_key_id"]
    return Manifest(
        package_id=_str(raw["package_id"], "package_id", _UUID), kind=kind,
        created_at=_time(raw["created_at"], "created_at"),
        sender_user=_str(sender["user"], "sender user"),
        sender_key_id=_str(sender["key_id"], "sender key id"),
        device_id=_str(sender["device_id"], "device id", _UUID),
        device_name=_str(sender["device_name"], "device name"),
        recipient_key_id=None if recipient is None else _str(recipient, "recipient key id"),
        forms=tuple(_form(f) for f in _list(raw["forms"], "forms")),
        records=tuple(_record(r) for r in _list(raw["records"], "records")),
        journal=tuple(_journal(j) for j in _list(raw["journal"], "journal")),
        evidence=tuple(_evidence(e) for e in _list(raw["evidence"], "evidence")),
    )


def _form(raw: object) -> dict[str, str]:
    form = _obj(raw, "a form")
    if set(form) != {"id", "version", "hash"}:
        raise _bad("a form entry has the wrong fields")
    return {"id": _str(form["id"], "form id"), "version": _str(form["version"], "form version"),
            "hash": _str(form["hash"], "form hash", _HEX64)}


def sign_manifest(manifest_bytes: bytes, private_key: ec.EllipticCurvePrivateKey,
                  kid: str) -> str:
    """The detached compact JWS over ``manifest_bytes`` (``header..signature``)."""
    header, _payload, signature = sign_compact(manifest_bytes, private_key, kid=kid,
                                               typ=JWS_TYP).split(".")
    return f"{header}..{signature}"


def verify_manifest_signature(signature: bytes, manifest_bytes: bytes, *,
                              expected_kid: str,
                              public_keys: Sequence[ec.EllipticCurvePublicKey]) -> None:
    """Check ``manifest.sig`` over the manifest with the sender's key.

    :raises PackageError: code ``bad_signature`` when the JWS is malformed,
        names another key, or does not verify.
    """
    try:
        parsed = parse_compact(signature.decode("ascii", "replace").strip(), typ=JWS_TYP,
                               detached_payload=manifest_bytes)
    except MalformedError as exc:
        raise package_error(PackageCode.BAD_SIGNATURE,
                            f"the package signature is malformed: {exc.message}") from exc
    if parsed.kid != expected_kid:
        raise package_error(PackageCode.BAD_SIGNATURE,
                            "the package is signed with another key than its sender's "
                            f"(key {parsed.kid}, sender's key {expected_kid})", kid=parsed.kid)
    if not any(verify_jws(parsed, key) for key in public_keys):
        raise package_error(PackageCode.BAD_SIGNATURE,
                            "the package signature does not verify: it was altered or forged")
