"""Review (changes since the previous audit, journal, return, approve, four eyes) and issuing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from workbench_flow import (
    FORM_REF,
    PASSPHRASE,
    applying_criteria,
    build_template,
    clone_body,
    rate_all,
    submit_and_approve,
)

from certbench.gui.context import AppContext
from certbench.gui.issue_dialog import IssueDialog
from certbench.gui.review_dialog import ReviewDialog, four_eyes_text


def _prepare(flow) -> dict[str, str]:
    """Approve the first audit; open, rate (one criterion lower) and submit a second one."""
    from certbench.workflow import authenticate, open_audit, submit

    submit_and_approve(flow.db, flow.audit_id)
    with flow.db.session() as session:
        second = open_audit(session, authenticate(session, "li.wei", PASSPHRASE),
                            flow.merchant_id, FORM_REF).id
    applying = applying_criteria(flow.db, second)
    everything = set(_all_criteria(flow.db, second))
    rate_all(flow.db, second, skip=frozenset(everything - set(applying)))
    rate_all(flow.db, second, skip=frozenset(everything - {"PAY-03"}), rating="largely")
    with flow.db.session() as session:
        submit(session, authenticate(session, "li.wei", PASSPHRASE), second)
    return {"second": second}


def _all_criteria(db, audit_id: str) -> list[str]:
    from certbench.edits import audit_form
    from certbench.workflow import find_audit

    with db.session() as session:
        return [c.id for c in audit_form(find_audit(session, audit_id)).criteria]


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("review"), _prepare)


@pytest.fixture
def body(_template: Path, tmp_path: Path, settings, sync_tasks):
    """A private copy: ``flow.audit_id`` approved, ``second`` submitted."""
    flow, extra = clone_body(_template, tmp_path / "body")
    context = AppContext(db=flow.db, settings=settings, tasks=sync_tasks, user="wang.fang")
    yield context, flow, extra["second"]
    flow.db.dispose()


def state_of(db, audit_id: str) -> str:
    from certbench.workflow import find_audit

    with db.session() as session:
        return find_audit(session, audit_id).state.value


def test_review_shows_changes_since_the_previous_audit_and_the_journal(body, qtbot,
                                                                        qtmodeltester) -> None:
    context, _flow, second = body
    dialog = ReviewDialog(context, second)
    qtbot.addWidget(dialog)
    changes = dialog.changes_model.rows
    assert [(c.criterion_id, c.field, c.before, c.now) for c in changes] == [
        ("PAY-03", "rating", "fully", "largely")]
    assert dialog.changes_model.data(dialog.changes_model.index(0, 3)) == "Largely met"
    assert "1 difference" in dialog.ui.previous_label.text()
    actions = [r.action for r in dialog.journal_model.rows]
    assert actions[0] == "open" and actions[-1] == "submit" and "rate" in actions
    qtmodeltester.check(dialog.changes_model)
    qtmodeltester.check(dialog.journal_model)


def test_first_audit_has_nothing_to_compare(body, qtbot) -> None:
    context, flow, _second = body
    dialog = ReviewDialog(context, flow.audit_id)
    qtbot.addWidget(dialog)
    assert dialog.changes_model.rowCount() == 0
    assert "first audit" in dialog.ui.previous_label.text()
    assert not dialog.ui.approve_button.isEnabled()  # already approved


def _choose(dialog: ReviewDialog, user: str, passphrase: str = PASSPHRASE) -> None:
    dialog.ui.reviewer_combo.setCurrentIndex(dialog.ui.reviewer_combo.findData(user))
    dialog.ui.passphrase_edit.setText(passphrase)


def test_return_with_a_comment_sends_the_audit_back(body, qtbot) -> None:
    context, flow, second = body
    dialog = ReviewDialog(context, second)
    qtbot.addWidget(dialog)
    _choose(dialog, "wang.fang")
    qtbot.mouseClick(dialog.ui.return_button, Qt.MouseButton.LeftButton)
    assert "comment" in dialog.ui.refusal_label.text()
    assert state_of(flow.db, second) == "submitted"
    qtbot.keyClicks(dialog.ui.comment_edit, "PAY-03: attach the card-data audit report.")
    qtbot.mouseClick(dialog.ui.return_button, Qt.MouseButton.LeftButton)
    assert dialog.decision == "returned" and state_of(flow.db, second) == "returned"

    from certbench.gui.audit_editor import AuditEditor

    context.user = "li.wei"
    editor = AuditEditor(context, second)
    qtbot.addWidget(editor)
    assert "attach the card-data audit report" in editor.ui.return_label.text()
    assert editor.ui.detail_panel.isEnabled()


def test_a_wrong_passphrase_is_said_inline(body, qtbot) -> None:
    context, flow, second = body
    dialog = ReviewDialog(context, second)
    qtbot.addWidget(dialog)
    _choose(dialog, "wang.fang", "not the passphrase")
    qtbot.mouseClick(dialog.ui.approve_button, Qt.MouseButton.LeftButton)
    assert dialog.ui.refusal_label.text() == "Wrong passphrase."
    assert dialog.ui.approve_button.isEnabled()
    assert state_of(flow.db, second) == "submitted"


def test_a_user_without_the_reviewer_role_is_refused_in_words(body, qtbot) -> None:
    context, flow, second = body
    dialog = ReviewDialog(context, second)
    qtbot.addWidget(dialog)
    _choose(dialog, "zhang.min")
    qtbot.mouseClick(dialog.ui.approve_button, Qt.MouseButton.LeftButton)
    assert dialog.ui.refusal_label.text() == four_eyes_text("reviewer-role", "zhang.min")
    assert state_of(flow.db, second) == "submitted"


def test_four_eyes_texts_name_the_user() -> None:
    assert "li.wei took part in this audit" in four_eyes_text("reviewer-is-assessor", "li.wei")
    assert four_eyes_text("something-else", "li.wei") is None


def test_issue_dialog_previews_then_refuses_a_wrong_issuer_passphrase(body, qtbot) -> None:
    context, flow, _second = body
    context.user = "zhang.min"
    dialog = IssueDialog(context, flow.audit_id)
    qtbot.addWidget(dialog)
    assert dialog.preview_pages == 1
    assert not dialog.preview_label.pixmap().isNull()
    assert "grade A" in dialog.ui.header_label.text()
    dialog.ui.passphrase_edit.setText(PASSPHRASE)
    dialog.ui.issuer_passphrase_edit.setText("wrong issuer passphrase")
    qtbot.mouseClick(dialog.ui.issue_button, Qt.MouseButton.LeftButton)
    assert dialog.ui.error_label.text() == "Wrong passphrase."
    assert dialog.certificate is None and state_of(flow.db, flow.audit_id) == "approved"
    assert dialog.ui.issue_button.isEnabled()


def test_issuing_ends_with_the_file_and_open_folder(body, qtbot, monkeypatch) -> None:
    from PySide6.QtGui import QDesktopServices

    context, flow, _second = body
    context.user = "zhang.min"
    dialog = IssueDialog(context, flow.audit_id)
    qtbot.addWidget(dialog)
    dialog.ui.passphrase_edit.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.ui.issue_button, Qt.MouseButton.LeftButton)
    issued = dialog.certificate
    assert issued is not None and issued.pdf_path.read_bytes().startswith(b"%PDF")
    assert dialog.ui.file_edit.text() == str(issued.pdf_path)
    assert dialog.ui.short_hash_label.text() == issued.short_hash
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(dialog.ui.open_folder_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(issued.pdf_path.parent)]


def test_issuing_a_submitted_audit_is_refused_by_the_core(body, qtbot) -> None:
    context, _flow, second = body
    context.user = "zhang.min"
    dialog = IssueDialog(context, second)
    qtbot.addWidget(dialog)
    dialog.ui.passphrase_edit.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.ui.issue_button, Qt.MouseButton.LeftButton)
    assert "not approved" in dialog.ui.error_label.text()
    assert dialog.certificate is None


def test_a_reassessment_shows_carried_over_ratings_until_reconfirmed(body, qtbot) -> None:
    from certbench.gui.audit_editor import AuditEditor
    from certbench.storage import AuditKind
    from certbench.workflow import authenticate, open_audit

    context, flow, _second = body
    with flow.db.session() as session:
        again = open_audit(session, authenticate(session, "li.wei", PASSPHRASE),
                           flow.merchant_id, FORM_REF, kind=AuditKind.REASSESSMENT).id
    context.user = "li.wei"
    editor = AuditEditor(context, again)
    qtbot.addWidget(editor)
    assert "MER-01" in editor.snapshot.missing
    cell = editor.model.criterion_index("MER-01", 3)
    assert editor.model.data(cell) == "carried over"
    editor.select_criterion("MER-01")
    combo = editor.ui.rating_combo
    assert combo.currentData() == "fully"
    combo.activated.emit(combo.currentIndex())  # the same rating, chosen again
    assert "MER-01" not in editor.snapshot.missing
    assert editor.model.data(cell) == "done"
