"""Seal v1: the payload, its signature (compact JWS, ES256) and the ``.cbseal`` file.

The payload is built from plain values (no database); :func:`sign_seal` turns it
into a :class:`Seal`. The seal hash is the hex SHA-256 of the canonical payload
bytes, i.e. of the decoded JWS payload segment. See ``notes/seal-spec.md`` for
the agreed shapes; :meth:`SealPayload.from_json` accepts exactly those, with no
extra or missing members.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from certbench.canonical import canonical_bytes, sha256_hex
from certbench.certify.fileio import atomic_write
from certbench.certify.jws import (
    ParsedJws,
    loads_canonical,
    loads_strict,
    parse_compact,
    sign_compact,
)
from certbench.certify.keys import IssuerKey, format_time, parse_time
from certbench.domain import GradeResult, Rating, Scope
from certbench.errors import MalformedError, SigningError

__all__ = [
    "SEAL_FORMAT",
    "SEAL_TYP",
    "DecodedSeal",
    "Seal",
    "SealAudit",
    "SealDetail",
    "SealFile",
    "SealIssuer",
    "SealPayload",
    "SealResult",
    "SealScheme",
    "SealSubject",
    "SealValidity",
    "decimal_text",
    "decode_seal",
    "parse_jws",
    "read_seal_file",
    "seal_file_bytes",
    "seal_hash",
    "short_hash",
    "sign_seal",
    "write_seal_file",
]

SEAL_FORMAT = "certbench-seal"
SEAL_TYP = "cbseal+jws"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SCORE = re.compile(r"(?:100|[1-9]?[0-9])\.[0-9]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CC = re.compile(r"[A-Z]{2}")
_MAX_TEXT = 500
_SCOPE_KEYS = frozenset(Scope().to_json())


def seal_hash(payload_bytes: bytes) -> str:
    """Hex SHA-256 of the canonical payload bytes."""
    return sha256_hex(payload_bytes)


def short_hash(hex_hash: str) -> str:
    """First 20 hex characters, upper case, in groups of four: ``3F2A-9C01-77BE-0D4E-A1B2``."""
    head = hex_hash[:20].upper()
    return "-".join(head[i:i + 4] for i in range(0, 20, 4))


def decimal_text(value: Decimal) -> str:
    """A score as the seal writes it: two decimals, e.g. ``Decimal("92.5")`` → ``"92.50"``."""
    if not value.is_finite():
        raise ValueError("a score must be a finite number")
    return str(value.quantize(Decimal("0.01")))


# --- strict readers -------------------------------------------------------------------

def _obj(value: object, where: str, keys: Iterable[str]) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise MalformedError(f"seal payload: {where} must be an object")
    expected = set(keys)
    if set(value) != expected:
        extra, missing = sorted(set(value) - expected), sorted(expected - set(value))
        raise MalformedError(f"seal payload: {where} has members {extra} too many, "
                             f"{missing} missing")
    return value


def _text(value: object, where: str, *, pattern: re.Pattern[str] | None = None,
          empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value) or len(value) > _MAX_TEXT:
        raise MalformedError(f"seal payload: {where} must be a non-empty string")
    if pattern is not None and not pattern.fullmatch(value):
        raise MalformedError(f"seal payload: {where} is not in the expected form")
    return value


def _texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > 100:
        raise MalformedError(f"seal payload: {where} must be a list of strings")
    return tuple(_text(v, f"{where}[]") for v in value)


def _date(value: object, where: str) -> date:
    text = _text(value, where, pattern=_DATE)
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise MalformedError(f"seal payload: {where} is not a date") from exc


# --- payload records -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SealIssuer:
    """``iss``: the certification body and the key that signs."""

    name: str
    id: str
    kid: str

    def to_json(self) -> dict[str, object]:
        """The ``iss`` member."""
        return {"name": self.name, "id": self.id, "kid": self.kid}

    @classmethod
    def from_json(cls, value: object) -> SealIssuer:
        """Strict inverse of :meth:`to_json`."""
        d = _obj(value, "iss", ("name", "id", "kid"))
        return cls(_text(d["name"], "iss.name"), _text(d["id"], "iss.id"),
                   _text(d["kid"], "iss.kid"))


@dataclass(frozen=True, slots=True)
class SealSubject:
    """``sub``: the certified merchant and the websites the certificate covers."""

    name: str
    reg: str
    cc: str
    """ISO 3166-1 alpha-2 country code."""
    web: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The ``sub`` member."""
        return {"name": self.name, "reg": self.reg, "cc": self.cc, "web": list(self.web)}

    @classmethod
    def from_json(cls, value: object) -> SealSubject:
        """Strict inverse of :meth:`to_json`."""
        d = _obj(value, "sub", ("name", "reg", "cc", "web"))
        return cls(_text(d["name"], "sub.name"), _text(d["reg"], "sub.reg", empty=True),
                   _text(d["cc"], "sub.cc", pattern=_CC), _texts(d["web"], "sub.web"))


