"""Database URLs for tests, on SQLite and PostgreSQL alike.

Running the Alembic migrations for every test would cost most of a second each,
so a migrated *template* is built once per session and copied per test: a file
copy for SQLite (Anki's ``getEmptyCol`` trick), ``CREATE DATABASE ... TEMPLATE``
for PostgreSQL. The copies are ordinary databases at the head revision.

``CREATE DATABASE`` takes a few hundred milliseconds of server time, so the next
PostgreSQL copy is made on a helper thread while the current test runs.
"""

from __future__ import annotations

import shutil
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from certbench.storage.engine import open_database, sqlite_url

__all__ = ["BACKENDS", "empty_url", "migrated_url"]

BACKENDS = ("sqlite", "postgresql")
_pg_templates: dict[str, str] = {}
_pg_next: dict[str, Future[str]] = {}
_maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-template-copy")


def empty_url(backend: str, tmp_path: Path, admin_url: str | None) -> str:
    """The URL of a new, empty database (no tables at all)."""
    if backend == "sqlite":
        return sqlite_url(tmp_path / f"empty-{uuid.uuid4().hex[:8]}.sqlite3")
    if admin_url is None:
        raise ValueError("PostgreSQL needs the admin URL of a server")
    from pgserver import fresh_database

    return fresh_database(admin_url)


def migrated_url(backend: str, tmp_path: Path, session_dir: Path, admin_url: str | None) -> str:
    """The URL of a new database already at the newest schema revision (copied from a template)."""
    if backend == "sqlite":
        template = session_dir / "template.sqlite3"
        if not template.exists():
            _build_template(sqlite_url(template))
        target = tmp_path / f"db-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(template, target)
        return sqlite_url(target)
    if admin_url is None:
        raise ValueError("PostgreSQL needs the admin URL of a server")
    if admin_url not in _pg_templates:
        url = empty_url("postgresql", tmp_path, admin_url)
        _build_template(url)
        _pg_templates[admin_url] = url.rsplit("/", 1)[1]
    ahead = _pg_next.pop(admin_url, None)
    name = ahead.result() if ahead is not None else _copy_template(admin_url)
    _pg_next[admin_url] = _maker.submit(_copy_template, admin_url)
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _copy_template(admin_url: str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{_pg_templates[admin_url]}"'))
    finally:
        engine.dispose()
    return name


def _build_template(url: str) -> None:
    db = open_database(url)
    if db.backend == "sqlite":
        # one self-contained file: fold the WAL back in before copying it
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    db.dispose()
