"""The package container: a zip written plainly and read defensively.

A package holds exactly these entries, and nothing else:

``manifest.json``
    the manifest (deflated JSON);
``manifest.sig``
    the sender's compact JWS over the manifest bytes;
``evidence/<sha256>``
    one evidence file per entry, stored (not compressed), named by the lower-case
    hex SHA-256 of its content;
``forms/<form-id>/<version>.toml``
    optional: the TOML source of a checklist form the manifest pins (deflated),
    so that a receiver who lacks that form version can install it. The entry
    is not signed itself: the signed manifest pins the form's canonical hash,
    which the importer checks before it installs anything.

The zip comment names the container format (``certbench-package/1``).

:class:`PackageReader` looks at the whole central directory before it reads a
byte of content, and refuses anything a hostile or damaged archive could use:
climbing names, absolute names, backslashes, drive letters, links and other
non-regular entries, duplicate (also case-folded) names, names that are not
UTF-8, entries outside the expected shapes, too many entries (or forms), too many
bytes (or a form bigger than its limit), zip bombs, overlapping entries, and
truncation. While it streams an entry it counts the bytes it actually gets
against the declared size and, for evidence, checks the hash. It never
extracts to a path: entries go into a stream the caller owns (the vault's
staging file, or memory for the small JSON and TOML entries).
Every refusal is a :class:`~certbench.errors.PackageError` whose
``context["code"]`` is a :class:`~certbench.sync.codes.PackageCode`.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from certbench.errors import PackageError
from certbench.sync.codes import PackageCode, package_error

__all__ = [
    "CONTAINER_VERSION",
    "EVIDENCE_PREFIX",
    "FORMS_PREFIX",
    "MANIFEST_NAME",
    "SIGNATURE_NAME",
    "ArchiveLimits",
    "Cancelled",
    "EntryInfo",
    "PackageReader",
    "PackageWriter",
    "Progress",
    "evidence_name",
    "form_entry_name",
]

CONTAINER_VERSION = 1
"""The only container version this code reads and writes."""
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
EVIDENCE_PREFIX = "evidence/"
FORMS_PREFIX = "forms/"
_COMMENT_PREFIX = b"certbench-package/"
_EVIDENCE_RE = re.compile(r"evidence/[0-9a-f]{64}")
# The same shapes as checklists' form id and version (the version cannot be "." or "..").
_FORM_ENTRY_RE = re.compile(r"forms/([a-z0-9-]+)/([0-9A-Za-z][0-9A-Za-z.\-]*)\.toml")
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_DRIVE_RE = re.compile(r"[A-Za-z]:")
_BLOCK = 1 << 20
_EOCD_SIG = b"PK\x05\x06"
_EOCD64_LOCATOR_SIG = b"PK\x06\x07"
_EOCD64_SIG = b"PK\x06\x06"
_LOCAL_SIG = b"PK\x03\x04"
_LOCAL_HEADER_LEN = 30
_CENTRAL_ENTRY_MAX = 46 + 0xFFFF * 3  # fixed part + name, extra and comment

Progress = Callable[[float, str], None]
"""``progress(fraction, label)``: ``fraction`` in [0, 1]; called from the worker thread."""
Cancelled = Callable[[], bool]
"""Polled between blocks; returning True stops the work with code ``cancelled``."""


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """What a package may contain before it is refused as hostile."""

    max_entries: int = 50_000
    """Entries in the central directory (manifest and signature included)."""
    max_total_bytes: int = 64 << 30
    """Sum of the declared uncompressed sizes."""
    max_metadata_bytes: int = 64 << 20
    """Uncompressed size of ``manifest.json`` or ``manifest.sig`` (read into memory)."""
    max_ratio: int = 100
    """Largest uncompressed/compressed ratio of an entry bigger than ``ratio_floor``."""
    ratio_floor: int = 64 << 10
    """Entries at most this big are too small to be a bomb; the ratio is not checked."""
    max_forms: int = 64
    """``forms/<id>/<version>.toml`` entries."""
    max_form_bytes: int = 4 << 20
    """Uncompressed size of one form entry (read into memory)."""


@dataclass(frozen=True, slots=True)
class EntryInfo:
    """One checked entry of the central directory."""

    name: str
    """The entry name, exactly as in the archive."""
    size: int
    """Declared uncompressed size in bytes."""
    compressed_size: int
    """Declared compressed size in bytes."""

    @property
    def sha256(self) -> str | None:
        """The evidence hash named by an ``evidence/<sha256>`` entry, else None."""
        return self.name[len(EVIDENCE_PREFIX):] if self.name.startswith(EVIDENCE_PREFIX) else None

    @property
    def form(self) -> tuple[str, str] | None:
        """``(form id, version)`` of a ``forms/<id>/<version>.toml`` entry, else None."""
        match = _FORM_ENTRY_RE.fullmatch(self.name)
        return (match[1], match[2]) if match else None


def evidence_name(sha256: str) -> str:
    """The entry name of the evidence object with hex digest ``sha256``."""
    if not _SHA_RE.fullmatch(sha256):
        raise ValueError(f"not a lower-case hex SHA-256: {sha256!r}")
    return EVIDENCE_PREFIX + sha256


def form_entry_name(form_id: str, version: str) -> str:
    """The entry name of the TOML source of form ``form_id@version``."""
    name = f"{FORMS_PREFIX}{form_id}/{version}.toml"
    if not _FORM_ENTRY_RE.fullmatch(name):
        raise ValueError(f"not a form id and version: {form_id!r} {version!r}")
    return name


class _PipelinedSha256:
    """SHA-256 computed on a helper thread while the caller moves the next block.

    hashlib releases the GIL on large buffers, so hashing overlaps with zip
    CRCs, encryption and disk writes on another core. At most a few blocks are
    in flight: memory stays constant.
    """

    IN_FLIGHT = 3
    """Blocks queued for hashing at most."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="package-sha256")
        self._pending: deque[Future[None]] = deque()

    def update(self, block: bytes | memoryview) -> None:
        """Queue ``block`` for hashing (blocks are hashed in order)."""
        if len(self._pending) >= self.IN_FLIGHT:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(self._digest.update, block))

    def hexdigest(self) -> str:
        """Wait for the queued blocks and return the hex digest."""
        self.close()
        return self._digest.hexdigest()

    def close(self) -> None:
        """Finish the queued work and stop the helper thread."""
        while self._pending:
            self._pending.popleft().result()
        self._pool.shutdown()


