"""Offline verification of a certificate PDF, a ``.cbseal`` file or a scanned compact JWS.

:func:`verify` runs every check on its own (each passes, fails or is skipped with
a short reason) and folds the failures into one :class:`Verdict`. It never
touches the network and never raises on bad input: anything it cannot read is
MALFORMED.

Verdicts and exit codes (``certbench verify``), strongest first — when several
checks fail, the verdict is the first in this list::

    MALFORMED       16  the input is not a readable PDF, seal file or seal
    TAMPERED        10  a hash, signature, copy or recomputed grade disagrees
    UNKNOWN ISSUER  11  no trust file, key not listed, signed outside the key's
                        window or after its compromise, or the registry does not
                        list a seal it should
    REVOKED         15  the registry says revoked
    SUSPENDED       14  the registry says suspended
    EXPIRED         13  past the seal's last valid day (UTC), or the registry says expired
    NOT YET VALID   12  before the seal's first valid day, or issued after "now"
    VALID            0  every check passed or was skipped

A signature that verifies under a key the trust file does not list is UNKNOWN
ISSUER, never VALID; without a trust file nothing is VALID.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cryptography import x509

from certbench.canonical import sha256_hex
from certbench.certify.fileio import MAX_INPUT_BYTES
from certbench.certify.jws import canonical_plain, verify_jws
from certbench.certify.keys import format_time
from certbench.certify.merkle import evidence_root
from certbench.certify.registry import Registry, RegistryStatus
from certbench.certify.seal import (
    DecodedSeal,
    SealDetail,
    SealFileParts,
    SealPayload,
    SealResult,
    decode_seal,
    decode_seal_known,
    read_seal_file,
    read_seal_file_parts,
    short_hash,
)
from certbench.certify.trust import TrustFile
from certbench.domain import CertificateStatus, Form
from certbench.errors import CertbenchError, MalformedError

if TYPE_CHECKING:  # pdf.py pulls in reportlab and pyHanko lazily; only its types here
    from certbench.certify.pdf import PdfSignatureCheck

__all__ = [
    "EXIT_CODES",
    "PRECEDENCE",
    "TEXTS",
    "Check",
    "CheckStatus",
    "Verdict",
    "VerificationReport",
    "failed_input",
    "summary_text",
    "verify",
]


class Verdict(enum.StrEnum):
    """The one answer of a verification."""

    VALID = "VALID"
    TAMPERED = "TAMPERED"
    UNKNOWN_ISSUER = "UNKNOWN ISSUER"
    NOT_YET_VALID = "NOT YET VALID"
    EXPIRED = "EXPIRED"
    SUSPENDED = "SUSPENDED"
    REVOKED = "REVOKED"
    MALFORMED = "MALFORMED"


EXIT_CODES: dict[Verdict, int] = {
    Verdict.VALID: 0,
    Verdict.TAMPERED: 10,
    Verdict.UNKNOWN_ISSUER: 11,
    Verdict.NOT_YET_VALID: 12,
    Verdict.EXPIRED: 13,
    Verdict.SUSPENDED: 14,
    Verdict.REVOKED: 15,
    Verdict.MALFORMED: 16,
}
PRECEDENCE: tuple[Verdict, ...] = (
    Verdict.MALFORMED, Verdict.TAMPERED, Verdict.UNKNOWN_ISSUER, Verdict.REVOKED,
    Verdict.SUSPENDED, Verdict.EXPIRED, Verdict.NOT_YET_VALID, Verdict.VALID,
)


class CheckStatus(enum.StrEnum):
    """Outcome of one check."""

    PASS = "pass"  # noqa: S105 (a check outcome, not a password)
    FAIL = "fail"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    """One check: its name, outcome, a short reason, and the verdict it forces on failure."""

    name: str
    status: CheckStatus
    reason: str = ""
    verdict: Verdict | None = None
    """Set only when ``status`` is FAIL."""

    def to_json(self) -> dict[str, object]:
        """``{"name", "status", "reason"}`` (plus ``"verdict"`` on failure)."""
        out: dict[str, object] = {"name": self.name, "status": self.status.value,
                                  "reason": self.reason}
        if self.verdict is not None:
            out["verdict"] = self.verdict.value
        return out


# Checks are immutable, and most passes and skips read the same every time (or for every
# seal of one issuer): built once, not for every verification.
@functools.lru_cache(maxsize=256)
def _pass(name: str, reason: str = "") -> Check:
    return Check(name, CheckStatus.PASS, reason)


@functools.lru_cache(maxsize=256)
def _skip(name: str, reason: str) -> Check:
    return Check(name, CheckStatus.SKIPPED, reason)


def _fail(name: str, reason: str, verdict: Verdict) -> Check:
    return Check(name, CheckStatus.FAIL, reason, verdict)


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Everything :func:`verify` found."""

    verdict: Verdict
    checks: tuple[Check, ...]
    kind: str
    """``"pdf"``, ``"seal-file"``, ``"jws"`` or ``"unknown"``."""
    checked_at: datetime
    payload: SealPayload | None = None
    seal_hash: str = ""
    registry: RegistryStatus | None = None
    """Status as the registry states it (``None``: no registry consulted)."""
    trust_body: str = ""

    @property
    def exit_code(self) -> int:
        """The documented exit code of :attr:`verdict`."""
        return EXIT_CODES[self.verdict]

    @property
    def short_hash(self) -> str:
        """The seal hash in its read-aloud form (empty when unknown)."""
        return short_hash(self.seal_hash) if self.seal_hash else ""

    def check(self, name: str) -> Check:
        """The check called ``name``."""
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_json(self) -> dict[str, object]:
        """The whole report as JSON-ready data."""
        reg = self.registry
        return {
            "verdict": self.verdict.value,
            "exit_code": self.exit_code,
            "kind": self.kind,
            "checked_at": format_time(self.checked_at),
            "seal_hash": self.seal_hash,
            "short_hash": self.short_hash,
            "checks": [c.to_json() for c in self.checks],
            "payload": self.payload.to_json() if self.payload is not None else None,
            "registry": None if reg is None else {
                "status": reg.status.value if reg.status is not None else "not listed",
                "as_of": format_time(reg.as_of) if reg.as_of is not None else None,
                "reason": reg.reason,
                "changed_at": format_time(reg.changed_at) if reg.changed_at else None,
            },
        }

    def summary(self, lang: str = "en") -> str:
        """Plain-language summary in English (``"en"``) or Chinese (``"zh"``)."""
        return summary_text(self, lang)


