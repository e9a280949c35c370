"""What every window of the workbench shares: database, settings, task manager, user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from certbench.gui.settings import Settings
from certbench.gui.tasks import TaskManager

if TYPE_CHECKING:
    from certbench.storage import Database

__all__ = ["AppContext"]


@dataclass
class AppContext:
    """The open workbench: one per main window."""

    db: Database | None
    """The open database (None while it is being opened); worker functions receive it."""
    settings: Settings
    tasks: TaskManager
    user: str = ""
    """Login name of the user acting in this window; empty until one is chosen."""
