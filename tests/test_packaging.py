"""The wheel ships one top-level name, certbench, with the data folders inside it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--disable-pip-version-check", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (found,) = out.glob("certbench-*.whl")
    return found


def test_wheel_has_exactly_one_top_level_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    top = {n.split("/", 1)[0] for n in names if not n.startswith("certbench-")}
    assert top == {"certbench"}


def test_wheel_carries_the_data_folders(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert "certbench/_data/forms/ecommerce-trust/1.0.toml" in names
    assert any(n.startswith("certbench/_data/certificates/") for n in names)
    assert any(n.startswith("certbench/_data/ui/") for n in names)
    assert "certbench/py.typed" in names


def test_check_wheel_contents_agrees(wheel: Path) -> None:
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [str(bin_dir / "check-wheel-contents"), "--toplevel", "certbench",
         "--ignore", "W002,W004", str(wheel)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_installed_wheel_finds_its_data(wheel: Path, tmp_path: Path) -> None:
    """assets.py finds forms/ inside an installed wheel, away from the checkout."""
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    code = ("import certbench.assets as a, sys; p = a.forms_dir(); "
            "assert '_data' in str(p), p; "
            "assert (p / 'ecommerce-trust' / '1.0.toml').is_file(); print(p)")
    # -S: no site-packages, so the editable install of the checkout cannot answer instead.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c",
         f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
