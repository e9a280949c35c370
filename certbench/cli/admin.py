"""``certbench init`` and ``certbench user add|list|passwd``: the body and its people.

``init`` creates the body, its issuer key, the first user (``--as``, who holds the
admin and issuer roles), the trust file and an empty registry. The issuer key is
encrypted with ``--issuer-passphrase-file`` (or ``$CERTBENCH_ISSUER_PASSPHRASE``);
without one it gets the first user's passphrase.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from certbench.cli.acting import acting, add_issuer_passphrase, open_db, read_new_passphrase
from certbench.cli.common import Subparsers, add_common, emit, read_passphrase

__all__ = ["register"]


def register(subparsers: Subparsers) -> None:
    """Add ``init`` and the ``user`` group."""
    init = subparsers.add_parser("init", help="create the certification body, its issuer key "
                                              "and its first admin")
    init.add_argument("--body", required=True, metavar="NAME", help="the body's name")
    init.add_argument("--code", default="", help="short id in seals (default: initials)")
    init.add_argument("--address", default="", help="postal address printed on certificates")
    init.add_argument("--home", type=Path, metavar="DIR",
                      help="folder for keys, published files, certificates and the vault "
                           "(default: the user data directory)")
    init.add_argument("--prefix", default="CB", help="certificate number prefix (default CB)")
    add_common(init, acting=True)
    add_issuer_passphrase(init)
    init.set_defaults(handler=_init)

    user = subparsers.add_parser("user", help="users, roles and personal keys")
    sub = user.add_subparsers(dest="user_command", metavar="COMMAND", required=True)
    add = sub.add_parser("add", help="register a user with a new personal key (admins)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", action="append", required=True,
                     choices=["assessor", "reviewer", "issuer", "admin"],
                     help="a role (repeat for several)")
    add.add_argument("--display-name", default="", help="full name printed on certificates")
    add.add_argument("--new-passphrase-file", type=Path, metavar="FILE",
                     help="the new user's passphrase (else $CERTBENCH_NEW_PASSPHRASE, else asked)")
    add_common(add, acting=True)
    add.set_defaults(handler=_user_add)

    listing = sub.add_parser("list", help="every user and their roles")
    add_common(listing)
    listing.set_defaults(handler=_user_list)

    passwd = sub.add_parser("passwd", help="change your key's passphrase")
    passwd.add_argument("--new-passphrase-file", type=Path, metavar="FILE")
    add_common(passwd, acting=True)
    passwd.set_defaults(handler=_passwd)


def _init(args: argparse.Namespace) -> int:
    from certbench.certify.keyring import body_id_from_name
    from certbench.cli.acting import issuer_passphrase
    from certbench.services.bodies import BodyPaths, init_body

    passphrase = read_passphrase(args, f"Passphrase for {args.acting_user}: ")
    issuer = issuer_passphrase(args) if args.issuer_passphrase_file is not None \
        or os.environ.get("CERTBENCH_ISSUER_PASSPHRASE") is not None else None
    db = open_db(args)
    try:
        result = init_body(db, name=args.body, code=args.code or body_id_from_name(args.body),
                           admin_name=args.acting_user, admin_passphrase=passphrase,
                           issuer_passphrase=issuer, address=args.address,
                           paths=BodyPaths.under(args.home) if args.home else None,
                           number_prefix=args.prefix)
    finally:
        db.dispose()
    data = {"body": result.name, "code": result.code, "issuer_kid": result.issuer_kid,
            "admin": result.admin, **result.paths.to_json()}
    emit(args, data, lambda: "\n".join([
        f"Created {result.name} ({result.code}); admin {result.admin}",
        f"  issuer key  {result.issuer_kid}",
        f"  trust file  {result.paths.trust_path}",
        f"  registry    {result.paths.registry_path}"]))
    return 0


def _user_add(args: argparse.Namespace) -> int:
    from certbench.services.bodies import add_user

    new_passphrase = read_new_passphrase(args, args.name)
    with acting(args) as (_db, session, actor):
        user = add_user(session, actor, args.name, args.role, new_passphrase,
                        display_name=args.display_name)
        name, roles, kid = user.name, sorted(r.value for r in user.roles), user.key_id
    emit(args, {"name": name, "roles": roles, "key_id": kid},
         f"Added {name} ({', '.join(roles)}), key {kid}")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    from certbench.services.bodies import list_users

    db = open_db(args)
    try:
        with db.session() as session:
            rows = list_users(session)
    finally:
        db.dispose()
    emit(args, [{"name": r.name, "display_name": r.display_name, "roles": list(r.roles),
                 "key_id": r.key_id, "active": r.active} for r in rows],
        lambda: "\n".join(f"{r.name:<16} {','.join(r.roles):<28} {r.display_name}"
                          for r in rows) or "no users")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    from certbench.services.bodies import change_passphrase

    old = read_passphrase(args, f"Current passphrase of {args.acting_user}: ")
    new = read_new_passphrase(args, args.acting_user)
    db = open_db(args)
    try:
        with db.session() as session:
            change_passphrase(session, args.acting_user, old, new)
    finally:
        db.dispose()
    emit(args, {"user": args.acting_user, "changed": True},
         f"Changed the passphrase of {args.acting_user}")
    return 0
