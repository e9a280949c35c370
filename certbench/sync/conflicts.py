"""Conflicts: records edited on both sides, listed and resolved by a person.

A conflict is resolved in one of three ways, and the audit's journal records
which, by whom, and the values before and after:

* ``office`` keeps the local version (this database's);
* ``field`` takes the incoming version (the package's);
* ``merge`` keeps the local version but appends the incoming note to the local
  note (findings and samples, the records that have a note).

Nothing is ever overwritten without one of these choices.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from certbench import journal
from certbench.errors import NotFoundError, WorkflowError
from certbench.storage import Database
from certbench.storage.sync_models import SyncConflict
from certbench.sync.apply import set_base
from certbench.sync.records import content_of, spec, write_content

__all__ = ["ConflictInfo", "Resolution", "list_conflicts", "resolve_conflict"]


class Resolution(enum.StrEnum):
    """How a conflict is settled."""

    OFFICE = "office"
    """Keep this database's version."""
    FIELD = "field"
    """Take the package's version."""
    MERGE = "merge"
    """Keep this database's version and append the package's note to its note."""


@dataclass(frozen=True, slots=True)
class ConflictInfo:
    """One conflict as the CLI and the GUI show it."""

    id: str
    package_id: str
    record_type: str
    record_id: str
    audit_id: str | None
    criterion_id: str | None
    sender: str
    created_at: datetime
    local: dict[str, object]
    """This database's current version of the record."""
    incoming: dict[str, object]
    """The package's version."""
    differences: tuple[str, ...]
    """Field names whose values differ."""
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None

    @property
    def can_merge(self) -> bool:
        """Whether ``merge`` applies (the record has a note)."""
        return "note" in self.incoming


def _info(conflict: SyncConflict, local: dict[str, object]) -> ConflictInfo:
    incoming = dict(conflict.incoming)
    differences = tuple(sorted(k for k in incoming if k != "id" and incoming[k] != local.get(k)))
    return ConflictInfo(conflict.id, conflict.package_id, conflict.record_type,
                        conflict.record_id, conflict.audit_id, conflict.criterion_id,
                        conflict.sender, conflict.created_at, local, incoming, differences,
                        conflict.resolution, conflict.resolved_by, conflict.resolved_at)


def list_conflicts(db: Database, *, audit_id: str | None = None,
                   include_resolved: bool = False) -> list[ConflictInfo]:
    """Conflicts, oldest first; open ones only unless ``include_resolved``."""
    query = sa.select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.id)
    if audit_id is not None:
        query = query.where(SyncConflict.audit_id == audit_id)
    if not include_resolved:
        query = query.where(SyncConflict.resolved_at.is_(None))
    with db.session() as session:
        out = []
        for conflict in session.scalars(query):
            record_spec = spec(conflict.record_type)
            row = session.get(record_spec.model, conflict.record_id)
            local = content_of(session, record_spec, row) if row is not None else {}
            out.append(_info(conflict, local))
        return out


def _merged_note(local: str, incoming: str, sender: str) -> str:
    if not incoming.strip() or incoming.strip() in local:
        return local
    if not local.strip():
        return incoming
    return f"{local}\n\n--- {sender} (field) ---\n{incoming}"


def resolve_conflict(db: Database, conflict_id: str, choice: Resolution | str, *,
                     actor: str) -> ConflictInfo:
    """Settle a conflict with ``choice``; the audit's journal records it.

    :raises NotFoundError: no such conflict, or its record is gone.
    :raises WorkflowError: the conflict is already resolved, or ``merge`` was
        asked for a record without a note.
    """
    choice = Resolution(choice)
    with db.session() as session:
        conflict = session.get(SyncConflict, conflict_id)
        if conflict is None:
            raise NotFoundError(f"no conflict {conflict_id}", conflict_id=conflict_id)
        if conflict.resolved_at is not None:
            raise WorkflowError(f"conflict {conflict_id} was already resolved "
                                f"({conflict.resolution} by {conflict.resolved_by})")
        record_spec = spec(conflict.record_type)
        row = session.get(record_spec.model, conflict.record_id)
        if row is None:
            raise NotFoundError(f"the {conflict.record_type} of conflict {conflict_id} is gone")
        before = content_of(session, record_spec, row)
        incoming = dict(conflict.incoming)
        if choice is Resolution.FIELD:
            write_content(session, record_spec, incoming, row)
        elif choice is Resolution.MERGE:
            if "note" not in incoming:
                raise WorkflowError(f"a {conflict.record_type} has no note to merge")
            merged = dict(before)
            merged["note"] = _merged_note(str(before.get("note") or ""),
                                          str(incoming.get("note") or ""), conflict.sender)
            write_content(session, record_spec, merged, row)
        after = content_of(session, record_spec, row)
        # The sender holds the incoming version: naming it as the agreed base lets
        # the next package back to the sender replace it with the resolved one.
        set_base(session, conflict.record_type, conflict.record_id, conflict.incoming_revision)
        conflict.resolution = choice.value
        conflict.resolved_by = actor
        conflict.resolved_at = datetime.now(UTC)
        if conflict.audit_id is not None:
            changes = [(k, before.get(k), after.get(k)) for k in sorted(after)
                       if before.get(k) != after.get(k)]
            journal.append_event(
                session, conflict.audit_id, actor=actor, action="sync_conflict_resolved",
                changes=changes,
                reason=f"{conflict.record_type} {conflict.criterion_id or conflict.record_id}: "
                       f"{choice.value} (conflict {conflict.id}, package {conflict.package_id})")
        session.flush()
        return _info(conflict, after)
