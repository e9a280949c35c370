"""``certbench journal verify``, ``certbench vault verify``, ``certbench db check|upgrade``.

Exit codes: 0 sound, 1 a problem was found (each is printed).
"""

from __future__ import annotations

import argparse

from certbench.cli.acting import open_db
from certbench.cli.common import Subparsers, add_common, emit

__all__ = ["register"]


def register(subparsers: Subparsers) -> None:
    """Add the ``journal``, ``vault`` and ``db`` groups."""
    journal = subparsers.add_parser("journal", help="the hash-chained audit journal")
    jsub = journal.add_subparsers(dest="journal_command", metavar="COMMAND", required=True)
    verify = jsub.add_parser("verify", help="check the chain of one audit or of all")
    verify.add_argument("audit", nargs="?", metavar="AUDIT")
    add_common(verify)
    verify.set_defaults(handler=_journal_verify)
    history = jsub.add_parser("show", help="an audit's history")
    history.add_argument("audit", metavar="AUDIT")
    add_common(history)
    history.set_defaults(handler=_journal_show)

    vault = subparsers.add_parser("vault", help="the evidence vault")
    vsub = vault.add_subparsers(dest="vault_command", metavar="COMMAND", required=True)
    vverify = vsub.add_parser("verify", help="re-hash every object; report missing ones")
    add_common(vverify)
    vverify.set_defaults(handler=_vault_verify)

    db = subparsers.add_parser("db", help="the database")
    dsub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    check = dsub.add_parser("check", help="integrity, journals, vault, certificates, registry")
    add_common(check)
    check.set_defaults(handler=_db_check)
    upgrade = dsub.add_parser("upgrade", help="migrate the schema to the newest revision")
    add_common(upgrade)
    upgrade.set_defaults(handler=_db_upgrade)


def _journal_verify(args: argparse.Namespace) -> int:
    from certbench.journal import verify_chain
    from certbench.services.audits import find_audit

    db = open_db(args)
    try:
        with db.session() as session:
            audit_id = find_audit(session, args.audit).id if args.audit else None
            problems = verify_chain(session, audit_id)
    finally:
        db.dispose()
    data = {"ok": not problems, "problems": [
        {"audit": p.audit_id, "seq": p.seq, "kind": p.kind.value, "detail": p.detail}
        for p in problems]}
    emit(args, data, lambda: "journal intact" if not problems else "\n".join(
        f"audit {p.audit_id[:8]} event {p.seq}: {p.kind.value} ({p.detail})" for p in problems))
    return 0 if not problems else 1


def _journal_show(args: argparse.Namespace) -> int:
    from certbench.journal import history
    from certbench.services.audits import find_audit

    db = open_db(args)
    try:
        with db.session() as session:
            rows = history(session, find_audit(session, args.audit).id)
    finally:
        db.dispose()
    data = [{"seq": r.seq, "at": r.at.isoformat(), "actor": r.actor, "action": r.action,
             "reason": r.reason,
             "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in r.changes]}
            for r in rows]
    emit(args, data, lambda: "\n".join(
        f"{r.seq:>4} {r.at:%Y-%m-%d %H:%M:%S} {r.actor:<12} {r.action:<16} "
        + "; ".join(f"{c.field}: {c.old!r} -> {c.new!r}" for c in r.changes) for r in rows))
    return 0


def _vault_problems(session: object) -> tuple[list[str], int]:
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from certbench.evidence import Vault
    from certbench.services.bodies import body_paths, get_body
    from certbench.storage import Evidence

    assert isinstance(session, Session)
    vault = Vault(body_paths(get_body(session)).vault_dir)
    expected = set(session.scalars(sa.select(Evidence.sha256)))
    report = vault.verify(expected)
    problems = [f"evidence object {s} is missing" for s in report.missing]
    problems += [f"evidence object {s} was altered" for s in report.altered]
    return problems, report.ok


def _vault_verify(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.session() as session:
            problems, ok = _vault_problems(session)
    finally:
        db.dispose()
    emit(args, {"ok": not problems, "objects_ok": ok, "problems": problems},
         lambda: f"vault sound: {ok} objects" if not problems else "\n".join(problems))
    return 0 if not problems else 1


def _db_check(args: argparse.Namespace) -> int:
    from certbench.journal import verify_chain
    from certbench.services.issuing import check_issuance

    db = open_db(args)
    try:
        problems = [f"database: {p}" for p in db.integrity_check()]
        with db.session() as session:
            problems += [f"journal: audit {p.audit_id[:8]} event {p.seq} {p.kind.value}"
                         for p in verify_chain(session)]
            problems += [f"vault: {p}" for p in _vault_problems(session)[0]]
            problems += [f"certificates: {p}" for p in check_issuance(session)]
    finally:
        db.dispose()
    emit(args, {"ok": not problems, "problems": problems},
         lambda: "all checks passed" if not problems else "\n".join(problems))
    return 0 if not problems else 1


def _db_upgrade(args: argparse.Namespace) -> int:
    db = open_db(args)
    url = db.url
    db.dispose()
    emit(args, {"url": url, "upgraded": True}, f"{url} is at the newest schema")
    return 0
