"""A small, real demo database for screenshots: a body, two users, merchants, an audit, a seal.

Everything goes through the core (``certbench.services``, ``certbench.certify``):
the body and its keys by ``init_body``, merchants by ``add_merchant``, the audit by
``open_audit``, and the demo certificate's seal is graded on the standard
checklist, signed with the body's issuer key and entered in its registry. It
lives in one folder of its own (database, keys, published trust file and
registry, sample seal files), never in the body's real key folder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from certbench.services.bodies import BodyPaths
    from certbench.storage import Database

__all__ = ["CORE_DEMO_USER", "DEMO_PASSPHRASE", "DEMO_USER", "DemoData", "build_demo",
           "create_demo", "demo_folder", "demo_passphrases", "open_core_demo"]

DEMO_USER = "zhang.min"
"""The demo's administrator (and issuer); ``li.wei`` assesses, ``wang.fang`` reviews."""

DEMO_PASSPHRASE = "demo passphrase 2026"  # noqa: S105 - the published demo's passphrase
FORM_REF = "ecommerce-trust@1.0"

_MERCHANTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("上海示例贸易有限公司", "Example Trading", "91310000MA1FL0XX0X", "CN", "https://shop.example.cn"),
    ("杭州云杉电子商务有限公司", "云杉优选", "91330106MA2CFX3N7K", "CN", "https://yunshan.example.cn"),
    ("Nordlicht Versand GmbH", "Nordlicht", "HRB 184512", "DE", "https://nordlicht.example.de"),
    ("Harbour Lane Trading Ltd.", "Harbour Lane", "HK-2876451", "HK", "https://harbourlane.example.hk"),
    ("深圳市星河数码科技有限公司", "星河数码", "91440300MA5G2K8R1P", "CN", "https://xinghe.example.cn"),
    ("Lion City Home Pte. Ltd.", "LionHome", "201934567K", "SG", "https://lionhome.example.sg"),
    ("成都熊猫食品有限公司", "熊猫食品", "91510100MA6C9XK21M", "CN", "https://panda-food.example.cn"),
    ("Maple & Pine Outfitters Inc.", "Maple & Pine", "BC1234567", "CA", "https://maplepine.example.ca"),
    ("广州岭南茶业有限公司", "岭南茶", "91440101MA59TQ3Y8B", "CN", "https://lingnan-tea.example.cn"),
    ("Atelier Lumière SARL", "Lumière", "RCS 812 345 678", "FR", "https://lumiere.example.fr"),
    ("北京青禾母婴用品有限公司", "青禾", "91110105MA01KX7P2D", "CN", "https://qinghe.example.cn"),
    ("Sakura Select K.K.", "Sakura Select", "0104-01-123456", "JP", "https://sakura.example.jp"),
    ("苏州锦绣丝绸有限公司", "锦绣丝绸", "91320505MA1MX9K47Q", "CN", "https://jinxiu.example.cn"),
    ("Baltic Amber Store UAB", "Amber Store", "305123456", "LT", "https://amber.example.lt"),
    ("厦门海风户外用品有限公司", "海风户外", "91350200MA31TK6X9F", "CN", "https://haifeng.example.cn"),
    ("Kiwi Craft Supplies Ltd.", "KiwiCraft", "NZBN 9429046", "NZ", "https://kiwicraft.example.nz"),
)


@dataclass(frozen=True)
class DemoData:
    """The demo database and the files a verifier would be handed."""

    db: Database
    url: str
    audited_merchant_id: str
    seal: Path
    tampered_seal: Path
    trust: Path
    registry: Path
    form: Path


def _setup_body(db: Database, folder: Path) -> BodyPaths:
    from certbench.services.bodies import BodyPaths, add_user, authenticate, init_body

    result = init_body(db, name="Shanghai Trust Certification Centre", code="stcc",
                       admin_name="zhang.min", admin_passphrase=DEMO_PASSPHRASE,
                       address="88 Century Avenue, Pudong, Shanghai 200120",
                       admin_display_name="Zhang Min 张敏", paths=BodyPaths.under(folder))
    with db.session() as session:
        admin = authenticate(session, "zhang.min", DEMO_PASSPHRASE)
        add_user(session, admin, "li.wei", ["assessor"], DEMO_PASSPHRASE,
                 display_name="Li Wei 李伟")
        add_user(session, admin, "wang.fang", ["reviewer"], DEMO_PASSPHRASE,
                 display_name="Wang Fang 王芳")
    return result.paths


def _add_merchants(db: Database) -> str:
    """Register the demo merchants and open an audit of the first; its merchant id."""
    from certbench.services.audits import add_merchant, open_audit
    from certbench.services.bodies import authenticate

    with db.session() as session:
        admin = authenticate(session, "zhang.min", DEMO_PASSPHRASE)
        ids = [add_merchant(session, admin, legal_name=name, trading_names=[trading],
                            registration_number=reg, country=cc, websites=[web]).id
               for name, trading, reg, cc, web in _MERCHANTS]
    with db.session() as session:
        assessor = authenticate(session, "li.wei", DEMO_PASSPHRASE)
        open_audit(session, assessor, ids[0], FORM_REF)
    return ids[0]


