"""The trust file: which issuer keys a verifier accepts, and when.

A certification body publishes one trust file. It lists every issuer key it has
ever used with its window of use and status::

    {"format": "certbench-trust", "version": 1,
     "body": {"name": ..., "id": ...}, "issued_at": "...Z",
     "keys": [{"kid": ..., "jwk": {crv, kty, x, y}, "certificate": "<PEM>",
               "valid_from": "...Z", "valid_until": "...Z",
               "status": "active" | "retired" | "compromised",
               "compromised_at": "...Z" | null}],
     "signature": "<compact JWS, detached payload>"}

Rules a verifier applies to a signature made at time ``T`` under key ``kid``:

- the key is listed, and ``valid_from <= T <= valid_until`` (a retired key's
  ``valid_until`` is the moment it was retired, so the seals it signed before
  keep verifying);
- a compromised key vouches only for ``T < compromised_at``.

A seal failing these is **UNKNOWN ISSUER**, never VALID.

The file is signed with the body's newest active key over the RFC 8785 bytes of
the document without ``signature`` (a detached-payload JWS, ``typ``
``cbtrust+jws``). :func:`load_trust` refuses a file whose signature does not
verify under the key it names from its own list, or whose signer was not active.
The signature protects integrity in transit; it cannot make a first trust file
trustworthy — that comes from how the body hands it out (its website, a printed
key id). A later trust file signed by a key the old one lists continues the chain.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from certbench import assets
from certbench.canonical import canonical_bytes
from certbench.certify.fileio import read_limited
from certbench.certify.jws import (
    canonical_plain,
    loads_strict,
    parse_compact,
    sign_compact,
    verify_jws,
)
from certbench.certify.keys import IssuerKey, format_time, key_id, parse_time, public_jwk
from certbench.errors import MalformedError, SignatureInvalidError

__all__ = [
    "TRUST_FORMAT",
    "KeyStatus",
    "TrustFile",
    "TrustedKey",
    "default_trust_path",
    "load_trust",
    "trust_file_bytes",
    "with_status",
]

TRUST_FORMAT = "certbench-trust"
TRUST_TYP = "cbtrust+jws"


class KeyStatus(enum.StrEnum):
    """Where an issuer key is in its life."""

    ACTIVE = "active"
    RETIRED = "retired"
    COMPROMISED = "compromised"


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """One issuer key as the trust file lists it."""

    kid: str
    certificate: x509.Certificate
    valid_from: datetime
    valid_until: datetime
    """End of the window of use: the certificate's end, or the moment of retirement."""
    status: KeyStatus
    compromised_at: datetime | None = None
    public_key: ec.EllipticCurvePublicKey = field(init=False, repr=False, compare=False)
    """The key's public half, taken from the certificate once (not parsed per seal)."""

    def __post_init__(self) -> None:
        key = self.certificate.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise MalformedError(f"trust file: key {self.kid[:16]} is not an EC key")
        object.__setattr__(self, "public_key", key)

    def problem_at(self, moment: datetime) -> str:
        """Why this key cannot vouch for a signature made at ``moment``; ``""`` if it can."""
        if self.compromised_at is not None and moment >= self.compromised_at:
            return f"issuer key compromised at {format_time(self.compromised_at)}"
        if moment < self.valid_from:
            return f"signed before the issuer key's window ({format_time(self.valid_from)})"
        if moment > self.valid_until:
            return f"signed after the issuer key's window ended ({format_time(self.valid_until)})"
        return ""

    def to_json(self) -> dict[str, object]:
        """The key's entry in the trust file."""
        return {
            "kid": self.kid,
            "jwk": public_jwk(self.public_key),
            "certificate": self.certificate.public_bytes(serialization.Encoding.PEM)
            .decode("ascii"),
            "valid_from": format_time(self.valid_from),
            "valid_until": format_time(self.valid_until),
            "status": self.status.value,
            "compromised_at": (format_time(self.compromised_at)
                               if self.compromised_at is not None else None),
        }


@dataclass(frozen=True, slots=True)
class TrustFile:
    """A loaded, signature-checked trust file."""

    body_name: str
    body_id: str
    issued_at: datetime
    keys: tuple[TrustedKey, ...]
    signed_by: str
    """Key id of the key that signed the file."""

    def key(self, kid: str) -> TrustedKey | None:
        """The listed key with ``kid``, or ``None``."""
        for k in self.keys:
            if k.kid == kid:
                return k
        return None

    def check(self, kid: str, moment: datetime) -> tuple[TrustedKey | None, str]:
        """The key and ``""`` when ``kid`` may vouch for a signature made at ``moment``,
        else the key (or ``None``) and the reason it may not."""
        key = self.key(kid)
        if key is None:
            return None, f"issuer key {kid[:16]} is not in the trust file"
        return key, key.problem_at(moment)


def default_trust_path() -> Path:
    """``<user data dir>/trust.json``: the trust file ``certbench verify`` uses by default."""
    return assets.user_data_dir() / "trust.json"


