"""Undo and redo over the core's reversible edits (:mod:`certbench.edits`).

An :class:`EditCommand` is a thin shell around one edit: :meth:`~EditCommand.redo`
applies it on the database thread and keeps the inverse the core returns;
:meth:`~EditCommand.undo` applies that inverse. The database executor runs one
task at a time in submission order, so an undo always runs after the redo it
reverses, even while the redo is still in flight. Consecutive note edits of
one criterion merge into one command (a typing burst undoes as a whole).

When the core refuses an edit (the audit was submitted meanwhile, a conflict),
the command reports it through ``on_failed``; the editor shows the error,
clears its stack (it no longer describes the database) and reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from certbench.edits import (
    AttachEvidence,
    DetachEvidence,
    Edit,
    SetJustification,
    SetNonconformity,
    SetNote,
    SetRating,
    SetScope,
)
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.tasks import Op, TaskManager

__all__ = ["NOTE_MERGE_ID", "EditCommand", "describe"]

NOTE_MERGE_ID = 0x4E4F5445
"""``QUndoCommand.id()`` of note edits, which merge with the next one of the same criterion."""


@dataclass
class _Inverse:
    """Where the worker leaves the inverse of the last applied edit."""

    edit: Edit | None = None


_TEXTS: dict[type, str] = {
    SetRating: QT_TRANSLATE_NOOP("EditCommand", "rate %1"),
    SetNote: QT_TRANSLATE_NOOP("EditCommand", "note on %1"),
    SetJustification: QT_TRANSLATE_NOOP("EditCommand", "justification of %1"),
    SetNonconformity: QT_TRANSLATE_NOOP("EditCommand", "nonconformity of %1"),
    SetScope: QT_TRANSLATE_NOOP("EditCommand", "change scope"),
    AttachEvidence: QT_TRANSLATE_NOOP("EditCommand", "attach %1"),
    DetachEvidence: QT_TRANSLATE_NOOP("EditCommand", "remove evidence"),
}


def describe(edit: Edit) -> str:
    """The undo-menu text of an edit, translated."""
    subject = getattr(edit, "criterion_id", None) or ""
    if isinstance(edit, AttachEvidence):
        subject = edit.original_filename or edit.sha256[:12]
    text = QCoreApplication.translate("EditCommand", _TEXTS[type(edit)])
    return text.replace("%1", subject)


class EditCommand(QUndoCommand):
    """One reversible edit on the undo stack."""

    def __init__(self, edit: Edit, apply_fn: Callable[[Edit], Edit], *, tasks: TaskManager,
                 widget: QWidget | None, on_applied: Callable[[], None],
                 on_failed: Callable[[BaseException], None],
                 parent: QUndoCommand | None = None) -> None:
        """``apply_fn(edit) -> inverse`` runs on the database thread and must not touch Qt."""
        super().__init__(describe(edit), parent)
        self.edit = edit
        self._apply = apply_fn
        self._tasks = tasks
        self._widget = widget
        self._on_applied = on_applied
        self._on_failed = on_failed
        self._inverse = _Inverse()

    @property
    def inverse(self) -> Edit | None:
        """The edit that undoes this one, once it was applied."""
        return self._inverse.edit

    def _run(self, pick: Callable[[], Edit | None], keep: bool) -> None:
        apply_fn, holder = self._apply, self._inverse

        def work() -> None:
            edit = pick()  # read on the worker: the previous task has finished by now
            if edit is None:
                raise RuntimeError("nothing to undo: the edit was never applied")
            inverse = apply_fn(edit)
            if keep:
                holder.edit = inverse

        (Op(self._widget, work, tasks=self._tasks)
         .success(lambda _none: self._on_applied())
         .failure(self._failed)
         .run())

    def _failed(self, exception: BaseException) -> None:
        # Obsolete: a push whose redo already failed does not add the command at all.
        self.setObsolete(True)
        self._on_failed(exception)

    def redo(self) -> None:
        """Apply the edit and keep its inverse."""
        edit = self.edit
        self._run(lambda: edit, keep=True)

    def undo(self) -> None:
        """Apply the inverse kept by the last :meth:`redo`."""
        holder = self._inverse
        self._run(lambda: holder.edit, keep=False)

    def id(self) -> int:
        """Note edits merge; nothing else does."""
        return NOTE_MERGE_ID if isinstance(self.edit, SetNote) else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        """Absorb the next note edit of the same criterion (its inverse is ours already)."""
        if not (isinstance(other, EditCommand) and isinstance(self.edit, SetNote)
                and isinstance(other.edit, SetNote)
                and other.edit.audit_id == self.edit.audit_id
                and other.edit.criterion_id == self.edit.criterion_id):
            return False
        self.edit = other.edit
        return True
