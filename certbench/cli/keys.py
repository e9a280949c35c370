"""``certbench key new|rotate|compromise|export-trust|list``: the issuer's keys, no database.

Keys live in a key folder (default ``<user data dir>/keys``): encrypted key files
plus ``keyring.json``. Passphrases come from ``--passphrase-file``,
``$CERTBENCH_PASSPHRASE`` or a prompt (asked twice for a new key).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from certbench.certify.keyring import (
    Keyring,
    create_issuer,
    export_trust,
    load_keyring,
    mark_compromised,
    rotate_issuer,
)
from certbench.certify.keys import default_key_dir, format_time
from certbench.cli.common import Subparsers, add_common, emit, read_passphrase
from certbench.errors import KeyStoreError

__all__ = ["parse_cli_time", "register"]


def register(subparsers: Subparsers) -> None:
    """Add the ``key`` command group."""
    key = subparsers.add_parser("key", help="issuer keys: create, rotate, compromise, "
                                            "export the trust file")
    sub = key.add_subparsers(dest="key_command", metavar="COMMAND", required=True)

    new = sub.add_parser("new", help="create the body's first issuer key")
    new.add_argument("--body", required=True, metavar="NAME", help="the certification body")
    new.add_argument("--id", dest="body_id", default="", metavar="ID",
                     help="short issuer id sealed into certificates (default: initials)")
    new.add_argument("--out", type=Path, metavar="DIR", help="key folder (default: data dir)")
    new.add_argument("--years", type=int, default=5, help="certificate validity (default 5)")
    _common(new)
    new.set_defaults(handler=_new)

    rotate = sub.add_parser("rotate", help="add a new active key; the old one is retired")
    rotate.add_argument("--dir", type=Path, metavar="DIR", help="key folder")
    rotate.add_argument("--years", type=int, default=5, help="certificate validity (default 5)")
    _common(rotate)
    rotate.set_defaults(handler=_rotate)

    compromise = sub.add_parser("compromise", help="mark a key compromised from a moment on")
    compromise.add_argument("kid", metavar="KID", help="key id (a unique prefix will do)")
    compromise.add_argument("--at", required=True, metavar="ISO-TIME",
                            help="from when seals under this key are refused")
    compromise.add_argument("--dir", type=Path, metavar="DIR", help="key folder")
    add_common(compromise, db=False)
    compromise.set_defaults(handler=_compromise)

    export = sub.add_parser("export-trust", help="write the signed trust file for verifiers")
    export.add_argument("out", type=Path, metavar="OUT")
    export.add_argument("--dir", type=Path, metavar="DIR", help="key folder")
    _common(export)
    export.set_defaults(handler=_export)

    listing = sub.add_parser("list", help="the body's issuer keys and their status")
    listing.add_argument("--dir", type=Path, metavar="DIR", help="key folder")
    add_common(listing, db=False)
    listing.set_defaults(handler=_list)


def _common(parser: argparse.ArgumentParser) -> None:
    add_common(parser, db=False)
    parser.add_argument("--passphrase-file", type=Path, metavar="FILE",
                        help="read the passphrase from FILE (else $CERTBENCH_PASSPHRASE, "
                             "else a prompt)")


def parse_cli_time(text: str) -> datetime:
    """An ISO-8601 time or date from the command line; naive means UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise KeyStoreError(f"not an ISO-8601 time: {text!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _new_passphrase(args: argparse.Namespace) -> str:
    interactive = (args.passphrase_file is None and "CERTBENCH_PASSPHRASE" not in os.environ
                   and sys.stdin.isatty())
    first = read_passphrase(args, "New passphrase: ")
    if interactive and getpass.getpass("Repeat passphrase: ") != first:
        raise KeyStoreError("the passphrases differ")
    if not first:
        raise KeyStoreError("a key needs a non-empty passphrase")
    return first


def _folder(value: Path | None) -> Path:
    return value if value is not None else default_key_dir()


def _ring_json(ring: Keyring) -> dict[str, object]:
    return {"folder": str(ring.folder), "body": {"name": ring.body_name, "id": ring.body_id},
            "keys": [e.to_json() for e in ring.entries]}


def _new(args: argparse.Namespace) -> int:
    folder = _folder(args.out)
    key = create_issuer(folder, args.body, _new_passphrase(args), body_id=args.body_id,
                        valid_years=args.years)
    ring = load_keyring(folder)
    emit(args, _ring_json(ring),
         f"New issuer key {key.kid} for {ring.body_name} (id {ring.body_id}) in {folder}")
    return 0


def _rotate(args: argparse.Namespace) -> int:
    folder = _folder(args.dir)
    key = rotate_issuer(folder, _new_passphrase(args), valid_years=args.years)
    emit(args, _ring_json(load_keyring(folder)),
         f"New active issuer key {key.kid}; the previous key is retired from "
         f"{format_time(key.created)}. Export the trust file again.")
    return 0


def _compromise(args: argparse.Namespace) -> int:
    folder = _folder(args.dir)
    entry = mark_compromised(folder, args.kid, parse_cli_time(args.at))
    assert entry.compromised_at is not None
    emit(args, entry.to_json(),
         f"Key {entry.kid} marked compromised from {format_time(entry.compromised_at)}. "
         "Rotate if it was the active key, then export the trust file again.")
    return 0


def _export(args: argparse.Namespace) -> int:
    folder = _folder(args.dir)
    out = export_trust(folder, args.out, read_passphrase(args))
    ring = load_keyring(folder)
    emit(args, {"trust_file": str(out), **_ring_json(ring)},
         f"Trust file with {len(ring.entries)} key(s) written to {out}")
    return 0


def _list(args: argparse.Namespace) -> int:
    ring = load_keyring(_folder(args.dir))

    def text() -> str:
        lines = [f"{ring.body_name} (id {ring.body_id}), {ring.folder}"]
        for e in ring.entries:
            extra = f", compromised at {format_time(e.compromised_at)}" if e.compromised_at else ""
            lines.append(f"  {e.kid}  {e.status.value:<11} {format_time(e.valid_from)} → "
                         f"{format_time(e.valid_until)}{extra}")
        return "\n".join(lines)

    emit(args, _ring_json(ring), text)
    return 0
