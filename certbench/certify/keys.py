"""Issuer and user signing keys: generation, key ids, encrypted key files.

Every key is ECDSA P-256. An issuer key comes with a self-signed X.509
certificate (CN and O = the body's name, CA:true, keyUsage digitalSignature,
nonRepudiation and keyCertSign) so that the same key signs seals, registry heads
and, through pyHanko, the certificate PDF. The key id is the RFC 7638 JWK
thumbprint of the public key.

A private key is only ever stored encrypted. The key file is JSON::

    {"format": "certbench-key", "version": 1, "kind": "issuer" | "user",
     "kid": ..., "name": ..., "created": "...Z",
     "public_key": "<PEM>", "certificate": "<PEM>" | null,
     "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "<b64url>"},
     "cipher": {"name": "AES-256-GCM", "nonce": "<b64url>"},
     "ciphertext": "<b64url of the encrypted PKCS#8 DER>"}

scrypt turns the passphrase into the 32-byte AES key; the kind and key id are
bound to the ciphertext as associated data. Files are written atomically with
mode 0600 (see :func:`certbench.certify.fileio.atomic_write`).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.x509.oid import NameOID

from certbench import assets
from certbench.canonical import canonical_bytes
from certbench.certify.fileio import atomic_write, read_limited
from certbench.certify.jws import b64url_decode, b64url_encode, loads_strict
from certbench.errors import KeyStoreError, MalformedError, WrongPassphraseError

__all__ = [
    "IssuerKey",
    "PublicKeyFile",
    "UserKey",
    "default_key_dir",
    "format_time",
    "generate_issuer_key",
    "generate_user_key",
    "key_file_name",
    "key_id",
    "load_issuer_key",
    "load_key",
    "parse_time",
    "public_jwk",
    "read_public",
    "save_key",
]

KEY_FORMAT = "certbench-key"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_MAX_KEY_FILE = 1024 * 1024
_UTC_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """The certification body's signing key and its self-signed certificate."""

    private_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    kid: str
    """RFC 7638 thumbprint of the public key (base64url SHA-256)."""
    created: datetime

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        """The public half of the key."""
        return self.private_key.public_key()

    @property
    def name(self) -> str:
        """The body's name (the certificate's common name)."""
        return _common_name(self.certificate)


@dataclass(frozen=True, slots=True)
class UserKey:
    """A person's own signing key (field packages, approvals)."""

    private_key: ec.EllipticCurvePrivateKey
    name: str
    kid: str
    created: datetime

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        """The public half of the key."""
        return self.private_key.public_key()


@dataclass(frozen=True, slots=True)
class PublicKeyFile:
    """What a key file shows without its passphrase."""

    kind: str
    """``"issuer"`` or ``"user"``."""
    kid: str
    name: str
    created: datetime
    public_key: ec.EllipticCurvePublicKey
    certificate: x509.Certificate | None
    """The issuer's certificate; ``None`` for a user key."""


