"""A register with several grades, expiries and domain scores, for the dashboard tests.

Builds on :func:`reports_seed.seed` (a body, a certified merchant with grade A
certificate ``CB-2026-000042``, a merchant with a draft audit) and adds
certified audits of more merchants, each graded by :func:`certbench.grading.grade`
on the standard form and sealed with the same issuer key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from reports_seed import Seeded, seed

from certbench.canonical import canonical_hash
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
from certbench.domain import AuditState, BusinessModel, CertificateStatus, Rating, Scope
from certbench.grading import grade, ratings_hash
from certbench.storage import Audit, AuditKind, Certificate, Database, Finding, Merchant

AS_OF = date(2026, 11, 24)
"""The day the dashboard tests look from."""

SCOPE = Scope(business_models=frozenset({BusinessModel.B2C}), home_market="CN",
              target_markets=frozenset({"CN"}), languages=frozenset({"zh-CN"}),
              currencies=frozenset({"CNY"}), categories=frozenset())

PLAN = (
    # legal name, weak rating, every k-th non-critical criterion weak, valid until, status
    ("Alpha Goods Ltd.", "largely", 3, date(2027, 6, 30), CertificateStatus.VALID),
    ("Beta Bazaar Co.", "largely", 1, date(2027, 1, 10), CertificateStatus.VALID),
    ("Gamma Mart GmbH", "partially", 2, date(2026, 12, 20), CertificateStatus.VALID),
    ("Delta Direct Inc.", "partially", 3, date(2027, 8, 1), CertificateStatus.VALID),
    ("Epsilon Outlet SA", "largely", 1, date(2027, 5, 1), CertificateStatus.REVOKED),
)
"""Graded A, B, B, B, B (the last revoked); two expire within 90 days of :data:`AS_OF`."""


@dataclass(frozen=True)
class Register:
    """What :func:`seed_register` created."""

    base: Seeded
    merchants: dict[str, str]
    """legal name -> merchant id of the added merchants."""
    grades: dict[str, str]
    """certificate number -> grade letter, for every certificate."""


def _ratings(weak: str, every: int) -> list[Rating]:
    from certbench.checklists import find_form

    form = find_form("ecommerce-trust@1.0")
    out = []
    for i, c in enumerate(c for c in form.criteria if c.applies(SCOPE)):
        value = "fully" if c.is_critical(SCOPE) or i % every else weak
        out.append(Rating(c.id, value))
    return out


def seed_register(db: Database) -> Register:
    """The reports seed plus five more certified merchants (see :data:`PLAN`)."""
    base = seed(db)
    merchants: dict[str, str] = {}
    grades = {base.certificate_number: "A"}
    form = base.form
    for n, (name, weak, every, until, status) in enumerate(PLAN, start=1):
        ratings = _ratings(weak, every)
        result = grade(form, ratings, SCOPE)
        assert result.grade is not None
        number = f"CB-2026-{n:06d}"
        done = datetime(2026, 5, n, 10, 0, tzinfo=UTC)
        with db.session() as s:
            merchant = Merchant(legal_name=name, registration_number=f"REG-{n}", country="CN")
            s.add(merchant)
            s.flush()
            audit = Audit(merchant_id=merchant.id, kind=AuditKind.INITIAL, form_id=form.id,
                          form_version=form.version, form_hash=form.hash,
                          scope=SCOPE.to_json(), state=AuditState.CERTIFIED,
                          opened_at=done - timedelta(days=20), completed_at=done,
                          submitted_at=done - timedelta(days=5), approved_at=done)
            s.add(audit)
            s.flush()
            s.add_all([Finding(audit_id=audit.id, criterion_id=r.criterion_id, rating=r.value)
                       for r in ratings])
            payload = SealPayload(
                no=number, iss=SealIssuer("Trust Mark Certification Ltd.", "TMC", base.key.kid),
                sub=SealSubject(name, f"REG-{n}", "CN", ()),
                sch=SealScheme(form.id, form.version, form.title.en, form.hash),
                res=SealResult.from_grade(result, ratings_hash=ratings_hash(ratings),
                                          scope_hash=canonical_hash(SCOPE.to_json())),
                aud=SealAudit(audit.id, ("alice",), "carol", done.date(),
                              evidence_root(["ab" * 32]), 1),
                val=SealValidity(done, done.date(), until))
            seal = sign_seal(payload, base.key)
            s.add(Certificate(number=number, audit_id=audit.id, merchant_id=merchant.id,
                              seal_hash=seal.seal_hash, jws=seal.jws, issued_at=done,
                              valid_from=datetime(done.year, done.month, done.day, tzinfo=UTC),
                              valid_until=datetime(until.year, until.month, until.day,
                                                   tzinfo=UTC),
                              status=status, kid=base.key.kid))
        merchants[name] = merchant.id
        grades[number] = result.grade
    _earlier_audit(db, merchants["Alpha Goods Ltd."])
    return Register(base, merchants, grades)


def _earlier_audit(db: Database, merchant_id: str) -> None:
    """An approved, uncertified audit a year before Alpha's certificate (graded B)."""
    from certbench.checklists import find_form

    form = find_form("ecommerce-trust@1.0")
    done = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)
    with db.session() as s:
        audit = Audit(merchant_id=merchant_id, kind=AuditKind.INITIAL, form_id=form.id,
                      form_version=form.version, form_hash=form.hash, scope=SCOPE.to_json(),
                      state=AuditState.APPROVED, opened_at=done - timedelta(days=20),
                      submitted_at=done - timedelta(days=5), approved_at=done)
        s.add(audit)
        s.flush()
        s.add_all([Finding(audit_id=audit.id, criterion_id=r.criterion_id, rating=r.value)
                   for r in _ratings("largely", 1)])
