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
