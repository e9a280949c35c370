"""The end-to-end demo: a fresh body, three merchants, three audits, two certificates.

:func:`run_demo` builds everything inside one folder (never the user's own
database): a SQLite database, keys, vault, published trust file and registry,
and the certificates. It runs the whole job through the same services the CLI
uses (four-eyes signatures included):

* 上海示例电子商务有限公司 (CN): every criterion fully met: grade A;
* Nordlicht Versand GmbH (DE): a few gaps: a lower grade;
* 深圳快购科技有限公司 (CN): a critical payment-security criterion only partly
  met: not certifiable, and issuing is refused.

Then it verifies each certificate PDF offline with :mod:`certbench.certify.verify`.
The demo passphrases are printed: this is sample data, not a real body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from certbench.domain import BusinessModel, Form, Rating, Scope
from certbench.errors import WorkflowError

if TYPE_CHECKING:
    from certbench.certify.keys import IssuerKey
    from certbench.services.bodies import Actor
    from certbench.storage import Database

__all__ = ["DEMO_PASSPHRASES", "DemoAudit", "DemoResult", "run_demo"]

DEMO_PASSPHRASES = {"chen.hui": "demo-chen-hui", "li.wei": "demo-li-wei",
                    "anna.schmidt": "demo-anna-schmidt", "zhang.min": "demo-zhang-min"}
"""The demo users' passphrases (the issuer key uses chen.hui's)."""
_FORM = "ecommerce-trust@1.0"


@dataclass(frozen=True, slots=True)
class DemoAudit:
    """One demo audit and what became of it."""

    merchant: str
    audit_id: str
    grade: str | None
    score: str | None
    certifiable: bool
    number: str | None = None
    pdf: Path | None = None
    seal_file: Path | None = None
    seal_hash: str = ""
    short_hash: str = ""
    verdict: str = ""
    refusal: str = ""


@dataclass(frozen=True, slots=True)
class DemoResult:
    """Everything the demo made."""

    folder: Path
    database: str
    """The SQLite file, or the URL (password hidden) of the database the demo was asked to use."""
    trust: Path
    registry: Path
    audits: tuple[DemoAudit, ...]

    def summary(self) -> str:
        """A readable report of the run."""
        lines = [f"certbench demo in {self.folder}", f"  database   {self.database}",
                 f"  trust file {self.trust}", f"  registry   {self.registry}", ""]
        for a in self.audits:
            grade = (f"grade {a.grade} ({a.score})" if a.certifiable
                     else f"not certifiable (score {a.score})")
            lines.append(f"{a.merchant}: {grade}")
            if a.number:
                lines += [f"  certificate {a.number}  ->  verify: {a.verdict}",
                          f"  seal        {a.short_hash}  {a.seal_hash}",
                          f"  pdf         {a.pdf}", f"  seal file   {a.seal_file}"]
            else:
                lines.append(f"  not certifiable; issuing refused: {a.refusal}")
        lines += ["", "Users and passphrases (demo only): "
                  + ", ".join(f"{u}={p}" for u, p in DEMO_PASSPHRASES.items()),
                  f"Try: certbench verify {self.audits[0].pdf} --trust {self.trust} "
                  f"--registry {self.registry}"]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Merchant:
    name: str
    reg: str
    country: str
    websites: tuple[str, ...]
    address: str
    scope: Scope
    assessor: str


_MERCHANTS = (
    _Merchant("上海示例电子商务有限公司", "91310000MA1FL0XX3K", "CN",
              ("https://shop.example.cn", "https://example.tmall.com"),
              "上海市浦东新区世纪大道100号 20层 (20F, 100 Century Avenue, Shanghai)",
              Scope(business_models=frozenset({BusinessModel.B2C}), home_market="CN",
                    target_markets=frozenset({"CN"}), languages=frozenset({"zh-CN"}),
                    currencies=frozenset({"CNY"})), "li.wei"),
    _Merchant("Nordlicht Versand GmbH", "HRB 123456 B", "DE",
              ("https://www.nordlicht-versand.de",),
              "Friedrichstraße 68, 10117 Berlin, Germany",
              Scope(business_models=frozenset({BusinessModel.B2C}), home_market="DE",
                    target_markets=frozenset({"DE", "AT", "CH", "NL"}),
                    languages=frozenset({"de", "en", "nl"}),
                    currencies=frozenset({"EUR", "CHF"})), "anna.schmidt"),
    _Merchant("深圳快购科技有限公司", "91440300MA5G8K2Q7D", "CN", ("https://www.kuaigou.example",),
              "深圳市南山区科技园南区 (Nanshan Science Park, Shenzhen)",
              Scope(business_models=frozenset({BusinessModel.B2C}), home_market="CN",
                    target_markets=frozenset({"CN"}), languages=frozenset({"zh-CN"}),
                    currencies=frozenset({"CNY"})), "li.wei"),
)


def _ratings_for_grade(form: Form, scope: Scope, target: str | None) -> dict[str, str]:
    """All applicable criteria fully met, then gaps until the grade is ``target``.

    ``None`` makes the audit fail a critical criterion instead.
    """
    from certbench.grading import grade

    applicable = [c for c in form.criteria if c.applies(scope)]
    ratings = {c.id: "fully" for c in applicable}
    if target is None:
        critical = next(c for c in applicable if c.is_critical(scope) and c.domain == "PAY")
        ratings[critical.id] = "partially"
        return ratings
    for criterion in (c for c in applicable if not c.is_critical(scope)):
        result = grade(form, [Rating(k, v) for k, v in ratings.items()], scope)
        if result.grade == target:
            break
        ratings[criterion.id] = "largely"
    return ratings


def _evidence_files(folder: Path, merchant: _Merchant) -> list[tuple[str, Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    site = merchant.websites[0]
    items = [("MER-01", "business-licence.txt", f"Business licence of {merchant.name}\n"
              f"Registration number: {merchant.reg}\n", f"{site}/licence"),
             ("PRIV-01", "privacy-policy.html",
              f"<html><body><h1>Privacy policy</h1><p>{merchant.name}</p></body></html>\n",
              f"{site}/privacy")]
    out = []
    for criterion, name, text, url in items:
        path = folder / f"{merchant.reg.replace(' ', '_')}-{name}"
        path.write_text(text, encoding="utf-8")
        out.append((criterion, path, url))
    return out


def _sample_instants() -> dict[str, str]:
    ordered = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    return {"ordered": ordered.isoformat(), "paid": (ordered + timedelta(minutes=5)).isoformat(),
            "shipped": (ordered + timedelta(hours=20)).isoformat(),
            "delivered": (ordered + timedelta(days=2)).isoformat()}


def run_demo(folder: Path, *, progress: Callable[[str], None] = lambda _m: None,
             database_url: str | None = None) -> DemoResult:
    """Build the demo body in ``folder`` and run three audits to the end (see module doc).

    The database is ``folder/demo.sqlite3`` unless ``database_url`` names another
    (empty) one, e.g. a PostgreSQL database.
    """
    from certbench import workflow as wf
    from certbench.checklists import find_form
    from certbench.storage import Role, open_database

    folder = folder.expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "demo.sqlite3"
    if db_path.exists() or (folder / "home").exists():
        raise WorkflowError(f"{folder} already holds a demo; give an empty folder")
    db = open_database(database_url or str(db_path))
    database = str(db_path) if database_url is None else db.url
    paths = wf.BodyPaths.under(folder / "home")
    pw = DEMO_PASSPHRASES
    try:
        progress("creating the certification body, its issuer key and users")
        wf.init_body(db, name="Example Certification Body", code="ecb", admin_name="chen.hui",
                     admin_passphrase=pw["chen.hui"], admin_display_name="Dr. Chen Hui 陈慧",
                     address="Room 1203, 88 Century Avenue, Pudong New Area, Shanghai 200120",
                     paths=paths)
        with db.session() as s:
            admin = wf.authenticate(s, "chen.hui", pw["chen.hui"])
            wf.add_user(s, admin, "li.wei", [Role.ASSESSOR], pw["li.wei"],
                        display_name="Li Wei 李伟")
            wf.add_user(s, admin, "anna.schmidt", [Role.ASSESSOR], pw["anna.schmidt"],
                        display_name="Anna Schmidt")
            wf.add_user(s, admin, "zhang.min", [Role.REVIEWER], pw["zhang.min"],
                        display_name="Zhang Min 张敏")
        form = find_form(_FORM)
        targets: tuple[str | None, ...] = ("A", "B", None)
        audits = []
        with db.session() as s:
            key = wf.load_issuer_key(s, pw["chen.hui"])
        for merchant, target in zip(_MERCHANTS, targets, strict=True):
            progress(f"auditing {merchant.name}")
            audits.append(_one_audit(db, merchant, form, target, folder=folder, key=key,
                                     admin=admin))
        trust = folder / "trust.json"
        registry = folder / "registry.json"
        trust.write_bytes(paths.trust_path.read_bytes())
        registry.write_bytes(paths.registry_path.read_bytes())
        progress("verifying the certificates offline")
        checked = tuple(_verified(a, trust, registry, form) for a in audits)
    finally:
        db.dispose()
    return DemoResult(folder, database, trust, registry, checked)


def _one_audit(db: Database, merchant: _Merchant, form: Form, target: str | None, *,
               folder: Path, key: IssuerKey, admin: Actor) -> DemoAudit:
    from certbench import workflow as wf
    from certbench.evidence import Vault
    from certbench.storage import SampleKind

    pw = DEMO_PASSPHRASES
    with db.session() as s:
        assessor = wf.authenticate(s, merchant.assessor, pw[merchant.assessor])
        m = wf.add_merchant(s, assessor, legal_name=merchant.name,
                            registration_number=merchant.reg, country=merchant.country,
                            websites=merchant.websites, address=merchant.address)
        audit = wf.open_audit(s, assessor, m.id, _FORM, scope=merchant.scope)
        audit_id = audit.id
        for criterion, value in _ratings_for_grade(form, merchant.scope, target).items():
            wf.rate(s, assessor, audit_id, criterion, value)
        vault = Vault(wf.body_paths(wf.get_body(s)).vault_dir)
        for criterion, path, url in _evidence_files(folder / "evidence", merchant):
            wf.add_evidence_file(s, vault, assessor, audit_id, criterion_id=criterion,
                                 path=path, source_url=url,
                                 captured_at=datetime(2026, 11, 3, 9, 30, tzinfo=UTC))
        logistics = next(c.id for c in form.criteria if c.domain == "LOG")
        wf.add_sample(s, assessor, audit_id, logistics, SampleKind.TEST_PURCHASE,
                      timestamps=_sample_instants(), amounts={"paid": "199.00"},
                      channel="web shop", note="test purchase of one item")
        wf.submit(s, assessor, audit_id)
    with db.session() as s:
        reviewer = wf.authenticate(s, "zhang.min", pw["zhang.min"])
        wf.approve(s, reviewer, audit_id)
        result = wf.audit_grade(s, wf.find_audit(s, audit_id))
    base = DemoAudit(merchant.name, audit_id, result.grade,
                     str(result.score) if result.score is not None else None, result.certifiable)
    try:
        issued = wf.issue_certificate(db, admin, audit_id, key, out_dir=folder / "certificates")
    except WorkflowError as exc:
        return _replace(base, refusal=exc.message)
    return _replace(base, number=issued.number, pdf=issued.pdf_path, seal_file=issued.seal_path,
                    seal_hash=issued.seal_hash, short_hash=issued.short_hash)


def _replace(audit: DemoAudit, **changes: object) -> DemoAudit:
    from dataclasses import replace

    return replace(audit, **changes)  # type: ignore[arg-type]


def _verified(audit: DemoAudit, trust: Path, registry: Path, form: Form) -> DemoAudit:
    if audit.pdf is None:
        return audit
    from certbench.certify.registry import Registry
    from certbench.certify.trust import load_trust
    from certbench.certify.verify import verify

    report = verify(audit.pdf.read_bytes(), trust=load_trust(trust),
                    registry=Registry.load(registry), form=form)
    return _replace(audit, verdict=report.verdict.value)
