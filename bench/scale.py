"""Benchmark: the workbench's everyday reads at 100,000 merchants and 20,000 audits.

Builds (Core bulk inserts, executemany in batches) a database of 100,000
merchants and 20,000 audits of 64 findings each (1.28 million findings), then
times, with fresh sessions, the median of several runs of:

* the first page of the merchant list (keyset, 200 rows) and a deep page;
* a search by name (substring) that matches many merchants, and one that
  matches few (through the trigram index of revision 0003: FTS5 on SQLite,
  ``pg_trgm`` on PostgreSQL), their counts, a 3-character Chinese search
  (trigram plan) and a 2-character one (too short for trigrams: the LIKE plan);
* opening an audit with its findings (``audit_with_findings``);
* re-grading one audit (load the ratings, then ``certbench.grading.grade``).

The raw limits printed next to them are a bare ``SELECT 1`` round trip and the
first page's SQL run on the bare DB-API cursor (no row objects), on the same
engine. SQLite always runs (in a temp dir); PostgreSQL runs too when
``CERTBENCH_BENCH_PG`` holds the URL of a scratch database, whose certbench
tables are dropped and rebuilt.

Usage: ``.venv/bin/python bench/scale.py [--merchants N] [--audits N] [--no-append]``
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from evidence import append_results
from sqlalchemy.orm import Session

from certbench.domain import Form, Scope
from certbench.grading import grade
from certbench.storage import Audit, Base, Database, Finding, Merchant, User, open_database
from certbench.storage.models import audit_assessors, merchant_search_text
from certbench.storage.queries import (
    audit_with_findings,
    merchant_count,
    merchant_page,
    ratings_of,
)
from certbench.storage.types import fold

BATCH = 10_000
RAW_FIRST_PAGE = ("SELECT id, legal_name, trading_names, registration_number, country, "
                  "created_at, version, name_folded FROM merchants "
                  "ORDER BY name_folded, id LIMIT 200")
WORDS = ["Lotus", "Harbor", "Summit", "Jade", "Maple", "Orchid", "Pioneer", "Silk", "Golden",
         "River", "Cedar", "Phoenix", "Bamboo", "Crystal", "Dragon", "Everest"]
ZH = ["华夏", "东方", "长城", "锦绣", "汇通", "恒信", "天和", "瑞丰"]
KINDS = ["Trading", "Commerce", "Online", "Retail", "Goods", "Supply"]
SCALE = ["fully", "fully", "fully", "largely", "largely", "partially", "not_met"]


def load_form() -> tuple[Form, str]:
    """The standard form, or a synthetic one of 64 criteria when it does not load."""
    try:
        from certbench.checklists import find_form

        return find_form("ecommerce-trust@1.0"), "forms/ecommerce-trust/1.0.toml"
    except Exception as exc:
        print(f"standard form unavailable ({exc}); using a synthetic 64-criterion form")
        return _synthetic_form(), "synthetic"


def _synthetic_form() -> Form:
    from decimal import Decimal

    from certbench.domain import Criterion, Domain, GradeBand, ScaleValue, Text

    t = Text("x", "x")
    domains = tuple(Domain(f"D{c}", t, Decimal(60)) for c in "ABCDEFGH")
    criteria = tuple(Criterion(f"D{d}-{i:02d}", f"D{d}", f"c_{d}_{i}", t, t, ("DOC",), ("doc",),
                               weight=1 + i % 3) for d in "ABCDEFGH" for i in range(1, 9))
    scale = (ScaleValue("fully", t, 3), ScaleValue("largely", t, 2),
             ScaleValue("partially", t, 1), ScaleValue("not_met", t, 0),
             ScaleValue("n/a", t, None, needs_justification=True))
    bands = (GradeBand("A", Decimal(90)), GradeBand("B", Decimal(80)), GradeBand("C", Decimal(70)))
    return Form("synthetic", "1", t, scale, {}, bands, domains, criteria, hash="0" * 64)


def _batches(rows: Iterator[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(db: Database, table: sa.Table, rows: Iterator[dict[str, object]]) -> None:
    with db.engine.begin() as conn:
        for batch in _batches(rows):
            conn.execute(table.insert(), batch)


def _merchant_rows(n: int, rng: random.Random, now: datetime) -> Iterator[dict[str, object]]:
    for i in range(n):
        if i % 5 == 0:
            name = f"{rng.choice(ZH)}{rng.choice(ZH)}电子商务有限公司{i}"
        else:
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} Ltd {i}"
        trading = [f"{rng.choice(WORDS)}Shop{i}"]
        reg = f"REG{i:08d}"
        yield {"id": str(uuid.uuid4()), "legal_name": name, "trading_names": trading,
               "registration_number": reg, "country": "CN", "address": "", "contacts": {},
               "name_folded": fold(name), "search_text": merchant_search_text(name, trading, reg),
               "version": 1, "created_at": now - timedelta(minutes=i), "updated_at": now}


def build(db: Database, form: Form, merchants: int, audits: int, seed: int = 7) -> list[str]:
    """Fill ``db``; return the audit ids."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    merchant_ids: list[str] = []

    def tracked() -> Iterator[dict[str, object]]:
        for row in _merchant_rows(merchants, rng, now):
            merchant_ids.append(str(row["id"]))
            yield row

    _insert(db, Merchant.__table__, tracked())  # type: ignore[arg-type]
    users = [{"id": str(uuid.uuid4()), "name": f"assessor{i}", "display_name": "",
              "roles": ["assessor"], "active": True, "version": 1, "created_at": now,
              "updated_at": now} for i in range(40)]
    _insert(db, User.__table__, iter(users))  # type: ignore[arg-type]
    scope = Scope(home_market="CN").to_json()
    audit_ids = [str(uuid.uuid4()) for _ in range(audits)]
    _insert(db, Audit.__table__, ({  # type: ignore[arg-type]
        "id": a, "merchant_id": rng.choice(merchant_ids), "kind": "initial",
        "previous_audit_id": None, "form_id": form.id, "form_version": form.version,
        "form_hash": form.hash, "scope": scope, "state": "in_progress", "reviewer_id": None,
        "return_comment": "", "version": 1, "created_at": now, "updated_at": now}
        for a in audit_ids))
    _insert(db, audit_assessors, ({"audit_id": a, "user_id": rng.choice(users)["id"]}
                                  for a in audit_ids))
    criteria = [c.id for c in form.criteria]
    _insert(db, Finding.__table__, ({  # type: ignore[arg-type]
        "id": str(uuid.uuid4()), "audit_id": a, "criterion_id": c, "rating": rng.choice(SCALE),
        "note": "", "justification": "", "corrective_action": "", "carried_over": False,
        "version": 1, "created_at": now, "updated_at": now}
        for a in audit_ids for c in criteria))
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # planner statistics, as a body's nightly job would
    return audit_ids


