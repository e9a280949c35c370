"""Compact JWS (RFC 7515) with ES256 only, over ``cryptography``; no JOSE library.

Seals, trust files and registry heads are signed the same way: the header and the
payload are RFC 8785 canonical JSON, the signature is the raw ``r || s`` pair of
ECDSA P-256 over SHA-256 (64 bytes), and every segment is base64url without
padding. :func:`parse_compact` is strict: anything a careful signer would not
have produced is a :class:`~certbench.errors.MalformedError`, so two different
strings can never carry the same signed content.

It also holds :func:`loads_strict`, the JSON reader every certify input goes
through (duplicate keys, NaN, floats and runaway nesting are refused), and
:func:`canonical_plain`, the fast RFC 8785 serialiser for what it returns.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import json.encoder
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from certbench.canonical import canonical_bytes
from certbench.errors import MalformedError, SigningError

__all__ = [
    "ALG",
    "ParsedJws",
    "b64url_decode",
    "b64url_encode",
    "canonical_plain",
    "der_to_raw",
    "loads_canonical",
    "loads_plain",
    "loads_strict",
    "parse_compact",
    "parse_compact_known",
    "raw_to_der",
    "sign_compact",
    "verify_jws",
]

ALG = "ES256"
_COORD = 32
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_ES256 = ec.ECDSA(hashes.SHA256())  # holds no state: one for every verification
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
MAX_SAFE_INTEGER = 2**53 - 1
_SUPPLEMENTARY_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")  # of 4-byte UTF-8


def _has_supplementary(data: bytes) -> bool:
    """Whether ``data`` may hold a character beyond the Basic Multilingual Plane.

    Five byte searches (memchr speed) rather than one regular-expression scan.
    """
    return any(lead in data for lead in _SUPPLEMENTARY_LEADS)


@dataclass(frozen=True, slots=True)
class ParsedJws:
    """A compact JWS split into its parts; nothing in it is verified yet."""

    header: Mapping[str, object]
    payload: bytes
    """The decoded payload: canonical JSON bytes (the seal hash is over these)."""
    signature: bytes
    """Raw ``r || s``, 64 bytes."""
    signing_input: bytes
    """``BASE64URL(header) || '.' || BASE64URL(payload)`` as signed."""
    value: object = None
    """The payload parsed as JSON."""

    @property
    def kid(self) -> str:
        """The key id the header names."""
        return str(self.header["kid"])


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict inverse of :func:`b64url_encode`; padding, other alphabets and
    non-canonical trailing bits are :class:`MalformedError`."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError as exc:
        raise MalformedError("not base64url without padding") from exc
    # '+', '/' and '=' would pass the standard decoder below: refuse them first.
    if len(raw) % 4 == 1 or b"+" in raw or b"/" in raw or b"=" in raw:
        raise MalformedError("not base64url without padding")
    tail = len(raw) % 4
    if tail:  # the last character of a 2- or 3-character group has 4 or 2 unused bits
        last = _B64_ALPHABET.find(text[-1])
        if last < 0:
            raise MalformedError("not base64url without padding")
        if last & (0x0F if tail == 2 else 0x03):
            raise MalformedError("non-canonical base64url (stray trailing bits)")
    try:  # strict: any character outside the alphabet (whitespace too) is an error
        return binascii.a2b_base64(raw.translate(_TO_STANDARD) + b"=" * (-tail % 4),
                                   strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedError("not base64url without padding") from exc


def der_to_raw(der: bytes) -> bytes:
    """A DER ECDSA signature as the 64-byte ``r || s`` JWS form."""
    r, s = decode_dss_signature(der)
    return r.to_bytes(_COORD, "big") + s.to_bytes(_COORD, "big")


def raw_to_der(raw: bytes) -> bytes:
    """A 64-byte ``r || s`` signature as DER; other lengths are :class:`MalformedError`."""
    if len(raw) != 2 * _COORD:
        raise MalformedError(f"ES256 signature must be 64 bytes, not {len(raw)}")
    r = int.from_bytes(raw[:_COORD], "big")
    s = int.from_bytes(raw[_COORD:], "big")
    return encode_dss_signature(r, s)


def _reject_constant(name: str) -> object:
    raise MalformedError(f"JSON constant {name} is not allowed")


def _reject_float(text: str) -> object:
    raise MalformedError(f"JSON number {text[:20]} is not an integer (floats are not allowed)")


def _safe_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise MalformedError(f"JSON integer {text[:20]} is outside ±(2**53 - 1)")
    return value


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise MalformedError("duplicate JSON key")
    if not all(map(str.isascii, out)):
        raise MalformedError("JSON object keys must be ASCII")
    return out


def loads_strict(data: bytes | str, *, what: str = "JSON") -> object:
    """Parse JSON refusing duplicate or non-ASCII keys, NaN/Infinity, floats, integers
    beyond ±(2**53 - 1), bad UTF-8 and runaway nesting.

    What it returns is "plain JSON", which :func:`canonical_plain` serialises exactly.

    :raises MalformedError: for anything but plain, well-formed JSON.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return _DECODER.decode(text)
    except MalformedError as exc:
        raise MalformedError(f"{what}: {exc.message}") from exc
    except RecursionError as exc:
        raise MalformedError(f"{what}: nested too deeply") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedError(f"{what}: not valid UTF-8 JSON ({str(exc)[:80]})") from exc


