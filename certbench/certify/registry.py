"""The issuer's public registry: an append-only, Merkle-hashed log with signed heads.

Every issuance and every status change (suspended, reinstated, revoked, expired)
is one entry; the leaf of an entry is its RFC 8785 canonical JSON. The issuer
signs tree heads (log id, size, root, time) with its issuer key as compact JWS
(``typ`` ``cbsth+jws``), in the spirit of Certificate Transparency (RFC 9162).
The published file carries every entry and every head ever signed::

    {"format": "certbench-registry", "version": 1,
     "log": {"name": ..., "id": ...},
     "entries": [{...}, ...],
     "heads": ["<compact JWS>", ...]}

:meth:`Registry.verify` checks each head's signature against the trust file,
recomputes each head's root from the entries, checks consistency proofs between
successive heads (and against heads a verifier kept from earlier copies), and
replays the status history. Editing, deleting or reordering any entry covered by
a head is detected. The office keeps one file: :meth:`Registry.load` it,
:meth:`Registry.append`, :meth:`Registry.sign_head`, :meth:`Registry.export`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from certbench.canonical import canonical_bytes
from certbench.certify.fileio import atomic_write, read_limited
from certbench.certify.jws import (
    canonical_plain,
    loads_strict,
    parse_compact,
    sign_compact,
    verify_jws,
)
from certbench.certify.keys import IssuerKey, format_time, parse_time
from certbench.certify.merkle import MerkleTree, leaf_hash, verify_consistency
from certbench.certify.trust import TrustFile
from certbench.domain import CertificateStatus
from certbench.errors import MalformedError, RegistryError

__all__ = [
    "REGISTRY_FORMAT",
    "EntryType",
    "Registry",
    "RegistryCheck",
    "RegistryEntry",
    "RegistryStatus",
    "TreeHead",
]

REGISTRY_FORMAT = "certbench-registry"
STH_TYP = "cbsth+jws"
MAX_REGISTRY_BYTES = 256 * 1024 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")


class EntryType(enum.StrEnum):
    """What a registry entry records."""

    ISSUED = "issued"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    REVOKED = "revoked"
    EXPIRED = "expired"


_STATUS_AFTER = {
    EntryType.ISSUED: CertificateStatus.VALID,
    EntryType.SUSPENDED: CertificateStatus.SUSPENDED,
    EntryType.REINSTATED: CertificateStatus.VALID,
    EntryType.REVOKED: CertificateStatus.REVOKED,
    EntryType.EXPIRED: CertificateStatus.EXPIRED,
}
_ALLOWED_FROM = {
    EntryType.SUSPENDED: {CertificateStatus.VALID},
    EntryType.REINSTATED: {CertificateStatus.SUSPENDED},
    EntryType.REVOKED: {CertificateStatus.VALID, CertificateStatus.SUSPENDED},
    EntryType.EXPIRED: {CertificateStatus.VALID, CertificateStatus.SUSPENDED},
}


def _str(value: object, where: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not empty) or len(value) > 2000:
        raise MalformedError(f"registry: {where} must be a string")
    return value


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One log entry. Issuances carry the seal hash, subject and validity dates;
    status changes carry a reason."""

    type: EntryType
    no: str
    """Certificate number."""
    at: datetime
    seal: str = ""
    subject: str = ""
    nbf: date | None = None
    exp: date | None = None
    reason: str = ""

    @classmethod
    def issued(cls, no: str, seal_hash: str, subject: str, nbf: date, exp: date, *,
               at: datetime) -> RegistryEntry:
        """An issuance entry."""
        return cls(EntryType.ISSUED, no, at, seal_hash, subject, nbf, exp)

    @classmethod
    def change(cls, kind: EntryType | str, no: str, *, at: datetime,
               reason: str = "") -> RegistryEntry:
        """A status change (suspended, reinstated, revoked or expired)."""
        entry_type = EntryType(kind)
        if entry_type is EntryType.ISSUED:
            raise RegistryError("use RegistryEntry.issued for an issuance")
        return cls(entry_type, no, at, reason=reason)

    def to_json(self) -> dict[str, object]:
        """The entry's JSON object (its canonical bytes are the Merkle leaf)."""
        base: dict[str, object] = {"type": self.type.value, "no": self.no,
                                   "at": format_time(self.at)}
        if self.type is EntryType.ISSUED:
            assert self.nbf is not None and self.exp is not None
            return {**base, "seal": self.seal, "subject": self.subject,
                    "nbf": self.nbf.isoformat(), "exp": self.exp.isoformat()}
        return {**base, "reason": self.reason}

    def leaf(self) -> bytes:
        """The Merkle leaf: the canonical bytes of :meth:`to_json` (strings only: plain JSON)."""
        return canonical_plain(self.to_json())

    @classmethod
    def from_json(cls, value: object) -> RegistryEntry:
        """Strict inverse of :meth:`to_json`."""
        if not isinstance(value, dict):
            raise MalformedError("registry: an entry is not an object")
        try:
            kind = EntryType(str(value.get("type")))
        except ValueError as exc:
            raise MalformedError("registry: unknown entry type") from exc
        expected = ({"type", "no", "at", "seal", "subject", "nbf", "exp"}
                    if kind is EntryType.ISSUED else {"type", "no", "at", "reason"})
        if set(value) != expected:
            raise MalformedError(f"registry: a {kind.value} entry has the wrong members")
        no, at = _str(value["no"], "entry.no"), parse_time(value["at"])
        if kind is not EntryType.ISSUED:
            return cls(kind, no, at, reason=_str(value["reason"], "entry.reason", empty=True))
        try:
            nbf = date.fromisoformat(_str(value["nbf"], "entry.nbf"))
            exp = date.fromisoformat(_str(value["exp"], "entry.exp"))
        except ValueError as exc:
            raise MalformedError("registry: entry dates are not ISO dates") from exc
        return cls(kind, no, at, _str(value["seal"], "entry.seal"),
                   _str(value["subject"], "entry.subject", empty=True), nbf, exp)


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A signed tree head: the log had ``size`` entries with ``root`` at ``time``."""

    log_id: str
    size: int
    root: str
    """Hex Merkle root of the first ``size`` entries."""
    time: datetime
    kid: str
    jws: str

    @classmethod
    def parse(cls, jws: object) -> TreeHead:
        """Decode a signed head (its signature is not checked here)."""
        if not isinstance(jws, str):
            raise MalformedError("registry: a head is not a string")
        parsed = parse_compact(jws, typ=STH_TYP)
        body = loads_strict(parsed.payload, what="tree head")
        if not isinstance(body, dict) or set(body) != {"v", "log", "size", "root", "time"} \
                or body["v"] != 1:
            raise MalformedError("registry: a tree head has the wrong members")
        size, root = body["size"], body["root"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 0 \
                or not isinstance(root, str) or not _HEX64.fullmatch(root):
            raise MalformedError("registry: a tree head has a bad size or root")
        return cls(_str(body["log"], "head.log"), size, root, parse_time(body["time"]),
                   parsed.kid, jws)


@dataclass(frozen=True, slots=True)
class RegistryStatus:
    """A certificate's status as the registry states it."""

    status: CertificateStatus | None
    """``None`` when the registry does not list the certificate."""
    as_of: datetime | None
    """Time of the signed head the answer rests on (``None``: no signed head)."""
    number: str = ""
    seal_hash: str = ""
    reason: str = ""
    changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RegistryCheck:
    """One check of :meth:`Registry.verify`."""

    name: str
    ok: bool
    detail: str = ""


