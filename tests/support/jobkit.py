"""A certification body with its people, built through the real services, for workflow tests.

Keys are real P-256 keys in real encrypted key files; only the scrypt cost is
lowered (the key files record their own parameters, so they open anywhere).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from certbench import workflow as wf
from certbench.certify import keys
from certbench.certify.keys import IssuerKey
from certbench.checklists import find_form
from certbench.domain import Form, Scope
from certbench.edits import SetRating, apply_batch
from certbench.storage import Database, Role, open_database

__all__ = ["FORM", "PASSPHRASES", "Job", "cheap_scrypt", "make_job"]

FORM = "ecommerce-trust@1.0"
PASSPHRASES = {"admin": "pw-admin", "li": "pw-li", "anna": "pw-anna", "zhang": "pw-zhang",
               "wang": "pw-wang", "zhao": "pw-zhao"}
"""admin: admin+issuer; li, anna: assessors; zhang: reviewer; wang: assessor+reviewer;
zhao: assessor only (no reviewer role)."""


def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make new key files cheap to open (scrypt n=2^10 instead of 2^15)."""
    monkeypatch.setattr(keys, "SCRYPT_N", 2**10)


@dataclass
class Job:
    """A body in a database: its people as actors, one merchant, the form."""

    db: Database
    home: Path
    form: Form
    merchant_id: str
    scope: Scope

    @contextmanager
    def session(self) -> Iterator[object]:
        with self.db.session() as s:
            yield s

    def actor(self, name: str) -> wf.Actor:
        with self.db.session() as s:
            return wf.authenticate(s, name, PASSPHRASES[name])

    def issuer_key(self) -> IssuerKey:
        with self.db.session() as s:
            return wf.load_issuer_key(s, PASSPHRASES["admin"])

    def open_audit(self, assessor: str = "li", **kwargs: object) -> str:
        actor = self.actor(assessor)
        with self.db.session() as s:
            return wf.open_audit(s, actor, self.merchant_id, FORM, scope=self.scope,
                                 **kwargs).id  # type: ignore[arg-type]

    def rate_all(self, audit_id: str, assessor: str = "li",
                 overrides: Mapping[str, str] | None = None) -> None:
        actor = self.actor(assessor)
        values = {c.id: "fully" for c in self.form.criteria if c.applies(self.scope)}
        values.update(overrides or {})
        with self.db.session() as s:
            apply_batch([SetRating(audit_id, c, v) for c, v in values.items()], s, actor.name,
                        action="import")

    def submitted(self, overrides: Mapping[str, str] | None = None) -> str:
        audit_id = self.open_audit()
        self.rate_all(audit_id, overrides=overrides)
        with self.db.session() as s:
            wf.submit(s, self.actor("li"), audit_id)
        return audit_id

    def approved(self, overrides: Mapping[str, str] | None = None) -> str:
        audit_id = self.submitted(overrides)
        with self.db.session() as s:
            wf.approve(s, self.actor("zhang"), audit_id)
        return audit_id


def make_job(url: str, home: Path) -> Job:
    """Init a body at ``url`` with its keys under ``home``, six users and one merchant."""
    db = open_database(url)
    wf.init_body(db, name="Example Certification Body", code="ecb", admin_name="admin",
                 admin_passphrase=PASSPHRASES["admin"], admin_display_name="Dr. Chen Hui 陈慧",
                 paths=wf.BodyPaths.under(home))
    roles = {"li": [Role.ASSESSOR], "anna": [Role.ASSESSOR], "zhang": [Role.REVIEWER],
             "wang": [Role.ASSESSOR, Role.REVIEWER], "zhao": [Role.ASSESSOR]}
    with db.session() as s:
        admin = wf.authenticate(s, "admin", PASSPHRASES["admin"])
        for name, role in roles.items():
            wf.add_user(s, admin, name, role, PASSPHRASES[name])
        merchant = wf.add_merchant(s, admin, legal_name="上海示例电子商务有限公司",
                                   registration_number="91310000MA1FL0XX3K", country="CN",
                                   websites=["https://shop.example.cn"],
                                   address="上海市浦东新区世纪大道100号")
        merchant_id = merchant.id
    scope = Scope(home_market="CN", target_markets=frozenset({"CN"}))
    return Job(db, home, find_form(FORM), merchant_id, scope)