def _check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise package_error(PackageCode.CANCELLED, "cancelled by the user")


# --------------------------------------------------------------------- writing


class PackageWriter:
    """Write a package zip into ``target``, a file opened for binary writing.

    ``target`` may be unseekable (for example the encrypting writer of
    :mod:`certbench.sync.envelope`): zipfile then writes data descriptors, and
    the whole package is produced in one streaming pass.
    """

    def __init__(self, target: BinaryIO) -> None:
        self._zip = zipfile.ZipFile(target, mode="w", allowZip64=True)
        self._zip.comment = _COMMENT_PREFIX + str(CONTAINER_VERSION).encode()
        self._names: set[str] = set()

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _info(self, name: str, size: int, compress: int) -> zipfile.ZipInfo:
        if name in self._names:
            raise ValueError(f"duplicate entry {name!r}")
        self._names.add(name)
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = compress
        info.create_system = 3  # Unix, so the mode bits below are meaningful
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.file_size = size
        return info

    def add_bytes(self, name: str, data: bytes) -> None:
        """Add a small metadata entry (``manifest.json``, ``manifest.sig``), deflated."""
        if name not in (MANIFEST_NAME, SIGNATURE_NAME):
            raise ValueError(f"not a metadata entry: {name!r}")
        info = self._info(name, len(data), zipfile.ZIP_DEFLATED)
        with self._zip.open(info, mode="w") as out:
            out.write(data)

    def add_form(self, form_id: str, version: str, text: bytes) -> None:
        """Add the TOML source of form ``form_id@version``, deflated."""
        info = self._info(form_entry_name(form_id, version), len(text), zipfile.ZIP_DEFLATED)
        with self._zip.open(info, mode="w") as out:
            out.write(text)

    def add_evidence(self, sha256: str, source: BinaryIO, size: int, *,
                     on_bytes: Callable[[int], None] | None = None,
                     cancelled: Cancelled | None = None) -> None:
        """Stream ``size`` bytes of ``source`` into ``evidence/<sha256>``, stored.

        The content is hashed on the way; a source that does not hash to
        ``sha256`` or is not ``size`` bytes long raises :class:`PackageError`
        (code ``hash_mismatch`` / ``size_mismatch``): a damaged vault object
        must never travel under its old name. ``on_bytes(n)`` is told of every
        block written.
        """
        info = self._info(evidence_name(sha256), size, zipfile.ZIP_STORED)
        digest = _PipelinedSha256()
        written = 0
        # One more buffer than blocks in flight: a buffer is refilled only after
        # the helper thread has hashed it.
        buffers = [memoryview(bytearray(_BLOCK)) for _ in range(_PipelinedSha256.IN_FLIGHT + 1)]
        try:
            with self._zip.open(info, mode="w", force_zip64=size > 0x7FFFFFFF) as out:
                for turn in itertools.count():
                    buffer = buffers[turn % len(buffers)]
                    n = source.readinto(buffer)  # type: ignore[attr-defined]
                    if not n:
                        break
                    _check_cancel(cancelled)
                    written += n
                    if written > size:
                        break
                    digest.update(buffer[:n])
                    out.write(buffer[:n])
                    if on_bytes is not None:
                        on_bytes(n)
        finally:
            digest.close()
        if written != size:
            raise package_error(PackageCode.SIZE_MISMATCH,
                                f"evidence {sha256} is not {size} bytes long", sha256=sha256)
        if digest.hexdigest() != sha256:
            raise package_error(PackageCode.HASH_MISMATCH,
                                f"evidence {sha256} does not hash to its name", sha256=sha256)

    def close(self) -> None:
        """Write the central directory. The target itself stays open."""
        self._zip.close()


