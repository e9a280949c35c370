"""``certbench audit ...``: open, rate, import ratings, submit, return, approve, show."""

from __future__ import annotations

import argparse
from pathlib import Path

from certbench.cli.acting import acting, open_db
from certbench.cli.common import Subparsers, add_common, emit
from certbench.cli.reports import add_template_command

__all__ = ["register"]


def register(subparsers: Subparsers) -> None:
    """Add the ``audit`` group."""
    audit = subparsers.add_parser("audit", help="audits: open, rate, submit, review")
    sub = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)

    opening = sub.add_parser("open", help="open an audit of a merchant (you assess it)")
    opening.add_argument("merchant", metavar="MERCHANT", help="id, registration number or name")
    opening.add_argument("--form", required=True, metavar="ID@VERSION")
    opening.add_argument("--scope", type=Path, metavar="FILE",
                         help="scope as JSON (business_models, home_market, target_markets, "
                              "languages, currencies, categories)")
    kind = opening.add_mutually_exclusive_group()
    kind.add_argument("--reassess", action="store_true",
                      help="re-assessment: start from the previous audit's findings")
    kind.add_argument("--surveillance", action="store_true", help="a surveillance audit")
    opening.add_argument("--assessor", action="append", default=[], metavar="NAME",
                         help="another assessor on the team")
    add_common(opening, acting=True)
    opening.set_defaults(handler=_open)

    rate = sub.add_parser("rate", help="rate one criterion")
    rate.add_argument("audit", metavar="AUDIT")
    rate.add_argument("criterion", metavar="CRITERION")
    rate.add_argument("rating", metavar="RATING", help="a value of the form's scale, or 'none'")
    rate.add_argument("--note")
    rate.add_argument("--justification")
    add_common(rate, acting=True)
    rate.set_defaults(handler=_rate)

    confirm = sub.add_parser("confirm", help="re-confirm a carried-over rating")
    confirm.add_argument("audit", metavar="AUDIT")
    confirm.add_argument("criterion", metavar="CRITERION", nargs="+")
    add_common(confirm, acting=True)
    confirm.set_defaults(handler=_confirm)

    imp = sub.add_parser("import-ratings", help="apply a ratings sheet (.xlsx template or .csv)")
    imp.add_argument("audit", metavar="AUDIT")
    imp.add_argument("file", type=Path, metavar="FILE")
    add_common(imp, acting=True)
    imp.set_defaults(handler=_import)

    for name, helptext in (("submit", "sign and submit for review (assessor)"),
                           ("approve", "countersign and approve (reviewer)")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("audit", metavar="AUDIT")
        add_common(p, acting=True)
        p.set_defaults(handler=_transition, transition=name)
    ret = sub.add_parser("return", help="send back to the assessors (reviewer)")
    ret.add_argument("audit", metavar="AUDIT")
    ret.add_argument("--comment", required=True)
    add_common(ret, acting=True)
    ret.set_defaults(handler=_transition, transition="return")

    show = sub.add_parser("show", help="an audit's state, progress, grade and signatures")
    show.add_argument("audit", metavar="AUDIT")
    add_common(show)
    show.set_defaults(handler=_show)
    add_template_command(sub)


def _open(args: argparse.Namespace) -> int:
    from certbench.grading import read_scope_file
    from certbench.services.audits import open_audit
    from certbench.storage import AuditKind

    scope = read_scope_file(args.scope) if args.scope else None
    kind = (AuditKind.REASSESSMENT if args.reassess else
            AuditKind.SURVEILLANCE if args.surveillance else AuditKind.INITIAL)
    with acting(args) as (_db, session, actor):
        audit = open_audit(session, actor, args.merchant, args.form, scope=scope, kind=kind,
                           assessors=args.assessor)
        data = {"id": audit.id, "merchant": audit.merchant.legal_name, "kind": kind.value,
                "form": f"{audit.form_id}@{audit.form_version}", "state": audit.state.value,
                "previous_audit": audit.previous_audit_id}
    emit(args, data, f"{data['id']}  opened ({kind.value}) for {data['merchant']}")
    return 0


def _rate(args: argparse.Namespace) -> int:
    from certbench.services.audits import rate

    value = None if args.rating.lower() == "none" else args.rating
    with acting(args) as (_db, session, actor):
        audit = rate(session, actor, args.audit, args.criterion, value, note=args.note,
                     justification=args.justification)
        data = {"audit": audit.id, "criterion": args.criterion, "rating": value}
    emit(args, data, f"{args.criterion} = {value}")
    return 0


def _confirm(args: argparse.Namespace) -> int:
    from certbench.services.audits import confirm

    with acting(args) as (_db, session, actor):
        for criterion in args.criterion:
            confirm(session, actor, args.audit, criterion)
    emit(args, {"confirmed": args.criterion}, f"Re-confirmed {', '.join(args.criterion)}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from certbench.services.audits import import_ratings

    with acting(args) as (_db, session, actor):
        count = import_ratings(session, actor, args.audit, args.file)
    emit(args, {"imported": count}, f"Imported {count} rows from {args.file}")
    return 0


def _transition(args: argparse.Namespace) -> int:
    from certbench.services import audits

    with acting(args) as (_db, session, actor):
        if args.transition == "submit":
            audit = audits.submit(session, actor, args.audit)
        elif args.transition == "approve":
            audit = audits.approve(session, actor, args.audit)
        else:
            audit = audits.return_audit(session, actor, args.audit, args.comment)
        audit_id, state = audit.id, audit.state.value
        data = {"id": audit_id, "state": state, "record_hash": audit.signed_record_hash}
    emit(args, data, f"Audit {audit_id[:8]} is {state}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from certbench.services.audits import audit_summary

    db = open_db(args)
    try:
        with db.session() as session:
            data = audit_summary(session, args.audit)
    finally:
        db.dispose()

    def text() -> str:
        assessors = data["assessors"]
        carried = data["carried_over"]
        assert isinstance(assessors, list) and isinstance(carried, list)
        lines = [f"Audit {data['id']} ({data['kind']}) of {data['merchant']}",
                 f"  state      {data['state']}   form {data['form']}",
                 f"  assessors  {', '.join(assessors)}   reviewer {data['reviewer']}",
                 f"  rated      {data['rated']}   evidence {data['evidence']}   "
                 f"samples {data['samples']}",
                 f"  grade      {data['grade'] or '-'}  score {data['score'] or '-'}  "
                 f"certifiable {'yes' if data['certifiable'] else 'no'}"]
        if carried:
            lines.append(f"  carried over, not re-confirmed: {len(carried)}")
        if data["certificate"]:
            lines.append(f"  certificate {data['certificate']}")
        return "\n".join(lines)

    emit(args, data, text)
    return 0
