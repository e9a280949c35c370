"""Per-merchant queries, the lazy audit and certificate lists, and trigram search.

Everything runs on SQLite and PostgreSQL (``db_url``). Search results through
the trigram indexes are compared with a plain substring test over the same
seeded merchants, in the same (bytewise name, id) order, page by page.
"""

from __future__ import annotations

import random
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from reports_seed import COMPLAINANT, Seeded, seed

from certbench.domain import AuditState, CertificateStatus
from certbench.errors import ExportError, NotFoundError
from certbench.reports.loaders import sealed_figures
from certbench.storage import (
    Audit,
    AuditKind,
    Certificate,
    Complaint,
    ComplaintStatus,
    Database,
    Finding,
    Merchant,
    open_database,
)
from certbench.storage.queries import (
    TRIGRAM_MIN,
    ListKey,
    audit_page,
    audit_rows,
    certificate_page,
    certificates_for_merchant,
    complaints_for_merchant,
    grade_history,
    merchant_count,
    merchant_detail,
    merchant_page,
    uses_trigram_index,
)
from certbench.storage.types import fold


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def seeded(db: Database) -> Seeded:
    return seed(db)


# ---------------------------------------------------------------------------
# one merchant


def test_merchant_detail_has_names_sites_and_contacts(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        detail = merchant_detail(s, seeded.merchant_id)
    assert detail.legal_name == "杭州示例贸易有限公司"
    assert detail.trading_names == ("示例商城",)
    assert detail.registration_number == "91330100MA27XYZ12K"
    assert (detail.country, detail.address) == ("CN", "88 West Lake Road")
    assert [site.url for site in detail.sites] == ["https://example.tmall.com",
                                                   "https://shop.example.cn"]
    assert detail.contacts == (("email", "li.na@example.cn"), ("name", "Zhang Wei"))
    with pytest.raises(FrozenInstanceError):
        detail.legal_name = "changed"  # type: ignore[misc]


def test_an_unknown_merchant_is_not_found(db: Database) -> None:
    with db.session() as s, pytest.raises(NotFoundError):
        merchant_detail(s, str(uuid.uuid4()))


def test_certificates_carry_the_sealed_figures(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        rows = certificates_for_merchant(s, seeded.merchant_id, as_of=date(2027, 1, 1))
        lapsed = certificates_for_merchant(s, seeded.merchant_id, as_of=date(2027, 9, 21))
        jws = s.execute(sa.select(Certificate.jws)).scalar_one()
        assert certificates_for_merchant(s, seeded.other_merchant_id) == []
    figures = sealed_figures(jws)
    [row] = rows
    assert (row.number, row.seal_hash) == (seeded.certificate_number, seeded.seal_hash)
    assert (row.grade, row.score, row.valid_until) == (figures.grade, figures.score,
                                                      date(2027, 9, 20))
    assert row.issued_at == datetime(2026, 9, 21, 10, 0, tzinfo=UTC)
    assert row.status is CertificateStatus.VALID
    assert lapsed[0].status is CertificateStatus.EXPIRED


def test_the_sealed_grade_wins_over_a_tampered_column(db: Database, seeded: Seeded) -> None:
    """Only the seal is read: changing the mutable validity column changes nothing shown."""
    with db.session() as s:
        cert = s.scalars(sa.select(Certificate)).one()
        cert.valid_until = datetime(2030, 1, 1, tzinfo=UTC)
    with db.session() as s:
        [row] = certificates_for_merchant(s, seeded.merchant_id, as_of=date(2028, 1, 1))
    assert row.valid_until == date(2027, 9, 20)
    assert row.status is CertificateStatus.EXPIRED


def test_a_corrupt_stored_seal_is_refused(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        s.scalars(sa.select(Certificate)).one().jws = "not-a.jws"
    with db.session() as s, pytest.raises(ExportError):
        certificates_for_merchant(s, seeded.merchant_id)


def test_complaints_leave_out_the_complainant(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        cert_id = s.execute(sa.select(Certificate.id)).scalar_one()
        s.add(Complaint(merchant_id=seeded.merchant_id, certificate_id=cert_id,
                        received_at=datetime(2026, 10, 2, tzinfo=UTC), channel="web",
                        summary="Seal shown on a shop not covered",
                        status=ComplaintStatus.INVESTIGATING))
    with db.session() as s:
        rows = complaints_for_merchant(s, seeded.merchant_id)
        assert complaints_for_merchant(s, seeded.other_merchant_id) == []
    assert [r.summary for r in rows] == ["Seal shown on a shop not covered",
                                         "Late refund, customer maria.schmidt@example.de"]
    assert rows[0].certificate_number == seeded.certificate_number
    assert rows[0].status is ComplaintStatus.INVESTIGATING
    assert rows[1].certificate_number is None
    assert COMPLAINANT not in repr(rows)


def test_grade_history_uses_seals_and_regrades_the_rest(db: Database, seeded: Seeded) -> None:
    later = datetime(2027, 3, 1, tzinfo=UTC)
    with db.session() as s:
        certified = s.get_one(Audit, seeded.audit_id)
        submitted = Audit(merchant_id=seeded.merchant_id, kind=AuditKind.SURVEILLANCE,
                          form_id=certified.form_id, form_version=certified.form_version,
                          form_hash=certified.form_hash, scope=certified.scope,
                          state=AuditState.SUBMITTED, submitted_at=later)
        s.add(submitted)
        s.flush()
        for f in s.scalars(sa.select(Finding).where(Finding.audit_id == seeded.audit_id)):
            s.add(Finding(audit_id=submitted.id, criterion_id=f.criterion_id,
                          rating="not_met" if f.criterion_id.endswith("1") else f.rating))
        s.add(Audit(merchant_id=seeded.merchant_id, form_id=certified.form_id,
                    form_version=certified.form_version, form_hash=certified.form_hash,
                    scope=certified.scope, state=AuditState.IN_PROGRESS))
        jws = s.execute(sa.select(Certificate.jws)).scalar_one()
    with db.session() as s:
        points = grade_history(s, seeded.merchant_id)
        assert grade_history(s, seeded.other_merchant_id) == []
    assert [p.kind for p in points] == [AuditKind.INITIAL, AuditKind.SURVEILLANCE]
    first, second = points
    assert first.completed_on == date(2026, 9, 20)
    assert (first.grade, first.score) == (sealed_figures(jws).grade, sealed_figures(jws).score)
    assert (first.certificate_number, first.certifiable) == (seeded.certificate_number, True)
    assert second.completed_on == later.date()
    assert second.certificate_number is None
    assert second.score is not None and first.score is not None
    assert second.score < first.score
    assert second.certifiable is False  # critical criteria rated not_met


# ---------------------------------------------------------------------------
# lazy lists


def test_audit_pages_walk_every_audit_once(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        base = s.get_one(Audit, seeded.audit_id)
        t0 = datetime(2026, 1, 1, tzinfo=UTC)
        for i in range(7):  # three share a creation instant: the id breaks the tie
            s.add(Audit(merchant_id=seeded.other_merchant_id, form_id=base.form_id,
                        form_version=base.form_version, form_hash=base.form_hash,
                        state=AuditState.SUBMITTED if i % 2 else AuditState.DRAFT,
                        created_at=t0 + timedelta(days=min(i, 3))))
    with db.session() as s:
        every = audit_rows(s)
        seen, key = [], None
        while True:
            page = audit_page(s, after_key=key, limit=3)
            seen += page.rows
            if page.next_key is None:
                break
            key = page.next_key
        submitted = audit_page(s, states={AuditState.SUBMITTED}, limit=100)
    assert [r.id for r in seen] == [r.id for r in every]
    assert len(seen) == 9
    assert [r.id for r in submitted.rows] == [r.id for r in every
                                              if r.state is AuditState.SUBMITTED]
    assert submitted.next_key is None


def test_certificate_pages_by_number_and_status(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        cert = s.scalars(sa.select(Certificate)).one()
        for i, status in enumerate([CertificateStatus.REVOKED, CertificateStatus.VALID,
                                    CertificateStatus.SUSPENDED, CertificateStatus.REVOKED]):
            s.add(Certificate(number=f"CB-2026-00010{i}", audit_id=cert.audit_id,
                              merchant_id=cert.merchant_id, seal_hash=f"{i:064x}", jws=cert.jws,
                              issued_at=cert.issued_at, valid_from=cert.valid_from,
                              valid_until=cert.valid_until, status=status, kid=cert.kid))
    with db.session() as s:
        numbers, key = [], None
        while True:
            page = certificate_page(s, after_key=key, limit=2, as_of=date(2027, 1, 1))
            numbers += [r.number for r in page.rows]
            if page.next_key is None:
                break
            key = page.next_key
        revoked = certificate_page(s, statuses={CertificateStatus.REVOKED})
        past = certificate_page(s, after_key=ListKey("CB-2026-000102", ""), limit=50)
    assert numbers == ["CB-2026-000042", "CB-2026-000100", "CB-2026-000101", "CB-2026-000102",
                       "CB-2026-000103"]
    assert [r.number for r in revoked.rows] == ["CB-2026-000100", "CB-2026-000103"]
    assert all(r.status is CertificateStatus.REVOKED for r in revoked.rows)
    assert [r.number for r in past.rows] == ["CB-2026-000103"]
    assert all(r.merchant_name == "杭州示例贸易有限公司" for r in revoked.rows)


# ---------------------------------------------------------------------------
# trigram search

_WORDS = ["Lotus", "Harbor", "Jade", "Maple", "Silk", "Golden", "co_op", "100%", 'say "hi"']
_ZH = ["华夏", "东方", "长城", "锦绣", "汇通"]


def _seed_merchants(db: Database, n: int = 180) -> list[tuple[str, str, str]]:
    """Random merchants; returns (name_folded, id, search_text) as the database holds them."""
    rng = random.Random(5)
    with db.session() as s:
        for i in range(n):
            if i % 3 == 0:
                name = f"{rng.choice(_ZH)}{rng.choice(_ZH)}电子商务有限公司{i}"
            else:
                name = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} Ltd {i}"
            s.add(Merchant(legal_name=name, trading_names=[f"{rng.choice(_WORDS)}Shop{i}"],
                           registration_number=f"REG{i:05d}", country="CN"))
    with db.session() as s:
        return [tuple(r) for r in s.execute(sa.select(  # type: ignore[misc]
            Merchant.name_folded, Merchant.id, Merchant.search_text))]


def _expected(merchants: list[tuple[str, str, str]], term: str) -> list[str]:
    folded = fold(term)
    return [i for _, i, _ in sorted(m for m in merchants if folded in m[2])]


def _all_pages(db: Database, term: str, limit: int) -> list[str]:
    ids, key = [], None
    with db.session() as s:
        while True:
            page = merchant_page(s, search=term, after_key=key, limit=limit)
            ids += [r.id for r in page.rows]
            if page.next_key is None:
                return ids
            key = page.next_key


TERMS = ["lotus", "LOTUS", "Lt", "ltd 1", "shop1", "shop17", "co_op", "o_o", "100%", "0%",
         '"hi"', 'y "', "reg0004", "华夏", "华夏华", "电子商务", "子商", "有限公司1", "zzz", "x",
         "golden golden", "  maple  "]


@pytest.mark.parametrize(("limit", "sort_limit"), [(7, 20_000), (200, 20_000), (7, 3)])
def test_search_matches_a_plain_substring_test(db: Database, limit: int, sort_limit: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """``sort_limit=3`` sends SQLite's common terms down the LIKE plan."""
    from certbench.storage import queries

    monkeypatch.setattr(queries, "FTS_SORT_LIMIT", sort_limit)
    merchants = _seed_merchants(db)
    with db.session() as s:
        for term in TERMS:
            expected = _expected(merchants, term)
            assert merchant_count(s, term) == len(expected), term
    for term in TERMS:
        assert _all_pages(db, term, limit) == _expected(merchants, term), term


def test_the_index_follows_renames_and_deletes(db: Database) -> None:
    with db.session() as s:
        first = Merchant(legal_name="Orchid Trading", registration_number="R1")
        second = Merchant(legal_name="长城汇通有限公司", registration_number="R2")
        s.add_all([first, second])
    with db.session() as s:
        s.get_one(Merchant, first.id).legal_name = "Cedar Trading"
        s.delete(s.get_one(Merchant, second.id))
    with db.session() as s:
        assert merchant_count(s, "orchid") == 0
        assert [r.id for r in merchant_page(s, search="cedar").rows] == [first.id]
        assert merchant_count(s, "长城汇") == 0


def _statements(db: Database, term: str) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []

    def capture(_conn: object, _cursor: object, statement: str, parameters: object,
                _context: object, _many: bool) -> None:
        seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.session() as s:
            merchant_page(s, search=term)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    return seen


def test_chinese_terms_use_the_index_from_three_characters(db: Database) -> None:
    _seed_merchants(db, 30)
    assert not uses_trigram_index("华夏") and uses_trigram_index("华夏华")
    assert TRIGRAM_MIN == 3
    for term, indexed in [("华夏", False), ("华夏华", True), ("电子商务", True), ("lt", False)]:
        sql, params = _statements(db, term)[-1]
        with db.engine.connect() as conn:
            if db.backend == "sqlite":
                assert ("merchants_fts" in sql) is indexed, term
                plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {sql}", params))  # type: ignore[arg-type]
                assert ("VIRTUAL TABLE INDEX" in plan) is indexed, plan
            else:
                conn.exec_driver_sql("SET enable_seqscan = off")
                plan = " ".join(r[0] for r in conn.exec_driver_sql(
                    f"EXPLAIN {sql}", params))  # type: ignore[arg-type]
                assert ("ix_merchants_search_trgm" in plan) is indexed, plan


def test_postgresql_without_pg_trgm_keeps_the_old_plan(pg_admin_url: str) -> None:
    """A role that may not create extensions still gets a working database and search."""
    role, name = f"r_{uuid.uuid4().hex[:8]}", f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    base = pg_admin_url.rsplit("/", 1)[0].replace("postgres@", f"{role}@")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        on_db = sa.create_engine(pg_admin_url.rsplit("/", 1)[0] + f"/{name}",
                                 isolation_level="AUTOCOMMIT")
        with on_db.connect() as conn:
            conn.exec_driver_sql(f'GRANT ALL ON SCHEMA public TO "{role}"')
        on_db.dispose()
        db = open_database(f"{base}/{name}")
        try:
            with db.engine.connect() as conn:
                extensions = {r[0] for r in conn.exec_driver_sql(
                    "SELECT extname FROM pg_extension")}
                indexes = {i["name"] for i in sa.inspect(conn).get_indexes("merchants")}
            assert "pg_trgm" not in extensions
            assert "ix_merchants_search_trgm" not in indexes
            merchants = _seed_merchants(db, 40)
            with db.session() as s:
                for term in ["lotus", "华夏华", "shop1"]:
                    assert [r.id for r in merchant_page(s, search=term).rows] == \
                        _expected(merchants, term)
        finally:
            db.dispose()
    finally:
        admin.dispose()


# ---------------------------------------------------------------------------
# import cost


def _modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    return set(out.split())


def test_storage_imports_neither_alembic_nor_the_postgresql_dialect() -> None:
    modules = _modules_after("import certbench.storage")
    assert not {m for m in modules if m == "alembic" or m.startswith("alembic.")}
    assert "sqlalchemy.dialects.postgresql" not in modules


def test_opening_a_database_at_head_needs_no_alembic(tmp_path: Path) -> None:
    path = tmp_path / "at-head.sqlite3"
    open_database(str(path)).dispose()  # created here: this one runs the migrations
    modules = _modules_after(f"from certbench.storage import open_database\n"
                             f"open_database({str(path)!r}).dispose()")
    assert "alembic" not in modules
    assert "sqlalchemy.dialects.postgresql" not in modules


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from certbench.storage.migrate import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_sqlite_runs_the_like_plan_for_a_common_term(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from certbench.storage import queries

    db = open_database(str(tmp_path / "plans.sqlite3"))
    try:
        _seed_merchants(db, 30)
        plans = {}
        for sort_limit in (20_000, 3):
            monkeypatch.setattr(queries, "FTS_SORT_LIMIT", sort_limit)
            sql, params = _statements(db, "ltd")[-1]
            with db.engine.connect() as conn:
                plans[sort_limit] = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {sql}", params))  # type: ignore[arg-type]
    finally:
        db.dispose()
    assert "TEMP B-TREE FOR ORDER BY" in plans[20_000] and "VIRTUAL TABLE" in plans[20_000]
    assert "TEMP B-TREE" not in plans[3] and "VIRTUAL TABLE" not in plans[3]
    assert "SCAN merchants USING INDEX ix_merchants_search" in plans[3]
