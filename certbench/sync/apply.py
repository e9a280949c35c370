"""Applying a verified manifest to a session: records, conflicts and the journal.

For each versioned record, with ``local`` the revision of the local copy,
``incoming`` the revision sent and ``base`` the revision the sender edited from:

* no local copy: insert it;
* ``local == incoming``: already the same;
* ``local == base``: only the sender changed it: take the sender's version;
* ``incoming == base``: only this side changed it: keep the local version;
* otherwise both sides changed it: a :class:`SyncConflict` holds the incoming
  version until someone resolves it (:mod:`certbench.sync.conflicts`).

The body and its users are the office's to manage: in an ``assignments``
package (office to field) their incoming version always wins.

Journal events travel verbatim: when the local journal of an audit is a prefix
of the sender's, the missing events are appended as they are (each checked
against its hash and its link); when both sides wrote events, the sender's are
recorded inside one ``package_journal_merged`` event, so neither chain breaks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from certbench import journal
from certbench.storage import JournalEvent
from certbench.storage.sync_models import SyncBase, SyncConflict
from certbench.sync.codes import PackageCode, package_error
from certbench.sync.manifest import Manifest, RecordEntry
from certbench.sync.records import (
    APPLY_ORDER,
    content_of,
    decoded,
    find_local,
    prefetch,
    revision,
    spec,
    write_content,
)

__all__ = ["ApplyCounts", "apply_manifest", "check_manifest", "set_base"]

_OFFICE_OWNED = frozenset({"body", "user"})


@dataclass(frozen=True, slots=True)
class ApplyCounts:
    """How the records of a package fared."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_local: int = 0
    conflicts: int = 0
    journal_events: int = 0
    conflict_ids: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """A JSON summary (stored in the package log)."""
        return {"inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "kept_local": self.kept_local,
                "conflicts": self.conflicts, "journal_events": self.journal_events}


def set_base(session: Session, record_type: str, record_id: str, rev: str,
             known: dict[str, SyncBase] | None = None) -> None:
    """Record ``rev`` as the revision both sides agree on for this record.

    ``known``: the base rows already loaded for this record type (a miss there
    means there is none, and no query is needed).
    """
    row = (known.get(record_id) if known is not None
           else session.get(SyncBase, (record_type, record_id)))
    if row is None:
        row = SyncBase(record_type=record_type, record_id=record_id, revision=rev)
        session.add(row)
        if known is not None:
            known[record_id] = row
    else:
        row.revision = rev


@dataclass
class _Loaded:
    """Rows loaded up front for one record type."""

    rows: dict[str, Any]
    bases: dict[str, SyncBase]


def _load(session: Session, type_name: str, records: list[RecordEntry]) -> _Loaded:
    ids = [r.id for r in records]
    bases: dict[str, SyncBase] = {}
    for start in range(0, len(ids), 500):
        for base in session.scalars(sa.select(SyncBase).where(
                SyncBase.record_type == type_name,
                SyncBase.record_id.in_(ids[start:start + 500]))):
            bases[base.record_id] = base
    return _Loaded(prefetch(session, spec(type_name), ids), bases)


def _bump(counts: ApplyCounts, name: str) -> ApplyCounts:
    return replace(counts, **{name: getattr(counts, name) + 1})


def _known_conflict(session: Session, record_type: str, record_id: str, rev: str) -> bool:
    return session.scalars(sa.select(SyncConflict.id).where(
        SyncConflict.record_type == record_type, SyncConflict.record_id == record_id,
        SyncConflict.incoming_revision == rev)).first() is not None


def _apply_record(session: Session, manifest: Manifest, record: RecordEntry,
                  counts: ApplyCounts, loaded: _Loaded) -> ApplyCounts:
    record_spec = spec(record.type)
    row = find_local(session, record_spec, record.data, loaded.rows)
    if row is None:
        write_content(session, record_spec, record.data, None)
        set_base(session, record.type, record.id, record.revision, loaded.bases)
        return _bump(counts, "inserted")
    local_id = str(row.id)  # type: ignore[attr-defined]
    local_rev = revision(record_spec, content_of(session, record_spec, row))
    if not record_spec.versioned or local_rev == record.revision:
        set_base(session, record.type, local_id, local_rev, loaded.bases)
        return _bump(counts, "unchanged")
    if _known_conflict(session, record.type, local_id, record.revision):
        return _bump(counts, "unchanged")
    if local_rev == record.base or _authoritative(manifest, record):
        write_content(session, record_spec, record.data, row)
        set_base(session, record.type, local_id, record.revision, loaded.bases)
        return _bump(counts, "updated")
    if record.revision == record.base:
        return _bump(counts, "kept_local")
    conflict = SyncConflict(
        package_id=manifest.package_id, record_type=record.type, record_id=local_id,
        audit_id=_audit_of(record), criterion_id=_str_or_none(record.data.get("criterion_id")),
        base_revision=record.base, local_revision=local_rev, incoming_revision=record.revision,
        incoming=dict(record.data), sender=manifest.sender_user)
    session.add(conflict)
    session.flush()
    counts = _bump(counts, "conflicts")
    return replace(counts, conflict_ids=(*counts.conflict_ids, conflict.id))


