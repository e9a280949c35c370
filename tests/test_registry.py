"""The registry: append-only log, signed heads, proofs, status, and rewrite detection."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sealkit

from certbench.canonical import canonical_bytes
from certbench.certify.keys import IssuerKey
from certbench.certify.merkle import leaf_hash, verify_consistency, verify_inclusion
from certbench.certify.registry import EntryType, Registry, RegistryEntry, TreeHead
from certbench.certify.trust import TrustFile
from certbench.domain import CertificateStatus
from certbench.errors import MalformedError, RegistryError

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NBF, EXP = date(2026, 11, 24), date(2027, 11, 23)


@pytest.fixture(scope="module")
def key() -> IssuerKey:
    return sealkit.issuer()


@pytest.fixture(scope="module")
def trust(key: IssuerKey) -> TrustFile:
    return sealkit.trust_for(key)


def seal_of(n: int) -> str:
    return f"{n:064x}"


def build(key: IssuerKey, count: int = 6) -> Registry:
    """``count`` issuances and some status changes, with a head after every third entry."""
    reg = Registry(sealkit.BODY_NAME, sealkit.BODY_ID)
    at = T0
    for n in range(count):
        at += timedelta(minutes=1)
        reg.append(RegistryEntry.issued(f"CB-{n}", seal_of(n), f"Merchant {n}", NBF, EXP, at=at))
        if n % 3 == 2:
            reg.sign_head(key, now=at)
    reg.append(RegistryEntry.change("suspended", "CB-1", at=at, reason="complaint"))
    reg.append(RegistryEntry.change("revoked", "CB-2", at=at, reason="fraud"))
    reg.sign_head(key, now=at + timedelta(minutes=1))
    return reg


def failing(reg: Registry, trust: TrustFile, **kwargs: object) -> list[str]:
    return [c.name for c in reg.verify(trust, **kwargs) if not c.ok]  # type: ignore[arg-type]


def test_a_fresh_registry_exports_loads_and_verifies(key: IssuerKey, trust: TrustFile,
                                                     tmp_path: Path) -> None:
    reg = build(key)
    path = reg.export(tmp_path / "registry.json")
    loaded = Registry.load(path)
    assert loaded.entries == reg.entries
    assert [h.jws for h in loaded.heads] == [h.jws for h in reg.heads]
    assert failing(loaded, trust) == []
    assert loaded.head is not None and loaded.head.size == 8
    assert loaded.to_bytes() == path.read_bytes()


def test_status_follows_the_log(key: IssuerKey) -> None:
    reg = build(key)
    head = reg.head
    assert head is not None
    assert reg.status_of(seal_hash=seal_of(0)).status is CertificateStatus.VALID
    suspended = reg.status_of(number="CB-1")
    assert (suspended.status, suspended.reason, suspended.as_of) == (
        CertificateStatus.SUSPENDED, "complaint", head.time)
    assert reg.status_of(seal_hash=seal_of(2)).status is CertificateStatus.REVOKED
    assert reg.status_of(seal_hash=seal_of(99)).status is None
    reg.append(RegistryEntry.change(EntryType.REINSTATED, "CB-1", at=head.time))
    assert reg.status_of(number="CB-1").status is CertificateStatus.SUSPENDED  # not signed yet
    reg.sign_head(key, now=head.time + timedelta(hours=1))
    assert reg.status_of(number="CB-1").status is CertificateStatus.VALID


@pytest.mark.parametrize(("entry", "message"), [
    (RegistryEntry.issued("CB-0", seal_of(50), "again", NBF, EXP, at=T0), "already"),
    (RegistryEntry.change("revoked", "CB-404", at=T0), "never issued"),
    (RegistryEntry.change("reinstated", "CB-0", at=T0), "cannot be reinstated"),
    (RegistryEntry.change("suspended", "CB-2", at=T0), "revoked; it cannot"),
    (RegistryEntry.issued("CB-9", "abc", "short hash", NBF, EXP, at=T0), "seal hash"),
])
def test_illegal_transitions_are_refused(key: IssuerKey, entry: RegistryEntry,
                                         message: str) -> None:
    reg = build(key)
    with pytest.raises(RegistryError, match=message):
        reg.append(entry)


def test_change_refuses_issuance_kind() -> None:
    with pytest.raises(RegistryError):
        RegistryEntry.change("issued", "CB-1", at=T0)


def test_inclusion_proofs_verify_against_the_signed_root(key: IssuerKey) -> None:
    reg = build(key)
    head = reg.head
    assert head is not None
    for i, entry in enumerate(reg.entries):
        proof = reg.inclusion_proof(i, head.size)
        assert verify_inclusion(leaf_hash(entry.leaf()), i, head.size, proof,
                                bytes.fromhex(head.root))
    first = reg.heads[0]
    assert verify_consistency(first.size, head.size, bytes.fromhex(first.root),
                              bytes.fromhex(head.root),
                              reg.consistency_proof(first.size, head.size))


def test_an_office_file_can_be_appended_and_re_exported(key: IssuerKey, trust: TrustFile,
                                                        tmp_path: Path) -> None:
    path = build(key).export(tmp_path / "registry.json")
    old_head = Registry.load(path).head
    assert old_head is not None
    reg = Registry.load(path)
    reg.append(RegistryEntry.issued("CB-100", seal_of(100), "New", NBF, EXP, at=old_head.time))
    with pytest.raises(RegistryError, match="sign a head"):
        reg.export(path)
    reg.sign_head(key, now=old_head.time + timedelta(days=1))
    reg.export(path)
    again = Registry.load(path)
    assert len(again.entries) == 9 and len(again.heads) == 4
    assert failing(again, trust, known_heads=[old_head]) == []


def test_heads_cannot_go_back_in_time(key: IssuerKey) -> None:
    reg = build(key)
    assert reg.head is not None
    with pytest.raises(RegistryError):
        reg.sign_head(key, now=reg.head.time - timedelta(seconds=1))


def _edit(path: Path, change: object) -> Registry:
    document = json.loads(path.read_bytes())
    change(document)  # type: ignore[operator]
    return Registry.load(canonical_bytes(document))


@pytest.mark.parametrize("change", [
    pytest.param(lambda d: d["entries"][2].update(subject="Someone Else"), id="edit-old-entry"),
    pytest.param(lambda d: d["entries"][7].update(reason="clerical error"), id="edit-last-entry"),
    pytest.param(lambda d: d["entries"].pop(1), id="delete-entry"),
    pytest.param(lambda d: d["entries"].pop(), id="delete-revocation"),
    pytest.param(lambda d: d["entries"].insert(0, d["entries"].pop(1)), id="reorder"),
    pytest.param(lambda d: d["entries"].insert(7, d["entries"].pop(6)), id="swap-changes"),
])
def test_rewriting_history_is_detected(key: IssuerKey, trust: TrustFile, tmp_path: Path,
                                       change: object) -> None:
    path = build(key).export(tmp_path / "registry.json")
    tampered = _edit(path, change)
    failed = failing(tampered, trust)
    assert any("root" in name or name == "heads" for name in failed), failed


def test_a_rewrite_re_signed_by_the_issuer_is_caught_by_a_kept_head(
        key: IssuerKey, trust: TrustFile) -> None:
    honest = build(key)
    kept = honest.heads[1]
    rewritten = Registry(sealkit.BODY_NAME, sealkit.BODY_ID)
    for entry in honest.entries:
        if entry.type is EntryType.REVOKED:
            continue  # quietly drop the revocation
        rewritten.append(entry)
    rewritten.sign_head(key, now=kept.time + timedelta(hours=1))
    assert failing(rewritten, trust) == []
    bad = failing(rewritten, trust, known_heads=[honest.head])  # type: ignore[list-item]
    assert bad == ["consistency with known head 1"]


def test_heads_signed_by_an_unknown_key_or_forged_fail(key: IssuerKey, trust: TrustFile,
                                                       tmp_path: Path) -> None:
    reg = build(key)
    reg.sign_head(sealkit.issuer(), now=reg.heads[-1].time + timedelta(minutes=5))
    assert "head 4 (size 8) signature" in failing(reg, trust)
    path = build(key).export(tmp_path / "r.json")
    document = json.loads(path.read_bytes())
    h, p, s = document["heads"][0].split(".")
    document["heads"][0] = f"{h}.{p}.{s[:10]}{'A' if s[10] != 'A' else 'B'}{s[11:]}"
    forged = Registry.load(canonical_bytes(document))
    assert failing(forged, trust) == ["head 1 (size 3) signature"]


def test_an_unsigned_or_empty_registry_does_not_verify(trust: TrustFile) -> None:
    reg = Registry(sealkit.BODY_NAME, sealkit.BODY_ID)
    assert failing(reg, trust) == ["heads"]
    assert reg.status_of(seal_hash=seal_of(1)).as_of is None


@pytest.mark.parametrize("content", [
    b"", b"[]", b'{"format":"certbench-registry"}', b"\x00" * 10,
    b'{"entries":[],"format":"certbench-registry","heads":[],"log":{"id":"x","name":"y"},'
    b'"version":1,"x":1}',
    b'{"entries":[{"type":"issued"}],"format":"certbench-registry","heads":[],'
    b'"log":{"id":"x","name":"y"},"version":1}',
    b'{"entries":[],"format":"certbench-registry","heads":["a.b.c"],'
    b'"log":{"id":"x","name":"y"},"version":1}',
])
def test_malformed_registry_files(content: bytes) -> None:
    with pytest.raises(MalformedError):
        Registry.load(content)


def test_tree_head_parse_refuses_non_strings() -> None:
    with pytest.raises(MalformedError):
        TreeHead.parse(5)