def _unsigned_document(body_name: str, body_id: str, issued_at: datetime,
                       keys: Sequence[TrustedKey]) -> dict[str, object]:
    return {
        "format": TRUST_FORMAT, "version": 1,
        "body": {"name": body_name, "id": body_id},
        "issued_at": format_time(issued_at),
        "keys": [k.to_json() for k in keys],
    }


def trust_file_bytes(body_name: str, body_id: str, keys: Sequence[TrustedKey],
                     signer: IssuerKey, *, issued_at: datetime) -> bytes:
    """The signed trust file listing ``keys``, signed by ``signer`` (which must be listed
    and active at ``issued_at``)."""
    listed = next((k for k in keys if k.kid == signer.kid), None)
    if listed is None or listed.status is not KeyStatus.ACTIVE or listed.problem_at(issued_at):
        raise SignatureInvalidError("the trust file must be signed by a listed, active key")
    document = _unsigned_document(body_name, body_id, issued_at, keys)
    jws = sign_compact(canonical_bytes(document), signer.private_key, kid=signer.kid,
                       typ=TRUST_TYP)
    header, _, signature = jws.split(".")
    return canonical_bytes({**document, "signature": f"{header}..{signature}"}) + b"\n"


def _parse_key(entry: object) -> TrustedKey:
    if not isinstance(entry, dict):
        raise MalformedError("trust file: a key entry is not an object")
    pem, kid, status = entry.get("certificate"), entry.get("kid"), entry.get("status")
    if not isinstance(pem, str) or not isinstance(kid, str) or not isinstance(status, str):
        raise MalformedError("trust file: key entry lacks kid, certificate or status")
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
        key_status = KeyStatus(status)
    except (ValueError, UnicodeError) as exc:
        raise MalformedError(f"trust file: bad key entry {kid[:16]}") from exc
    public = certificate.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey) or not isinstance(
            public.curve, ec.SECP256R1):
        raise MalformedError(f"trust file: key {kid[:16]} is not a P-256 key")
    if key_id(public) != kid or entry.get("jwk") != public_jwk(public):
        raise MalformedError(f"trust file: key id {kid[:16]} does not match its certificate")
    raw_compromised = entry.get("compromised_at")
    compromised = None if raw_compromised is None else parse_time(raw_compromised)
    if (compromised is not None) != (key_status is KeyStatus.COMPROMISED):
        raise MalformedError(f"trust file: key {kid[:16]} status and compromised_at disagree")
    return TrustedKey(kid, certificate, parse_time(entry.get("valid_from")),
                      parse_time(entry.get("valid_until")), key_status, compromised)


def _parse_body(document: Mapping[str, object]) -> tuple[str, str]:
    body = document.get("body")
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) \
            or not isinstance(body.get("id"), str):
        raise MalformedError("trust file: body name and id are missing")
    return str(body["name"]), str(body["id"])


def load_trust(source: bytes | Path) -> TrustFile:
    """Read and check a trust file (bytes or a path).

    :raises MalformedError: not a well-formed trust file.
    :raises SignatureInvalidError: its signature does not verify under its signer,
        or the signer is not a listed, active key.
    """
    data = source if isinstance(source, bytes) else read_limited(source, what="trust file")
    document = loads_strict(data, what="trust file")
    if not isinstance(document, dict) or document.get("format") != TRUST_FORMAT \
            or document.get("version") != 1:
        raise MalformedError("not a certbench trust file")
    raw_keys = document.get("keys")
    signature = document.get("signature")
    if not isinstance(raw_keys, list) or not isinstance(signature, str):
        raise MalformedError("trust file: keys or signature are missing")
    name, body_id = _parse_body(document)
    issued_at = parse_time(document.get("issued_at"))
    keys = tuple(_parse_key(entry) for entry in raw_keys)
    if len({k.kid for k in keys}) != len(keys):
        raise MalformedError("trust file: a key is listed twice")
    unsigned = {k: v for k, v in document.items() if k != "signature"}
    try:
        signed_bytes = canonical_plain(unsigned)
    except ValueError as exc:
        raise MalformedError("trust file: cannot be canonicalised") from exc
    parsed = parse_compact(signature, typ=TRUST_TYP, detached_payload=signed_bytes)
    trust = TrustFile(name, body_id, issued_at, keys, parsed.kid)
    signer = trust.key(parsed.kid)
    if signer is None or signer.status is not KeyStatus.ACTIVE or signer.problem_at(issued_at):
        raise SignatureInvalidError("trust file is not signed by one of its active keys")
    if not verify_jws(parsed, signer.public_key):
        raise SignatureInvalidError("trust file signature does not verify")
    return trust


def with_status(key: TrustedKey, status: KeyStatus, *, at: datetime | None = None) -> TrustedKey:
    """``key`` retired (window ends at ``at``) or compromised at ``at``."""
    if status is KeyStatus.RETIRED and at is not None:
        return replace(key, status=status, valid_until=min(key.valid_until, at))
    if status is KeyStatus.COMPROMISED:
        return replace(key, status=status, compromised_at=at)
    return replace(key, status=status)
