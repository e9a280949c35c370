"""Alembic, run from code: no ``alembic.ini`` is needed at run time.

:func:`bring_to_head` decides what to do with a database:

* at head: nothing;
* at an older known revision: upgrade (when allowed);
* empty: create the schema by running every revision;
* unversioned but holding exactly the current certbench schema (created by
  ``Base.metadata.create_all``): stamp it at head;
* anything else (a revision this certbench does not know, foreign tables, a
  partial schema): refuse with :class:`~certbench.errors.StorageError`.

Developers make a new revision with ``alembic -c certbench/alembic.ini revision
--autogenerate -m "..."`` and hand-check the result.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from certbench.errors import StorageError

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "bring_to_head",
    "current_revision",
    "head_revision",
    "include_for_dialect",
    "schema_drift",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic ``Config`` for certbench's migrations, optionally bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest revision this certbench knows (read once per process)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StorageError("no schema migrations are installed")
    return str(head)


def current_revision(connection: sa.Connection) -> str | None:
    """The revision stamped in the database, or ``None`` when it is unversioned."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: sa.Connection, revision: str = "head") -> None:
    """Run the migrations on ``connection`` up to ``revision`` (inside its transaction)."""
    command.upgrade(alembic_config(connection), revision)


def schema_drift(connection: sa.Connection) -> list[Any]:
    """Differences between the models and the database schema; empty means no drift."""
    from certbench.storage.models import Base

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True,
                          "include_object": include_for_dialect(connection.dialect.name)})
    return list(compare_metadata(context, Base.metadata))


def include_for_dialect(dialect: str) -> Any:
    """An ``include_object`` hook that skips indexes made only for other backends."""

    def include(obj: Any, _name: str | None, kind: str, _reflected: bool, _other: Any) -> bool:
        if kind != "index" or getattr(obj, "_ddl_if", None) is None:
            return True
        return bool(obj._ddl_if.dialect in (None, dialect))

    return include


def bring_to_head(engine: Engine, *, upgrade: bool = True) -> None:
    """Make sure the database behind ``engine`` has the newest schema (see module doc)."""
    head = head_revision()
    with engine.begin() as conn:
        current = current_revision(conn)
        if current == head:
            return
        tables = set(sa.inspect(conn).get_table_names()) - {VERSION_TABLE}
        if current is not None:
            _check_known(current)
        elif tables:
            _stamp_unversioned(conn, tables, head)
            return
        if not upgrade:
            raise StorageError(f"the database schema is at {current or 'nothing'}, not {head}; "
                               "open it with upgrades allowed", current=current, head=head)
        command.upgrade(alembic_config(conn), "head")


def _check_known(revision: str) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(revision) is not None
    except Exception:  # alembic raises several types for an unknown id
        known = False
    if not known:
        raise StorageError(f"the database has schema revision {revision}, which this certbench "
                           "does not know: it was made by a newer version", revision=revision)


def _stamp_unversioned(conn: sa.Connection, tables: set[str], head: str) -> None:
    from certbench.storage.models import Base

    ours = {t.name for t in Base.metadata.sorted_tables}
    if not tables & ours:
        raise StorageError("this database holds other tables and is not a certbench database",
                           tables=sorted(tables))
    drift = schema_drift(conn)
    if drift or tables != ours:
        raise StorageError("this certbench database has no schema version and does not match "
                           "the current schema; it cannot be upgraded automatically",
                           differences=len(drift) + len(tables ^ ours))
    command.stamp(alembic_config(conn), head)
