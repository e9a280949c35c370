"""Where the data folders live: ``ui/``, ``forms/`` and ``certificates/``.

In a checkout they sit beside the ``certbench`` package; in an installed wheel
they are copied into ``certbench/_data/``. This module is the only code that
knows either place. ``CERTBENCH_HOME`` overrides the user data directory.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

__all__ = ["DATA_FOLDERS", "certificates_dir", "data_dir", "forms_dir", "ui_dir", "user_data_dir"]

DATA_FOLDERS = ("ui", "forms", "certificates")
_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder ``name`` (one of :data:`DATA_FOLDERS`), in a wheel or a checkout."""
    if name not in DATA_FOLDERS:
        raise ValueError(f"unknown data folder {name!r}")
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data folder {name!r} is missing from this installation")


def forms_dir() -> Path:
    """The bundled checklists, ``forms/<form-id>/<version>.toml``."""
    return data_dir("forms")


def certificates_dir() -> Path:
    """Certificate and report templates, fonts and artwork."""
    return data_dir("certificates")


def ui_dir() -> Path:
    """Qt Designer sources, icons, stylesheet and translations."""
    return data_dir("ui")


def user_data_dir() -> Path:
    """Where the embedded database, the vault and keys live; ``CERTBENCH_HOME`` overrides it."""
    override = os.environ.get("CERTBENCH_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("certbench", appauthor=False))