def _issue_demo_seal(paths: BodyPaths, out: Path, registry_out: Path) -> Path:
    """Grade the first merchant on the standard form and seal it; a registry that lists it.

    The seal is made outside the issuing workflow, so it goes into a copy of the
    body's registry (``registry_out``): the published one must keep matching the
    database's log, which the core checks before it publishes again.
    """
    from certbench.canonical import canonical_hash
    from certbench.certify.keyring import active_issuer_key
    from certbench.certify.merkle import evidence_root
    from certbench.certify.registry import Registry, RegistryEntry
    from certbench.certify.seal import (
        SealAudit,
        SealDetail,
        SealIssuer,
        SealPayload,
        SealResult,
        SealScheme,
        SealSubject,
        SealValidity,
        sign_seal,
        write_seal_file,
    )
    from certbench.checklists import find_form
    from certbench.domain import Rating, Scope
    from certbench.grading import grade, ratings_hash

    form = find_form(FORM_REF)
    scope = Scope(home_market="CN", target_markets=frozenset({"CN"}),
                  languages=frozenset({"zh"}), currencies=frozenset({"CNY"}))
    ratings = tuple(Rating(c.id, "largely" if i % 4 == 3 and not c.critical else "fully")
                    for i, c in enumerate(form.criteria))
    result = grade(form, ratings, scope)
    evidence = tuple(hashlib.sha256(f"demo evidence {i}".encode()).hexdigest() for i in range(6))
    key = active_issuer_key(paths.key_dir, DEMO_PASSPHRASE)
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()
    name, _trading, reg, cc, web = _MERCHANTS[0]
    payload = SealPayload(
        no=f"STCC-{today.year}-000001",
        iss=SealIssuer("Shanghai Trust Certification Centre", "stcc", key.kid),
        sub=SealSubject(f"{name} Example Trading Co., Ltd.", reg, cc, (web,)),
        sch=SealScheme(form.id, form.version, form.title.en, form.hash),
        res=SealResult.from_grade(result, ratings_hash=ratings_hash(ratings),
                                  scope_hash=canonical_hash(scope.to_json())),
        aud=SealAudit("0f6d2f0e-8a59-4c1e-9d0b-2f7c5b1e9a31", ("li.wei",), "wang.fang",
                      today, evidence_root(evidence), len(evidence)),
        val=SealValidity(now, today, today + timedelta(days=365)))
    seal = sign_seal(payload, key)
    write_seal_file(out, seal, SealDetail(ratings, scope, evidence))
    registry = Registry.load(paths.registry_path)
    registry.append(RegistryEntry.issued(payload.no, seal.seal_hash, payload.sub.name,
                                         payload.val.nbf, payload.val.exp, at=payload.val.iat))
    registry.sign_head(key)
    registry.export(registry_out)
    return out


def _tamper(seal: Path, out: Path) -> Path:
    """A copy of ``seal`` with one character of its signature changed (still canonical JSON)."""
    import json

    from certbench.canonical import canonical_bytes

    document = json.loads(seal.read_bytes())
    head, body, signature = document["jws"].split(".")
    flipped = signature[:20] + ("A" if signature[20] != "A" else "B") + signature[21:]
    document["jws"] = f"{head}.{body}.{flipped}"
    out.write_bytes(canonical_bytes(document) + b"\n")
    return out


def build_demo(folder: Path) -> DemoData:
    """Create the demo in ``folder``: its database, keys, published files and sample seals.

    :raises WorkflowError: ``folder`` already holds a demo (its keys or database).
    """
    from certbench.assets import forms_dir
    from certbench.storage import open_database
    from certbench.storage.engine import sqlite_url

    folder.mkdir(parents=True, exist_ok=True)
    url = sqlite_url(folder / "certbench-demo.sqlite3")
    db = open_database(url)
    paths = _setup_body(db, folder)
    merchant_id = _add_merchants(db)
    registry = folder / "registry-with-demo-seal.json"
    seal = _issue_demo_seal(paths, folder / "STCC-000001.cbseal", registry)
    tampered = _tamper(seal, folder / "STCC-000001-altered.cbseal")
    form = forms_dir() / "ecommerce-trust" / "1.0.toml"
    return DemoData(db, url, merchant_id, seal, tampered, paths.trust_path, registry, form)


def demo_folder() -> Path:
    """Where the first-run dialog puts the demo: ``<user data dir>/demo``."""
    from certbench.assets import user_data_dir

    return user_data_dir() / "demo"


def create_demo(folder: Path) -> str:
    """Build the demo in ``folder`` and return its database URL (worker thread)."""
    demo = build_demo(folder)
    demo.db.dispose()
    return demo.url


CORE_DEMO_USER = "chen.hui"
"""Administrator and issuer of the core demo (:func:`certbench.demo.run_demo`)."""


def demo_passphrases() -> dict[str, str]:
    """The core demo's users and their (published) passphrases."""
    from certbench.demo import DEMO_PASSPHRASES

    return dict(DEMO_PASSPHRASES)


def open_core_demo(folder: Path) -> str:
    """Run the core demo (a body, three merchants, audits, two certificates) in ``folder``.

    Runs on a worker thread; returns the demo database's URL.

    :raises WorkflowError: ``folder`` already holds a demo.
    """
    from certbench.demo import run_demo
    from certbench.storage import resolve_url

    return resolve_url(run_demo(folder).database)
