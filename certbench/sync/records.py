"""Records as they travel: canonical content, revisions, and applying them to a session.

A record's *content* is a plain JSON object of the columns that mean something
on both sides (no optimistic-lock counter, no local timestamps, no derived
search columns). Its *revision* is the SHA-256 of the canonical JSON of its type
and content, so any two databases agree on whether a record is unchanged
without sharing a counter. Findings are matched by (audit, criterion) as well as
by id, and their id is not part of their revision: two devices that rated the
same criterion meet at criterion level, as ODK does.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from certbench.storage import (
    Audit,
    Body,
    Evidence,
    Finding,
    Merchant,
    MerchantSite,
    Role,
    Sample,
    User,
    audit_assessors,
)
from certbench.storage.models import Base
from certbench.storage.types import RoleSet, UTCDateTime
from certbench.sync.codes import PackageCode, package_error
from certbench.sync.fastjson import fast_canonical_hash

__all__ = [
    "APPLY_ORDER",
    "INBOX_SETTING",
    "RecordSpec",
    "content_of",
    "decoded",
    "find_local",
    "prefetch",
    "revision",
    "spec",
    "write_content",
]

_LOCAL_ONLY = frozenset({"version", "created_at", "updated_at"})
INBOX_SETTING = "package_inbox_pem"
"""Body setting: the PEM public key field packages are encrypted to. Of a body's
settings only this one travels; the rest (local folders) stays on each machine."""


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """How one record type travels."""

    name: str
    """The ``type`` in the manifest."""
    model: type[Base]
    skip: frozenset[str] = frozenset()
    """Columns that never travel (derived or local)."""
    versioned: bool = True
    """False for append-only records (evidence): they are inserted once, never changed."""
    revision_skips_id: bool = False
    """True for findings: matched at criterion level, so the id is not in the revision."""

    @property
    def columns(self) -> tuple[sa.Column[Any], ...]:
        """The travelling columns, in table order."""
        table: sa.Table = self.model.__table__  # type: ignore[assignment]
        return tuple(c for c in table.columns
                     if c.name not in _LOCAL_ONLY and c.name not in self.skip)


_SPECS = (
    RecordSpec("body", Body, frozenset({"settings"})),
    RecordSpec("user", User),
    RecordSpec("merchant", Merchant, frozenset({"name_folded", "search_text"})),
    RecordSpec("merchant_site", MerchantSite),
    RecordSpec("audit", Audit, frozenset({"previous_audit_id"})),
    RecordSpec("evidence", Evidence, versioned=False),
    RecordSpec("finding", Finding, revision_skips_id=True),
    RecordSpec("sample", Sample),
)
_BY_NAME = {s.name: s for s in _SPECS}
APPLY_ORDER = tuple(s.name for s in _SPECS)
"""Record types in foreign-key order: a record's references are applied before it."""


