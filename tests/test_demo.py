"""``certbench demo``: grades A and lower, a critical failure, verified certificates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jobkit import cheap_scrypt

from certbench.certify.registry import Registry
from certbench.cli import main


def test_demo_issues_two_verified_certificates_and_refuses_the_third(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """On SQLite the demo makes its own file; on PostgreSQL it is given an empty database."""
    cheap_scrypt(monkeypatch)
    monkeypatch.setenv("CERTBENCH_DB", str(tmp_path / "the-users-own.sqlite3"))
    pg = ["--db", db_url] if db_url.startswith("postgresql") else []
    real_home = Path(str(tmp_path / "never-touched"))
    monkeypatch.setenv("CERTBENCH_HOME", str(real_home))
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--json", *pg]) == 0
    report = json.loads(capsys.readouterr().out)
    audits = report["audits"]
    assert [a["certifiable"] for a in audits] == [True, True, False]
    assert audits[0]["grade"] == "A" and audits[1]["grade"] not in (None, "A")
    assert len({a["grade"] for a in audits[:2]}) == 2  # two different grades
    assert audits[2]["certificate"] is None and "critical_below_full" in audits[2]["refusal"]
    for audit in audits[:2]:
        assert audit["verdict"] == "VALID"
        assert Path(audit["pdf"]).read_bytes().startswith(b"%PDF-")
        assert Path(audit["seal_file"]).is_file()
    registry = Registry.load(Path(report["registry"]))
    assert sorted(e.seal for e in registry.entries) == sorted(a["seal_hash"] for a in audits[:2])
    assert Path(report["trust"]).is_file()
    assert pg or Path(report["database"]) == out / "demo.sqlite3"
    assert not real_home.exists()  # everything lives in the demo folder
    assert not (tmp_path / "the-users-own.sqlite3").exists()  # never the user's database
    # a second run into the same folder is refused rather than mixed in
    assert main(["demo", "--out", str(out)]) == 1


def test_demo_summary_names_paths_grades_and_verdicts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_scrypt(monkeypatch)
    from certbench.demo import DemoAudit, DemoResult

    result = DemoResult(tmp_path, str(tmp_path / "demo.sqlite3"), tmp_path / "trust.json",
                        tmp_path / "registry.json", (
                            DemoAudit("A Ltd", "a1", "A", "95.00", True, "CB-2026-000001",
                                      tmp_path / "a.pdf", tmp_path / "a.cbseal", "ab" * 32,
                                      "ABAB-ABAB-ABAB-ABAB-ABAB", "VALID"),
                            DemoAudit("C Ltd", "c1", "A", "97.00", False,
                                      refusal="not certifiable (critical_below_full)")))
    text = result.summary()
    assert "CB-2026-000001" in text and "VALID" in text and "ABAB-ABAB" in text
    assert "not certifiable (score 97.00)" in text and str(tmp_path / "a.pdf") in text
