"""Copy the data folders into the wheel as ``certbench/_data`` (see certbench/assets.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_FOLDERS = ("ui", "forms", "certificates")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.ts")


class BuildWithData(build_py):
    """build_py that also places ui/, forms/ and certificates/ under certbench/_data."""

    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "certbench" / "_data"
        for name in DATA_FOLDERS:
            dest = target / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(root / name, dest, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithData})
