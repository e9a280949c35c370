"""The storage layer on SQLite and PostgreSQL: records, constraints, locking, queries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from certbench.domain import AuditState
from certbench.errors import ConflictError, NotFoundError, StorageError
from certbench.storage import (
    Audit,
    Database,
    Finding,
    Merchant,
    MerchantSite,
    NonconformityClass,
    Role,
    Sample,
    SampleKind,
    SiteKind,
    User,
    open_database,
    resolve_url,
)
from certbench.storage.engine import default_url
from certbench.storage.queries import (
    MerchantSort,
    SearchMode,
    audit_rows,
    audit_rows_for_merchant,
    audit_with_findings,
    merchant_count,
    merchant_page,
    ratings_of,
)

CHINA = timezone(timedelta(hours=8))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


def _audit(db: Database, criteria: int = 3) -> tuple[str, list[str]]:
    """A merchant with one audit, two assessors, a reviewer and ``criteria`` findings."""
    with db.session() as s:
        merchant = Merchant(legal_name="杭州示例电子商务有限公司", country="CN")
        alice = User(name="alice", roles=frozenset({Role.ASSESSOR}))
        bob = User(name="bob", roles=frozenset({Role.ASSESSOR}))
        rita = User(name="rita", roles=frozenset({Role.REVIEWER}))
        audit = Audit(merchant=merchant, form_id="ecommerce-trust", form_version="1.0",
                      form_hash="ab" * 32, scope={"home_market": "CN"},
                      assessors=[bob, alice], reviewer=rita)
        audit.findings = [Finding(criterion_id=f"MER-{i:02d}") for i in range(1, criteria + 1)]
        s.add(audit)
        s.flush()
        return audit.id, [f.id for f in audit.findings]


def test_merchant_round_trip_keeps_chinese_json_and_sites(db: Database) -> None:
    with db.session() as s:
        m = Merchant(legal_name="上海可信商贸有限公司", trading_names=["可信优选", "TrustShop"],
                     registration_number="91310000MA1K000000", country="CN",
                     contacts={"客服": {"电话": "400-000-0000", "hours": ["09:00", "21:00"]}})
        m.sites = [MerchantSite(url="https://shop.example.cn", kind=SiteKind.WEBSITE),
                   MerchantSite(url="https://tmall.example/kexin", kind=SiteKind.MARKETPLACE_SHOP)]
        s.add(m)
        s.flush()
        merchant_id = m.id
    assert len(merchant_id) == 36
    with db.session() as s:
        got = s.get(Merchant, merchant_id)
        assert got is not None
        assert got.legal_name == "上海可信商贸有限公司"
        assert got.trading_names == ["可信优选", "TrustShop"]
        assert got.contacts == {"客服": {"电话": "400-000-0000", "hours": ["09:00", "21:00"]}}
        assert [site.kind for site in got.sites] == [SiteKind.WEBSITE, SiteKind.MARKETPLACE_SHOP]
        assert got.name_folded == "上海可信商贸有限公司"
        assert "trustshop" in got.search_text
        assert got.version == 1


def test_update_bumps_version_and_delete_cascades_to_sites(db: Database) -> None:
    with db.session() as s:
        m = Merchant(legal_name="Acme GmbH", sites=[MerchantSite(url="https://acme.example")])
        s.add(m)
        s.flush()
        merchant_id = m.id
    with db.session() as s:
        m = s.get_one(Merchant, merchant_id)
        m.legal_name = "ACME Handels GmbH"
    with db.session() as s:
        m = s.get_one(Merchant, merchant_id)
        assert (m.version, m.name_folded) == (2, "acme handels gmbh")
        assert m.updated_at >= m.created_at
        s.delete(m)
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(MerchantSite)) == 0


def test_user_names_are_unique(db: Database) -> None:
    with db.session() as s:
        s.add(User(name="alice"))
    with pytest.raises(StorageError, match="refused"), db.session() as s:
        s.add(User(name="alice"))
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_one_finding_per_criterion_and_audit(db: Database) -> None:
    audit_id, _ = _audit(db)
    with pytest.raises(StorageError), db.session() as s:
        s.add(Finding(audit_id=audit_id, criterion_id="MER-01"))


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(StorageError), db.session() as s:
        s.add(Finding(audit_id="00000000-0000-0000-0000-000000000000", criterion_id="X-01"))


def test_roles_round_trip_as_a_set(db: Database) -> None:
    with db.session() as s:
        s.add(User(name="ivy", roles=frozenset({Role.ISSUER, Role.ADMIN, Role.ISSUER})))
    with db.session() as s:
        ivy = s.scalars(sa.select(User).where(User.name == "ivy")).one()
        assert ivy.roles == frozenset({Role.ISSUER, Role.ADMIN})
        assert ivy.has_role(Role.ADMIN) and not ivy.has_role(Role.REVIEWER)
        raw = s.execute(sa.text("SELECT roles FROM users WHERE name = 'ivy'")).scalar_one()
        assert raw == '["admin", "issuer"]'


def test_datetimes_come_back_aware_utc_and_naive_ones_are_refused(db: Database) -> None:
    audit_id, finding_ids = _audit(db)
    submitted = datetime(2026, 11, 24, 9, 30, 15, 123456, tzinfo=CHINA)
    with db.session() as s:
        audit = s.get_one(Audit, audit_id)
        audit.submitted_at = submitted
        s.get_one(Finding, finding_ids[0]).due_date = date(2027, 1, 31)
    with db.session() as s:
        audit = s.get_one(Audit, audit_id)
        assert audit.submitted_at == submitted
        assert audit.submitted_at is not None and audit.submitted_at.tzinfo == UTC
        assert audit.submitted_at.hour == 1
        assert s.get_one(Finding, finding_ids[0]).due_date == date(2027, 1, 31)
    with pytest.raises(sa.exc.StatementError, match="naive"), db.session() as s:
        s.get_one(Audit, audit_id).submitted_at = datetime(2026, 1, 1, 12, 0)


def test_stale_save_raises_conflict_and_first_edit_survives(db: Database) -> None:
    _, finding_ids = _audit(db)
    with pytest.raises(ConflictError), db.session() as second:
        late = second.get_one(Finding, finding_ids[0])
        with db.session() as first:
            early = first.get_one(Finding, finding_ids[0])
            early.rating, early.note = "fully", "seen on the checkout page"
        late.rating, late.note = "not_met", "would overwrite"
    with db.session() as s:
        f = s.get_one(Finding, finding_ids[0])
        assert (f.rating, f.note, f.version) == ("fully", "seen on the checkout page", 2)


def test_a_detached_record_saved_later_still_checks_its_version(db: Database) -> None:
    _, finding_ids = _audit(db)
    with db.session() as s:
        shown = s.get_one(Finding, finding_ids[1])  # e.g. displayed in a dialog
    with db.session() as s:
        s.get_one(Finding, finding_ids[1]).note = "saved by a colleague"
    shown.note = "typed while the dialog was open"
    with pytest.raises(ConflictError), db.session() as s:
        s.add(shown)
    with db.session() as s:
        assert s.get_one(Finding, finding_ids[1]).note == "saved by a colleague"


def test_concurrent_writers_on_different_findings_both_survive(db: Database) -> None:
    audit_id, finding_ids = _audit(db, criteria=8)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def edit(ids: list[str], value: str) -> None:
        try:
            with db.session() as s:
                rows = [s.get_one(Finding, i) for i in ids]
                barrier.wait(timeout=10)
                for row in rows:
                    row.rating = value
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(finding_ids[:4], "fully")),
               threading.Thread(target=edit, args=(finding_ids[4:], "not_met"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    with db.session() as s:
        ratings = [r.value for r in ratings_of(s, audit_id)]
    assert ratings == ["fully"] * 4 + ["not_met"] * 4


def test_integrity_check_is_clean_on_a_healthy_database(db: Database) -> None:
    _audit(db)
    assert db.integrity_check() == []


def test_integrity_check_reports_a_dangling_reference(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "fk.sqlite3"))
    audit_id, _ = _audit(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.exec_driver_sql(f"UPDATE audits SET merchant_id = 'gone' WHERE id = '{audit_id}'")
        conn.commit()
    problems = db.integrity_check()
    db.dispose()
    assert problems and "audits" in problems[0]


def test_integrity_check_reports_a_missing_table_on_postgresql(pg_admin_url: str,
                                                                tmp_path: Path) -> None:
    from dbfixtures import migrated_url

    db = open_database(migrated_url("postgresql", tmp_path, tmp_path, pg_admin_url))
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE registry_entries")
    problems = db.integrity_check()
    db.dispose()
    assert problems == ["table registry_entries is missing"]


def _merchants(db: Database, names: list[str]) -> None:
    with db.session() as s:
        s.add_all(Merchant(legal_name=n, registration_number=f"REG-{i:04d}")
                  for i, n in enumerate(names))


def test_merchant_pages_walk_every_row_once_in_name_order(db: Database) -> None:
    names = [f"Shop {i:03d}" for i in range(25)] + ["shop 007", "Émile Boutique", "北京商城"]
    _merchants(db, names)
    seen: list[str] = []
    with db.session() as s:
        page = merchant_page(s, limit=10)
        seen += [r.legal_name for r in page.rows]
        while page.next_key is not None:
            page = merchant_page(s, after_key=page.next_key, limit=10)
            seen += [r.legal_name for r in page.rows]
        backwards = merchant_page(s, limit=100, sort=MerchantSort.NAME_DESC)
    assert sorted(seen) == sorted(names) and len(seen) == len(set(seen)) == 28
    folded = [n.casefold() for n in seen]
    assert folded == sorted(folded)
    assert [r.legal_name for r in backwards.rows] == seen[::-1]


def test_merchant_search_folds_case_and_matches_trading_names(db: Database) -> None:
    with db.session() as s:
        s.add_all([Merchant(legal_name="Alpha Trading Ltd"),
                   Merchant(legal_name="Beta Ltd", trading_names=["ALPHAMART"]),
                   Merchant(legal_name="深圳阿尔法科技有限公司"),
                   Merchant(legal_name="Gamma 100% Ltd")])
    with db.session() as s:
        contains = [r.legal_name for r in merchant_page(s, search="alpha").rows]
        by_prefix = merchant_page(s, search="ALPHA", mode=SearchMode.PREFIX)
        prefix = [r.legal_name for r in by_prefix.rows]
        chinese = [r.legal_name for r in merchant_page(s, search="阿尔法").rows]
        assert contains == ["Alpha Trading Ltd", "Beta Ltd"]
        assert prefix == ["Alpha Trading Ltd"]
        assert chinese == ["深圳阿尔法科技有限公司"]
        assert merchant_count(s, "alpha") == 2 and merchant_count(s) == 4
        assert merchant_count(s, "100%") == 1 and merchant_count(s, "_") == 0


def test_merchant_pages_by_creation_time(db: Database) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    with db.session() as s:
        s.add_all(Merchant(legal_name=f"M{i}", created_at=base + timedelta(minutes=i % 3))
                  for i in range(9))
    with db.session() as s:
        first = merchant_page(s, limit=4, sort=MerchantSort.NEWEST)
        assert first.next_key is not None
        rest = merchant_page(s, limit=10, sort=MerchantSort.NEWEST, after_key=first.next_key)
        with pytest.raises(ValueError, match="sort"):
            merchant_page(s, sort=MerchantSort.NAME, after_key=first.next_key)
    times = [r.created_at for r in first.rows + rest.rows]
    assert len(times) == 9 and times == sorted(times, reverse=True)


def test_audit_with_findings_gives_people_and_ratings(db: Database) -> None:
    audit_id, finding_ids = _audit(db)
    with db.session() as s:
        f = s.get_one(Finding, finding_ids[0])
        f.rating, f.nc_class = "partially", NonconformityClass.MINOR
        s.get_one(Finding, finding_ids[2]).rating = "n/a"
        s.get_one(Finding, finding_ids[2]).justification = "no physical goods"
    with db.session() as s:
        detail = audit_with_findings(s, audit_id)
        listed = audit_rows_for_merchant(s, detail.audit.merchant_id)
        everything = audit_rows(s)
        drafts, approved = audit_rows(s, [AuditState.DRAFT]), audit_rows(s, [AuditState.APPROVED])
        with pytest.raises(NotFoundError):
            audit_with_findings(s, "no-such-audit")
    assert detail.audit.assessors == ("alice", "bob")
    assert detail.audit.reviewer == "rita"
    assert detail.audit.state is AuditState.DRAFT
    assert detail.audit.merchant_name == "杭州示例电子商务有限公司"
    assert [f.criterion_id for f in detail.findings] == ["MER-01", "MER-02", "MER-03"]
    assert detail.findings[0].nc_class is NonconformityClass.MINOR
    assert [(r.criterion_id, r.value) for r in detail.ratings()] == [
        ("MER-01", "partially"), ("MER-03", "n/a")]
    assert [a.id for a in listed] == [a.id for a in everything] == [a.id for a in drafts]
    assert listed[0].id == audit_id and approved == []


def test_resolve_url_accepts_paths_and_urls(tmp_path: Path) -> None:
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"
    assert resolve_url(None) == default_url()
    assert default_url().endswith("/certbench.sqlite3")


def test_unsupported_or_unreachable_databases_raise_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="unsupported"):
        open_database("mysql://u@localhost/db")
    with pytest.raises(StorageError, match="cannot open"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    (tmp_path / "dir.sqlite3").mkdir()
    with pytest.raises(StorageError):
        open_database(str(tmp_path / "dir.sqlite3"))


def test_samples_round_trip_and_feed_the_checks(db: Database) -> None:
    from certbench.samples import check_sample

    audit_id, _ = _audit(db)
    with db.session() as s:
        s.add(Sample(audit_id=audit_id, criterion_id="CS-02", kind=SampleKind.CONTACT,
                     channel="email", note="问：发票？",
                     timestamps={"asked": "2026-11-02T09:00:00+08:00",
                                 "answered": "2026-11-03T12:00:00+08:00"}))
    with db.session() as s:
        sample = s.scalars(sa.select(Sample)).one()
        verdict = check_sample(sample.record(), {"first_reply_hours": 24})
    assert sample.note == "问：发票？"
    assert [(c.name, str(c.measured), c.passed) for c in verdict.checks] == [
        ("first_reply_hours", "27.00", False)]
