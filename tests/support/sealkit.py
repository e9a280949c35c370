"""Builders for seal, trust and registry tests: a small form, an issuer, signed seals.

Everything here is real: real keys, real signatures, a real form parsed by the
checklist loader and graded by the grading engine. Only scrypt-encrypted key
files are left to the tests that need them (they cost ~0.1 s each).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from certbench.canonical import canonical_hash
from certbench.certify.keys import IssuerKey, generate_issuer_key
from certbench.certify.merkle import evidence_root
from certbench.certify.registry import Registry, RegistryEntry
from certbench.certify.seal import (
    Seal,
    SealAudit,
    SealDetail,
    SealIssuer,
    SealPayload,
    SealResult,
    SealScheme,
    SealSubject,
    SealValidity,
    seal_file_bytes,
    sign_seal,
)
from certbench.certify.trust import KeyStatus, TrustedKey, TrustFile, load_trust, trust_file_bytes
from certbench.checklists import parse_form
from certbench.domain import Form, Rating, Scope
from certbench.grading import grade, ratings_hash

BODY_NAME = "Example Certification Body"
BODY_ID = "ecb"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
ISSUED_AT = datetime(2026, 11, 24, 10, 0, 0, tzinfo=UTC)
CHECK_AT = datetime(2027, 3, 1, 12, 0, 0, tzinfo=UTC)

_T = '{ en = "%s", zh = "%s" }'


def _criterion(cid: str, domain: str, weight: int, critical: bool = False) -> str:
    return f"""
[[criteria]]
id = "{cid}"
domain = "{domain}"
name = "{cid.lower().replace('-', '_')}"
weight = {weight}
critical = {str(critical).lower()}
methods = ["DOC"]
evidence = ["document"]
requirement = {_T % ("Requirement " + cid, "要求 " + cid)}
guidance = {_T % ("Guidance " + cid, "指引 " + cid)}
"""


FORM_TOML = f"""
format = 1
id = "mini-trust"
version = "1.0"
published = "2026-11-01"
title = {_T % ("Mini Trust Checklist", "迷你可信检查表")}

[vocabulary]
categories = ["general"]
evidence_kinds = ["document"]

[methods]
DOC = {_T % ("Document review", "文件审查")}

[[scale]]
value = "fully"
points = 3
label = {_T % ("Fully met", "完全符合")}
[[scale]]
value = "largely"
points = 2
label = {_T % ("Largely met", "基本符合")}
[[scale]]
value = "partially"
points = 1
label = {_T % ("Partially met", "部分符合")}
[[scale]]
value = "not_met"
points = 0
label = {_T % ("Not met", "不符合")}
[[scale]]
value = "n/a"
excluded = true
needs_justification = true
label = {_T % ("Not applicable", "不适用")}

[grading]
default_floor_cap = "C"
bands = [
  {{ grade = "A", min_score = "90" }},
  {{ grade = "B", min_score = "80" }},
  {{ grade = "C", min_score = "70" }},
]

[[domains]]
id = "MER"
title = {_T % ("Merchant", "商家")}
floor = "60"

