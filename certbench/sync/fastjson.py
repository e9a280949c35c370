"""RFC 8785 canonical JSON, fast for the values a package holds.

A manifest of a few hundred records goes through canonicalisation several
times (revisions, manifest bytes, the canonical check on import); the pure
Python ``rfc8785`` encoder spends most of a second on it. For values made only
of objects with ASCII keys, arrays, strings, booleans, null and integers within
±2**53, the standard library's ``json.dumps(sort_keys=True, ensure_ascii=False,
separators=(",", ":"))`` writes exactly the RFC 8785 bytes: ASCII keys sort the
same by UTF-16 code units as by code points, both escape ``"`` ``\\`` and the
control characters identically (short forms, else lower-case ``\\u00xx``), and
both write other characters as they are. Anything else falls back to
:func:`certbench.canonical.canonical_bytes`.
"""

from __future__ import annotations

import hashlib
import json

from certbench.canonical import canonical_bytes

__all__ = ["fast_canonical_bytes", "fast_canonical_hash"]

_LIMIT = 2**53


def _plain(value: object) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, bool | str):
            if isinstance(item, str) and not _encodable(item):
                return False
            continue
        if isinstance(item, int):
            if -_LIMIT < item < _LIMIT:
                continue
            return False
        if isinstance(item, dict):
            if not all(isinstance(k, str) and k.isascii() for k in item):
                return False
            stack.extend(item.values())
            continue
        if isinstance(item, list):
            stack.extend(item)
            continue
        return False
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return True


def fast_canonical_bytes(value: object) -> bytes:
    """The RFC 8785 bytes of ``value`` (same result as ``canonical_bytes``)."""
    if _plain(value):
        return json.dumps(value, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
    return canonical_bytes(value)


def fast_canonical_hash(value: object) -> str:
    """Hex SHA-256 of :func:`fast_canonical_bytes`."""
    return hashlib.sha256(fast_canonical_bytes(value)).hexdigest()
