"""The package container: what it writes, and every hostile archive it refuses."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
import zipcraft
from zipcraft import Entry

from certbench.errors import PackageError
from certbench.sync.archive import (
    ArchiveLimits,
    PackageReader,
    PackageWriter,
    evidence_name,
    form_entry_name,
)

MANIFEST = b'{"format":"certbench-package","version":1}'
BLOB = os.urandom(5000)
SHA = hashlib.sha256(BLOB).hexdigest()
OTHER = os.urandom(3000)
OTHER_SHA = hashlib.sha256(OTHER).hexdigest()


def _good_entries() -> list[Entry]:
    return [
        Entry("manifest.json", MANIFEST, method=8),
        Entry("manifest.sig", b"header.payload.signature", method=8),
        Entry(f"evidence/{SHA}", BLOB),
    ]


def _write_package(path: Path, blobs: dict[str, bytes]) -> None:
    with path.open("wb") as f, PackageWriter(f) as writer:
        writer.add_bytes("manifest.json", MANIFEST)
        for sha, data in blobs.items():
            writer.add_evidence(sha, io.BytesIO(data), len(data))
        writer.add_bytes("manifest.sig", b"sig")


def _refusal(tmp_path: Path, data: bytes, limits: ArchiveLimits | None = None) -> PackageError:
    """Open ``data`` as a package, expect a refusal, and check nothing was written."""
    path = tmp_path / "hostile.cbpkg"
    path.write_bytes(data)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(PackageError) as info, PackageReader(path, limits) as reader:
        for entry in reader.evidence:
            reader.verify_evidence(entry.sha256 or "")
        for entry in reader.forms:
            reader.read_form(*(entry.form or ("", "")))
        reader.read_metadata("manifest.json")
        reader.read_metadata("manifest.sig")
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    return info.value


# ------------------------------------------------------------------ writing


def test_writer_stores_evidence_and_deflates_metadata(tmp_path: Path) -> None:
    path = tmp_path / "p.cbpkg"
    _write_package(path, {SHA: BLOB, OTHER_SHA: OTHER})
    with zipfile.ZipFile(path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        assert zf.comment == b"certbench-package/1"
        assert zf.testzip() is None
    assert set(infos) == {"manifest.json", "manifest.sig", f"evidence/{SHA}",
                          f"evidence/{OTHER_SHA}"}
    assert infos[f"evidence/{SHA}"].compress_type == zipfile.ZIP_STORED
    assert infos["manifest.json"].compress_type == zipfile.ZIP_DEFLATED
    for info in infos.values():
        assert stat.S_ISREG(info.external_attr >> 16)


def test_reader_round_trips_what_the_writer_wrote(tmp_path: Path) -> None:
    path = tmp_path / "p.cbpkg"
    _write_package(path, {SHA: BLOB, OTHER_SHA: OTHER})
    with PackageReader(path) as reader:
        assert reader.read_metadata("manifest.json") == MANIFEST
        assert {e.sha256 for e in reader.evidence} == {SHA, OTHER_SHA}
        assert reader.total_evidence_bytes == len(BLOB) + len(OTHER)
        sink = io.BytesIO()
        assert reader.copy_evidence(SHA, sink) == len(BLOB)
        assert sink.getvalue() == BLOB


def test_writer_refuses_evidence_that_does_not_hash_to_its_name(tmp_path: Path) -> None:
    with (tmp_path / "p.cbpkg").open("wb") as f, PackageWriter(f) as writer:
        with pytest.raises(PackageError) as info:
            writer.add_evidence(SHA, io.BytesIO(OTHER), len(OTHER))
        assert info.value.context["code"] == "hash_mismatch"


def test_writer_refuses_evidence_of_the_wrong_size(tmp_path: Path) -> None:
    with (tmp_path / "p.cbpkg").open("wb") as f, PackageWriter(f) as writer:
        with pytest.raises(PackageError) as info:
            writer.add_evidence(SHA, io.BytesIO(BLOB), len(BLOB) - 1)
        assert info.value.context["code"] == "size_mismatch"


def test_writer_refuses_names_outside_the_package_shapes(tmp_path: Path) -> None:
    with (tmp_path / "p.cbpkg").open("wb") as f, PackageWriter(f) as writer:
        with pytest.raises(ValueError, match="metadata"):
            writer.add_bytes("../x", b"")
        with pytest.raises(ValueError, match="SHA-256"):
            evidence_name("../../etc/passwd")


def test_crafted_good_package_is_accepted(tmp_path: Path) -> None:
    """The hostile corpus below differs from this accepted package in one thing each."""
    path = tmp_path / "ok.cbpkg"
    path.write_bytes(zipcraft.build(_good_entries()))
    with PackageReader(path) as reader:
        assert reader.verify_evidence(SHA) == len(BLOB)
        assert reader.read_metadata("manifest.json") == MANIFEST


# ------------------------------------------------------------------ the hostile corpus

LINK = stat.S_IFLNK | 0o777
HOSTILE_NAMES: list[tuple[str, bytes | str, str]] = [
    ("dotdot", "../manifest.json", "path_traversal"),
    ("dotdot-inside", f"evidence/../../{SHA}", "path_traversal"),
    ("dotdot-end", "evidence/..", "path_traversal"),
    ("absolute", "/etc/passwd", "absolute_path"),
    ("backslash", "evidence\\..\\..\\x", "backslash"),
    ("drive", "C:/Windows/x", "drive_letter"),
    ("drive-relative", "c:manifest.json", "drive_letter"),
    ("dot", f"evidence/./{SHA}", "bad_name"),
    ("empty-part", f"evidence//{SHA}", "bad_name"),
    ("nul", "manifest.json\x00.txt", "bad_name"),
    ("newline", "manifest\n.json", "bad_name"),
    ("unexpected", "readme.txt", "unexpected_entry"),
    ("upper-hex", f"evidence/{OTHER_SHA.upper()}", "unexpected_entry"),
    ("short-hash", "evidence/abcd", "unexpected_entry"),
    ("nested", f"evidence/{SHA}/x", "unexpected_entry"),
    ("non-utf8-unflagged", b"evidence/\xff\xfe", "non_utf8_name"),
    ("latin1-unflagged", "r\u00e9sum\u00e9".encode("latin-1"), "non_utf8_name"),
]


@pytest.mark.parametrize(("label", "name", "code"), HOSTILE_NAMES,
                         ids=[h[0] for h in HOSTILE_NAMES])
def test_hostile_names_are_refused(tmp_path: Path, label: str, name: bytes | str,
                                   code: str) -> None:
    entries = [*_good_entries(), Entry(name, b"x")]
    error = _refusal(tmp_path, zipcraft.build(entries))
    assert error.context["code"] == code, error.message


def test_name_flagged_utf8_but_invalid_is_refused(tmp_path: Path) -> None:
    entries = [*_good_entries(), Entry(b"evidence/\xc3\x28", b"x", flags=0x800)]
    assert _refusal(tmp_path, zipcraft.build(entries)).context["code"] == "non_utf8_name"


HOSTILE_KINDS: list[tuple[str, Entry, str]] = [
    ("symlink", Entry(f"evidence/{OTHER_SHA}", b"/etc/passwd", mode=LINK), "link"),
    ("directory-name", Entry("evidence/", b""), "directory"),
    ("directory-mode", Entry(f"evidence/{OTHER_SHA}", b"", mode=stat.S_IFDIR | 0o755),
     "directory"),
    ("dos-directory", Entry(f"evidence/{OTHER_SHA}", b"", create_system=0, mode=0,
                            dos_attr=0x10), "directory"),
    ("fifo", Entry(f"evidence/{OTHER_SHA}", b"", mode=stat.S_IFIFO | 0o644), "special_file"),
    ("device", Entry(f"evidence/{OTHER_SHA}", b"", mode=stat.S_IFCHR | 0o644), "special_file"),
    ("zip-encrypted", Entry(f"evidence/{OTHER_SHA}", OTHER, flags=0x1), "encrypted_entry"),
    ("bzip2", Entry(f"evidence/{OTHER_SHA}", OTHER, method=12), "unsupported_compression"),
    ("stored-sizes-differ", Entry(f"evidence/{OTHER_SHA}", OTHER, declared_compressed=10),
     "size_mismatch"),
]


@pytest.mark.parametrize(("label", "entry", "code"), HOSTILE_KINDS,
                         ids=[h[0] for h in HOSTILE_KINDS])
def test_hostile_entry_kinds_are_refused(tmp_path: Path, label: str, entry: Entry,
                                         code: str) -> None:
    error = _refusal(tmp_path, zipcraft.build([*_good_entries(), entry]))
    assert error.context["code"] == code, error.message


@pytest.mark.parametrize("duplicate", ["manifest.json", "MANIFEST.JSON", "Manifest.json"])
def test_duplicate_and_case_folded_duplicate_names_are_refused(tmp_path: Path,
                                                               duplicate: str) -> None:
    entries = [*_good_entries(), Entry(duplicate, b"{}", method=8)]
    error = _refusal(tmp_path, zipcraft.build(entries))
    assert error.context["code"] == "duplicate_name"


def test_duplicate_evidence_name_is_refused(tmp_path: Path) -> None:
    entries = [*_good_entries(), Entry(f"evidence/{SHA}", BLOB)]
    assert _refusal(tmp_path, zipcraft.build(entries)).context["code"] == "duplicate_name"


def test_too_many_entries_are_refused_before_the_directory_is_parsed(tmp_path: Path) -> None:
    blobs = [os.urandom(16) for _ in range(10)]
    entries = [*_good_entries()] + [Entry(f"evidence/{hashlib.sha256(b).hexdigest()}", b)
                                    for b in blobs]
    error = _refusal(tmp_path, zipcraft.build(entries), ArchiveLimits(max_entries=5))
    assert error.context["code"] == "too_many_entries"


def test_total_declared_size_over_the_limit_is_refused(tmp_path: Path) -> None:
    error = _refusal(tmp_path, zipcraft.build(_good_entries()),
                     ArchiveLimits(max_total_bytes=4096))
    assert error.context["code"] == "too_large"


def test_oversized_manifest_is_refused(tmp_path: Path) -> None:
    entries = _good_entries()
    entries[0] = Entry("manifest.json", b" " * 5000, method=8)
    error = _refusal(tmp_path, zipcraft.build(entries),
                     ArchiveLimits(max_metadata_bytes=4096, max_ratio=10_000))
    assert error.context["code"] == "too_large"


def test_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    zeros = bytes(10 << 20)
    entries = [*_good_entries(),
               Entry(f"evidence/{hashlib.sha256(zeros).hexdigest()}", zeros, method=8)]
    error = _refusal(tmp_path, zipcraft.build(entries))
    assert error.context["code"] == "compression_ratio"
    assert "zip bomb" in error.message


def test_overlapping_entries_are_refused(tmp_path: Path) -> None:
    """Two names sharing one body: the overlapping-file bomb."""
    entries = [*_good_entries(), Entry(f"evidence/{OTHER_SHA}", BLOB, offset=0)]
    error = _refusal(tmp_path, zipcraft.build(entries))
    assert error.context["code"] == "overlapping_entries"


def test_header_declaring_fewer_bytes_than_the_data_is_refused(tmp_path: Path) -> None:
    """A lying size: the CRC over the declared bytes no longer matches."""
    entries = _good_entries()
    entries[2] = Entry(f"evidence/{SHA}", BLOB, declared_size=100, declared_compressed=100)
    error = _refusal(tmp_path, zipcraft.build(entries))
    assert error.context["code"] == "corrupt_entry"


def test_deflated_entry_shorter_than_declared_is_refused(tmp_path: Path) -> None:
    data = b"{" + b"1234567890" * 100 + b"}"
    entries = _good_entries()
    entries[0] = Entry("manifest.json", data, method=8, declared_size=len(data) + 500)
    error = _refusal(tmp_path, zipcraft.build(entries))
    assert error.context["code"] == "size_mismatch"
    assert error.context["entry"] == "manifest.json"


def test_lying_size_with_matching_crc_is_cut_at_the_declared_size(tmp_path: Path) -> None:
    """Even with a CRC crafted for the first bytes, only the declared bytes come out."""
    import zlib

    data = b"{" + b"1234567890" * 100 + b"}"
    entries = _good_entries()
    entries[0] = Entry("manifest.json", data, method=8, declared_size=10,
                       crc=zlib.crc32(data[:10]))
    path = tmp_path / "p.cbpkg"
    path.write_bytes(zipcraft.build(entries))
    with PackageReader(path) as reader:
        assert reader.read_metadata("manifest.json") == data[:10]


def test_evidence_not_matching_its_hash_is_refused(tmp_path: Path) -> None:
    entries = _good_entries()
    entries[2] = Entry(f"evidence/{SHA}", OTHER)  # consistent CRC, wrong content
    error = _refusal(tmp_path, zipcraft.build(entries))
    assert error.context["code"] == "hash_mismatch"


def test_flipped_byte_in_stored_evidence_is_refused(tmp_path: Path) -> None:
    data = bytearray(zipcraft.build(_good_entries()))
    at = data.index(BLOB[:64]) + 2500
    data[at] ^= 0x01
    assert _refusal(tmp_path, bytes(data)).context["code"] == "corrupt_entry"


def test_unknown_container_version_is_refused(tmp_path: Path) -> None:
    error = _refusal(tmp_path, zipcraft.build(_good_entries(), comment=b"certbench-package/2"))
    assert error.context["code"] == "unknown_version"
    assert "version" in error.message


def test_zip_without_the_format_marker_is_refused(tmp_path: Path) -> None:
    error = _refusal(tmp_path, zipcraft.build(_good_entries(), comment=b""))
    assert error.context["code"] == "not_a_package"


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    assert _refusal(tmp_path, b"%PDF-1.7\n" + os.urandom(200)).context["code"] == "not_a_package"
    assert _refusal(tmp_path, b"").context["code"] == "not_a_package"


def test_missing_manifest_is_refused(tmp_path: Path) -> None:
    error = _refusal(tmp_path, zipcraft.build(_good_entries()[1:]))
    assert error.context["code"] == "missing_entry"


def test_truncation_anywhere_is_refused(tmp_path: Path) -> None:
    """Cut the package at many points: every cut is refused, never half-read."""
    data = zipcraft.build(_good_entries())
    for cut in [*range(0, len(data), 97), len(data) - 1, len(data) - 22, len(data) - 30]:
        error = _refusal(tmp_path, data[:cut])
        assert error.context["code"] in {"truncated", "not_a_package"}, (cut, error.message)
        if cut >= 4:
            assert error.context["code"] == "truncated", (cut, error.message)


def test_cancel_stops_reading(tmp_path: Path) -> None:
    path = tmp_path / "p.cbpkg"
    big = os.urandom(3 << 20)
    sha = hashlib.sha256(big).hexdigest()
    _write_package(path, {sha: big})
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1

    with PackageReader(path) as reader, pytest.raises(PackageError) as info:
        reader.verify_evidence(sha, cancelled=cancelled)
    assert info.value.context["code"] == "cancelled"


# ------------------------------------------------------------------ carried forms

FORM_TOML = b'format = 1\nid = "mini-trust"\nversion = "1.1"\n' + b"# padding\n" * 50


def test_writer_and_reader_carry_a_form(tmp_path: Path) -> None:
    path = tmp_path / "p.cbpkg"
    with path.open("wb") as f, PackageWriter(f) as writer:
        writer.add_bytes("manifest.json", MANIFEST)
        writer.add_form("mini-trust", "1.1", FORM_TOML)
        writer.add_bytes("manifest.sig", b"sig")
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("forms/mini-trust/1.1.toml").compress_type == zipfile.ZIP_DEFLATED
    with PackageReader(path) as reader:
        assert [e.form for e in reader.forms] == [("mini-trust", "1.1")]
        assert reader.evidence == ()
        assert reader.read_form("mini-trust", "1.1") == FORM_TOML
        with pytest.raises(PackageError) as info:
            reader.read_form("mini-trust", "9.9")
        assert info.value.context["code"] == "missing_entry"


@pytest.mark.parametrize(("form_id", "version"), [
    ("../x", "1.0"), ("mini-trust", "../1.0"), ("Mini", "1.0"), ("a/b", "1.0"),
    ("mini-trust", ".hidden"), ("mini-trust", ""), ("", "1.0"), ("mini-trust", "1.0/x")])
def test_form_entry_names_keep_the_form_shapes(form_id: str, version: str) -> None:
    with pytest.raises(ValueError, match="form id and version"):
        form_entry_name(form_id, version)


HOSTILE_FORMS: list[tuple[str, Entry, str]] = [
    ("form-dotdot", Entry("forms/../manifest.toml", FORM_TOML, method=8), "path_traversal"),
    ("form-dotdot-version", Entry("forms/mini-trust/../1.1.toml", FORM_TOML, method=8),
     "path_traversal"),
    ("form-deeper", Entry("forms/mini-trust/1.1/x.toml", FORM_TOML, method=8),
     "unexpected_entry"),
    ("form-upper-id", Entry("forms/Mini/1.1.toml", FORM_TOML, method=8), "unexpected_entry"),
    ("form-not-toml", Entry("forms/mini-trust/1.1.sh", FORM_TOML, method=8),
     "unexpected_entry"),
    ("form-dot-version", Entry("forms/mini-trust/..toml", FORM_TOML, method=8),
     "unexpected_entry"),
    ("form-folder", Entry("forms/mini-trust/", b""), "directory"),
    ("form-link", Entry("forms/mini-trust/1.1.toml", b"/etc/passwd", mode=LINK), "link"),
    ("form-backslash", Entry("forms\\mini-trust\\1.1.toml", FORM_TOML), "backslash"),
    ("form-case-twin", Entry("FORMS/mini-trust/1.1.toml", FORM_TOML), "unexpected_entry"),
    ("form-lies-about-size", Entry("forms/mini-trust/1.1.toml", FORM_TOML, method=8,
                                   declared_size=10), "corrupt_entry"),
]


@pytest.mark.parametrize(("label", "entry", "code"), HOSTILE_FORMS,
                         ids=[h[0] for h in HOSTILE_FORMS])
def test_hostile_form_entries_are_refused(tmp_path: Path, label: str, entry: Entry,
                                          code: str) -> None:
    error = _refusal(tmp_path, zipcraft.build([*_good_entries(), entry]))
    assert error.context["code"] == code, error.message


def test_a_crafted_package_with_a_form_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "ok.cbpkg"
    entry = Entry("forms/mini-trust/1.1.toml", FORM_TOML, method=8)
    path.write_bytes(zipcraft.build([*_good_entries(), entry]))
    with PackageReader(path) as reader:
        assert reader.read_form("mini-trust", "1.1") == FORM_TOML


def test_too_many_forms_are_refused(tmp_path: Path) -> None:
    forms = [Entry(f"forms/mini-trust/1.{i}.toml", FORM_TOML, method=8) for i in range(3)]
    error = _refusal(tmp_path, zipcraft.build([*_good_entries(), *forms]),
                     ArchiveLimits(max_forms=2))
    assert error.context["code"] == "too_many_entries" and "forms" in error.message


def test_a_form_over_its_size_limit_is_refused(tmp_path: Path) -> None:
    entry = Entry("forms/mini-trust/1.1.toml", FORM_TOML, method=8)
    error = _refusal(tmp_path, zipcraft.build([*_good_entries(), entry]),
                     ArchiveLimits(max_form_bytes=len(FORM_TOML) - 1))
    assert error.context["code"] == "too_large"


def test_a_form_zip_bomb_is_refused(tmp_path: Path) -> None:
    entry = Entry("forms/mini-trust/1.1.toml", b"#" * (2 << 20), method=8)
    error = _refusal(tmp_path, zipcraft.build([*_good_entries(), entry]))
    assert error.context["code"] == "compression_ratio"