# --------------------------------------------------------------------- reading


def _read_tail(fp: BinaryIO, size: int) -> tuple[bytes, int]:
    start = max(0, size - (22 + 0xFFFF))
    fp.seek(start)
    return fp.read(), start


def _declared_counts(fp: BinaryIO) -> tuple[int, int]:
    """(entries, central directory bytes) from the end records, before zipfile parses."""
    fp.seek(0, io.SEEK_END)
    size = fp.tell()
    fp.seek(0)
    head = fp.read(4)
    tail, start = _read_tail(fp, size)
    pos = tail.rfind(_EOCD_SIG)
    if pos < 0 or len(tail) - pos < 22:
        if head == _LOCAL_SIG:
            raise package_error(PackageCode.TRUNCATED,
                                "the package is truncated: its zip directory is missing")
        raise package_error(PackageCode.NOT_A_PACKAGE, "this file is not a certbench package")
    entries, cd_size = struct.unpack_from("<HI", tail, pos + 10)
    (comment_len,) = struct.unpack_from("<H", tail, pos + 20)
    if pos + 22 + comment_len > len(tail):
        raise package_error(PackageCode.TRUNCATED, "the package is truncated (at its very end)")
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        loc = start + pos - 20
        if loc < 0:
            raise package_error(PackageCode.TRUNCATED, "the package's zip64 directory is missing")
        fp.seek(loc)
        locator = fp.read(20)
        if locator[:4] != _EOCD64_LOCATOR_SIG:
            raise package_error(PackageCode.TRUNCATED, "the package's zip64 directory is missing")
        (offset,) = struct.unpack_from("<Q", locator, 8)
        fp.seek(offset)
        record = fp.read(56)
        if len(record) < 56 or record[:4] != _EOCD64_SIG:
            raise package_error(PackageCode.TRUNCATED, "the package's zip64 directory is damaged")
        entries, cd_size = struct.unpack_from("<QQ", record, 32)
    return int(entries), int(cd_size)


