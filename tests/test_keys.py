"""Issuer and user keys: key ids, certificates, encrypted key files, the key folder, the CLI."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwk

from certbench.certify.keyring import (
    create_issuer,
    export_trust,
    load_keyring,
    mark_compromised,
    rotate_issuer,
)
from certbench.certify.keys import (
    IssuerKey,
    UserKey,
    default_key_dir,
    generate_issuer_key,
    generate_user_key,
    key_id,
    load_issuer_key,
    load_key,
    read_public,
    save_key,
)
from certbench.certify.trust import KeyStatus, load_trust
from certbench.cli import main
from certbench.errors import KeyStoreError, WrongPassphraseError

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def issuer() -> IssuerKey:
    return generate_issuer_key("Example Certification Body", valid_from=START, valid_years=5)


@pytest.fixture(scope="module")
def saved(issuer: IssuerKey, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One issuer key file (scrypt costs ~0.1 s per save or load)."""
    return save_key(tmp_path_factory.mktemp("keys") / "issuer.key", issuer, "correct horse")


def test_key_id_is_the_rfc7638_thumbprint(issuer: IssuerKey) -> None:
    pem = issuer.public_key.public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    assert key_id(issuer.public_key) == jwk.JWK.from_pem(pem).thumbprint()
    assert issuer.kid == key_id(issuer.public_key)
    assert len(issuer.kid) == 43


def test_key_id_refuses_other_curves() -> None:
    with pytest.raises(KeyStoreError):
        key_id(ec.generate_private_key(ec.SECP384R1()).public_key())


def test_issuer_certificate_is_a_self_signed_signing_ca(issuer: IssuerKey) -> None:
    cert = issuer.certificate
    names = {a.oid: a.value for a in cert.subject}
    assert names[x509.NameOID.COMMON_NAME] == "Example Certification Body"
    assert names[x509.NameOID.ORGANIZATION_NAME] == "Example Certification Body"
    assert cert.issuer == cert.subject
    assert cert.not_valid_before_utc == START
    assert cert.not_valid_after_utc - START >= timedelta(days=5 * 365)
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and usage.key_cert_sign
    assert not usage.key_encipherment
    public = cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
    assert issuer.name == "Example Certification Body"


def test_issuer_key_file_round_trip_and_mode_0600(issuer: IssuerKey, saved: Path) -> None:
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    loaded = load_key(saved, "correct horse")
    assert isinstance(loaded, IssuerKey)
    assert loaded.kid == issuer.kid
    assert loaded.certificate == issuer.certificate
    assert loaded.private_key.private_numbers() == issuer.private_key.private_numbers()
    assert not list(saved.parent.glob(".*.tmp"))


def test_key_file_holds_no_clear_private_key(issuer: IssuerKey, saved: Path) -> None:
    text = saved.read_text()
    document = json.loads(text)
    assert document["kdf"] == {**document["kdf"], "name": "scrypt", "n": 2**15, "r": 8, "p": 1}
    assert document["cipher"]["name"] == "AES-256-GCM"
    secret = issuer.private_key.private_numbers().private_value.to_bytes(32, "big")
    der = issuer.private_key.private_bytes(serialization.Encoding.DER,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption())
    assert secret.hex() not in text and "PRIVATE KEY" not in text
    assert der[-32:].hex() not in text


def test_wrong_passphrase_is_a_clear_error(saved: Path) -> None:
    with pytest.raises(WrongPassphraseError, match="wrong passphrase"):
        load_key(saved, "Correct horse")


def test_public_part_reads_without_passphrase(issuer: IssuerKey, saved: Path) -> None:
    public = read_public(saved)
    assert (public.kind, public.kid, public.name) == ("issuer", issuer.kid, issuer.name)
    assert public.certificate == issuer.certificate


