"""Field packages through the dialogs: office and field laptops, each with its own database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton
from syncworld import (
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

from certbench.certify.keys import save_key
from certbench.gui.conflicts_dialog import ConflictsDialog
from certbench.gui.context import AppContext
from certbench.gui.package_dialogs import ExportPackageDialog, ImportPackageDialog
from certbench.gui.settings import Settings
from certbench.gui.tasks import TaskManager
from certbench.storage import Audit, Body, JournalEvent, new_id
from certbench.sync.exporter import export_package
from certbench.sync.importer import import_package

PASSPHRASE = "field pass 2026"


@dataclass
class World:
    """Office and field, each side's workbench context, and the audit the office opened."""

    office: Site
    field: Site
    people: People
    office_context: AppContext
    field_context: AppContext
    audit_id: str
    inbox_key: Path


def _configure(site: Site, keys: Path) -> None:
    with site.db.session() as s:
        body = s.scalars(sa.select(Body)).one()
        body.settings = {"key_dir": str(keys), "vault_dir": str(site.vault.root)}


@dataclass(frozen=True)
class Cast:
    """The people and their key files, made once per session (each key costs an scrypt)."""

    people: People
    keys: Path
    inbox_key: Path


@pytest.fixture(scope="session")
def cast(tmp_path_factory: pytest.TempPathFactory) -> Cast:
    """alice, bob, oscar and the body's inbox key, saved under :data:`PASSPHRASE`."""
    folder = tmp_path_factory.mktemp("package-keys")
    people = People.make()
    for key in (people.alice, people.oscar, people.bob):
        save_key(folder / "users" / f"user-{key.kid}.key", key, PASSPHRASE)
    save_key(folder / "inbox.key", people.inbox, PASSPHRASE)
    return Cast(people, folder, folder / "inbox.key")


@pytest.fixture
def world(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, settings: Settings,
          sync_tasks: TaskManager, cast: Cast) -> Iterator[World]:
    """Two real databases and vaults that know each other's devices, and an office audit."""
    from dbfixtures import migrated_url

    body = new_id()
    sites = [make_site(name, migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(),
                                          None), tmp_path, cast.people, body)
             for name in ("office", "field")]
    office, field = sites
    connect(office, field, cast.people)
    for site in sites:
        _configure(site, cast.keys)
    yield World(office, field, cast.people,
                AppContext(db=office.db, settings=settings, tasks=sync_tasks, user="oscar"),
                AppContext(db=field.db, settings=settings, tasks=sync_tasks, user="alice"),
                new_audit(office, cast.people), cast.inbox_key)
    office.db.dispose()
    field.db.dispose()


def _export_from_office(qtbot, world: World, target: Path) -> ExportPackageDialog:
    dialog = ExportPackageDialog(world.office_context)
    qtbot.addWidget(dialog)
    dialog.select_audits([world.audit_id])
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("assignments"))
    dialog.recipient_combo.setCurrentIndex(dialog.recipient_combo.findData("alice"))
    dialog.file_edit.setText(str(target))
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return dialog


def _import_dialog(qtbot, world: World, package: Path) -> ImportPackageDialog:
    dialog = ImportPackageDialog(world.field_context)
    qtbot.addWidget(dialog)
    dialog.file_edit.setText(str(package))
    dialog.personal_radio.setChecked(True)
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    return dialog


def test_export_then_import_carries_the_audit_to_the_field(
        qtbot, world: World, tmp_path: Path, qtmodeltester) -> None:
    package = tmp_path / "to-alice.cbpkg"
    export = _export_from_office(qtbot, world, package)
    qtmodeltester.check(export.audit_model)
    assert export.error_label.text() == ""
    assert export.result_value is not None and export.result_value.encrypted
    assert package.is_file()

    dialog = _import_dialog(qtbot, world, package)
    assert not dialog.import_button.isEnabled()  # inspect first
    qtbot.mouseClick(dialog.inspect_button, Qt.MouseButton.LeftButton)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert imported.args[0].counts.inserted > 0
    assert "new" in dialog.result_label.text()
    with world.field.db.session() as s:
        assert s.get(Audit, world.audit_id) is not None
    assert finding(world.field, world.audit_id, "MER-01").note == "note MER-01"
    assert len(files_under(world.field.vault.root)) >= 2  # the evidence travelled


def test_inspection_shows_sender_and_verdict_and_writes_nothing(
        qtbot, world: World, tmp_path: Path) -> None:
    package = tmp_path / "to-alice.cbpkg"
    _export_from_office(qtbot, world, package)
    before = (snapshot(world.field.db), files_under(world.field.vault.root)
              if world.field.vault.root.exists() else set())
    dialog = _import_dialog(qtbot, world, package)
    qtbot.mouseClick(dialog.inspect_button, Qt.MouseButton.LeftButton)
    assert dialog.view.fields["verdict"].text() == "VERIFIED"
    assert dialog.view.fields["sender"].text().startswith("oscar (key ")
    assert "office-laptop" in dialog.view.fields["sender"].text()
    assert world.audit_id in dialog.view.fields["audits"].text()
    after = (snapshot(world.field.db), files_under(world.field.vault.root)
             if world.field.vault.root.exists() else set())
    assert after == before


