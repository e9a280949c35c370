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
from typing import cast

from certbench.canonical import canonical_bytes, sha256_hex
from certbench.certify.fileio import atomic_write
from certbench.certify.jws import (
    ParsedJws,
    canonical_plain,
    loads_plain,
    loads_strict,
    parse_compact,
    parse_compact_known,
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
    "SealFileParts",
    "SealIssuer",
    "SealPayload",
    "SealResult",
    "SealScheme",
    "SealSubject",
    "SealValidity",
    "decimal_text",
    "decode_seal",
    "decode_seal_known",
    "parse_jws",
    "read_seal_file",
    "read_seal_file_parts",
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


# --- the same rules, checked a whole record at a time ---------------------------------
#
# Reading a seal checks some forty members one by one (above). The readers below check
# the same rules over whole groups of members at once, with builtins that loop in C,
# and build the same records. They accept nothing the member-by-member readers refuse;
# whatever they do not accept (``None``) goes to those readers, which name the member
# that is wrong. tests/test_seal.py holds the two to the same results.

_STR_ONLY = frozenset((str,))
_PAYLOAD_KEYS = frozenset(("v", "no", "iss", "sub", "sch", "res", "aud", "val"))
_ISS_KEYS = frozenset(("name", "id", "kid"))
_SUB_KEYS = frozenset(("name", "reg", "cc", "web"))
_SCH_KEYS = frozenset(("id", "ver", "title", "hash"))
_RES_KEYS = frozenset(("grade", "score", "dom", "rh", "sh"))
_AUD_KEYS = frozenset(("id", "by", "rev", "done", "er", "en"))
_VAL_KEYS = frozenset(("iat", "nbf", "exp"))
_DETAIL_KEYS = frozenset(("ratings", "scope", "evidence"))
_RATING_KEYS = frozenset(("criterion", "value", "justification"))
_MAX_LIST = 100
_MAX_JUSTIFICATION = 20_000
_MAX_COUNT = 10**9


def _all_str(values: Sequence[object]) -> bool:
    """Whether every value is a ``str`` (an empty sequence is not)."""
    return set(map(type, values)) == _STR_ONLY


def _all_texts(values: Sequence[object]) -> bool:
    """Whether every value passes :func:`_text` (non-empty ``str`` of at most 500)."""
    if not _all_str(values) or not all(values):
        return False
    return max(map(len, cast("Sequence[str]", values))) <= _MAX_TEXT


def _dates_fast(*values: object) -> tuple[date, ...] | None:
    if not _all_str(values):
        return None
    texts = cast("tuple[str, ...]", values)
    if not all(map(_DATE.fullmatch, texts)):
        return None
    try:
        return tuple(map(date.fromisoformat, texts))
    except ValueError:
        return None


def _payload_fast(value: object) -> SealPayload | None:
    """:meth:`SealPayload.from_json` for a payload with nothing wrong; ``None`` otherwise."""
    if type(value) is not dict or value.keys() != _PAYLOAD_KEYS:
        return None
    iss, sub, sch, res = value["iss"], value["sub"], value["sch"], value["res"]
    aud, val, v = value["aud"], value["val"], value["v"]
    if not (type(iss) is dict and iss.keys() == _ISS_KEYS
            and type(sub) is dict and sub.keys() == _SUB_KEYS
            and type(sch) is dict and sch.keys() == _SCH_KEYS
            and type(res) is dict and res.keys() == _RES_KEYS
            and type(aud) is dict and aud.keys() == _AUD_KEYS
            and type(val) is dict and val.keys() == _VAL_KEYS
            and type(v) is int and v == 1):
        return None
    web, by, dom, en, reg = sub["web"], aud["by"], res["dom"], aud["en"], sub["reg"]
    if not (type(web) is list and len(web) <= _MAX_LIST and type(by) is list
            and len(by) <= _MAX_LIST and type(dom) is dict and len(dom) <= _MAX_LIST
            and type(en) is int and 0 <= en < _MAX_COUNT
            and type(reg) is str and len(reg) <= _MAX_TEXT):
        return None
    if not _all_texts((value["no"], iss["name"], iss["id"], iss["kid"], sub["name"],
                       sch["id"], sch["ver"], sch["title"], res["grade"], aud["id"],
                       aud["rev"], *web, *by, *dom)):
        return None
    hexes = (sch["hash"], res["rh"], res["sh"], aud["er"])
    scores = (res["score"], *dom.values())
    cc = sub["cc"]
    if not (_all_str((*hexes, *scores, cc))
            and all(map(_HEX64.fullmatch, cast("tuple[str, ...]", hexes)))
            and all(map(_SCORE.fullmatch, cast("tuple[str, ...]", scores)))
            and _CC.fullmatch(cast("str", cc))):
        return None
    dates = _dates_fast(aud["done"], val["nbf"], val["exp"])
    if dates is None:
        return None
    done, nbf, exp = dates
    if exp < nbf:
        return None
    try:
        iat = parse_time(val["iat"])
    except MalformedError:
        return None
    return SealPayload(
        value["no"], SealIssuer(iss["name"], iss["id"], iss["kid"]),
        SealSubject(sub["name"], reg, cc, tuple(web)),
        SealScheme(sch["id"], sch["ver"], sch["title"], sch["hash"]),
        SealResult(res["grade"], res["score"], tuple(sorted(dom.items())), res["rh"], res["sh"]),
        SealAudit(aud["id"], tuple(by), aud["rev"], done, aud["er"], en),
        SealValidity(iat, nbf, exp))


def _detail_fast(value: object) -> SealDetail | None:
    """:meth:`SealDetail.from_json` for a detail with nothing wrong; ``None`` otherwise."""
    if type(value) is not dict or value.keys() != _DETAIL_KEYS:
        return None
    raw_ratings, raw_scope, raw_evidence = value["ratings"], value["scope"], value["evidence"]
    if not (type(raw_ratings) is list and type(raw_evidence) is list
            and type(raw_scope) is dict and raw_scope.keys() == _SCOPE_KEYS):
        return None
    if not all(type(r) is dict and r.keys() == _RATING_KEYS for r in raw_ratings):
        return None
    criteria = [r["criterion"] for r in raw_ratings]
    values = [r["value"] for r in raw_ratings]
    justifications = [r["justification"] for r in raw_ratings]
    if raw_ratings and not (_all_texts(criteria + values) and _all_str(justifications) and max(
            map(len, cast("list[str]", justifications))) <= _MAX_JUSTIFICATION):
        return None
    if raw_evidence and not (_all_str(raw_evidence)
                             and all(map(_HEX64.fullmatch, cast("list[str]", raw_evidence)))):
        return None
    try:
        scope = Scope.from_json(raw_scope)
    except (TypeError, ValueError):
        return None
    return SealDetail(tuple(map(Rating, criteria, values, justifications)), scope,
                      tuple(raw_evidence))


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
        return _payload_fast(value) or _payload_by_member(value)


def _payload_by_member(value: object) -> SealPayload:
    """:meth:`SealPayload.from_json` member by member, naming the first member that is wrong."""
    d = _obj(value, "payload", ("v", "no", "iss", "sub", "sch", "res", "aud", "val"))
    if d["v"] != 1 or isinstance(d["v"], bool):
        raise MalformedError("seal payload: unsupported version")
    return SealPayload(_text(d["no"], "no"), SealIssuer.from_json(d["iss"]),
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
    return _decoded(parse_compact(text.strip(), typ=SEAL_TYP))


def decode_seal_known(text: str, payload: bytes, value: object) -> DecodedSeal:
    """:func:`decode_seal`, given the payload's canonical bytes and value already proven
    (a seal file's ``payload`` member): when the JWS carries exactly these bytes they
    are not parsed a second time. Same result and refusals as :func:`decode_seal`.

    :raises MalformedError: not a well-formed seal.
    """
    return _decoded(parse_compact_known(text.strip(), typ=SEAL_TYP, payload=payload,
                                        value=value))


def _decoded(parsed: ParsedJws) -> DecodedSeal:
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
        return _detail_fast(value) or _detail_by_member(value)


def _detail_by_member(value: object) -> SealDetail:
    """:meth:`SealDetail.from_json` member by member, naming the first member that is wrong."""
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
    return SealDetail(ratings, scope, evidence)


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


@dataclass(frozen=True, slots=True)
class SealFileParts:
    """Canonical bytes of members of a seal file, as they stand in the (canonical) file."""

    payload: bytes
    """``canonical_plain`` of the file's ``payload`` member."""
    ratings: bytes | None
    """Of ``detail.ratings`` (``None`` without detail)."""
    scope: bytes | None
    """Of ``detail.scope`` (``None`` without detail)."""


def read_seal_file(data: bytes) -> SealFile:
    """Parse a ``.cbseal`` file's bytes (RFC 8785 canonical JSON, one optional final newline).

    :raises MalformedError: not a v1 seal file of the agreed shape.
    """
    return read_seal_file_parts(data)[0]


def read_seal_file_parts(data: bytes) -> tuple[SealFile, SealFileParts]:
    """:func:`read_seal_file`, plus the canonical bytes of the payload, ratings and scope.

    The file's canonical form is proven by serialising it member by member (the
    same bytes as serialising it whole), which leaves those members' canonical
    bytes at hand: a verifier compares and hashes them instead of serialising
    the same values again.

    :raises MalformedError: not a v1 seal file of the agreed shape.
    """
    # Exactly one spelling per content: canonical JSON, optionally one final newline.
    body = data[:-1] if data.endswith(b"\n") else data
    document = loads_plain(body, what="seal file")
    canonical, members, inner = _canonical_by_member(document)
    if canonical != body:
        raise MalformedError("seal file is not canonical JSON (RFC 8785)")
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
    parts = SealFileParts(members["payload"], inner.get("ratings") if detail else None,
                          inner.get("scope") if detail else None)
    return SealFile(jws, claimed, document["payload"], detail), parts


_KEY_BYTES = {key: canonical_plain(key) + b":" for key in (
    "detail", "format", "jws", "payload", "seal_hash", "version",
    "evidence", "ratings", "scope")}


def _canonical_object(members: Mapping[str, bytes]) -> bytes:
    """``canonical_plain`` of an object, from the canonical bytes of its members."""
    return b"{" + b",".join(
        (_KEY_BYTES.get(key) or canonical_plain(key) + b":") + members[key]
        for key in sorted(members)) + b"}"


def _canonical_by_member(document: object) -> tuple[bytes | None, dict[str, bytes],
                                                     dict[str, bytes]]:
    """``canonical_plain(document)`` built member by member, one level into ``detail``;
    with the members' bytes and the detail's members' bytes. ``None`` for what has no
    canonical form (lone surrogates...)."""
    try:
        if not isinstance(document, dict):
            return canonical_plain(document), {}, {}
        members: dict[str, bytes] = {}
        inner: dict[str, bytes] = {}
        for key, value in document.items():
            if key == "detail" and isinstance(value, dict):
                inner = {k: canonical_plain(v) for k, v in value.items()}
                members[key] = _canonical_object(inner)
            else:
                members[key] = canonical_plain(value)
        return _canonical_object(members), members, inner
    except ValueError:
        return None, {}, {}