@dataclass(frozen=True, slots=True)
class SealScheme:
    """``sch``: the form (checklist) the merchant was audited against."""

    id: str
    ver: str
    title: str
    hash: str

    def to_json(self) -> dict[str, object]:
        """The ``sch`` member."""
        return {"id": self.id, "ver": self.ver, "title": self.title, "hash": self.hash}

    @classmethod
    def from_json(cls, value: object) -> SealScheme:
        """Strict inverse of :meth:`to_json`."""
        d = _obj(value, "sch", ("id", "ver", "title", "hash"))
        return cls(_text(d["id"], "sch.id"), _text(d["ver"], "sch.ver"),
                   _text(d["title"], "sch.title"), _text(d["hash"], "sch.hash", pattern=_HEX64))


@dataclass(frozen=True, slots=True)
class SealResult:
    """``res``: grade, overall and domain scores (decimal strings), ratings and scope hashes."""

    grade: str
    score: str
    dom: tuple[tuple[str, str], ...]
    """(domain id, score) pairs sorted by domain id."""
    rh: str
    sh: str

    @classmethod
    def from_grade(cls, result: GradeResult, *, ratings_hash: str, scope_hash: str) -> SealResult:
        """The sealed result of a certifiable :class:`GradeResult`.

        Domains with no score (nothing in them counted) are left out.

        :raises SigningError: the result has no grade or score.
        """
        if result.grade is None or result.score is None or not result.certifiable:
            raise SigningError("only a certifiable result with a grade can be sealed")
        dom = tuple(sorted((d.domain_id, decimal_text(d.score))
                           for d in result.domains if d.score is not None))
        return cls(result.grade, decimal_text(result.score), dom, ratings_hash, scope_hash)

    @property
    def domains(self) -> dict[str, str]:
        """Domain scores by domain id."""
        return dict(self.dom)

    def to_json(self) -> dict[str, object]:
        """The ``res`` member."""
        return {"grade": self.grade, "score": self.score, "dom": dict(self.dom),
                "rh": self.rh, "sh": self.sh}

    @classmethod
    def from_json(cls, value: object) -> SealResult:
        """Strict inverse of :meth:`to_json`."""
        d = _obj(value, "res", ("grade", "score", "dom", "rh", "sh"))
        dom = d["dom"]
        if not isinstance(dom, dict) or len(dom) > 100:
            raise MalformedError("seal payload: res.dom must be an object")
        pairs = tuple(sorted((_text(k, "res.dom key"), _text(v, "res.dom", pattern=_SCORE))
                             for k, v in dom.items()))
        return cls(_text(d["grade"], "res.grade"), _text(d["score"], "res.score", pattern=_SCORE),
                   pairs, _text(d["rh"], "res.rh", pattern=_HEX64),
                   _text(d["sh"], "res.sh", pattern=_HEX64))


@dataclass(frozen=True, slots=True)
class SealAudit:
    """``aud``: the audit, who did it, and the evidence Merkle root and count."""

    id: str
    by: tuple[str, ...]
    rev: str
    done: date
    er: str
    en: int

    def to_json(self) -> dict[str, object]:
        """The ``aud`` member."""
        return {"id": self.id, "by": list(self.by), "rev": self.rev,
                "done": self.done.isoformat(), "er": self.er, "en": self.en}

    @classmethod
    def from_json(cls, value: object) -> SealAudit:
        """Strict inverse of :meth:`to_json`."""
        d = _obj(value, "aud", ("id", "by", "rev", "done", "er", "en"))
        count = d["en"]
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count < 10**9:
            raise MalformedError("seal payload: aud.en must be a count")
        return cls(_text(d["id"], "aud.id"), _texts(d["by"], "aud.by"),
                   _text(d["rev"], "aud.rev"), _date(d["done"], "aud.done"),
                   _text(d["er"], "aud.er", pattern=_HEX64), count)