def loads_plain(data: bytes, *, what: str = "JSON") -> object:
    """Parse bytes as plain JSON *without* proving them canonical.

    The first half of :func:`loads_canonical`, for a caller that proves the
    canonical form itself (``canonical_plain(value) == data``, possibly member by
    member). Input with characters beyond the Basic Multilingual Plane takes the
    strict path of :func:`loads_strict` (JSON key order is by UTF-16 code units
    there, so such keys are refused); otherwise duplicate keys are merged here and
    it is the caller's canonical comparison that refuses them.

    :raises MalformedError: not plain, well-formed JSON.
    """
    if _has_supplementary(data):
        return loads_strict(data, what=what)
    try:
        return _PLAIN_DECODER.decode(data.decode("utf-8"))
    except MalformedError as exc:
        raise MalformedError(f"{what}: {exc.message}") from exc
    except RecursionError as exc:
        raise MalformedError(f"{what}: nested too deeply") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedError(f"{what}: not valid UTF-8 JSON ({str(exc)[:80]})") from exc


def loads_canonical(data: bytes, *, what: str = "JSON") -> object:
    """Parse bytes that must be RFC 8785 canonical JSON, refusing any other spelling.

    Faster than :func:`loads_strict` for signed inputs: a duplicate key, whitespace,
    an escape or a key order a canonical writer would not produce all make the
    re-serialised value differ from ``data``. Input with characters beyond the
    Basic Multilingual Plane takes the strict path (JSON key order is by UTF-16
    code units there).

    :raises MalformedError: not plain JSON, or not in its canonical form.
    """
    value = loads_plain(data, what=what)
    if _canonical_or_none(value) != data:
        raise MalformedError(f"{what} is not canonical JSON (RFC 8785)")
    return value


def canonical_plain(value: object) -> bytes:
    """RFC 8785 bytes of *plain* JSON data, fast (the C JSON encoder).

    Plain means what :func:`loads_strict` returns, or data built only of dicts with
    ASCII keys, lists, strings, booleans, ``None`` and integers within ±(2**53 - 1).
    For such data RFC 8785 is exactly sorted keys, no whitespace, UTF-8 output and
    JSON's minimal escapes with lower-case hex, which ``json.dumps`` produces
    (a test holds it to the ``rfc8785`` package). Use
    :func:`certbench.canonical.canonical_bytes` for anything else.

    Never pass floats: ``json.dumps`` would write them, not refuse them.

    :raises ValueError: lone surrogates, or values JSON cannot hold.
    """
    try:
        if _C_ENCODE is not None:
            return "".join(_C_ENCODE(value, 0)).encode("utf-8")
        return _ENCODER.encode(value).encode("utf-8")
    except (TypeError, UnicodeError, RecursionError) as exc:
        raise ValueError(f"not plain JSON: {exc}") from exc


def _not_plain(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not plain JSON")


# Built once: json.loads/dumps with options build a new decoder/encoder on every call.
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_pairs, parse_constant=_reject_constant,
                            parse_float=_reject_float, parse_int=_safe_int)
_PLAIN_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_reject_float,
                                  parse_int=_safe_int)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                            allow_nan=False, default=_not_plain)


