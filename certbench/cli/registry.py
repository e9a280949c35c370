"""``certbench registry export OUT`` and ``certbench registry publish``."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from certbench.cli.acting import acting, add_issuer_passphrase, issuer_key, open_db
from certbench.cli.common import Subparsers, add_common, emit
from certbench.errors import RegistryError

__all__ = ["register"]


def register(subparsers: Subparsers) -> None:
    """Add the ``registry`` group."""
    registry = subparsers.add_parser("registry", help="the public certificate registry")
    sub = registry.add_subparsers(dest="registry_command", metavar="COMMAND", required=True)
    export = sub.add_parser("export", help="copy the published registry (and trust file) out")
    export.add_argument("out", type=Path, metavar="OUT", help="registry file to write")
    export.add_argument("--trust", type=Path, metavar="FILE", help="also copy the trust file")
    add_common(export)
    export.set_defaults(handler=_export)
    publish = sub.add_parser("publish", help="bring the published registry up to the database")
    add_common(publish, acting=True)
    add_issuer_passphrase(publish)
    publish.set_defaults(handler=_publish)


def _export(args: argparse.Namespace) -> int:
    from certbench.services.bodies import body_paths, get_body
    from certbench.services.issuing import check_issuance

    db = open_db(args)
    try:
        with db.session() as session:
            paths = body_paths(get_body(session))
            stale = [p for p in check_issuance(session) if p.startswith("registry")
                     or "head" in p]
    finally:
        db.dispose()
    if stale:
        raise RegistryError(f"{stale[0]}: run `certbench registry publish` first")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths.registry_path, args.out)
    if args.trust:
        shutil.copyfile(paths.trust_path, args.trust)
    emit(args, {"registry": str(args.out), "trust": str(args.trust) if args.trust else None},
         f"Wrote {args.out}" + (f" and {args.trust}" if args.trust else ""))
    return 0


def _publish(args: argparse.Namespace) -> int:
    from certbench.services.issuing import publish_registry

    with acting(args) as (_db, session, _actor):
        path = publish_registry(session, issuer_key(args, session))
    emit(args, {"registry": str(path)}, f"Published {path}")
    return 0
