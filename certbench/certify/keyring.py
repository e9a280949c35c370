"""The issuer's key folder: key files plus ``keyring.json``, the keys' life story.

``keyring.json`` is the office's local record of every issuer key (window of use,
status, when it was retired or compromised). Key rotation, compromise and the
published trust file are all made from it; the key files themselves never
change after they are written. Keyring and key files are mode 0600.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from certbench.canonical import canonical_bytes
from certbench.certify.fileio import atomic_write, read_limited
from certbench.certify.jws import loads_strict
from certbench.certify.keys import (
    IssuerKey,
    default_key_dir,
    format_time,
    generate_issuer_key,
    key_file_name,
    load_issuer_key,
    parse_time,
    read_public,
    save_key,
)
from certbench.certify.trust import (
    KeyStatus,
    TrustedKey,
    load_trust,
    trust_file_bytes,
    with_status,
)
from certbench.errors import KeyStoreError, MalformedError

__all__ = [
    "Keyring",
    "KeyringEntry",
    "active_issuer_key",
    "body_id_from_name",
    "create_issuer",
    "export_trust",
    "load_keyring",
    "mark_compromised",
    "rotate_issuer",
    "trusted_keys",
]

KEYRING_NAME = "keyring.json"
KEYRING_FORMAT = "certbench-keyring"


@dataclass(frozen=True, slots=True)
class KeyringEntry:
    """One issuer key the office has held."""

    kid: str
    file: str
    """Key file name inside the key folder."""
    valid_from: datetime
    valid_until: datetime
    status: KeyStatus
    compromised_at: datetime | None = None

    def to_json(self) -> dict[str, object]:
        """The entry as stored in ``keyring.json``."""
        return {
            "kid": self.kid, "file": self.file,
            "valid_from": format_time(self.valid_from),
            "valid_until": format_time(self.valid_until),
            "status": self.status.value,
            "compromised_at": (format_time(self.compromised_at)
                               if self.compromised_at is not None else None),
        }


@dataclass(frozen=True, slots=True)
class Keyring:
    """The body's identity and every issuer key it has held, oldest first."""

    folder: Path
    body_name: str
    body_id: str
    entries: tuple[KeyringEntry, ...]

    def active(self) -> KeyringEntry:
        """The newest active key.

        :raises KeyStoreError: there is none (compromised without rotation).
        """
        for entry in reversed(self.entries):
            if entry.status is KeyStatus.ACTIVE:
                return entry
        raise KeyStoreError("no active issuer key: run `certbench key rotate`")

    def entry(self, kid: str) -> KeyringEntry:
        """The entry for ``kid`` (a unique prefix is enough)."""
        found = [e for e in self.entries if e.kid.startswith(kid)] if kid else []
        if len(found) != 1:
            raise KeyStoreError(f"no single issuer key with id {kid!r}")
        return found[0]


