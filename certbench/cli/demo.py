"""``certbench demo``: a demo body, three audits, two certificates, verified offline."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from certbench.cli.common import Subparsers, add_common, emit

__all__ = ["register"]


def register(subparsers: Subparsers) -> None:
    """Add the ``demo`` command."""
    demo = subparsers.add_parser("demo", help="run the whole job on sample data, end to end")
    demo.add_argument("--out", type=Path, metavar="DIR",
                      help="an empty folder for the demo (default: a new temporary folder)")
    demo.add_argument("--db", metavar="URL", default=None,
                      help="an empty database to use instead of DIR/demo.sqlite3 "
                           "(never $CERTBENCH_DB)")
    add_common(demo, db=False)
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    from certbench.demo import run_demo

    folder = args.out or Path(tempfile.mkdtemp(prefix="certbench-demo-"))
    quiet = bool(args.json)
    result = run_demo(folder, database_url=args.db,
                      progress=lambda m: None if quiet else print(f"... {m}", file=sys.stderr))
    data = {"folder": str(result.folder), "database": result.database,
            "trust": str(result.trust), "registry": str(result.registry), "audits": [
                {"merchant": a.merchant, "audit": a.audit_id, "grade": a.grade,
                 "score": a.score, "certifiable": a.certifiable, "certificate": a.number,
                 "pdf": str(a.pdf) if a.pdf else None,
                 "seal_file": str(a.seal_file) if a.seal_file else None, "seal_hash": a.seal_hash,
                 "short_hash": a.short_hash, "verdict": a.verdict or None,
                 "refusal": a.refusal or None} for a in result.audits]}
    emit(args, data, result.summary)
    valid = all(a.verdict == "VALID" for a in result.audits if a.number)
    return 0 if valid else 1
