"""Shared plumbing of the command groups: the database option, JSON output, passphrases."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from certbench.canonical import jsonable
from certbench.errors import KeyStoreError

__all__ = ["Subparsers", "add_common", "emit", "read_passphrase"]

Subparsers = Any  # argparse's _SubParsersAction is private
Handler = Callable[[argparse.Namespace], int | None]


def add_common(parser: argparse.ArgumentParser, *, db: bool = True, acting: bool = False) -> None:
    """Add ``--json`` and, where the command touches the database, ``--db``.

    ``acting`` adds ``--as NAME`` and ``--passphrase-file`` for commands a user signs.
    """
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    if db:
        parser.add_argument(
            "--db",
            metavar="URL",
            default=os.environ.get("CERTBENCH_DB"),
            help="database URL or SQLite path (default: $CERTBENCH_DB, else the embedded SQLite)",
        )
    if acting:
        parser.add_argument("--as", dest="acting_user", metavar="NAME", required=True,
                            help="the user who acts (and signs)")
        parser.add_argument("--passphrase-file", type=Path, metavar="FILE",
                            help="read the passphrase from FILE (else $CERTBENCH_PASSPHRASE, "
                                 "else a prompt)")


def read_passphrase(args: argparse.Namespace, prompt: str = "Passphrase: ",
                    *, attr: str = "passphrase_file") -> str:
    """The passphrase from ``--passphrase-file``, ``$CERTBENCH_PASSPHRASE`` or a prompt."""
    path: Path | None = getattr(args, attr, None)
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise KeyStoreError(f"cannot read passphrase file {path}: {exc.strerror}") from exc
    env = os.environ.get("CERTBENCH_PASSPHRASE")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise KeyStoreError("a passphrase is needed: use --passphrase-file or CERTBENCH_PASSPHRASE")
    return getpass.getpass(prompt)


def emit(args: argparse.Namespace, data: object, text: str | Callable[[], str]) -> None:
    """Print ``data`` as JSON with ``--json``, else the human-readable ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(jsonable(data), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(text() if callable(text) else text)