def _fold(checks: Sequence[Check]) -> Verdict:
    failed = {c.verdict for c in checks if c.status is CheckStatus.FAIL and c.verdict}
    return next((v for v in PRECEDENCE if v in failed), Verdict.VALID)


def failed_input(name: str, reason: str, *, now: datetime,
                 verdict: Verdict = Verdict.MALFORMED) -> VerificationReport:
    """A report for an input that could not even be read (a broken --trust file...)."""
    check = _fail(name, reason, verdict)
    return VerificationReport(verdict, (check,), "unknown", now)


# --- reading the input ---------------------------------------------------------------

@dataclass(slots=True)
class _Work:
    """What the checks have found so far."""

    kind: str = "unknown"
    checks: list[Check] = field(default_factory=list)
    seal: DecodedSeal | None = None
    detail: SealDetail | None = None
    parts: SealFileParts | None = None
    """Canonical bytes of the seal file's members (``None`` without a seal file)."""
    pdf_cert_der: bytes | None = None


def _as_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        if len(data) > MAX_INPUT_BYTES:
            raise MalformedError("input is larger than 10 MiB")
        return data.encode("utf-8", "surrogatepass")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MalformedError("input is neither bytes nor text")
    return bytes(data)


def _read_pdf(data: bytes, work: _Work) -> bytes | str:
    from certbench.certify import pdf

    work.kind = "pdf"
    try:
        contents = pdf.read_certificate_pdf(data)
    except MalformedError:
        raise
    except Exception as exc:  # a hostile PDF must end as MALFORMED, whatever the parser did
        raise MalformedError(f"unreadable PDF: {type(exc).__name__}") from exc
    work.checks.append(_pdf_signature_check(contents.signature))
    work.pdf_cert_der = contents.signature.signer_cert_der
    if contents.seal_file is None and contents.qr_text is None:
        raise MalformedError("the PDF carries no seal (neither attachment nor QR text)")
    if contents.seal_file is None:
        work.checks.append(_fail("pdf_seal", "the PDF has no embedded seal file",
                                 Verdict.TAMPERED))
        return contents.qr_text or ""
    try:
        embedded = read_seal_file(contents.seal_file).jws
    except MalformedError as exc:
        raise MalformedError(f"embedded seal file: {exc.message}") from exc
    if contents.qr_text is None:
        work.checks.append(_fail("pdf_seal", "the PDF has no QR seal text", Verdict.TAMPERED))
    elif contents.qr_text.strip() != embedded:
        work.checks.append(_fail("pdf_seal", "the QR seal and the embedded seal differ",
                                 Verdict.TAMPERED))
    else:
        work.checks.append(_pass("pdf_seal", "QR seal and embedded seal are identical"))
    return contents.seal_file


