"""``certbench package ...``: field packages between the office and field laptops.

::

    certbench package export --audit ID [--audit ID...] --as NAME [--kind audits|assignments]
                             [--to-user NAME | --to-key FILE | --no-encrypt] -o FILE
    certbench package inspect FILE [--key FILE | --as NAME]   (writes nothing; without a
                                              database the sender is not checked)
    certbench package import FILE (--key FILE | --as NAME)
    certbench package conflicts [--audit ID] [--all]
    certbench package resolve CONFLICT (office|field|merge) --as NAME
    certbench package device                      this database's device id
    certbench package devices                     the devices it knows
    certbench package register-device ID --name NAME [--user NAME] --as ADMIN
    certbench package inbox-key --out FILE --as ADMIN
                                                  create the body's package key

Field packages are encrypted to the body's package key (``inbox-key``) by
default; office packages go to the assessor named with ``--to-user``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from certbench.cli.common import Subparsers, add_common, emit, read_passphrase
from certbench.errors import KeyStoreError, NotFoundError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

    from certbench.evidence import Vault
    from certbench.services.bodies import Actor
    from certbench.storage import Database

__all__ = ["register"]



def register(subparsers: Subparsers) -> None:
    """Add ``package export|inspect|import|conflicts|resolve`` and device commands."""
    package = subparsers.add_parser("package", help="offline field packages (export, import)")
    sub = package.add_subparsers(dest="package_command", metavar="COMMAND", required=True)
    _register_export(sub)
    _register_inspect(sub)
    _register_import(sub)
    _register_conflicts(sub)
    _register_devices(sub)


def _register_export(sub: Subparsers) -> None:
    export = sub.add_parser("export", help="write audits or assignments into a signed package")
    export.add_argument("--audit", action="append", required=True, metavar="ID",
                        help="an audit to carry (repeat for several)")
    export.add_argument("--kind", choices=("audits", "assignments"), default="audits",
                        help="audits: field to office (default); assignments: office to field")
    target = export.add_mutually_exclusive_group()
    target.add_argument("--to-user", metavar="NAME",
                        help="encrypt to this user's personal key (office to field)")
    target.add_argument("--to-key", type=Path, metavar="FILE",
                        help="encrypt to this public key (PEM or certbench key file)")
    target.add_argument("--no-encrypt", action="store_true",
                        help="write a plain zip FOR INSPECTION ONLY: it cannot be imported")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    add_common(export, acting=True)
    export.set_defaults(handler=_export)


def _register_inspect(sub: Subparsers) -> None:
    inspect = sub.add_parser("inspect", help="show what a package holds and whether it verifies")
    inspect.add_argument("package", type=Path, metavar="FILE")
    _add_key_options(inspect)
    add_common(inspect)
    inspect.set_defaults(handler=_inspect)


def _register_import(sub: Subparsers) -> None:
    importing = sub.add_parser("import", help="verify a package and apply it in one transaction")
    importing.add_argument("package", type=Path, metavar="FILE")
    _add_key_options(importing)
    add_common(importing)
    importing.set_defaults(handler=_import)


def _register_conflicts(sub: Subparsers) -> None:
    conflicts = sub.add_parser("conflicts", help="records changed on both sides, to resolve")
    conflicts.add_argument("--audit", metavar="ID")
    conflicts.add_argument("--all", action="store_true", help="include resolved conflicts")
    add_common(conflicts)
    conflicts.set_defaults(handler=_conflicts)
    resolve = sub.add_parser("resolve", help="settle a conflict")
    resolve.add_argument("conflict", metavar="CONFLICT")
    resolve.add_argument("choice", choices=("office", "field", "merge"),
                         help="office: keep this database's; field: take the package's; "
                              "merge: keep this database's and append the package's note")
    add_common(resolve, acting=True)
    resolve.set_defaults(handler=_resolve)


def _register_devices(sub: Subparsers) -> None:
    device = sub.add_parser("device", help="this database's own device id")
    add_common(device)
    device.set_defaults(handler=_device)
    devices = sub.add_parser("devices", help="the devices this database knows")
    add_common(devices)
    devices.set_defaults(handler=_devices)
    reg = sub.add_parser("register-device", help="accept packages from a device")
    reg.add_argument("device_id", metavar="ID")
    reg.add_argument("--name", required=True)
    reg.add_argument("--user", metavar="NAME", help="the user the device belongs to")
    add_common(reg, acting=True)
    reg.set_defaults(handler=_register_device)
    inbox = sub.add_parser("inbox-key", help="create the body's package key (office)")
    inbox.add_argument("--out", type=Path, required=True, metavar="FILE",
                       help="where to save the private key (encrypted with a new passphrase)")
    inbox.add_argument("--new-passphrase-file", type=Path, metavar="FILE")
    add_common(inbox, acting=True)
    inbox.set_defaults(handler=_inbox_key)


def _add_key_options(parser: argparse.ArgumentParser) -> None:
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument("--key", type=Path, metavar="FILE",
                      help="the private key the package is encrypted to (e.g. the inbox key)")
    keys.add_argument("--as", dest="acting_user", metavar="NAME",
                      help="use this user's personal key (packages sent to them)")
    parser.add_argument("--passphrase-file", type=Path, metavar="FILE",
                        help="passphrase of the key (else $CERTBENCH_PASSPHRASE, else a prompt)")


# -- helpers --------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> tuple[Database, Vault]:
    from certbench.cli.acting import open_db
    from certbench.evidence import Vault
    from certbench.services.bodies import body_paths, get_body

    db = open_db(args)
    with db.session() as session:
        vault = Vault(body_paths(get_body(session)).vault_dir)
    return db, vault


def _open_db(args: argparse.Namespace) -> Database:
    from certbench.cli.acting import open_db

    return open_db(args)


def _actor(args: argparse.Namespace, db: Database) -> Actor:
    from certbench.services.bodies import authenticate

    passphrase = read_passphrase(args, f"Passphrase of {args.acting_user}: ")
    with db.session() as session:
        return authenticate(session, args.acting_user, passphrase)


def _key_file(args: argparse.Namespace) -> ec.EllipticCurvePrivateKey | None:
    from certbench.certify.keys import load_key

    if args.key is None:
        return None
    return load_key(args.key, read_passphrase(args, f"Passphrase of {args.key.name}: ")).private_key


def _private_key(args: argparse.Namespace, db: Database) -> ec.EllipticCurvePrivateKey | None:
    if args.key is not None:
        return _key_file(args)
    if args.acting_user is not None:
        return _actor(args, db).key.private_key
    return None


def _public_key_file(path: Path) -> ec.EllipticCurvePublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from certbench.certify.keys import read_public

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyStoreError(f"cannot read {path}: {exc.strerror}") from exc
    if data.lstrip().startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise KeyStoreError(f"{path} is not a P-256 public key")
        return key
    return read_public(path).public_key


def _recipient(args: argparse.Namespace, db: Database) -> ec.EllipticCurvePublicKey | None:
    import sqlalchemy as sa
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from certbench.services.bodies import get_body, public_key_of
    from certbench.storage import User
    from certbench.sync.records import INBOX_SETTING

    if args.no_encrypt:
        return None
    if args.to_key is not None:
        return _public_key_file(args.to_key)
    with db.session() as session:
        if args.to_user is not None:
            user = session.scalars(sa.select(User).where(User.name == args.to_user)).first()
            if user is None:
                raise NotFoundError(f"no user {args.to_user!r}", user=args.to_user)
            return public_key_of(user)
        pem = (get_body(session).settings or {}).get(INBOX_SETTING)
    if not pem:
        raise KeyStoreError("no recipient: the body has no package key (`certbench package "
                            "inbox-key`); give --to-user or --to-key")
    key = serialization.load_pem_public_key(str(pem).encode("ascii"))
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise KeyStoreError("the body's package key is not a P-256 key")
    return key


def _progress_printer(args: argparse.Namespace) -> Callable[[float, str], None] | None:
    if getattr(args, "json", False) or not sys.stderr.isatty():
        return None
    last = [-1]

    def show(fraction: float, label: str) -> None:
        percent = int(fraction * 100)
        if percent != last[0]:
            last[0] = percent
            print(f"\r{label}: {percent:3d}%", end="", file=sys.stderr, flush=True)

    return show


# -- handlers -------------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    from certbench.sync.exporter import export_package

    db, vault = _open(args)
    try:
        actor = _actor(args, db)
        recipient = _recipient(args, db)
        result = export_package(db, vault, args.output, key=actor.key, audit_ids=args.audit,
                                kind=args.kind, recipient=recipient,
                                progress=_progress_printer(args))
    finally:
        db.dispose()
    data = {"path": str(result.path), "package_id": result.package_id, "kind": result.kind,
            "records": result.records, "evidence_files": result.evidence_files,
            "evidence_bytes": result.evidence_bytes, "encrypted": result.encrypted,
            "recipient_key_id": result.recipient_key_id}
    warning = ("" if result.encrypted else
               "\nWARNING: NOT ENCRYPTED. This package is for inspection only: anyone who finds "
               "it can read it, and `certbench package import` refuses it.")
    emit(args, data, f"wrote {result.path}: package {result.package_id} ({result.kind}), "
                     f"{result.records} records, {result.evidence_files} evidence files"
                     + (f", encrypted to key {result.recipient_key_id}" if result.encrypted
                        else "") + warning)
    if not result.encrypted and getattr(args, "json", False):
        print("warning: the package is NOT encrypted (inspection only)", file=sys.stderr)
    return 0


def _existing_db(args: argparse.Namespace) -> Database | None:
    """The database, or None when it is a SQLite file that does not exist (never create it)."""
    import sqlalchemy as sa

    from certbench.storage import resolve_url

    url = sa.make_url(resolve_url(getattr(args, "db", None)))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not Path(url.database).exists():
        return None
    return _open_db(args)


def _inspect(args: argparse.Namespace) -> int:
    from certbench.errors import StorageError
    from certbench.sync.inspection import inspect_package

    db = _existing_db(args)
    if db is None and args.key is None and args.acting_user is not None:
        raise StorageError("there is no database here to find the user named with --as; give "
                           "the private key with --key")
    try:
        key = _private_key(args, db) if db is not None else _key_file(args)
        seen = inspect_package(args.package, private_key=key, db=db,
                               progress=_progress_printer(args))
    finally:
        if db is not None:
            db.dispose()

    def text() -> str:
        lines = [
            f"package   {seen.package_id} ({seen.kind}), created {seen.created_at.isoformat()}",
            f"sender    {seen.sender} (key {seen.sender_key_id}) on {seen.device_name} "
            f"({seen.device_id})",
            f"encrypted {'yes, to key ' + str(seen.recipient_key_id) if seen.encrypted else 'NO'}",
            f"forms     {', '.join(seen.forms) or '-'}",
            *(f"  carried {f.ref} #{f.hash[:12]} "
              f"({'installed already' if f.installed else 'new, installed on import'})"
              for f in seen.carried_forms),
            f"audits    {', '.join(seen.audits) or '-'}",
            "records   " + ", ".join(f"{n} {t}" for t, n in sorted(seen.records.items())),
            f"journal   {seen.journal_events} events",
            f"evidence  {seen.evidence_files} files, {seen.evidence_bytes} bytes, "
            f"{'all hashes match' if seen.evidence_ok else 'HASH MISMATCH'}",
            f"verdict   {'VERIFIED' if seen.verified else 'NOT VERIFIED'}",
        ]
        if db is None:
            lines.append("sender    not checked: no database here (give --db to check it)")
        lines += [f"  - {p}" for p in seen.problems]
        return "\n".join(lines)

    emit(args, {**seen.to_json(), "database": db is not None}, text)
    return 0 if seen.verified else 1


def _import(args: argparse.Namespace) -> int:
    from certbench.sync.importer import import_package

    db, vault = _open(args)
    try:
        key = _private_key(args, db)
        result = import_package(db, vault, args.package, private_key=key,
                                actor=args.acting_user, progress=_progress_printer(args))
    finally:
        db.dispose()
    data = {"package_id": result.package_id, "sender": result.sender,
            "already_imported": result.already_imported, **result.counts.to_json(),
            "conflict_ids": list(result.counts.conflict_ids),
            "evidence_new": result.evidence_new}
    if result.already_imported:
        text = f"package {result.package_id} was already imported: nothing changed"
    else:
        c = result.counts
        text = (f"imported package {result.package_id} from {result.sender}: {c.inserted} new, "
                f"{c.updated} updated, {c.unchanged} unchanged, {c.kept_local} kept, "
                f"{c.conflicts} conflicts, {result.evidence_new} new evidence files")
        if c.conflicts:
            text += "\nresolve the conflicts with `certbench package conflicts` and `... resolve`"
    emit(args, data, text)
    return 0


def _conflicts(args: argparse.Namespace) -> int:
    from certbench.sync.conflicts import list_conflicts

    db = _open_db(args)
    try:
        found = list_conflicts(db, audit_id=args.audit, include_resolved=args.all)
    finally:
        db.dispose()
    data = [{"id": c.id, "record_type": c.record_type, "record_id": c.record_id,
             "audit_id": c.audit_id, "criterion_id": c.criterion_id, "sender": c.sender,
             "differences": {k: {"office": c.local.get(k), "field": c.incoming.get(k)}
                             for k in c.differences},
             "can_merge": c.can_merge, "resolution": c.resolution} for c in found]

    def text() -> str:
        if not found:
            return "no conflicts"
        lines = []
        for c in found:
            where = c.criterion_id or c.record_id
            state = f"resolved: {c.resolution} by {c.resolved_by}" if c.resolution else "open"
            lines.append(f"{c.id}  {c.record_type} {where} (audit {c.audit_id}) from "
                         f"{c.sender} [{state}]")
            for k in c.differences:
                lines.append(f"    {k}: office={c.local.get(k)!r} field={c.incoming.get(k)!r}")
        return "\n".join(lines)

    emit(args, data, text)
    return 0


def _resolve(args: argparse.Namespace) -> int:
    from certbench.sync.conflicts import resolve_conflict

    db = _open_db(args)
    try:
        actor = _actor(args, db)
        done = resolve_conflict(db, args.conflict, args.choice, actor=actor.name)
    finally:
        db.dispose()
    emit(args, {"id": done.id, "resolution": done.resolution, "resolved_by": done.resolved_by},
         f"conflict {done.id} resolved: {done.resolution}")
    return 0


def _device(args: argparse.Namespace) -> int:
    from certbench.sync.devices import local_device

    db = _open_db(args)
    try:
        with db.session() as session:
            device = local_device(session)
            data = {"id": device.id, "name": device.name}
    finally:
        db.dispose()
    emit(args, data, f"{data['id']}  {data['name']}")
    return 0


def _devices(args: argparse.Namespace) -> int:
    from certbench.sync.devices import list_devices

    db = _open_db(args)
    try:
        with db.session() as session:
            rows = list_devices(session)
    finally:
        db.dispose()
    emit(args, [{"id": d.id, "name": d.name, "user": d.user, "local": d.is_local} for d in rows],
         "\n".join(f"{d.id}  {d.name}  {d.user or '-'}{'  (this device)' if d.is_local else ''}"
                   for d in rows) or "no devices")
    return 0


def _register_device(args: argparse.Namespace) -> int:
    from certbench.services.bodies import require_role
    from certbench.storage import Role
    from certbench.sync.devices import register_device

    db = _open_db(args)
    try:
        require_role(_actor(args, db), Role.ADMIN)
        with db.session() as session:
            device = register_device(session, args.device_id, args.name, args.user)
            data = {"id": device.id, "name": device.name}
    finally:
        db.dispose()
    emit(args, data, f"registered device {data['id']} ({data['name']})")
    return 0


def _inbox_key(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives import serialization

    from certbench.certify.keys import generate_user_key, save_key
    from certbench.cli.acting import read_new_passphrase
    from certbench.services.bodies import get_body, require_role
    from certbench.storage import Role
    from certbench.sync.records import INBOX_SETTING

    db = _open_db(args)
    try:
        require_role(_actor(args, db), Role.ADMIN)
        key = generate_user_key("package-inbox")
        save_key(args.out, key, read_new_passphrase(args, "the package key"))
        pem = key.public_key.public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
        with db.session() as session:
            body = get_body(session)
            body.settings = {**(body.settings or {}), INBOX_SETTING: pem.decode("ascii")}
    finally:
        db.dispose()
    emit(args, {"key_id": key.kid, "path": str(args.out)},
         f"package key {key.kid} saved to {args.out}; field packages are now encrypted to it")
    return 0