def _check_container_version(comment: bytes) -> None:
    if not comment.startswith(_COMMENT_PREFIX):
        raise package_error(PackageCode.NOT_A_PACKAGE,
                            "this zip file is not a certbench package (no format marker)")
    raw = comment[len(_COMMENT_PREFIX):]
    if raw != str(CONTAINER_VERSION).encode():
        shown = raw.decode("ascii", "replace")[:20]
        raise package_error(PackageCode.UNKNOWN_VERSION,
                            f"package format version {shown!r} is not supported "
                            f"(this certbench reads version {CONTAINER_VERSION})", version=shown)


def _check_name(name: str, flag_bits: int) -> None:
    """Refuse names that could point anywhere but where we want them."""
    if not flag_bits & 0x800 and any(ord(c) > 0x7F for c in name):
        raise package_error(PackageCode.NON_UTF8_NAME,
                            f"entry name {name!r} is not marked UTF-8", entry=name)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise package_error(PackageCode.BAD_NAME,
                            f"entry name {name!r} contains control characters", entry=name)
    if name.startswith("/"):
        raise package_error(PackageCode.ABSOLUTE_PATH, f"entry {name!r} has an absolute path",
                            entry=name)
    if "\\" in name:
        raise package_error(PackageCode.BACKSLASH, f"entry {name!r} contains a backslash",
                            entry=name)
    if _DRIVE_RE.match(name):
        raise package_error(PackageCode.DRIVE_LETTER, f"entry {name!r} names a drive",
                            entry=name)
    parts = name.split("/")
    if ".." in parts:
        raise package_error(PackageCode.PATH_TRAVERSAL,
                            f"entry {name!r} climbs out of the package with '..'", entry=name)
    if "." in parts or "" in parts[:-1]:
        raise package_error(PackageCode.BAD_NAME, f"entry name {name!r} is not canonical",
                            entry=name)


def _check_kind(info: zipfile.ZipInfo) -> None:
    """Refuse links, directories and any other non-regular entry."""
    name = info.orig_filename
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if info.create_system == 3 and kind == stat.S_IFLNK:
        raise package_error(PackageCode.LINK, f"entry {name!r} is a symbolic link", entry=name)
    is_dir = name.endswith("/") or (info.create_system == 3 and kind == stat.S_IFDIR) or (
        info.external_attr & 0x10)
    if is_dir:
        raise package_error(PackageCode.DIRECTORY, f"entry {name!r} is a directory", entry=name)
    if info.create_system == 3 and kind not in (0, stat.S_IFREG):
        raise package_error(PackageCode.SPECIAL_FILE, f"entry {name!r} is not a regular file",
                            entry=name)


def _check_shape(info: zipfile.ZipInfo) -> None:
    name = info.orig_filename
    if (name not in (MANIFEST_NAME, SIGNATURE_NAME) and not _EVIDENCE_RE.fullmatch(name)
            and not _FORM_ENTRY_RE.fullmatch(name)):
        raise package_error(PackageCode.UNEXPECTED_ENTRY,
                            f"entry {name!r} has no place in a certbench package", entry=name)
    if info.flag_bits & 0x1:
        raise package_error(PackageCode.ENCRYPTED_ENTRY, f"entry {name!r} is zip-encrypted",
                            entry=name)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise package_error(PackageCode.UNSUPPORTED_COMPRESSION,
                            f"entry {name!r} uses an unsupported compression method "
                            f"({info.compress_type})", entry=name)


