"""The evidence vault: content addressing, atomic ingest, verification, constant memory."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from certbench.errors import EvidenceError, StorageError
from certbench.evidence import CHUNK_SIZE, StoredObject, Vault, add_evidence, default_vault
from certbench.storage import Audit, Database, Evidence, EvidenceKind, Merchant, User, open_database


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path / "vault")


def test_ingest_names_the_object_by_its_sha256(vault: Vault, tmp_path: Path) -> None:
    src = tmp_path / "receipt.pdf"
    src.write_bytes(b"%PDF-1.7 test receipt\n" * 1000)
    stored = vault.ingest(src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    assert stored == StoredObject(digest, src.stat().st_size, new=True)
    assert vault.path(digest) == vault.root / "objects" / digest[:2] / digest[2:]
    assert vault.exists(digest)
    with vault.open(digest) as f:
        assert f.read() == src.read_bytes()


def test_identical_content_is_stored_once(vault: Vault, tmp_path: Path) -> None:
    a, b = tmp_path / "a.jpg", tmp_path / "b.jpg"
    a.write_bytes(b"same photo" * 5000)
    b.write_bytes(b"same photo" * 5000)
    first, second = vault.ingest(a), vault.ingest(b)
    third = vault.ingest(io.BytesIO(b"same photo" * 5000))
    assert first.sha256 == second.sha256 == third.sha256
    assert (first.new, second.new, third.new) == (True, False, False)
    assert list(vault.iter_objects()) == [first.sha256]
    assert list(vault.tmp.iterdir()) == []


def test_multi_chunk_and_empty_streams_hash_correctly(vault: Vault) -> None:
    data = os.urandom(CHUNK_SIZE * 3 + 12345)
    stored = vault.ingest(io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    empty = vault.ingest(io.BytesIO(b""))
    assert empty.sha256 == hashlib.sha256(b"").hexdigest() and empty.size == 0


class _FailingStream(io.RawIOBase):
    """Yields ``good`` bytes, then fails as a dying disk or network would."""

    def __init__(self, good: int) -> None:
        self.left = good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.left <= 0:
            raise OSError(5, "Input/output error")
        n = min(len(buffer), self.left, 700_000)
        buffer[:n] = b"x" * n
        self.left -= n
        return n


def test_a_failure_mid_copy_leaves_no_object_and_no_temp(vault: Vault) -> None:
    with pytest.raises(EvidenceError, match="Input/output error"):
        vault.ingest(_FailingStream(3 * CHUNK_SIZE))  # type: ignore[arg-type]
    assert list(vault.iter_objects()) == []
    assert list(vault.tmp.iterdir()) == []
    complete = hashlib.sha256(b"x" * 3 * CHUNK_SIZE).hexdigest()
    assert not vault.exists(complete)


def test_temp_leftovers_of_a_crash_are_removed(vault: Vault, tmp_path: Path) -> None:
    vault.tmp.mkdir(parents=True)
    leftover = vault.tmp / "ingest-crashed"
    leftover.write_bytes(b"half a file")
    fresh = vault.tmp / "ingest-running"
    fresh.write_bytes(b"still being written")
    old = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    os.utime(leftover, (old, old))
    assert vault.remove_temp_leftovers(older_than=3600) == 1
    assert not leftover.exists() and fresh.exists()
    assert vault.remove_temp_leftovers() == 1
    assert list(vault.tmp.iterdir()) == []


def test_verify_finds_altered_and_missing_objects(vault: Vault) -> None:
    kept = vault.ingest(io.BytesIO(b"kept")).sha256
    altered = vault.ingest(io.BytesIO(b"original screenshot")).sha256
    removed = vault.ingest(io.BytesIO(b"will vanish")).sha256
    assert vault.verify([kept, altered, removed]).healthy
    path = vault.path(altered)
    path.chmod(0o644)
    path.write_bytes(b"retouched screenshot")
    vault.path(removed).unlink()
    report = vault.verify([kept, altered, removed])
    assert report.altered == [altered]
    assert report.missing == [removed]
    assert report.ok == 1 and not report.healthy


def test_objects_are_read_only_and_bad_names_are_refused(vault: Vault) -> None:
    sha = vault.ingest(io.BytesIO(b"sealed")).sha256
    assert vault.path(sha).stat().st_mode & 0o222 == 0
    with pytest.raises(EvidenceError, match="not a SHA-256"):
        vault.path("../../etc/passwd")
    with pytest.raises(EvidenceError, match="missing"):
        vault.open("0" * 64)
    with pytest.raises(EvidenceError, match="cannot store"):
        vault.ingest(vault.root / "does-not-exist.bin")


def test_default_vault_lives_in_the_user_data_dir(_isolated_home: Path) -> None:
    assert default_vault().root == _isolated_home / "vault"


def test_ingest_memory_stays_constant_for_a_large_file(vault: Vault, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as f:  # sparse: 200 MiB to read without writing them first
        f.write(b"head")
        f.truncate(200 * CHUNK_SIZE)
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        stored = vault.ingest(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert stored.size == 200 * CHUNK_SIZE
    assert peak - baseline < 16 * 1024 * 1024


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


def test_add_evidence_stores_the_object_then_the_row(db: Database, vault: Vault,
                                                     tmp_path: Path) -> None:
    photo = tmp_path / "店铺首页.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"pixels" * 100)
    when = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
    with db.session() as s:
        user = User(name="alice")
        audit = Audit(merchant=Merchant(legal_name="Evidence Ltd"), form_id="f",
                      form_version="1", form_hash="0" * 64)
        s.add_all([user, audit])
        s.flush()
        row = add_evidence(s, vault, audit.id, "WEB-01", photo, kind=EvidenceKind.PHOTO,
                           captured_by=user.id, captured_at=when,
                           source_url="https://shop.example.cn/",
                           captured_where="杭州 30.27N 120.15E")
        note = add_evidence(s, vault, audit.id, None, io.BytesIO(b"call notes"),
                            kind=EvidenceKind.NOTE, captured_by=None, captured_at=None)
    with db.session() as s:
        got = s.get_one(Evidence, row.id)
        assert (got.sha256, got.size) == (hashlib.sha256(photo.read_bytes()).hexdigest(),
                                          photo.stat().st_size)
        assert (got.media_type, got.original_filename) == ("image/png", "店铺首页.png")
        assert (got.captured_at, got.captured_where) == (when, "杭州 30.27N 120.15E")
        assert s.get_one(Evidence, note.id).media_type == "application/octet-stream"
        digests = list(s.scalars(sa.select(Evidence.sha256)))
    assert vault.verify(digests).healthy and vault.verify(digests).ok == 2


def test_a_refused_row_leaves_the_object_but_no_row(db: Database, vault: Vault) -> None:
    with pytest.raises(StorageError, match="refused"), db.session() as s:
        add_evidence(s, vault, "no-such-audit", None, io.BytesIO(b"orphan"),
                     kind=EvidenceKind.FILE, captured_by=None, captured_at=None)
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 0
    assert vault.exists(hashlib.sha256(b"orphan").hexdigest())