def _pdf_signature_check(sig: PdfSignatureCheck) -> Check:
    if not sig.present:
        return _fail("pdf_signature", sig.problem or "the PDF is not signed", Verdict.TAMPERED)
    if not (sig.intact and sig.valid and sig.covers_whole_file):
        return _fail("pdf_signature", sig.problem or "the PDF signature does not hold",
                     Verdict.TAMPERED)
    return _pass("pdf_signature", "signed, intact, covers the whole file")


def _read_seal_file(data: bytes, work: _Work) -> None:
    if work.kind == "unknown":
        work.kind = "seal-file"
    sealfile, parts = read_seal_file_parts(data)
    # The file's payload member was just proven canonical: when the JWS carries the same
    # bytes, they are not parsed and re-serialised again (and the two copies agree).
    work.seal = decode_seal_known(sealfile.jws, parts.payload, sealfile.payload)
    work.detail = sealfile.detail
    work.parts = parts
    work.checks.append(_pass("format", f"{work.kind}: well-formed seal v1"))
    problems = []
    if sealfile.seal_hash != work.seal.seal_hash:
        problems.append("the seal hash written in the file is not the hash of the signed payload")
    if parts.payload != work.seal.jws.payload:
        problems.append("the payload shown in the file differs from the signed payload")
    if problems:
        work.checks.append(_fail("integrity", "; ".join(problems), Verdict.TAMPERED))
    else:
        work.checks.append(_pass("integrity", "file hash and payload match the signed seal"))


def _read_input(data: bytes | str, work: _Work) -> None:
    raw = _as_bytes(data)
    if len(raw) > MAX_INPUT_BYTES:
        raise MalformedError("input is larger than 10 MiB")
    if not raw.strip():
        raise MalformedError("input is empty")
    if raw.lstrip()[:5] == b"%PDF-":
        inner = _read_pdf(raw, work)
        if isinstance(inner, str):
            work.seal = decode_seal(inner)
            work.checks.append(_pass("format", "pdf: well-formed seal v1 (QR text only)"))
            work.checks.append(_skip("integrity", "no seal file to compare"))
            return
        raw = inner
    text = raw.strip()
    if text[:1] == b"{":
        _read_seal_file(raw, work)  # not stripped: a seal file has exactly one spelling
        return
    work.kind = "jws"
    try:
        jws_text = text.decode("ascii")
    except UnicodeDecodeError as exc:
        raise MalformedError("neither a PDF, a seal file nor a compact JWS") from exc
    work.seal = decode_seal("".join(jws_text.split()))
    work.checks.append(_pass("format", "jws: well-formed seal v1"))
    work.checks.append(_skip("integrity", "a bare JWS carries nothing else to compare"))


