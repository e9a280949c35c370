"""Forged, hostile and damaged packages: each refused with its own error, nothing changed."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import zipcraft
from syncworld import People, Site, connect, files_under, make_site, new_audit, snapshot
from zipcraft import Entry

from certbench.certify.keys import generate_user_key
from certbench.errors import PackageError
from certbench.storage import User, new_id
from certbench.sync.archive import ArchiveLimits
from certbench.sync.devices import register_device
from certbench.sync.envelope import decrypt_stream, encrypt_stream
from certbench.sync.exporter import export_package
from certbench.sync.importer import import_package
from certbench.sync.inspection import inspect_package
from certbench.sync.manifest import sign_manifest


@dataclass
class Bench:
    office: Site
    field: Site
    people: People
    tmp: Path
    audit_id: str
    plain: Path
    """A genuine, unencrypted package of the field's audit (for inspection only)."""
    genuine: Path
    """The same, encrypted to the office."""

    def parts(self) -> tuple[bytes, bytes, dict[str, bytes]]:
        """manifest.json, manifest.sig and the evidence of the genuine package (to the office)."""
        clear = io.BytesIO()
        with self.genuine.open("rb") as src:
            decrypt_stream(src, clear, self.people.inbox.private_key)
        with zipfile.ZipFile(clear) as zf:
            evidence = {n: zf.read(n) for n in zf.namelist() if n.startswith("evidence/")}
            return zf.read("manifest.json"), zf.read("manifest.sig"), evidence

    def sealed(self, data: bytes, name: str = "hostile.cbpkg") -> Path:
        """``data`` encrypted to the office, as a real package would be."""
        out = io.BytesIO()
        encrypt_stream(io.BytesIO(data), out, self.people.inbox.public_key, chunk_size=1024)
        path = self.tmp / "incoming" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(out.getvalue())
        return path

    def import_(self, path: Path, *, limits: ArchiveLimits | None = None,
                allow_unencrypted: bool = False) -> None:
        import_package(self.office.db, self.office.vault, path,
                       private_key=self.people.inbox.private_key, actor="oscar", limits=limits,
                       allow_unencrypted=allow_unencrypted)


def _make_bench(tmp_path: Path, session_dir: Path) -> Bench:
    from dbfixtures import migrated_url

    people = People.make()
    body = new_id()
    urls = [migrated_url("sqlite", tmp_path, session_dir, None) for _ in range(2)]
    office = make_site("office", urls[0], tmp_path, people, body)
    field = make_site("field", urls[1], tmp_path, people, body)
    connect(office, field, people)
    audit_id = new_audit(field, people)
    plain = tmp_path / "plain.cbpkg"
    export_package(field.db, field.vault, plain, key=people.alice, audit_ids=[audit_id],
                   recipient=None)
    genuine = tmp_path / "genuine.cbpkg"
    export_package(field.db, field.vault, genuine, key=people.alice, audit_ids=[audit_id],
                   recipient=people.inbox.public_key)
    return Bench(office, field, people, tmp_path, audit_id, plain, genuine)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    """One office and field for the whole module: every refusal must leave it unchanged.

    Tests that change the office's settings (a user, a device) put them back.
    """
    made = _make_bench(tmp_path_factory.mktemp("bench"), tmp_path_factory.getbasetemp())
    yield made
    made.office.db.dispose()
    made.field.db.dispose()


def _refused(bench: Bench, action: Callable[[], object]) -> PackageError:
    """Run ``action``; expect a PackageError; the office DB, its vault and the disk unchanged."""
    before_db = snapshot(bench.office.db)
    outside = {p for p in files_under(bench.tmp) if not p.startswith("office-vault")}
    with pytest.raises(PackageError) as info:
        action()
    assert snapshot(bench.office.db) == before_db
    assert {p for p in files_under(bench.tmp)
            if not p.startswith("office-vault")} == outside, "a file was written outside"
    vault = bench.office.vault.root
    assert not vault.exists() or files_under(vault) == set(), "the vault changed"
    return info.value


def _zip(manifest: bytes, sig: bytes, evidence: dict[str, bytes],
         extra: list[Entry] | None = None, comment: bytes = zipcraft.COMMENT) -> bytes:
    entries = [Entry("manifest.json", manifest, method=8), Entry("manifest.sig", sig, method=8)]
    entries += [Entry(name, data) for name, data in evidence.items()]
    return zipcraft.build(entries + (extra or []), comment=comment)


