"""The evidence vault: files stored once, by the SHA-256 of their content.

Layout under the vault root (``user_data_dir()/vault`` by default)::

    objects/ab/cdef0123...   the object whose SHA-256 hex is "abcdef0123..." (read-only)
    tmp/ingest-*             files being ingested (same file system, so the rename is atomic)

:meth:`Vault.ingest` reads its source once, in 1 MiB chunks, hashing and writing
at the same time (hashing runs on a helper thread, since ``hashlib`` releases the
GIL), so memory stays constant whatever the size. The object appears at its
final path only after ``fsync`` and an atomic ``os.replace``; a crash leaves at
most a temp file, which :meth:`Vault.remove_temp_leftovers` clears.

Metadata (who, when, where, source URL, media type, criterion) lives in the
database; :func:`add_evidence` stores the object first and only then writes the
row, so no row ever points at a missing object.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from certbench import assets
from certbench.errors import EvidenceError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from certbench.storage.models import Evidence, EvidenceKind

__all__ = ["CHUNK_SIZE", "StoredObject", "Vault", "VaultReport", "add_evidence", "default_vault"]

CHUNK_SIZE = 1024 * 1024
"""Bytes read, hashed and written per step."""
_BUFFERS = 3
_SHA_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class StoredObject:
    """An object in the vault."""

    sha256: str
    """Lower-case hex SHA-256 of the content: the object's name."""
    size: int
    """Size in bytes."""
    new: bool = True
    """False when identical content was already in the vault (nothing was written)."""


@dataclass(frozen=True, slots=True)
class VaultReport:
    """What :meth:`Vault.verify` found."""

    missing: list[str] = field(default_factory=list)
    """Expected digests with no object in the vault."""
    altered: list[str] = field(default_factory=list)
    """Objects whose content no longer hashes to their name."""
    ok: int = 0
    """Objects that re-hash to their name."""

    @property
    def healthy(self) -> bool:
        """True when nothing is missing or altered."""
        return not self.missing and not self.altered


def default_vault() -> Vault:
    """The vault in the user data directory."""
    return Vault(assets.user_data_dir() / "vault")


