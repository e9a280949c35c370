"""Errors to dialogs: expected ones as a warning, bugs as a critical box with the traceback.

:func:`show_exception` is the one place a failure becomes a message box;
:func:`install_excepthook` routes uncaught exceptions (from the event loop or a
callback) there, on the main thread, instead of killing the application.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from certbench.errors import CertbenchError

__all__ = ["ExceptionHook", "format_traceback", "install_excepthook", "show_exception"]

log = logging.getLogger("certbench.gui")


def format_traceback(exception: BaseException) -> str:
    """The full traceback of ``exception`` as text."""
    return "".join(traceback.format_exception(type(exception), exception,
                                              exception.__traceback__))


def show_exception(*, parent: QWidget | None, exception: BaseException) -> None:
    """Tell the user about ``exception``: a warning for a CertbenchError, else a critical box."""
    translate = QCoreApplication.translate
    if isinstance(exception, CertbenchError):
        log.info("%s: %s", type(exception).__name__, exception.message)
        QMessageBox.warning(parent, translate("show_exception", "certbench"), exception.message)
        return
    details = format_traceback(exception)
    log.error("unexpected error\n%s", details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(translate("show_exception", "Unexpected error"))
    box.setText(translate("show_exception", "Something went wrong that certbench did not expect. The details below help the developers fix it."))  # noqa: E501
    box.setInformativeText(f"{type(exception).__name__}: {exception}")
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.exec()


class ExceptionHook(QObject):
    """``sys.excepthook`` replacement: log, de-duplicate, show on the main thread."""

    exception_raised = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._seen: set[str] = set()
        self._previous = sys.excepthook
        self.exception_raised.connect(self._on_exception_raised)

    def __call__(self, kind: type[BaseException], value: BaseException,
                 tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, value, tb)
            return
        value.__traceback__ = tb
        key = "".join(traceback.format_exception_only(kind, value))
        if key in self._seen:
            log.warning("repeated error: %s", key.strip())
            return
        self._seen.add(key)
        self.exception_raised.emit(value)  # queued onto the main thread when raised elsewhere

    def _on_exception_raised(self, exception: BaseException) -> None:
        show_exception(parent=None, exception=exception)

    def uninstall(self) -> None:
        """Put the previous hook back."""
        sys.excepthook = self._previous


def install_excepthook() -> ExceptionHook:
    """Route uncaught exceptions to :func:`show_exception`; keep the returned hook alive."""
    hook = ExceptionHook(QCoreApplication.instance())
    sys.excepthook = hook
    return hook
