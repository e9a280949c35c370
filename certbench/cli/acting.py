"""Shared plumbing of the workflow commands: opening the database and the acting user."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from certbench.cli.common import read_passphrase
from certbench.errors import KeyStoreError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from certbench.certify.keys import IssuerKey
    from certbench.services.bodies import Actor
    from certbench.storage import Database

__all__ = ["acting", "add_issuer_passphrase", "issuer_key", "open_db", "read_new_passphrase"]


def open_db(args: argparse.Namespace) -> Database:
    """The database named by ``--db`` (or the default), migrated to the newest schema."""
    from certbench.storage import open_database, resolve_url

    return open_database(resolve_url(getattr(args, "db", None)))


@contextlib.contextmanager
def acting(args: argparse.Namespace) -> Iterator[tuple[Database, Session, Actor]]:
    """One transaction as the ``--as`` user, who proves themselves with their passphrase."""
    from certbench.services.bodies import authenticate

    db = open_db(args)
    passphrase = read_passphrase(args, f"Passphrase of {args.acting_user}: ")
    try:
        with db.session() as session:
            actor = authenticate(session, args.acting_user, passphrase)
            yield db, session, actor
    finally:
        db.dispose()


def add_issuer_passphrase(parser: argparse.ArgumentParser) -> None:
    """``--issuer-passphrase-file``: the issuer key's passphrase, if not the acting user's."""
    parser.add_argument("--issuer-passphrase-file", type=Path, metavar="FILE",
                        help="passphrase of the issuer key (else $CERTBENCH_ISSUER_PASSPHRASE, "
                             "else the acting user's passphrase)")


def issuer_passphrase(args: argparse.Namespace) -> str:
    """The issuer key's passphrase: its file, its variable, else the acting user's."""
    path: Path | None = getattr(args, "issuer_passphrase_file", None)
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise KeyStoreError(f"cannot read passphrase file {path}: {exc.strerror}") from exc
    env = os.environ.get("CERTBENCH_ISSUER_PASSPHRASE")
    return env if env is not None else read_passphrase(args, "Passphrase of the issuer key: ")


def issuer_key(args: argparse.Namespace, session: Session) -> IssuerKey:
    """The body's active issuer key, opened with the issuer passphrase."""
    from certbench.services.issuing import load_issuer_key

    return load_issuer_key(session, issuer_passphrase(args))


def read_new_passphrase(args: argparse.Namespace, who: str) -> str:
    """A new passphrase: ``--new-passphrase-file``, ``$CERTBENCH_NEW_PASSPHRASE`` or asked."""
    import getpass
    import sys

    path: Path | None = getattr(args, "new_passphrase_file", None)
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise KeyStoreError(f"cannot read passphrase file {path}: {exc.strerror}") from exc
    env = os.environ.get("CERTBENCH_NEW_PASSPHRASE")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise KeyStoreError(f"a passphrase for {who} is needed: use --new-passphrase-file "
                            "or CERTBENCH_NEW_PASSPHRASE")
    first = getpass.getpass(f"New passphrase for {who}: ")
    if first != getpass.getpass("Repeat it: "):
        raise KeyStoreError("the two passphrases differ")
    return first
