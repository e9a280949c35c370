"""The layering rules are enforced by tools, and the tools really do fail when broken."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import certbench

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def _contracts() -> list[dict[str, object]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = data["tool"]["importlinter"]["contracts"]
    return contracts


def _top_level_modules() -> set[str]:
    return {f"certbench.{m.name}" for m in pkgutil.iter_modules(certbench.__path__)
            if m.name not in {"gui", "__main__"}}


def test_qt_contract_covers_every_core_module() -> None:
    """A new core module must join the no-Qt contract, or it could import Qt unnoticed."""
    qt_contract = next(c for c in _contracts() if "PySide6" in c["forbidden_modules"])  # type: ignore[operator]
    assert _top_level_modules() == set(qt_contract["source_modules"])  # type: ignore[arg-type]


def test_core_imports_no_qt_at_runtime() -> None:
    """Importing every core module (and running the CLI parser) loads no Qt."""
    modules = sorted(_top_level_modules() | {"certbench.cli", "certbench.certify"})
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "from certbench.cli import build_parser\n"
        "build_parser()\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def _copy_project(tmp_path: Path) -> Path:
    dest = tmp_path / "proj"
    shutil.copytree(ROOT / "certbench", dest / "certbench",
                    ignore=shutil.ignore_patterns("__pycache__", "forms", "_data"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "lint-imports"), "--no-cache"],
        cwd=project, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(project), "PATH": str(VENV_BIN) + ":/usr/bin:/bin"},
    )


@pytest.mark.slow
def test_import_linter_fails_when_core_imports_qt(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    clean = _lint_imports(project)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    victim = project / "certbench" / "domain.py"
    victim.write_text(victim.read_text(encoding="utf-8") + "\nimport PySide6.QtCore\n",
                      encoding="utf-8")
    broken = _lint_imports(project)
    assert broken.returncode != 0
    assert "PySide6" in broken.stdout


@pytest.mark.slow
def test_import_linter_fails_when_certify_imports_storage(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    victim = project / "certbench" / "certify" / "__init__.py"
    victim.write_text(victim.read_text(encoding="utf-8") + "\nimport sqlalchemy\n",
                      encoding="utf-8")
    broken = _lint_imports(project)
    assert broken.returncode != 0
    assert "certify" in broken.stdout


def test_ruff_bans_qt_outside_gui(tmp_path: Path) -> None:
    bad = tmp_path / "certbench" / "sneaky.py"
    bad.parent.mkdir()
    bad.write_text('"""Sneaky."""\n\nimport PySide6\n\nprint(PySide6)\n', encoding="utf-8")
    result = subprocess.run(
        [str(VENV_BIN / "ruff"), "check", "--no-cache", "--config",
         str(ROOT / "pyproject.toml"), "--select", "TID251", str(bad)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    assert "Qt is imported only inside certbench/gui/" in result.stdout


def test_mypy_strict_rejects_untyped_core_code(tmp_path: Path) -> None:
    bad = tmp_path / "untyped.py"
    bad.write_text("def f(x):\n    return x\n", encoding="utf-8")
    result = subprocess.run(
        [str(VENV_BIN / "mypy"), "--strict", "--no-incremental", str(bad)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "no-untyped-def" in result.stdout
