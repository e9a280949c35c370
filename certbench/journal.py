"""The hash-chained journal of every change to an audit.

Each event's ``hash`` is the SHA-256 of the RFC 8785 canonical JSON of::

    {"audit": <audit id>, "seq": <1, 2, ...>, "actor": <user name>,
     "at": <ISO 8601 UTC instant>, "action": <verb>, "payload": <JSON>,
     "prev_hash": <hash of event seq-1, or 64 zeros for seq 1>}

where ``payload`` is ``{"changes": [{"field", "old", "new"}...], "reason": ...}``.
Editing, deleting, inserting or reordering events in the database breaks the
chain, and :func:`verify_chain` says where and how. A chain cut off at its end
looks intact on its own; pass the head recorded elsewhere (for example in the
assessor's signed record) as ``expected_heads`` to detect that too.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from certbench.canonical import canonical_hash, jsonable
from certbench.errors import JournalError, NotFoundError
from certbench.storage.models import Audit, JournalEvent

__all__ = [
    "GENESIS_HASH",
    "ChainHead",
    "Change",
    "JournalProblem",
    "JournalRow",
    "ProblemKind",
    "append_event",
    "event_hash",
    "head",
    "history",
    "verify_chain",
]

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of an audit's first event."""

Changes = Mapping[str, tuple[object, object]] | Iterable[tuple[str, object, object]]
"""``{field: (old, new)}`` or ``[(field, old, new), ...]``."""


@dataclass(frozen=True, slots=True)
class Change:
    """One field changed by an event."""

    field: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class JournalRow:
    """One event as the history view shows it."""

    seq: int
    at: datetime
    actor: str
    action: str
    changes: tuple[Change, ...]
    reason: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last event of a chain: enough to detect later truncation or rewriting."""

    seq: int
    hash: str


class ProblemKind(enum.StrEnum):
    """How a journal chain is broken."""

    HASH_MISMATCH = "hash_mismatch"
    """The event's content (payload, actor, time, action) no longer matches its hash."""
    REORDERED = "reordered"
    """The event's hash is right for another position: events were moved."""
    BROKEN_LINK = "broken_link"
    """``prev_hash`` is not the hash of the event before: one was deleted, inserted or moved."""
    GAP = "gap"
    """Sequence numbers are missing: events were deleted."""
    HEAD_MISMATCH = "head_mismatch"
    """The chain does not contain the head recorded elsewhere: cut off or rewritten."""


@dataclass(frozen=True, slots=True)
class JournalProblem:
    """One defect :func:`verify_chain` found."""

    audit_id: str
    seq: int
    """The sequence number where the problem shows (for a gap: the first missing one)."""
    kind: ProblemKind
    detail: str = ""


