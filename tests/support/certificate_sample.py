"""A realistic certificate for PDF tests and benchmarks, built without the seal module.

A P-256 key with a self-signed issuer certificate (CA, digitalSignature,
nonRepudiation, keyCertSign), an ES256 compact JWS over a seal-v1-shaped
payload with 13 domain scores, its seal file, and the page's
:class:`~certbench.certify.pdf.CertificateView`. Everything is real: the JWS
verifies under the key, the certificate is what a PDF signer would hold.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from certbench.certify.pdf import CertificateView

__all__ = ["DOMAINS", "issuer_key", "sample_jws", "sample_payload", "sample_view"]

DOMAINS = (
    ("MER", "Merchant identity, legitimacy & legal compliance", "商户身份、合法性与合规"),
    ("DISC", "Information disclosure & transparency", "信息披露与透明度"),
    ("PQA", "Product quality assurance", "产品质量保证"),
    ("PAY", "Transaction & payment security", "交易与支付安全"),
    ("PRIV", "Privacy & data protection", "隐私与数据保护"),
    ("LOG", "Logistics & delivery", "物流与配送"),
    ("ASR", "After-sales, returns, refunds & warranty", "售后、退换货、退款与保修"),
    ("CMP", "Complaint & dispute handling", "投诉与争议处理"),
    ("REV", "Review / rating & reputation integrity", "评价与信誉真实性"),
    ("CS", "Customer-service responsiveness", "客户服务响应"),
    ("XB", "Cross-border specifics", "跨境专项"),
    ("TPC", "Third-party certification & trust marks", "第三方认证与信任标志"),
    ("GOV", "Governance, risk management & improvement", "治理、风险管理与持续改进"),
)
SCORES = ("100.00", "88.89", "91.67", "95.00", "87.50", "100.00", "85.71", "90.00", "75.00",
          "93.33", "80.00", "100.00", "87.50")


def b64u(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def issuer_key() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A P-256 key and a self-signed issuer certificate (CA, digitalSignature, nonRepudiation)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Certification Body"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Certification Body")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def sample_payload(kid: str) -> dict[str, object]:
    """A seal payload shaped like seal v1, with 13 domain scores."""
    return {
        "v": 1, "no": "CB-2026-000123",
        "iss": {"name": "Example Certification Body", "id": "ecb", "kid": kid},
        "sub": {"name": "上海示例电子商务有限公司", "reg": "91310000MA1FL0XX3K", "cc": "CN",
                "web": ["https://shop.example.cn", "https://example.tmall.com"]},
        "sch": {"id": "ecommerce-trust", "ver": "1.0",
                "title": "E-commerce Trust Certification Checklist",
                "hash": hashlib.sha256(b"form").hexdigest()},
        "res": {"grade": "A", "score": "90.35",
                "dom": {d[0]: s for d, s in zip(DOMAINS, SCORES, strict=True)},
                "rh": hashlib.sha256(b"ratings").hexdigest(),
                "sh": hashlib.sha256(b"scope").hexdigest()},
        "aud": {"id": "0b6f1f3e-5a2d-4c1e-9b7a-2f7d8e9c0a11", "by": ["Li Wei", "Anna Schmidt"],
                "rev": "Zhang Min", "done": "2026-11-20",
                "er": hashlib.sha256(b"evidence").hexdigest(), "en": 12},
        "val": {"iat": "2026-11-24T10:00:00Z", "nbf": "2026-11-24", "exp": "2027-11-23"},
    }


def sample_jws(key: ec.EllipticCurvePrivateKey, payload: dict[str, object]) -> str:
    """An ES256 compact JWS over the (sorted, compact) JSON payload."""
    header = json.dumps({"alg": "ES256", "kid": payload["iss"]["kid"],  # type: ignore[index]
                         "typ": "cbseal+jws"}, separators=(",", ":"), sort_keys=True)
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    signing_input = f"{b64u(header.encode())}.{b64u(body.encode())}"
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{b64u(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def sample_view(key: ec.EllipticCurvePrivateKey, *, number: str = "CB-2026-000123",
                websites: tuple[str, ...] = ("https://shop.example.cn",
                                             "https://example.tmall.com")) -> CertificateView:
    """A realistic certificate view with a real JWS and seal file."""
    spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    payload = sample_payload(b64u(hashlib.sha256(spki).digest()))
    jws = sample_jws(key, payload)
    body = base64.urlsafe_b64decode(jws.split(".")[1] + "==")
    seal_hash = hashlib.sha256(body).hexdigest()
    short = "-".join(seal_hash[i:i + 4] for i in range(0, 20, 4)).upper()
    seal_file = json.dumps({"format": "certbench-seal", "version": 1, "jws": jws,
                            "seal_hash": seal_hash, "payload": payload}, ensure_ascii=False,
                           indent=2).encode()
    return CertificateView(
        number=number, body_name="Example Certification Body",
        body_address="Room 1203, 88 Century Avenue, Pudong New Area, Shanghai 200120, China",
        body_id="ecb", merchant_name="上海示例电子商务有限公司",
        merchant_reg_no="91310000MA1FL0XX3K", merchant_country="CN",
        merchant_address="上海市浦东新区世纪大道100号 20层 (20F, 100 Century Avenue, Shanghai)",
        websites=websites,
        scheme_title_en="E-commerce Trust Certification Checklist",
        scheme_title_zh="电子商务可信认证检查表", form_id="ecommerce-trust", form_version="1.0",
        form_hash=hashlib.sha256(b"form").hexdigest(), grade="A", score="90.35",
        domain_scores=tuple((d[0], d[1], d[2], s) for d, s in zip(DOMAINS, SCORES, strict=True)),
        decision_date=date(2026, 11, 23), issue_date=date(2026, 11, 24),
        valid_from=date(2026, 11, 24), valid_until=date(2027, 11, 23),
        signatory_name="Dr. Chen Hui 陈慧", signatory_title="Head of Certification / 认证负责人",
        seal_hash=seal_hash, seal_hash_short=short, jws=jws, seal_file=seal_file,
    )
