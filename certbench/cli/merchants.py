"""``certbench merchant add|list`` and ``certbench complaint add|link``."""

from __future__ import annotations

import argparse

from certbench.cli.acting import acting, open_db
from certbench.cli.common import Subparsers, add_common, emit

__all__ = ["register"]


def register(subparsers: Subparsers) -> None:
    """Add the ``merchant`` and ``complaint`` groups."""
    merchant = subparsers.add_parser("merchant", help="merchants and their websites")
    sub = merchant.add_subparsers(dest="merchant_command", metavar="COMMAND", required=True)
    add = sub.add_parser("add", help="register a merchant")
    add.add_argument("--name", required=True, help="legal name")
    add.add_argument("--reg-no", default="", help="registration number")
    add.add_argument("--country", default="", help="ISO 3166 two-letter code")
    add.add_argument("--website", action="append", default=[], metavar="URL",
                     help="a website or shop in scope (repeat for several)")
    add.add_argument("--trading-name", action="append", default=[], metavar="NAME")
    add.add_argument("--address", default="")
    add_common(add, acting=True)
    add.set_defaults(handler=_add)

    listing = sub.add_parser("list", help="merchants, by name")
    listing.add_argument("--search", default="", metavar="TEXT")
    add_common(listing)
    listing.set_defaults(handler=_list)

    complaint = subparsers.add_parser("complaint", help="complaints about merchants")
    csub = complaint.add_subparsers(dest="complaint_command", metavar="COMMAND", required=True)
    cadd = csub.add_parser("add", help="record a complaint about a merchant")
    cadd.add_argument("merchant", metavar="MERCHANT", help="id, registration number or name")
    cadd.add_argument("--summary", required=True)
    cadd.add_argument("--channel", default="")
    cadd.add_argument("--contact", default="", help="the complainant's contact (personal data)")
    add_common(cadd, acting=True)
    cadd.set_defaults(handler=_complaint_add)
    link = csub.add_parser("link", help="link a complaint to a surveillance audit")
    link.add_argument("complaint", metavar="COMPLAINT")
    link.add_argument("--audit", required=True, metavar="AUDIT")
    add_common(link, acting=True)
    link.set_defaults(handler=_complaint_link)


def _add(args: argparse.Namespace) -> int:
    from certbench.services.audits import add_merchant

    with acting(args) as (_db, session, actor):
        m = add_merchant(session, actor, legal_name=args.name, registration_number=args.reg_no,
                         country=args.country, websites=args.website,
                         trading_names=args.trading_name, address=args.address)
        data = {"id": m.id, "name": m.legal_name, "reg_no": m.registration_number,
                "country": m.country, "websites": [s.url for s in m.sites]}
    emit(args, data, f"{data['id']}  {data['name']}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from certbench.services.audits import list_merchants

    db = open_db(args)
    try:
        with db.session() as session:
            data = [{"id": m.id, "name": m.legal_name, "reg_no": m.registration_number,
                     "country": m.country, "websites": [s.url for s in m.sites]}
                    for m in list_merchants(session, args.search)]
    finally:
        db.dispose()
    emit(args, data, lambda: "\n".join(
        f"{d['id'][:8]}  {d['country'] or '--'}  {d['name']}  {d['reg_no']}" for d in data)
        or "no merchants")
    return 0


def _complaint_add(args: argparse.Namespace) -> int:
    from certbench.services.audits import add_complaint

    with acting(args) as (_db, session, actor):
        c = add_complaint(session, actor, args.merchant, args.summary, channel=args.channel,
                          contact=args.contact)
        data = {"id": c.id, "merchant_id": c.merchant_id, "certificate_id": c.certificate_id,
                "status": c.status.value}
    emit(args, data, f"Complaint {data['id']} recorded")
    return 0


def _complaint_link(args: argparse.Namespace) -> int:
    from certbench.services.audits import link_complaint

    with acting(args) as (_db, session, actor):
        c = link_complaint(session, actor, args.complaint, args.audit)
        cid, aid = c.id, str(c.surveillance_audit_id)
        data = {"id": cid, "audit": aid, "status": c.status.value}
    emit(args, data, f"Complaint {cid[:8]} linked to audit {aid[:8]}")
    return 0
