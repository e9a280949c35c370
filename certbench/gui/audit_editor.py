"""The audit editor: criteria tree, the selected criterion's finding, evidence and samples,
the live grade and the scope, with undo and redo for every edit.

Every change is a core edit (:mod:`certbench.edits`) pushed on this editor's
``QUndoStack`` as an :class:`~certbench.gui.undo.EditCommand`; each is saved in
its own transaction the moment it is made (notes after a short typing pause,
and at once when the criterion changes or the editor closes), so closing the
window or a crash loses at most the last half second of typing. After each
edit the snapshot reloads: grade, reasons and the "still missing" filter are
always the core's current answer.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHeaderView,
    QMessageBox,
    QToolButton,
    QWidget,
)

from certbench.domain import Criterion
from certbench.gui.audit_models import (
    AuditSnapshot,
    CriteriaFilter,
    CriteriaModel,
    CriterionRole,
    apply_edit,
    load_snapshot,
    text_language,
)
from certbench.gui.context import AppContext
from certbench.gui.errors import show_exception
from certbench.gui.evidence_panel import EvidencePanel
from certbench.gui.forms.ui_audit_editor import Ui_AuditEditor
from certbench.gui.grade_panel import GradePanel
from certbench.gui.prompts import ask_passphrase
from certbench.gui.samples_panel import SampleRequest, SamplesPanel
from certbench.gui.scope_editor import ScopeEditor
from certbench.gui.tasks import CancelledFn, Op, ProgressFn
from certbench.gui.undo import EditCommand

if TYPE_CHECKING:
    from certbench.domain import Scope
    from certbench.edits import Edit
    from certbench.storage import Database

__all__ = ["NOTE_PAUSE_MS", "AuditEditor", "ImportedFile", "ask_passphrase", "import_files",
           "record_sample", "submit_audit"]

NOTE_PAUSE_MS = 500
"""Typing pause after which a note is saved."""


@dataclass(frozen=True)
class ImportedFile:
    """A file now in the vault, ready to be attached."""

    name: str
    sha256: str
    size: int
    media_type: str


def import_files(vault_dir: Path, files: list[Path], progress: ProgressFn,
                 cancelled: CancelledFn) -> list[ImportedFile]:
    """Stream each file into the vault (worker thread); stops early when cancelled."""
    from certbench.evidence import Vault

    vault = Vault(vault_dir)
    imported = []
    for number, path in enumerate(files):
        if cancelled():
            break
        progress(number / len(files), path.name)
        stored = vault.ingest(path)
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        imported.append(ImportedFile(path.name, stored.sha256, stored.size, media))
    progress(1.0, "")
    return imported


def submit_audit(db: Database, user: str, passphrase: str, audit_id: str) -> None:
    """Unlock ``user``'s key and submit the audit, signed (database thread)."""
    from certbench.workflow import authenticate, submit

    with db.session() as session:
        submit(session, authenticate(session, user, passphrase), audit_id)


def record_sample(db: Database, user: str, passphrase: str, *, audit_id: str,
                  criterion_id: str, request: SampleRequest) -> None:
    """Record a measured sample as ``user`` (database thread)."""
    from certbench.storage import SampleKind
    from certbench.workflow import add_sample, authenticate

    with db.session() as session:
        actor = authenticate(session, user, passphrase)
        add_sample(session, actor, audit_id, criterion_id, SampleKind(request.kind),
                   timestamps=request.timestamps, amounts=request.amounts,
                   channel=request.channel, note=request.note)


