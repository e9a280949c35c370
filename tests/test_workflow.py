"""The audit lifecycle and certificate status through the workflow core, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from jobkit import Job, cheap_scrypt, make_job

from certbench import workflow as wf
from certbench.certify.registry import Registry
from certbench.certify.trust import load_trust
from certbench.certify.verify import verify
from certbench.domain import AuditState, CertificateStatus
from certbench.errors import NotFoundError, WorkflowError
from certbench.journal import verify_chain
from certbench.storage import Audit, AuditKind, Certificate, CertificateEvent, Complaint, Finding


@pytest.fixture
def job(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Job:
    """A fresh body with its people on each backend."""
    cheap_scrypt(monkeypatch)
    made = make_job(db_url, tmp_path / "home")
    yield made
    made.db.dispose()


def _verdict(job: Job, pdf: Path) -> str:
    with job.db.session() as s:
        paths = wf.body_paths(wf.get_body(s))
    report = verify(pdf.read_bytes(), trust=load_trust(paths.trust_path),
                    registry=Registry.load(paths.registry_path), form=job.form)
    return report.verdict.value


def test_audit_to_certificate_and_through_its_status_changes(job: Job, tmp_path: Path) -> None:
    audit_id = job.open_audit()
    job.rate_all(audit_id)
    evidence = tmp_path / "licence.txt"
    evidence.write_text("business licence", encoding="utf-8")
    li = job.actor("li")
    with job.db.session() as s:
        wf.add_evidence_file(s, wf_vault(job), li, audit_id, criterion_id="MER-01",
                             path=evidence)
        wf.submit(s, li, audit_id)
    with job.db.session() as s:
        wf.approve(s, job.actor("zhang"), audit_id)
    admin, key = job.actor("admin"), job.issuer_key()
    issued = wf.issue_certificate(job.db, admin, audit_id, key, out_dir=tmp_path / "out")
    assert issued.grade == "A" and issued.number.startswith("CB-")
    assert issued.valid_until == issued.valid_from.replace(year=issued.valid_from.year + 1) \
        - timedelta(days=1)  # 12 months (the form's certificate_validity_months), inclusive
    assert _verdict(job, issued.pdf_path) == "VALID"
    with job.db.session() as s:
        assert wf.check_issuance(s) == []
        assert wf.find_audit(s, audit_id).state is AuditState.CERTIFIED
        assert verify_chain(s) == []

    with pytest.raises(WorkflowError) as twice:
        wf.issue_certificate(job.db, admin, audit_id, key, out_dir=tmp_path / "out")
    assert twice.value.context["check"] == "issued"

    wf.change_status(job.db, admin, issued.number, "suspend", reason="complaint under review",
                     key=key)
    assert _verdict(job, issued.pdf_path) == "SUSPENDED"
    with pytest.raises(WorkflowError):
        wf.change_status(job.db, admin, issued.number, "suspend", reason="again", key=key)
    wf.change_status(job.db, admin, issued.number, "reinstate", reason="resolved", key=key)
    assert _verdict(job, issued.pdf_path) == "VALID"
    with pytest.raises(WorkflowError):
        wf.change_status(job.db, admin, issued.number, "revoke", reason=" ", key=key)
    with pytest.raises(WorkflowError):
        wf.change_status(job.db, job.actor("li"), issued.number, "revoke", reason="x", key=key)
    wf.change_status(job.db, admin, issued.number, "revoke", reason="fraud", key=key)
    assert _verdict(job, issued.pdf_path) == "REVOKED"
    with pytest.raises(WorkflowError):
        wf.change_status(job.db, admin, issued.number, "reinstate", reason="no", key=key)
    with job.db.session() as s:
        events = s.scalars(sa.select(CertificateEvent.to_status).join(Certificate)
                           .where(Certificate.number == issued.number)
                           .order_by(CertificateEvent.at, CertificateEvent.id)).all()
        assert CertificateStatus.REVOKED in events and len(events) == 4
        assert wf.check_issuance(s) == []
        registry = Registry.load(wf.body_paths(wf.get_body(s)).registry_path)
    assert [e.type.value for e in registry.entries] == ["issued", "suspended", "reinstated",
                                                         "revoked"]


def wf_vault(job: Job) -> object:
    from certbench.evidence import Vault

    with job.db.session() as s:
        return Vault(wf.body_paths(wf.get_body(s)).vault_dir)


def test_surveillance_falls_due_and_complaints_link_to_it(job: Job, tmp_path: Path) -> None:
    audit_id = job.approved()
    issued = wf.issue_certificate(job.db, job.actor("admin"), audit_id, job.issuer_key(),
                                  out_dir=tmp_path)
    due = wf.add_months(issued.valid_from, 6)  # surveillance_interval_months = 6
    with job.db.session() as s:
        rows = wf.list_certificates(s, today=issued.valid_from)
        assert rows[0].surveillance_due == due and not rows[0].surveillance_overdue
        assert wf.list_certificates(s, overdue_only=True, today=due) == []
        late = wf.list_certificates(s, overdue_only=True, today=due + timedelta(days=1))
        assert [r.number for r in late] == [issued.number]
        after = wf.list_certificates(s, today=issued.valid_until + timedelta(days=1))
        assert after[0].status is CertificateStatus.EXPIRED
    _complaint_links_to_the_next_surveillance_audit(job, audit_id)
    # a surveillance audit approved after the due date moves the next one on
    surveillance = job.open_audit(kind=AuditKind.SURVEILLANCE)
    job.rate_all(surveillance)
    with job.db.session() as s:
        wf.submit(s, job.actor("li"), surveillance)
    with job.db.session() as s:
        wf.approve(s, job.actor("zhang"), surveillance)
        row = wf.list_certificates(s, today=date.today())[0]
    assert row.surveillance_due == wf.add_months(date.today(), 6) or row.surveillance_due is None
    admin, key = job.actor("admin"), job.issuer_key()
    assert wf.expire_certificates(job.db, admin, key) == []
    later = datetime.combine(issued.valid_until + timedelta(days=1), time(9), UTC)
    assert wf.expire_certificates(job.db, admin, key, now=later) == [issued.number]
    with pytest.raises(WorkflowError):
        wf.change_status(job.db, admin, issued.number, "suspend", reason="late", key=key)
    with job.db.session() as s:
        registry = Registry.load(wf.body_paths(wf.get_body(s)).registry_path)
        assert registry.status_of(number=issued.number).status is CertificateStatus.EXPIRED
        assert wf.check_issuance(s) == []


def test_reassessment_carries_ratings_over_until_confirmed(job: Job) -> None:
    first = job.approved()
    li = job.actor("li")
    with job.db.session() as s:
        again = wf.open_audit(s, li, job.merchant_id, "ecommerce-trust@1.0",
                              kind=AuditKind.REASSESSMENT)
        again_id = again.id
        assert again.previous_audit_id == first
        carried = s.scalars(sa.select(Finding).where(Finding.audit_id == again_id,
                                                     Finding.carried_over)).all()
        assert carried and all(f.rating == "fully" for f in carried)
    with job.db.session() as s:
        wf.rate(s, li, again_id, "MER-01", "fully")  # first edit: in progress
    with pytest.raises(WorkflowError) as blocked, job.db.session() as s:
        wf.submit(s, li, again_id)
    assert blocked.value.context["check"] == "carried-over"
    with job.db.session() as s:
        remaining = s.scalars(sa.select(Finding.criterion_id).where(
            Finding.audit_id == again_id, Finding.carried_over)).all()
        assert "MER-01" not in remaining
        for criterion in remaining:
            wf.confirm(s, li, again_id, criterion)
        with pytest.raises(WorkflowError):
            wf.confirm(s, li, again_id, "MER-01")  # no longer carried over
    with job.db.session() as s:
        assert wf.submit(s, li, again_id).state is AuditState.SUBMITTED


def test_reassessment_needs_an_earlier_approved_audit(job: Job) -> None:
    with pytest.raises(WorkflowError), job.db.session() as s:
        wf.open_audit(s, job.actor("li"), job.merchant_id, "ecommerce-trust@1.0",
                      kind=AuditKind.REASSESSMENT)


def test_return_sends_the_audit_back_and_it_can_be_resubmitted(job: Job) -> None:
    audit_id = job.submitted()
    zhang, li = job.actor("zhang"), job.actor("li")
    with pytest.raises(WorkflowError), job.db.session() as s:
        wf.return_audit(s, zhang, audit_id, "  ")
    with job.db.session() as s:
        assert wf.return_audit(s, zhang, audit_id, "add the licence").state \
            is AuditState.RETURNED
    with job.db.session() as s:
        wf.rate(s, li, audit_id, "MER-02", "largely")
        assert wf.find_audit(s, audit_id).state is AuditState.IN_PROGRESS
        wf.submit(s, li, audit_id)
    with job.db.session() as s:
        assert wf.approve(s, zhang, audit_id).state is AuditState.APPROVED


def test_submission_refuses_unrated_and_unjustified_criteria(job: Job) -> None:
    audit_id = job.open_audit()
    job.rate_all(audit_id, overrides={"MER-04": "n/a"})
    with job.db.session() as s:
        wf.rate(s, job.actor("li"), audit_id, "DISC-01", None)
    with pytest.raises(WorkflowError) as refused, job.db.session() as s:
        wf.submit(s, job.actor("li"), audit_id)
    assert refused.value.context["check"] == "incomplete"
    assert {"MER-04", "DISC-01"} <= set(refused.value.context["criteria"])  # type: ignore[arg-type]


def test_only_assessors_of_the_audit_edit_it(job: Job) -> None:
    audit_id = job.open_audit()
    with pytest.raises(WorkflowError), job.db.session() as s:
        wf.rate(s, job.actor("anna"), audit_id, "MER-01", "fully")
    with pytest.raises(WorkflowError), job.db.session() as s:
        wf.open_audit(s, job.actor("zhang"), job.merchant_id, "ecommerce-trust@1.0")
    with pytest.raises(WorkflowError), job.db.session() as s:
        wf.rate(s, job.actor("li"), audit_id, "MER-01", "excellent")
    with pytest.raises(NotFoundError), job.db.session() as s:
        wf.rate(s, job.actor("li"), audit_id, "NOPE-99", "fully")


def _complaint_links_to_the_next_surveillance_audit(job: Job, audit_id: str) -> None:
    li = job.actor("li")
    with job.db.session() as s:
        complaint = wf.add_complaint(s, li, "91310000MA1FL0XX3K", "refund never arrived",
                                     channel="hotline")
        complaint_id = complaint.id
        assert complaint.certificate_id is not None
    with pytest.raises(WorkflowError), job.db.session() as s:
        wf.link_complaint(s, li, complaint_id, audit_id)  # the initial audit: not a follow-up
    surveillance = job.open_audit(kind=AuditKind.SURVEILLANCE)
    with job.db.session() as s:
        wf.link_complaint(s, li, complaint_id[:8], surveillance)
    with job.db.session() as s:
        linked = s.get(Complaint, complaint_id)
        assert linked is not None and linked.surveillance_audit_id == surveillance
        assert any(r.action == "complaint" for r in _history(s, surveillance))


def _history(session: object, audit_id: str) -> list[object]:
    from certbench.journal import history

    return history(session, audit_id)  # type: ignore[arg-type, return-value]


def test_every_transition_is_journalled_in_an_intact_chain(job: Job) -> None:
    audit_id = job.approved()
    with job.db.session() as s:
        actions = [r.action for r in _history(s, audit_id)]  # type: ignore[attr-defined]
        assert actions[0] == "open" and actions[-2:] == ["submit", "approve"]
        assert "import" in actions and verify_chain(s, audit_id) == []
        audit = s.get(Audit, audit_id)
        assert audit is not None and audit.assessor_signature and audit.reviewer_signature


def test_acting_needs_the_users_own_registered_key(job: Job, tmp_path: Path) -> None:
    from certbench import assets
    from certbench.certify.keys import generate_user_key, save_key
    from certbench.errors import KeyStoreError, WrongPassphraseError

    with pytest.raises(WrongPassphraseError), job.db.session() as s:
        wf.authenticate(s, "li", "not li's passphrase")
    li = job.actor("li")
    with job.db.session() as s:
        paths = wf.body_paths(wf.get_body(s))
    recorded = paths.key_dir / "users" / f"user-{li.key.kid}.key"
    elsewhere = assets.user_data_dir() / "keys" / "users" / recorded.name
    elsewhere.parent.mkdir(parents=True)
    recorded.replace(elsewhere)  # li works on another machine against the same database
    assert job.actor("li").key.kid == li.key.kid
    elsewhere.unlink()
    with pytest.raises(KeyStoreError), job.db.session() as s:
        wf.authenticate(s, "li", "pw-li")
    save_key(recorded, generate_user_key("li"), "pw-li")  # a key file that is not li's key
    with pytest.raises(KeyStoreError, match="not the key registered"), job.db.session() as s:
        wf.authenticate(s, "li", "pw-li")
