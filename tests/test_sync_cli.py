"""``certbench package ...`` end to end: office and field, each with its own database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syncworld import People, Site, connect, edit_finding, finding, make_site, new_audit

from certbench.certify.keys import save_key
from certbench.cli import main
from certbench.storage import Body, new_id


def _configure(site: Site, keys: Path) -> None:
    with site.db.session() as s:
        body = s.query(Body).one()
        body.settings = {"key_dir": str(keys), "vault_dir": str(site.vault.root)}


def _run(capsys: pytest.CaptureFixture[str], site: Site, *argv: str) -> tuple[int, str, str]:
    code = main([*argv[:2], *argv[2:], "--db", str(site.db.engine.url.database)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_package_commands_carry_work_both_ways(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from dbfixtures import migrated_url

    people = People.make()
    body = new_id()
    office = make_site("office", migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(),
                                              None), tmp_path, people, body)
    field = make_site("field", migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(),
                                            None), tmp_path, people, body)
    connect(office, field, people)
    keys = tmp_path / "keys"
    for key in (people.alice, people.oscar):
        save_key(keys / "users" / f"user-{key.kid}.key", key, "pw")
    _configure(office, keys)
    _configure(field, keys)
    monkeypatch.setenv("CERTBENCH_PASSPHRASE", "pw")
    monkeypatch.setenv("CERTBENCH_NEW_PASSPHRASE", "pw")
    audit = new_audit(office, people)

    inbox = tmp_path / "inbox.key"
    code, _out, _err = _run(capsys, office, "package", "inbox-key", "--out", str(inbox),
                            "--as", "oscar")
    assert code == 0

    down = tmp_path / "down.cbpkg"
    code, out, _ = _run(capsys, office, "package", "export", "--kind", "assignments", "--audit",
                        audit, "--to-user", "alice", "--as", "oscar", "-o", str(down))
    assert code == 0 and "encrypted to key" in out
    code, out, _ = _run(capsys, field, "package", "import", str(down), "--as", "alice", "--json")
    assert code == 0 and json.loads(out)["inserted"] > 0

    edit_finding(field, audit, "MER-01", note="field", rating="fully")
    edit_finding(field, audit, "MER-02", note="field view")
    edit_finding(office, audit, "MER-02", note="office view", actor="oscar")
    up = tmp_path / "up.cbpkg"
    code, out, err = _run(capsys, field, "package", "export", "--audit", audit, "--as", "alice",
                          "-o", str(up))  # to the body's package key, which travelled down
    assert code == 0, err

    code, out, _ = _run(capsys, office, "package", "inspect", str(up), "--key", str(inbox))
    assert code == 0 and "VERIFIED" in out and "sender    alice" in out

    code, out, _ = _run(capsys, office, "package", "import", str(up), "--key", str(inbox),
                        "--json")
    result = json.loads(out)
    assert code == 0 and result["updated"] == 1 and result["conflicts"] == 1
    assert finding(office, audit, "MER-01").rating == "fully"

    code, out, _ = _run(capsys, office, "package", "conflicts", "--json")
    conflicts = json.loads(out)
    assert [c["criterion_id"] for c in conflicts] == ["MER-02"]
    assert conflicts[0]["differences"]["note"] == {"office": "office view", "field": "field view"}

    code, out, _ = _run(capsys, office, "package", "resolve", conflicts[0]["id"], "merge",
                        "--as", "oscar")
    assert code == 0 and "merge" in out
    assert finding(office, audit, "MER-02").note.endswith("field view")
    assert _run(capsys, office, "package", "conflicts")[1].strip() == "no conflicts"

    code, out, _ = _run(capsys, office, "package", "import", str(up), "--key", str(inbox))
    assert code == 0 and "already imported" in out


def test_unencrypted_export_warns_and_import_refuses_it(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from dbfixtures import migrated_url

    people = People.make()
    body = new_id()
    office = make_site("office", migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(),
                                              None), tmp_path, people, body)
    field = make_site("field", migrated_url("sqlite", tmp_path, tmp_path_factory.getbasetemp(),
                                            None), tmp_path, people, body)
    connect(office, field, people)
    keys = tmp_path / "keys"
    save_key(keys / "users" / f"user-{people.alice.kid}.key", people.alice, "pw")
    _configure(field, keys)
    _configure(office, keys)
    monkeypatch.setenv("CERTBENCH_PASSPHRASE", "pw")
    audit = new_audit(field, people)
    plain = tmp_path / "plain.cbpkg"
    code, out, _ = _run(capsys, field, "package", "export", "--audit", audit, "--as", "alice",
                        "--no-encrypt", "-o", str(plain))
    assert code == 0 and "NOT ENCRYPTED" in out and "inspection only" in out
    code, out, _ = _run(capsys, office, "package", "inspect", str(plain))
    assert code == 0 and "encrypted NO" in out
    code, _out, err = _run(capsys, office, "package", "import", str(plain))
    assert code == 1 and "not encrypted" in err
    code, _out, err = _run(capsys, field, "package", "export", "--audit", audit, "--as", "alice",
                           "-o", str(tmp_path / "x.cbpkg"))
    assert code == 1 and "no recipient" in err