class AuditEditor(QWidget):
    """Edits one audit."""

    snapshot_loaded = Signal(object)
    """A fresh :class:`AuditSnapshot` is shown."""
    submitted = Signal(str)
    """The audit was submitted for review (its id)."""

    def __init__(self, context: AppContext, audit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "this screen needs an open database"
        self.db: Database = context.db
        self.audit_id = audit_id
        self.lang = text_language(context.settings.language)
        self.snapshot: AuditSnapshot | None = None
        self._reloads_pending = 0
        self.current: Criterion | None = None
        self.ui = Ui_AuditEditor()
        self.ui.setupUi(self)
        self.undo_stack = QUndoStack(self)
        self.model = CriteriaModel(self.lang, self)
        self.model.edit_sink = self.push
        self.proxy = CriteriaFilter(self)
        self.proxy.setSourceModel(self.model)
        self.grade_panel = GradePanel(self)
        self.scope_editor = ScopeEditor(self)
        self.evidence_panel = EvidencePanel(self)
        self.samples_panel = SamplesPanel(self)
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_PAUSE_MS)
        self._set_up()
        self._connect()
        self.reload()

    # set-up --------------------------------------------------------------------
    def _set_up(self) -> None:
        ui = self.ui
        ui.criteria_tree.setModel(self.proxy)
        header = ui.criteria_tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = ui.criteria_tree.fontMetrics()
        for column, chars in ((1, 12), (2, 7), (3, 12)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.averageCharWidth() * chars + 16)
        ui.evidence_layout.addWidget(self.evidence_panel)
        ui.samples_layout.addWidget(self.samples_panel)
        ui.grade_layout.addWidget(self.grade_panel)
        ui.scope_layout.addWidget(self.scope_editor)
        for section, stretch in enumerate((4, 4, 3)):
            ui.splitter.setStretchFactor(section, stretch)
        ui.splitter.setSizes([480, 460, 340])
        ui.return_label.setStyleSheet("color: #8a4b00")
        keys_of = QKeySequence.StandardKey
        actions = ((self.undo_stack.createUndoAction(self, self.tr("Undo")), keys_of.Undo),
                   (self.undo_stack.createRedoAction(self, self.tr("Redo")), keys_of.Redo))
        for position, (action, keys) in enumerate(actions):
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            ui.buttons_layout.insertWidget(position, button)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def _on_clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def _connect(self) -> None:
        ui = self.ui
        ui.criteria_tree.selectionModel().selectionChanged.connect(self._on_selection_changed)
        ui.search_edit.textChanged.connect(lambda text: self._refilter(search=text))
        ui.missing_only_check.toggled.connect(lambda on: self._refilter(missing_only=on))
        ui.show_excluded_check.toggled.connect(lambda on: self._refilter(show_excluded=on))
        ui.rating_combo.activated.connect(self._on_rating_activated)
        ui.justification_edit.editingFinished.connect(self._on_justification_finished)
        ui.note_edit.textChanged.connect(self._on_note_changed)
        self._note_timer.timeout.connect(self.flush_note)
        ui.submit_button.clicked.connect(self._on_submit_clicked)
        self.grade_panel.reason_activated.connect(self.select_criterion)
        self.scope_editor.scope_applied.connect(self._on_scope_applied)
        self.evidence_panel.files_dropped.connect(self.attach_files)
        self.evidence_panel.url_capture_requested.connect(self.attach_url_capture)
        self.evidence_panel.detach_requested.connect(self._on_detach_requested)
        self.samples_panel.record_requested.connect(self._on_record_requested)

    # loading -------------------------------------------------------------------
    def reload(self) -> None:
        """Read the audit again and show it.

        A burst of edits (200 attached files) asks for a reload after each one; only the
        newest snapshot is shown, so the GUI thread rebuilds the tree once, not 200 times.
        """
        db, audit_id, user = self.db, self.audit_id, self.context.user
        self._reloads_pending += 1
        (Op(self, lambda: load_snapshot(db, audit_id, user), tasks=self.context.tasks)
         .success(self._on_snapshot_loaded)
         .failure(self._on_reload_failed)
         .run())

    def _on_snapshot_loaded(self, snapshot: AuditSnapshot) -> None:
        self._reloads_pending -= 1
        if self._reloads_pending == 0:
            self._show_snapshot(snapshot)

    def _on_reload_failed(self, exception: BaseException) -> None:
        self._reloads_pending -= 1
        show_exception(parent=self, exception=exception)

    def _show_snapshot(self, snapshot: AuditSnapshot) -> None:
        from certbench.edits import EDITABLE_STATES

        first = self.snapshot is None
        self.snapshot = snapshot
        self.model.set_snapshot(snapshot)
        self.proxy.refilter()
        if first:
            self.ui.criteria_tree.expandAll()
            self._fill_rating_combo()
        self.grade_panel.show_grade(snapshot.form, snapshot.grade, self.lang)
        self.scope_editor.set_scope(snapshot.form, snapshot.scope)
        editable = snapshot.audit.state in EDITABLE_STATES
        for widget in (self.ui.detail_panel, self.scope_editor):
            widget.setEnabled(editable)
        self.ui.submit_button.setEnabled(editable)
        self._show_header(snapshot)
        self._show_criterion(self.current)
        self.snapshot_loaded.emit(snapshot)

    def _show_header(self, snapshot: AuditSnapshot) -> None:
        from certbench.gui.merchants_page import audit_word

        audit = snapshot.audit
        self.setWindowTitle(self.tr("Audit of %1[*]").replace("%1", audit.merchant_name))
        self.ui.header_label.setText(
            f"<b>{_escape(audit.merchant_name)}</b> — {_escape(snapshot.form.title.get(self.lang))}"
            f" {audit.form_version} · {audit_word(audit.kind)} · <b>{audit_word(audit.state)}</b>")
        missing = len(snapshot.missing)
        self.ui.status_label.setText(
            self.tr("%1 criteria still missing before submission.").replace("%1", str(missing))
            if missing else self.tr("Every applicable criterion is rated."))
        comment = snapshot.return_comment if audit.state.value == "returned" else ""
        self.ui.return_label.setVisible(bool(comment))
        self.ui.return_label.setText(self.tr("Returned by the reviewer: %1").replace(
            "%1", comment))

    def _fill_rating_combo(self) -> None:
        assert self.snapshot is not None
        combo = self.ui.rating_combo
        combo.clear()
        combo.addItem(self.tr("(not rated)"), "")
        for value in self.snapshot.form.scale:
            combo.addItem(value.label.get(self.lang), value.value)

    def _refilter(self, **changes: object) -> None:
        self.proxy.set_filter(**changes)  # type: ignore[arg-type]  # keyword pass-through
        self.ui.criteria_tree.expandAll()

    # the selected criterion ------------------------------------------------------
    def select_criterion(self, criterion_id: str) -> None:
        """Select (and scroll to) ``criterion_id`` in the tree, if it is shown."""
        index = self.proxy.mapFromSource(self.model.criterion_index(criterion_id))
        if index.isValid():
            self.ui.criteria_tree.setCurrentIndex(index)
            self.ui.criteria_tree.scrollTo(index)

    def _on_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        criterion = indexes[0].data(CriterionRole) if indexes else None
        self.flush_note()
        self.current = criterion if isinstance(criterion, Criterion) else None
        self._show_criterion(self.current, switched=True)

    def _show_criterion(self, criterion: Criterion | None, *, switched: bool = False) -> None:
        ui, snapshot = self.ui, self.snapshot
        if snapshot is None:
            return
        ui.detail_tabs.setEnabled(criterion is not None)
        if criterion is None:
            ui.requirement_label.setText(self.tr("Select a criterion."))
            ui.guidance_browser.clear()
            self.evidence_panel.set_items((), snapshot.vault_dir)
            self.samples_panel.set_items(())
            return
        finding = snapshot.findings.get(criterion.id)
        ui.requirement_label.setText(
            f"<b>{criterion.id}</b> {_escape(criterion.requirement.get(self.lang))}")
        ui.guidance_browser.setPlainText(criterion.guidance.get(self.lang))
        rating = finding.rating if finding is not None else None
        ui.rating_combo.setCurrentIndex(max(0, ui.rating_combo.findData(rating or "")))
        justification = finding.justification if finding is not None else ""
        if switched or not ui.justification_edit.hasFocus():
            ui.justification_edit.setText(justification)
        note = finding.note if finding is not None else ""
        if switched or (not self._note_timer.isActive() and ui.note_edit.toPlainText() != note):
            ui.note_edit.blockSignals(True)
            ui.note_edit.setPlainText(note)
            ui.note_edit.blockSignals(False)
        if switched or self.evidence_panel.model.rows != list(snapshot.evidence_for(criterion.id)):
            self.evidence_panel.set_items(snapshot.evidence_for(criterion.id), snapshot.vault_dir)
        self.samples_panel.set_items(snapshot.samples_for(criterion.id))

    def _finding_value(self, name: str) -> str:
        if self.snapshot is None or self.current is None:
            return ""
        finding = self.snapshot.findings.get(self.current.id)
        return str(getattr(finding, name) or "") if finding is not None else ""

    # edits ---------------------------------------------------------------------
    def push(self, edit: Edit) -> None:
        """Apply ``edit`` through the undo stack."""
        if not self.context.user:
            QMessageBox.warning(self, self.tr("No user"), self.tr(
                "Choose the user you act as (File > Switch user) before editing."))
            self.reload()
            return
        db, actor = self.db, self.context.user
        self.undo_stack.push(EditCommand(
            edit, lambda e: apply_edit(db, e, actor), tasks=self.context.tasks, widget=self,
            on_applied=self.reload, on_failed=self._on_edit_failed))

    def _on_edit_failed(self, exception: BaseException) -> None:
        self.undo_stack.clear()  # the stack no longer describes the database
        show_exception(parent=self, exception=exception)
        self.reload()

    def _on_rating_activated(self, row: int) -> None:
        from certbench.edits import SetRating

        value = self.ui.rating_combo.itemData(row) or None
        if self.current is None or self.snapshot is None:
            return
        finding = self.snapshot.findings.get(self.current.id)
        carried = finding is not None and finding.carried_over
        # choosing the carried-over rating again re-confirms it (the edit clears the flag)
        if carried or value != (self._finding_value("rating") or None):
            self.push(SetRating(self.snapshot.audit.id, self.current.id, value,
                                base_version=self.snapshot.base_version(self.current.id)))

    def _on_justification_finished(self) -> None:
        from certbench.edits import SetJustification

        text = self.ui.justification_edit.text()
        if self.current is not None and self.snapshot is not None \
                and text != self._finding_value("justification"):
            self.push(SetJustification(self.snapshot.audit.id, self.current.id, text,
                                       base_version=self.snapshot.base_version(self.current.id)))

    def _on_note_changed(self) -> None:
        self._note_timer.start()

    def flush_note(self) -> None:
        """Save the note being typed now (autosave; merges with the previous note edit)."""
        from certbench.edits import SetNote

        self._note_timer.stop()
        text = self.ui.note_edit.toPlainText()
        if self.current is not None and self.snapshot is not None \
                and text != self._finding_value("note"):
            self.push(SetNote(self.snapshot.audit.id, self.current.id, text,
                              base_version=self.snapshot.base_version(self.current.id)))

    def _on_scope_applied(self, scope: Scope) -> None:
        from certbench.edits import SetScope

        if self.snapshot is not None and scope != self.snapshot.scope:
            self.push(SetScope(self.snapshot.audit.id, scope))

    # evidence ------------------------------------------------------------------
    def attach_files(self, files: list[Path], *, source_url: str | None = None) -> None:
        """Import ``files`` into the vault off the GUI thread, then attach them (undoable)."""
        if self.snapshot is None:
            return
        vault_dir, criterion = self.snapshot.vault_dir, self.current
        (Op(self, lambda progress, cancelled: import_files(vault_dir, files, progress, cancelled),
            db=False, tasks=self.context.tasks)
         .with_progress(self.tr("Importing evidence…"), cancellable=True)
         .success(lambda done: self._attach_imported(done, criterion, source_url))
         .run())

    def attach_url_capture(self, url: str, capture: Path) -> None:
        """Attach the saved capture of page ``url``."""
        self.attach_files([capture], source_url=url)

    def _attach_imported(self, imported: list[ImportedFile], criterion: Criterion | None,
                         source_url: str | None) -> None:
        from certbench.edits import AttachEvidence
        from certbench.storage import new_id

        if not imported or self.snapshot is None:
            return
        now = datetime.now(UTC).replace(microsecond=0)
        self.undo_stack.beginMacro(self.tr("attach %n file(s)", "", len(imported)))
        for item in imported:
            kind = ("url_capture" if source_url else
                    "photo" if item.media_type.startswith("image/") else "file")
            self.push(AttachEvidence(
                self.snapshot.audit.id, new_id(), criterion.id if criterion else None,
                item.sha256, item.size, item.media_type, kind, item.name, source_url,
                now if source_url else None, self.snapshot.user_id))
        self.undo_stack.endMacro()

    def _on_detach_requested(self, evidence_id: str) -> None:
        from certbench.edits import DetachEvidence

        if self.snapshot is not None:
            self.push(DetachEvidence(self.snapshot.audit.id, evidence_id))

    # samples and submission ------------------------------------------------------
    def _on_record_requested(self, request: SampleRequest) -> None:
        if self.current is None:
            return
        passphrase = ask_passphrase(self, self.tr("Record sample"),
                                    self.tr("Your passphrase:"))
        if passphrase is None:
            return
        db, user, audit_id, cid = (self.db, self.context.user, self.audit_id,
                                   self.current.id)
        (Op(self, lambda: record_sample(db, user, passphrase, audit_id=audit_id,
                                          criterion_id=cid, request=request),
            tasks=self.context.tasks)
         .success(lambda _none: self.reload())
         .failure(lambda exc: self.samples_panel.show_error(
             getattr(exc, "message", None) or str(exc)))
         .run())

    def _on_submit_clicked(self) -> None:
        self.flush_note()
        passphrase = ask_passphrase(self, self.tr("Submit for review"), self.tr(
            "Submitting signs the audit with your personal key.\nYour passphrase:"))
        if passphrase is None:
            return
        self.submit(passphrase)

    def submit(self, passphrase: str) -> None:
        """Submit the audit, signed with the acting user's key."""
        db, user, audit_id = self.db, self.context.user, self.audit_id
        (Op(self, lambda: submit_audit(db, user, passphrase, audit_id), tasks=self.context.tasks)
         .success(lambda _none: self._on_submitted())
         .run())

    def _on_submitted(self) -> None:
        self.undo_stack.clear()  # a submitted audit is no longer editable
        self.reload()
        self.submitted.emit(self.audit_id)

    # autosave on leaving -----------------------------------------------------------
    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        """Save the note being typed."""
        self.flush_note()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the note being typed."""
        self.flush_note()
        super().closeEvent(event)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

