"""Screenshot builders for the audit screens (registered in :mod:`certbench.gui.screenshots`).

On first use they bring the demo database into the states the screens show,
through the core: the demo audit partly rated with evidence; a merchant with a
certified audit and a second, submitted one that differs from it (review); an
approved audit (issue); a suspended certificate (certificates page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from certbench.gui.context import AppContext
    from certbench.gui.demo_data import DemoData
    from certbench.storage import Database
    from certbench.workflow import IssuedCertificate

__all__ = ["SCREENS"]

FORM_REF = "ecommerce-trust@1.0"


@dataclass(frozen=True)
class _Staged:
    editing: str
    reviewing: str
    approved: str
    issued: IssuedCertificate


_staged: dict[str, _Staged] = {}


def _passphrase() -> str:
    from certbench.gui.demo_data import DEMO_PASSPHRASE

    return DEMO_PASSPHRASE


def _rate(db: Database, audit_id: str, *, every: int = 1, lower: frozenset[str] = frozenset()
          ) -> None:
    from certbench.domain import Scope
    from certbench.edits import SetNote, SetRating, apply, audit_form
    from certbench.workflow import find_audit

    with db.session() as session:
        audit = find_audit(session, audit_id)
        scope = Scope.from_json(audit.scope)
        applying = [c for c in audit_form(audit).criteria if c.applies(scope)]
        for n, criterion in enumerate(applying):
            if n % every == 0:
                rating = "largely" if criterion.id in lower else "fully"
                apply(SetRating(audit_id, criterion.id, rating), session, "li.wei")
        apply(SetNote(audit_id, "MER-01", "Business licence and ICP filing checked against the "
                      "national register on 2026-03-02."), session, "li.wei")


def _open(db: Database, merchant_id: str) -> str:
    from certbench.workflow import authenticate, open_audit

    with db.session() as session:
        return open_audit(session, authenticate(session, "li.wei", _passphrase()),
                          merchant_id, FORM_REF).id


def _submit(db: Database, audit_id: str, *, approve: bool) -> None:
    from certbench.workflow import approve as core_approve
    from certbench.workflow import authenticate, submit

    with db.session() as session:
        submit(session, authenticate(session, "li.wei", _passphrase()), audit_id)
    if approve:
        with db.session() as session:
            core_approve(session, authenticate(session, "wang.fang", _passphrase()), audit_id)


def _issue(db: Database, audit_id: str) -> IssuedCertificate:
    from certbench.workflow import authenticate, issue_certificate, load_issuer_key

    with db.session() as session:
        actor = authenticate(session, "zhang.min", _passphrase())
        key = load_issuer_key(session, _passphrase())
    return issue_certificate(db, actor, audit_id, key)


def _evidence(db: Database, audit_id: str, folder: Path) -> None:
    from certbench.evidence import Vault
    from certbench.workflow import add_evidence_file, authenticate, body_paths, get_body

    image = QImage(640, 420, QImage.Format.Format_RGB32)
    image.fill(0xF4F1E8)
    painter = QPainter(image)
    painter.drawRect(40, 40, 560, 340)
    painter.drawText(80, 120, "营业执照 Business licence")
    painter.drawText(80, 170, "91310000MA1FL0XX0X")
    painter.end()
    photo = folder / "business-licence.png"
    image.save(str(photo))
    with db.session() as session:
        vault = Vault(body_paths(get_body(session)).vault_dir)
        actor = authenticate(session, "li.wei", _passphrase())
        add_evidence_file(session, vault, actor, audit_id, criterion_id="MER-01", path=photo)


def _stage(demo: DemoData) -> _Staged:
    """Bring the demo into the states the screens show (once per demo database)."""
    staged = _staged.get(demo.url)
    if staged is not None:
        return staged
    from certbench.storage.queries import merchant_page

    db = demo.db
    with db.session() as session:
        ids = [r.id for r in merchant_page(session, limit=200).rows
               if r.id != demo.audited_merchant_id]
    editing = _audit_of(db, demo.audited_merchant_id)
    _rate(db, editing, every=2)
    _evidence(db, editing, Path(demo.seal).parent)
    # The demo lists its hand-made seal in the published registry, which the database's
    # log does not hold; issuing here publishes from the log, so the demo's file is set
    # aside while these certificates are issued and put back for the verify screens.
    saved = demo.registry.read_bytes()
    demo.registry.unlink()
    try:
        certified = _open(db, ids[0])
        _rate(db, certified)
        _submit(db, certified, approve=True)
        issued = _issue(db, certified)
        suspended = _open(db, ids[2])
        _rate(db, suspended)
        _submit(db, suspended, approve=True)
        _suspend(db, _issue(db, suspended).number)
    finally:
        demo.registry.write_bytes(saved)
    reviewing = _open(db, ids[0])
    _rate(db, reviewing, lower=frozenset({"PAY-03", "CS-02"}))
    _submit(db, reviewing, approve=False)
    approved = _open(db, ids[1])
    _rate(db, approved)
    _submit(db, approved, approve=True)
    staged = _Staged(editing, reviewing, approved, issued)
    _staged[demo.url] = staged
    return staged


def _audit_of(db: Database, merchant_id: str) -> str:
    from certbench.storage.queries import audit_rows_for_merchant

    with db.session() as session:
        return audit_rows_for_merchant(session, merchant_id)[0].id


def _suspend(db: Database, number: str) -> None:
    from certbench.workflow import authenticate, change_status, load_issuer_key

    with db.session() as session:
        actor = authenticate(session, "zhang.min", _passphrase())
        key = load_issuer_key(session, _passphrase())
    change_status(db, actor, number, "suspend", reason="complaint about late refunds", key=key)


def _editor(demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.audit_editor import AuditEditor

    staged = _stage(demo)
    editor = AuditEditor(context, staged.editing)
    editor.resize(1360, 820)
    editor.select_criterion("MER-01")
    editor.evidence_panel.table.selectRow(0)
    return editor


def _review(demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.review_dialog import ReviewDialog

    staged = _stage(demo)
    dialog = ReviewDialog(context, staged.reviewing)
    dialog.ui.comment_edit.setPlainText("PAY-03: please attach the PCI DSS attestation.")
    dialog.ui.passphrase_edit.setText(_passphrase())
    dialog.ui.approve_button.click()  # li.wei assessed it: the core refuses, the dialog says why
    dialog.ui.passphrase_edit.setText("")
    dialog.resize(940, 640)
    return dialog


def _issue_preview(demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.issue_dialog import IssueDialog

    staged = _stage(demo)
    dialog = IssueDialog(context, staged.approved)
    dialog.ui.passphrase_edit.setText("********")
    dialog.resize(760, 900)
    return dialog


def _issue_done(demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.issue_dialog import IssueDialog

    staged = _stage(demo)
    dialog = IssueDialog(context, staged.issued.audit_id)
    dialog._on_issued(staged.issued)  # the end page, without issuing a second time
    dialog.resize(760, 360)
    return dialog


def _page(name: str) -> Callable[[DemoData, AppContext], QWidget]:
    def build(demo: DemoData, context: AppContext) -> QWidget:
        from certbench.gui.audits_page import AuditsPage
        from certbench.gui.certificates_page import CertificatesPage

        _stage(demo)
        page: QWidget = AuditsPage(context) if name == "audits" else CertificatesPage(context)
        page.resize(1180, 420)
        return page
    return build


SCREENS: dict[str, Callable[[DemoData, AppContext], QWidget]] = {
    "audit_editor": _editor,
    "review_dialog": _review,
    "issue_preview": _issue_preview,
    "issue_done": _issue_done,
    "audits_page": _page("audits"),
    "certificates_page": _page("certificates"),
}
"""Screen name -> builder(demo, context)."""
