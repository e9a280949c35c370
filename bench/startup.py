"""Benchmark: workbench start-up on a 100,000-merchant SQLite database.

Times, in a fresh process each run (``QT_QPA_PLATFORM=offscreen``), from just
before the process is spawned to:

* **shown and idle**: ``certbench.gui.app.main`` has shown the main window and the
  event loop has run a ``QTimer.singleShot(0)`` queued right after ``show()`` (the
  database is opened on the database thread meanwhile);
* **first page**: the database is open, the sections are built, and the merchant
  list's first keyset page (200 rows, with the count of all 100,000) has arrived
  from the database thread and been inserted.

Next to them, the raw limit in the same run: a bare ``import PySide6.QtWidgets``,
``QApplication`` + ``QMainWindow.show()`` and one ``singleShot(0)`` through the
event loop. Medians of 5 runs each, interleaved. Settings and data live in a
temporary folder (``XDG_CONFIG_HOME``, ``CERTBENCH_HOME``), never the user's.

Usage: ``.venv/bin/python bench/startup.py [--runs 5] [--merchants 100000] [--no-append]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from evidence import append_results

from certbench.storage import Merchant, fold, new_id, open_database
from certbench.storage.engine import sqlite_url
from certbench.storage.models import merchant_search_text

ROOT = Path(__file__).resolve().parents[1]
BATCH = 10_000

WORKBENCH = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from certbench.gui import app as appmod
from certbench.gui import main_window

marks = {}
new_window = appmod.Workbench._new_window
set_database = main_window.MainWindow.set_database

def _new_window(self):
    new_window(self)
    QTimer.singleShot(0, lambda: marks.setdefault("idle", time.time()))

def _set_database(self, db):
    set_database(self, db)
    def first_page(_count):
        marks["page"] = time.time()
        QTimer.singleShot(0, QApplication.instance().quit)
    self.pages["merchants"].model.page_loaded.connect(first_page)

appmod.Workbench._new_window = _new_window
main_window.MainWindow.set_database = _set_database
code = appmod.main(["--db", sys.argv[1]])
print(marks["idle"], marks["page"], flush=True)
sys.exit(code)
"""

BARE = r"""
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.show()
QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))
app.exec()
"""


def build_database(path: Path, count: int) -> None:
    """A migrated SQLite file with ``count`` merchants (Core bulk inserts)."""
    db = open_database(sqlite_url(path))
    base = datetime(2024, 1, 1, tzinfo=UTC)
    with db.engine.begin() as conn:
        for start in range(0, count, BATCH):
            rows = []
            for n in range(start, min(count, start + BATCH)):
                legal = f"Merchant {n:06d} Trading Co." if n % 5 else f"华夏商贸 {n:06d} 有限公司"
                registration = f"REG{n:09d}"
                rows.append({
                    "id": new_id(), "legal_name": legal, "trading_names": [f"Shop {n}"],
                    "registration_number": registration, "country": "CN", "address": "",
                    "contacts": {}, "name_folded": fold(legal),
                    "search_text": merchant_search_text(legal, [f"Shop {n}"], registration),
                    "version": 1, "created_at": base + timedelta(seconds=n),
                    "updated_at": base + timedelta(seconds=n),
                })
            conn.execute(Merchant.__table__.insert(), rows)
    db.dispose()


def _environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", CERTBENCH_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"))
    env.pop("CERTBENCH_DB", None)
    return env


def _run(code: str, args: list[str], env: dict[str, str]) -> list[float]:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=120)
    return [float(x) - start for x in out.stdout.split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--merchants", type=int, default=100_000)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="certbench-startup-") as tmp:
        home = Path(tmp)
        db_path = home / "merchants.sqlite3"
        began = time.perf_counter()
        build_database(db_path, args.merchants)
        print(f"built {args.merchants:,} merchants in {time.perf_counter() - began:.1f} s")
        env = _environment(home)
        url = sqlite_url(db_path)
        _run(WORKBENCH, [url], env)  # warm-up: page cache, .pyc files, translations
        idle, page, bare = [], [], []
        for _ in range(args.runs):
            shown_idle, first_page = _run(WORKBENCH, [url], env)
            idle.append(shown_idle)
            page.append(first_page)
            bare.append(_run(BARE, [], env)[0])
    med = {k: statistics.median(v) * 1000 for k, v in
           (("idle", idle), ("page", page), ("bare", bare))}
    lines = [
        f"Medians of {args.runs} fresh processes each (after one warm-up), offscreen, "
        f"{args.merchants:,} merchants in SQLite; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        "",
        "| from process start to | median | runs (ms) |",
        "| --- | --- | --- |",
        f"| workbench main window shown and idle | **{med['idle']:.0f} ms** | "
        f"{', '.join(f'{x * 1000:.0f}' for x in idle)} |",
        f"| ... and the first 200 merchants (with the count of all) on screen | "
        f"**{med['page']:.0f} ms** | {', '.join(f'{x * 1000:.0f}' for x in page)} |",
        f"| raw limit: bare PySide6 QApplication + QMainWindow shown and idle | "
        f"{med['bare']:.0f} ms | {', '.join(f'{x * 1000:.0f}' for x in bare)} |",
        "",
        f"Aim: shown and idle under 1,000 ms; {'met' if med['idle'] < 1000 else 'NOT met'}. "
        f"The workbench costs {med['idle'] - med['bare']:.0f} ms over bare Qt.",
    ]
    print("\n".join(lines))
    if not args.no_append:
        append_results("Workbench start-up (bench/startup.py)", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
