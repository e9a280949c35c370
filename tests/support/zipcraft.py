"""Build zip files byte by byte, including the hostile ones zipfile refuses to write.

Used by the field-package tests to make a corpus of hostile and damaged
packages: lying sizes, duplicate names, links, non-UTF-8 names, overlapping
entries. Every field of every header can be set by hand.
"""

from __future__ import annotations

import stat
import struct
import zlib
from dataclasses import dataclass

COMMENT = b"certbench-package/1"


@dataclass
class Entry:
    """One entry; ``None`` fields are computed from the data."""

    name: bytes | str
    data: bytes = b""
    method: int = 0  # 0 stored, 8 deflated
    flags: int | None = None  # default: 0x800 when the name is non-ASCII str
    mode: int = stat.S_IFREG | 0o644
    create_system: int = 3
    dos_attr: int = 0
    declared_size: int | None = None
    declared_compressed: int | None = None
    crc: int | None = None
    offset: int | None = None  # central directory's local header offset (for overlaps)
    payload: bytes | None = None  # raw bytes after the local header (default: compressed data)

    def raw_name(self) -> bytes:
        return self.name.encode("utf-8") if isinstance(self.name, str) else self.name

    def compressed(self) -> bytes:
        if self.payload is not None:
            return self.payload
        if self.method == 8:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            return c.compress(self.data) + c.flush()
        return self.data

    def flag_bits(self) -> int:
        if self.flags is not None:
            return self.flags
        raw = self.raw_name()
        return 0x800 if any(b > 0x7F for b in raw) and isinstance(self.name, str) else 0


def build(entries: list[Entry], comment: bytes = COMMENT) -> bytes:
    """The bytes of a zip holding ``entries`` exactly as described."""
    out = bytearray()
    central = bytearray()
    for e in entries:
        name = e.raw_name()
        body = e.compressed()
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        size = len(e.data) if e.declared_size is None else e.declared_size
        csize = len(body) if e.declared_compressed is None else e.declared_compressed
        local_offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, e.flag_bits(), e.method, 0, 0x21,
                           crc, csize, size, len(name), 0) + name + body
        offset = local_offset if e.offset is None else e.offset
        external = (e.mode << 16) | e.dos_attr
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", (e.create_system << 8) | 20,
                               20, e.flag_bits(), e.method, 0, 0x21, crc, csize, size, len(name),
                               0, 0, 0, 0, external, offset) + name
    start = len(out)
    out += central
    out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                       len(central), start, len(comment)) + comment
    return bytes(out)
