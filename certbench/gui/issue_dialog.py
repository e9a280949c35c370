"""Issue the certificate of an approved audit: preview the page, unlock the keys, sign.

The preview is the real certificate template rendered by
:func:`certbench.certify.pdf.render_certificate` over the audit's data, with
a visibly unsigned specimen seal in place of the one signing creates (number
``PREVIEW``, an ``alg: none`` seal that no verifier accepts). Issuing itself is
:func:`certbench.workflow.issue_certificate`, on the database thread, with
progress; it is irreversible, so once started it cannot be cancelled (the core
makes it crash-safe). The dialog ends with the file, its seal hash, "Open
folder" and "Copy seal hash".
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPixmap, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QDialog, QLabel, QSizePolicy, QWidget

from certbench.gui.context import AppContext
from certbench.gui.forms.ui_issue_dialog import Ui_IssueDialog
from certbench.gui.tasks import CancelledFn, Op, ProgressFn

if TYPE_CHECKING:
    from certbench.storage import Database
    from certbench.workflow import IssuedCertificate

__all__ = ["IssueDialog", "PagePreview", "Preview", "issue", "preview_certificate"]

PREVIEW_NUMBER = "PREVIEW"


@dataclass(frozen=True)
class Preview:
    """The unsigned specimen page and what it shows."""

    pdf: bytes
    merchant: str
    grade: str
    score: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _specimen_seal(audit_id: str) -> tuple[str, str, bytes]:
    """An unsigned ``alg: none`` seal (JWS, its hash, a seal file) for the preview only."""
    from certbench.canonical import canonical_bytes, sha256_hex

    payload = canonical_bytes({"preview": audit_id, "signed": False})
    header = canonical_bytes({"alg": "none", "typ": "preview"})
    jws = f"{_b64(header)}.{_b64(payload)}."
    return jws, sha256_hex(payload), canonical_bytes({"jws": jws, "preview": True})


def preview_certificate(db: Database, audit_id: str, signatory: str) -> Preview:
    """Render the certificate page of ``audit_id`` with a specimen seal (database thread)."""
    from certbench.certify.pdf import CertificateView, render_certificate
    from certbench.certify.seal import decimal_text, short_hash
    from certbench.edits import audit_form
    from certbench.storage import User
    from certbench.workflow import add_months, audit_grade, find_audit, get_body

    with db.session() as session:
        audit = find_audit(session, audit_id)
        body, form, result = get_body(session), audit_form(audit), audit_grade(session, audit)
        merchant = audit.merchant
        today = datetime.now(UTC).date()
        until = add_months(today, int(form.parameter("certificate_validity_months")))
        titles = {d.id: d.title for d in form.domains}
        user = session.query(User).filter(User.name == signatory).first()
        signatory = (user.display_name or user.name) if user is not None else signatory
        jws, seal_hash, seal_file = _specimen_seal(audit.id)
        score = decimal_text(result.score) if result.score is not None else "—"
        view = CertificateView(
            number=PREVIEW_NUMBER, body_name=body.name, body_address=body.address or body.name,
            body_id=body.code, merchant_name=merchant.legal_name,
            merchant_reg_no=merchant.registration_number, merchant_country=merchant.country,
            merchant_address=merchant.address, websites=tuple(s.url for s in merchant.sites),
            scheme_title_en=form.title.en, scheme_title_zh=form.title.zh, form_id=form.id,
            form_version=form.version, form_hash=form.hash, grade=result.grade or "—",
            score=score,
            domain_scores=tuple((d.domain_id, titles[d.domain_id].en, titles[d.domain_id].zh,
                                 decimal_text(d.score)) for d in result.domains
                                if d.score is not None),
            decision_date=(audit.approved_at or datetime.now(UTC)).date(), issue_date=today,
            valid_from=today, valid_until=until - timedelta(days=1), signatory_name=signatory,
            signatory_title="Issuer / 签发人", seal_hash=seal_hash,
            seal_hash_short=short_hash(seal_hash), jws=jws, seal_file=seal_file)
        return Preview(render_certificate(view), merchant.legal_name, result.grade or "—", score)


def issue(db: Database, *, user: str, passphrase: str, issuer_passphrase: str, audit_id: str,
          steps: tuple[str, str], progress: ProgressFn, cancelled: CancelledFn
          ) -> IssuedCertificate:
    """Unlock the user's and the issuer's keys, then issue (database thread).

    ``steps`` are the two progress texts (translated by the caller). ``cancelled``
    is not consulted: an issuance, once started, runs to its end.
    """
    from certbench.workflow import authenticate, issue_certificate, load_issuer_key

    progress(0.05, steps[0])
    with db.session() as session:
        actor = authenticate(session, user, passphrase)
        key = load_issuer_key(session, issuer_passphrase or passphrase)
    progress(0.35, steps[1])
    issued = issue_certificate(db, actor, audit_id, key)
    progress(1.0, "")
    return issued


class PagePreview(QLabel):
    """Page 1 of a PDF drawn to fit, redrawn on resize (synchronously: never half-drawn)."""

    def __init__(self, document: QPdfDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(200, 280)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def render_page(self) -> None:
        """Draw page 1 at the label's size."""
        if self.document.pageCount() < 1:
            return
        page = self.document.pagePointSize(0)
        scale = min(self.width() / page.width(), self.height() / page.height())
        size = QSize(max(1, int(page.width() * scale)), max(1, int(page.height() * scale)))
        self.setPixmap(QPixmap.fromImage(self.document.render(0, size)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Redraw at the new size."""
        super().resizeEvent(event)
        self.render_page()


class IssueDialog(QDialog):
    """Preview, passphrases, progress, then the issued file and its seal hash."""

    issued = Signal(object)
    """The :class:`~certbench.workflow.IssuedCertificate`."""

    def __init__(self, context: AppContext, audit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        assert context.db is not None, "this screen needs an open database"
        self.db: Database = context.db
        self.audit_id = audit_id
        self.certificate: IssuedCertificate | None = None
        self.ui = Ui_IssueDialog()
        self.ui.setupUi(self)
        self.document = QPdfDocument(self)
        self.preview_label = PagePreview(self.document, self)
        self.ui.preview_layout.addWidget(self.preview_label)
        self._buffer = QBuffer(self)
        self.ui.issue_button.clicked.connect(self._on_issue_clicked)
        self.ui.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        self.ui.copy_hash_button.clicked.connect(self._on_copy_hash_clicked)
        self.ui.header_label.setText(self.tr("Rendering the preview…"))
        db, user = self.db, context.user
        (Op(self, lambda: preview_certificate(db, audit_id, user), tasks=context.tasks)
         .success(self._show_preview)
         .failure(self._on_preview_failed)
         .run())

    @classmethod
    def ask(cls, parent: QWidget | None, context: AppContext,
            audit_id: str) -> IssuedCertificate | None:
        """Run the dialog; the issued certificate, or None when nothing was issued."""
        dialog = cls(context, audit_id, parent)
        dialog.exec()
        return dialog.certificate

    @property
    def preview_pages(self) -> int:
        """Pages of the loaded preview (0 until it is rendered)."""
        return self.document.pageCount()

    def _show_preview(self, preview: Preview) -> None:
        self.ui.header_label.setText(self.tr("<b>%1</b>: grade %2, score %3 %").replace(
            "%1", preview.merchant).replace("%2", preview.grade).replace("%3", preview.score))
        self.document.close()
        self._buffer.close()
        self._buffer.setData(QByteArray(preview.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self._render_page()

    def _render_page(self) -> None:
        self.preview_label.render_page()

    def _on_preview_failed(self, exception: BaseException) -> None:
        message = getattr(exception, "message", None) or str(exception)
        self.ui.header_label.setText(self.tr("No preview: %1").replace("%1", message))

    def _on_issue_clicked(self) -> None:
        work = partial(issue, self.db, user=self.context.user,
                       passphrase=self.ui.passphrase_edit.text(),
                       issuer_passphrase=self.ui.issuer_passphrase_edit.text(),
                       audit_id=self.audit_id,
                       steps=(self.tr("Unlocking the keys…"),
                              self.tr("Signing the seal and the certificate…")))
        self.ui.error_label.clear()
        self.ui.issue_button.setEnabled(False)
        (Op(self, work, tasks=self.context.tasks)
         .with_progress(self.tr("Issuing the certificate…"))
         .success(self._on_issued)
         .failure(self._on_issue_failed)
         .run())

    def _on_issue_failed(self, exception: BaseException) -> None:
        from certbench.errors import CertbenchError, WrongPassphraseError
        from certbench.gui.errors import show_exception

        self.ui.issue_button.setEnabled(True)
        if isinstance(exception, WrongPassphraseError):
            self.ui.error_label.setText(self.tr("Wrong passphrase."))
        elif isinstance(exception, CertbenchError):
            self.ui.error_label.setText(exception.message)
        else:
            show_exception(parent=self, exception=exception)

    def _on_issued(self, issued: IssuedCertificate) -> None:
        self.certificate = issued
        ui = self.ui
        ui.done_label.setText(self.tr(
            "<b>Certificate %1 issued</b> to %2: grade %3, valid %4 to %5.")
            .replace("%1", issued.number).replace("%2", issued.merchant)
            .replace("%3", issued.grade).replace("%4", issued.valid_from.isoformat())
            .replace("%5", issued.valid_until.isoformat()))
        ui.file_edit.setText(str(issued.pdf_path))
        ui.seal_file_edit.setText(str(issued.seal_path))
        ui.seal_hash_edit.setText(issued.seal_hash)
        ui.short_hash_label.setText(issued.short_hash)
        ui.pages.setCurrentWidget(ui.done_page)
        self.issued.emit(issued)

    def _on_open_folder_clicked(self) -> None:
        if self.certificate is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.certificate.pdf_path).parent)))

    def _on_copy_hash_clicked(self) -> None:
        if self.certificate is not None:
            QGuiApplication.clipboard().setText(self.certificate.seal_hash)
