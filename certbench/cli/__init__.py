"""``certbench ...``: the headless command line. It never imports Qt.

Each command group lives in its own module with a ``register(subparsers)``
function; this module only assembles them and maps errors to exit codes:
0 success, 1 a :class:`~certbench.errors.CertbenchError`, 2 a usage error.
``certbench verify`` has its own documented codes (see ``certbench.cli.verify``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from certbench import __version__
from certbench.errors import CertbenchError

__all__ = ["build_parser", "main"]

# Command-group modules, in the order they appear in --help.
COMMAND_MODULES = (
    "admin",
    "merchants",
    "audits",
    "evidence",
    "certificates",
    "registry",
    "keys",
    "verify",
    "forms",
    "packages",
    "reports",
    "maintenance",
    "demo",
    "gui",
)


def build_parser() -> argparse.ArgumentParser:
    """The full ``certbench`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="certbench",
        description="Audit online merchants, grade them and issue offline-verifiable certificates.",
    )
    parser.add_argument("--version", action="version", version=f"certbench {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``certbench`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        args_list = ["gui"] if _has_display() else ["--help"]
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except CertbenchError as exc:
        print(f"certbench: error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("certbench: interrupted", file=sys.stderr)
        return 130
