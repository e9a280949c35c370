"""``certbench forms list|check`` and ``certbench grade``, in-process and once as a program."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from certbench import assets
from certbench.checklists import load_form
from certbench.cli import main
from certbench.domain import Scope

FORMS = Path(__file__).parent / "data" / "forms"
MINI = FORMS / "mini-trust" / "1.0.toml"
REPO = Path(__file__).resolve().parent.parent

RATINGS_CSV = """criterion,value,justification
MER-01,fully,
MER-02,largely,
MER-03,fully,
PAY-01,fully,
PAY-02,n/a,"no returns: digital goods"
PAY-03,fully,
"""


@pytest.fixture
def ratings_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ratings.csv"
    path.write_text(RATINGS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def fixture_forms(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make tests/data/forms the bundled-forms folder, so ``mini-trust@1.0`` resolves."""
    monkeypatch.setattr(assets, "forms_dir", lambda: FORMS)
    return FORMS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- forms check / list ------------------------------------------------------------------


def test_forms_check_prints_hash_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "check", str(MINI))
    assert code == 0
    assert out.startswith("OK mini-trust@1.0  Mini trust checklist / 迷你信任检查表")
    assert f"hash {load_form(MINI).hash}" in out
    assert "9 criteria, 3 domains, 3 critical (1 conditional), 4 parameters" in out


def test_forms_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "check", str(MINI), "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["ref"], data["criteria"], data["domains"], data["critical"],
            data["critical_conditional"], data["parameters"]) == (
        "mini-trust@1.0", 9, 3, 3, 1, 4)
    assert data["hash"] == load_form(MINI).hash


