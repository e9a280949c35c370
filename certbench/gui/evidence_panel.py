"""A criterion's evidence: drop files here, capture a URL, preview images and PDFs in place.

The panel only collects what the user wants and says so through signals; the
editor imports files into the vault off the GUI thread and attaches them as
undoable ``AttachEvidence`` edits. Previews read the vault object by its hash:
images through ``QPixmap``, PDFs through QtPdf.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QItemSelection, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from certbench.gui.audit_models import EvidenceItem
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import Column, RowRole, RowsTableModel, configure_view

__all__ = ["EVIDENCE_COLUMNS", "EvidencePanel", "dropped_files"]


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]  # the last unit formats a float
    return str(n)


KIND_TEXTS = {
    "file": QT_TRANSLATE_NOOP("EvidencePanel", "file"),
    "photo": QT_TRANSLATE_NOOP("EvidencePanel", "photo"),
    "url_capture": QT_TRANSLATE_NOOP("EvidencePanel", "URL capture"),
    "note": QT_TRANSLATE_NOOP("EvidencePanel", "note"),
}
"""Evidence kinds (core values) as the list names them."""


def _kind(value: str) -> str:
    return QCoreApplication.translate("EvidencePanel", KIND_TEXTS.get(value, value))


EVIDENCE_COLUMNS: tuple[Column[EvidenceItem], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "File"),
           lambda e: e.original_filename or e.source_url or e.sha256[:12], width=24,
           tooltip=lambda e: e.source_url or e.sha256),
    Column(QT_TRANSLATE_NOOP("Column", "Kind"), lambda e: _kind(e.kind), width=10),
    Column(QT_TRANSLATE_NOOP("Column", "Size"), lambda e: _size(e.size), width=9,
           alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    Column(QT_TRANSLATE_NOOP("Column", "SHA-256"), lambda e: e.sha256[:16] + "…", width=18),
)


def dropped_files(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    """The local files a drag carries (URLs that are not local files are ignored)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


class EvidencePanel(QWidget):
    """Evidence of the selected criterion, with drop target and preview."""

    files_dropped = Signal(list)
    """Local files to import (``list[Path]``), dropped or chosen."""
    url_capture_requested = Signal(str, object)
    """A page URL and the saved capture file (``Path``) that shows it."""
    detach_requested = Signal(str)
    """The id of the evidence to remove."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.vault_dir: Path | None = None
        self.model = RowsTableModel(EVIDENCE_COLUMNS, parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("evidence_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        configure_view(self.table, EVIDENCE_COLUMNS)
        self.hint_label = QLabel(self.tr("Drop files here to attach them to this criterion."),
                                 self)
        self.hint_label.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add files…"), self)
        self.url_button = QPushButton(self.tr("Add URL capture…"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.setEnabled(False)
        self.preview = QStackedWidget(self)
        self.preview_message = QLabel(self.tr("Select evidence to preview it."), self)
        self.preview_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_message.setWordWrap(True)
        self.image_label = QLabel(self)
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        for widget in (self.preview_message, self.image_label, self.pdf_view):
            self.preview.addWidget(widget)
        self._lay_out()
        self._connect()

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.add_button, self.url_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.hint_label)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _connect(self) -> None:
        self.add_button.clicked.connect(self._on_add_clicked)
        self.url_button.clicked.connect(self._on_url_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

    def set_items(self, items: tuple[EvidenceItem, ...], vault_dir: Path) -> None:
        """Show ``items``, whose objects live in the vault at ``vault_dir``."""
        self.vault_dir = vault_dir
        self.model.set_rows(items)
        self._show_preview(None)

    def selected(self) -> EvidenceItem | None:
        """The evidence selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(RowRole) if rows else None

    # drag and drop -----------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        """Accept drags carrying local files."""
        if self.isEnabled() and dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        """Hand the dropped files to the editor."""
        files = dropped_files(event)
        if files and self.isEnabled():
            event.acceptProposedAction()
            self.files_dropped.emit(files)

    # buttons -------------------------------------------------------------------
    def _on_add_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach evidence"))
        if names:
            self.files_dropped.emit([Path(n) for n in names])

    def _on_url_clicked(self) -> None:
        url, ok = QInputDialog.getText(self, self.tr("URL capture"),
                                       self.tr("Address of the page you captured:"))
        if not ok or not url.strip():
            return
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("The saved capture of that page"), "",
            self.tr("Captures (*.pdf *.png *.jpg *.jpeg *.mhtml *.html *.webp);;All files (*)"))
        if name:
            self.url_capture_requested.emit(url.strip(), Path(name))

    def _on_remove_clicked(self) -> None:
        item = self.selected()
        if item is not None:
            self.detach_requested.emit(item.id)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        item = self.selected()
        self.remove_button.setEnabled(item is not None)
        self._show_preview(item)

    # preview -----------------------------------------------------------------
    def _show_preview(self, item: EvidenceItem | None) -> None:
        self.pdf_document.close()
        if item is None or self.vault_dir is None:
            self.preview_message.setText(self.tr("Select evidence to preview it."))
            self.preview.setCurrentWidget(self.preview_message)
            return
        from certbench.evidence import Vault

        path = Vault(self.vault_dir).path(item.sha256)
        if item.media_type.startswith("image/"):
            pixmap = QPixmap(str(path))
            if not pixmap.isNull():
                self.image_label.setPixmap(pixmap.scaled(
                    480, 360, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))
                self.preview.setCurrentWidget(self.image_label)
                return
        if item.media_type == "application/pdf" and \
                self.pdf_document.load(str(path)) == QPdfDocument.Error.None_:
            self.preview.setCurrentWidget(self.pdf_view)
            return
        self.preview_message.setText(self.tr("No preview for %1 (%2).").replace(
            "%1", item.original_filename or item.sha256[:12]).replace("%2", item.media_type))
        self.preview.setCurrentWidget(self.preview_message)

    @property
    def preview_kind(self) -> str:
        """``image``, ``pdf`` or ``none``: what the preview now shows (for tests)."""
        current = self.preview.currentWidget()
        return {id(self.image_label): "image", id(self.pdf_view): "pdf"}.get(id(current), "none")
