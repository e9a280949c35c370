"""What ``make run`` runs: the workbench where a display exists, else the headless demo."""

from __future__ import annotations

import os
import sys

from certbench.cli import main


def run() -> int:
    """Open the GUI on the embedded database, or run ``certbench demo`` with no display."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return main(["gui"])
    print("No display: running the headless end-to-end demo (audit, grade, issue, verify).")
    return main(["demo"])


if __name__ == "__main__":
    sys.exit(run())