@dataclass(frozen=True, slots=True)
class SealValidity:
    """``val``: issued at (UTC time), valid from and valid until (dates, inclusive)."""

    iat: datetime
    nbf: date
    exp: date

    def to_json(self) -> dict[str, object]:
        """The ``val`` member."""
        return {"iat": format_time(self.iat), "nbf": self.nbf.isoformat(),
                "exp": self.exp.isoformat()}

    @classmethod
    def from_json(cls, value: object) -> SealValidity:
        """Strict inverse of :meth:`to_json`."""
        d = _obj(value, "val", ("iat", "nbf", "exp"))
        try:
            iat = parse_time(d["iat"])
        except MalformedError as exc:
            raise MalformedError(f"seal payload: val.iat: {exc.message}") from exc
        nbf, exp = _date(d["nbf"], "val.nbf"), _date(d["exp"], "val.exp")
        if exp < nbf:
            raise MalformedError("seal payload: val.exp is before val.nbf")
        return cls(iat, nbf, exp)


@dataclass(frozen=True, slots=True)
class SealPayload:
    """The signed content of a seal (format v1)."""

    no: str
    iss: SealIssuer
    sub: SealSubject
    sch: SealScheme
    res: SealResult
    aud: SealAudit
    val: SealValidity
    v: int = 1

    def to_json(self) -> dict[str, object]:
        """The payload object of seal-spec v1."""
        return {"v": self.v, "no": self.no, "iss": self.iss.to_json(),
                "sub": self.sub.to_json(), "sch": self.sch.to_json(),
                "res": self.res.to_json(), "aud": self.aud.to_json(),
                "val": self.val.to_json()}

    def canonical(self) -> bytes:
        """The RFC 8785 bytes that are signed and hashed."""
        return canonical_bytes(self.to_json())

    @classmethod
    def from_json(cls, value: object) -> SealPayload:
        """Strict inverse of :meth:`to_json`.

        :raises MalformedError: a member is missing, extra, of the wrong type or form.
        """
        d = _obj(value, "payload", ("v", "no", "iss", "sub", "sch", "res", "aud", "val"))
        if d["v"] != 1 or isinstance(d["v"], bool):
            raise MalformedError("seal payload: unsupported version")
        return cls(_text(d["no"], "no"), SealIssuer.from_json(d["iss"]),
                   SealSubject.from_json(d["sub"]), SealScheme.from_json(d["sch"]),
                   SealResult.from_json(d["res"]), SealAudit.from_json(d["aud"]),
                   SealValidity.from_json(d["val"]))


@dataclass(frozen=True, slots=True)
class Seal:
    """A signed seal: the compact JWS, its hash and the payload it carries."""

    jws: str
    seal_hash: str
    payload: SealPayload

    @property
    def short_hash(self) -> str:
        """The seal hash in its read-aloud form."""
        return short_hash(self.seal_hash)


@dataclass(frozen=True, slots=True)
class DecodedSeal:
    """A compact JWS parsed and its payload checked for shape (not yet for signature)."""

    jws: ParsedJws
    payload: SealPayload
    seal_hash: str


def sign_seal(payload: SealPayload | Mapping[str, object], key: IssuerKey) -> Seal:
    """Sign ``payload`` (a :class:`SealPayload` or its JSON mapping) with the issuer key it names.

    :raises SigningError: ``payload.iss.kid`` is not ``key.kid``.
    :raises MalformedError: a mapping that is not a v1 payload.
    """
    if not isinstance(payload, SealPayload):
        payload = SealPayload.from_json(loads_strict(canonical_bytes(payload)))
    if payload.iss.kid != key.kid:
        raise SigningError("the payload names another issuer key than the one signing it")
    data = payload.canonical()
    SealPayload.from_json(loads_strict(data))  # never sign what the verifier would refuse
    jws = sign_compact(data, key.private_key, kid=key.kid, typ=SEAL_TYP)
    return Seal(jws, seal_hash(data), payload)


def parse_jws(text: str) -> tuple[Mapping[str, object], bytes, bytes]:
    """``(header, payload bytes, raw r||s signature)`` of a compact seal JWS, strictly.

    :raises MalformedError: anything :func:`certbench.certify.jws.parse_compact` refuses.
    """
    parsed = parse_compact(text, typ=SEAL_TYP)
    return parsed.header, parsed.payload, parsed.signature


def decode_seal(text: str) -> DecodedSeal:
    """Parse a compact seal JWS and its payload (shape only; the signature is not checked).

    :raises MalformedError: not a well-formed seal.
    """
    parsed = parse_compact(text.strip(), typ=SEAL_TYP)
    payload = SealPayload.from_json(parsed.value)
    if payload.iss.kid != parsed.kid:
        raise MalformedError("JWS header kid and payload iss.kid differ")
    return DecodedSeal(parsed, payload, seal_hash(parsed.payload))


