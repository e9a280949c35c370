"""``certbench verify``: check a certificate PDF, a ``.cbseal`` file or a scanned seal, offline.

Exit codes are the verdict's (see :data:`certbench.certify.verify.EXIT_CODES` and
``docs/verify-exit-codes.md``); 2 is a usage error. Never touches the network
nor the database.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from certbench.certify.fileio import MAX_INPUT_BYTES, read_limited
from certbench.certify.registry import Registry
from certbench.certify.trust import TrustFile, default_trust_path, load_trust
from certbench.certify.verify import (
    EXIT_CODES,
    PRECEDENCE,
    Verdict,
    VerificationReport,
    failed_input,
    verify,
)
from certbench.cli.common import Subparsers
from certbench.domain import Form
from certbench.errors import CertbenchError, MalformedError, SignatureInvalidError

__all__ = ["EPILOG", "register", "run_verify"]

EPILOG = "\n".join([
    "verdicts and exit codes (strongest first; several failures give the first):",
    *(f"  {EXIT_CODES[v]:>3}  {v.value}" for v in PRECEDENCE),
    "    2  usage error",
    "",
    "Without --trust the trust file in the data folder is used (trust.json); with none",
    "the verdict is at best UNKNOWN ISSUER. A broken --trust, --registry or --form file",
    "gives MALFORMED (TAMPERED when its signature fails). Never uses the network.",
])


def register(subparsers: Subparsers) -> None:
    """Add ``verify``."""
    parser = subparsers.add_parser(
        "verify", help="verify a certificate PDF, seal file or scanned seal (offline)",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", metavar="FILE|JWS|-", nargs="?",
                        help="a PDF, a .cbseal file, a compact JWS, or - for standard input")
    parser.add_argument("--trust", type=Path, metavar="FILE",
                        help="the issuer's trust file (default: <data dir>/trust.json)")
    parser.add_argument("--registry", type=Path, metavar="FILE",
                        help="the issuer's registry, for the certificate's status")
    parser.add_argument("--form", metavar="FILE|ID@VER",
                        help="the checklist, to recompute the grade from the seal file")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the summary")
    parser.add_argument("--at", metavar="ISO-TIME",
                        help="check validity at this time instead of now (UTC if no zone)")
    parser.add_argument("--gui", action="store_true",
                        help="open the verifier window (needs certbench[gui] and a display)")
    parser.set_defaults(handler=_handle)


def _read_input(arg: str) -> bytes | str:
    if arg == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    path = Path(arg)
    try:
        is_file = path.is_file()
    except OSError:  # a pasted JWS is longer than any file name (ENAMETOOLONG)
        is_file = False
    if is_file:
        return read_limited(path, limit=MAX_INPUT_BYTES + 1, what="input")
    if arg.count(".") == 2 and len(arg) > 40:
        return arg  # a compact JWS pasted on the command line
    raise MalformedError(f"no such file: {arg}")


def _load_form(ref: str) -> Form:
    from certbench.checklists import find_form

    return find_form(ref)


def _now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        print(f"certbench verify: error: --at: not an ISO-8601 time: {text!r}", file=sys.stderr)
        raise SystemExit(2) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _verdict_for(exc: CertbenchError) -> Verdict:
    """A trust file whose signature fails is TAMPERED; any other unreadable input MALFORMED."""
    return Verdict.TAMPERED if isinstance(exc, SignatureInvalidError) else Verdict.MALFORMED


def run_verify(args: argparse.Namespace) -> VerificationReport:
    """Load the inputs named by ``args`` and verify; input problems become a report."""
    now = _now(args.at)
    stage = "input"
    try:
        data = _read_input(args.input)
        stage = "trust"
        trust = _load_trust(args.trust)
        stage = "registry"
        registry = Registry.load(args.registry) if args.registry else None
        stage = "form"
        form = _load_form(args.form) if args.form else None
    except CertbenchError as exc:
        return failed_input(stage, f"{stage}: {exc.message}", now=now, verdict=_verdict_for(exc))
    except OSError as exc:
        return failed_input(stage, f"{stage}: cannot read ({exc.strerror})", now=now)
    return verify(data, trust=trust, registry=registry, form=form, now=now)


def _load_trust(path: Path | None) -> TrustFile | None:
    if path is not None:
        return load_trust(path)
    default = default_trust_path()
    return load_trust(default) if default.is_file() else None


def _run_gui(args: argparse.Namespace) -> int:
    from certbench.cli.gui import can_show_windows

    if not can_show_windows():
        print("certbench verify --gui: no display (set DISPLAY or QT_QPA_PLATFORM)",
              file=sys.stderr)
        return 2
    # Imported by name at run time: the headless CLI never loads Qt otherwise, and the
    # import-linter contract "only certbench.gui imports Qt or the GUI" stays true.
    window = importlib.import_module("certbench.gui.verify_window")
    options = [f"--{name}={value}" for name in ("trust", "registry", "form")
               if (value := getattr(args, name))]
    return int(window.main([*options, *([args.input] if args.input else [])]))


def _handle(args: argparse.Namespace) -> int:
    if args.gui:
        return _run_gui(args)
    if args.input is None:
        print("certbench verify: error: the input (FILE|JWS|-) is required", file=sys.stderr)
        return 2
    report = run_verify(args)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(report.summary(args.lang))
    return report.exit_code
