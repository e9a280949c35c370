"""Trigram indexes for merchant substring search.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 02:55:00

SQLite: an external-content FTS5 table ``merchants_fts`` over
``merchants.search_text`` with the ``trigram`` tokenizer (case-sensitive: both
the column and the search term are already folded), kept in step by three
triggers. PostgreSQL: the ``pg_trgm`` extension and a GIN index on
``search_text`` that plain ``LIKE '%term%'`` uses. When the extension cannot be
created (not installed, or the role may not create it) the revision still
succeeds without the index, and searches keep the sequential plan; a warning
says so.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

log = logging.getLogger(__name__)

_SQLITE_UP = (
    "CREATE VIRTUAL TABLE merchants_fts USING fts5(search_text, content='merchants', "
    "content_rowid='rowid', tokenize='trigram case_sensitive 1')",
    "CREATE TRIGGER merchants_fts_insert AFTER INSERT ON merchants BEGIN "
    "INSERT INTO merchants_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
    "CREATE TRIGGER merchants_fts_delete AFTER DELETE ON merchants BEGIN "
    "INSERT INTO merchants_fts(merchants_fts, rowid, search_text) "
    "VALUES ('delete', old.rowid, old.search_text); END",
    "CREATE TRIGGER merchants_fts_update AFTER UPDATE OF search_text ON merchants BEGIN "
    "INSERT INTO merchants_fts(merchants_fts, rowid, search_text) "
    "VALUES ('delete', old.rowid, old.search_text); "
    "INSERT INTO merchants_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
    "INSERT INTO merchants_fts(merchants_fts) VALUES ('rebuild')",
)
_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS merchants_fts_update",
    "DROP TRIGGER IF EXISTS merchants_fts_delete",
    "DROP TRIGGER IF EXISTS merchants_fts_insert",
    "DROP TABLE IF EXISTS merchants_fts",
)
PG_INDEX = "ix_merchants_search_trgm"


def _pg_trgm(bind: sa.Connection) -> bool:
    """Create ``pg_trgm`` if possible, inside a savepoint so a refusal aborts nothing else."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        log.warning("pg_trgm is unavailable (%s); merchant substring search keeps "
                    "the sequential plan", str(exc.orig).strip().splitlines()[0])
        return False
    return True


def upgrade() -> None:
    """Apply this revision."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in _SQLITE_UP:
            bind.exec_driver_sql(statement)
    elif bind.dialect.name == "postgresql" and _pg_trgm(bind):
        bind.exec_driver_sql(f"CREATE INDEX {PG_INDEX} ON merchants "
                             "USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    """Undo this revision (the ``pg_trgm`` extension stays: others may use it)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in _SQLITE_DOWN:
            bind.exec_driver_sql(statement)
    elif bind.dialect.name == "postgresql":
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_INDEX}")