def test_the_genuine_package_is_accepted(tmp_path: Path,
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    """The control: every refusal below differs from this package in one thing."""
    own = _make_bench(tmp_path, tmp_path_factory.getbasetemp())
    manifest, sig, evidence = own.parts()
    own.import_(own.sealed(_zip(manifest, sig, evidence)))
    assert own.office.vault.exists(hashlib.sha256(next(iter(evidence.values()))).hexdigest())
    own.office.db.dispose()
    own.field.db.dispose()


HOSTILE: list[tuple[str, Entry, str]] = [
    ("dotdot", Entry("../../outside.txt", b"x"), "path_traversal"),
    ("absolute", Entry("/tmp/outside.txt", b"x"), "absolute_path"),
    ("backslash", Entry("..\\outside.txt", b"x"), "backslash"),
    ("symlink", Entry("evidence/" + "0" * 64, b"/etc/passwd",
                      mode=0o120777), "link"),
    ("duplicate", Entry("manifest.json", b"{}", method=8), "duplicate_name"),
    ("case-duplicate", Entry("Manifest.JSON", b"{}", method=8), "duplicate_name"),
    ("non-utf8", Entry(b"evidence/\xff", b"x"), "non_utf8_name"),
    ("unexpected", Entry("autorun.inf", b"x"), "unexpected_entry"),
    ("bomb", Entry("evidence/" + hashlib.sha256(bytes(4 << 20)).hexdigest(), bytes(4 << 20),
                   method=8), "compression_ratio"),
]


@pytest.mark.parametrize(("label", "entry", "code"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_archives_are_refused_and_change_nothing(bench: Bench, label: str, entry: Entry,
                                                         code: str) -> None:
    manifest, sig, evidence = bench.parts()
    path = bench.sealed(_zip(manifest, sig, evidence, [entry]))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == code


def test_too_many_entries_are_refused(bench: Bench) -> None:
    manifest, sig, evidence = bench.parts()
    path = bench.sealed(_zip(manifest, sig, evidence))
    error = _refused(bench, lambda: bench.import_(path, limits=ArchiveLimits(max_entries=3)))
    assert error.context["code"] == "too_many_entries"


def test_oversized_packages_are_refused(bench: Bench) -> None:
    manifest, sig, evidence = bench.parts()
    path = bench.sealed(_zip(manifest, sig, evidence))
    error = _refused(bench, lambda: bench.import_(path, limits=ArchiveLimits(max_total_bytes=1000)))
    assert error.context["code"] == "too_large"


def test_unknown_format_version_is_refused(bench: Bench) -> None:
    manifest, sig, evidence = bench.parts()
    path = bench.sealed(_zip(manifest, sig, evidence, comment=b"certbench-package/9"))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "unknown_version"


def test_unknown_manifest_version_is_refused(bench: Bench) -> None:
    manifest, sig, evidence = bench.parts()
    path = bench.sealed(_zip(manifest.replace(b'"version":1', b'"version":2'), sig, evidence))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "unknown_version"


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.99])
def test_truncated_packages_are_refused(bench: Bench, cut: float) -> None:
    manifest, sig, evidence = bench.parts()
    path = bench.sealed(_zip(manifest, sig, evidence))
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * cut)])
    error = _refused(bench, lambda: bench.import_(path))
    assert error.context["code"] in {"truncated", "damaged"}


def test_truncated_zip_inside_a_sound_envelope_is_refused(bench: Bench) -> None:
    manifest, sig, evidence = bench.parts()
    data = _zip(manifest, sig, evidence)
    path = bench.sealed(data[:-40])
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "truncated"


