"""An office and a field laptop, each with its own database and vault, for package tests.

Both databases know the same people (same ids, same public keys), and each has
registered the other's device, as an administrator would set them up.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization

from certbench import checklists, journal
from certbench.certify.keys import UserKey, generate_user_key
from certbench.evidence import Vault, add_evidence
from certbench.storage import (
    Audit,
    Base,
    Body,
    Database,
    EvidenceKind,
    Finding,
    Merchant,
    MerchantSite,
    Role,
    Sample,
    SampleKind,
    User,
    new_id,
    open_database,
)
from certbench.sync.devices import local_device, register_device

CRITERIA = ("MER-01", "MER-02", "MER-03")


@dataclass
class People:
    """The cast: ids and keys shared by both databases."""

    alice: UserKey  # assessor in the field
    bob: UserKey  # another assessor
    oscar: UserKey  # office administrator
    inbox: UserKey  # the body's package key (receives field packages)
    ids: dict[str, str]
    roles: dict[str, frozenset[Role]]

    @classmethod
    def make(cls) -> People:
        keys = {n: generate_user_key(n) for n in ("alice", "bob", "oscar")}
        return cls(keys["alice"], keys["bob"], keys["oscar"], generate_user_key("inbox"),
                   {n: new_id() for n in keys},
                   {"alice": frozenset({Role.ASSESSOR}), "bob": frozenset({Role.ASSESSOR}),
                    "oscar": frozenset({Role.ADMIN, Role.REVIEWER})})

    def key(self, name: str) -> UserKey:
        return {"alice": self.alice, "bob": self.bob, "oscar": self.oscar}[name]


@dataclass
class Site:
    """One installation: a database and a vault."""

    name: str
    db: Database
    vault: Vault
    device_id: str


def _pem(key: UserKey) -> str:
    return key.public_key.public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def make_site(name: str, url: str, root: Path, people: People, body_id: str) -> Site:
    db = open_database(url)
    with db.session() as s:
        s.add(Body(id=body_id, code="CB", name="Example Certification Body"))
        for user, user_id in people.ids.items():
            key = people.key(user)
            s.add(User(id=user_id, name=user, roles=people.roles[user],
                       public_key_pem=_pem(key), key_id=key.kid))
        s.flush()
        device = local_device(s, name=f"{name}-laptop").id
    return Site(name, db, Vault(root / f"{name}-vault"), device)


def connect(office: Site, field: Site, people: People) -> None:
    """Each side registers the other's device."""
    with office.db.session() as s:
        register_device(s, field.device_id, "field laptop", "alice")
    with field.db.session() as s:
        register_device(s, office.device_id, "office", None)


def new_audit(site: Site, people: People, *, evidence: int = 2, size: int = 3000,
              form_ref: str = "ecommerce-trust@1.0") -> str:
    """A merchant and an audit assessed by alice, with findings, a sample, evidence, journal."""
    form = checklists.find_form(form_ref)
    with site.db.session() as s:
        merchant = Merchant(legal_name="杭州示例电子商务有限公司", country="CN",
                            trading_names=["示例商城"])
        merchant.sites = [MerchantSite(url="https://shop.example.cn")]
        alice = s.get(User, people.ids["alice"])
        audit = Audit(merchant=merchant, form_id=form.id, form_version=form.version,
                      form_hash=checklists.form_hash(form), scope={"home_market": "CN"},
                      assessors=[alice])
        audit.findings = [Finding(criterion_id=c, rating="largely", note=f"note {c}")
                          for c in CRITERIA]
        s.add(audit)
        s.flush()
        s.add(Sample(audit_id=audit.id, criterion_id="MER-02", kind=SampleKind.TEST_PURCHASE,
                     timestamps={"ordered": "2026-11-01T10:00:00+00:00"}, amounts={"paid": "9.90"}))
        for i in range(evidence):
            add_evidence(s, site.vault, audit.id, CRITERIA[i % 3], io.BytesIO(os.urandom(size)),
                         kind=EvidenceKind.FILE, captured_by=people.ids["alice"],
                         captured_at=datetime(2026, 11, 2, 9, i, tzinfo=UTC),
                         original_filename=f"shot-{i}.png")
        journal.append_event(s, audit.id, actor="alice", action="audit_opened")
        journal.append_event(s, audit.id, actor="alice", action="rated",
                             changes={"MER-01": (None, "largely")})
        return audit.id


def edit_finding(site: Site, audit_id: str, criterion: str, *, note: str | None = None,
                 rating: str | None = None, actor: str = "alice") -> None:
    with site.db.session() as s:
        finding = s.scalars(sa.select(Finding).where(Finding.audit_id == audit_id,
                                                     Finding.criterion_id == criterion)).one()
        changes = {}
        if note is not None:
            changes["note"] = (finding.note, note)
            finding.note = note
        if rating is not None:
            changes["rating"] = (finding.rating, rating)
            finding.rating = rating
        s.flush()
        journal.append_event(s, audit_id, actor=actor, action="finding_edited", changes=changes)


def finding(site: Site, audit_id: str, criterion: str) -> Finding:
    with site.db.session() as s:
        return s.scalars(sa.select(Finding).where(Finding.audit_id == audit_id,
                                                  Finding.criterion_id == criterion)).one()


def snapshot(db: Database) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, as sorted text tuples: equal snapshots, equal databases."""
    out: dict[str, list[tuple[str, ...]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            out[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