def test_file_is_written_0600_even_with_an_open_umask(issuer: IssuerKey, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = save_key(tmp_path / "k.key", issuer, "pw")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("damage", [
    lambda d: d.update(kid="A" * 43),
    lambda d: d.update(ciphertext=d["ciphertext"][:-4] + "AAAA"),
    lambda d: d.update(certificate=None),
    lambda d: d["kdf"].update(n=2**30),
    lambda d: d["kdf"].update(n=3),
    lambda d: d["cipher"].update(nonce="AAAA"),
    lambda d: d.update(format="something-else"),
    lambda d: d.update(public_key="-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
])
def test_damaged_key_files_are_refused(saved: Path, tmp_path: Path, damage: object) -> None:
    document = json.loads(saved.read_text())
    damage(document)  # type: ignore[operator]
    path = tmp_path / "damaged.key"
    path.write_text(json.dumps(document))
    with pytest.raises(KeyStoreError):
        load_key(path, "correct horse")


@pytest.mark.parametrize("content", [b"", b"\x00\xff" * 10, b"[]", b'{"format": 1}', b"{" * 5000])
def test_foreign_files_are_keystore_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "foreign.key"
    path.write_bytes(content)
    with pytest.raises(KeyStoreError):
        load_key(path, "x")
    with pytest.raises(KeyStoreError):
        read_public(path)


def test_missing_key_file_and_empty_passphrase(issuer: IssuerKey, tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="cannot read"):
        load_key(tmp_path / "absent.key", "x")
    with pytest.raises(KeyStoreError, match="non-empty"):
        save_key(tmp_path / "k.key", issuer, "")


def test_user_key_round_trip(tmp_path: Path) -> None:
    user = generate_user_key("Li Wei")
    path = save_key(tmp_path / "user.key", user, "pw")
    loaded = load_key(path, "pw")
    assert isinstance(loaded, UserKey)
    assert (loaded.name, loaded.kid) == ("Li Wei", user.kid)
    assert read_public(path).certificate is None
    with pytest.raises(KeyStoreError, match="user key"):
        load_issuer_key(path, "pw")


def test_default_key_dir_is_under_the_data_dir(_isolated_home: Path) -> None:
    assert default_key_dir() == _isolated_home / "keys"


def test_rotation_retires_the_old_key_and_the_trust_file_lists_both(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    first = create_issuer(folder, "Example Certification Body", "pw", now=START)
    rotated_at = START + timedelta(days=200)
    second = rotate_issuer(folder, "pw", now=rotated_at)
    ring = load_keyring(folder)
    assert [e.status for e in ring.entries] == [KeyStatus.RETIRED, KeyStatus.ACTIVE]
    assert ring.entries[0].valid_until == rotated_at
    assert ring.active().kid == second.kid
    assert stat.S_IMODE((folder / "keyring.json").stat().st_mode) == 0o600
    trust = load_trust(export_trust(folder, tmp_path / "trust.json", "pw",
                                    now=rotated_at + timedelta(days=1)))
    assert trust.signed_by == second.kid and trust.body_id == "ecb"
    old = trust.key(first.kid)
    assert old is not None and old.status is KeyStatus.RETIRED
    assert old.problem_at(rotated_at - timedelta(seconds=1)) == ""
    assert "window ended" in old.problem_at(rotated_at + timedelta(seconds=1))
    with pytest.raises(KeyStoreError, match="already"):
        create_issuer(folder, "Other", "pw")


def test_compromise_is_recorded_and_exported(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    key = create_issuer(folder, "Example Certification Body", "pw", body_id="ecb", now=START)
    at = START + timedelta(days=30)
    mark_compromised(folder, key.kid[:10], at)
    with pytest.raises(KeyStoreError, match="no active issuer key"):
        export_trust(folder, tmp_path / "t.json", "pw")
    rotate_issuer(folder, "pw", now=START + timedelta(days=31))
    trust = load_trust(export_trust(folder, tmp_path / "t.json", "pw",
                                    now=START + timedelta(days=32)))
    listed = trust.key(key.kid)
    assert listed is not None and listed.compromised_at == at
    assert listed.problem_at(at - timedelta(seconds=1)) == ""
    assert "compromised" in listed.problem_at(at)


def test_cli_key_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CERTBENCH_PASSPHRASE", "pw")
    folder = tmp_path / "keys"
    assert main(["key", "new", "--body", "Example Certification Body", "--out", str(folder)]) == 0
    assert main(["key", "rotate", "--dir", str(folder), "--json"]) == 0
    capsys.readouterr()
    assert main(["key", "list", "--dir", str(folder), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [k["status"] for k in listed["keys"]] == ["retired", "active"]
    old = listed["keys"][0]["kid"]
    assert main(["key", "compromise", old, "--at", "2026-12-01T00:00:00Z",
                 "--dir", str(folder)]) == 0
    out = tmp_path / "trust.json"
    assert main(["key", "export-trust", str(out), "--dir", str(folder)]) == 0
    trust = load_trust(out)
    assert trust.key(old) is not None and trust.key(old).status is KeyStatus.COMPROMISED  # type: ignore[union-attr]
    monkeypatch.setenv("CERTBENCH_PASSPHRASE", "wrong")
    assert main(["key", "export-trust", str(out), "--dir", str(folder)]) == 1
    assert "wrong passphrase" in capsys.readouterr().err
