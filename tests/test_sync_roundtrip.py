"""Field packages between real databases: SQLite to SQLite, SQLite to PostgreSQL and back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from syncworld import (
    CRITERIA,
    People,
    Site,
    connect,
    edit_finding,
    files_under,
    finding,
    make_site,
    new_audit,
    snapshot,
)

from certbench import journal
from certbench.storage import Audit, Evidence, Finding, JournalEvent, Sample, new_id
from certbench.sync.exporter import export_package
from certbench.sync.importer import import_package
from certbench.sync.inspection import inspect_package
from certbench.sync.records import content_of, spec


@dataclass
class World:
    office: Site
    field: Site
    people: People
    tmp: Path

    def field_to_office(self, audit_id: str, name: str = "up.cbpkg") -> Path:
        path = self.tmp / name
        export_package(self.field.db, self.field.vault, path, key=self.people.alice,
                       audit_ids=[audit_id], recipient=self.people.inbox.public_key)
        return path

    def office_to_field(self, audit_id: str, name: str = "down.cbpkg") -> Path:
        path = self.tmp / name
        export_package(self.office.db, self.office.vault, path, key=self.people.oscar,
                       audit_ids=[audit_id], kind="assignments",
                       recipient=self.people.alice.public_key)
        return path

    def import_office(self, path: Path):  # type: ignore[no-untyped-def]
        return import_package(self.office.db, self.office.vault, path,
                              private_key=self.people.inbox.private_key, actor="oscar")

    def import_field(self, path: Path):  # type: ignore[no-untyped-def]
        return import_package(self.field.db, self.field.vault, path,
                              private_key=self.people.alice.private_key, actor="alice")


def _url(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
         factory: pytest.TempPathFactory) -> str:
    from dbfixtures import migrated_url

    admin = request.getfixturevalue("pg_admin_url") if backend == "postgresql" else None
    return migrated_url(backend, tmp_path, factory.getbasetemp(), admin)


PAIRS = [("sqlite", "sqlite"), ("sqlite", "postgresql"), ("postgresql", "sqlite")]


def _make_world(backends: tuple[str, str], tmp_path: Path, request: pytest.FixtureRequest,
                factory: pytest.TempPathFactory) -> World:
    field_backend, office_backend = backends
    people = People.make()
    body_id = new_id()
    office = make_site("office", _url(office_backend, tmp_path, request, factory),
                       tmp_path, people, body_id)
    field = make_site("field", _url(field_backend, tmp_path, request, factory),
                      tmp_path, people, body_id)
    connect(office, field, people)
    return World(office, field, people, tmp_path)


@pytest.fixture(params=PAIRS, ids=[f"{f}-to-{o}" for f, o in PAIRS])
def world(request: pytest.FixtureRequest, tmp_path: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """An office and a field laptop, on every pair of backends."""
    made = _make_world(request.param, tmp_path, request, tmp_path_factory)
    yield made
    made.office.db.dispose()
    made.field.db.dispose()


@pytest.fixture
def sqlite_world(request: pytest.FixtureRequest, tmp_path: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """An office and a field laptop, both on SQLite."""
    made = _make_world(("sqlite", "sqlite"), tmp_path, request, tmp_path_factory)
    yield made
    made.office.db.dispose()
    made.field.db.dispose()


def _records(site: Site, audit_id: str) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    with site.db.session() as s:
        for name, model in (("audit", Audit), ("finding", Finding), ("sample", Sample),
                            ("evidence", Evidence)):
            column = model.id if model is Audit else model.audit_id  # type: ignore[attr-defined]
            rows = s.scalars(sa.select(model).where(column == audit_id))
            out[name] = sorted((content_of(s, spec(name), r) for r in rows),
                               key=lambda c: str(c["id"]))
    return out


def test_field_audit_arrives_whole_at_the_office(world: World) -> None:
    audit_id = new_audit(world.field, world.people)
    result = world.import_office(world.field_to_office(audit_id))
    assert not result.already_imported
    assert result.evidence_new == 2
    assert _records(world.office, audit_id) == _records(world.field, audit_id)
    with world.office.db.session() as s:
        assert journal.verify_chain(s, audit_id) == []
        actions = [row.action for row in journal.history(s, audit_id)]
        shas = s.scalars(sa.select(Evidence.sha256).where(Evidence.audit_id == audit_id)).all()
    assert actions == ["audit_opened", "rated", "package_imported"]
    for sha in shas:
        assert world.office.vault.path(sha).read_bytes() == world.field.vault.path(sha).read_bytes()


def test_importing_the_same_package_twice_changes_nothing(sqlite_world: World) -> None:
    world = sqlite_world
    path = world.field_to_office(new_audit(world.field, world.people))
    world.import_office(path)
    before = snapshot(world.office.db)
    vault_before = files_under(world.office.vault.root)
    again = world.import_office(path)
    assert again.already_imported
    assert snapshot(world.office.db) == before
    assert files_under(world.office.vault.root) == vault_before


def test_assignment_goes_to_the_field_and_the_work_comes_back(world: World) -> None:
    """Office opens an audit, sends it out; the field rates it; the office gets the ratings."""
    audit_id = new_audit(world.office, world.people)
    down = world.import_field(world.office_to_field(audit_id))
    assert down.counts.inserted > 0
    assert _records(world.field, audit_id) == _records(world.office, audit_id)

    edit_finding(world.field, audit_id, "MER-01", note="checked the checkout page",
                 rating="fully")
    up = world.import_office(world.field_to_office(audit_id))
    assert up.counts.updated == 1 and up.counts.conflicts == 0
    assert finding(world.office, audit_id, "MER-01").rating == "fully"
    assert _records(world.office, audit_id)["finding"] == _records(world.field, audit_id)["finding"]
    with world.office.db.session() as s:
        assert journal.verify_chain(s, audit_id) == []
        field_events = s.scalars(sa.select(JournalEvent.action)
                                 .where(JournalEvent.audit_id == audit_id)
                                 .order_by(JournalEvent.seq)).all()
    assert "finding_edited" in field_events


def test_inspect_lists_the_package_and_writes_nothing(sqlite_world: World) -> None:
    world = sqlite_world
    audit_id = new_audit(world.field, world.people)
    path = world.field_to_office(audit_id)
    before = snapshot(world.office.db)
    seen = inspect_package(path, private_key=world.people.inbox.private_key, db=world.office.db)
    assert seen.verified and seen.problems == ()
    assert seen.sender == "alice" and seen.audits == (audit_id,)
    assert seen.records["finding"] == len(CRITERIA) and seen.evidence_files == 2
    assert seen.encrypted
    assert snapshot(world.office.db) == before
    assert not world.office.vault.root.exists() or files_under(world.office.vault.root) == set()