# --- the checks ----------------------------------------------------------------------

def _issuer_checks(seal: DecodedSeal, trust: TrustFile | None,
                   pdf_cert_der: bytes | None, kind: str) -> list[Check]:
    if trust is None:
        return [_skip("signature", "no trust file: the signature cannot be checked"),
                _fail("issuer", "no trust file: the issuer cannot be confirmed",
                      Verdict.UNKNOWN_ISSUER)]
    payload = seal.payload
    key, problem = trust.check(seal.jws.kid, payload.val.iat)
    if key is None:
        return [_skip("signature", "the signing key is not in the trust file"),
                _fail("issuer", problem, Verdict.UNKNOWN_ISSUER)]
    checks = []
    if verify_jws(seal.jws, key.public_key):
        checks.append(_pass("signature", f"ES256 signature verifies under key {key.kid[:16]}"))
    else:
        checks.append(_fail("signature", "the signature does not verify under the issuer key",
                            Verdict.TAMPERED))
    if payload.iss.id != trust.body_id:
        checks.append(_fail("issuer", f"the seal names issuer {payload.iss.id!r}, the trust "
                            f"file is for {trust.body_id!r}", Verdict.UNKNOWN_ISSUER))
    elif problem:
        checks.append(_fail("issuer", problem, Verdict.UNKNOWN_ISSUER))
    else:
        checks.append(_pass("issuer", f"{trust.body_name}: key valid at signing time"))
    if kind == "pdf" and pdf_cert_der is not None:
        checks.append(_pdf_signer_check(pdf_cert_der, key.certificate))
    return checks


def _pdf_signer_check(cert_der: bytes, expected: x509.Certificate) -> Check:
    from cryptography.hazmat.primitives import serialization

    der = expected.public_bytes(serialization.Encoding.DER)
    if cert_der == der:
        return _pass("pdf_signer", "the PDF is signed with the issuer's certificate")
    return _fail("pdf_signer", "the PDF is signed by someone other than the seal's issuer",
                 Verdict.TAMPERED)


def _detail_check(payload: SealPayload, detail: SealDetail | None,
                  parts: SealFileParts | None) -> Check:
    if detail is None:
        return _skip("detail", "no ratings, scope and evidence at hand")
    wrong = []
    if not _hashes_to(payload.res.rh, parts.ratings if parts else None,
                      lambda: _ratings_bytes(detail)):
        wrong.append("ratings")
    if not _hashes_to(payload.res.sh, parts.scope if parts else None,
                      lambda: canonical_plain(detail.scope.to_json())):
        wrong.append("scope")
    if evidence_root(detail.evidence) != payload.aud.er or len(detail.evidence) != payload.aud.en:
        wrong.append("evidence list")
    if wrong:
        return _fail("detail", f"{', '.join(wrong)} in the file do not match the sealed hashes",
                     Verdict.TAMPERED)
    return _pass("detail", "ratings, scope and evidence match the sealed hashes")


def _ratings_bytes(detail: SealDetail) -> bytes:
    from certbench.grading import ratings_to_json

    return canonical_plain(ratings_to_json(detail.ratings))


def _hashes_to(sealed: str, as_filed: bytes | None, rebuilt: Callable[[], bytes]) -> bool:
    """Whether the detail member hashes to the ``sealed`` value.

    The definitions are grading.ratings_hash and canonical_hash(scope.to_json()): the hash
    of the canonical bytes of the member *re-serialised from what was read* (ratings
    sorted, scope lists sorted; both plain JSON, so the fast serialiser is exact).
    ``as_filed`` — the member's canonical bytes as they stand in the seal file — answers
    first: bytes hashing to the sealed value are (SHA-256 being collision resistant) the
    canonical bytes the issuer hashed, which read and re-serialise to themselves. Only
    when they do not match is the member re-serialised, so that a file which lists the
    same ratings or scope in another order is judged exactly as before.
    """
    if as_filed is not None and sha256_hex(as_filed) == sealed:
        return True
    return sha256_hex(rebuilt()) == sealed