def _median_ms(fn: Callable[[int], object], runs: int) -> tuple[float, float]:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def measure(db: Database, form: Form, audit_ids: list[str], runs: int = 15) -> list[str]:
    """Time the everyday reads; return table rows."""
    rng = random.Random(11)
    picks = [rng.choice(audit_ids) for _ in range(runs)]
    with db.session() as s:
        deep_key = merchant_page(s, limit=200).next_key
        for _ in range(200):  # walk to page ~200 (row ~40,000) for the deep-page timing
            following = merchant_page(s, limit=200, after_key=deep_key).next_key
            if following is None:
                break
            deep_key = following
        many = merchant_count(s, "lotus")
        few = merchant_count(s, "shop4242")
        zh3 = merchant_count(s, "子商务")
        zh2 = merchant_count(s, "华夏")

    def session_call(fn: Callable[[Session, int], object]) -> Callable[[int], object]:
        def run(i: int) -> object:
            with db.session() as s:
                return fn(s, i)
        return run

    def regrade(s: Session, i: int) -> object:
        detail = audit_with_findings(s, picks[i])
        return grade(form, detail.ratings(), Scope.from_json(detail.audit.scope))

    def regrade_only(s: Session, i: int) -> object:
        return grade(form, ratings_of(s, picks[i]), Scope(home_market="CN"))

    def raw_first_page(_i: int) -> object:
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(RAW_FIRST_PAGE)
            return cursor.fetchall()
        finally:
            connection.close()

    def old_plan(term: str) -> Callable[[int], object]:
        """The search as it ran before revision 0003: a LIKE no trigram index can answer."""
        statement = (sa.select(Merchant.id, Merchant.legal_name, Merchant.name_folded)
                     .where((Merchant.search_text + "").like(f"%{fold(term)}%"))
                     .order_by(Merchant.name_folded, Merchant.id).limit(200))
        return session_call(lambda s, i: s.execute(statement).all())

    cases: list[tuple[str, Callable[[int], object]]] = [
        ("raw limit: `SELECT 1` in a fresh session",
         session_call(lambda s, i: s.execute(sa.text("SELECT 1")).scalar())),
        ("raw limit: the first page's SQL on the bare DB-API cursor", raw_first_page),
        ("merchant list, first page (keyset, 200 rows)",
         session_call(lambda s, i: merchant_page(s, limit=200))),
        ("merchant list, page ~200 (keyset, 200 rows)",
         session_call(lambda s, i: merchant_page(s, limit=200, after_key=deep_key))),
        (f"search substring 'lotus' ({many:,} matches), first page",
         session_call(lambda s, i: merchant_page(s, search="lotus", limit=200))),
        (f"search substring 'shop4242' ({few:,} matches), first page",
         session_call(lambda s, i: merchant_page(s, search="shop4242", limit=200))),
        ("old plan (LIKE, no trigram index): 'lotus', first page", old_plan("lotus")),
        ("old plan (LIKE, no trigram index): 'shop4242', first page", old_plan("shop4242")),
        ("old plan (LIKE, no trigram index): '子商务', first page", old_plan("子商务")),
        ("count of a substring search ('lotus')",
         session_call(lambda s, i: merchant_count(s, "lotus"))),
        ("count of a rare substring search ('shop4242')",
         session_call(lambda s, i: merchant_count(s, "shop4242"))),
        (f"search Chinese 3 characters '子商务' ({zh3:,} matches, trigram plan), first page",
         session_call(lambda s, i: merchant_page(s, search="子商务", limit=200))),
        (f"search Chinese 2 characters '华夏' ({zh2:,} matches, LIKE plan), first page",
         session_call(lambda s, i: merchant_page(s, search="华夏", limit=200))),
        ("search 'shop4242', page 2 via keyset (after the first 5 rows)",
         session_call(lambda s, i: merchant_page(
             s, search="shop4242", limit=5,
             after_key=merchant_page(s, search="shop4242", limit=5).next_key))),
        ("open an audit with its 64 findings", session_call(
            lambda s, i: audit_with_findings(s, picks[i]))),
        ("re-grade one audit (load ratings + grade)", session_call(regrade_only)),
        ("open + re-grade (audit, findings, scope, grade)", session_call(regrade)),
    ]
    rows = []
    for label, fn in cases:
        fn(0)  # warm-up: first use of each statement compiles and caches it
        median, worst = _median_ms(fn, runs)
        rows.append(f"| {db.backend} | {label} | {median:.1f} ms | {worst:.1f} ms |")
        print(rows[-1])
    return rows