def test_forms_check_refuses_a_broken_form(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(MINI.read_text(encoding="utf-8").replace('floor = "62.5"', "floor = 62.5"),
                      encoding="utf-8")
    code, out, err = run(capsys, "forms", "check", str(broken))
    assert (code, out) == (1, "")
    assert err == (f"certbench: error: {broken}: domains.PAY.floor: is the TOML float 62.5: "
                   "use an integer or a decimal string (\"62.5\")\n")


def test_forms_check_lists_every_problem(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(MINI.read_text(encoding="utf-8").replace("weight = 3", "weight = 0"),
                      encoding="utf-8")
    code, _, err = run(capsys, "forms", "check", str(broken))
    assert code == 1
    assert err.startswith("certbench: error: 3 problems:\n")
    for cid in ("MER-01", "MER-03", "PAY-01"):
        assert f"{broken}: criteria.{cid}.weight: must be a positive integer, not 0" in err


def test_forms_check_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "forms", "check", str(tmp_path / "none.toml"))
    assert code == 1 and "cannot read the file" in err


def test_forms_list(capsys: pytest.CaptureFixture[str], fixture_forms: Path) -> None:
    code, out, _ = run(capsys, "forms", "list")
    assert code == 0 and out.startswith("mini-trust@1.0  Mini trust checklist")
    code, out, _ = run(capsys, "forms", "list", "--json")
    assert [f["ref"] for f in json.loads(out)] == ["mini-trust@1.0"]


def test_forms_list_and_check_the_standard_form(capsys: pytest.CaptureFixture[str],
                                                standard_form_path: Path) -> None:
    code, out, _ = run(capsys, "forms", "list", "--json")
    assert code == 0
    assert "ecommerce-trust@1.0" in [f["ref"] for f in json.loads(out)]
    code, out, _ = run(capsys, "forms", "check", str(standard_form_path))
    assert code == 0
    assert "64 criteria, 13 domains, 20 critical (1 conditional)" in out


# -- grade ---------------------------------------------------------------------------------


def test_grade_prints_domains_score_grade_and_reasons(capsys: pytest.CaptureFixture[str],
                                                      ratings_csv: Path) -> None:
    code, out, _ = run(capsys, "grade", "--form", str(MINI), "--ratings", str(ratings_csv))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "mini-trust@1.0  Mini trust checklist"
    assert "MER    Merchant identity   91.66     60  3/3" in lines
    assert "PAY    Payment security   100.00   62.5  3/3" in lines
    assert "XB     Cross-border            -     50  0/0" in lines
    assert "overall score: 94.44" in lines
    assert "grade: A" in lines and "certifiable: yes" in lines and "complete: yes" in lines
    assert "reasons:" not in lines


def test_grade_json_has_the_same_data(capsys: pytest.CaptureFixture[str],
                                      ratings_csv: Path) -> None:
    code, out, _ = run(capsys, "grade", "--form", str(MINI), "--ratings", str(ratings_csv),
                       "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["score"], data["grade"], data["certifiable"], data["complete"]) == (
        "94.44", "A", True, True)
    assert data["form_hash"] == load_form(MINI).hash
    assert len(data["ratings_hash"]) == 64
    assert data["domains"][0] == {"id": "MER", "title": "Merchant identity", "score": "91.66",
                                  "floor": "60", "earned": "22", "possible": "24", "rated": 3,
                                  "applicable": 3}
    assert data["reasons"] == []


def test_grade_categories_make_a_criterion_critical(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path, fixture_forms: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(RATINGS_CSV.replace("MER-03,fully", "MER-03,largely"), encoding="utf-8")
    code, out, _ = run(capsys, "grade", "--form", "mini-trust@1.0", "--ratings", str(path),
                       "--categories", "food, toys")
    assert code == 0
    assert "certifiable: no" in out
    assert ("  - MER-03 is critical and rated 'largely', below the top of the scale: "
            "not certifiable.") in out.splitlines()
    code, out, _ = run(capsys, "grade", "--form", "mini-trust@1.0", "--ratings", str(path))
    assert "certifiable: yes" in out


def test_grade_cross_border_adds_criteria(capsys: pytest.CaptureFixture[str],
                                          ratings_csv: Path) -> None:
    code, out, _ = run(capsys, "grade", "--form", str(MINI), "--ratings", str(ratings_csv),
                       "--cross-border", "--json")
    data = json.loads(out)
    assert code == 0 and data["cross_border"] is True
    assert (data["complete"], data["certifiable"]) == (False, False)
    assert [(r["code"], r["criterion"], r["text"]) for r in data["reasons"]] == [
        ("unrated", "XB-01", "XB-01 is not rated yet.")]


def test_grade_scope_from_file_and_every_reason_in_words(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    scope = tmp_path / "scope.json"
    scope.write_text(json.dumps(Scope(home_market="CN", target_markets=frozenset({"DE"}))
                                .to_json()), encoding="utf-8")
    path = tmp_path / "r.json"
    path.write_text(json.dumps([
        {"criterion": "MER-01", "value": "fully"},
        {"criterion": "MER-02", "value": "n/a"},
        {"criterion": "MER-03", "value": "super"},
        {"criterion": "MER-04", "value": "fully"},
        {"criterion": "PAY-01", "value": "not_met"},
        {"criterion": "PAY-02", "value": "fully"},
        {"criterion": "XB-01", "value": "not_met"},
        {"criterion": "QQ-01", "value": "fully"},
    ]), encoding="utf-8")
    code, out, _ = run(capsys, "grade", "--form", str(MINI), "--ratings", str(path),
                       "--scope-json", str(scope))
    assert code == 0
    reasons = out.split("reasons:\n", 1)[1].splitlines()
    assert reasons == [
        "  - MER-02 is rated 'n/a' without a justification; it counts as unrated.",
        "  - MER-03 is rated 'super', which is not on the rating scale; it counts as unrated.",
        "  - MER-04 does not apply to this scope; its rating (fully) was ignored.",
        "  - PAY-01 is critical and rated 'not_met', below the top of the scale: "
        "not certifiable.",
        "  - PAY-03 is not rated yet.",
        "  - QQ-01 is not a criterion of mini-trust@1.0; its rating (fully) was ignored.",
        "  - Domain PAY is below its floor (40.00 < 62.5); the grade is capped at B.",
        "  - Domain XB is below its floor (0.00 < 50); the grade is capped at C.",
        "  - The overall score 50.00 is below the lowest grade band: not certifiable.",
    ]


def test_grade_with_nothing_that_counts(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("criterion,value,justification\n" + "".join(
        f"{cid},n/a,none\n" for cid in
        ("MER-01", "MER-02", "MER-03", "PAY-01", "PAY-02", "PAY-03")), encoding="utf-8")
    code, out, _ = run(capsys, "grade", "--form", str(MINI), "--ratings", str(path))
    assert code == 0
    assert "overall score: -" in out and "grade: none" in out
    assert "  - No criterion counts for this scope, so there is no score." in out


@pytest.mark.parametrize(("extra", "words"), [
    (["--categories", "fod"], "unknown product category 'fod'"),
    (["--form", "mini-trust@2.0"], "no such form"),
])
def test_grade_errors_exit_1(capsys: pytest.CaptureFixture[str], ratings_csv: Path,
                             fixture_forms: Path, extra: list[str], words: str) -> None:
    argv = ["grade", "--form", "mini-trust@1.0", "--ratings", str(ratings_csv), *extra]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert words in err


def test_grade_bad_ratings_file_names_the_line(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("criterion,value\nMER-01,fully\nMER-01,largely\n", encoding="utf-8")
    code, _, err = run(capsys, "grade", "--form", str(MINI), "--ratings", str(path))
    assert code == 1
    assert f"{path}: line 3: a second rating for MER-01" in err


def test_forms_check_as_a_program() -> None:
    exe = Path(sys.executable).parent / "certbench"
    program = str(exe) if exe.exists() else str(REPO / ".venv" / "bin" / "certbench")
    done = subprocess.run([program, "forms", "check", str(MINI)], capture_output=True,
                          text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK mini-trust@1.0")
    bad = subprocess.run([program, "forms", "check", str(REPO / "pyproject.toml")],
                         capture_output=True, text=True, check=False, timeout=60)
    assert bad.returncode == 1
    assert "format: unsupported checklist format missing" in bad.stderr