def _grade_check(payload: SealPayload, detail: SealDetail | None, form: Form | None) -> Check:
    if form is None:
        return _skip("grade", "no form given: the grade was not recomputed")
    if detail is None:
        return _skip("grade", "no ratings at hand (only a .cbseal file or PDF carries them)")
    if (form.id, form.version) != (payload.sch.id, payload.sch.ver):
        return _skip("grade", f"the form given is {form.ref}, the seal names "
                              f"{payload.sch.id}@{payload.sch.ver}")
    if form.hash != payload.sch.hash:
        return _fail("grade", "the form's hash differs from the sealed one", Verdict.TAMPERED)
    from certbench.grading import grade

    try:
        result = SealResult.from_grade(grade(form, detail.ratings, detail.scope),
                                       ratings_hash=payload.res.rh, scope_hash=payload.res.sh)
    except CertbenchError as exc:
        return _fail("grade", f"the ratings do not grade as sealed: {exc.message}",
                     Verdict.TAMPERED)
    if result != payload.res:
        return _fail("grade", f"recomputed grade {result.grade} ({result.score}) differs from "
                              f"the sealed {payload.res.grade} ({payload.res.score})",
                     Verdict.TAMPERED)
    return _pass("grade", f"recomputed: {result.grade} ({result.score})")


_STATUS_VERDICT = {
    CertificateStatus.SUSPENDED: Verdict.SUSPENDED,
    CertificateStatus.REVOKED: Verdict.REVOKED,
    CertificateStatus.EXPIRED: Verdict.EXPIRED,
}


def _status_check(seal: DecodedSeal, registry: Registry | None,
                  trust: TrustFile | None) -> tuple[Check, RegistryStatus | None]:
    if registry is None:
        return _skip("status", "no registry: status not checked"), None
    if trust is None:
        return _skip("status", "no trust file: the registry cannot be authenticated"), None
    broken = next((c for c in registry.verify(trust) if not c.ok), None)
    if broken is not None:
        return _fail("status", f"the registry fails its own check ({broken.name}: "
                               f"{broken.detail})", Verdict.TAMPERED), None
    found = registry.status_of(seal_hash=seal.seal_hash)
    as_of = format_time(found.as_of) if found.as_of else "?"
    if found.status is None:
        if found.as_of is not None and seal.payload.val.iat > found.as_of:
            return _skip("status", f"issued after the registry's last head ({as_of})"), found
        return _fail("status", f"the registry (as of {as_of}) does not list this seal",
                     Verdict.UNKNOWN_ISSUER), found
    verdict = _STATUS_VERDICT.get(found.status)
    if verdict is None:
        return _pass("status", f"valid as of {as_of}"), found
    why = f": {found.reason}" if found.reason else ""
    return _fail("status", f"{found.status.value} as of {as_of}{why}", verdict), found


def _dates_check(payload: SealPayload, now: datetime) -> Check:
    today = now.astimezone(UTC).date()
    val = payload.val
    if val.iat > now:
        return _fail("dates", f"issued at {format_time(val.iat)}, after the time checked",
                     Verdict.NOT_YET_VALID)
    if today < val.nbf:
        return _fail("dates", f"valid only from {val.nbf.isoformat()}", Verdict.NOT_YET_VALID)
    if today > val.exp:
        return _fail("dates", f"expired after {val.exp.isoformat()}", Verdict.EXPIRED)
    return _pass("dates", f"valid {val.nbf.isoformat()} to {val.exp.isoformat()} (UTC)")