[[domains]]
id = "DISC"
title = {_T % ("Disclosure", "信息披露")}
floor = "60"
""" + "".join([
    _criterion("MER-01", "MER", 3, critical=True),
    _criterion("MER-02", "MER", 2),
    _criterion("DISC-01", "DISC", 2),
    _criterion("DISC-02", "DISC", 1),
])


def mini_form() -> Form:
    """The small test form, parsed and hashed by the real loader."""
    return parse_form(FORM_TOML, file="mini-trust/1.0.toml")


RATINGS = (
    Rating("MER-01", "fully"),
    Rating("MER-02", "fully"),
    Rating("DISC-01", "largely"),
    Rating("DISC-02", "n/a", "The merchant sells no subscriptions."),
)
SCOPE = Scope(home_market="CN", target_markets=frozenset({"CN"}), languages=frozenset({"zh"}),
              currencies=frozenset({"CNY"}), categories=frozenset({"general"}))
EVIDENCE = tuple(hashlib.sha256(f"evidence {i}".encode()).hexdigest() for i in range(5))


def issuer(valid_from: datetime = EPOCH) -> IssuerKey:
    """A fresh issuer key for the example body."""
    return generate_issuer_key(BODY_NAME, valid_from=valid_from, valid_years=5)


def payload(key: IssuerKey, *, no: str = "CB-2026-000123", form: Form | None = None,
            ratings: tuple[Rating, ...] = RATINGS, iat: datetime = ISSUED_AT,
            nbf: date = date(2026, 11, 24), exp: date = date(2027, 11, 23)) -> SealPayload:
    """A seal payload for the sample audit, graded for real."""
    form = form or mini_form()
    result = grade(form, ratings, SCOPE)
    return SealPayload(
        no=no,
        iss=SealIssuer(BODY_NAME, BODY_ID, key.kid),
        sub=SealSubject("上海示例贸易有限公司 Example Trading Co., Ltd.", "91310000MA1FL0XX0X",
                        "CN", ("https://shop.example.cn", "https://example.tmall.com")),
        sch=SealScheme(form.id, form.version, form.title.en, form.hash),
        res=SealResult.from_grade(result, ratings_hash=ratings_hash(ratings),
                                  scope_hash=canonical_hash(SCOPE.to_json())),
        aud=SealAudit("6f1c0a7e-3b1d-4c55-9e0b-5a1f2e3d4c5b", ("Li Wei", "Anna Schmidt"),
                      "Zhang Min", date(2026, 11, 20), evidence_root(EVIDENCE), len(EVIDENCE)),
        val=SealValidity(iat, nbf, exp),
    )


def detail(ratings: tuple[Rating, ...] = RATINGS) -> SealDetail:
    """The detail that goes with :func:`payload`."""
    return SealDetail(ratings, SCOPE, EVIDENCE)


@dataclass(frozen=True)
class Issued:
    """A signed seal and its ``.cbseal`` bytes."""

    seal: Seal
    file: bytes


def issue(key: IssuerKey, **kwargs: object) -> Issued:
    """Sign the sample payload (keyword arguments go to :func:`payload`)."""
    seal = sign_seal(payload(key, **kwargs), key)  # type: ignore[arg-type]
    return Issued(seal, seal_file_bytes(seal, detail()))


def trusted(key: IssuerKey, **changes: object) -> TrustedKey:
    """``key`` as a trust-file entry, active over its certificate's window."""
    entry = TrustedKey(key.kid, key.certificate, key.certificate.not_valid_before_utc,
                       key.certificate.not_valid_after_utc, KeyStatus.ACTIVE)
    return replace(entry, **changes)  # type: ignore[arg-type]


def trust_for(signer: IssuerKey, *entries: TrustedKey,
              issued_at: datetime = ISSUED_AT) -> TrustFile:
    """A signed, re-loaded trust file listing ``entries`` (default: the signer alone)."""
    listed = entries or (trusted(signer),)
    return load_trust(trust_file_bytes(BODY_NAME, BODY_ID, listed, signer, issued_at=issued_at))


def registry_with(key: IssuerKey, *issued: Issued,
                  at: datetime = ISSUED_AT + timedelta(hours=1)) -> Registry:
    """A registry listing ``issued`` seals, with one signed head."""
    reg = Registry(BODY_NAME, BODY_ID)
    for item in issued:
        p = item.seal.payload
        reg.append(RegistryEntry.issued(p.no, item.seal.seal_hash, p.sub.name, p.val.nbf,
                                        p.val.exp, at=p.val.iat))
    reg.sign_head(key, now=at)
    return reg


def certificate_view(item: Issued) -> object:
    """The certificate page for ``item`` (a :class:`certbench.certify.pdf.CertificateView`)."""
    from certbench.certify.pdf import CertificateView

    p = item.seal.payload
    return CertificateView(
        number=p.no, body_name=p.iss.name, body_address="1 Example Road, Shanghai",
        body_id=p.iss.id, merchant_name=p.sub.name, merchant_reg_no=p.sub.reg,
        merchant_country=p.sub.cc, merchant_address="88 Example Street, Shanghai",
        websites=p.sub.web, scheme_title_en="Mini Trust Checklist",
        scheme_title_zh="迷你可信检查表", form_id=p.sch.id, form_version=p.sch.ver,
        form_hash=p.sch.hash, grade=p.res.grade, score=p.res.score,
        domain_scores=tuple((d, d, d, s) for d, s in p.res.dom),
        decision_date=p.aud.done, issue_date=p.val.iat.date(), valid_from=p.val.nbf,
        valid_until=p.val.exp, signatory_name="Zhang Min", signatory_title="Head of certification",
        seal_hash=item.seal.seal_hash, seal_hash_short=item.seal.short_hash, jws=item.seal.jws,
        seal_file=item.file,
    )
