"""A real certification body for the workbench's GUI tests: users, a merchant, an audit.

Everything is made through the core (``certbench.services``); the GUI tests
then drive the screens over it. ``li.wei`` holds both the assessor and the
reviewer role, so the four-eyes rule (not a missing role) is what stops them
from approving their own audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from certbench.storage import Database

PASSPHRASE = "correct horse battery 2026"
FORM_REF = "ecommerce-trust@1.0"


@dataclass(frozen=True)
class Flow:
    """The body's database and the ids the tests need."""

    db: Database
    merchant_id: str
    audit_id: str | None


def build_flow(folder: Path, *, with_audit: bool = True) -> Flow:
    """Create the body (admin ``zhang.min``), ``li.wei``, ``wang.fang``, a merchant, an audit."""
    from certbench.storage import open_database
    from certbench.storage.engine import sqlite_url
    from certbench.workflow import add_merchant, add_user, authenticate, init_body, open_audit

    db = open_database(sqlite_url(folder / "body.sqlite3"))
    init_body(db, name="Shanghai Trust Certification Centre", code="stcc",
              admin_name="zhang.min", admin_passphrase=PASSPHRASE,
              address="88 Century Avenue, Shanghai", admin_display_name="Zhang Min")
    with db.session() as session:
        admin = authenticate(session, "zhang.min", PASSPHRASE)
        add_user(session, admin, "li.wei", ["assessor", "reviewer"], PASSPHRASE,
                 display_name="Li Wei")
        add_user(session, admin, "wang.fang", ["reviewer"], PASSPHRASE,
                 display_name="Wang Fang")
        merchant = add_merchant(session, admin, legal_name="上海示例贸易有限公司",
                                registration_number="91310000MA1FL0XX0X", country="CN",
                                websites=["https://shop.example.cn"])
        merchant_id = merchant.id
    audit_id = None
    if with_audit:
        with db.session() as session:
            assessor = authenticate(session, "li.wei", PASSPHRASE)
            audit_id = open_audit(session, assessor, merchant_id, FORM_REF).id
    return Flow(db, merchant_id, audit_id)


def rate_all(db: Database, audit_id: str, *, actor: str = "li.wei", rating: str = "fully",
             skip: frozenset[str] = frozenset()) -> None:
    """Rate every criterion of the audit through the core's edits."""
    from certbench.edits import SetRating, apply, audit_form
    from certbench.workflow import find_audit

    with db.session() as session:
        form = audit_form(find_audit(session, audit_id))
        for criterion in form.criteria:
            if criterion.id not in skip:
                apply(SetRating(audit_id, criterion.id, rating), session, actor)


def applying_criteria(db: Database, audit_id: str) -> list[str]:
    """The criteria of the audit's form that its scope includes."""
    from certbench.domain import Scope
    from certbench.edits import audit_form
    from certbench.workflow import find_audit

    with db.session() as session:
        audit = find_audit(session, audit_id)
        scope = Scope.from_json(audit.scope)
        return [c.id for c in audit_form(audit).criteria if c.applies(scope)]


def submit_and_approve(db: Database, audit_id: str) -> None:
    """Rate what applies ``fully``, submit as ``li.wei`` and approve as ``wang.fang``."""
    from certbench.workflow import approve, authenticate, submit

    applying = set(applying_criteria(db, audit_id))
    rate_all(db, audit_id, skip=frozenset(c for c in _all(db, audit_id) if c not in applying))
    with db.session() as session:
        submit(session, authenticate(session, "li.wei", PASSPHRASE), audit_id)
    with db.session() as session:
        approve(session, authenticate(session, "wang.fang", PASSPHRASE), audit_id)


def _all(db: Database, audit_id: str) -> list[str]:
    from certbench.edits import audit_form
    from certbench.workflow import find_audit

    with db.session() as session:
        return [c.id for c in audit_form(find_audit(session, audit_id)).criteria]


def issue(db: Database, audit_id: str) -> object:
    """Issue the approved audit's certificate as ``zhang.min``; the IssuedCertificate."""
    from certbench.workflow import authenticate, issue_certificate, load_issuer_key

    with db.session() as session:
        actor = authenticate(session, "zhang.min", PASSPHRASE)
        key = load_issuer_key(session, PASSPHRASE)
    return issue_certificate(db, actor, audit_id, key)


def build_template(folder: Path, prepare: object = None) -> Path:
    """Build a body in ``folder`` (with its own ``CERTBENCH_HOME``), then call ``prepare(flow)``.

    Building keys takes seconds; :func:`clone_body` copies the result per test.
    """
    import json
    import os

    old = os.environ.get("CERTBENCH_HOME")
    os.environ["CERTBENCH_HOME"] = str(folder / "home")
    try:
        flow = build_flow(folder)
        extra = prepare(flow) if callable(prepare) else None
    finally:
        if old is None:
            os.environ.pop("CERTBENCH_HOME", None)
        else:
            os.environ["CERTBENCH_HOME"] = old
    flow.db.dispose()
    (folder / "flow.json").write_text(json.dumps({
        "merchant_id": flow.merchant_id, "audit_id": flow.audit_id, "extra": extra}),
        encoding="utf-8")
    return folder


def clone_body(template: Path, target: Path) -> tuple[Flow, object]:
    """A private copy of a template body (database, keys, vault, registry) in ``target``."""
    import json
    import shutil

    from certbench.storage import Body, open_database
    from certbench.storage.engine import sqlite_url

    shutil.copytree(template, target, dirs_exist_ok=True)
    db = open_database(sqlite_url(target / "body.sqlite3"))
    with db.session() as session:
        for body in session.query(Body):
            body.settings = {k: v.replace(str(template), str(target)) if isinstance(v, str)
                             else v for k, v in body.settings.items()}
    saved = json.loads((target / "flow.json").read_text(encoding="utf-8"))
    return Flow(db, saved["merchant_id"], saved["audit_id"]), saved["extra"]