def verify(data: bytes | str, *, trust: TrustFile | None = None,
           registry: Registry | None = None, form: Form | None = None,
           now: datetime | None = None) -> VerificationReport:
    """Verify a certificate PDF (bytes starting ``%PDF-``), a ``.cbseal`` file, or a compact JWS.

    :param trust: the issuer's trust file; without one the verdict is at best UNKNOWN ISSUER.
    :param registry: the issuer's registry, for the certificate's status.
    :param form: the form the seal names, to recompute the grade from the seal file's detail.
    :param now: the moment to check validity for (default: the current time; naive means UTC).
    """
    moment = now or datetime.now(UTC)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    work = _Work()
    try:
        _read_input(data, work)
    except MalformedError as exc:
        return _malformed(work, exc.message, moment)
    except (ValueError, TypeError, UnicodeError, RecursionError, OverflowError) as exc:
        return _malformed(work, f"unreadable input ({type(exc).__name__})", moment)
    seal = work.seal
    assert seal is not None  # _read_input sets it or raises
    checks = list(work.checks)
    checks += _issuer_checks(seal, trust, work.pdf_cert_der, work.kind)
    checks.append(_detail_check(seal.payload, work.detail, work.parts))
    checks.append(_grade_check(seal.payload, work.detail, form))
    status, found = _status_check(seal, registry, trust)
    checks.append(status)
    checks.append(_dates_check(seal.payload, moment))
    return VerificationReport(_fold(checks), tuple(checks), work.kind, moment, seal.payload,
                              seal.seal_hash, found, trust.body_name if trust else "")


def _malformed(work: _Work, reason: str, moment: datetime) -> VerificationReport:
    checks = [*work.checks, _fail("format", reason, Verdict.MALFORMED)]
    return VerificationReport(Verdict.MALFORMED, tuple(checks), work.kind, moment)


# --- plain-language summary ----------------------------------------------------------

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Verdict: {verdict}",
        "number": "Certificate {no}, issued by {issuer} on {iat}.",
        "subject": "Certified: {name} (registration no. {reg}, country {cc}).",
        "websites": "For these websites and shops: {web}.",
        "scheme": "Checked against: {title} ({id}, version {ver}).",
        "grade": "Grade: {grade} (score {score} of 100).",
        "validity": "Valid from {nbf} through {exp} (UTC).",
        "status": "Registry status: {status} as of {as_of}.",
        "status_none": "Registry status: not checked (no registry given).",
        "status_unlisted": "Registry status: not listed as of {as_of}.",
        "hash": "Seal hash: {hash}\nRead aloud: {short}",
        "checks": "Checks:",
        "no_seal": "No seal could be read from the input.",
        "VALID": "The seal is genuine, unchanged and in force.",
        "TAMPERED": "Something was changed after the issuer signed it. Do not rely on it.",
        "UNKNOWN ISSUER": "The seal cannot be traced to a key the certification body vouches "
                          "for. Do not rely on it.",
        "NOT YET VALID": "The certificate is genuine but not yet in force.",
        "EXPIRED": "The certificate is genuine but has expired.",
        "SUSPENDED": "The certification body has suspended this certificate.",
        "REVOKED": "The certification body has revoked this certificate.",
        "MALFORMED": "This is not a readable certbench certificate, seal file or seal code.",
        "advice": "If something is wrong: compare the seal hash with the one printed on the "
                  "certificate, get the latest trust file and registry from the certification "
                  "body, and report doubts to the body quoting the certificate number and the "
                  "read-aloud hash.",
    },
    "zh": {
        "title": "结论：{verdict}",
        "number": "证书编号 {no}，由 {issuer} 于 {iat} 签发。",
        "subject": "获证主体：{name}（注册号 {reg}，国家/地区 {cc}）。",
        "websites": "覆盖的网站与店铺：{web}。",
        "scheme": "认证依据：{title}（{id}，版本 {ver}）。",
        "grade": "等级：{grade}（得分 {score}，满分 100）。",
        "validity": "有效期：{nbf} 至 {exp}（UTC，含当日）。",
        "status": "登记状态：截至 {as_of} 为 {status}。",
        "status_none": "登记状态：未核查（未提供登记册）。",
        "status_unlisted": "登记状态：截至 {as_of}，登记册中没有此证书。",
        "hash": "印章哈希：{hash}\n口述核对码：{short}",
        "checks": "各项检查：",
        "no_seal": "无法从输入中读取印章。",
        "VALID": "印章真实、未被改动，证书有效。",
        "TAMPERED": "签发后内容被改动，请勿采信。",
        "UNKNOWN ISSUER": "无法确认印章出自认证机构认可的密钥，请勿采信。",
        "NOT YET VALID": "证书真实，但尚未生效。",
        "EXPIRED": "证书真实，但已过期。",
        "SUSPENDED": "认证机构已暂停此证书。",
        "REVOKED": "认证机构已撤销此证书。",
        "MALFORMED": "这不是可读取的 certbench 证书、印章文件或印章码。",
        "advice": "如有疑问：请将印章哈希与证书上印制的哈希核对，向认证机构索取最新的信任文件"
                  "和登记册，并凭证书编号和口述核对码向认证机构反映。",
    },
}
_VERDICT_ZH = {
    Verdict.VALID: "有效", Verdict.TAMPERED: "已被篡改", Verdict.UNKNOWN_ISSUER: "签发者未知",
    Verdict.NOT_YET_VALID: "尚未生效", Verdict.EXPIRED: "已过期", Verdict.SUSPENDED: "已暂停",
    Verdict.REVOKED: "已撤销", Verdict.MALFORMED: "格式错误",
}
_STATUS_ZH = {"valid": "有效", "suspended": "暂停", "revoked": "撤销", "expired": "过期"}
_CHECK_ZH = {"pass": "通过", "fail": "未通过", "skipped": "跳过"}


