"""``certbench report``, ``certbench export`` and ``certbench import``: documents and spreadsheets.

::

    certbench report audit AUDIT --out FILE.pdf [--public] [--lang en|zh]
    certbench export register|findings|merchants|overdue --out FILE.xlsx|FILE.csv
    certbench import merchants|complaints FILE

``write_ratings_template`` backs ``certbench audit template AUDIT --out FILE.xlsx``.
Column contracts: ``docs/spreadsheets.md``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from certbench.cli.common import Subparsers, add_common, emit
from certbench.errors import ImportDataError

if TYPE_CHECKING:
    from certbench.storage import Database

__all__ = ["add_template_command", "register", "write_ratings_template"]

EXPORTS = ("register", "findings", "merchants", "overdue")
IMPORTS = ("merchants", "complaints")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(subparsers: Subparsers) -> None:
    """Add the ``report``, ``export`` and ``import`` commands."""
    report = subparsers.add_parser("report", help="audit reports and public summaries (PDF)")
    sub = report.add_subparsers(dest="report_command", metavar="COMMAND", required=True)
    audit = sub.add_parser("audit", help="the audit report of one audit (or its public summary)")
    audit.add_argument("audit", metavar="AUDIT", help="the audit id")
    audit.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    audit.add_argument("--public", action="store_true",
                       help="the public summary instead: no findings, evidence or personal data")
    audit.add_argument("--lang", choices=("en", "zh"), default="en")
    add_common(audit)
    audit.set_defaults(handler=_report_audit)

    export = subparsers.add_parser("export", help="registers and lists as XLSX or CSV")
    export.add_argument("table", choices=EXPORTS)
    export.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx|FILE.csv")
    export.add_argument("--audit", action="append", dest="audits", metavar="AUDIT",
                        help="findings of this audit only (repeatable; default: every audit)")
    export.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD",
                        help="the day statuses and overdue items are computed for (default today)")
    add_common(export)
    export.set_defaults(handler=_export)

    imports = subparsers.add_parser("import", help="merchants or complaints from XLSX or CSV")
    imports.add_argument("table", choices=IMPORTS)
    imports.add_argument("file", type=Path, metavar="FILE")
    add_common(imports)
    imports.set_defaults(handler=_import)


def add_template_command(audit_subparsers: Subparsers) -> None:
    """Add ``template AUDIT --out FILE.xlsx`` to the ``audit`` command group."""
    template = audit_subparsers.add_parser(
        "template", help="the ratings template of an audit (XLSX with drop-down ratings)")
    template.add_argument("audit", metavar="AUDIT", help="the audit id")
    template.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    template.add_argument("--xlsx", action="store_true", help="XLSX (the only format; default)")
    template.add_argument("--lang", choices=("en", "zh"), default="en",
                          help="language of the requirement texts")
    add_common(template)
    template.set_defaults(handler=_template)


def _open(args: argparse.Namespace) -> Database:
    from certbench.storage import open_database, resolve_url

    return open_database(resolve_url(args.db))


def _report_audit(args: argparse.Namespace) -> int:
    from certbench.reports.documents import render_audit_report, render_public_summary
    from certbench.reports.report_loader import audit_report_data

    db = _open(args)
    try:
        with db.session() as session:
            data = audit_report_data(session, args.audit)
    finally:
        db.dispose()
    if args.public:
        render_public_summary(data, args.out, lang=args.lang)
    else:
        render_audit_report(data, args.out, lang=args.lang)
    kind = "public summary" if args.public else "audit report"
    emit(args, {"audit": data.audit_id, "out": str(args.out), "public": args.public,
                "lang": args.lang, "grade": data.grade,
                "seal_hash": data.certificate.seal_hash if data.certificate else None},
         f"wrote the {kind} of {data.audit_id} to {args.out}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from certbench.reports.loaders import export_table

    as_of = args.as_of or datetime.now(UTC).date()
    db = _open(args)
    try:
        with db.session() as session:
            count = export_table(session, args.table, args.out, as_of=as_of,
                                 audit_ids=args.audits)
    finally:
        db.dispose()
    emit(args, {"table": args.table, "rows": count, "out": str(args.out),
                "as_of": as_of.isoformat()},
         f"wrote {count} {args.table} rows to {args.out}")
    return 0


def _print_problems(exc: ImportDataError) -> None:
    problems = exc.context.get("problems", [])
    assert isinstance(problems, list)
    for row, column, problem in problems:
        where = f"row {row}" if row else "file"
        print(f"  {where}{', column ' + column if column else ''}: {problem}", file=sys.stderr)


def _import(args: argparse.Namespace) -> int:
    from certbench.reports.imports import import_complaints, import_merchants

    db = _open(args)
    importer = import_merchants if args.table == "merchants" else import_complaints
    try:
        with db.session() as session:
            ids = importer(session, args.file)
    except ImportDataError as exc:
        _print_problems(exc)
        raise
    finally:
        db.dispose()
    emit(args, {"table": args.table, "imported": len(ids), "ids": ids},
         f"imported {len(ids)} {args.table} from {args.file}")
    return 0


def write_ratings_template(db_url: str | None, audit_id: str, out: Path, *,
                           lang: str = "en") -> int:
    """Write the ratings template of ``audit_id`` from the database at ``db_url`` to ``out``.

    Returns the number of criteria listed.
    """
    from certbench.reports.loaders import write_audit_ratings_template
    from certbench.storage import open_database, resolve_url

    db = open_database(resolve_url(db_url))
    try:
        with db.session() as session:
            return write_audit_ratings_template(session, audit_id, out, lang=lang)
    finally:
        db.dispose()


def _template(args: argparse.Namespace) -> int:
    count = write_ratings_template(args.db, args.audit, args.out, lang=args.lang)
    emit(args, {"audit": args.audit, "criteria": count, "out": str(args.out)},
         f"wrote the ratings template of {args.audit} ({count} criteria) to {args.out}")
    return 0