# --- the .cbseal file --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SealDetail:
    """What a verifier holding the form needs to recompute the grade: ratings, scope, evidence."""

    ratings: tuple[Rating, ...]
    scope: Scope
    evidence: tuple[str, ...]
    """Hex SHA-256 digests of the evidence files."""

    def to_json(self) -> dict[str, object]:
        """The ``detail`` member of a seal file."""
        from certbench.grading import ratings_to_json

        return {
            "ratings": ratings_to_json(self.ratings),
            "scope": self.scope.to_json(),
            "evidence": sorted(self.evidence),
        }

    @classmethod
    def from_json(cls, value: object) -> SealDetail:
        """Strict inverse of :meth:`to_json`."""
        if not isinstance(value, dict) or set(value) != {"ratings", "scope", "evidence"}:
            raise MalformedError("seal file: detail must hold ratings, scope and evidence")
        raw_ratings, raw_scope, raw_evidence = value["ratings"], value["scope"], value["evidence"]
        if not isinstance(raw_ratings, list) or not isinstance(raw_evidence, list) \
                or not isinstance(raw_scope, dict):
            raise MalformedError("seal file: detail members have the wrong types")
        if set(raw_scope) != _SCOPE_KEYS:
            raise MalformedError("seal file: detail.scope must hold exactly the scope members")
        ratings = tuple(_rating(r) for r in raw_ratings)
        evidence = tuple(_text(e, "detail.evidence[]", pattern=_HEX64) for e in raw_evidence)
        try:
            scope = Scope.from_json(raw_scope)
        except (TypeError, ValueError) as exc:
            raise MalformedError(f"seal file: detail.scope: {exc}") from exc
        return cls(ratings, scope, evidence)


def _rating(value: object) -> Rating:
    if not isinstance(value, dict) or set(value) != {"criterion", "value", "justification"}:
        raise MalformedError("seal file: a rating must hold criterion, value and justification")
    justification = value["justification"]
    if not isinstance(justification, str) or len(justification) > 20_000:
        raise MalformedError("seal file: rating.justification must be a string")
    return Rating(_text(value["criterion"], "rating.criterion"),
                  _text(value["value"], "rating.value"), justification)


@dataclass(frozen=True, slots=True)
class SealFile:
    """A ``.cbseal`` file as read; ``seal_hash`` and ``payload`` are claims, never trusted."""

    jws: str
    seal_hash: str
    payload: object
    detail: SealDetail | None


def seal_file_bytes(seal: Seal, detail: SealDetail | None) -> bytes:
    """The ``.cbseal`` file (UTF-8 JSON) for ``seal`` and its ``detail``."""
    document: dict[str, object] = {
        "format": SEAL_FORMAT, "version": 1, "jws": seal.jws, "seal_hash": seal.seal_hash,
        "payload": seal.payload.to_json(),
        "detail": detail.to_json() if detail is not None else None,
    }
    return canonical_bytes(document) + b"\n"


def write_seal_file(path: Path, seal: Seal, detail: SealDetail | None) -> Path:
    """Write the ``.cbseal`` file atomically (mode 0644)."""
    return atomic_write(Path(path), seal_file_bytes(seal, detail), mode=0o644)


def read_seal_file(data: bytes) -> SealFile:
    """Parse a ``.cbseal`` file's bytes (RFC 8785 canonical JSON, one optional final newline).

    :raises MalformedError: not a v1 seal file of the agreed shape.
    """
    # Exactly one spelling per content: canonical JSON, optionally one final newline.
    body = data[:-1] if data.endswith(b"\n") else data
    document = loads_canonical(body, what="seal file")
    if not isinstance(document, dict) or document.get("format") != SEAL_FORMAT:
        raise MalformedError("not a certbench seal file")
    keys: Sequence[str] = ("format", "version", "jws", "seal_hash", "payload", "detail")
    if set(document) - set(keys) or document.get("version") != 1:
        raise MalformedError("seal file: unsupported version or unknown members")
    jws, claimed = document.get("jws"), document.get("seal_hash")
    if not isinstance(jws, str) or not isinstance(claimed, str) \
            or not isinstance(document.get("payload"), dict):
        raise MalformedError("seal file: jws, seal_hash and payload are required")
    raw_detail = document.get("detail")
    detail = None if raw_detail is None else SealDetail.from_json(raw_detail)
    return SealFile(jws, claimed, document["payload"], detail)
