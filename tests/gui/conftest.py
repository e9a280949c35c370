"""Qt fixtures for the GUI tests.

Every test runs offscreen (the top-level conftest sets ``QT_QPA_PLATFORM``),
with settings in an INI file under ``tmp_path`` (never the user's real
settings) and a task manager whose executor runs work synchronously, so logic
tests are deterministic without sleeping. Tests of the real thread hop build
their own :class:`TaskManager`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from certbench.gui.settings import Settings
from certbench.gui.tasks import SyncExecutor, TaskManager


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings in a throwaway INI file, so no test reads or writes the user's settings."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def sync_tasks(qapp: QApplication) -> Iterator[TaskManager]:
    """A task manager running every task at once on the calling thread (Picard's FakeThreadPool)."""
    manager = TaskManager(qapp, db_executor=SyncExecutor())
    yield manager
    manager.shutdown()
    manager.deleteLater()
