"""The whole path through the workbench, driven through its screens on a real database.

A body with three users and a merchant exists (made through the core); from
there everything goes through the GUI: open an audit, rate every criterion
that applies, attach evidence by dropping a file, submit, fail to approve as
the assessor, approve as a second reviewer, issue, and verify the issued PDF
in the Verify window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication
from workbench_flow import FORM_REF, PASSPHRASE, build_flow

import certbench.gui.audit_editor as audit_editor_module
from certbench.gui.audits_page import AuditsPage, NewAudit
from certbench.gui.context import AppContext
from certbench.gui.issue_dialog import IssueDialog
from certbench.gui.main_window import MainWindow
from certbench.gui.review_dialog import ReviewDialog
from certbench.gui.verify_window import VerifyWindow


def drop_files(widget, paths: list[Path]) -> None:
    """Send ``widget`` what a file manager's drag sends: enter, then a QDropEvent with file URLs.

    Qt delivers a drop only to the widget that accepted the drag's enter event.
    """
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    args = (QPointF(20, 20), Qt.DropAction.CopyAction, mime,
            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(*args)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(*args)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()


def state_of(db, audit_id: str) -> str:
    from certbench.workflow import find_audit

    with db.session() as session:
        return find_audit(session, audit_id).state.value


def test_open_rate_attach_submit_review_issue_verify(qtbot, tmp_path, settings, sync_tasks,
                                                      monkeypatch) -> None:
    flow = build_flow(tmp_path, with_audit=False)
    context = AppContext(db=flow.db, settings=settings, tasks=sync_tasks, user="li.wei")
    window = MainWindow(context)
    qtbot.addWidget(window)
    page = window.pages["audits"]
    assert isinstance(page, AuditsPage)

    # open an audit as the assessor
    page.create_audit(NewAudit(flow.merchant_id, FORM_REF, PASSPHRASE))
    assert len(page.editors) == 1
    audit_id, editor = next(iter(page.editors.items()))
    qtbot.addWidget(editor)
    assert page.model.rowCount() == 1 and page.selected().id == audit_id
    assert window.undo_group.activeStack() is editor.undo_stack

    # rate every criterion the tree shows (those the scope includes) through the model
    snapshot = editor.snapshot
    applying = [c for c in snapshot.form.criteria if c.applies(snapshot.scope)]
    assert 0 < len(applying) < len(snapshot.form.criteria)
    for criterion in applying:
        assert editor.model.setData(editor.model.criterion_index(criterion.id, 1), "fully")
    assert editor.snapshot.missing == frozenset()
    assert editor.snapshot.grade.complete and editor.snapshot.grade.certifiable
    assert editor.undo_stack.count() == len(applying)

    # attach an image by a simulated drop, and see it previewed
    editor.select_criterion("MER-01")
    photo = tmp_path / "licence.png"
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    assert image.save(str(photo))
    drop_files(editor.evidence_panel, [photo])
    attached = editor.snapshot.evidence_for("MER-01")
    assert [e.original_filename for e in attached] == ["licence.png"]
    assert attached[0].kind == "photo"
    editor.evidence_panel.table.selectRow(0)
    assert editor.evidence_panel.preview_kind == "image"

    # submit with the assessor's passphrase
    monkeypatch.setattr(audit_editor_module, "ask_passphrase", lambda *_a: PASSPHRASE)
    qtbot.mouseClick(editor.ui.submit_button, Qt.MouseButton.LeftButton)
    assert state_of(flow.db, audit_id) == "submitted"
    assert not editor.ui.detail_panel.isEnabled()

    # the assessor cannot approve their own audit: the refusal is in words
    review = ReviewDialog(context, audit_id)
    qtbot.addWidget(review)
    assert review.journal_model.rowCount() > len(applying)
    review.ui.reviewer_combo.setCurrentIndex(review.ui.reviewer_combo.findData("li.wei"))
    review.ui.passphrase_edit.setText(PASSPHRASE)
    qtbot.mouseClick(review.ui.approve_button, Qt.MouseButton.LeftButton)
    assert "li.wei took part in this audit as an assessor" in review.ui.refusal_label.text()
    assert review.decision is None and state_of(flow.db, audit_id) == "submitted"

    # a second reviewer approves with their passphrase
    review.ui.reviewer_combo.setCurrentIndex(review.ui.reviewer_combo.findData("wang.fang"))
    qtbot.mouseClick(review.ui.approve_button, Qt.MouseButton.LeftButton)
    assert review.decision == "approved" and state_of(flow.db, audit_id) == "approved"

    # the issuer previews, signs and gets the file and its seal hash
    context.user = "zhang.min"
    dialog = IssueDialog(context, audit_id)
    qtbot.addWidget(dialog)
    assert dialog.preview_pages == 1
    dialog.ui.passphrase_edit.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.ui.issue_button, Qt.MouseButton.LeftButton)
    issued = dialog.certificate
    assert issued is not None and issued.pdf_path.is_file()
    assert dialog.ui.pages.currentWidget() is dialog.ui.done_page
    assert dialog.ui.seal_hash_edit.text() == issued.seal_hash
    qtbot.mouseClick(dialog.ui.copy_hash_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == issued.seal_hash
    assert state_of(flow.db, audit_id) == "certified"

    # the Verify window finds the issued PDF valid against the body's trust file and registry
    from certbench.workflow import body_paths, get_body

    with flow.db.session() as session:
        paths = body_paths(get_body(session))
    verify = VerifyWindow(settings, sync_tasks)
    qtbot.addWidget(verify)
    verify.ui.trust_edit.setText(str(paths.trust_path))
    verify.ui.registry_edit.setText(str(paths.registry_path))
    verify.verify_file(str(issued.pdf_path))
    assert verify.report is not None and verify.report.verdict.value == "VALID", \
        verify.report.checks
