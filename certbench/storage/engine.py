"""Opening a certbench database: URLs, engines, migrations and sessions.

The embedded default is a SQLite file in the user data directory, in WAL mode
with foreign keys enforced. A certification body with many staff gives a
PostgreSQL URL instead (psycopg 3). Either way :func:`open_database` brings the
schema to the newest Alembic revision and returns a :class:`Database`::

    db = open_database(resolve_url(args.db))
    with db.session() as s:          # commits on success, rolls back on error
        s.add(Merchant(legal_name="Example Ltd"))

Sessions are not thread-safe: use one ``db.session()`` per task or thread.

On SQLite (pysqlite's default transaction handling) reads take no lock and a
transaction starts at its first write, so concurrent writers (threads or
processes) queue for up to :data:`SQLITE_BUSY_TIMEOUT_MS` and readers never wait.
The price is that two reads in one session may see different commits; the
``version`` columns still refuse any update based on a stale read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from certbench import assets
from certbench.errors import ConflictError, StorageError
from certbench.storage import migrate
from certbench.storage.types import dumps_json

__all__ = ["Database", "default_url", "make_engine", "open_database", "resolve_url"]

SQLITE_BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another writer before giving up."""


def default_url() -> str:
    """The embedded database: ``certbench.sqlite3`` in the user data directory."""
    return sqlite_url(assets.user_data_dir() / "certbench.sqlite3")


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of the SQLite file at ``path`` (made absolute)."""
    return f"sqlite:///{path.expanduser().resolve()}"


def resolve_url(arg: str | None) -> str:
    """A SQLAlchemy URL from a command-line value: a URL, a plain file path, or ``None``.

    ``postgres://`` and ``postgresql://`` URLs get the psycopg 3 driver. ``None``
    or an empty string means :func:`default_url`.
    """
    if not arg:
        return default_url()
    if "://" not in arg:
        return sqlite_url(Path(arg))
    scheme, rest = arg.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return arg


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with certbench's settings (SQLite pragmas, JSON, pool checks)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, json_serializer=dumps_json,
                                  connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(url, json_serializer=dumps_json, pool_pre_ping=True)
    raise StorageError(f"unsupported database {parsed.get_backend_name()!r}: "
                       "use a SQLite path or a postgresql:// URL", url=_safe(url))


def _safe(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    return sa.make_url(url).render_as_string(hide_password=True)


@dataclass(eq=False)
class Database:
    """An open, migrated certbench database."""

    engine: Engine
    """The SQLAlchemy engine; use it for Core bulk work (it is thread-safe)."""
    _factory: sessionmaker[Session]

    @property
    def url(self) -> str:
        """The URL, with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: commit on success, roll back on any error.

        Objects stay usable after the block (``expire_on_commit=False``).

        :raises ConflictError: a versioned record was saved by someone else first.
        :raises StorageError: a constraint was violated or the database is unavailable.
        """
        session = self._factory()
        try:
            yield session
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            raise ConflictError("someone else saved this record first; reload and retry",
                                detail=str(exc)) from exc
        except IntegrityError as exc:
            session.rollback()
            raise StorageError(f"the database refused the change: {_first_line(exc.orig)}",
                               detail=str(exc.orig)) from exc
        except OperationalError as exc:
            session.rollback()
            raise StorageError(f"database error: {_first_line(exc.orig)}",
                               detail=str(exc.orig), url=self.url) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def integrity_check(self) -> list[str]:
        """Problems the database itself finds; an empty list means healthy.

        SQLite runs ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``;
        PostgreSQL checks that every table of the schema is present and readable.
        """
        with self.engine.connect() as conn:
            if self.backend == "sqlite":
                problems = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")
                            if r[0] != "ok"]
                problems += [f"foreign key: {r[0]} row {r[1]} -> {r[2]}"
                             for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]
                return problems
            return _basic_check(conn)

    def dispose(self) -> None:
        """Close every pooled connection (call before deleting or copying the file)."""
        self.engine.dispose()


def _basic_check(conn: sa.Connection) -> list[str]:
    from certbench.storage.models import Base

    problems: list[str] = []
    existing = set(sa.inspect(conn).get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name not in existing:
            problems.append(f"table {table.name} is missing")
            continue
        try:
            conn.execute(sa.select(sa.func.count()).select_from(table))
        except sa.exc.DBAPIError as exc:
            problems.append(f"table {table.name} cannot be read: {_first_line(exc.orig)}")
            conn.rollback()
    return problems


def _first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if exc and str(exc).strip() else "unknown error"


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Open (creating if needed) the database at ``url`` and bring its schema to head.

    ``url`` is a SQLAlchemy URL or a plain SQLite file path (see :func:`resolve_url`).

    An empty database gets the whole schema; an older one is upgraded. With
    ``upgrade=False`` a database that is not at head is refused.

    :raises StorageError: the database cannot be reached, is newer than this
        certbench, is not a certbench database, or needs an upgrade that was not allowed.
    """
    url = resolve_url(url)
    engine = make_engine(url)
    try:
        migrate.bring_to_head(engine, upgrade=upgrade)
    except OperationalError as exc:
        engine.dispose()
        raise StorageError(f"cannot open the database: {_first_line(exc.orig)}",
                           url=_safe(url)) from exc
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
