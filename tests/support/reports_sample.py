"""A full, realistic audit report record for report tests and the report benchmark.

Personal data is planted on purpose in evidence notes, evidence captors and
complaints (names, e-mail addresses, phone numbers), so tests can prove the
public summary never shows it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from certbench.domain import BusinessModel, Reason, ReasonCode, Scope, Text
from certbench.reports.data import (
    AuditReportData,
    BodyInfo,
    CertificateInfo,
    ComplaintLine,
    DomainLine,
    EvidenceLine,
    FindingLine,
    JournalSummary,
    Measure,
    MerchantInfo,
    SampleLine,
)

PLANTED_PERSONAL = (
    "Zhang Wei",
    "张伟",
    "li.na@example.cn",
    "+86 138 0013 8000",
    "Maria Schmidt",
    "maria.schmidt@example.de",
    "+49 30 1234567",
    "王芳",
)
"""Personal data planted in the sample; none of it may reach a public summary."""

SEAL_HASH = "9f2c4e1ab37d50c8e6a1f0b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6"
FORM_HASH = "3b7a1c9e5d2f4a6b8c0e1d3f5a7b9c1e3d5f7a9b1c3e5d7f9a1b3c5d7e9f1a3b"
EVIDENCE_ROOT = "c0ffee00d15ea5e5c0ffee00d15ea5e5c0ffee00d15ea5e5c0ffee00d15ea5e5"

DOMAINS = (
    ("MER", Text("Merchant identity", "商家身份"), Decimal("95.00")),
    ("PAY", Text("Payment security", "支付安全"), Decimal("88.89")),
    ("DEL", Text("Delivery and returns", "配送与退换货"), Decimal("81.25")),
    ("SRV", Text("Customer service", "客户服务"), Decimal("76.47")),
    ("PRV", Text("Privacy and data protection", "隐私与数据保护"), Decimal("90.00")),
)
_LABELS = {
    "fully": Text("Fully met", "完全符合"),
    "largely": Text("Largely met", "基本符合"),
    "partially": Text("Partially met", "部分符合"),
    "not_met": Text("Not met", "不符合"),
}


def _finding(i: int) -> FindingLine:
    domain = DOMAINS[i % len(DOMAINS)][0]
    rating = ("fully", "largely", "partially", "fully", "not_met")[i % 5]
    nc = {"largely": "observation", "partially": "minor", "not_met": "major"}.get(rating)
    long_note = (" The storefront shows the policy on the checkout page, but the footer link "
                 "leads to an outdated version dated last year." * (3 if i % 7 == 0 else 1))
    return FindingLine(
        criterion_id=f"{domain}-{i + 1:02d}",
        domain_id=domain,
        requirement=Text(f"The merchant publishes requirement {i + 1} clearly before purchase.",
                         f"商家在购买前清楚公布第 {i + 1} 项要求。"),
        rating=rating,
        rating_label=_LABELS[rating],
        note=f"Checked on the live site.{long_note}" if rating != "fully" else "",
        nonconformity=nc,
        corrective_action="Update the footer link and archive old versions." if nc else "",
        due=date(2027, 1, 15) + timedelta(days=i) if nc else None,
        critical=i % 11 == 0,
    )


def sample_report(findings: int = 24, *, with_certificate: bool = True) -> AuditReportData:
    """A complete audit report record with ``findings`` findings and planted personal data."""
    evidence = tuple(
        EvidenceLine(
            sha256=f"{i:02x}" * 32,
            kind=("document", "web_capture", "test_purchase")[i % 3],
            title=f"checkout-page-{i}.png" if i % 2 else f"退货政策-{i}.pdf",
            media_type="image/png" if i % 2 else "application/pdf",
            captured_at=datetime(2026, 10, 1, 9, 30, tzinfo=UTC) + timedelta(hours=i),
            captured_by="Zhang Wei" if i % 2 else "王芳",
            criteria=(f"MER-{i + 1:02d}",),
            note=("Contact person Maria Schmidt, maria.schmidt@example.de, +49 30 1234567"
                  if i == 1 else "Screenshot of the returns page." if i % 2 else
                  "客服联系人 张伟 电话 +86 138 0013 8000 邮箱 li.na@example.cn"),
            size=1024 * (i + 1),
        )
        for i in range(8)
    )
    samples = (
        SampleLine("TP-1", "DEL-03", "test_purchase", datetime(2026, 10, 2, 8, 0, tzinfo=UTC),
                   (Measure("dispatch", Decimal("26.5"), "hours", Decimal("48"), True),
                    Measure("delivery", Decimal("3.2"), "days", Decimal("5"), True))),
        SampleLine("MS-1", "SRV-04", "mystery_shopper", datetime(2026, 10, 3, 14, 0, tzinfo=UTC),
                   (Measure("first_reply", Decimal("30.25"), "hours", Decimal("24"), False),)),
        SampleLine("TR-1", "DEL-08", "test_return", datetime(2026, 10, 4, 10, 0, tzinfo=UTC),
                   (Measure("refund", None, "days", Decimal("14"), None),)),
    )
    cert = CertificateInfo(
        number="CB-2026-000042", seal_hash=SEAL_HASH, grade="B", score=Decimal("86.42"),
        issued_at=datetime(2026, 10, 20, 11, 0, tzinfo=UTC), valid_from=date(2026, 10, 20),
        valid_until=date(2027, 10, 19), status="valid",
        domain_scores=tuple((d, s) for d, _, s in DOMAINS),
    ) if with_certificate else None
    return AuditReportData(
        audit_id="AUD-2026-0007",
        body=BodyInfo("Trust Mark Certification Ltd. 信任认证有限公司", "1 Audit Road, Shanghai"),
        merchant=MerchantInfo(
            legal_name="Hangzhou Example Trading Co., Ltd. 杭州示例贸易有限公司",
            registration_number="91330100MA27XYZ12K", country="CN",
            websites=("https://shop.example.cn", "https://example.tmall.com"),
            trading_names=("Example Shop", "示例商城"), address="88 West Lake Road, Hangzhou",
        ),
        form_id="ecommerce-trust", form_version="1.0",
        form_title=Text("E-commerce trust checklist", "电子商务信任检查表"), form_hash=FORM_HASH,
        scope=Scope(business_models=frozenset({BusinessModel.B2C}), home_market="CN",
                    target_markets=frozenset({"CN", "HK", "SG"}),
                    languages=frozenset({"zh-CN", "en"}), currencies=frozenset({"CNY", "HKD"}),
                    categories=frozenset({"general"})),
        assessors=("Alice Auditor", "Bob Assessor"), reviewer="Carol Reviewer",
        state="certified", opened=date(2026, 9, 28), submitted=date(2026, 10, 10),
        decided=date(2026, 10, 18),
        grade="B", score=Decimal("86.42"), certifiable=True, complete=True,
        domains=tuple(DomainLine(d, title, s, Decimal("60"), 5, 5) for d, title, s in DOMAINS),
        reasons=(Reason(ReasonCode.DOMAIN_BELOW_FLOOR, domain_id="SRV", detail="B"),),
        findings=tuple(_finding(i) for i in range(findings)),
        samples=samples, evidence=evidence, evidence_root=EVIDENCE_ROOT,
        journal=JournalSummary(events=57, first=datetime(2026, 9, 28, 8, 0, tzinfo=UTC),
                               last=datetime(2026, 10, 20, 11, 0, tzinfo=UTC),
                               head_hash="ab" * 32, chain_intact=True,
                               by_kind=(("rating_set", 40), ("evidence_added", 8),
                                        ("state_changed", 9))),
        certificate=cert,
        complaints=(ComplaintLine(date(2026, 8, 1), "email",
                                  "Refund late; customer Maria Schmidt maria.schmidt@example.de",
                                  "closed"),
                    ComplaintLine(date(2026, 9, 5), "phone", "商品与描述不符，投诉人 王芳",
                                  "open")),
        generated=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
    )
