"""Forms travel office to field: carried, checked against the signed manifest, installed."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from syncworld import People, Site, connect, files_under, make_site, new_audit, snapshot

from certbench import assets, checklists
from certbench.certify.keys import save_key
from certbench.cli import main
from certbench.errors import PackageError
from certbench.storage import Audit, new_id
from certbench.sync.archive import PackageWriter
from certbench.sync.envelope import decrypt_stream, encrypt_stream
from certbench.sync.exporter import export_package
from certbench.sync.importer import import_package
from certbench.sync.inspection import inspect_package

FORM_ID = "ecommerce-trust"
ENTRY = f"forms/{FORM_ID}/1.1.toml"


def _republished(version: str, *, bump: bool = False) -> str:
    """The bundled form as ``version``; with ``bump`` one criterion weighs one more."""
    text = (assets.forms_dir() / FORM_ID / "1.0.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^version = "1.0"$', f'version = "{version}"', text, count=1)
    if bump:
        text = re.sub(r"(?m)^weight = (\d+)$", lambda m: f"weight = {int(m[1]) + 1}", text,
                      count=1)
    return text


@dataclass
class World:
    office: Site
    field: Site
    people: People
    tmp: Path
    field_home: Path
    audit_id: str
    package: Path
    """An assignments package to alice, pinning and carrying ecommerce-trust@1.1."""

    def import_field(self, path: Path | None = None):  # type: ignore[no-untyped-def]
        return import_package(self.field.db, self.field.vault, path or self.package,
                              private_key=self.people.alice.private_key, actor="alice")

    def rebuilt(self, change: Callable[[dict[str, bytes]], None], name: str) -> Path:
        """The package to alice with its entries changed by ``change``; the signature kept."""
        clear = io.BytesIO()
        with self.package.open("rb") as src:
            decrypt_stream(src, clear, self.people.alice.private_key)
        with zipfile.ZipFile(clear) as zf:
            entries = {n: zf.read(n) for n in zf.namelist()}
        change(entries)
        return _seal(entries, self.people.alice.public_key, self.tmp / name)

    def unchanged(self) -> Callable[[], None]:
        """A check that the field's database, vault and forms are as they are now."""
        rows = snapshot(self.field.db)
        files = files_under(self.field.vault.root) if self.field.vault.root.exists() else set()
        forms = (files_under(checklists.user_forms_dir())
                 if checklists.user_forms_dir().exists() else set())
        contents = {f: (checklists.user_forms_dir() / f).read_bytes() for f in forms}

        def check() -> None:
            assert snapshot(self.field.db) == rows
            root = self.field.vault.root
            assert (files_under(root) if root.exists() else set()) == files
            now = checklists.user_forms_dir()
            assert (files_under(now) if now.exists() else set()) == forms
            assert {f: (now / f).read_bytes() for f in forms} == contents

        return check


def _seal(entries: dict[str, bytes], public_key: object, path: Path) -> Path:
    plain = io.BytesIO()
    with PackageWriter(plain) as writer:
        writer.add_bytes("manifest.json", entries.pop("manifest.json"))
        writer.add_bytes("manifest.sig", entries.pop("manifest.sig"))
        for name, data in entries.items():
            if name.startswith("forms/"):
                form_id, version = name.removeprefix("forms/").removesuffix(".toml").split("/")
                writer.add_form(form_id, version, data)
        for name, data in entries.items():
            if name.startswith("evidence/"):
                writer.add_evidence(name.removeprefix("evidence/"), io.BytesIO(data), len(data))
    out = io.BytesIO()
    plain.seek(0)
    encrypt_stream(plain, out, public_key, chunk_size=4096)  # type: ignore[arg-type]
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def world(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
          monkeypatch: pytest.MonkeyPatch) -> World:
    """The office has published ecommerce-trust@1.1; the field laptop (another home) has not."""
    from dbfixtures import migrated_url

    office_home, field_home = tmp_path / "office-home", tmp_path / "field-home"
    monkeypatch.setenv("CERTBENCH_HOME", str(office_home))
    checklists.install_form(_republished("1.1"))
    people = People.make()
    body = new_id()
    base = tmp_path_factory.getbasetemp()
    office = make_site("office", migrated_url("sqlite", tmp_path, base, None), tmp_path, people,
                       body)
    field = make_site("field", migrated_url("sqlite", tmp_path, base, None), tmp_path, people,
                      body)
    connect(office, field, people)
    audit_id = new_audit(office, people, form_ref=f"{FORM_ID}@1.1")
    package = tmp_path / "down.cbpkg"
    export_package(office.db, office.vault, package, key=people.oscar, audit_ids=[audit_id],
                   kind="assignments", recipient=people.alice.public_key)
    monkeypatch.setenv("CERTBENCH_HOME", str(field_home))
    return World(office, field, people, tmp_path, field_home, audit_id, package)


