"""RFC 8785 canonical JSON and the hashes built on it.

Everything certbench signs or pins (form hashes, seal payloads, audit records,
registry entries, package manifests) is hashed over these bytes, so that key
order, whitespace and number formatting never change a hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal

import rfc8785

__all__ = ["canonical_bytes", "canonical_hash", "jsonable", "sha256_hex"]

JSONValue = None | bool | int | str | Sequence["JSONValue"] | Mapping[str, "JSONValue"]


def jsonable(value: object) -> object:
    """Turn tuples, sets, Decimals and nested mappings into plain JSON values.

    Decimals become strings (seals carry no floats); sets become sorted lists.
    Floats are refused outright, since their canonical form is a trap.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        raise TypeError("floats are not allowed in canonical JSON; use Decimal or str")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"JSON object keys must be strings, not {type(k).__name__}")
            out[k] = jsonable(v)
        return out
    if isinstance(value, set | frozenset):
        return sorted(jsonable(v) for v in value)  # type: ignore[type-var]
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def canonical_bytes(value: object) -> bytes:
    """The RFC 8785 (JCS) serialisation of ``value`` after :func:`jsonable`."""
    return rfc8785.dumps(jsonable(value))  # type: ignore[arg-type]


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_hash(value: object) -> str:
    """Hex SHA-256 of the canonical bytes of ``value``."""
    return sha256_hex(canonical_bytes(value))
