"""``certbench evidence add`` and ``certbench sample add``: what backs the ratings."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from certbench.cli.acting import acting
from certbench.cli.common import Subparsers, add_common, emit
from certbench.errors import WorkflowError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from certbench.storage import Sample

__all__ = ["register"]

_KINDS = {"test-purchase": "test_purchase", "test-return": "test_return", "contact": "contact"}


def register(subparsers: Subparsers) -> None:
    """Add the ``evidence`` and ``sample`` groups."""
    evidence = subparsers.add_parser("evidence", help="evidence files in the vault")
    sub = evidence.add_subparsers(dest="evidence_command", metavar="COMMAND", required=True)
    add = sub.add_parser("add", help="store a file in the vault and attach it to a criterion")
    add.add_argument("audit", metavar="AUDIT")
    add.add_argument("criterion", metavar="CRITERION")
    add.add_argument("file", type=Path, metavar="FILE")
    add.add_argument("--url", help="the page the file was captured from")
    add.add_argument("--captured-at", metavar="ISO-TIME", help="when it was captured (with zone)")
    add.add_argument("--where", default="", help="where it was captured")
    add.add_argument("--kind", default="file", choices=["file", "photo", "url_capture", "note"])
    add_common(add, acting=True)
    add.set_defaults(handler=_add)

    sample = subparsers.add_parser("sample", help="test purchases, returns and contacts")
    ssub = sample.add_subparsers(dest="sample_command", metavar="COMMAND", required=True)
    sadd = ssub.add_parser("add", help="record a measured sample for a criterion")
    sadd.add_argument("audit", metavar="AUDIT")
    sadd.add_argument("criterion", metavar="CRITERION")
    sadd.add_argument("--kind", required=True, choices=sorted(_KINDS))
    sadd.add_argument("--at", action="append", default=[], metavar="EVENT=ISO-TIME",
                      help="an instant, e.g. ordered=2026-11-02T10:00:00+08:00 (repeat)")
    sadd.add_argument("--amount", action="append", default=[], metavar="NAME=DECIMAL")
    sadd.add_argument("--channel", default="")
    sadd.add_argument("--note", default="")
    add_common(sadd, acting=True)
    sadd.set_defaults(handler=_sample)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise WorkflowError(f"{what} must be NAME=VALUE, not {item!r}")
        out[name.strip()] = value.strip()
    return out


def _add(args: argparse.Namespace) -> int:
    from certbench.evidence import Vault
    from certbench.services.audits import add_evidence_file
    from certbench.services.bodies import body_paths, get_body
    from certbench.storage import EvidenceKind

    captured = None
    if args.captured_at:
        captured = datetime.fromisoformat(args.captured_at)
        if captured.tzinfo is None:
            raise WorkflowError("--captured-at needs a time zone (e.g. +08:00 or Z)")
    if not args.file.is_file():
        raise WorkflowError(f"no such file {args.file}")
    with acting(args) as (_db, session, actor):
        vault = Vault(body_paths(get_body(session)).vault_dir)
        row = add_evidence_file(session, vault, actor, args.audit, criterion_id=args.criterion,
                                path=args.file, source_url=args.url, captured_at=captured,
                                kind=EvidenceKind(args.kind), captured_where=args.where)
        sha, name, criterion = row.sha256, row.original_filename, row.criterion_id
        data = {"id": row.id, "sha256": sha, "size": row.size, "criterion": criterion,
                "file": name}
    emit(args, data, f"{sha[:16]}…  {name} -> {criterion}")
    return 0


def _checks(session: Session, sample: Sample) -> list[dict[str, str | None]]:
    """The sample's durations held against the audit form's parameters."""
    from certbench.edits import audit_form
    from certbench.samples import check_sample, limits_from_form, parse_sample
    from certbench.storage import Audit

    audit = session.get(Audit, sample.audit_id)
    assert audit is not None
    verdict = check_sample(parse_sample(sample.kind.value, sample.timestamps, sample.amounts),
                           limits_from_form(audit_form(audit)))
    return [{"name": c.name, "measured": None if c.measured is None else str(c.measured),
             "limit": None if c.limit is None else str(c.limit), "unit": c.unit,
             "verdict": {True: "pass", False: "FAIL", None: "not measured"}[c.passed]}
            for c in verdict.checks]


def _sample(args: argparse.Namespace) -> int:
    from certbench.services.audits import add_sample
    from certbench.storage import SampleKind

    with acting(args) as (_db, session, actor):
        sample = add_sample(session, actor, args.audit, args.criterion,
                            SampleKind(_KINDS[args.kind]), timestamps=_pairs(args.at, "--at"),
                            amounts=_pairs(args.amount, "--amount"), channel=args.channel,
                            note=args.note)
        checks = _checks(session, sample)
        data = {"id": sample.id, "criterion": sample.criterion_id, "kind": sample.kind.value,
                "checks": checks}
    lines = [f"Sample {sample.id[:8]} ({sample.kind.value}) for {sample.criterion_id}"]
    lines += [f"  {c['name']:<28} {c['measured'] or '-':>10} {c['unit']:<6} limit "
              f"{c['limit'] or '-':>6}  {c['verdict']}" for c in checks]
    emit(args, data, "\n".join(lines))
    return 0
