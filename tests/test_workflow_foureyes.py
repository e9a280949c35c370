"""Every way round the four-eyes rule is refused, by the core, with a specific error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from jobkit import Job, cheap_scrypt, make_job

from certbench import workflow as wf
from certbench.certify.jws import sign_compact
from certbench.certify.keys import generate_user_key
from certbench.domain import AuditState
from certbench.edits import SetRating, apply
from certbench.errors import FourEyesError, JournalError, WorkflowError
from certbench.storage import Audit, Finding, JournalEvent, Role, User


@pytest.fixture
def job(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Job]:
    """A fresh body with its people on each backend."""
    cheap_scrypt(monkeypatch)
    made = make_job(db_url, tmp_path / "home")
    yield made
    made.db.dispose()


def _issue(job: Job, audit_id: str, tmp_path: Path) -> wf.IssuedCertificate:
    return wf.issue_certificate(job.db, job.actor("admin"), audit_id, job.issuer_key(),
                                out_dir=tmp_path)


def _check(exc: pytest.ExceptionInfo[BaseException]) -> object:
    assert isinstance(exc.value, WorkflowError | JournalError)
    return exc.value.context.get("check")


def _tamper(job: Job, audit_id: str, **values: object) -> None:
    with job.db.engine.begin() as conn:
        conn.execute(sa.update(Audit.__table__).where(Audit.__table__.c.id == audit_id)
                     .values(**values))


def test_an_assessor_cannot_approve_their_own_audit(job: Job) -> None:
    audit_id = job.open_audit(assessor="wang")  # wang holds both roles
    job.rate_all(audit_id, assessor="wang")
    with job.db.session() as s:
        wf.submit(s, job.actor("wang"), audit_id)
    with pytest.raises(FourEyesError) as exc, job.db.session() as s:
        wf.approve(s, job.actor("wang"), audit_id)
    assert _check(exc) == "reviewer-is-assessor"
    with pytest.raises(FourEyesError) as exc, job.db.session() as s:
        wf.return_audit(s, job.actor("wang"), audit_id, "looks fine to me")
    assert _check(exc) == "reviewer-is-assessor"


def test_a_co_assessor_cannot_approve(job: Job) -> None:
    audit_id = job.open_audit(assessors=["wang"])
    job.rate_all(audit_id)
    with job.db.session() as s:
        wf.submit(s, job.actor("li"), audit_id)
    with pytest.raises(FourEyesError) as exc, job.db.session() as s:
        wf.approve(s, job.actor("wang"), audit_id)
    assert _check(exc) == "reviewer-is-assessor"


def test_a_user_without_the_reviewer_role_cannot_approve(job: Job) -> None:
    audit_id = job.submitted()
    for name in ("zhao", "admin"):
        with pytest.raises(FourEyesError) as exc, job.db.session() as s:
            wf.approve(s, job.actor(name), audit_id)
        assert _check(exc) == "reviewer-role"


def test_approving_from_the_wrong_state_is_refused(job: Job) -> None:
    audit_id = job.open_audit()
    with pytest.raises(WorkflowError) as exc, job.db.session() as s:
        wf.approve(s, job.actor("zhang"), audit_id)  # draft
    assert _check(exc) == "state"
    approved = job.approved()
    with pytest.raises(WorkflowError) as exc, job.db.session() as s:
        wf.approve(s, job.actor("zhang"), approved)  # already approved
    assert _check(exc) == "state"
    with pytest.raises(WorkflowError), job.db.session() as s:
        wf.submit(s, job.actor("li"), approved)


def test_an_actor_holding_someone_elses_key_cannot_sign(job: Job) -> None:
    audit_id = job.open_audit()
    job.rate_all(audit_id)
    li = job.actor("li")
    impostor = wf.Actor(li.user_id, li.name, li.display_name, li.roles,
                        generate_user_key("li"))
    with pytest.raises(FourEyesError) as exc, job.db.session() as s:
        wf.submit(s, impostor, audit_id)
    assert _check(exc) == "wrong-key"


def test_a_reviewer_who_submitted_cannot_approve_even_as_a_reviewer(job: Job) -> None:
    audit_id = job.open_audit(assessor="wang")
    job.rate_all(audit_id, assessor="wang")
    with job.db.session() as s:
        wf.submit(s, job.actor("wang"), audit_id)
        # take wang off the assessor list directly in the database: the signature remains
        audit = s.get(Audit, audit_id)
        assert audit is not None
        audit.assessors = [u for u in audit.assessors if u.name != "wang"] + [
            s.scalars(sa.select(User).where(User.name == "li")).one()]
    with pytest.raises(FourEyesError) as exc, job.db.session() as s:
        wf.approve(s, job.actor("wang"), audit_id)
    assert _check(exc) == "reviewer-is-submitter"


def test_issuing_refuses_a_non_certifiable_audit(job: Job, tmp_path: Path) -> None:
    audit_id = job.approved(overrides={"PAY-02": "partially"})  # critical criterion
    with pytest.raises(WorkflowError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == "not-certifiable"
    assert not list(tmp_path.glob("*.pdf"))


def test_issuing_refuses_audits_that_are_not_approved(job: Job, tmp_path: Path) -> None:
    audit_id = job.submitted()
    with pytest.raises(WorkflowError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == "state"


def test_only_issuers_issue(job: Job, tmp_path: Path) -> None:
    audit_id = job.approved()
    with pytest.raises(WorkflowError):
        wf.issue_certificate(job.db, job.actor("zhang"), audit_id, job.issuer_key(),
                             out_dir=tmp_path)


def test_ratings_changed_in_the_database_after_approval_are_caught(job: Job,
                                                                   tmp_path: Path) -> None:
    audit_id = job.approved()
    with job.db.engine.begin() as conn:
        t = Finding.__table__
        conn.execute(sa.update(t).where(t.c.audit_id == audit_id, t.c.criterion_id == "PAY-03")
                     .values(rating="largely"))
    with pytest.raises(WorkflowError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == "record-changed"


def test_edits_after_submission_are_refused(job: Job) -> None:
    audit_id = job.approved()
    with pytest.raises(WorkflowError), job.db.session() as s:
        apply(SetRating(audit_id, "PAY-03", "largely"), s, "li")


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("assessor_signature", None, "assessor-missing"),
    ("assessor_signature", "not.a.jws", "assessor-malformed"),
    ("reviewer_signature", None, "reviewer-missing"),
])
def test_missing_or_garbled_signatures_are_refused(job: Job, tmp_path: Path, column: str,
                                                   value: object, expected: str) -> None:
    audit_id = job.approved()
    _tamper(job, audit_id, **{column: value})
    with pytest.raises(FourEyesError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == expected


def test_a_forged_approval_by_an_unregistered_key_is_refused(job: Job, tmp_path: Path) -> None:
    audit_id = job.approved()
    with job.db.session() as s:
        audit = s.get(Audit, audit_id)
        assert audit is not None and audit.reviewer_signature
        payload = wf_payload(audit.reviewer_signature)
    forger = generate_user_key("mallory")
    forged = sign_compact(payload, forger.private_key, kid=forger.kid, typ=wf.APPROVAL_TYP)
    _tamper(job, audit_id, reviewer_signature=forged)
    with pytest.raises(FourEyesError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == "reviewer-unknown-key"


def test_an_approval_signed_by_the_assessor_is_refused(job: Job, tmp_path: Path) -> None:
    """The assessor signs the approval with their own (registered) key and claims the role."""
    audit_id = job.approved()
    li = job.actor("li")
    with job.db.session() as s:
        audit = s.get(Audit, audit_id)
        assert audit is not None and audit.reviewer_signature
        payload = wf_payload(audit.reviewer_signature)
    forged = sign_compact(payload, li.key.private_key, kid=li.key.kid, typ=wf.APPROVAL_TYP)
    _tamper(job, audit_id, reviewer_signature=forged)
    with pytest.raises(FourEyesError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) in {"reviewer-role", "reviewer-mismatch"}
    _tamper(job, audit_id, reviewer_id=li.user_id)
    with job.db.engine.begin() as conn:
        t = User.__table__
        conn.execute(sa.update(t).where(t.c.name == "li")
                     .values(roles=frozenset({Role.ASSESSOR, Role.REVIEWER})))
    with pytest.raises(FourEyesError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == "reviewer-is-assessor"


def test_a_signature_over_another_record_is_refused(job: Job, tmp_path: Path) -> None:
    first, second = job.approved(), job.approved()
    with job.db.session() as s:
        other = s.get(Audit, second)
        assert other is not None
        stolen = other.reviewer_signature
        stolen_reviewer = other.reviewer_id
    _tamper(job, first, reviewer_signature=stolen, reviewer_id=stolen_reviewer)
    with pytest.raises(FourEyesError) as exc:
        _issue(job, first, tmp_path)
    assert _check(exc) == "approval-mismatch"


def test_state_forced_to_approved_in_the_database_is_refused(job: Job, tmp_path: Path) -> None:
    audit_id = job.open_audit()
    job.rate_all(audit_id)
    _tamper(job, audit_id, state=AuditState.APPROVED.value)
    with pytest.raises(FourEyesError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == "assessor-missing"


def test_a_broken_journal_blocks_issuing(job: Job, tmp_path: Path) -> None:
    audit_id = job.approved()
    with job.db.engine.begin() as conn:
        t = JournalEvent.__table__
        conn.execute(sa.delete(t).where(t.c.audit_id == audit_id, t.c.seq == 3))
    with pytest.raises(JournalError):
        _issue(job, audit_id, tmp_path)


def wf_payload(jws: str) -> bytes:
    from certbench.certify.jws import b64url_decode

    return b64url_decode(jws.split(".")[1])
