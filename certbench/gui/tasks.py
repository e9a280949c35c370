"""Background work: one serial executor for the database, a small pool for the rest.

Everything that touches the database runs on a single worker thread, one task at
a time, each task opening its own session: SQLite stays serialised and no
SQLAlchemy session crosses threads. CPU and file work (verifying a PDF, hashing
evidence) runs on a small general pool. Results come back to the main thread
through a queued signal, so callbacks may touch widgets.

Worker functions take and return plain values or domain objects; they never see
a widget, a model or a QObject. Long ones accept ``progress(fraction, text)``
and ``cancelled()`` as plain callables. Tests inject :class:`SyncExecutor`.

Call sites use :class:`Op`::

    Op(self, lambda: queries.merchant_detail(db, merchant_id)).success(self._show).run()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from certbench.gui.errors import show_exception

__all__ = ["CancelledFn", "Op", "ProgressFn", "SyncExecutor", "TaskManager", "current"]

T = TypeVar("T")
ProgressFn = Callable[[float, str], None]
"""``progress(fraction, text)``: fraction in [0, 1]; safe to call from any thread."""
CancelledFn = Callable[[], bool]
"""``cancelled()``: True once the user asked to stop; the worker should return early."""

log = logging.getLogger("certbench.gui")
_current: TaskManager | None = None


class SyncExecutor(Executor):
    """Runs each task at once on the calling thread (tests, screenshots)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Run ``fn`` now; return a completed future."""
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class TaskManager(QObject):
    """The application's executors and the hop from worker threads back to the main thread."""

    _finished = Signal(object)
    _progressed = Signal(object, float, str)

    def __init__(self, parent: QObject | None = None, *, db_executor: Executor | None = None,
                 pool: Executor | None = None) -> None:
        super().__init__(parent)
        self._db = db_executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="cb-db")
        self._pool = pool or db_executor or ThreadPoolExecutor(max_workers=2,
                                                                thread_name_prefix="cb-pool")
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection
                               if not isinstance(self._db, SyncExecutor)
                               else Qt.ConnectionType.DirectConnection)
        self._progressed.connect(self._on_progressed)
        self.pending = 0
        """Tasks submitted whose callbacks have not run yet."""
        make_current(self)

    def run(self, fn: Callable[[], T], on_done: Callable[[Future[T]], None], *,
            db: bool = True) -> Future[T]:
        """Run ``fn`` on the DB executor (``db=True``) or the pool; ``on_done`` runs on main."""
        self.pending += 1
        executor = self._db if db else self._pool
        future = executor.submit(fn)
        # Emitted on the worker thread; the queued connection runs on_done on the main thread.
        future.add_done_callback(lambda f: self._finished.emit((on_done, f)))
        return future

    def report_progress(self, token: object, fraction: float, text: str) -> None:
        """Forward a worker's progress to the main thread (any thread may call it)."""
        self._progressed.emit(token, fraction, text)

    progress_reported = Signal(object, float, str)
    """(token, fraction, text) on the main thread; :class:`Op` listens for its own token."""

    def _on_progressed(self, token: object, fraction: float, text: str) -> None:
        self.progress_reported.emit(token, fraction, text)

    def _on_finished(self, item: tuple[Callable[[Future[Any]], None], Future[Any]]) -> None:
        on_done, future = item
        self.pending -= 1
        on_done(future)

    def shutdown(self) -> None:
        """Stop accepting work and wait for running tasks."""
        self._db.shutdown(wait=True)
        if self._pool is not self._db:
            self._pool.shutdown(wait=True)


def make_current(manager: TaskManager) -> None:
    """Make ``manager`` the one :class:`Op` uses by default."""
    global _current  # noqa: PLW0603 - one task manager per application, like QApplication
    _current = manager


def current() -> TaskManager:
    """The application's task manager (created on first use)."""
    if _current is None:
        return TaskManager()
    return _current


class Op(Generic[T]):
    """A background operation with callbacks on the main thread (Anki's ``QueryOp``).

    ``fn`` runs on a worker thread and must not touch Qt. Without
    :meth:`with_progress` it is called as ``fn()``; with it, as
    ``fn(progress=..., cancelled=...)``. A failure calls ``show_exception``
    unless :meth:`failure` was given. A cancelled operation calls neither, and
    neither does one whose ``parent`` was deleted meanwhile (a closed window).
    """

    def __init__(self, parent: QObject | None, fn: Callable[..., T], *, db: bool = True,
                 tasks: TaskManager | None = None) -> None:
        self._parent = parent
        self._fn = fn
        self._db = db
        self._tasks = tasks
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._label: str | None = None
        self._cancellable = False
        self._cancel = threading.Event()
        self._dialog: QProgressDialog | None = None

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        """Call ``callback(result)`` on the main thread when ``fn`` returns."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        """Call ``callback(exception)`` instead of showing the default error box."""
        self._on_failure = callback
        return self

    def with_progress(self, label: str, *, cancellable: bool = False) -> Op[T]:
        """Show a progress dialog (after a short delay) and pass progress/cancel callables."""
        self._label = label
        self._cancellable = cancellable
        return self

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        """The progress dialog while the operation runs (with :meth:`with_progress`)."""
        return self._dialog

    def run(self) -> Future[T]:
        """Start the operation; returns its future (mostly for tests)."""
        tasks = self._tasks or current()
        call: Callable[[], T] = self._fn
        if self._label is not None:
            self._dialog = self._make_dialog()
            tasks.progress_reported.connect(self._on_progress)
            token = self

            def call() -> T:
                return self._fn(progress=lambda f, t: tasks.report_progress(token, f, t),
                                cancelled=self._cancel.is_set)
        return tasks.run(call, self._on_done, db=self._db)

    def _widget(self) -> QWidget | None:
        return self._parent if isinstance(self._parent, QWidget) else None

    def _make_dialog(self) -> QProgressDialog:
        dialog = QProgressDialog(self._label or "", "", 0, 1000, self._widget())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if self._cancellable:
            dialog.setCancelButtonText(QCoreApplication.translate("Op", "Cancel"))
            dialog.canceled.connect(self._cancel.set)
        else:
            dialog.setCancelButton(None)
        dialog.setValue(0)
        return dialog

    def _on_progress(self, token: object, fraction: float, text: str) -> None:
        if token is self and self._dialog is not None:
            self._dialog.setValue(round(max(0.0, min(1.0, fraction)) * 1000))
            if text:
                self._dialog.setLabelText(text)

    def _on_done(self, future: Future[T]) -> None:
        cancelled = self._cancel.is_set()  # read first: closing the dialog emits canceled()
        if self._dialog is not None:
            (self._tasks or current()).progress_reported.disconnect(self._on_progress)
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        if cancelled:
            log.info("operation cancelled")
            return
        if self._parent is not None and not shiboken6.isValid(self._parent):
            log.info("operation finished after its window was closed; result dropped")
            return
        exception = future.exception()
        if exception is not None:
            if self._on_failure is not None:
                self._on_failure(exception)
            else:
                show_exception(parent=self._widget(), exception=exception)
        elif self._on_success is not None:
            self._on_success(future.result())
