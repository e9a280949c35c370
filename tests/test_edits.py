"""Reversible edits: apply then inverse is the identity, every apply is journalled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from jobkit import Job, cheap_scrypt, make_job

from certbench import workflow as wf
from certbench.domain import AuditState, BusinessModel, Scope
from certbench.edits import (
    AttachEvidence,
    DetachEvidence,
    Edit,
    SetJustification,
    SetNonconformity,
    SetNote,
    SetRating,
    SetScope,
    apply,
    apply_batch,
)
from certbench.errors import ConflictError, NotFoundError, WorkflowError
from certbench.evidence import Vault
from certbench.journal import history, verify_chain
from certbench.storage import Audit, Evidence, Finding


@pytest.fixture
def job(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Job]:
    """A fresh body with its people on each backend."""
    cheap_scrypt(monkeypatch)
    made = make_job(db_url, tmp_path / "home")
    yield made
    made.db.dispose()


def _snapshot(job: Job, audit_id: str) -> object:
    """Everything an edit may change: findings, evidence rows and the scope."""
    with job.db.session() as s:
        findings = s.execute(sa.select(
            Finding.criterion_id, Finding.rating, Finding.note, Finding.justification,
            Finding.nc_class, Finding.corrective_action, Finding.due_date, Finding.carried_over)
            .where(Finding.audit_id == audit_id).order_by(Finding.criterion_id)).all()
        evidence = s.execute(sa.select(
            Evidence.id, Evidence.criterion_id, Evidence.sha256, Evidence.size,
            Evidence.media_type, Evidence.kind, Evidence.original_filename, Evidence.source_url,
            Evidence.captured_at, Evidence.captured_by, Evidence.captured_where,
            Evidence.created_at).where(Evidence.audit_id == audit_id)
            .order_by(Evidence.id)).all()
        audit = s.get(Audit, audit_id)
        assert audit is not None
        return [tuple(r) for r in findings], [tuple(r) for r in evidence], audit.scope


def _attach(job: Job, audit_id: str, tmp_path: Path) -> AttachEvidence:
    with job.db.session() as s:
        vault = Vault(wf.body_paths(wf.get_body(s)).vault_dir)
    path = tmp_path / "capture.html"
    path.write_text("<html>about us</html>", encoding="utf-8")
    stored = vault.ingest(path)
    return AttachEvidence(audit_id, "0b6f1f3e-5a2d-4c1e-9b7a-2f7d8e9c0a11", "MER-01",
                          stored.sha256, stored.size, "text/html", "url_capture",
                          "capture.html", "https://shop.example.cn/about",
                          datetime(2026, 11, 3, 9, 30, tzinfo=UTC), None, "Shanghai office")


def _edits(audit_id: str) -> list[Edit]:
    return [
        SetRating(audit_id, "PAY-02", "largely"),
        SetRating(audit_id, "PAY-02", None),
        SetNote(audit_id, "MER-01", "licence checked on the SAMR portal / 已核验营业执照"),
        SetJustification(audit_id, "XB-01", "domestic only"),
        SetNonconformity(audit_id, "LOG-02", "minor", "publish delivery times", date(2027, 1, 31)),
        SetScope(audit_id, Scope(business_models=frozenset({BusinessModel.B2B}),
                                 home_market="CN", target_markets=frozenset({"CN", "HK"}))),
    ]


def test_apply_then_inverse_is_the_identity_for_every_edit(job: Job, tmp_path: Path) -> None:
    audit_id = job.open_audit()
    with job.db.session() as s:
        apply(SetRating(audit_id, "PAY-02", "fully"), s, "li")
        apply(SetNote(audit_id, "LOG-02", "old note"), s, "li")
    edits = [*_edits(audit_id), _attach(job, audit_id, tmp_path)]
    for edit in edits:
        before = _snapshot(job, audit_id)
        with job.db.session() as s:
            inverse = apply(edit, s, "li")
        assert _snapshot(job, audit_id) != before, edit
        with job.db.session() as s:
            again = apply(inverse, s, "li")
        assert _snapshot(job, audit_id) == before, edit
        assert type(again) is type(edit)
    with job.db.session() as s:
        assert verify_chain(s, audit_id) == []
        rows = history(s, audit_id)
    # open, first-change state move, two set-ups, then each edit and its inverse
    assert len(rows) == 1 + 1 + 2 + 2 * len(edits)
    assert rows[-1].action == "detach_evidence" and rows[-2].action == "attach_evidence"
    assert rows[-1].actor == "li"


def test_detach_then_reattach_restores_the_same_record(job: Job, tmp_path: Path) -> None:
    audit_id = job.open_audit()
    attach = _attach(job, audit_id, tmp_path)
    with job.db.session() as s:
        apply(attach, s, "li")
    before = _snapshot(job, audit_id)
    with job.db.session() as s:
        back = apply(DetachEvidence(audit_id, attach.evidence_id), s, "li")
    with job.db.session() as s:
        assert s.get(Evidence, attach.evidence_id) is None
        apply(back, s, "li")
    assert _snapshot(job, audit_id) == before


def test_first_edit_moves_a_draft_into_progress(job: Job) -> None:
    audit_id = job.open_audit()
    with job.db.session() as s:
        assert wf.find_audit(s, audit_id).state is AuditState.DRAFT
        apply(SetNote(audit_id, "MER-01", "x"), s, "li")
        assert wf.find_audit(s, audit_id).state is AuditState.IN_PROGRESS


def test_edits_are_validated(job: Job) -> None:
    audit_id = job.open_audit()
    bad: list[tuple[Edit, type[Exception]]] = [
        (SetRating(audit_id, "MER-01", "excellent"), WorkflowError),
        (SetRating(audit_id, "NOPE-01", "fully"), NotFoundError),
        (SetNonconformity(audit_id, "MER-01", "catastrophic"), WorkflowError),
        (DetachEvidence(audit_id, "no-such-evidence"), NotFoundError),
        (SetNote("no-such-audit", "MER-01", "x"), NotFoundError),
    ]
    for edit, error in bad:
        with pytest.raises(error), job.db.session() as s:
            apply(edit, s, "li")
    assert _snapshot(job, audit_id)[1] == []


def test_edits_are_refused_once_submitted(job: Job) -> None:
    audit_id = job.submitted()
    for edit in _edits(audit_id):
        with pytest.raises(WorkflowError), job.db.session() as s:
            apply(edit, s, "li")


def test_a_batch_is_one_journal_event_and_its_inverses_restore_everything(job: Job) -> None:
    audit_id = job.open_audit()
    with job.db.session() as s:
        apply(SetNote(audit_id, "MER-01", "before"), s, "li")
    before = _snapshot(job, audit_id)
    batch: list[Edit] = [SetRating(audit_id, "MER-01", "fully"),
                         SetNote(audit_id, "MER-01", "after"),
                         SetRating(audit_id, "MER-01", "largely"),
                         SetJustification(audit_id, "MER-02", "why")]
    with job.db.session() as s:
        events = len(history(s, audit_id))
        inverses = apply_batch(batch, s, "li", action="import", reason="sheet.xlsx")
        rows = history(s, audit_id)
    assert len(rows) == events + 1 and rows[-1].action == "import"
    assert len(rows[-1].changes) == 4 and rows[-1].reason == "sheet.xlsx"
    with job.db.session() as s:
        for inverse in inverses:
            apply(inverse, s, "li")
    assert _snapshot(job, audit_id) == before
    with pytest.raises(WorkflowError), job.db.session() as s:
        apply_batch([SetNote(audit_id, "MER-01", "x"), SetNote("other", "MER-01", "y")], s, "li")


def _version(job: Job, audit_id: str, criterion_id: str) -> int:
    with job.db.session() as s:
        return s.scalar(sa.select(Finding.version).where(
            Finding.audit_id == audit_id, Finding.criterion_id == criterion_id)) or 0


def test_an_edit_from_a_stale_view_conflicts_and_changes_nothing(job: Job) -> None:
    audit_id = job.open_audit()
    with job.db.session() as s:
        apply(SetRating(audit_id, "PAY-02", "fully"), s, "li")
    seen = _version(job, audit_id, "PAY-02")
    with job.db.session() as s:  # someone else saves after we looked
        apply(SetRating(audit_id, "PAY-02", "partially"), s, "wang")
    before = _snapshot(job, audit_id)
    with job.db.session() as s:
        events = len(history(s, audit_id))
    stale: list[Edit] = [
        SetRating(audit_id, "PAY-02", "largely", base_version=seen),
        SetNote(audit_id, "PAY-02", "x", base_version=seen),
        SetJustification(audit_id, "PAY-02", "y", base_version=seen),
        SetNonconformity(audit_id, "PAY-02", "minor", base_version=seen),
        SetNote(audit_id, "MER-01", "never seen", base_version=seen + 5),
    ]
    for edit in stale:
        with pytest.raises(ConflictError) as caught, job.db.session() as s:
            apply(edit, s, "li")
        assert "changed by someone else since you opened it: reload" in caught.value.message
        assert caught.value.context["criterion"] == edit.criterion_id
        assert caught.value.context["expected"] == edit.base_version
    assert caught.value.context["actual"] == _version(job, audit_id, "MER-01")
    assert _snapshot(job, audit_id) == before
    with job.db.session() as s:
        assert len(history(s, audit_id)) == events


def test_an_edit_from_the_current_view_applies(job: Job) -> None:
    audit_id = job.open_audit()
    with job.db.session() as s:
        inverse = apply(SetNote(audit_id, "MER-01", "first",
                                base_version=_version(job, audit_id, "MER-01")), s, "li")
    current = _version(job, audit_id, "MER-01")
    assert isinstance(inverse, SetNote) and inverse.base_version == current
    with job.db.session() as s:
        apply(SetRating(audit_id, "MER-01", "fully", base_version=current), s, "li")
        finding = s.scalars(sa.select(Finding).where(
            Finding.audit_id == audit_id, Finding.criterion_id == "MER-01")).one()
        assert (finding.rating, finding.note) == ("fully", "first")
    assert _version(job, audit_id, "MER-01") == current + 1


def test_undo_after_someone_else_changed_the_finding_conflicts(job: Job) -> None:
    audit_id = job.open_audit()
    with job.db.session() as s:
        undo = apply(SetRating(audit_id, "LOG-01", "fully"), s, "li")
    with job.db.session() as s:
        apply(SetRating(audit_id, "LOG-01", "largely"), s, "wang")
    with pytest.raises(ConflictError), job.db.session() as s:
        apply(undo, s, "li")
    with job.db.session() as s:
        assert s.scalars(sa.select(Finding.rating).where(
            Finding.audit_id == audit_id, Finding.criterion_id == "LOG-01")).one() == "largely"


def test_undo_and_redo_with_bases_round_trip_twice(job: Job) -> None:
    audit_id = job.open_audit()
    before = _snapshot(job, audit_id)
    with job.db.session() as s:
        inverse = apply(SetRating(audit_id, "CS-01", "fully",
                                  base_version=_version(job, audit_id, "CS-01")), s, "li")
    after = _snapshot(job, audit_id)
    for _ in range(2):
        with job.db.session() as s:
            redo = apply(inverse, s, "li")
        assert _snapshot(job, audit_id) == before
        with job.db.session() as s:
            inverse = apply(redo, s, "li")
        assert _snapshot(job, audit_id) == after
    assert isinstance(inverse, SetRating)
    assert inverse.base_version == _version(job, audit_id, "CS-01")


def test_batch_inverses_of_one_finding_undo_in_order(job: Job) -> None:
    audit_id = job.open_audit()
    before = _snapshot(job, audit_id)
    with job.db.session() as s:
        base = _version(job, audit_id, "MER-01")
        inverses = apply_batch([SetRating(audit_id, "MER-01", "fully", base_version=base),
                                SetRating(audit_id, "MER-01", "largely")], s, "li")
    assert [getattr(i, "base_version", None) for i in inverses] == [
        _version(job, audit_id, "MER-01"), None]
    with job.db.session() as s:
        for inverse in inverses:
            apply(inverse, s, "li")
    assert _snapshot(job, audit_id) == before
