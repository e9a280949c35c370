"""Benchmark: the longest stall of the GUI thread while the workbench does long work.

A ``QTimer`` heartbeat every 10 ms on the GUI thread records the
``time.perf_counter()`` gap between its ticks while, offscreen and with the
default :class:`~certbench.gui.tasks.TaskManager` (real worker threads):

* **issue**: the Issue dialog, shown, its passphrase fields filled, its Issue
  button clicked; until the dialog's ``issued`` signal (the Op's success
  callback) has fired. This is the dialog's own Op path: unlock two keys, then
  :func:`certbench.workflow.issue_certificate` on the database thread, with the
  progress dialog;
* **preview**: opening that dialog until its specimen page is drawn (the page is
  rendered off the GUI thread, the pixmap drawn on it);
* **import**: :meth:`AuditEditor.attach_files` with 200 files of 256 KiB random
  bytes into one criterion; until all 200 are attached (one journalled edit and
  one snapshot reload each) and no task is pending.

Next to each, the raw limit in the same run: the heartbeat with the same windows
shown and the GUI thread idle for the same duration. The body (users, keys, an
approved audit and an open one) is built through the core by
``tests/support/workbench_flow.py`` in a temporary folder (``CERTBENCH_HOME``,
``XDG_CONFIG_HOME``), never the user's. Aim: every stall under 100 ms.

Usage: ``.venv/bin/python bench/gui_stalls.py [--files 200] [--size-kib 256]``
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICK_MS = 10
AIM_MS = 100.0


@dataclass(frozen=True)
class Gaps:
    """Heartbeat gaps (ms) over one measured stretch."""

    what: str
    gaps: list[float]
    duration_ms: float

    @property
    def longest(self) -> float:
        return max(self.gaps) if self.gaps else self.duration_ms

    @property
    def p99(self) -> float:
        if len(self.gaps) < 2:
            return self.longest
        return statistics.quantiles(self.gaps, n=100, method="inclusive")[98]

    @property
    def over_aim(self) -> int:
        return sum(1 for g in self.gaps if g >= AIM_MS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--size-kib", type=int, default=256)
    parser.add_argument("--profile", action="store_true",
                        help="also print where the GUI thread spent the import (cProfile)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="certbench-stalls-") as tmp:
        folder = Path(tmp)
        os.environ.update(QT_QPA_PLATFORM="offscreen", CERTBENCH_HOME=str(folder / "home"),
                          XDG_CONFIG_HOME=str(folder / "config"))
        os.environ.pop("CERTBENCH_DB", None)
        sys.path.insert(0, str(ROOT / "tests" / "support"))
        results = _measure(folder, args.files, args.size_kib, args.profile)
    _print(results, args.files, args.size_kib)
    sys.stdout.flush()
    # Skip interpreter teardown: PySide6 6.x can crash while garbage-collecting its
    # wrappers at exit ("bool_dealloc"), after every figure has been printed.
    os._exit(0)


def _measure(folder: Path, count: int, size_kib: int,
             profile: bool) -> list[tuple[Gaps, Gaps]]:
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: TID251 - a GUI bench
    from PySide6.QtWidgets import QApplication  # noqa: TID251 - like tests/gui
    from workbench_flow import (
        FORM_REF,
        PASSPHRASE,
        build_template,
        clone_body,
        submit_and_approve,
    )

    from certbench.gui.audit_editor import AuditEditor
    from certbench.gui.context import AppContext
    from certbench.gui.issue_dialog import IssueDialog
    from certbench.gui.settings import Settings
    from certbench.gui.tasks import TaskManager

    def prepare(flow: object) -> dict[str, str]:
        from certbench.workflow import authenticate, open_audit

        submit_and_approve(flow.db, flow.audit_id)  # type: ignore[attr-defined]
        with flow.db.session() as session:  # type: ignore[attr-defined]
            second = open_audit(session, authenticate(session, "li.wei", PASSPHRASE),
                                flow.merchant_id, FORM_REF).id  # type: ignore[attr-defined]
        return {"second": second}

    app = QApplication.instance() or QApplication([])
    began = time.perf_counter()
    template = build_template(folder / "template", prepare)
    flow, extra = clone_body(template, folder / "body")
    evidence = folder / "evidence"
    evidence.mkdir()
    files = []
    for n in range(count):
        path = evidence / f"evidence-{n:03d}.dat"
        path.write_bytes(os.urandom(size_kib * 1024))
        files.append(path)
    print(f"body, approved audit and {count} files built in {time.perf_counter() - began:.1f} s")

    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    tasks = TaskManager(app)  # the application's default: real worker threads
    ticks: list[float] = []
    heart = QTimer()
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.setInterval(TICK_MS)
    heart.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def wait_until(done: Callable[[], bool], timeout_s: float = 600.0) -> None:
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(5)
        deadline = time.perf_counter() + timeout_s

        def check() -> None:
            if done() or time.perf_counter() > deadline:
                loop.quit()
        poll.timeout.connect(check)
        poll.start()
        if not done():
            loop.exec()
        poll.stop()
        if not done():
            raise TimeoutError("the operation did not finish in time")

    def measure(what: str, trigger: Callable[[], None], done: Callable[[], bool]) -> Gaps:
        ticks.clear()
        heart.start()
        start = time.perf_counter()
        ticks.append(start)
        trigger()
        wait_until(done)
        end = time.perf_counter()
        heart.stop()
        ticks.append(end)
        return Gaps(what, [(b - a) * 1000 for a, b in itertools.pairwise(ticks)],
                    (end - start) * 1000)

    def idle(duration_ms: float) -> Gaps:
        until = time.perf_counter() + duration_ms / 1000
        return measure("idle", lambda: None, lambda: time.perf_counter() >= until)

    results = []
    # (a) issuing one certificate through the Issue dialog
    context = AppContext(db=flow.db, settings=settings, tasks=tasks, user="zhang.min")
    box: dict[str, IssueDialog] = {}

    def open_dialog() -> None:
        box["dialog"] = IssueDialog(context, flow.audit_id)
        box["dialog"].show()

    preview = measure("preview", open_dialog,
                      lambda: "dialog" in box and box["dialog"].preview_pages > 0
                      and tasks.pending == 0)
    dialog = box["dialog"]
    results.append((preview, idle(preview.duration_ms)))
    dialog.ui.passphrase_edit.setText(PASSPHRASE)
    dialog.ui.issuer_passphrase_edit.setText(PASSPHRASE)
    issued = measure("issue", dialog.ui.issue_button.click,
                     lambda: dialog.certificate is not None and tasks.pending == 0)
    assert dialog.certificate is not None and dialog.certificate.pdf_path.exists()
    results.insert(0, (issued, idle(issued.duration_ms)))
    dialog.close()
    dialog.deleteLater()

    # (b) importing the files into one criterion of the open audit
    context = AppContext(db=flow.db, settings=settings, tasks=tasks, user="li.wei")
    editor = AuditEditor(context, extra["second"])
    editor.resize(1280, 800)
    editor.show()
    wait_until(lambda: editor.snapshot is not None and tasks.pending == 0, 60)
    editor.select_criterion("LOG-01")
    wait_until(lambda: tasks.pending == 0, 60)
    profiler = cProfile.Profile() if profile else None
    shows: list[tuple[float, float]] = []
    if profiler is not None:
        show = AuditEditor._show_snapshot

        def timed_show(self: AuditEditor, snapshot: object) -> None:
            begun = time.perf_counter()
            show(self, snapshot)  # type: ignore[arg-type]
            shows.append((begun, time.perf_counter()))
        AuditEditor._show_snapshot = timed_show  # type: ignore[method-assign]
        profiler.enable()  # this thread (the GUI thread) only
    imported = measure(
        f"import {count}", lambda: editor.attach_files(files),
        lambda: len(editor.snapshot.evidence_for("LOG-01")) == count  # type: ignore[union-attr]
        and tasks.pending == 0)
    if profiler is not None:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        AuditEditor._show_snapshot = show  # type: ignore[method-assign]
        _print_bursts(shows, ticks)
    results.insert(1, (imported, idle(imported.duration_ms)))
    editor.close()
    tasks.shutdown()
    flow.db.dispose()
    return results


def _print_bursts(shows: list[tuple[float, float]], ticks: list[float]) -> None:
    """How many snapshot reloads ran back to back, with no heartbeat tick between them."""
    durations = [(b - a) * 1000 for a, b in shows]
    bursts: list[int] = []
    for a, b in itertools.pairwise(ticks):
        inside = sum(1 for start, end in shows if a <= start and end <= b)
        if inside:
            bursts.append(inside)
    print(f"snapshot reloads shown: {len(shows)}, median {statistics.median(durations):.1f} ms "
          f"each (profiled); most in one heartbeat gap: {max(bursts)}; "
          f"gaps holding reloads: {len(bursts)}")


def _print(results: list[tuple[Gaps, Gaps]], count: int, size_kib: int) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    names = {
        "issue": "issue one certificate (Issue dialog, Issue clicked, until `issued`)",
        f"import {count}": f"import {count} evidence files of {size_kib} KiB into one criterion "
                           "(`attach_files`, until all attached)",
        "preview": "open the Issue dialog until its preview page is drawn",
    }
    lines = [
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"load average {load} at the end of the run. Offscreen, default TaskManager (real "
        f"worker threads), heartbeat every {TICK_MS} ms on the GUI thread.",
        "",
        "| while | duration | longest gap | 99th pct | gaps >= 100 ms | raw limit: idle "
        "heartbeat, same duration (longest / 99th) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for busy, rest in results:
        lines.append(
            f"| {names[busy.what]} | {busy.duration_ms:.0f} ms | **{busy.longest:.1f} ms** | "
            f"{busy.p99:.1f} ms | {busy.over_aim} of {len(busy.gaps)} | "
            f"{rest.longest:.1f} / {rest.p99:.1f} ms |")
    lines.append("")
    for busy, _rest in results[:2]:
        verdict = "met" if busy.longest < AIM_MS else "NOT met"
        lines.append(f"- {busy.what}: longest stall {busy.longest:.1f} ms, aim under "
                     f"{AIM_MS:.0f} ms: **{verdict}**.")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
