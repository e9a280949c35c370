"""Audit editor: open on the standard form, and one rating's round trip (edit, save, reload).

Plain script (not pytest). Offscreen, synchronous tasks, SQLite in a temporary
CERTBENCH_HOME. Prints each figure next to the raw limit measured in the same run:
the core's own ``load_snapshot`` + ``apply`` without any widget.

    .venv/bin/python bench/audit_editor.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

RUNS = 15


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="cb-bench-editor-"))
    os.environ["CERTBENCH_HOME"] = str(home)
    from PySide6.QtCore import QSettings  # noqa: TID251 - benchmarks a GUI screen, like tests/gui
    from workbench_flow import build_flow

    from certbench.edits import SetRating
    from certbench.gui.app import create_application
    from certbench.gui.audit_editor import AuditEditor
    from certbench.gui.audit_models import apply_edit, load_snapshot
    from certbench.gui.context import AppContext
    from certbench.gui.settings import Settings
    from certbench.gui.tasks import SyncExecutor, TaskManager

    app = create_application([sys.argv[0]])
    flow = build_flow(home)
    assert flow.audit_id is not None
    audit_id = flow.audit_id
    tasks = TaskManager(app, db_executor=SyncExecutor())
    settings = Settings(QSettings(str(home / "s.ini"), QSettings.Format.IniFormat))
    context = AppContext(db=flow.db, settings=settings, tasks=tasks, user="li.wei")

    opens, raw_loads, edits, raw_edits = [], [], [], []
    editor = None
    for n in range(RUNS):
        start = time.perf_counter()
        editor = AuditEditor(context, audit_id)
        editor.show()
        app.processEvents()
        opens.append(time.perf_counter() - start)
        start = time.perf_counter()
        load_snapshot(flow.db, audit_id, "li.wei")
        raw_loads.append(time.perf_counter() - start)
        rating = "fully" if n % 2 else "largely"
        start = time.perf_counter()
        editor.push(SetRating(audit_id, "PAY-01", rating))
        app.processEvents()
        edits.append(time.perf_counter() - start)
        start = time.perf_counter()
        apply_edit(flow.db, SetRating(audit_id, "PAY-02", rating), "li.wei")
        load_snapshot(flow.db, audit_id, "li.wei")
        raw_edits.append(time.perf_counter() - start)
        editor.close()
        editor.deleteLater()
        app.processEvents()
    load = os.getloadavg()
    print(f"audit editor, standard form (64 criteria), medians of {RUNS}, "
          f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"open editor (load + tree + grade + scope): {_median_ms(opens):.1f} ms"
          f"   raw load_snapshot: {_median_ms(raw_loads):.1f} ms")
    print(f"one rating (undo command, save, reload, redraw): {_median_ms(edits):.1f} ms"
          f"   raw apply + load_snapshot: {_median_ms(raw_edits):.1f} ms")
    flow.db.dispose()
    tasks.shutdown()


if __name__ == "__main__":
    main()
