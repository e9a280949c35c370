"""Undo and redo over the core's reversible edits (:mod:`certbench.edits`).

An :class:`EditCommand` is a thin shell around one edit: :meth:`~EditCommand.redo`
applies it on the database thread and keeps the inverse the core returns;
:meth:`~EditCommand.undo` applies that inverse and keeps *its* inverse, which
the next redo applies. Every edit of a finding names the version it expects
(the editor's snapshot, then whatever the previous step left), so an undo or
redo after someone else changed the finding is a conflict, never an overwrite.
The database executor runs one task at a time in submission order, so an undo
always runs after the redo it reverses, even while the redo is still in
flight. Consecutive note edits of one criterion merge into one command (a
typing burst undoes as a whole).

When the core refuses an edit (the audit was submitted meanwhile, a conflict),
the command reports it through ``on_failed``; the editor shows the error,
clears its stack (it no longer describes the database) and reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from PySide6.QtCore import QCoreApplication, QTimer
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
    """What the worker leaves behind: the edit that undoes, and the one that redoes."""

    edit: Edit | None = None
    """The inverse of the last applied edit (it names the version that edit left)."""
    again: Edit | None = None
    """The inverse of the last undo: what the next redo applies, with a fresh base version."""


def _rebased(edit: Edit, latest: Edit | None) -> Edit:
    """``edit`` expecting the base version ``latest`` names (both edit one finding)."""
    if latest is None or latest is edit or not isinstance(edit, SetNote) \
            or not isinstance(latest, SetNote):
        return edit
    return replace(edit, base_version=latest.base_version)


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
        # Our inverse says what an undo restores; the holder of the last applied
        # step (ours, or after a merge the absorbed command's) the version it expects.
        self._latest = self._inverse
        self._on_stack = False  # False until the push's first redo() returned
        self._in_call = False  # inside undo()/redo(), called by the stack

    @property
    def inverse(self) -> Edit | None:
        """The edit that undoes this one, once it was applied."""
        edit = self._inverse.edit
        return None if edit is None else _rebased(edit, self._latest.edit)

    def _run(self, pick: Callable[[], Edit | None], keep: Callable[[Edit], None]) -> None:
        apply_fn = self._apply

        def work() -> None:
            edit = pick()  # read on the worker: the previous task has finished by now
            if edit is None:
                raise RuntimeError("nothing to undo: the edit was never applied")
            keep(apply_fn(edit))

        self._in_call = True
        try:
            (Op(self._widget, work, tasks=self._tasks)
             .success(lambda _none: self._on_applied())
             .failure(self._failed)
             .run())
        finally:
            self._in_call = False
            self._on_stack = True

    def _failed(self, exception: BaseException) -> None:
        # Obsolete: a push whose redo already failed does not add the command at all,
        # and an undo or redo that failed drops it from the stack.
        self.setObsolete(True)
        if self._in_call and self._on_stack:
            # failed before undo()/redo() returned: the stack, still inside the call,
            # must be done with this command before the editor clears it
            QTimer.singleShot(0, partial(self._on_failed, exception))
        else:
            self._on_failed(exception)

    def redo(self) -> None:
        """Apply the edit (after an undo: the undo's inverse) and keep its inverse."""
        first, latest = self.edit, self._latest

        def pick() -> Edit:
            return latest.again or first

        def keep(inverse: Edit) -> None:
            latest.edit = inverse  # names the version this redo left

        self._run(pick, keep)

    def undo(self) -> None:
        """Apply the inverse kept by the last :meth:`redo` and keep what redoes it."""
        holder, latest = self._inverse, self._latest

        def pick() -> Edit | None:
            edit = holder.edit
            return None if edit is None else _rebased(edit, latest.edit)

        def keep(again: Edit) -> None:
            latest.again = again

        self._run(pick, keep)

    def id(self) -> int:
        """Note edits merge; nothing else does."""
        return NOTE_MERGE_ID if isinstance(self.edit, SetNote) else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        """Absorb the next note edit of the same criterion.

        The undo restores the note before our edit (our inverse) but expects the
        version the absorbed edit leaves (its inverse names it); ``edit`` keeps
        our base, the version the whole burst started from.
        """
        if not (isinstance(other, EditCommand) and isinstance(self.edit, SetNote)
                and isinstance(other.edit, SetNote)
                and other.edit.audit_id == self.edit.audit_id
                and other.edit.criterion_id == self.edit.criterion_id):
            return False
        self.edit = replace(other.edit, base_version=self.edit.base_version)
        self._latest = other._inverse
        return True
