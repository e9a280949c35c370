"""kill -9 in the middle of an import, then a clean retry."""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from syncworld import People, connect, make_site, new_audit, snapshot

from certbench import journal
from certbench.evidence import Vault
from certbench.storage import Evidence, new_id, open_database
from certbench.storage.engine import sqlite_url
from certbench.storage.sync_models import SyncPackage
from certbench.sync.exporter import export_package
from certbench.sync.importer import import_package


def _import_in_child(db_path: Path, vault: Vault, package: Path,
                     key: ec.EllipticCurvePrivateKey) -> int:
    """Fork a process that imports the package; return its pid.

    A forked child starts at once (a fresh interpreter would spend a second on
    imports), so more kills fit in the time budget. The child opens its own
    engine: nothing of the parent's database connections crosses the fork.
    """
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            db = open_database(sqlite_url(db_path))
            import_package(db, vault, package, private_key=key, actor="oscar")
            code = 0
        finally:
            os._exit(code)
    return pid


def _copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def _check_consistent(db_path: Path, vault: Vault, package_id: str, evidence_rows: int) -> bool:
    """Integrity holds; the import is either wholly there or wholly absent. Returns which."""
    db = open_database(sqlite_url(db_path))
    try:
        assert db.integrity_check() == []
        with db.session() as s:
            shas = s.scalars(sa.select(Evidence.sha256)).all()
            imported = s.get(SyncPackage, package_id) is not None
            assert journal.verify_chain(s) == []
        assert len(shas) == (evidence_rows if imported else 0)
        assert vault.verify(shas).missing == [], "an evidence row points at a missing object"
        assert vault.verify().altered == []
        return imported
    finally:
        db.dispose()


@pytest.mark.slow
def test_kill_9_during_import_leaves_a_consistent_database_and_a_retry_completes(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    from dbfixtures import migrated_url

    people = People.make()
    body = new_id()
    office = make_site("office", migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(),
                                              None), tmp_path, people, body)
    field = make_site("field", migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(),
                                            None), tmp_path, people, body)
    connect(office, field, people)
    audit_id = new_audit(field, people, evidence=30, size=400_000)
    package = tmp_path / "up.cbpkg"
    result = export_package(field.db, field.vault, package, key=people.alice, audit_ids=[audit_id],
                            recipient=people.inbox.public_key)
    pristine = Path(office.db.engine.url.database or "")
    empty_state = snapshot(office.db)
    office.db.dispose()
    field.db.dispose()
    rng = random.Random(20261124)
    outcomes = []
    finished: list[bool] = []
    deadline = time.monotonic() + 12
    trial = 0
    while time.monotonic() < deadline and trial < 12:
        trial += 1
        db_path = tmp_path / f"trial-{trial}.sqlite3"
        _copy_db(pristine, db_path)
        vault = Vault(tmp_path / f"vault-{trial}")
        pid = _import_in_child(db_path, vault, package, people.inbox.private_key)
        time.sleep(0.0 if trial == 1 else rng.uniform(0.0, 1.2))  # the first: at once
        os.kill(pid, signal.SIGKILL)  # no cleanup, no rollback handler
        _, status = os.waitpid(pid, 0)
        finished.append(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)
        imported = _check_consistent(db_path, vault, result.package_id, 30)
        outcomes.append(imported)
        if not imported:
            db = open_database(sqlite_url(db_path))
            assert snapshot(db) == empty_state
            db.dispose()
        # The retry completes (or finds the package already imported).
        db = open_database(sqlite_url(db_path))
        retry = import_package(db, vault, package, private_key=people.inbox.private_key,
                               actor="oscar")
        assert retry.already_imported == imported
        db.dispose()
        assert _check_consistent(db_path, vault, result.package_id, 30)
        assert not any(vault.tmp.glob("ingest-pkg-*")), "staging files were left behind"
    print(f'kill trials: {trial}, committed before the kill: {outcomes}, finished: {finished}')
    assert trial >= 3
    assert not all(outcomes), "no kill landed before the commit"
