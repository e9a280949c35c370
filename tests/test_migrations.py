"""Alembic migrations: fresh databases, upgrades keeping data, no drift, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from certbench.errors import StorageError
from certbench.storage import Base, Merchant, make_engine, open_database
from certbench.storage.migrate import (
    current_revision,
    head_revision,
    schema_drift,
    upgrade,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all, on each backend."""
    from dbfixtures import empty_url

    admin = request.getfixturevalue("pg_admin_url") if request.param == "postgresql" else None
    return empty_url(request.param, tmp_path, admin)


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return current_revision(conn)
    finally:
        engine.dispose()


def test_a_fresh_database_reaches_head_and_drift_is_detected(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    try:
        with db.engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            assert schema_drift(conn) == []
            tables = set(sa.inspect(conn).get_table_names())
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("merchants")}
        with db.engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE merchants ADD COLUMN nickname VARCHAR(20)"))
        with db.engine.connect() as conn:
            drift = schema_drift(conn)
    finally:
        db.dispose()
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "ix_merchants_name_key" in indexes
    assert ("ix_merchants_search" in indexes) == (db.backend == "sqlite")
    assert [(d[0], d[3].name) for d in drift] == [("remove_column", "nickname")]


def test_data_written_at_the_first_revision_survives_the_upgrade(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            upgrade(conn, "0001")
            conn.execute(sa.text(
                "INSERT INTO merchants (id, legal_name, trading_names, registration_number, "
                "country, address, contacts, name_folded, search_text, version, created_at, "
                "updated_at) VALUES ('m1', '老字号食品有限公司', '[]', 'R1', 'CN', '', '{}', "
                "'老字号食品有限公司', '老字号食品有限公司', 1, :t, :t)"),
                {"t": "2026-01-01 00:00:00"})
    finally:
        engine.dispose()
    db = open_database(empty_db_url)
    try:
        with db.session() as s:
            merchant = s.get_one(Merchant, "m1")
            assert merchant.legal_name == "老字号食品有限公司"
    finally:
        db.dispose()
    assert _revision(empty_db_url) == head_revision()


def test_an_unversioned_database_with_the_current_schema_is_stamped(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    open_database(empty_db_url).dispose()
    assert _revision(empty_db_url) == head_revision()


def test_a_foreign_database_is_refused(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    finally:
        engine.dispose()
    with pytest.raises(StorageError, match="not a certbench database"):
        open_database(empty_db_url)
    assert _revision(empty_db_url) is None


def test_an_unversioned_partial_schema_is_refused(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        Base.metadata.tables["users"].create(engine)
    finally:
        engine.dispose()
    with pytest.raises(StorageError, match="no schema version"):
        open_database(empty_db_url)


def test_a_database_from_a_newer_certbench_is_refused(empty_db_url: str) -> None:
    open_database(empty_db_url).dispose()
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'fff999'"))
    finally:
        engine.dispose()
    with pytest.raises(StorageError, match="newer version"):
        open_database(empty_db_url)


def test_upgrade_can_be_forbidden(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    with pytest.raises(StorageError, match="upgrades allowed"):
        open_database(url, upgrade=False)
    open_database(url).dispose()
    open_database(url, upgrade=False).dispose()