def test_a_package_for_someone_else_is_refused_inline(qtbot, world: World,
                                                       tmp_path: Path) -> None:
    package = tmp_path / "to-alice.cbpkg"
    _export_from_office(qtbot, world, package)
    dialog = _import_dialog(qtbot, world, package)
    dialog.key_file_radio.setChecked(True)
    dialog.key_edit.setText(str(world.inbox_key))  # the body's inbox key, not alice's
    qtbot.mouseClick(dialog.inspect_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() != ""
    assert dialog.inspection is None and not dialog.import_button.isEnabled()


def test_a_tampered_package_does_not_verify(qtbot, world: World, tmp_path: Path) -> None:
    package = tmp_path / "to-alice.cbpkg"
    _export_from_office(qtbot, world, package)
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01
    package.write_bytes(bytes(data))
    before = snapshot(world.field.db)
    dialog = _import_dialog(qtbot, world, package)
    qtbot.mouseClick(dialog.inspect_button, Qt.MouseButton.LeftButton)
    assert not dialog.import_button.isEnabled()
    assert dialog.error_label.text() != "" or dialog.view.fields["verdict"].text() == \
        "NOT VERIFIED"
    assert snapshot(world.field.db) == before


def test_cancelling_the_import_changes_nothing(qtbot, world: World, tmp_path: Path) -> None:
    package = tmp_path / "to-alice.cbpkg"
    _export_from_office(qtbot, world, package)
    dialog = _import_dialog(qtbot, world, package)
    qtbot.mouseClick(dialog.inspect_button, Qt.MouseButton.LeftButton)
    before = snapshot(world.field.db)
    cancelled = []

    def press_cancel(*_args: object) -> None:
        dialogs = dialog.findChildren(QProgressDialog)  # the inspection's awaits deletion
        progress = dialogs[-1] if dialogs else None
        if progress is not None and not cancelled:
            cancelled.append(True)
            qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)

    world.field_context.tasks.progress_reported.connect(press_cancel)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    world.field_context.tasks.progress_reported.disconnect(press_cancel)
    assert cancelled
    assert dialog.result_value is None
    assert snapshot(world.field.db) == before


def _conflict(world: World, tmp_path: Path) -> None:
    """The field and the office both change MER-02's note; the office imports the field's."""
    down = tmp_path / "down.cbpkg"
    export_package(world.office.db, world.office.vault, down, key=world.people.oscar,
                   audit_ids=[world.audit_id], kind="assignments",
                   recipient=world.people.alice.public_key)
    import_package(world.field.db, world.field.vault, down,
                   private_key=world.people.alice.private_key, actor="alice")
    edit_finding(world.field, world.audit_id, "MER-02", note="field view")
    edit_finding(world.office, world.audit_id, "MER-02", note="office view", actor="oscar")
    up = tmp_path / "up.cbpkg"
    export_package(world.field.db, world.field.vault, up, key=world.people.alice,
                   audit_ids=[world.audit_id], recipient=world.people.inbox.public_key)
    result = import_package(world.office.db, world.office.vault, up,
                            private_key=world.people.inbox.private_key, actor="oscar")
    assert result.counts.conflicts == 1


def _conflicts_dialog(qtbot, world: World) -> ConflictsDialog:
    dialog = ConflictsDialog(world.office_context)
    qtbot.addWidget(dialog)
    return dialog


def test_conflict_dialog_shows_both_versions_side_by_side(
        qtbot, world: World, tmp_path: Path, qtmodeltester) -> None:
    _conflict(world, tmp_path)
    dialog = _conflicts_dialog(qtbot, world)
    assert len(dialog.model.rows) == 1 and dialog.selected() is not None
    assert dialog.office_note.toPlainText() == "office view"
    assert dialog.field_note.toPlainText() == "field view"
    note = next(d for d in dialog.difference_model.rows if d.name == "note")
    assert (note.office, note.field) == ("office view", "field view")
    assert dialog.merge_button.isEnabled()
    qtmodeltester.check(dialog.model)
    qtmodeltester.check(dialog.difference_model)


@pytest.mark.parametrize(("button", "expected"), [
    ("office_button", "office view"),
    ("field_button", "field view"),
    ("merge_button", "office view\n\n--- alice (field) ---\nfield view"),
])
def test_resolving_through_the_dialog_writes_and_journals_the_choice(
        qtbot, world: World, tmp_path: Path, button: str, expected: str) -> None:
    _conflict(world, tmp_path)
    dialog = _conflicts_dialog(qtbot, world)
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    assert finding(world.office, world.audit_id, "MER-02").note == expected
    assert dialog.model.rows == [] and dialog.resolved_count == 1
    with world.office.db.session() as s:
        events = s.scalars(sa.select(JournalEvent).where(
            JournalEvent.audit_id == world.audit_id,
            JournalEvent.action == "sync_conflict_resolved")).all()
        assert [e.actor for e in events] == ["oscar"]


def test_a_wrong_passphrase_leaves_the_conflict_open(qtbot, world: World,
                                                     tmp_path: Path) -> None:
    _conflict(world, tmp_path)
    dialog = _conflicts_dialog(qtbot, world)
    qtbot.keyClicks(dialog.passphrase_edit, "not it")
    qtbot.mouseClick(dialog.field_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() != ""
    assert finding(world.office, world.audit_id, "MER-02").note == "office view"
    assert len(dialog.model.rows) == 1 and dialog.resolved_count == 0