def format_time(moment: datetime) -> str:
    """UTC ISO-8601 with seconds and ``Z``, e.g. ``2026-11-24T10:00:00Z``."""
    if moment.tzinfo is None:
        raise ValueError("a time must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: object) -> datetime:
    """Inverse of :func:`format_time`; anything else is :class:`MalformedError`."""
    if not isinstance(text, str) or not _UTC_TIME.fullmatch(text):
        raise MalformedError(f"not a UTC time like 2026-11-24T10:00:00Z: {str(text)[:40]!r}")
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError as exc:
        raise MalformedError(f"not a UTC time: {text!r}") from exc


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    """The public key as an EC JWK with only the RFC 7638 members ``crv, kty, x, y``."""
    numbers = public_key.public_numbers()
    return {
        "crv": "P-256",
        "kty": "EC",
        "x": b64url_encode(numbers.x.to_bytes(32, "big")),
        "y": b64url_encode(numbers.y.to_bytes(32, "big")),
    }


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """RFC 7638 JWK thumbprint: base64url SHA-256 of the canonical JWK."""
    if not isinstance(public_key.curve, ec.SECP256R1):
        raise KeyStoreError(f"certbench keys are P-256, not {public_key.curve.name}")
    return b64url_encode(hashlib.sha256(canonical_bytes(public_jwk(public_key))).digest())


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else ""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _self_signed(key: ec.EllipticCurvePrivateKey, body_name: str,
                 valid_from: datetime, valid_until: datetime) -> x509.Certificate:
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, body_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, body_name),
    ])
    public = key.public_key()
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def generate_issuer_key(body_name: str, *, valid_from: datetime | None = None,
                        valid_years: int = 5) -> IssuerKey:
    """A new P-256 issuer key with a self-signed certificate valid for ``valid_years``."""
    if not body_name.strip():
        raise KeyStoreError("the certification body needs a name")
    if valid_years < 1:
        raise KeyStoreError("an issuer key must be valid for at least a year")
    start = (valid_from or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    until = start + timedelta(days=365 * valid_years + valid_years // 4)
    private = ec.generate_private_key(ec.SECP256R1())
    certificate = _self_signed(private, body_name.strip(), start, until)
    return IssuerKey(private, certificate, key_id(private.public_key()), start)


def generate_user_key(name: str) -> UserKey:
    """A new P-256 key for the person ``name``."""
    if not name.strip():
        raise KeyStoreError("a user key needs the user's name")
    private = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC).replace(microsecond=0)
    return UserKey(private, name.strip(), key_id(private.public_key()), now)


def default_key_dir() -> Path:
    """``<user data dir>/keys``, where keys live unless a path is given."""
    return assets.user_data_dir() / "keys"


def key_file_name(key: IssuerKey | UserKey) -> str:
    """``issuer-<kid>.key`` or ``user-<kid>.key``."""
    kind = "issuer" if isinstance(key, IssuerKey) else "user"
    return f"{kind}-{key.kid}.key"


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _aad(kind: str, kid: str) -> bytes:
    return f"{KEY_FORMAT}/1|{kind}|{kid}".encode()


def save_key(path: Path, key: IssuerKey | UserKey, passphrase: str) -> Path:
    """Encrypt ``key`` under ``passphrase`` into the key file ``path`` (mode 0600).

    :raises KeyStoreError: empty passphrase, or the folder cannot be written.
    """
    if not passphrase:
        raise KeyStoreError("a key needs a non-empty passphrase")
    kind = "issuer" if isinstance(key, IssuerKey) else "user"
    name = key.name
    salt, nonce = os.urandom(16), os.urandom(12)
    der = key.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    secret = AESGCM(_derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))
    certificate = (key.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
                   if isinstance(key, IssuerKey) else None)
    document = {
        "format": KEY_FORMAT, "version": 1, "kind": kind, "kid": key.kid, "name": name,
        "created": format_time(key.created),
        "public_key": key.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo,
        ).decode("ascii"),
        "certificate": certificate,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                "salt": b64url_encode(salt)},
        "cipher": {"name": "AES-256-GCM", "nonce": b64url_encode(nonce)},
        "ciphertext": b64url_encode(secret.encrypt(nonce, der, _aad(kind, key.kid))),
    }
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return atomic_write(path, canonical_bytes(document) + b"\n", mode=0o600)
    except OSError as exc:
        raise KeyStoreError(f"cannot write key file {path}: {exc.strerror}",
                            path=str(path)) from exc


def _read_document(path: Path) -> dict[str, object]:
    try:
        data = read_limited(Path(path), limit=_MAX_KEY_FILE, what="key file")
        document = loads_strict(data, what="key file")
    except OSError as exc:
        raise KeyStoreError(f"cannot read key file {path}: {exc.strerror}", path=str(path)) from exc
    except MalformedError as exc:
        raise KeyStoreError(f"{path} is not a certbench key file: {exc.message}",
                            path=str(path)) from exc
    if not isinstance(document, dict) or document.get("format") != KEY_FORMAT:
        raise KeyStoreError(f"{path} is not a certbench key file", path=str(path))
    if document.get("version") != 1 or document.get("kind") not in ("issuer", "user"):
        raise KeyStoreError(f"{path}: unsupported key file version or kind", path=str(path))
    return document


def _text(document: dict[str, object], field: str, path: Path) -> str:
    value = document.get(field)
    if not isinstance(value, str):
        raise KeyStoreError(f"{path}: key file field {field!r} is missing", path=str(path))
    return value