def _check_sizes(info: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    name = info.orig_filename
    if name in (MANIFEST_NAME, SIGNATURE_NAME) and info.file_size > limits.max_metadata_bytes:
        raise package_error(PackageCode.TOO_LARGE,
                            f"entry {name!r} declares {info.file_size} bytes, over the limit of "
                            f"{limits.max_metadata_bytes}", entry=name)
    if _FORM_ENTRY_RE.fullmatch(name) and info.file_size > limits.max_form_bytes:
        raise package_error(PackageCode.TOO_LARGE,
                            f"form entry {name!r} declares {info.file_size} bytes, over the "
                            f"limit of {limits.max_form_bytes}", entry=name)
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise package_error(PackageCode.SIZE_MISMATCH,
                            f"stored entry {name!r} declares two different sizes", entry=name)
    if (info.file_size > limits.ratio_floor
            and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
        raise package_error(PackageCode.COMPRESSION_RATIO,
                            f"entry {name!r} expands {info.file_size} bytes from "
                            f"{info.compress_size}: over the ratio limit of {limits.max_ratio} "
                            f"(zip bomb)", entry=name)


def _check_layout(infos: list[zipfile.ZipInfo], directory_start: int) -> None:
    """Refuse entries whose data overlap each other or the central directory."""
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for info, following in zip(ordered, [*ordered[1:], None], strict=True):
        end = (info.header_offset + _LOCAL_HEADER_LEN + len(info.orig_filename.encode())
               + info.compress_size)
        limit = following.header_offset if following is not None else directory_start
        if end > limit:
            raise package_error(PackageCode.OVERLAPPING_ENTRIES,
                                f"entry {info.orig_filename!r} overlaps the next one",
                                entry=info.orig_filename)


class PackageReader:
    """A package zip opened for defensive reading; checks everything on open.

    Use as a context manager. ``source`` is a path or a seekable binary file
    (the caller keeps ownership of a file it passes).
    """

    def __init__(self, source: Path | BinaryIO, limits: ArchiveLimits | None = None) -> None:
        self.limits = limits or ArchiveLimits()
        self._own = isinstance(source, Path)
        self._fp: BinaryIO = source.open("rb") if isinstance(source, Path) else source
        try:
            self._zip = self._open_zip()
            self._entries = self._check_directory()
        except BaseException:
            self._close_fp()
            raise

    def _close_fp(self) -> None:
        if self._own:
            self._fp.close()

    def _open_zip(self) -> zipfile.ZipFile:
        entries, cd_size = _declared_counts(self._fp)
        if entries > self.limits.max_entries:
            raise package_error(PackageCode.TOO_MANY_ENTRIES,
                                f"the package has {entries} entries, over the limit of "
                                f"{self.limits.max_entries}", entries=entries)
        if cd_size > (self.limits.max_entries + 1) * _CENTRAL_ENTRY_MAX:
            raise package_error(PackageCode.TOO_LARGE, "the package's zip directory is too large")
        self._fp.seek(0)
        try:
            zf = zipfile.ZipFile(self._fp, mode="r")
        except UnicodeDecodeError as exc:
            raise package_error(PackageCode.NON_UTF8_NAME,
                                "an entry name marked UTF-8 is not valid UTF-8") from exc
        except (zipfile.BadZipFile, EOFError, OSError, struct.error, ValueError) as exc:
            raise package_error(PackageCode.TRUNCATED,
                                f"the package is truncated or damaged: {exc}") from exc
        _check_container_version(zf.comment)
        return zf

    def _check_directory(self) -> dict[str, EntryInfo]:
        infos = self._zip.infolist()
        if len(infos) > self.limits.max_entries:
            raise package_error(PackageCode.TOO_MANY_ENTRIES,
                                f"the package has {len(infos)} entries, over the limit of "
                                f"{self.limits.max_entries}", entries=len(infos))
        forms = sum(1 for i in infos if _FORM_ENTRY_RE.fullmatch(i.orig_filename))
        if forms > self.limits.max_forms:
            raise package_error(PackageCode.TOO_MANY_ENTRIES,
                                f"the package carries {forms} forms, over the limit of "
                                f"{self.limits.max_forms}", entries=forms)
        seen: dict[str, str] = {}
        total = 0
        for info in infos:
            name = info.orig_filename
            _check_name(name, info.flag_bits)
            folded = unicodedata.normalize("NFC", name).casefold()
            if folded in seen:
                raise package_error(PackageCode.DUPLICATE_NAME,
                                    f"entry {name!r} appears twice (also as {seen[folded]!r})",
                                    entry=name)
            seen[folded] = name
            _check_kind(info)
            _check_shape(info)
            _check_sizes(info, self.limits)
            total += info.file_size
            if total > self.limits.max_total_bytes:
                raise package_error(PackageCode.TOO_LARGE,
                                    f"the package declares more than "
                                    f"{self.limits.max_total_bytes} bytes in all")
        _check_layout(infos, self._zip.start_dir)
        return {i.orig_filename: EntryInfo(i.orig_filename, i.file_size, i.compress_size)
                for i in infos}

    def __enter__(self) -> PackageReader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the zip (and the file, when this reader opened it)."""
        self._zip.close()
        self._close_fp()

    @property
    def entries(self) -> tuple[EntryInfo, ...]:
        """Every entry, checked, in directory order."""
        return tuple(self._entries.values())

    @property
    def evidence(self) -> tuple[EntryInfo, ...]:
        """The ``evidence/<sha256>`` entries."""
        return tuple(e for e in self._entries.values() if e.sha256 is not None)

    @property
    def forms(self) -> tuple[EntryInfo, ...]:
        """The ``forms/<id>/<version>.toml`` entries."""
        return tuple(e for e in self._entries.values() if e.form is not None)

    @property
    def total_evidence_bytes(self) -> int:
        """Declared bytes of all evidence entries."""
        return sum(e.size for e in self.evidence)

    def entry(self, name: str) -> EntryInfo:
        """The entry ``name``; code ``missing_entry`` when the package lacks it."""
        try:
            return self._entries[name]
        except KeyError:
            raise package_error(PackageCode.MISSING_ENTRY,
                                f"the package has no {name!r}", entry=name) from None

    def _blocks(self, entry: EntryInfo, cancelled: Cancelled | None) -> Iterator[bytes]:
        """The entry's bytes, checked against its declared size and CRC."""
        got = 0
        try:
            with self._zip.open(entry.name, mode="r") as stream:
                while block := stream.read(_BLOCK):
                    _check_cancel(cancelled)
                    got += len(block)
                    if got > entry.size:
                        break
                    yield block
        except PackageError:
            raise
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, struct.error) as exc:
            raise package_error(PackageCode.CORRUPT_ENTRY,
                                f"entry {entry.name!r} is damaged: {exc}",
                                entry=entry.name) from exc
        if got != entry.size:
            raise package_error(PackageCode.SIZE_MISMATCH,
                                f"entry {entry.name!r} holds {got} bytes, not the declared "
                                f"{entry.size}", entry=entry.name)

    def read_metadata(self, name: str) -> bytes:
        """The whole of a small entry (``manifest.json`` / ``manifest.sig``), checked."""
        if name not in (MANIFEST_NAME, SIGNATURE_NAME):
            raise ValueError(f"not a metadata entry: {name!r}")
        return b"".join(self._blocks(self.entry(name), None))

    def read_form(self, form_id: str, version: str) -> bytes:
        """The whole of the form entry ``forms/<form_id>/<version>.toml``, checked.

        Its size was checked against ``max_form_bytes`` when the package was opened.
        """
        return b"".join(self._blocks(self.entry(form_entry_name(form_id, version)), None))

    def copy_evidence(self, sha256: str, target: BinaryIO | None, *,
                      on_bytes: Callable[[int], None] | None = None,
                      cancelled: Cancelled | None = None) -> int:
        """Stream ``evidence/<sha256>`` into ``target`` and check its hash; return its size.

        With ``target=None`` the bytes are only hashed. On a mismatch (code
        ``hash_mismatch``) ``target`` holds rubbish: the caller writes into a
        staging file it discards on error.
        """
        entry = self.entry(evidence_name(sha256))
        digest = _PipelinedSha256()
        try:
            for block in self._blocks(entry, cancelled):
                digest.update(block)
                if target is not None:
                    target.write(block)
                if on_bytes is not None:
                    on_bytes(len(block))
        finally:
            digest.close()
        if digest.hexdigest() != sha256:
            raise package_error(PackageCode.HASH_MISMATCH,
                                f"evidence {sha256} does not match its hash", entry=entry.name)
        return entry.size

    def verify_evidence(self, sha256: str, *, on_bytes: Callable[[int], None] | None = None,
                        cancelled: Cancelled | None = None) -> int:
        """Read ``evidence/<sha256>`` through and check its hash, writing nothing."""
        return self.copy_evidence(sha256, None, on_bytes=on_bytes, cancelled=cancelled)