def _c_encoder() -> Callable[[object, int], Sequence[str]] | None:
    """The C encoder ``_ENCODER.encode`` builds on every call, built once.

    Same settings as ``_ENCODER`` (sorted keys, ``,``/``:`` separators, UTF-8
    text, no NaN, :func:`_not_plain` for anything else), minus the circular
    reference bookkeeping: parsed JSON cannot be circular, and a circular value
    ends as ``RecursionError``, which :func:`canonical_plain` reports as
    ``ValueError`` like any other unserialisable value. ``None`` where CPython's
    ``_json`` accelerator is missing.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    # (markers, default, encode string, indent, key sep, item sep, sort_keys, skipkeys,
    # allow_nan): the arguments JSONEncoder.iterencode passes it.
    encoder: Callable[[object, int], Sequence[str]] = make(
        None, _not_plain, json.encoder.encode_basestring, None, ":", ",", True, False, False)
    return encoder


_C_ENCODE = _c_encoder()


def _canonical_or_none(value: object) -> bytes | None:
    try:
        return canonical_plain(value)
    except ValueError:
        return None


def sign_compact(payload: bytes, private_key: ec.EllipticCurvePrivateKey, *,
                 kid: str, typ: str) -> str:
    """Sign canonical ``payload`` bytes as a compact JWS with header ``{alg, kid, typ}``.

    :raises SigningError: the key is not a P-256 key.
    """
    if not isinstance(private_key.curve, ec.SECP256R1):
        raise SigningError(f"ES256 needs a P-256 key, not {private_key.curve.name}")
    header = canonical_bytes({"alg": ALG, "kid": kid, "typ": typ})
    signing_input = f"{b64url_encode(header)}.{b64url_encode(payload)}".encode("ascii")
    der = private_key.sign(signing_input, ec.ECDSA(hashes.SHA256()))
    return f"{signing_input.decode('ascii')}.{b64url_encode(der_to_raw(der))}"


def _parse_header(segment: str, typ: str) -> dict[str, object]:
    return dict(_header_members(segment, typ))


@functools.lru_cache(maxsize=64)
def _header_members(segment: str, typ: str) -> tuple[tuple[str, object], ...]:
    """The checked header's members. Remembered per segment text: every seal an issuer
    key signs carries the same header, and the answer depends on nothing else (a
    refused header raises, and is not remembered)."""
    raw = b64url_decode(segment)
    header = loads_canonical(raw, what="JWS header")
    if not isinstance(header, dict):
        raise MalformedError("JWS header is not a JSON object")
    if set(header) != {"alg", "kid", "typ"}:
        raise MalformedError("JWS header must hold exactly alg, kid and typ")
    if header["alg"] != ALG:
        raise MalformedError(f"JWS alg must be {ALG}")
    if header["typ"] != typ:
        raise MalformedError(f"JWS typ must be {typ}")
    kid = header["kid"]
    if not isinstance(kid, str) or not kid or len(kid) > 128:
        raise MalformedError("JWS kid must be a non-empty string")
    return tuple(header.items())


def parse_compact(text: str, *, typ: str, detached_payload: bytes | None = None) -> ParsedJws:
    """Split and check a compact JWS; the payload must be canonical JSON.

    With ``detached_payload`` the middle segment must be empty (RFC 7515 appendix F)
    and the given bytes are the payload.

    :raises MalformedError: anything but three well-formed segments, header
        ``{"alg":"ES256","kid":...,"typ":typ}``, canonical payload and a 64-byte signature.
    """
    return _parse_compact(text, typ, detached_payload, None)


def parse_compact_known(text: str, *, typ: str, payload: bytes, value: object) -> ParsedJws:
    """:func:`parse_compact`, given canonical bytes already proven and parsed elsewhere.

    ``payload`` must be ``canonical_plain(value)`` with ``value`` plain JSON (for
    instance a member of a document whose canonical form was just checked). When
    the JWS carries exactly these bytes, ``value`` is taken as the parsed payload
    instead of parsing and re-serialising the same bytes a second time; any other
    payload is parsed and checked as :func:`parse_compact` does. The result, and
    every refusal, is the same as :func:`parse_compact`'s.

    :raises MalformedError: as :func:`parse_compact`.
    """
    return _parse_compact(text, typ, None, (payload, value))


def _parse_compact(text: str, typ: str, detached_payload: bytes | None,
                   known: tuple[bytes, object] | None) -> ParsedJws:
    if not isinstance(text, str) or not text.isascii():
        raise MalformedError("a compact JWS is ASCII text")
    parts = text.split(".")
    if len(parts) != 3:
        raise MalformedError("a compact JWS has exactly three segments")
    header_seg, payload_seg, sig_seg = parts
    header = _parse_header(header_seg, typ)
    if detached_payload is None:
        payload = b64url_decode(payload_seg)
    elif payload_seg:
        raise MalformedError("a detached JWS has an empty payload segment")
    else:
        payload = detached_payload
        payload_seg = b64url_encode(payload)
    if known is not None and payload == known[0]:
        value = known[1]  # the same canonical bytes: already parsed and proven canonical
    else:
        value = loads_canonical(payload, what="JWS payload")
    signature = b64url_decode(sig_seg)
    if len(signature) != 2 * _COORD:
        raise MalformedError(f"ES256 signature must be 64 bytes, not {len(signature)}")
    signing_input = f"{header_seg}.{payload_seg}".encode("ascii")
    return ParsedJws(header, payload, signature, signing_input, value)


def verify_jws(parsed: ParsedJws, public_key: ec.EllipticCurvePublicKey) -> bool:
    """Whether ``parsed``'s signature verifies under ``public_key``."""
    if not isinstance(public_key.curve, ec.SECP256R1):
        return False
    r = int.from_bytes(parsed.signature[:_COORD], "big")
    s = int.from_bytes(parsed.signature[_COORD:], "big")
    try:
        public_key.verify(encode_dss_signature(r, s), parsed.signing_input, _ES256)
    except InvalidSignature:
        return False
    return True
