"""Two writers editing the same audit at once: no update is lost, a stale save is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from jobkit import Job, cheap_scrypt, make_job

from certbench.edits import SetRating, apply
from certbench.errors import ConflictError
from certbench.journal import history, verify_chain
from certbench.storage import Finding


@pytest.fixture
def job(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Job]:
    """A fresh body with its people on each backend."""
    cheap_scrypt(monkeypatch)
    made = make_job(db_url, tmp_path / "home")
    yield made
    made.db.dispose()


def _race(job: Job, edits: list[SetRating]) -> list[BaseException | None]:
    """Each writer loads its finding, waits for the other, then saves."""
    barrier = threading.Barrier(len(edits))
    outcome: list[BaseException | None] = [None] * len(edits)

    def writer(i: int, edit: SetRating) -> None:
        try:
            with job.db.session() as s:
                # Hold the loaded finding, as an open editor does: the session's identity
                # map is weak, and a dropped object would be re-read fresh after the
                # other writer's commit, which is no longer a race.
                held = s.scalars(sa.select(Finding).where(
                    Finding.audit_id == edit.audit_id,
                    Finding.criterion_id == edit.criterion_id)).one()
                barrier.wait(timeout=20)
                apply(edit, s, f"writer-{i}")
                del held
        except BaseException as exc:
            outcome[i] = exc

    threads = [threading.Thread(target=writer, args=(i, e)) for i, e in enumerate(edits)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcome


def _rating(job: Job, audit_id: str, criterion: str) -> str | None:
    with job.db.session() as s:
        return s.scalars(sa.select(Finding.rating).where(
            Finding.audit_id == audit_id, Finding.criterion_id == criterion)).one()


def test_writers_on_different_findings_both_succeed(job: Job) -> None:
    audit_id = job.open_audit()
    with job.db.session() as s:
        apply(SetRating(audit_id, "MER-01", "fully"), s, "li")  # in progress
    outcome = _race(job, [SetRating(audit_id, "PAY-01", "largely"),
                          SetRating(audit_id, "PAY-02", "partially")])
    assert outcome == [None, None]
    assert _rating(job, audit_id, "PAY-01") == "largely"
    assert _rating(job, audit_id, "PAY-02") == "partially"
    with job.db.session() as s:
        assert verify_chain(s, audit_id) == []
        assert {r.actor for r in history(s, audit_id)} >= {"writer-0", "writer-1"}


def test_writers_on_the_same_finding_one_wins_the_other_is_told(job: Job) -> None:
    audit_id = job.open_audit()
    with job.db.session() as s:
        apply(SetRating(audit_id, "MER-01", "fully"), s, "li")
    outcome = _race(job, [SetRating(audit_id, "PAY-01", "largely"),
                          SetRating(audit_id, "PAY-01", "not_met")])
    conflicts = [o for o in outcome if isinstance(o, ConflictError)]
    assert len(conflicts) == 1 and outcome.count(None) == 1, outcome
    winner = outcome.index(None)
    assert _rating(job, audit_id, "PAY-01") == ("largely", "not_met")[winner]
    with job.db.session() as s:
        rows = [r for r in history(s, audit_id) if r.action == "rate"
                and r.changes[0].field == "PAY-01.rating"]
        assert [r.actor for r in rows] == [f"writer-{winner}"]
        assert verify_chain(s, audit_id) == []
