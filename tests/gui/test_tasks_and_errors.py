"""Background work lands on the main thread, and failures become dialogs, not crashes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from certbench.errors import StorageError
from certbench.gui import errors as gui_errors
from certbench.gui import tasks as tasks_module
from certbench.gui.errors import ExceptionHook, show_exception
from certbench.gui.tasks import Op, TaskManager


@pytest.fixture
def shown(monkeypatch):
    """Record show_exception calls instead of opening a modal box."""
    calls: list[BaseException] = []

    def record(*, parent, exception):
        calls.append(exception)

    monkeypatch.setattr(tasks_module, "show_exception", record)
    monkeypatch.setattr(gui_errors, "show_exception", record)
    return calls


def test_worker_exception_goes_to_show_exception(sync_tasks, shown) -> None:
    def fail() -> int:
        raise ZeroDivisionError("boom")

    results: list[int] = []
    Op(None, fail, tasks=sync_tasks).success(results.append).run()
    assert results == []
    assert len(shown) == 1 and isinstance(shown[0], ZeroDivisionError)


def test_failure_callback_replaces_the_default_dialog(sync_tasks, shown) -> None:
    failures: list[BaseException] = []
    Op(None, lambda: 1 / 0, tasks=sync_tasks).failure(failures.append).run()
    assert shown == [] and isinstance(failures[0], ZeroDivisionError)


def test_real_pool_runs_off_the_main_thread_and_calls_back_on_it(qapp, qtbot) -> None:
    manager = TaskManager(qapp)
    try:
        main = threading.get_ident()
        seen: dict[str, int] = {}

        def work() -> str:
            seen["worker"] = threading.get_ident()
            return "done"

        results: list[str] = []

        def on_success(value: str) -> None:
            seen["callback"] = threading.get_ident()
            results.append(value)

        Op(None, work, tasks=manager).success(on_success).run()
        qtbot.waitUntil(lambda: results == ["done"], timeout=5_000)
        assert seen["worker"] != main
        assert seen["callback"] == main
    finally:
        manager.shutdown()


def test_progress_and_cancel_are_plain_callables(qapp, qtbot) -> None:
    manager = TaskManager(qapp, db_executor=ThreadPoolExecutor(max_workers=1))
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        started, release = threading.Event(), threading.Event()
        got: list[object] = []

        def work(progress, cancelled) -> int:
            progress(0.5, "halfway")
            started.set()
            release.wait(5)
            got.append(cancelled())
            return 7

        results: list[int] = []
        op = (Op(parent, work, tasks=manager).success(results.append)
              .with_progress("Working", cancellable=True))
        future = op.run()
        qtbot.waitUntil(started.is_set, timeout=5_000)
        cancel = op.progress_dialog.findChild(QPushButton)
        cancel.click()  # the user presses Cancel
        release.set()
        future.result(timeout=5)
        qtbot.waitUntil(lambda: manager.pending == 0, timeout=5_000)
        assert got == [True]
        assert results == []  # a cancelled operation reports nothing
    finally:
        manager.shutdown()


def test_show_exception_uses_a_warning_for_expected_errors(monkeypatch) -> None:
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: seen.append(text))
    show_exception(parent=None, exception=StorageError("database is locked"))
    assert seen == ["database is locked"]


def test_show_exception_puts_the_traceback_in_details_for_bugs(monkeypatch) -> None:
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: boxes.append(self) or 0)
    try:
        raise KeyError("missing")
    except KeyError as exc:
        show_exception(parent=None, exception=exc)
    assert boxes[0].icon() == QMessageBox.Icon.Critical
    assert "Traceback" in boxes[0].detailedText() and "KeyError" in boxes[0].detailedText()


def test_exception_hook_shows_each_distinct_error_once(qapp, shown) -> None:
    hook = ExceptionHook()
    try:
        for _ in range(2):
            hook(ValueError, ValueError("same"), None)
        hook(ValueError, ValueError("other"), None)
    finally:
        hook.uninstall()
    assert [str(e) for e in shown] == ["same", "other"]


def test_settings_round_trip_and_defaults(settings) -> None:
    assert settings.language == "en"
    assert settings.database_url == ""
    settings.language = "zh_CN"
    settings.set_string_list("recent", ["a.pdf"])
    assert settings.language == "zh_CN"
    assert settings.string_list("recent") == ["a.pdf"]
    settings.store.setValue("recent", "only.pdf")  # QSettings collapses one-item lists
    assert settings.string_list("recent") == ["only.pdf"]


def test_geometry_is_saved_and_restored(settings, qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    assert not settings.restore_geometry(widget, "w")
    widget.setGeometry(10, 20, 333, 222)
    settings.save_geometry(widget, "w")
    assert isinstance(settings.store.value("geometry/w"), QByteArray)
    other = QWidget()
    qtbot.addWidget(other)
    assert settings.restore_geometry(other, "w")
    assert other.size().width() == 333


def test_result_for_a_deleted_window_is_dropped(qapp, qtbot, shown) -> None:
    import shiboken6

    manager = TaskManager(qapp, db_executor=ThreadPoolExecutor(max_workers=1))
    try:
        window = QWidget()
        release = threading.Event()
        results: list[int] = []
        future = Op(window, lambda: release.wait(5) and 1, tasks=manager).success(
            results.append).run()
        shiboken6.delete(window)  # the user closed it while the task ran
        release.set()
        future.result(timeout=5)
        qtbot.waitUntil(lambda: manager.pending == 0, timeout=5_000)
        assert results == [] and shown == []
    finally:
        manager.shutdown()


def test_success_still_arrives_after_the_progress_dialog_was_shown(qapp, qtbot) -> None:
    """Closing a visible QProgressDialog emits canceled(); that must not read as the user's."""
    manager = TaskManager(qapp, db_executor=ThreadPoolExecutor(max_workers=1))
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        release = threading.Event()
        results: list[int] = []
        op = (Op(parent, lambda progress, cancelled: release.wait(5) and 42, tasks=manager)
              .success(results.append).with_progress("Working", cancellable=True))
        op.run()
        qtbot.waitUntil(lambda: op.progress_dialog is not None
                        and op.progress_dialog.isVisible(), timeout=5_000)
        release.set()
        qtbot.waitUntil(lambda: results == [42], timeout=5_000)
    finally:
        manager.shutdown()