class Registry:
    """The append-only log, in memory. Not thread-safe; one writer (the office)."""

    def __init__(self, log_name: str, log_id: str, entries: Iterable[RegistryEntry] = (),
                 heads: Iterable[TreeHead] = ()) -> None:
        self.log_name = log_name
        self.log_id = log_id
        self._entries: list[RegistryEntry] = []
        self._tree = MerkleTree([])
        self._issued: dict[str, int] = {}
        """Index of the issuance entry by seal hash and by certificate number."""
        self._changes: dict[str, list[int]] = {}
        """Indexes of the status changes by certificate number."""
        for entry in entries:
            self._add(entry)
        self._heads: list[TreeHead] = list(heads)
        self._memo: tuple[TrustFile, tuple[object, ...], list[RegistryCheck]] | None = None

    # -- reading --------------------------------------------------------------------

    @classmethod
    def load(cls, source: Path | bytes) -> Registry:
        """Parse a registry file (shape only: call :meth:`verify` to check it).

        :raises MalformedError: not a well-formed registry file.
        """
        data = source if isinstance(source, bytes) else read_limited(
            source, limit=MAX_REGISTRY_BYTES, what="registry")
        document = loads_strict(data, what="registry")
        if not isinstance(document, dict) or document.get("format") != REGISTRY_FORMAT \
                or document.get("version") != 1 \
                or set(document) != {"format", "version", "log", "entries", "heads"}:
            raise MalformedError("not a certbench registry file")
        log, entries, heads = document["log"], document["entries"], document["heads"]
        if not isinstance(log, dict) or not isinstance(entries, list) \
                or not isinstance(heads, list):
            raise MalformedError("registry: log, entries and heads are required")
        return cls(_str(log.get("name"), "log.name"), _str(log.get("id"), "log.id"),
                   (RegistryEntry.from_json(e) for e in entries),
                   (TreeHead.parse(h) for h in heads))

    @property
    def entries(self) -> tuple[RegistryEntry, ...]:
        """All entries, oldest first."""
        return tuple(self._entries)

    @property
    def heads(self) -> tuple[TreeHead, ...]:
        """All signed heads, oldest first."""
        return tuple(self._heads)

    @property
    def head(self) -> TreeHead | None:
        """The latest signed head, if any."""
        return self._heads[-1] if self._heads else None

    def root(self, size: int | None = None) -> bytes:
        """Merkle root over the first ``size`` entries (all by default)."""
        return self._tree.root(size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Audit path of entry ``index`` in the tree of ``size`` entries."""
        return self._tree.inclusion_proof(index, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Proof that the log of ``old_size`` entries is a prefix of ``new_size``."""
        return self._tree.consistency_proof(old_size, new_size)

    def index_of(self, *, seal_hash: str = "", number: str = "") -> int | None:
        """Index of the (first) issuance entry for ``seal_hash`` or ``number``."""
        if seal_hash and f"seal:{seal_hash}" in self._issued:
            return self._issued[f"seal:{seal_hash}"]
        return self._issued.get(f"no:{number}") if number else None

    def status_of(self, *, seal_hash: str = "", number: str = "") -> RegistryStatus:
        """The certificate's status from the entries the latest signed head covers."""
        head = self.head
        size = head.size if head is not None else len(self._entries)
        as_of = head.time if head is not None else None
        index = self.index_of(seal_hash=seal_hash, number=number)
        if index is None or index >= size:
            return RegistryStatus(None, as_of, number, seal_hash)
        issue = self._entries[index]
        status, reason, changed = CertificateStatus.VALID, "", issue.at
        for i in self._changes.get(issue.no, ()):
            if index < i < size:
                entry = self._entries[i]
                status, reason, changed = _STATUS_AFTER[entry.type], entry.reason, entry.at
        return RegistryStatus(status, as_of, issue.no, issue.seal, reason, changed)

    # -- writing --------------------------------------------------------------------

    def _current(self, number: str, upto: int) -> CertificateStatus | None:
        """Status of ``number`` after the first ``upto`` entries (``None``: not issued)."""
        index = self._issued.get(f"no:{number}")
        if index is None or index >= upto:
            return None
        status = CertificateStatus.VALID
        for i in self._changes.get(number, ()):
            if index < i < upto:
                status = _STATUS_AFTER[self._entries[i].type]
        return status

    def _problem(self, entry: RegistryEntry, upto: int) -> str:
        current = self._current(entry.no, upto)
        if entry.type is EntryType.ISSUED:
            if current is not None:
                return f"certificate {entry.no} is already in the registry"
            if entry.nbf is None or entry.exp is None or len(entry.seal) != 64:
                return "an issuance needs a seal hash and validity dates"
            return ""
        if current is None:
            return f"certificate {entry.no} was never issued"
        if current not in _ALLOWED_FROM[entry.type]:
            return f"certificate {entry.no} is {current.value}; it cannot be {entry.type.value}"
        return ""

    def append(self, entry: RegistryEntry) -> int:
        """Add ``entry`` at the end; its index.

        :raises RegistryError: the transition is not allowed (e.g. reinstating a
            revoked certificate, or issuing a number twice).
        """
        problem = self._problem(entry, len(self._entries))
        if problem:
            raise RegistryError(problem, number=entry.no)
        return self._add(entry)

    def _add(self, entry: RegistryEntry) -> int:
        index = len(self._entries)
        self._entries.append(entry)
        self._tree.append(leaf_hash(entry.leaf()))
        if entry.type is EntryType.ISSUED:
            self._issued.setdefault(f"seal:{entry.seal}", index)
            self._issued.setdefault(f"no:{entry.no}", index)
        else:
            self._changes.setdefault(entry.no, []).append(index)
        return index

    def sign_head(self, key: IssuerKey, *, now: datetime | None = None) -> TreeHead:
        """Sign a head over all entries at ``now`` and add it to the log's heads."""
        moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        if self._heads and moment < self._heads[-1].time:
            raise RegistryError("a new head cannot be older than the previous one")
        body = {"v": 1, "log": self.log_id, "size": len(self._entries),
                "root": self.root().hex(), "time": format_time(moment)}
        jws = sign_compact(canonical_bytes(body), key.private_key, kid=key.kid, typ=STH_TYP)
        head = TreeHead.parse(jws)
        self._heads.append(head)
        return head

    def to_bytes(self) -> bytes:
        """The registry file's bytes.

        :raises RegistryError: entries were appended after the last signed head.
        """
        if self.head is None or self.head.size != len(self._entries):
            raise RegistryError("sign a head over every entry before publishing the registry")
        document = {
            "format": REGISTRY_FORMAT, "version": 1,
            "log": {"name": self.log_name, "id": self.log_id},
            "entries": [e.to_json() for e in self._entries],
            "heads": [h.jws for h in self._heads],
        }
        return canonical_bytes(document) + b"\n"

    def export(self, path: Path) -> Path:
        """Write the registry file atomically (mode 0644)."""
        return atomic_write(Path(path), self.to_bytes(), mode=0o644)

    # -- checking -------------------------------------------------------------------

    def _head_signature(self, head: TreeHead, trust: TrustFile) -> str:
        key, problem = trust.check(head.kid, head.time)
        if key is None or problem:
            return problem
        if head.log_id != trust.body_id or head.log_id != self.log_id:
            return f"head names log {head.log_id!r}, not {trust.body_id!r}"
        if not verify_jws(parse_compact(head.jws, typ=STH_TYP), key.public_key):
            return "signature does not verify"
        return ""

    def _heads_checks(self, trust: TrustFile) -> list[RegistryCheck]:
        checks = []
        for i, head in enumerate(self._heads):
            name = f"head {i + 1} (size {head.size})"
            problem = self._head_signature(head, trust)
            checks.append(RegistryCheck(f"{name} signature", not problem, problem))
            if head.size > len(self._entries):
                checks.append(RegistryCheck(f"{name} root", False, "head covers missing entries"))
            else:
                same = self.root(head.size).hex() == head.root
                checks.append(RegistryCheck(f"{name} root", same,
                                            "" if same else "entries do not hash to the root"))
        return checks

    def _consistency(self, older: TreeHead, newer: TreeHead, name: str) -> RegistryCheck:
        if older.size > newer.size or older.time > newer.time:
            return RegistryCheck(name, False, "a later head is smaller or older")
        if newer.size > len(self._entries):
            return RegistryCheck(name, False, "head covers missing entries")
        try:
            old_root, new_root = bytes.fromhex(older.root), bytes.fromhex(newer.root)
        except ValueError:
            return RegistryCheck(name, False, "head root is not hex")
        proof = self.consistency_proof(older.size, newer.size)
        ok = verify_consistency(older.size, newer.size, old_root, new_root, proof)
        return RegistryCheck(name, ok, "" if ok else "history was rewritten")

    def _history(self) -> RegistryCheck:
        replay = Registry(self.log_name, self.log_id)
        for entry in self._entries:
            problem = replay._problem(entry, len(replay._entries))
            if problem:
                return RegistryCheck("history", False, problem)
            replay._add(entry)
        return RegistryCheck("history", True)

    def verify(self, trust: TrustFile, *,
               known_heads: Sequence[TreeHead] = ()) -> list[RegistryCheck]:
        """Every check of the log; it is sound when all are ``ok``.

        ``known_heads`` are heads seen earlier (e.g. from an older copy): each must be
        consistent with the latest head, which catches a log re-signed after a rewrite.
        """
        memo_key = (len(self._entries), len(self._heads), tuple(h.jws for h in known_heads))
        if self._memo is not None and self._memo[0] is trust and self._memo[1] == memo_key:
            return list(self._memo[2])  # nothing appended since: same answer (batch verifying)
        checks = self._verify(trust, known_heads)
        self._memo = (trust, memo_key, checks)
        return list(checks)

    def _verify(self, trust: TrustFile, known_heads: Sequence[TreeHead]) -> list[RegistryCheck]:
        if not self._heads:
            return [RegistryCheck("heads", False, "no signed tree head")]
        latest = self._heads[-1]
        covered = latest.size == len(self._entries)
        checks = [RegistryCheck("heads", covered,
                                "" if covered else "entries after the last signed head")]
        checks += self._heads_checks(trust)
        for i in range(1, len(self._heads)):
            checks.append(self._consistency(self._heads[i - 1], self._heads[i],
                                            f"consistency {i} → {i + 1}"))
        for j, known in enumerate(known_heads):
            checks.append(self._consistency(known, latest, f"consistency with known head {j + 1}"))
        checks.append(self._history())
        return checks

    def check(self, trust: TrustFile, *, known_heads: Sequence[TreeHead] = ()) -> None:
        """:meth:`verify`, raising on the first failed check.

        :raises RegistryError: a check failed.
        """
        for item in self.verify(trust, known_heads=known_heads):
            if not item.ok:
                raise RegistryError(f"registry {item.name}: {item.detail}")