def _value(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return jsonable(value)


def _payload(changes: Changes, reason: str) -> dict[str, Any]:
    items = ([(f, o, n) for f, (o, n) in changes.items()] if isinstance(changes, Mapping)
             else list(changes))
    return {
        "changes": [{"field": f, "old": _value(o), "new": _value(n)} for f, o, n in items],
        "reason": reason,
    }


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def event_hash(audit_id: str, seq: int, *, actor: str, at: datetime, action: str,
               payload: Mapping[str, Any], prev_hash: str) -> str:
    """The hash an event with these fields must carry (see the module docstring)."""
    return canonical_hash({"audit": audit_id, "seq": seq, "actor": actor, "at": _iso(at),
                           "action": action, "payload": payload, "prev_hash": prev_hash})


def head(session: Session, audit_id: str) -> ChainHead | None:
    """The last event of the audit's journal, or ``None`` if it has none."""
    row = session.execute(
        sa.select(JournalEvent.seq, JournalEvent.hash).where(JournalEvent.audit_id == audit_id)
        .order_by(JournalEvent.seq.desc()).limit(1)).first()
    return ChainHead(row.seq, row.hash) if row else None


def append_event(session: Session, audit_id: str, *, actor: str, action: str,
                 changes: Changes = (), reason: str = "",
                 at: datetime | None = None) -> JournalEvent:
    """Append an event to the audit's journal (flushed, committed with the session).

    The audit row is locked until the transaction ends (``SELECT ... FOR UPDATE``
    on PostgreSQL; on SQLite a no-op write that takes the database write lock)
    before the last ``seq`` is read, so concurrent appends to one audit queue up
    instead of racing for the same ``seq``. The unique (audit, seq) constraint
    backs this up. The audit's ``version`` is not touched. The lock lasts until
    the session commits, so never append to one audit from two open sessions of
    the same thread: the second would wait for the first forever.

    Values in ``changes`` may be JSON values, Decimals, enums, dates or aware
    datetimes; floats are refused.

    :raises NotFoundError: there is no such audit.
    :raises JournalError: ``at`` is naive or a value cannot be journalled.
    """
    if not _lock_audit(session, audit_id):
        raise NotFoundError(f"no audit {audit_id}", audit_id=audit_id)
    when = at or datetime.now(UTC)
    if when.tzinfo is None:
        raise JournalError("journal times must be timezone-aware", at=when.isoformat())
    try:
        payload = _payload(changes, reason)
    except TypeError as exc:
        raise JournalError(f"cannot journal this change: {exc}", action=action) from exc
    last = head(session, audit_id)
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
    event = JournalEvent(audit_id=audit_id, seq=seq, actor=actor, at=when, action=action,
                         payload=payload, prev_hash=prev,
                         hash=event_hash(audit_id, seq, actor=actor, at=when, action=action,
                                                   payload=payload, prev_hash=prev))
    session.add(event)
    session.flush()
    return event


def _lock_audit(session: Session, audit_id: str) -> bool:
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        table = sa.table("audits", sa.column("id"))
        result = session.execute(sa.update(table).where(table.c.id == audit_id)
                                 .values(id=table.c.id))
        return bool(getattr(result, "rowcount", 0))
    found = session.execute(
        sa.select(Audit.id).where(Audit.id == audit_id).with_for_update()).scalar()
    return found is not None


def history(session: Session, audit_id: str) -> list[JournalRow]:
    """The audit's events in order, for display."""
    events = session.scalars(sa.select(JournalEvent).where(JournalEvent.audit_id == audit_id)
                             .order_by(JournalEvent.seq))
    return [JournalRow(
        seq=e.seq, at=e.at, actor=e.actor, action=e.action,
        changes=tuple(Change(c["field"], c["old"], c["new"]) for c in e.payload.get("changes", [])),
        reason=str(e.payload.get("reason", "")), hash=e.hash) for e in events]


def verify_chain(session: Session, audit_id: str | None = None, *,
                 expected_heads: Mapping[str, ChainHead] | None = None) -> list[JournalProblem]:
    """Check the journal of one audit (or of every audit); an empty list means intact.

    :param expected_heads: heads recorded outside the journal, by audit id; a
        chain that does not contain its head is reported as ``HEAD_MISMATCH``.
    """
    query = sa.select(JournalEvent).order_by(JournalEvent.audit_id, JournalEvent.seq)
    if audit_id is not None:
        query = query.where(JournalEvent.audit_id == audit_id)
    problems: list[JournalProblem] = []
    chain: list[JournalEvent] = []
    seen: set[str] = set()
    for event in session.scalars(query.execution_options(yield_per=1000)):
        if chain and chain[0].audit_id != event.audit_id:
            problems += _check_one(chain, expected_heads)
            seen.add(chain[0].audit_id)
            chain = []
        chain.append(event)
    if chain:
        problems += _check_one(chain, expected_heads)
        seen.add(chain[0].audit_id)
    for missing in sorted(set(expected_heads or {}) - seen):
        if audit_id is None or missing == audit_id:
            problems.append(JournalProblem(missing, 1, ProblemKind.HEAD_MISMATCH,
                                           "the journal has no events at all"))
    return problems


def _recompute(e: JournalEvent, seq: int) -> str:
    return event_hash(e.audit_id, seq, actor=e.actor, at=e.at, action=e.action,
                      payload=e.payload, prev_hash=e.prev_hash)


def _check_one(chain: Sequence[JournalEvent],
               expected_heads: Mapping[str, ChainHead] | None) -> list[JournalProblem]:
    audit = chain[0].audit_id
    problems: list[JournalProblem] = []
    seqs = [e.seq for e in chain]
    prev_hash, expected_seq = GENESIS_HASH, 1
    for event in chain:
        if event.seq != expected_seq:
            problems.append(JournalProblem(audit, expected_seq, ProblemKind.GAP,
                                           f"events {expected_seq}..{event.seq - 1} are missing"))
        if _recompute(event, event.seq) != event.hash:
            problems.append(_mismatch(event, seqs))
        if event.prev_hash != prev_hash:
            problems.append(JournalProblem(audit, event.seq, ProblemKind.BROKEN_LINK,
                                           "prev_hash is not the hash of the event before"))
        prev_hash, expected_seq = event.hash, event.seq + 1
    expected = (expected_heads or {}).get(audit)
    if expected is not None:
        at = {e.seq: e.hash for e in chain}.get(expected.seq)
        if at != expected.hash:
            problems.append(JournalProblem(audit, expected.seq, ProblemKind.HEAD_MISMATCH,
                                           "the recorded head is not in the chain"))
    return problems


def _mismatch(event: JournalEvent, seqs: Sequence[int]) -> JournalProblem:
    candidates = set(range(1, max(seqs) + 2)) | set(seqs)
    for other in sorted(candidates - {event.seq}):
        if _recompute(event, other) == event.hash:
            return JournalProblem(event.audit_id, event.seq, ProblemKind.REORDERED,
                                  f"the event was recorded as number {other}")
    return JournalProblem(event.audit_id, event.seq, ProblemKind.HASH_MISMATCH,
                          "content does not match the recorded hash")