def spec(name: str) -> RecordSpec:
    """The spec of record type ``name``; code ``bad_manifest`` when there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise package_error(PackageCode.BAD_MANIFEST,
                            f"the manifest holds a record of unknown type {name!r}") from None


def _out(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_out(v) for v in value)  # type: ignore[type-var]
    return value


def content_of(session: Session, record_spec: RecordSpec, row: Base) -> dict[str, object]:
    """The travelling content of ``row``."""
    content = {c.name: _out(getattr(row, c.key)) for c in record_spec.columns}
    if isinstance(row, Body):
        content[INBOX_SETTING] = (row.settings or {}).get(INBOX_SETTING)
    if isinstance(row, Audit):
        content["assessors"] = sorted(session.scalars(
            sa.select(audit_assessors.c.user_id).where(audit_assessors.c.audit_id == row.id)))
    return content


def revision(record_spec: RecordSpec, content: Mapping[str, object]) -> str:
    """The revision of a record: hash of its type and canonical content."""
    data = dict(content)
    if record_spec.revision_skips_id:
        data.pop("id", None)
    return fast_canonical_hash({"type": record_spec.name, "data": data})


def _converter(column: sa.Column[Any]) -> Callable[[object], object]:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return lambda v: datetime.fromisoformat(str(v)).astimezone(UTC)
    if isinstance(kind, sa.Date):
        return lambda v: date.fromisoformat(str(v))
    if isinstance(kind, RoleSet):
        return lambda v: frozenset(Role(str(r)) for r in v)  # type: ignore[attr-defined]
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class
    return lambda v: v


_EXTRA: dict[str, set[str]] = {"audit": {"assessors"}, "body": {INBOX_SETTING}}


def _check_keys(record_spec: RecordSpec, content: Mapping[str, object]) -> None:
    expected = {c.name for c in record_spec.columns} | _EXTRA.get(record_spec.name, set())
    if set(content) != expected:
        raise package_error(PackageCode.BAD_MANIFEST,
                            f"a {record_spec.name} record has the wrong fields "
                            f"(unexpected {sorted(set(content) - expected)}, "
                            f"missing {sorted(expected - set(content))})")


def decoded(record_spec: RecordSpec, content: Mapping[str, object]) -> dict[str, object]:
    """The column values of ``content``, converted and checked (code ``bad_manifest``)."""
    _check_keys(record_spec, content)
    values: dict[str, object] = {}
    for column in record_spec.columns:
        raw = content[column.name]
        try:
            values[column.key] = None if raw is None else _converter(column)(raw)
        except (ValueError, TypeError, KeyError) as exc:
            raise package_error(PackageCode.BAD_MANIFEST,
                                f"a {record_spec.name} record has a bad {column.name}: {exc}",
                                field=column.name) from exc
    return values


def find_local(session: Session, record_spec: RecordSpec, content: Mapping[str, object],
               loaded: Mapping[str, Base] | None = None) -> Base | None:
    """The local row this incoming record meets: by id, or a finding by its criterion.

    ``loaded`` is the result of :func:`prefetch` for these ids; a miss there
    needs no query by id.
    """
    record_id = content.get("id")
    if loaded is not None:
        row = loaded.get(str(record_id))
    else:
        row = session.get(record_spec.model, record_id)
    if row is None and record_spec.model is Finding:
        row = session.scalars(sa.select(Finding).where(
            Finding.audit_id == content.get("audit_id"),
            Finding.criterion_id == content.get("criterion_id"))).first()
    return row


def write_content(session: Session, record_spec: RecordSpec, content: Mapping[str, object],
                  row: Base | None) -> Base:
    """Insert a row with ``content``, or overwrite ``row``'s travelling columns with it.

    A finding met at criterion level keeps its local id.
    """
    values = decoded(record_spec, content)
    if row is None:
        row = record_spec.model(**values)
        session.add(row)
    else:
        for key, value in values.items():
            if key == "id":
                continue
            setattr(row, key, value)
    if isinstance(row, Body):
        inbox = content[INBOX_SETTING]
        settings = {k: v for k, v in (row.settings or {}).items() if k != INBOX_SETTING}
        row.settings = {**settings, INBOX_SETTING: inbox} if isinstance(inbox, str) else settings
    if isinstance(row, Audit):
        session.flush()
        _set_assessors(session, row.id, content["assessors"])
    return row


def prefetch(session: Session, record_spec: RecordSpec, ids: list[str]) -> dict[str, Base]:
    """The local rows with these ids, loaded in a few queries."""
    model: Any = record_spec.model
    found: dict[str, Base] = {}
    for start in range(0, len(ids), 500):
        for row in session.scalars(sa.select(model).where(model.id.in_(ids[start:start + 500]))):
            found[row.id] = row
    return found


def _set_assessors(session: Session, audit_id: str, assessors: object) -> None:
    if not isinstance(assessors, list) or not all(isinstance(a, str) for a in assessors):
        raise package_error(PackageCode.BAD_MANIFEST, "an audit's assessors must be user ids")
    session.execute(sa.delete(audit_assessors).where(audit_assessors.c.audit_id == audit_id))
    for user_id in sorted(set(assessors)):
        session.execute(sa.insert(audit_assessors).values(audit_id=audit_id, user_id=user_id))