def run_one(url: str, form: Form, merchants: int, audits: int) -> list[str]:
    """Build and measure one database; return table rows."""
    db = open_database(url)
    start = time.perf_counter()
    audit_ids = build(db, form, merchants, audits)
    built = time.perf_counter() - start
    size = ""
    if db.backend == "sqlite":
        size = f", {Path(db.engine.url.database or '').stat().st_size / 2**20:,.0f} MiB file"
    line = (f"| {db.backend} | build: {merchants:,} merchants, {audits:,} audits, "
            f"{audits * len(form.criteria):,} findings{size} | {built:.1f} s | |")
    print(line)
    try:
        return [line, *measure(db, form, audit_ids)]
    finally:
        db.dispose()


def _reset_pg(url: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merchants", type=int, default=100_000)
    parser.add_argument("--audits", type=int, default=20_000)
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true",
                        help="only PostgreSQL (needs CERTBENCH_BENCH_PG)")
    args = parser.parse_args()
    form, source = load_form()
    print(f"form: {source} ({len(form.criteria)} criteria)")
    rows: list[str] = []
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="certbench-scale-") as scratch:
            rows += run_one(f"sqlite:///{Path(scratch) / 'scale.sqlite3'}", form,
                            args.merchants, args.audits)
    pg = os.environ.get("CERTBENCH_BENCH_PG")
    if pg:
        _reset_pg(pg)
        rows += run_one(pg, form, args.merchants, args.audits)
    if not args.no_append:
        append_results(
            f"Scale: {args.merchants:,} merchants, {args.audits:,} audits (bench/scale.py)",
            [f"Form: {source}. Median and worst of 15 runs, each in a fresh session.", "",
             "| backend | operation | median | worst |", "| --- | --- | --- | --- |", *rows])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
