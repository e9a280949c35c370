"""Conflicts at criterion level: every combination of who changed what since the base."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from syncworld import People, Site, connect, edit_finding, finding, make_site, new_audit

from certbench import journal
from certbench.errors import WorkflowError
from certbench.storage import Audit, Finding, new_id
from certbench.sync.conflicts import Resolution, list_conflicts, resolve_conflict
from certbench.sync.exporter import export_package
from certbench.sync.importer import ImportResult, import_package


@dataclass
class Pair:
    office: Site
    field: Site
    people: People
    tmp: Path
    audit_id: str = ""
    sent: int = 0

    def up(self) -> ImportResult:
        """Field exports the audit; the office imports it."""
        self.sent += 1
        path = self.tmp / f"up-{self.sent}.cbpkg"
        export_package(self.field.db, self.field.vault, path, key=self.people.alice,
                       audit_ids=[self.audit_id], recipient=self.people.inbox.public_key)
        return import_package(self.office.db, self.office.vault, path,
                              private_key=self.people.inbox.private_key, actor="oscar")

    def down(self) -> ImportResult:
        """Office sends the audit out; the field imports it."""
        self.sent += 1
        path = self.tmp / f"down-{self.sent}.cbpkg"
        export_package(self.office.db, self.office.vault, path, key=self.people.oscar,
                       audit_ids=[self.audit_id], kind="assignments",
                       recipient=self.people.alice.public_key)
        return import_package(self.field.db, self.field.vault, path,
                              private_key=self.people.alice.private_key, actor="alice")


@pytest.fixture
def pair(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """An audit opened at the office and already sent to the field."""
    from dbfixtures import migrated_url

    people = People.make()
    body = new_id()
    urls = [migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(), None)
            for _ in range(2)]
    office = make_site("office", urls[0], tmp_path, people, body)
    field = make_site("field", urls[1], tmp_path, people, body)
    connect(office, field, people)
    result = Pair(office, field, people, tmp_path)
    result.audit_id = new_audit(office, people)
    result.down()
    yield result
    office.db.dispose()
    field.db.dispose()


def _note(site: Site, pair: Pair, criterion: str = "MER-01") -> str:
    return finding(site, pair.audit_id, criterion).note


def test_nobody_changed_anything(pair: Pair) -> None:
    result = pair.up()
    assert (result.counts.conflicts, result.counts.updated) == (0, 0)
    assert list_conflicts(pair.office.db) == []


def test_only_the_field_changed_the_finding(pair: Pair) -> None:
    edit_finding(pair.field, pair.audit_id, "MER-01", note="field")
    result = pair.up()
    assert (result.counts.updated, result.counts.conflicts) == (1, 0)
    assert _note(pair.office, pair) == "field"


def test_only_the_office_changed_the_finding(pair: Pair) -> None:
    edit_finding(pair.office, pair.audit_id, "MER-01", note="office", actor="oscar")
    result = pair.up()
    assert result.counts.conflicts == 0 and result.counts.kept_local >= 1
    assert _note(pair.office, pair) == "office"


def test_both_made_the_same_change(pair: Pair) -> None:
    edit_finding(pair.field, pair.audit_id, "MER-01", note="same", rating="fully")
    edit_finding(pair.office, pair.audit_id, "MER-01", note="same", rating="fully", actor="oscar")
    result = pair.up()
    assert result.counts.conflicts == 0
    assert list_conflicts(pair.office.db) == []


def _conflicting(pair: Pair) -> str:
    edit_finding(pair.field, pair.audit_id, "MER-01", note="field saw a fake badge",
                 rating="partially")
    edit_finding(pair.office, pair.audit_id, "MER-01", note="office rechecked", actor="oscar")
    result = pair.up()
    assert result.counts.conflicts == 1
    conflicts = list_conflicts(pair.office.db)
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.criterion_id == "MER-01" and conflict.record_type == "finding"
    assert conflict.local["note"] == "office rechecked"
    assert conflict.incoming["note"] == "field saw a fake badge"
    assert set(conflict.differences) == {"note", "rating"}
    assert _note(pair.office, pair) == "office rechecked", "never overwritten silently"
    return conflict.id


def test_both_changed_it_differently_is_a_conflict_and_nothing_is_overwritten(pair: Pair) -> None:
    _conflicting(pair)
    again = pair.up()  # the same field version again: no second conflict
    assert again.counts.conflicts == 0
    assert len(list_conflicts(pair.office.db)) == 1


@pytest.mark.parametrize(("choice", "note", "rating"), [
    (Resolution.OFFICE, "office rechecked", "largely"),
    (Resolution.FIELD, "field saw a fake badge", "partially"),
    (Resolution.MERGE, "office rechecked\n\n--- alice (field) ---\nfield saw a fake badge",
     "largely"),
])
def test_each_resolution_settles_the_conflict_and_is_journalled(
        pair: Pair, choice: Resolution, note: str, rating: str) -> None:
    conflict_id = _conflicting(pair)
    resolved = resolve_conflict(pair.office.db, conflict_id, choice, actor="oscar")
    assert resolved.resolution == choice.value and resolved.resolved_by == "oscar"
    office = finding(pair.office, pair.audit_id, "MER-01")
    assert (office.note, office.rating) == (note, rating)
    assert list_conflicts(pair.office.db) == []
    assert len(list_conflicts(pair.office.db, include_resolved=True)) == 1
    with pair.office.db.session() as s:
        history = journal.history(s, pair.audit_id)
        assert journal.verify_chain(s, pair.audit_id) == []
    last = history[-1]
    assert last.action == "sync_conflict_resolved" and last.actor == "oscar"
    assert choice.value in last.reason
    with pytest.raises(WorkflowError, match="already resolved"):
        resolve_conflict(pair.office.db, conflict_id, choice, actor="oscar")
    # The resolved version travels back and replaces the field's copy.
    pair.down()
    field = finding(pair.field, pair.audit_id, "MER-01")
    assert (field.note, field.rating) == (note, rating)


def test_a_criterion_rated_on_both_sides_independently_meets_at_criterion_level(
        pair: Pair) -> None:
    for site, note in ((pair.field, "field"), (pair.office, "office")):
        with site.db.session() as s:
            s.add(Finding(audit_id=pair.audit_id, criterion_id="MER-04", rating="fully",
                          note=note))
    result = pair.up()
    assert result.counts.conflicts == 1
    conflict = list_conflicts(pair.office.db)[0]
    assert conflict.criterion_id == "MER-04"
    office_id = finding(pair.office, pair.audit_id, "MER-04").id
    resolve_conflict(pair.office.db, conflict.id, "field", actor="oscar")
    taken = finding(pair.office, pair.audit_id, "MER-04")
    assert (taken.id, taken.note) == (office_id, "field")


def test_a_new_criterion_rated_only_in_the_field_is_inserted(pair: Pair) -> None:
    with pair.field.db.session() as s:
        s.add(Finding(audit_id=pair.audit_id, criterion_id="MER-05", rating="fully"))
    assert pair.up().counts.inserted == 1
    assert finding(pair.office, pair.audit_id, "MER-05").rating == "fully"


def test_an_audit_record_changed_on_both_sides_cannot_be_merged(pair: Pair) -> None:
    for site, market in ((pair.field, "HK"), (pair.office, "TW")):
        with site.db.session() as s:
            s.get(Audit, pair.audit_id).scope = {"home_market": market}  # type: ignore[union-attr]
    pair.up()
    conflict = next(c for c in list_conflicts(pair.office.db) if c.record_type == "audit")
    assert not conflict.can_merge
    with pytest.raises(WorkflowError, match="no note"):
        resolve_conflict(pair.office.db, conflict.id, "merge", actor="oscar")
    resolve_conflict(pair.office.db, conflict.id, "office", actor="oscar")
    with pair.office.db.session() as s:
        assert s.get(Audit, pair.audit_id).scope == {"home_market": "TW"}  # type: ignore[union-attr]


def test_office_and_field_journals_that_diverged_are_both_kept(pair: Pair) -> None:
    edit_finding(pair.field, pair.audit_id, "MER-02", note="field")
    edit_finding(pair.office, pair.audit_id, "MER-03", note="office", actor="oscar")
    pair.up()
    with pair.office.db.session() as s:
        assert journal.verify_chain(s, pair.audit_id) == []
        rows = journal.history(s, pair.audit_id)
    merged = [r for r in rows if r.action == "package_journal_merged"]
    assert len(merged) == 1
    assert any(isinstance(c.new, dict) and c.new.get("action") == "finding_edited"
               for c in merged[0].changes)