def _code(excinfo: pytest.ExceptionInfo[PackageError]) -> str:
    return str(excinfo.value.context["code"])


# -- the round trip -------------------------------------------------------------------


def test_a_new_form_version_travels_to_the_field_and_is_installed(world: World) -> None:
    assert checklists.form_path(FORM_ID, "1.1") is None
    seen = inspect_package(world.package, private_key=world.people.alice.private_key,
                           db=world.field.db)
    assert [(f.ref, f.installed) for f in seen.carried_forms] == [(f"{FORM_ID}@1.1", False)]
    assert seen.forms_ok and seen.verified
    assert not checklists.user_forms_dir().exists()  # inspecting installed nothing

    result = world.import_field()
    assert result.forms_installed == 1 and result.counts.inserted > 0
    installed = checklists.user_forms_dir() / FORM_ID / "1.1.toml"
    assert installed.read_text(encoding="utf-8") == _republished("1.1")
    form = checklists.find_form(f"{FORM_ID}@1.1")
    with world.field.db.session() as s:
        audit = s.get(Audit, world.audit_id)
        assert audit is not None
        assert (audit.form_version, audit.form_hash) == ("1.1", form.hash)

    again = inspect_package(world.package, private_key=world.people.alice.private_key,
                            db=world.field.db)
    assert [(f.ref, f.installed) for f in again.carried_forms] == [(f"{FORM_ID}@1.1", True)]


def test_a_form_already_installed_with_the_same_hash_is_left_alone(world: World) -> None:
    checklists.install_form(_republished("1.1"))
    installed = checklists.user_forms_dir() / FORM_ID / "1.1.toml"
    before = installed.stat().st_mtime_ns
    result = world.import_field()
    assert result.forms_installed == 0 and result.counts.inserted > 0
    assert installed.stat().st_mtime_ns == before


def test_assignments_of_a_bundled_form_carry_it_and_install_nothing(world: World,
                                                                    tmp_path: Path) -> None:
    audit_id = new_audit(world.office, world.people)
    path = tmp_path / "bundled.cbpkg"
    export_package(world.office.db, world.office.vault, path, key=world.people.oscar,
                   audit_ids=[audit_id], kind="assignments", recipient=None)
    with zipfile.ZipFile(path) as zf:
        assert f"forms/{FORM_ID}/1.0.toml" in zf.namelist()
    result = import_package(world.field.db, world.field.vault, path,
                            private_key=None, actor="alice", allow_unencrypted=True)
    assert result.forms_installed == 0
    assert not checklists.user_forms_dir().exists()


def test_audits_packages_carry_no_forms(world: World, tmp_path: Path) -> None:
    path = tmp_path / "up.cbpkg"
    export_package(world.office.db, world.office.vault, path, key=world.people.alice,
                   audit_ids=[world.audit_id], recipient=None)
    with zipfile.ZipFile(path) as zf:
        assert not [n for n in zf.namelist() if n.startswith("forms/")]


# -- refusals -------------------------------------------------------------------------


def test_a_tampered_form_is_refused_and_nothing_is_installed(world: World) -> None:
    def tamper(entries: dict[str, bytes]) -> None:
        entries[ENTRY] = _republished("1.1", bump=True).encode()

    path = world.rebuilt(tamper, "tampered.cbpkg")
    unchanged = world.unchanged()
    with pytest.raises(PackageError) as info:
        world.import_field(path)
    assert _code(info) == "form_mismatch" and "altered" in info.value.message
    unchanged()
    assert not checklists.user_forms_dir().exists()
    seen = inspect_package(path, private_key=world.people.alice.private_key, db=world.field.db)
    assert not seen.forms_ok and not seen.verified and seen.carried_forms == ()
    assert any("altered" in p for p in seen.problems)


def test_a_rebuilt_package_with_its_form_intact_still_imports(world: World) -> None:
    """The control for the refusals below: rebuilding alone breaks nothing."""
    result = world.import_field(world.rebuilt(lambda entries: None, "same.cbpkg"))
    assert result.forms_installed == 1 and result.counts.inserted > 0


def test_a_carried_form_under_another_entry_name_is_refused(world: World) -> None:
    def rename(entries: dict[str, bytes]) -> None:
        entries[ENTRY] = _republished("1.2").encode()

    unchanged = world.unchanged()
    with pytest.raises(PackageError) as info:
        world.import_field(world.rebuilt(rename, "renamed.cbpkg"))
    assert _code(info) == "form_mismatch"
    unchanged()


