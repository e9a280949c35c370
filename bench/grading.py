"""Benchmark: grading throughput against a bare Python loop.

Grades 10,000 synthetic audits of the standard form (``ecommerce-trust@1.0``;
the test fixture form only if the standard one is missing, and the output says
so). Ratings are random with a fixed seed and realistic gaps: mostly ``fully``,
some lower values, justified and unjustified ``n/a``, a few unrated criteria;
scopes vary (domestic, cross-border, regulated category) so every criterion
kind is exercised. Only criteria that apply to the scope are rated.

For reference it times, in the same run, a bare Python loop that sums 64 ints
10,000 times, and a bare loop that reads each Rating's id and value once (the
same objects ``grade()`` walks, so the same memory traffic).

Usage: ``.venv/bin/python bench/grading.py [--audits 10000] [--repeat 5] [--no-append]``
Appends a section to bench/RESULTS.md unless ``--no-append``.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import random
import statistics
import time
from pathlib import Path

from certbench.checklists import find_form, load_form
from certbench.domain import BusinessModel, Form, Rating, Scope
from certbench.errors import FormError
from certbench.grading import grade

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "data" / "forms" / "mini-trust" / \
    "1.0.toml"
SEED = 20261124
SCOPES = (
    Scope(home_market="CN", target_markets=frozenset({"CN"})),
    Scope(home_market="CN", target_markets=frozenset({"CN", "DE", "US"}),
          languages=frozenset({"zh", "en"})),
    Scope(business_models=frozenset({BusinessModel.B2C, BusinessModel.C2C}), home_market="CN",
          categories=frozenset({"toys", "general"})),
)
VALUES = (("fully", 0.80), ("largely", 0.10), ("partially", 0.04), ("not_met", 0.01),
          ("n/a justified", 0.04), ("unrated", 0.005), ("n/a", 0.005))
"""Per applicable criterion; "n/a" is an n/a without justification."""


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _form() -> tuple[Form, str]:
    try:
        return find_form("ecommerce-trust@1.0"), "standard form ecommerce-trust@1.0"
    except FormError as exc:
        print(f"standard form unavailable ({exc.message}); using the test fixture form")
        return load_form(FIXTURE), "FIXTURE form mini-trust@1.0 (standard form missing)"


def _audits(form: Form, count: int) -> list[tuple[list[Rating], Scope]]:
    rnd = random.Random(SEED)
    names, weights = zip(*VALUES, strict=True)
    audits = []
    for _ in range(count):
        scope = rnd.choice(SCOPES)
        ratings = []
        for criterion in form.criteria:
            if not criterion.applies(scope):
                continue
            choice = rnd.choices(names, weights)[0]
            if choice == "unrated":
                continue
            if choice == "n/a justified":
                ratings.append(Rating(criterion.id, "n/a", "not sold by this merchant"))
            else:
                ratings.append(Rating(criterion.id, choice))
        rnd.shuffle(ratings)
        audits.append((ratings, scope))
    return audits


def _time_grading(form: Form, audits: list[tuple[list[Rating], Scope]]) -> float:
    start = time.perf_counter()
    for ratings, scope in audits:
        grade(form, ratings, scope)
    return time.perf_counter() - start


def _time_bare_loop(rows: list[list[int]]) -> float:
    start = time.perf_counter()
    for row in rows:
        total = 0
        for value in row:
            total += value
    return time.perf_counter() - start


def _time_touch_ratings(audits: list[tuple[list[Rating], Scope]]) -> float:
    """Read every rating's id and value once: the memory traffic any grader must pay."""
    start = time.perf_counter()
    for ratings, _scope in audits:
        total = 0
        for rating in ratings:
            total += len(rating.criterion_id) + len(rating.value)
    return time.perf_counter() - start


def append_results(title: str, lines: list[str]) -> None:
    """Append a section to bench/RESULTS.md, creating it with a machine header if missing."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\n"
            f"Created {now}: {os.cpu_count()} cores (nproc), CPU {_cpu_model()}, "
            f"Python {platform.python_version()}.\n", encoding="utf-8")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(f"\n## {title}\n\n{now}, {os.cpu_count()} cores, CPU {_cpu_model()}, "
                f"load average {load}\n\n")
        f.write("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--audits", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()

    form, which = _form()
    audits = _audits(form, args.audits)
    rows = [[random.Random(i).randrange(4) for _ in range(len(form.criteria))]
            for i in range(args.audits)]
    _time_grading(form, audits[:200])  # compile the per-form and per-scope plans
    # The 640,000 synthetic ratings are input data, not grading work: keep the cyclic
    # garbage collector from re-scanning them on every full collection.
    gc.collect()
    gc.freeze()
    grading, bare, touch = [], [], []
    for _ in range(args.repeat):
        grading.append(_time_grading(form, audits))
        bare.append(_time_bare_loop(rows))
        touch.append(_time_touch_ratings(audits))
    g_med, g_best = statistics.median(grading), min(grading)
    b_med, t_med = statistics.median(bare), statistics.median(touch)
    n, k = args.audits, len(form.criteria)
    certifiable = sum(grade(form, r, s).certifiable for r, s in audits[:1000])
    lines = [
        f"{which}: {k} criteria, {n:,} synthetic audits (seed {SEED}; "
        f"{certifiable / 10:.1f}% of the first 1,000 certifiable), median of {args.repeat} runs.",
        "",
        "| what | per audit | audits/s |",
        "| --- | --- | --- |",
        f"| `grade()` (median) | {g_med / n * 1e6:.1f} µs | **{n / g_med:,.0f}** |",
        f"| `grade()` (best run) | {g_best / n * 1e6:.1f} µs | {n / g_best:,.0f} |",
        f"| bare loop summing {k} ints (median) | {b_med / n * 1e6:.2f} µs | {n / b_med:,.0f} |",
        f"| bare loop reading each Rating's id and value (median) | {t_med / n * 1e6:.2f} µs "
        f"| {n / t_med:,.0f} |",
        f"| ratio grade / bare int loop | {g_med / b_med:.1f}x | |",
        "",
        "Aim: at least 10,000 audits/s on one core.",
    ]
    print("\n".join(lines))
    if not args.no_append:
        append_results("Grading throughput (bench/grading.py)", lines)


if __name__ == "__main__":
    main()