def _status_line(report: VerificationReport, t: dict[str, str], lang: str) -> str:
    reg = report.registry
    if reg is None:
        return t["status_none"]
    as_of = format_time(reg.as_of) if reg.as_of else "?"
    if reg.status is None:
        return t["status_unlisted"].format(as_of=as_of)
    status = reg.status.value
    status = _STATUS_ZH.get(status, status) if lang == "zh" else status
    if reg.reason:
        status = f"{status} ({reg.reason})"
    return t["status"].format(status=status, as_of=as_of)


def _payload_lines(p: SealPayload, t: dict[str, str]) -> list[str]:
    return [
        t["number"].format(no=p.no, issuer=p.iss.name, iat=format_time(p.val.iat)),
        t["subject"].format(name=p.sub.name, reg=p.sub.reg or "-", cc=p.sub.cc),
        t["websites"].format(web=", ".join(p.sub.web) or "-"),
        t["scheme"].format(title=p.sch.title, id=p.sch.id, ver=p.sch.ver),
        t["grade"].format(grade=p.res.grade, score=p.res.score),
        t["validity"].format(nbf=p.val.nbf.isoformat(), exp=p.val.exp.isoformat()),
    ]


def summary_text(report: VerificationReport, lang: str = "en") -> str:
    """The report in plain words, in English (``"en"``) or Simplified Chinese (``"zh"``)."""
    lang = lang if lang in TEXTS else "en"
    t = TEXTS[lang]
    verdict = report.verdict.value
    if lang == "zh":
        verdict = f"{_VERDICT_ZH[report.verdict]} ({verdict})"
    lines = [t["title"].format(verdict=verdict), t[report.verdict.value], ""]
    if report.payload is None:
        lines.append(t["no_seal"])
    else:
        lines += _payload_lines(report.payload, t)
        lines.append(_status_line(report, t, lang))
        lines.append(t["hash"].format(hash=report.seal_hash, short=report.short_hash))
    lines += ["", t["checks"]]
    for c in report.checks:
        mark = _CHECK_ZH[c.status.value] if lang == "zh" else c.status.value
        lines.append(f"  [{mark}] {c.name}: {c.reason}")
    if report.verdict is not Verdict.VALID:
        lines += ["", t["advice"]]
    return "\n".join(lines)