def test_a_carried_form_that_is_not_a_form_is_refused(world: World) -> None:
    def garble(entries: dict[str, bytes]) -> None:
        entries[ENTRY] = b"format = 1\nid = = broken"

    unchanged = world.unchanged()
    with pytest.raises(PackageError) as info:
        world.import_field(world.rebuilt(garble, "garbled.cbpkg"))
    assert _code(info) == "bad_form"
    unchanged()


def test_a_form_installed_with_other_content_is_never_replaced(world: World) -> None:
    other = _republished("1.1", bump=True)
    checklists.install_form(other)
    unchanged = world.unchanged()
    with pytest.raises(PackageError) as info:
        world.import_field()
    assert _code(info) == "form_conflict"
    unchanged()
    installed = checklists.user_forms_dir() / FORM_ID / "1.1.toml"
    assert installed.read_text(encoding="utf-8") == other


def test_a_pinned_form_neither_carried_nor_installed_is_unknown(world: World) -> None:
    def drop(entries: dict[str, bytes]) -> None:
        del entries[ENTRY]

    unchanged = world.unchanged()
    with pytest.raises(PackageError) as info:
        world.import_field(world.rebuilt(drop, "dropped.cbpkg"))
    assert _code(info) == "unknown_form"
    unchanged()


def test_a_form_the_manifest_does_not_pin_is_refused(world: World) -> None:
    def add(entries: dict[str, bytes]) -> None:
        entries[f"forms/{FORM_ID}/1.2.toml"] = _republished("1.2").encode()

    unchanged = world.unchanged()
    with pytest.raises(PackageError) as info:
        world.import_field(world.rebuilt(add, "extra.cbpkg"))
    assert _code(info) == "bad_manifest"
    unchanged()


def test_an_audits_package_may_not_carry_forms(world: World, tmp_path: Path) -> None:
    """Forms are published by the office: an assessor cannot push one to it."""
    audit_id = new_audit(world.field, world.people)
    up = tmp_path / "up.cbpkg"
    export_package(world.field.db, world.field.vault, up, key=world.people.alice,
                   audit_ids=[audit_id], recipient=world.people.inbox.public_key)
    clear = io.BytesIO()
    with up.open("rb") as src:
        decrypt_stream(src, clear, world.people.inbox.private_key)
    with zipfile.ZipFile(clear) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries[f"forms/{FORM_ID}/1.0.toml"] = checklists.form_source(FORM_ID, "1.0").encode()
    path = _seal(entries, world.people.inbox.public_key, tmp_path / "pushy.cbpkg")
    before = snapshot(world.office.db)
    with pytest.raises(PackageError) as info:
        import_package(world.office.db, world.office.vault, path,
                       private_key=world.people.inbox.private_key, actor="oscar")
    assert _code(info) == "sender_not_allowed" and "forms" in info.value.message
    assert snapshot(world.office.db) == before


def test_export_refuses_a_form_that_no_longer_hashes_as_pinned(world: World,
                                                               tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    monkeypatch.setenv("CERTBENCH_HOME", str(tmp_path / "office-home"))
    installed = checklists.user_forms_dir() / FORM_ID / "1.1.toml"
    installed.write_text(_republished("1.1", bump=True), encoding="utf-8")
    target = tmp_path / "bad.cbpkg"
    with pytest.raises(PackageError) as info:
        export_package(world.office.db, world.office.vault, target, key=world.people.oscar,
                       audit_ids=[world.audit_id], kind="assignments", recipient=None)
    assert _code(info) == "form_mismatch"
    assert not target.exists()


# -- the command line -----------------------------------------------------------------


def test_cli_inspect_without_a_database_creates_none(world: World, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "alice.key"
    save_key(key_file, world.people.alice, "pw")
    monkeypatch.setenv("CERTBENCH_PASSPHRASE", "pw")
    before = files_under(world.field_home) if world.field_home.exists() else set()
    code = main(["package", "inspect", str(world.package), "--key", str(key_file)])
    out = capsys.readouterr().out
    assert code == 1  # the sender could not be checked, so it is not verified
    assert "no database here" in out and f"carried {FORM_ID}@1.1" in out and "new" in out
    assert (files_under(world.field_home) if world.field_home.exists() else set()) == before
    assert not (world.field_home / "certbench.sqlite3").exists()

    code = main(["package", "inspect", str(world.package), "--key", str(key_file), "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert shown["database"] is False and shown["sender_verified"] is None
    assert shown["carried_forms"][0]["installed"] is False
    assert not (world.field_home / "certbench.sqlite3").exists()


def test_cli_inspect_as_a_user_needs_a_database(world: World,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["package", "inspect", str(world.package), "--as", "alice"])
    assert code != 0 and "--key" in capsys.readouterr().err
    assert not (world.field_home / "certbench.sqlite3").exists()
