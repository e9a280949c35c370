"""Every way round the four-eyes rule is refused, by the core, with a specific error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from jobkit import Job, cheap_scrypt, make_job

from certbench import workflow as wf
from certbench.canonical import canonical_bytes
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
    with pytest.raises(WorkflowError) as exc, job.db.session() as s:
        wf.submit(s, impostor, audit_id)
    assert _check(exc) == "actor"  # not the key registered for li


def test_roles_claimed_by_a_hand_made_actor_count_for_nothing(job: Job, tmp_path: Path) -> None:
    audit_id = job.submitted()
    zhao = job.actor("zhao")  # an assessor only
    claims = wf.Actor(zhao.user_id, zhao.name, zhao.display_name,
                      frozenset({Role.REVIEWER, Role.ISSUER, Role.ADMIN}), zhao.key)
    with pytest.raises(FourEyesError) as exc, job.db.session() as s:
        wf.approve(s, claims, audit_id)
    assert _check(exc) == "reviewer-role"
    with pytest.raises(WorkflowError), job.db.session() as s:
        wf.add_user(s, claims, "eve", [Role.ADMIN], "pw-eve")
    with job.db.session() as s:
        wf.approve(s, job.actor("zhang"), audit_id)
    with pytest.raises(WorkflowError):
        wf.issue_certificate(job.db, claims, audit_id, job.issuer_key(), out_dir=tmp_path)


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


def test_only_issuers_with_the_active_issuer_key_issue(job: Job, tmp_path: Path) -> None:
    from jobkit import PASSPHRASES

    from certbench.certify.keyring import rotate_issuer

    audit_id = job.approved()
    old_key = job.issuer_key()
    with pytest.raises(WorkflowError):
        wf.issue_certificate(job.db, job.actor("zhang"), audit_id, old_key, out_dir=tmp_path)
    with job.db.session() as s:
        rotate_issuer(wf.body_paths(wf.get_body(s)).key_dir, PASSPHRASES["admin"])
    with pytest.raises(WorkflowError) as exc:
        wf.issue_certificate(job.db, job.actor("admin"), audit_id, old_key, out_dir=tmp_path)
    assert _check(exc) == "issuer-key"
    assert job.issuer_key().kid != old_key.kid


def test_edits_after_submission_are_refused(job: Job) -> None:
    audit_id = job.approved()
    with pytest.raises(WorkflowError), job.db.session() as s:
        apply(SetRating(audit_id, "PAY-03", "largely"), s, "li")


def _approval(job: Job, audit_id: str, signer: wf.Actor, **changes: object) -> str:
    """An approval of ``audit_id`` (its real payload, with ``changes``) signed by ``signer``."""
    with job.db.session() as s:
        audit = s.get(Audit, audit_id)
        assert audit is not None and audit.reviewer_signature
        payload = json.loads(wf_payload(audit.reviewer_signature))
    return sign_compact(canonical_bytes({**payload, **changes}), signer.key.private_key,
                        kid=signer.key.kid, typ=wf.APPROVAL_TYP)


def _set_rating(job: Job, audit_id: str, criterion: str, rating: str) -> None:
    with job.db.engine.begin() as conn:
        t = Finding.__table__
        conn.execute(sa.update(t).where(t.c.audit_id == audit_id, t.c.criterion_id == criterion)
                     .values(rating=rating))


def _set_roles(job: Job, name: str, roles: frozenset[Role]) -> None:
    with job.db.engine.begin() as conn:
        t = User.__table__
        conn.execute(sa.update(t).where(t.c.name == name).values(roles=roles))


def test_tampering_with_an_approved_audit_in_the_database_is_refused(job: Job,
                                                                     tmp_path: Path) -> None:
    """Each tampering is refused with its own check; undoing it makes the audit issuable."""
    audit_id = job.approved()
    li, zhang = job.actor("li"), job.actor("zhang")
    with job.db.session() as s:
        audit = s.get(Audit, audit_id)
        assert audit is not None
        original = {"assessor_signature": audit.assessor_signature,
                    "reviewer_signature": audit.reviewer_signature,
                    "reviewer_id": audit.reviewer_id}
    forger = generate_user_key("mallory")
    cases: list[tuple[dict[str, object], str]] = [
        ({"assessor_signature": None}, "assessor-missing"),
        ({"assessor_signature": "not.a.jws"}, "assessor-malformed"),
        ({"reviewer_signature": None}, "reviewer-missing"),
        ({"reviewer_signature": sign_compact(b"{}", forger.private_key, kid=forger.kid,
                                             typ=wf.APPROVAL_TYP)}, "reviewer-unknown-key"),
        ({"reviewer_signature": _approval(job, audit_id, li)}, "reviewer-role"),
        ({"reviewer_signature": _approval(job, audit_id, zhang), "reviewer_id": li.user_id},
         "reviewer-mismatch"),
        ({"reviewer_signature": _approval(job, audit_id, zhang, record_hash="0" * 64)},
         "approval-mismatch"),
    ]
    for values, expected in cases:
        _tamper(job, audit_id, **values)
        with pytest.raises(FourEyesError) as exc:
            _issue(job, audit_id, tmp_path)
        assert _check(exc) == expected, values
        _tamper(job, audit_id, **original)
    # the assessor signs the approval and is made a reviewer of record, with the role
    _set_roles(job, "li", frozenset({Role.ASSESSOR, Role.REVIEWER}))
    _tamper(job, audit_id, reviewer_signature=_approval(job, audit_id, li), reviewer_id=li.user_id)
    with pytest.raises(FourEyesError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == "reviewer-is-assessor"
    _tamper(job, audit_id, **original)
    _set_roles(job, "li", frozenset({Role.ASSESSOR}))
    # ratings edited after approval, behind the workflow's back
    _set_rating(job, audit_id, "PAY-03", "largely")
    with pytest.raises(WorkflowError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == "record-changed"
    _set_rating(job, audit_id, "PAY-03", "fully")
    with job.db.session() as s:  # untampered again: every check passes
        signed = wf.check_four_eyes(s, wf.find_audit(s, audit_id))
        assert (signed.assessor.name, signed.reviewer.name) == ("li", "zhang")
    # a deleted journal event
    with job.db.engine.begin() as conn:
        t = JournalEvent.__table__
        conn.execute(sa.delete(t).where(t.c.audit_id == audit_id, t.c.seq == 3))
    with pytest.raises(JournalError):
        _issue(job, audit_id, tmp_path)
    assert not list(tmp_path.glob("*.pdf"))


def test_state_forced_to_approved_in_the_database_is_refused(job: Job, tmp_path: Path) -> None:
    audit_id = job.open_audit()
    job.rate_all(audit_id)
    _tamper(job, audit_id, state=AuditState.APPROVED.value)
    with pytest.raises(FourEyesError) as exc:
        _issue(job, audit_id, tmp_path)
    assert _check(exc) == "assessor-missing"


def wf_payload(jws: str) -> bytes:
    from certbench.certify.jws import b64url_decode

    return b64url_decode(jws.split(".")[1])
