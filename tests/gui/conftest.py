"""Qt fixtures for the GUI tests.

Every test runs offscreen (the top-level conftest sets ``QT_QPA_PLATFORM``),
with settings in an INI file under ``tmp_path`` (never the user's real
settings) and a task manager whose executor runs work synchronously, so logic
tests are deterministic without sleeping. Tests of the real thread hop build
their own :class:`TaskManager`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from certbench.gui.context import AppContext
from certbench.gui.settings import Settings
from certbench.gui.tasks import SyncExecutor, TaskManager
from certbench.storage import Database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings in a throwaway INI file, so no test reads or writes the user's settings."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def sync_tasks(qapp: QApplication) -> Iterator[TaskManager]:
    """A task manager running every task at once on the calling thread (Picard's FakeThreadPool)."""
    manager = TaskManager(qapp, db_executor=SyncExecutor())
    yield manager
    manager.shutdown()
    manager.deleteLater()


def seed_merchants(db: Database, count: int, *, start: int = 0) -> None:
    """Insert ``count`` merchants with Core bulk inserts (the ORM would take seconds)."""
    from datetime import UTC, datetime, timedelta

    from certbench.storage import Merchant, fold, new_id
    from certbench.storage.models import merchant_search_text

    base = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(start, start + count):
        legal = f"Merchant {n:06d} Trading Co." if n % 7 else f"深圳商户 {n:06d} 有限公司"
        trading = [f"Shop{n}"]
        registration = f"REG{n:08d}"
        rows.append({
            "id": new_id(), "legal_name": legal, "trading_names": trading,
            "registration_number": registration, "country": "CN" if n % 3 else "DE",
            "address": "", "contacts": {}, "name_folded": fold(legal),
            "search_text": merchant_search_text(legal, trading, registration),
            "version": 1, "created_at": base + timedelta(minutes=n),
            "updated_at": base + timedelta(minutes=n),
        })
    with db.engine.begin() as conn:
        conn.execute(Merchant.__table__.insert(), rows)


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with 1,500 merchants, built once per session."""
    from certbench.storage import open_database
    from certbench.storage.engine import sqlite_url

    path = tmp_path_factory.mktemp("gui-db") / "seeded.sqlite3"
    db = open_database(sqlite_url(path))
    seed_merchants(db, 1_500)
    db.dispose()  # closing the last connection folds the WAL back into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def seeded_db(_seeded_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A database of its own for each test, with 1,500 merchants (1 in 7 with a Chinese name)."""
    import shutil

    from certbench.storage import open_database
    from certbench.storage.engine import sqlite_url

    target = tmp_path / "seeded.sqlite3"
    shutil.copyfile(_seeded_template, target)
    db = open_database(sqlite_url(target))
    yield db
    db.dispose()


@pytest.fixture
def context(seeded_db: Database, settings: Settings, sync_tasks: TaskManager) -> AppContext:
    """An open workbench on the seeded database, with synchronous tasks."""
    return AppContext(db=seeded_db, settings=settings, tasks=sync_tasks, user="")
