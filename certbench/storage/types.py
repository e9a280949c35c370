"""Column types that behave the same on SQLite and PostgreSQL.

* :class:`UTCDateTime` stores instants; it refuses naive datetimes on the way in
  and always hands back timezone-aware UTC datetimes, although SQLite has no
  time-zone type at all.
* :data:`JSONType` is JSON on SQLite and JSONB on PostgreSQL.
* :class:`RoleSet` is a set of :class:`Role` kept as a sorted JSON list.
* :func:`fold` is the case- and width-folding used by the name search columns.
"""

from __future__ import annotations

import enum
import json
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

__all__ = [
    "JSONType",
    "Role",
    "RoleSet",
    "UTCDateTime",
    "dumps_json",
    "enum_column",
    "fold",
    "new_id",
    "utcnow",
]

class _JSONDocument(sa.types.TypeDecorator[Any]):
    """``JSON`` everywhere except PostgreSQL, where it is ``JSONB``.

    The PostgreSQL dialect is imported only when a PostgreSQL connection first
    needs the type, so SQLite users never pay for loading it.
    """

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


JSONType = _JSONDocument()
"""JSON documents: ``JSON`` (text) on SQLite, ``JSONB`` on PostgreSQL.

In-place mutation of a loaded JSON value is *not* tracked: assign a new value.
"""


def new_id() -> str:
    """A new random primary key: a UUID4 as its 36-character string."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def dumps_json(value: object) -> str:
    """JSON for the engines: keeps non-ASCII (Chinese) text readable in the database."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def fold(text: str) -> str:
    """NFKC-normalised, case-folded ``text``: the form the search columns hold."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware instant, stored as UTC on every backend.

    SQLite keeps naive UTC text; PostgreSQL keeps ``timestamptz``. Binding a
    naive datetime raises ``ValueError``: an instant without a zone is a bug.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Check the zone and convert to UTC (naive UTC for SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; use an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach or convert to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Role(enum.StrEnum):
    """What a user may do; a user may hold several roles."""

    ASSESSOR = "assessor"
    REVIEWER = "reviewer"
    ISSUER = "issuer"
    ADMIN = "admin"


class RoleSet(sa.types.TypeDecorator[frozenset[Role]]):
    """A ``frozenset[Role]`` stored as a sorted JSON list of role names."""

    impl = sa.Text()
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Serialise as a sorted list; unknown role names raise ``ValueError``."""
        if value is None:
            return None
        return json.dumps(sorted(Role(r).value for r in value))

    def process_result_value(self, value: Any, dialect: Dialect) -> frozenset[Role] | None:
        """Parse the stored list back into roles."""
        if value is None:
            return None
        return frozenset(Role(r) for r in json.loads(value))


def enum_column(enum_cls: type[enum.StrEnum], length: int = 24) -> sa.Enum:
    """A portable string column for a ``StrEnum``: stores the values, not the names."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
