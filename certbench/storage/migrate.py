"""Alembic, run from code: no ``alembic.ini`` is needed at run time.

:func:`bring_to_head` decides what to do with a database:

* at head: nothing;
* at an older known revision: upgrade (when allowed);
* empty: create the schema by running every revision;
* unversioned but holding exactly the current certbench schema (created by
  ``Base.metadata.create_all``): stamp it at head;
* anything else (a revision this certbench does not know, foreign tables, a
  partial schema): refuse with :class:`~certbench.errors.StorageError`.

Alembic itself (about 0.3 s to import) is loaded only when a database has to be
created, upgraded, stamped or compared: opening a database that is already at
head reads the head revision from the revision files and the current one with
one ``SELECT``.

Developers make a new revision with ``alembic -c certbench/alembic.ini revision
--autogenerate -m "..."`` and hand-check the result.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from certbench.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "MIGRATIONS_DIR",
    "SEARCH_INDEX_OBJECTS",
    "alembic_config",
    "bring_to_head",
    "current_revision",
    "head_revision",
    "include_for_dialect",
    "revision_graph",
    "schema_drift",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


_REVISION = re.compile(r'^revision: str = "([^"]+)"$', re.MULTILINE)
_DOWN = re.compile(r'^down_revision: str \| None = (?:None|"([^"]+)")$', re.MULTILINE)


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic ``Config`` for certbench's migrations, optionally bound to ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def revision_graph() -> dict[str, str | None]:
    """Every revision file's ``revision`` mapped to its ``down_revision``, without Alembic.

    Each file in ``migrations/versions`` declares both as typed module constants
    (``revision: str = "0003"``, ``down_revision: str | None = "0002"``).

    :raises StorageError: a revision file lacks either declaration.
    """
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is None or down is None:
            raise StorageError("a schema migration does not declare its revisions",
                               file=path.name)
        graph[revision.group(1)] = down.group(1)
    return graph


@functools.cache
def head_revision() -> str:
    """The newest revision this certbench knows (read once per process).

    :raises StorageError: there are no revisions, or more than one head.
    """
    graph = revision_graph()
    heads = set(graph) - {down for down in graph.values() if down is not None}
    if len(heads) != 1:
        raise StorageError("the schema migrations must have exactly one head",
                           heads=sorted(heads))
    return heads.pop()


def current_revision(connection: sa.Connection) -> str | None:
    """The revision stamped in the database, or ``None`` when it is unversioned."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    if len(versions) > 1:
        raise StorageError("the database has several schema versions (branched migrations)",
                           versions=sorted(str(v[0]) for v in versions))
    return str(versions[0][0]) if versions else None


def upgrade(connection: sa.Connection, revision: str = "head") -> None:
    """Run the migrations on ``connection`` up to ``revision`` (inside its transaction)."""
    from alembic import command

    command.upgrade(alembic_config(connection), revision)


def schema_drift(connection: sa.Connection) -> list[Any]:
    """Differences between the models and the database schema; empty means no drift."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from certbench.storage.models import Base

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True,
                          "include_object": include_for_dialect(connection.dialect.name)})
    return list(compare_metadata(context, Base.metadata))


SEARCH_INDEX_OBJECTS = frozenset({"ix_merchants_search_trgm"})
"""Search indexes that revision 0003 creates outside the models (SQLite's FTS5 tables too)."""


def _search_index_object(name: str | None, kind: str) -> bool:
    if name is None:
        return False
    if kind == "table":
        return name == "merchants_fts" or name.startswith("merchants_fts_")
    return kind == "index" and name in SEARCH_INDEX_OBJECTS


def include_for_dialect(dialect: str) -> Any:
    """An ``include_object`` hook that skips indexes made only for other backends.

    It also skips the trigram search index objects of revision 0003, which are
    maintained by hand (triggers and extension-dependent DDL), not by the models.
    """

    def include(obj: Any, name: str | None, kind: str, _reflected: bool, _other: Any) -> bool:
        if _search_index_object(name, kind):
            return False
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
        from alembic import command

        command.upgrade(alembic_config(conn), "head")


def _check_known(revision: str) -> None:
    if revision not in revision_graph():
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
    from alembic import command

    command.stamp(alembic_config(conn), head)