def body_id_from_name(name: str) -> str:
    """A short lower-case id from a body's name: initials of its words, e.g. ``ecb``."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    return "".join(w[0] for w in words).lower() or "body"


def _keyring_path(folder: Path) -> Path:
    return Path(folder) / KEYRING_NAME


def _write(ring: Keyring) -> Keyring:
    document = {
        "format": KEYRING_FORMAT, "version": 1,
        "body": {"name": ring.body_name, "id": ring.body_id},
        "keys": [e.to_json() for e in ring.entries],
    }
    atomic_write(_keyring_path(ring.folder), canonical_bytes(document) + b"\n", mode=0o600)
    return ring


def _parse_entry(raw: object) -> KeyringEntry:
    if not isinstance(raw, dict) or not isinstance(raw.get("kid"), str) \
            or not isinstance(raw.get("file"), str):
        raise MalformedError("keyring entry lacks kid or file")
    compromised = raw.get("compromised_at")
    try:
        status = KeyStatus(str(raw.get("status")))
    except ValueError as exc:
        raise MalformedError("keyring entry has an unknown status") from exc
    return KeyringEntry(
        str(raw["kid"]), str(raw["file"]), parse_time(raw.get("valid_from")),
        parse_time(raw.get("valid_until")), status,
        None if compromised is None else parse_time(compromised),
    )


def load_keyring(folder: Path | None = None) -> Keyring:
    """The keyring of ``folder`` (default: :func:`default_key_dir`).

    :raises KeyStoreError: there is no keyring there, or it is damaged.
    """
    folder = Path(folder) if folder is not None else default_key_dir()
    path = _keyring_path(folder)
    if not path.is_file():
        raise KeyStoreError(f"no issuer keys in {folder}: run `certbench key new`",
                            path=str(folder))
    try:
        document = loads_strict(read_limited(path, what="keyring"), what="keyring")
        if not isinstance(document, dict) or document.get("format") != KEYRING_FORMAT:
            raise MalformedError("not a certbench keyring")
        body, keys = document.get("body"), document.get("keys")
        if not isinstance(body, dict) or not isinstance(keys, list):
            raise MalformedError("keyring lacks body or keys")
        entries = tuple(_parse_entry(raw) for raw in keys)
        return Keyring(folder, str(body.get("name", "")), str(body.get("id", "")), entries)
    except (OSError, MalformedError) as exc:
        raise KeyStoreError(f"damaged keyring {path}", path=str(path)) from exc


def _add_key(folder: Path, key: IssuerKey, passphrase: str) -> KeyringEntry:
    name = key_file_name(key)
    save_key(folder / name, key, passphrase)
    return KeyringEntry(key.kid, name, key.certificate.not_valid_before_utc,
                        key.certificate.not_valid_after_utc, KeyStatus.ACTIVE)


def create_issuer(folder: Path, body_name: str, passphrase: str, *, body_id: str = "",
                  now: datetime | None = None, valid_years: int = 5) -> IssuerKey:
    """Start a key folder: the body's first issuer key, active from ``now``.

    :raises KeyStoreError: the folder already holds a keyring.
    """
    folder = Path(folder)
    if _keyring_path(folder).exists():
        raise KeyStoreError(f"{folder} already holds issuer keys: use `certbench key rotate`",
                            path=str(folder))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = generate_issuer_key(body_name, valid_from=now, valid_years=valid_years)
    entry = _add_key(folder, key, passphrase)
    _write(Keyring(folder, body_name.strip(), body_id or body_id_from_name(body_name), (entry,)))
    return key


def rotate_issuer(folder: Path, passphrase: str, *, now: datetime | None = None,
                  valid_years: int = 5) -> IssuerKey:
    """Add a new active issuer key; every active key is retired at ``now``.

    Retired keys keep verifying the seals they signed inside their window.
    """
    ring = load_keyring(folder)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    key = generate_issuer_key(ring.body_name, valid_from=moment, valid_years=valid_years)
    retired = tuple(
        replace(e, status=KeyStatus.RETIRED, valid_until=min(e.valid_until, moment))
        if e.status is KeyStatus.ACTIVE else e
        for e in ring.entries
    )
    entry = _add_key(ring.folder, key, passphrase)
    _write(replace(ring, entries=(*retired, entry)))
    return key


def mark_compromised(folder: Path, kid: str, at: datetime) -> KeyringEntry:
    """Record that key ``kid`` (or a unique prefix) is compromised from ``at`` on."""
    ring = load_keyring(folder)
    target = ring.entry(kid)
    changed = replace(target, status=KeyStatus.COMPROMISED,
                      compromised_at=at.astimezone(UTC).replace(microsecond=0))
    _write(replace(ring, entries=tuple(changed if e.kid == target.kid else e
                                       for e in ring.entries)))
    return changed


def trusted_keys(ring: Keyring) -> list[TrustedKey]:
    """The keyring's keys as trust-file entries (certificates read from the key files)."""
    keys = []
    for entry in ring.entries:
        public = read_public(ring.folder / entry.file)
        if public.kid != entry.kid or public.certificate is None:
            raise KeyStoreError(f"key file {entry.file} does not hold key {entry.kid}")
        key = TrustedKey(entry.kid, public.certificate, entry.valid_from, entry.valid_until,
                         KeyStatus.ACTIVE)
        if entry.status is KeyStatus.ACTIVE:
            keys.append(key)
        else:
            keys.append(with_status(key, entry.status, at=entry.compromised_at
                                    or entry.valid_until))
    return keys


def active_issuer_key(folder: Path | None, passphrase: str) -> IssuerKey:
    """Decrypt the newest active issuer key of ``folder`` (default key folder)."""
    ring = load_keyring(folder)
    return load_issuer_key(ring.folder / ring.active().file, passphrase)


def export_trust(folder: Path | None, out: Path, passphrase: str, *,
                 now: datetime | None = None) -> Path:
    """Write the signed trust file for ``folder``'s keyring to ``out`` (mode 0644)."""
    ring = load_keyring(folder)
    signer = active_issuer_key(ring.folder, passphrase)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    data = trust_file_bytes(ring.body_name, ring.body_id, trusted_keys(ring), signer,
                            issued_at=moment)
    load_trust(data)  # never publish a file our own verifier would refuse
    try:
        return atomic_write(Path(out), data, mode=0o644)
    except OSError as exc:
        raise KeyStoreError(f"cannot write trust file {out}: {exc.strerror}") from exc
