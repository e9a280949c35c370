"""Seed a real database with a certified audit, for report, export and dashboard tests.

The audit uses the standard form ``ecommerce-trust@1.0``; its certificate is a
real ES256 seal signed with a fresh issuer key. Personal data is planted in
evidence (captured_where), complaints and merchant contacts, so tests can prove
that the public summary never shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from certbench.canonical import canonical_hash
from certbench.certify.keys import IssuerKey, generate_issuer_key
from certbench.certify.merkle import evidence_root
from certbench.certify.seal import (
    SealAudit,
    SealIssuer,
    SealPayload,
    SealResult,
    SealScheme,
    SealSubject,
    SealValidity,
    sign_seal,
)
from certbench.checklists import find_form
from certbench.domain import AuditState, BusinessModel, CertificateStatus, Form, Scope
from certbench.grading import grade, ratings_hash
from certbench.journal import append_event
from certbench.storage import (
    Audit,
    AuditKind,
    Body,
    Certificate,
    Complaint,
    Database,
    Evidence,
    EvidenceKind,
    Finding,
    Merchant,
    MerchantSite,
    NonconformityClass,
    Role,
    Sample,
    SampleKind,
    User,
)

PLANTED = ("Zhang Wei", "张伟", "li.na@example.cn", "+86 138 0013 8000", "Maria Schmidt",
           "maria.schmidt@example.de", "+49 30 1234567")
"""Personal data planted in evidence, complaints and contacts."""

COMPLAINANT = "Liu Yang, liu.yang@example.cn, +86 139 0000 1111"
"""Who complained: shown in neither the audit report (it goes to the merchant) nor the summary."""

T0 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    """What :func:`seed` created."""

    audit_id: str
    merchant_id: str
    other_merchant_id: str
    certificate_number: str
    seal_hash: str
    form: Form
    key: IssuerKey


def _ratings(form: Form, scope: Scope) -> dict[str, str]:
    values = {}
    for i, c in enumerate(c for c in form.criteria if c.applies(scope)):
        values[c.id] = "fully" if c.is_critical(scope) or i % 4 else "largely"
    return values


def _certificate(form: Form, audit: Audit, merchant: Merchant, key: IssuerKey,
                 result_ratings: list, scope: Scope, digests: list[str]) -> tuple[str, str]:
    result = grade(form, result_ratings, scope)
    payload = SealPayload(
        no="CB-2026-000042",
        iss=SealIssuer("Trust Mark Certification Ltd.", "TMC", key.kid),
        sub=SealSubject(merchant.legal_name, merchant.registration_number, merchant.country,
                        tuple(sorted(s.url for s in merchant.sites))),
        sch=SealScheme(form.id, form.version, form.title.en, form.hash),
        res=SealResult.from_grade(result, ratings_hash=ratings_hash(result_ratings),
                                  scope_hash=canonical_hash(scope.to_json())),
        aud=SealAudit(audit.id, ("alice",), "carol", date(2026, 9, 20),
                      evidence_root(digests), len(digests)),
        val=SealValidity(datetime(2026, 9, 21, 10, 0, tzinfo=UTC), date(2026, 9, 21),
                         date(2027, 9, 20)),
    )
    seal = sign_seal(payload, key)
    return seal.jws, seal.seal_hash


def seed(db: Database) -> Seeded:
    """A body, three users, two merchants, one certified audit with everything, one draft."""
    from certbench.domain import Rating

    form = find_form("ecommerce-trust@1.0")
    key = generate_issuer_key("Trust Mark Certification Ltd.")
    scope = Scope(business_models=frozenset({BusinessModel.B2C}), home_market="CN",
                  target_markets=frozenset({"CN", "HK"}), languages=frozenset({"zh-CN"}),
                  currencies=frozenset({"CNY"}), categories=frozenset())
    with db.session() as s:
        s.add(Body(code="TMC", name="Trust Mark Certification Ltd.", address="1 Audit Road"))
        alice = User(name="alice", display_name="Alice Auditor", roles=frozenset({Role.ASSESSOR}))
        carol = User(name="carol", display_name="Carol Reviewer",
                     roles=frozenset({Role.REVIEWER}))
        s.add_all([alice, carol])
        merchant = Merchant(legal_name="杭州示例贸易有限公司", trading_names=["示例商城"],
                            registration_number="91330100MA27XYZ12K", country="CN",
                            address="88 West Lake Road",
                            contacts={"name": "Zhang Wei", "email": "li.na@example.cn"},
                            sites=[MerchantSite(url="https://shop.example.cn"),
                                   MerchantSite(url="https://example.tmall.com")])
        other = Merchant(legal_name="Beispiel GmbH", registration_number="HRB 1", country="DE",
                         sites=[MerchantSite(url="https://beispiel.de")])
        s.add_all([merchant, other])
        s.flush()
        audit = Audit(merchant_id=merchant.id, kind=AuditKind.INITIAL, form_id=form.id,
                      form_version=form.version, form_hash=form.hash, scope=scope.to_json(),
                      state=AuditState.CERTIFIED, reviewer_id=carol.id, opened_at=T0,
                      submitted_at=T0 + timedelta(days=10), approved_at=T0 + timedelta(days=19),
                      completed_at=T0 + timedelta(days=19))
        audit.assessors = [alice]
        s.add(audit)
        s.flush()
        values = _ratings(form, scope)
        for cid, value in values.items():
            nc = NonconformityClass.MINOR if value == "largely" else None
            s.add(Finding(audit_id=audit.id, criterion_id=cid, rating=value,
                          note="Checked on the live site." if nc else "", nc_class=nc,
                          corrective_action="Fix the footer link." if nc else "",
                          due_date=date(2026, 10, 15) if nc else None))
        digests = [f"{i:02x}" * 32 for i in range(1, 4)]
        for i, digest in enumerate(digests):
            s.add(Evidence(audit_id=audit.id, criterion_id=next(iter(values)), sha256=digest,
                           size=100 + i, media_type="image/png", original_filename=f"shot{i}.png",
                           kind=EvidenceKind.PHOTO, captured_at=T0 + timedelta(hours=i),
                           captured_by=alice.id,
                           captured_where="met Maria Schmidt, +49 30 1234567" if i == 0 else
                           "shop counter, Zhang Wei 张伟"))
        s.add(Sample(audit_id=audit.id, criterion_id=next(iter(values)),
                     kind=SampleKind.CONTACT, channel="email",
                     timestamps={"asked": "2026-09-02T09:00:00+00:00",
                                 "answered": "2026-09-03T15:30:00+00:00"}))
        s.add(Complaint(merchant_id=merchant.id, received_at=T0 - timedelta(days=30),
                        channel="email", summary="Late refund, customer maria.schmidt@example.de",
                        complainant_contact=COMPLAINANT))
        for i in range(3):
            append_event(s, audit.id, actor="alice", action="rating_set",
                         changes=(), reason=f"batch {i}", at=T0 + timedelta(hours=i))
        ratings = [Rating(cid, v) for cid, v in sorted(values.items())]
        jws, seal_hash = _certificate(form, audit, merchant, key, ratings, scope, digests)
        s.add(Certificate(number="CB-2026-000042", audit_id=audit.id, merchant_id=merchant.id,
                          seal_hash=seal_hash, jws=jws,
                          issued_at=datetime(2026, 9, 21, 10, 0, tzinfo=UTC),
                          valid_from=datetime(2026, 9, 21, tzinfo=UTC),
                          valid_until=datetime(2027, 9, 20, tzinfo=UTC),
                          status=CertificateStatus.VALID, kid=key.kid))
        draft = Audit(merchant_id=other.id, form_id=form.id, form_version=form.version,
                      form_hash=form.hash, scope=scope.to_json(), state=AuditState.IN_PROGRESS)
        s.add(draft)
        return Seeded(audit.id, merchant.id, other.id, "CB-2026-000042", seal_hash, form, key)
