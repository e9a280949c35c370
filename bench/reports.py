"""Benchmark: register export (100,000 rows) and a 60-finding audit report.

Prints, from one run:

* ``write_csv`` of a 100,000-row certificate register (formatting, formula
  escaping, UTF-8 BOM, atomic rename) next to a bare ``DataFrame.to_csv`` of the
  same rows (a typed frame, ``utf-8-sig``): the raw limit;
* ``write_xlsx`` of the same rows (openpyxl write-only, typed cells, frozen
  header, auto-filter) next to a bare ``DataFrame.to_excel(engine="openpyxl")``;
* rendering the confidential audit report with 60 findings (English and
  Chinese), with page count and size.

Usage: ``.venv/bin/python bench/reports.py [--rows 100000] [--no-append]``
Appends a section to bench/RESULTS.md unless ``--no-append``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))

from reports_sample import sample_report  # noqa: E402

from certbench.reports.documents import render_audit_report  # noqa: E402
from certbench.reports.rows import RegisterRow  # noqa: E402
from certbench.reports.tables import REGISTER, write_csv, write_xlsx  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def register(n: int) -> list[RegisterRow]:
    """``n`` certificates with Chinese and Latin names, a few formula-looking ones."""
    t0 = datetime.datetime(2026, 1, 1, 9, 0, tzinfo=datetime.UTC)
    rows = []
    for i in range(n):
        issued = t0 + datetime.timedelta(minutes=7 * i)
        name = f"杭州示例贸易有限公司 {i}" if i % 2 else f"Example Trading {i} GmbH"
        if i % 1000 == 0:
            name = f"=HYPERLINK(\"http://x/{i}\")"
        rows.append(RegisterRow(
            f"CB-2026-{i:06d}", f"{i:08x}-0000-4000-8000-{i:012x}", name, f"REG{i:010d}",
            "CN" if i % 2 else "DE", (f"https://shop{i}.example.cn", f"https://m{i}.example.com"),
            "ecommerce-trust@1.0", "ABC"[i % 3], Decimal(70 + i % 30) + Decimal("0.25"), issued,
            issued.date(), issued.date() + datetime.timedelta(days=364),
            ("valid", "valid", "suspended", "revoked")[i % 4], f"{i:064x}"))
    return rows


def bare_frame(rows: list[RegisterRow]) -> object:
    """The same rows as a typed pandas frame, the way a script would build it."""
    import pandas as pd

    return pd.DataFrame({
        name: [("; ".join(v) if isinstance(v, tuple) else
                float(v) if isinstance(v, Decimal) else
                v.replace(tzinfo=None) if isinstance(v, datetime.datetime) else v)
               for v in (getattr(r, name) for r in rows)]
        for name in REGISTER.names})


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    rows = register(args.rows)
    frame = bare_frame(rows)
    report = sample_report(60)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        render_audit_report(sample_report(2), folder / "warm.pdf")  # registers the CJK font
        out_csv, bare_csv = folder / "r.csv", folder / "bare.csv"
        out_xlsx, bare_xlsx = folder / "r.xlsx", folder / "bare.xlsx"
        csv_ours = timed(lambda: write_csv(REGISTER, rows, out_csv), 3)
        csv_bare = timed(lambda: frame.to_csv(bare_csv, index=False,  # type: ignore[attr-defined]
                                              encoding="utf-8-sig"), 3)
        xlsx_ours = timed(lambda: write_xlsx(REGISTER, rows, out_xlsx), 1)
        xlsx_bare = timed(lambda: frame.to_excel(bare_xlsx, index=False,  # type: ignore[attr-defined]
                                                 engine="openpyxl"), 1)
        sizes = {p.name: p.stat().st_size / 2**20 for p in (out_csv, bare_csv, out_xlsx, bare_xlsx)}
        pdf_en, pdf_zh = folder / "a-en.pdf", folder / "a-zh.pdf"
        render_en = timed(lambda: render_audit_report(report, pdf_en), 5)
        render_zh = timed(lambda: render_audit_report(report, pdf_zh, lang="zh"), 5)
        pdf = {"en": (pages(pdf_en), pdf_en.stat().st_size / 1024),
               "zh": (pages(pdf_zh), pdf_zh.stat().st_size / 1024)}
    n = f"{args.rows:,}"
    lines = [
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"{_cpu_model()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        f"Register of {n} certificates x {len(REGISTER.names)} columns (half Chinese names, "
        "two websites each, 1 in 1000 names formula-like). CSV medians of 3, XLSX single runs.",
        "",
        "| what | certbench | bare pandas, same rows | ratio | file (certbench / bare) |",
        "| --- | --- | --- | --- | --- |",
        f"| CSV, UTF-8 with BOM | {csv_ours:.2f} s | {csv_bare:.2f} s (`to_csv`) | "
        f"{csv_ours / csv_bare:.2f}x | {sizes['r.csv']:.1f} / {sizes['bare.csv']:.1f} MiB |",
        f"| XLSX, openpyxl | {xlsx_ours:.2f} s | {xlsx_bare:.2f} s (`to_excel`) | "
        f"{xlsx_ours / xlsx_bare:.2f}x | {sizes['r.xlsx']:.1f} / {sizes['bare.xlsx']:.1f} MiB |",
        "",
        "| audit report, 60 findings, 8 evidence items, 3 samples | median of 5 | pages | size |",
        "| --- | --- | --- | --- |",
        f"| English | {render_en * 1000:.0f} ms | {pdf['en'][0]} | {pdf['en'][1]:.0f} KiB |",
        f"| Chinese (embedded WQY subset) | {render_zh * 1000:.0f} ms | {pdf['zh'][0]} | "
        f"{pdf['zh'][1]:.0f} KiB |",
    ]
    print("\n".join(lines))
    if not args.no_append:
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write("\n## Reports: register export and audit report (bench/reports.py)\n\n")
            handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