def _public_parts(document: dict[str, object], path: Path) -> PublicKeyFile:
    try:
        public = serialization.load_pem_public_key(
            _text(document, "public_key", path).encode("ascii"))
        cert_pem = document.get("certificate")
        certificate = (x509.load_pem_x509_certificate(cert_pem.encode("ascii"))
                       if isinstance(cert_pem, str) else None)
        created = parse_time(document.get("created"))
    except (ValueError, UnicodeError, MalformedError) as exc:
        raise KeyStoreError(f"{path}: damaged public part of the key file", path=str(path)) from exc
    if not isinstance(public, ec.EllipticCurvePublicKey) or key_id(public) != document.get("kid"):
        raise KeyStoreError(f"{path}: the key id does not match the public key", path=str(path))
    kind = _text(document, "kind", path)
    if kind == "issuer" and (certificate is None or certificate.public_key() != public):
        raise KeyStoreError(f"{path}: the certificate does not match the key", path=str(path))
    return PublicKeyFile(kind, key_id(public), _text(document, "name", path), created,
                         public, certificate)


def read_public(path: Path) -> PublicKeyFile:
    """The public part of a key file; no passphrase needed.

    :raises KeyStoreError: missing, damaged or foreign file.
    """
    return _public_parts(_read_document(Path(path)), Path(path))


def _kdf_params(document: dict[str, object], path: Path) -> tuple[bytes, int, int, int, bytes]:
    kdf, cipher = document.get("kdf"), document.get("cipher")
    if not isinstance(kdf, dict) or not isinstance(cipher, dict) or kdf.get("name") != "scrypt" \
            or cipher.get("name") != "AES-256-GCM":
        raise KeyStoreError(f"{path}: unsupported key encryption", path=str(path))
    n, r, p = kdf.get("n"), kdf.get("r"), kdf.get("p")
    # Bounds keep a hostile file from asking for gigabytes of scrypt memory.
    if not (isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
            and 2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4):
        raise KeyStoreError(f"{path}: unacceptable scrypt parameters", path=str(path))
    try:
        salt = b64url_decode(str(kdf.get("salt", "")))
        nonce = b64url_decode(str(cipher.get("nonce", "")))
    except MalformedError as exc:
        raise KeyStoreError(f"{path}: damaged key file", path=str(path)) from exc
    if len(nonce) != 12 or len(salt) < 8:
        raise KeyStoreError(f"{path}: damaged key file", path=str(path))
    return salt, n, r, p, nonce


def load_key(path: Path, passphrase: str) -> IssuerKey | UserKey:
    """Decrypt the key file ``path``.

    :raises WrongPassphraseError: the passphrase does not open the key.
    :raises KeyStoreError: the file is missing, damaged or not a certbench key.
    """
    path = Path(path)
    document = _read_document(path)
    public = _public_parts(document, path)
    salt, n, r, p, nonce = _kdf_params(document, path)
    try:
        ciphertext = b64url_decode(_text(document, "ciphertext", path))
    except MalformedError as exc:
        raise KeyStoreError(f"{path}: damaged key file", path=str(path)) from exc
    try:
        der = AESGCM(_derive(passphrase, salt, n, r, p)).decrypt(
            nonce, ciphertext, _aad(public.kind, public.kid))
    except InvalidTag as exc:
        raise WrongPassphraseError(
            f"wrong passphrase for key {public.kid[:12]}… ({path.name}), or the file was altered",
            path=str(path)) from exc
    private = serialization.load_der_private_key(der, password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey) \
            or private.public_key() != public.public_key:
        raise KeyStoreError(f"{path}: the private key does not match the public key",
                            path=str(path))
    if public.kind == "issuer":
        assert public.certificate is not None  # checked by _public_parts
        return IssuerKey(private, public.certificate, public.kid, public.created)
    return UserKey(private, public.name, public.kid, public.created)


def load_issuer_key(path: Path, passphrase: str) -> IssuerKey:
    """:func:`load_key` that insists on an issuer key."""
    key = load_key(path, passphrase)
    if not isinstance(key, IssuerKey):
        raise KeyStoreError(f"{path} holds a user key, not an issuer key", path=str(path))
    return key