def _authoritative(manifest: Manifest, record: RecordEntry) -> bool:
    """The office is the authority on the body and its users: its copy always wins."""
    return manifest.kind == "assignments" and record.type in _OFFICE_OWNED


def _audit_of(record: RecordEntry) -> str | None:
    if record.type == "audit":
        return record.id
    return _str_or_none(record.data.get("audit_id"))


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _parse_at(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise package_error(PackageCode.BAD_MANIFEST, "a journal event has a bad time") from None
    if moment.tzinfo is None:
        raise package_error(PackageCode.BAD_MANIFEST, "a journal event time has no zone")
    return moment.astimezone(UTC)


def _checked_chain(audit_id: str, events: Sequence[Mapping[str, Any]]) -> None:
    previous = journal.GENESIS_HASH
    for expected_seq, event in enumerate(events, start=1):
        recomputed = journal.event_hash(
            audit_id, int(event["seq"]), actor=str(event["actor"]), at=_parse_at(event["at"]),
            action=str(event["action"]), payload=event["payload"],
            prev_hash=str(event["prev_hash"]))
        if (event["seq"] != expected_seq or event["prev_hash"] != previous
                or recomputed != event["hash"]):
            raise package_error(PackageCode.BAD_MANIFEST,
                                f"the journal of audit {audit_id} in the package is broken at "
                                f"event {expected_seq}", audit_id=audit_id)
        previous = str(event["hash"])


def _apply_journal(session: Session, audit_id: str, events: Sequence[Mapping[str, Any]],
                   actor: str) -> int:
    events = sorted(events, key=lambda e: int(e["seq"]))
    _checked_chain(audit_id, events)
    local = {h for (h,) in session.execute(
        sa.select(JournalEvent.hash).where(JournalEvent.audit_id == audit_id))}
    missing = [e for e in events if e["hash"] not in local]
    if not missing:
        return 0
    head = journal.head(session, audit_id)
    prefix = missing[0]["seq"] == (head.seq + 1 if head else 1) and (
        missing[0]["prev_hash"] == (head.hash if head else journal.GENESIS_HASH))
    if prefix:
        for e in missing:
            session.add(JournalEvent(
                id=e["id"], audit_id=audit_id, seq=e["seq"], actor=e["actor"],
                at=_parse_at(e["at"]), action=e["action"], payload=e["payload"],
                prev_hash=e["prev_hash"], hash=e["hash"]))
        session.flush()
        return len(missing)
    changes = [(f"field event {e['seq']}", None,
                {"actor": e["actor"], "at": e["at"], "action": e["action"],
                 "payload": e["payload"], "hash": e["hash"]}) for e in missing]
    journal.append_event(session, audit_id, actor=actor, action="package_journal_merged",
                         changes=changes,
                         reason="both sides wrote journal events; the sender's are kept here")
    return 1


def check_manifest(manifest: Manifest) -> None:
    """Check, without the database, what applying would later rely on.

    Every record has a known type, well-formed fields, its own id and the
    revision of its content; every audit's journal chains. Run before anything
    is written, so a package that fails here leaves the vault untouched too.

    :raises PackageError: code ``bad_manifest``.
    """
    for record in manifest.records:
        record_spec = spec(record.type)
        if (record.id != record.data.get("id")
                or revision(record_spec, record.data) != record.revision):
            raise package_error(PackageCode.BAD_MANIFEST,
                                f"{record.type} {record.id}: its revision does not match its "
                                "content")
        decoded(record_spec, record.data)
    events: dict[str, list[Mapping[str, Any]]] = {}
    for event in manifest.journal:
        events.setdefault(str(event["audit_id"]), []).append(event)
    for audit_id, chain in events.items():
        _checked_chain(audit_id, sorted(chain, key=lambda e: int(e["seq"])))


def apply_manifest(session: Session, manifest: Manifest, *, actor: str) -> ApplyCounts:
    """Apply every record and journal event of a manifest that passed :func:`check_manifest`.

    Flushed, not committed.
    """
    counts = ApplyCounts()
    by_type: dict[str, list[RecordEntry]] = {}
    for record in manifest.records:
        spec(record.type)
        by_type.setdefault(record.type, []).append(record)
    for type_name in APPLY_ORDER:
        records = by_type.get(type_name, [])
        loaded = _load(session, type_name, records)
        with session.no_autoflush:
            for record in records:
                counts = _apply_record(session, manifest, record, counts, loaded)
        session.flush()
    events: dict[str, list[Mapping[str, Any]]] = {}
    for event in manifest.journal:
        events.setdefault(str(event["audit_id"]), []).append(event)
    written = 0
    for audit_id in manifest.audit_ids():
        written += _apply_journal(session, audit_id, events.get(audit_id, []), actor)
        summary = counts.to_json()
        journal.append_event(
            session, audit_id, actor=actor, action="package_imported",
            changes=[("package", None, manifest.package_id)],
            reason=f"from {manifest.sender_user} on {manifest.device_name}: {summary}")
    return replace(counts, journal_events=written)
