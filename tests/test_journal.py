"""The hash-chained journal: appending, history, and tampering caught on both backends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from certbench.domain import AuditState
from certbench.errors import JournalError, NotFoundError
from certbench.journal import (
    GENESIS_HASH,
    ChainHead,
    ProblemKind,
    append_event,
    event_hash,
    head,
    history,
    verify_chain,
)
from certbench.storage import Audit, Database, Merchant, open_database
from certbench.storage.types import UTCDateTime

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


def _new_audit(db: Database) -> str:
    with db.session() as s:
        audit = Audit(merchant=Merchant(legal_name="Journal Test Ltd"), form_id="f",
                      form_version="1", form_hash="0" * 64)
        s.add(audit)
        s.flush()
        return audit.id


@pytest.fixture
def chain(db: Database) -> str:
    """An audit with five journal events (seq 1..5)."""
    audit_id = _new_audit(db)
    with db.session() as s:
        append_event(s, audit_id, actor="alice", action="open",
                     changes={"state": (AuditState.DRAFT, AuditState.IN_PROGRESS)}, at=T0)
        for i in range(2, 6):
            append_event(s, audit_id, actor="alice", action="rate",
                         changes=[(f"MER-0{i}.rating", None, "fully")], reason=f"step {i}",
                         at=T0 + timedelta(minutes=i))
    return audit_id


def _kinds(db: Database, audit_id: str | None = None,
           heads: dict[str, ChainHead] | None = None) -> set[tuple[int, ProblemKind]]:
    with db.session() as s:
        return {(p.seq, p.kind) for p in verify_chain(s, audit_id, expected_heads=heads)}


def _sql(db: Database, statement: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def test_events_chain_from_genesis_and_verify(db: Database, chain: str) -> None:
    with db.session() as s:
        rows = history(s, chain)
        events = s.scalars(sa.select(Audit)).all()
        top = head(s, chain)
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].changes[0].field == "state"
    assert (rows[0].changes[0].old, rows[0].changes[0].new) == ("draft", "in_progress")
    assert rows[3].reason == "step 4" and rows[3].at == T0 + timedelta(minutes=4)
    assert top == ChainHead(5, rows[-1].hash)
    assert len(events) == 1 and _kinds(db, chain) == set()


def test_hash_covers_the_documented_fields(db: Database, chain: str) -> None:
    with db.session() as s:
        first = history(s, chain)[0]
    expected = event_hash(chain, 1, actor="alice", at=T0, action="open",
                          payload={"changes": [{"field": "state", "old": "draft",
                                                "new": "in_progress"}], "reason": ""},
                          prev_hash=GENESIS_HASH)
    assert first.hash == expected


def test_edited_payload_is_a_hash_mismatch(db: Database, chain: str) -> None:
    _sql(db, "UPDATE journal_events SET payload = "
             "'{\"changes\": [{\"field\": \"MER-03.rating\", \"old\": null, \"new\": \"not_met\"}],"
             " \"reason\": \"step 3\"}' WHERE seq = 3")
    assert _kinds(db, chain) == {(3, ProblemKind.HASH_MISMATCH)}


def test_edited_actor_is_a_hash_mismatch(db: Database, chain: str) -> None:
    _sql(db, "UPDATE journal_events SET actor = 'mallory' WHERE seq = 2")
    assert _kinds(db, chain) == {(2, ProblemKind.HASH_MISMATCH)}


def test_edited_time_is_a_hash_mismatch(db: Database, chain: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE journal_events SET at = :at WHERE seq = 4")
                     .bindparams(sa.bindparam("at", type_=UTCDateTime)),
                     {"at": T0 + timedelta(days=1)})
    assert _kinds(db, chain) == {(4, ProblemKind.HASH_MISMATCH)}


def test_deleted_event_is_a_gap_and_a_broken_link(db: Database, chain: str) -> None:
    _sql(db, "DELETE FROM journal_events WHERE seq = 3")
    assert _kinds(db, chain) == {(3, ProblemKind.GAP), (4, ProblemKind.BROKEN_LINK)}


def test_deleted_first_event_is_caught(db: Database, chain: str) -> None:
    _sql(db, "DELETE FROM journal_events WHERE seq = 1")
    assert _kinds(db, chain) == {(1, ProblemKind.GAP), (2, ProblemKind.BROKEN_LINK)}


def test_swapped_events_are_reordered(db: Database, chain: str) -> None:
    _sql(db, "UPDATE journal_events SET seq = 100 WHERE seq = 2")
    _sql(db, "UPDATE journal_events SET seq = 2 WHERE seq = 3")
    _sql(db, "UPDATE journal_events SET seq = 3 WHERE seq = 100")
    kinds = _kinds(db, chain)
    assert {(2, ProblemKind.REORDERED), (3, ProblemKind.REORDERED)} <= kinds
    assert (2, ProblemKind.BROKEN_LINK) in kinds
    assert all(seq in (2, 3, 4) for seq, _ in kinds)


def test_inserted_event_breaks_the_link_after_it(db: Database, chain: str) -> None:
    with db.session() as s:
        prev = history(s, chain)[1]
    _sql(db, "UPDATE journal_events SET seq = seq + 100 WHERE seq >= 3")
    _sql(db, "UPDATE journal_events SET seq = seq - 99 WHERE seq >= 100")
    payload = {"changes": [{"field": "note", "old": "", "new": "forged"}], "reason": ""}
    at = T0 + timedelta(minutes=2, seconds=30)
    forged = event_hash(chain, 3, actor="alice", at=at, action="rate", payload=payload,
                        prev_hash=prev.hash)
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO journal_events (id, audit_id, seq, actor, at, action, payload, "
            "prev_hash, hash) VALUES ('forged', :audit, 3, 'alice', :at, 'rate', "
            "'{\"changes\": [{\"field\": \"note\", \"old\": \"\", \"new\": \"forged\"}], "
            "\"reason\": \"\"}', :prev, :hash)").bindparams(sa.bindparam("at", type_=UTCDateTime)),
            {"audit": chain, "at": at, "prev": prev.hash, "hash": forged})
    kinds = _kinds(db, chain)
    assert (4, ProblemKind.BROKEN_LINK) in kinds
    assert {(4, ProblemKind.REORDERED), (5, ProblemKind.REORDERED),
            (6, ProblemKind.REORDERED)} <= kinds
    assert (3, ProblemKind.HASH_MISMATCH) not in kinds


def test_a_cut_off_tail_needs_the_recorded_head(db: Database, chain: str) -> None:
    with db.session() as s:
        recorded = head(s, chain)
    assert recorded is not None
    _sql(db, "DELETE FROM journal_events WHERE seq = 5")
    assert _kinds(db, chain) == set()
    assert _kinds(db, chain, {chain: recorded}) == {(5, ProblemKind.HEAD_MISMATCH)}
    _sql(db, "DELETE FROM journal_events")
    assert _kinds(db, chain, {chain: recorded}) == {(1, ProblemKind.HEAD_MISMATCH)}


def test_verifying_every_audit_names_only_the_tampered_one(db: Database, chain: str) -> None:
    other = _new_audit(db)
    with db.session() as s:
        append_event(s, other, actor="bob", action="open")
        append_event(s, other, actor="bob", action="rate",
                     changes={"score": (None, Decimal("87.5"))})
    _sql(db, f"UPDATE journal_events SET action = 'approve' WHERE audit_id = '{other}' AND seq = 2")
    with db.session() as s:
        problems = verify_chain(s)
        assert history(s, other)[1].changes[0].new == "87.5"
    assert [(p.audit_id, p.seq, p.kind) for p in problems] == [
        (other, 2, ProblemKind.HASH_MISMATCH)]


def test_bad_appends_are_refused(db: Database, chain: str) -> None:
    with pytest.raises(NotFoundError), db.session() as s:
        append_event(s, "no-such-audit", actor="alice", action="open")
    with pytest.raises(JournalError, match="timezone"), db.session() as s:
        append_event(s, chain, actor="alice", action="x", at=datetime(2026, 1, 1))
    with pytest.raises(JournalError, match="float"), db.session() as s:
        append_event(s, chain, actor="alice", action="x", changes={"score": (None, 87.5)})
    with db.session() as s:
        assert head(s, chain) == ChainHead(5, history(s, chain)[-1].hash)


def test_concurrent_appends_to_one_audit_queue_up(db: Database) -> None:
    audit_id = _new_audit(db)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(10):
                with db.session() as s:
                    append_event(s, audit_id, actor=name, action="note",
                                 changes={"n": (None, i)})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with db.session() as s:
        assert [r.seq for r in history(s, audit_id)] == list(range(1, 21))
        assert verify_chain(s, audit_id) == []