def _check_sha(sha256: str) -> str:
    if not _SHA_RE.fullmatch(sha256):
        raise EvidenceError(f"not a SHA-256 hex digest: {sha256!r}", sha256=sha256)
    return sha256


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Vault:
    """A content-addressed store of evidence files under ``root``.

    Several processes may ingest into the same vault at once: temp names are
    unique and the final rename is atomic, so the same content written twice
    still ends up as one intact object.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = root / "objects"
        self.tmp = root / "tmp"

    def path(self, sha256: str) -> Path:
        """Where the object ``sha256`` lives (whether or not it exists)."""
        sha = _check_sha(sha256)
        return self.objects / sha[:2] / sha[2:]

    def exists(self, sha256: str) -> bool:
        """Whether the object ``sha256`` is in the vault."""
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """Open the object for reading; the caller closes it.

        :raises EvidenceError: the object is not in the vault.
        """
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError as exc:
            raise EvidenceError(f"evidence object {sha256} is missing from the vault",
                                sha256=sha256, vault=str(self.root)) from exc

    def ingest(self, src: Path | BinaryIO) -> StoredObject:
        """Store the content of ``src`` (a path or a binary stream) and name it by its hash.

        One streaming pass in :data:`CHUNK_SIZE` chunks: constant memory.

        :raises EvidenceError: the source cannot be read or the vault cannot be written.
        """
        self.tmp.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix="ingest-", dir=self.tmp)
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb", buffering=0) as out:
                if isinstance(src, Path):
                    with src.open("rb", buffering=0) as stream:
                        sha, size = _copy_hashing(stream, out)
                else:
                    sha, size = _copy_hashing(src, out)
                os.fsync(out.fileno())
            return self._commit(tmp_path, sha, size)
        except OSError as exc:
            raise EvidenceError(f"cannot store evidence: {exc.strerror or exc}",
                                source=str(src) if isinstance(src, Path) else "<stream>") from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()

    def _commit(self, tmp_path: Path, sha: str, size: int) -> StoredObject:
        final = self.path(sha)
        if final.is_file():
            return StoredObject(sha, size, new=False)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp_path.chmod(0o444)
        tmp_path.replace(final)  # atomic: same file system
        _fsync_dir(final.parent)
        return StoredObject(sha, size, new=True)

    def iter_objects(self) -> Iterator[str]:
        """The digests of every object in the vault, in no particular order."""
        if not self.objects.is_dir():
            return
        for sub in self.objects.iterdir():
            if sub.is_dir() and len(sub.name) == 2:
                for obj in sub.iterdir():
                    name = sub.name + obj.name
                    if _SHA_RE.fullmatch(name):
                        yield name

    def verify(self, expected: Iterable[str] | None = None) -> VaultReport:
        """Re-hash every object; given ``expected`` (the DB's digests), report missing ones."""
        altered: list[str] = []
        ok = 0
        present = set(self.iter_objects())
        for sha in sorted(present):
            with self.path(sha).open("rb", buffering=0) as stream:
                if _hash_stream(stream) == sha:
                    ok += 1
                else:
                    altered.append(sha)
        missing = sorted(set(expected or ()) - present)
        return VaultReport(missing=missing, altered=altered, ok=ok)

    def remove_temp_leftovers(self, older_than: float = 0.0) -> int:
        """Delete temp files a crashed ingest left behind; return how many.

        Only files older than ``older_than`` seconds go, so a running ingest in
        another process keeps its file when a positive age is given.
        """
        if not self.tmp.is_dir():
            return 0
        removed = 0
        limit = time.time() - older_than
        for leftover in self.tmp.glob("ingest-*"):
            with contextlib.suppress(FileNotFoundError):
                if leftover.stat().st_mtime <= limit:
                    leftover.unlink()
                    removed += 1
        return removed


def _hash_stream(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK_SIZE)
    view = memoryview(buffer)
    while n := _read_into(stream, view):
        digest.update(view[:n])
    return digest.hexdigest()


def _copy_hashing(src: BinaryIO, out: BinaryIO) -> tuple[str, int]:
    """Copy ``src`` to ``out`` while a helper thread hashes the same chunks.

    Three rotating buffers: a buffer is refilled only after its chunk was both
    written and hashed, so memory stays at three chunks.
    """
    digest = hashlib.sha256()
    buffers = [memoryview(bytearray(CHUNK_SIZE)) for _ in range(_BUFFERS)]
    pending: list[Future[None] | None] = [None] * _BUFFERS
    size = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vault-hash") as hasher:
        i = 0
        while True:
            slot = i % _BUFFERS
            previous = pending[slot]
            if previous is not None:
                previous.result()
            n = _read_into(src, buffers[slot])
            if not n:
                break
            chunk = buffers[slot][:n]
            pending[slot] = hasher.submit(digest.update, chunk)
            _write_all(out, chunk)
            size += n
            i += 1
        for future in pending:
            if future is not None:
                future.result()
    return digest.hexdigest(), size


def _write_all(out: BinaryIO, chunk: memoryview) -> None:
    """Write all of ``chunk``: an unbuffered file may take fewer bytes per call."""
    while chunk:
        written = out.write(chunk)
        chunk = chunk[written:]


def _read_into(src: BinaryIO, view: memoryview) -> int:
    readinto = getattr(src, "readinto", None)
    if readinto is not None:
        return int(readinto(view) or 0)
    data = src.read(len(view))
    view[: len(data)] = data
    return len(data)


def add_evidence(
    session: Session,
    vault: Vault,
    audit_id: str,
    criterion_id: str | None,
    src: Path | BinaryIO,
    *,
    kind: EvidenceKind,
    captured_by: str | None,
    captured_at: datetime | None,
    source_url: str | None = None,
    captured_where: str = "",
    media_type: str | None = None,
    original_filename: str | None = None,
) -> Evidence:
    """Store ``src`` in the vault, then add its :class:`Evidence` row to ``session``.

    The object is written (atomically) before the row, so a crash can leave an
    unreferenced object but never a row without its object. The media type is
    guessed from the file name when not given. The row is flushed, not committed.

    :param captured_by: the id of the :class:`~certbench.storage.models.User` who captured it.
    """
    from certbench.storage.models import Evidence

    stored = vault.ingest(src)
    name = original_filename if original_filename is not None else (
        src.name if isinstance(src, Path) else "")
    guessed = mimetypes.guess_type(name)[0] if name else None
    row = Evidence(
        audit_id=audit_id, criterion_id=criterion_id, sha256=stored.sha256, size=stored.size,
        media_type=media_type or guessed or "application/octet-stream",
        original_filename=name, kind=kind, source_url=source_url, captured_at=captured_at,
        captured_by=captured_by, captured_where=captured_where,
    )
    session.add(row)
    session.flush()
    return row
