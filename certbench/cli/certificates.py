"""``certbench certificate issue|suspend|reinstate|revoke|list|expire|recover`` and
``certbench surveillance list``.

Issuing and status changes sign with the issuer key: its passphrase comes from
``--issuer-passphrase-file``, ``$CERTBENCH_ISSUER_PASSPHRASE``, or else is the
acting user's passphrase.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from certbench.cli.acting import acting, add_issuer_passphrase, issuer_key, open_db
from certbench.cli.common import Subparsers, add_common, emit

__all__ = ["register"]


def register(subparsers: Subparsers) -> None:
    """Add the ``certificate`` and ``surveillance`` groups."""
    cert = subparsers.add_parser("certificate", help="issue certificates and change their status")
    sub = cert.add_subparsers(dest="certificate_command", metavar="COMMAND", required=True)
    issue = sub.add_parser("issue", help="issue the certificate of an approved audit "
                                         "(re-run completes an interrupted issuance)")
    issue.add_argument("audit", metavar="AUDIT")
    issue.add_argument("--out", type=Path, metavar="DIR", help="folder for the PDF and seal file")
    add_common(issue, acting=True)
    add_issuer_passphrase(issue)
    issue.set_defaults(handler=_issue)
    for action in ("suspend", "reinstate", "revoke"):
        p = sub.add_parser(action, help=f"{action} a certificate, with a reason")
        p.add_argument("certificate", metavar="CERT", help="number, id or seal hash")
        p.add_argument("--reason", required=True)
        add_common(p, acting=True)
        add_issuer_passphrase(p)
        p.set_defaults(handler=_status, action=action)
    listing = sub.add_parser("list", help="certificates with status and surveillance due date")
    listing.add_argument("--overdue", action="store_true",
                         help="only those whose surveillance audit is overdue")
    add_common(listing)
    listing.set_defaults(handler=_list)
    expire = sub.add_parser("expire", help="record expiry of certificates past their end date")
    add_common(expire, acting=True)
    add_issuer_passphrase(expire)
    expire.set_defaults(handler=_expire)
    recover = sub.add_parser("recover", help="finish interrupted issuances, republish registry")
    add_common(recover, acting=True)
    add_issuer_passphrase(recover)
    recover.set_defaults(handler=_recover)

    surveillance = subparsers.add_parser("surveillance", help="surveillance audits due")
    ssub = surveillance.add_subparsers(dest="surveillance_command", metavar="COMMAND",
                                       required=True)
    slist = ssub.add_parser("list", help="next surveillance per certificate; overdue flagged")
    slist.add_argument("--overdue", action="store_true")
    add_common(slist)
    slist.set_defaults(handler=_list)


def _issue(args: argparse.Namespace) -> int:
    from certbench.services.issuing import issue_certificate

    with acting(args) as (db, session, actor):
        key = issuer_key(args, session)
    issued = issue_certificate(db, actor, args.audit, key, out_dir=args.out)
    data = {"number": issued.number, "audit": issued.audit_id, "merchant": issued.merchant,
            "grade": issued.grade, "score": issued.score, "seal_hash": issued.seal_hash,
            "short_hash": issued.short_hash, "valid_from": issued.valid_from.isoformat(),
            "valid_until": issued.valid_until.isoformat(), "pdf": str(issued.pdf_path),
            "seal_file": str(issued.seal_path), "completed_interrupted": issued.completed}
    emit(args, data, lambda: "\n".join([
        f"Issued {issued.number}: {issued.merchant}, grade {issued.grade} ({issued.score})"
        + ("  [completed an interrupted issuance]" if issued.completed else ""),
        f"  valid      {issued.valid_from} to {issued.valid_until}",
        f"  seal       {issued.short_hash}  ({issued.seal_hash})",
        f"  pdf        {issued.pdf_path}", f"  seal file  {issued.seal_path}"]))
    return 0


def _status(args: argparse.Namespace) -> int:
    from certbench.services.lifecycle import change_status

    with acting(args) as (db, session, actor):
        key = issuer_key(args, session)
    cert = change_status(db, actor, args.certificate, args.action, reason=args.reason, key=key)
    data = {"number": cert.number, "status": cert.status.value, "reason": args.reason}
    emit(args, data, f"{cert.number} is now {cert.status.value}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from certbench.services.lifecycle import list_certificates

    db = open_db(args)
    try:
        with db.session() as session:
            rows = list_certificates(session, overdue_only=args.overdue)
    finally:
        db.dispose()
    data = [{"number": r.number, "merchant": r.merchant, "status": r.status.value,
             "valid_from": r.valid_from.isoformat(), "valid_until": r.valid_until.isoformat(),
             "seal_hash": r.seal_hash, "overdue": r.surveillance_overdue,
             "surveillance_due": r.surveillance_due.isoformat() if r.surveillance_due else None}
            for r in rows]
    emit(args, data, lambda: "\n".join(
        f"{r.number}  {r.status.value:<9} until {r.valid_until}  surveillance "
        f"{r.surveillance_due or '-'}{' OVERDUE' if r.surveillance_overdue else ''}  {r.merchant}"
        for r in rows) or "no certificates")
    return 0


def _expire(args: argparse.Namespace) -> int:
    from certbench.services.lifecycle import expire_certificates

    with acting(args) as (db, session, actor):
        key = issuer_key(args, session)
    numbers = expire_certificates(db, actor, key)
    emit(args, {"expired": numbers}, f"Expired: {', '.join(numbers) or 'none'}")
    return 0


def _recover(args: argparse.Namespace) -> int:
    from certbench.services.bodies import require_role
    from certbench.services.issuing import recover
    from certbench.storage import Role

    with acting(args) as (db, session, actor):
        require_role(actor, Role.ISSUER, Role.ADMIN, session=session)
        key = issuer_key(args, session)
    numbers = recover(db, key)
    emit(args, {"completed": numbers}, f"Completed: {', '.join(numbers) or 'nothing to do'}")
    return 0
