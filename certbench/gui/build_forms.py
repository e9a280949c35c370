"""Compile the Designer sources ``ui/*.ui`` into ``certbench/gui/forms/ui_<name>.py``.

``python -m certbench.gui.build_forms [--force]`` runs ``pyside6-uic`` for every
``.ui`` file newer than its output (Picard's ``newer()`` check). The generated
modules are committed, so an installed package needs no build step; a test
regenerates them and fails when they drift from their sources.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from certbench import assets

__all__ = ["compile_form", "forms_dir", "main", "out_of_date", "uic_executable"]


def forms_dir() -> Path:
    """Where the generated ``ui_<name>.py`` modules live."""
    return Path(__file__).resolve().parent / "forms"


def uic_executable() -> str:
    """The ``pyside6-uic`` next to the running interpreter, else the one on ``PATH``."""
    beside = Path(sys.executable).parent / "pyside6-uic"
    if beside.exists():
        return str(beside)
    found = shutil.which("pyside6-uic")
    if found is None:
        raise FileNotFoundError("pyside6-uic is not installed (pip install PySide6-Essentials)")
    return found


def output_for(source: Path, out_dir: Path) -> Path:
    """The generated module for ``source``: ``ui/x.ui`` -> ``<out_dir>/ui_x.py``."""
    return out_dir / f"ui_{source.stem}.py"


def out_of_date(source: Path, target: Path) -> bool:
    """True when ``target`` is missing or older than ``source``."""
    return not target.exists() or target.stat().st_mtime < source.stat().st_mtime


def compile_form(source: Path, target: Path) -> None:
    """Run ``pyside6-uic`` on one file."""
    subprocess.run([uic_executable(), str(source), "-o", str(target)], check=True)


def main(argv: list[str] | None = None) -> int:
    """Compile the out-of-date forms; ``--force`` recompiles all of them."""
    parser = argparse.ArgumentParser(prog="python -m certbench.gui.build_forms")
    parser.add_argument("--force", action="store_true", help="recompile every form")
    parser.add_argument("--out", type=Path, default=forms_dir(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for source in sorted(assets.ui_dir().glob("*.ui")):
        target = output_for(source, args.out)
        if args.force or out_of_date(source, target):
            compile_form(source, target)
            print(f"{source.name} -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