def test_a_flipped_byte_anywhere_in_the_ciphertext_is_refused(bench: Bench) -> None:
    manifest, sig, evidence = bench.parts()
    path = bench.sealed(_zip(manifest, sig, evidence))
    data = bytearray(path.read_bytes())
    for at in (200, len(data) // 2, len(data) - 5):
        spoiled = bytearray(data)
        spoiled[at] ^= 0x40
        path.write_bytes(bytes(spoiled))
        assert _refused(bench, lambda: bench.import_(path)).context["code"] == "damaged"


def test_tampered_manifest_fails_the_signature(bench: Bench) -> None:
    manifest, sig, evidence = bench.parts()
    forged = manifest.replace(b'"note":"note MER-01"', b'"note":"all good, honest"')
    assert forged != manifest
    path = bench.sealed(_zip(forged, sig, evidence))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "bad_signature"


def test_evidence_swapped_under_a_valid_signature_is_refused(bench: Bench) -> None:
    manifest, sig, evidence = bench.parts()
    name = next(iter(evidence))
    evidence[name] = b"X" + evidence[name][1:]
    path = bench.sealed(_zip(manifest, sig, evidence))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "hash_mismatch"


def test_evidence_missing_from_the_package_is_refused(bench: Bench) -> None:
    manifest, sig, evidence = bench.parts()
    evidence.pop(next(iter(evidence)))
    path = bench.sealed(_zip(manifest, sig, evidence))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "bad_manifest"


def test_a_package_re_signed_by_another_user_is_refused(bench: Bench) -> None:
    """Bob signs alice's manifest with his own (known) key: the signature names the wrong key."""
    manifest, _sig, evidence = bench.parts()
    sig = sign_manifest(manifest, bench.people.bob.private_key, bench.people.bob.kid).encode()
    path = bench.sealed(_zip(manifest, sig, evidence))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "bad_signature"


def test_a_package_re_signed_as_another_user_is_refused(bench: Bench) -> None:
    """Bob rewrites the sender to himself and signs: he is not an assessor of that audit."""
    manifest, _sig, evidence = bench.parts()
    forged = manifest.replace(b'"user":"alice"', b'"user":"bob"').replace(
        bench.people.alice.kid.encode(), bench.people.bob.kid.encode())
    sig = sign_manifest(forged, bench.people.bob.private_key, bench.people.bob.kid).encode()
    path = bench.sealed(_zip(forged, sig, evidence))
    error = _refused(bench, lambda: bench.import_(path))
    assert error.context["code"] == "sender_not_allowed"


def test_a_key_the_office_does_not_know_is_refused(bench: Bench) -> None:
    mallory = generate_user_key("alice")
    manifest, _sig, evidence = bench.parts()
    forged = manifest.replace(bench.people.alice.kid.encode(), mallory.kid.encode())
    sig = sign_manifest(forged, mallory.private_key, mallory.kid).encode()
    path = bench.sealed(_zip(forged, sig, evidence))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "unknown_sender"


def _set_active(bench: Bench, active: bool) -> None:
    with bench.office.db.session() as s:
        s.get(User, bench.people.ids["alice"]).active = active  # type: ignore[union-attr]


def test_an_unknown_sender_is_refused(bench: Bench) -> None:
    _set_active(bench, False)
    try:
        path = bench.sealed(_zip(*bench.parts()))
        assert _refused(bench, lambda: bench.import_(path)).context["code"] == "unknown_sender"
    finally:
        _set_active(bench, True)


def test_a_package_from_an_unknown_device_is_refused(bench: Bench) -> None:
    from certbench.storage.sync_models import SyncDevice

    with bench.office.db.session() as s:
        s.delete(s.get(SyncDevice, bench.field.device_id))
    try:
        path = bench.sealed(_zip(*bench.parts()))
        error = _refused(bench, lambda: bench.import_(path))
        assert error.context["code"] == "unknown_device"
        assert "register" in error.message
    finally:
        with bench.office.db.session() as s:
            register_device(s, bench.field.device_id, "field laptop", "alice")


def test_a_device_registered_to_someone_else_is_refused(bench: Bench) -> None:
    with bench.office.db.session() as s:
        register_device(s, bench.field.device_id, "bob's laptop", "bob")
    try:
        path = bench.sealed(_zip(*bench.parts()))
        error = _refused(bench, lambda: bench.import_(path))
        assert error.context["code"] == "sender_not_allowed"
    finally:
        with bench.office.db.session() as s:
            register_device(s, bench.field.device_id, "field laptop", "alice")


def test_an_assessor_may_not_send_assignments(bench: Bench) -> None:
    manifest, _sig, evidence = bench.parts()
    forged = manifest.replace(b'"kind":"audits"', b'"kind":"assignments"')
    sig = sign_manifest(forged, bench.people.alice.private_key, bench.people.alice.kid).encode()
    path = bench.sealed(_zip(forged, sig, evidence))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "sender_not_allowed"


def test_a_package_for_another_recipient_is_refused(bench: Bench) -> None:
    path = bench.tmp / "for-alice.cbpkg"
    export_package(bench.field.db, bench.field.vault, path, key=bench.people.alice,
                   audit_ids=[bench.audit_id], recipient=bench.people.oscar.public_key)
    error = _refused(bench, lambda: bench.import_(path))
    assert error.context["code"] == "wrong_recipient"
    assert "not addressed to this key" in error.message


def test_an_unencrypted_package_is_for_inspection_only(bench: Bench) -> None:
    error = _refused(bench, lambda: bench.import_(bench.plain))
    assert error.context["code"] == "not_encrypted"
    seen = inspect_package(bench.plain, private_key=None, db=bench.office.db)
    assert seen.verified and not seen.encrypted


def test_inspect_reports_a_bad_signature_without_writing(bench: Bench) -> None:
    manifest, _sig, evidence = bench.parts()
    sig = sign_manifest(manifest, bench.people.bob.private_key, bench.people.bob.kid).encode()
    path = bench.sealed(_zip(manifest, sig, evidence))
    before = snapshot(bench.office.db)
    seen = inspect_package(path, private_key=bench.people.inbox.private_key, db=bench.office.db)
    assert not seen.verified and seen.sender_verified is False
    assert any("another key" in p for p in seen.problems)
    assert snapshot(bench.office.db) == before


def test_a_non_canonical_manifest_is_refused(bench: Bench) -> None:
    manifest, _sig, evidence = bench.parts()
    spaced = b"{ " + manifest[1:]
    sig = sign_manifest(spaced, bench.people.alice.private_key, bench.people.alice.kid).encode()
    path = bench.sealed(_zip(spaced, sig, evidence))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "bad_manifest"


def test_a_form_this_office_does_not_have_is_refused(bench: Bench) -> None:
    from certbench import checklists

    manifest, _sig, evidence = bench.parts()
    real = checklists.form_hash(checklists.find_form("ecommerce-trust@1.0")).encode()
    forged = manifest.replace(real, b"f" * 64)
    assert forged != manifest
    sig = sign_manifest(forged, bench.people.alice.private_key, bench.people.alice.kid).encode()
    path = bench.sealed(_zip(forged, sig, evidence))
    error = _refused(bench, lambda: bench.import_(path))
    assert error.context["code"] == "unknown_form"


def test_a_record_whose_revision_lies_is_refused(bench: Bench) -> None:
    """Signed by the real sender, but a record's content no longer matches its revision."""
    manifest, _sig, evidence = bench.parts()
    forged = manifest.replace(b'"note":"note MER-01"', b'"note":"note MER-0X"')
    sig = sign_manifest(forged, bench.people.alice.private_key, bench.people.alice.kid).encode()
    path = bench.sealed(_zip(forged, sig, evidence))
    assert _refused(bench, lambda: bench.import_(path)).context["code"] == "bad_manifest"


def _cancel_after(calls: int) -> Callable[[], bool]:
    seen = [0]

    def cancelled() -> bool:
        seen[0] += 1
        return seen[0] > calls

    return cancelled


def test_a_cancelled_import_changes_nothing(bench: Bench) -> None:
    progress: list[float] = []
    error = _refused(bench, lambda: import_package(
        bench.office.db, bench.office.vault, bench.genuine,
        private_key=bench.people.inbox.private_key, actor="oscar",
        progress=lambda f, _label: progress.append(f), cancelled=_cancel_after(1)))
    assert error.context["code"] == "cancelled"
    assert progress and progress[-1] < 1.0


def test_a_cancelled_export_leaves_no_file(bench: Bench) -> None:
    target = bench.tmp / "cancelled.cbpkg"
    with pytest.raises(PackageError) as info:
        export_package(bench.field.db, bench.field.vault, target, key=bench.people.alice,
                       audit_ids=[bench.audit_id], recipient=bench.people.inbox.public_key,
                       cancelled=_cancel_after(1))
    assert info.value.context["code"] == "cancelled"
    assert not target.exists() and not target.with_name(target.name + ".partial").exists()


def test_export_reports_progress_up_to_the_end(bench: Bench) -> None:
    seen: list[float] = []
    export_package(bench.field.db, bench.field.vault, bench.tmp / "progress.cbpkg",
                   key=bench.people.alice, audit_ids=[bench.audit_id],
                   recipient=bench.people.inbox.public_key,
                   progress=lambda f, _label: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
