"""The audit editor over a real audit: tree, filters, undo and redo, autosave, evidence, samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from workbench_flow import PASSPHRASE, build_template, clone_body, rate_all

import certbench.gui.audit_editor as audit_editor_module
from certbench.domain import BusinessModel, Scope
from certbench.edits import SetNote, SetRating, apply
from certbench.errors import ConflictError
from certbench.gui.audit_editor import AuditEditor
from certbench.gui.audit_models import CriteriaFilter, CriteriaModel, CriterionRole
from certbench.gui.context import AppContext
from certbench.gui.samples_panel import SampleRequest


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One body with an open audit, built once: making its users' keys takes seconds."""
    return build_template(tmp_path_factory.mktemp("flow"))


@pytest.fixture
def editor_setup(_template: Path, tmp_path: Path, settings, sync_tasks, qtbot):
    """A private copy of the body and an editor on its audit, acting as ``li.wei``."""
    flow, _ = clone_body(_template, tmp_path / "body")
    context = AppContext(db=flow.db, settings=settings, tasks=sync_tasks, user="li.wei")
    editor = AuditEditor(context, flow.audit_id)
    qtbot.addWidget(editor)
    yield editor
    flow.db.dispose()


def rating_of(editor: AuditEditor, criterion_id: str) -> str | None:
    return editor.snapshot.findings[criterion_id].rating


def test_criteria_model_and_filter_pass_the_model_tester(editor_setup, qtmodeltester) -> None:
    editor = editor_setup
    qtmodeltester.check(editor.model)
    qtmodeltester.check(editor.proxy)


def test_tree_shows_domains_and_requirement_in_the_ui_language(editor_setup, qtbot) -> None:
    editor = editor_setup
    form = editor.snapshot.form
    assert editor.model.rowCount() == len(form.domains)
    first = editor.model.index(0, 0)
    assert editor.model.data(first).startswith(form.domains[0].id)
    chinese = CriteriaModel("zh")
    chinese.set_snapshot(editor.snapshot)
    cell = chinese.criterion_index(form.criteria[0].id)
    assert form.criteria[0].requirement.zh[:10] in chinese.data(cell)
    assert chinese.data(cell, Qt.ItemDataRole.ToolTipRole) == form.criteria[0].requirement.zh


def test_rating_undo_and_redo_go_through_the_core(editor_setup) -> None:
    editor = editor_setup
    editor.select_criterion("MER-01")
    editor.ui.rating_combo.setCurrentIndex(editor.ui.rating_combo.findData("largely"))
    editor.ui.rating_combo.activated.emit(editor.ui.rating_combo.currentIndex())
    assert rating_of(editor, "MER-01") == "largely"
    assert editor.isWindowModified()
    editor.undo_stack.undo()
    assert rating_of(editor, "MER-01") is None
    editor.undo_stack.redo()
    assert rating_of(editor, "MER-01") == "largely"
    assert "MER-01" in editor.undo_stack.undoText()


def test_a_typing_burst_in_one_note_undoes_as_one_step(editor_setup, qtbot) -> None:
    editor = editor_setup
    editor.select_criterion("PAY-01")
    editor.ui.note_edit.setFocus()
    for text in ("Check", "Checked the", "Checked the payment page"):
        editor.ui.note_edit.setPlainText(text)
        editor.flush_note()
    assert editor.snapshot.findings["PAY-01"].note == "Checked the payment page"
    assert editor.undo_stack.count() == 1
    editor.undo_stack.undo()
    assert editor.snapshot.findings["PAY-01"].note == ""
    assert editor.ui.note_edit.toPlainText() == ""


def test_a_note_is_saved_when_the_editor_closes_mid_typing(editor_setup, qtbot) -> None:
    editor = editor_setup
    editor.select_criterion("CS-01")
    qtbot.keyClicks(editor.ui.note_edit, "Replied within 2 h")
    assert editor._note_timer.isActive()
    editor.close()
    context, audit_id = editor.context, editor.audit_id
    again = AuditEditor(context, audit_id)
    qtbot.addWidget(again)
    assert again.snapshot.findings["CS-01"].note == "Replied within 2 h"


def test_the_missing_filter_shows_only_what_blocks_submission(editor_setup) -> None:
    editor = editor_setup
    applying = [c.id for c in editor.snapshot.form.criteria if c.applies(editor.snapshot.scope)]
    rate_all(editor.db, editor.audit_id, skip=frozenset({applying[0], *[
        c.id for c in editor.snapshot.form.criteria if c.id not in applying]}))
    editor.reload()
    editor.ui.missing_only_check.setChecked(True)
    shown = _shown_criteria(editor.proxy)
    assert shown == [applying[0]]
    assert editor.ui.status_label.text().startswith("1 ")


def test_scope_editor_shows_and_hides_criteria(editor_setup) -> None:
    editor = editor_setup
    before = _shown_criteria(editor.proxy)
    assert not any(c.startswith("XB-") for c in before)
    editor.scope_editor.markets_edit.setText("CN, DE")
    assert "of" in editor.scope_editor.count_label.text()
    editor.scope_editor.apply_button.click()
    assert editor.snapshot.scope.cross_border
    after = _shown_criteria(editor.proxy)
    assert any(c.startswith("XB-") for c in after) and len(after) > len(before)
    editor.undo_stack.undo()
    assert not editor.snapshot.scope.cross_border
    editor.ui.show_excluded_check.setChecked(True)
    assert len(_shown_criteria(editor.proxy)) == len(editor.snapshot.form.criteria)


def test_url_capture_is_attached_and_previewed_as_pdf(editor_setup, tmp_path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    editor = editor_setup
    editor.select_criterion("DISC-01")
    capture = tmp_path / "about-page.pdf"
    canvas = Canvas(str(capture))
    canvas.drawString(72, 720, "About us: Example Trading Co., Ltd.")
    canvas.save()
    editor.attach_url_capture("https://shop.example.cn/about", capture)
    (item,) = editor.snapshot.evidence_for("DISC-01")
    assert item.kind == "url_capture" and item.source_url == "https://shop.example.cn/about"
    editor.evidence_panel.table.selectRow(0)
    assert editor.evidence_panel.preview_kind == "pdf"
    assert editor.evidence_panel.pdf_document.pageCount() == 1


def test_detaching_evidence_can_be_undone(editor_setup, tmp_path) -> None:
    editor = editor_setup
    editor.select_criterion("DISC-02")
    note = tmp_path / "terms.txt"
    note.write_text("terms of sale", encoding="utf-8")
    editor.attach_files([note])
    assert len(editor.snapshot.evidence_for("DISC-02")) == 1
    editor.evidence_panel.table.selectRow(0)
    assert editor.evidence_panel.preview_kind == "none"
    editor.evidence_panel.remove_button.click()
    assert editor.snapshot.evidence_for("DISC-02") == ()
    editor.undo_stack.undo()
    assert [e.original_filename for e in editor.snapshot.evidence_for("DISC-02")] == ["terms.txt"]


def test_samples_show_durations_checked_against_the_form(editor_setup, monkeypatch) -> None:
    editor = editor_setup
    editor.select_criterion("CS-01")
    monkeypatch.setattr(audit_editor_module, "ask_passphrase", lambda *_a: PASSPHRASE)
    limit = editor.snapshot.form.parameter("first_reply_hours")
    late = int(limit) + 5
    editor.samples_panel.record_requested.emit(SampleRequest(
        "contact", "email", {"asked": "2026-03-02T09:00:00+08:00",
                             "answered": f"2026-03-02T{9 + late:02d}:00:00+08:00"
                             if 9 + late < 24 else "2026-03-04T09:00:00+08:00"}, {}, ""))
    (sample,) = editor.snapshot.samples_for("CS-01")
    check = next(c for c in sample.checks if c.name == "first_reply_hours")
    assert check.passed is False
    text = editor.samples_panel.model.data(editor.samples_panel.model.index(0, 3))
    label = editor.snapshot.form.parameters["first_reply_hours"].label.en
    assert text.startswith(f"✗ {label}: ")


def test_a_refused_sample_shows_the_reason_inline(editor_setup, monkeypatch) -> None:
    editor = editor_setup
    editor.select_criterion("CS-01")
    monkeypatch.setattr(audit_editor_module, "ask_passphrase", lambda *_a: PASSPHRASE)
    editor.samples_panel.times_edit.setPlainText("asked = 2026-03-02 09:00")  # no time zone
    editor.samples_panel.record_button.click()
    assert "time zone" in editor.samples_panel.error_label.text()
    assert editor.snapshot.samples_for("CS-01") == ()


def test_an_edit_the_core_refuses_clears_the_stack_and_shows_why(editor_setup,
                                                                  monkeypatch) -> None:
    from certbench.workflow import authenticate, submit

    editor = editor_setup
    applying = [c.id for c in editor.snapshot.form.criteria if c.applies(editor.snapshot.scope)]
    rate_all(editor.db, editor.audit_id, skip=frozenset(
        c.id for c in editor.snapshot.form.criteria if c.id not in applying))
    editor.reload()
    editor.push(SetNote(editor.audit_id, "MER-01", "before submission"))
    with editor.db.session() as session:  # submitted elsewhere while the editor is open
        submit(session, authenticate(session, "li.wei", PASSPHRASE), editor.audit_id)
    shown = []
    monkeypatch.setattr(audit_editor_module, "show_exception",
                        lambda *, parent, exception: shown.append(exception))
    editor.push(SetRating(editor.audit_id, "MER-01", "largely"))
    assert shown and "cannot be edited" in shown[0].message
    assert editor.undo_stack.count() == 0
    assert rating_of(editor, "MER-01") == "fully"
    assert not editor.ui.detail_panel.isEnabled()


def choose_rating(editor: AuditEditor, criterion_id: str, rating: str) -> None:
    editor.select_criterion(criterion_id)
    combo = editor.ui.rating_combo
    combo.setCurrentIndex(combo.findData(rating))
    combo.activated.emit(combo.currentIndex())


def rate_elsewhere(editor: AuditEditor, criterion_id: str, rating: str) -> None:
    """Another assessor saves a rating while this editor is open."""
    with editor.db.session() as session:
        apply(SetRating(editor.audit_id, criterion_id, rating), session, "wang.fang")


def saved_rating(editor: AuditEditor, criterion_id: str) -> str | None:
    from certbench.workflow import find_audit

    with editor.db.session() as session:
        audit = find_audit(session, editor.audit_id)
        return next((f.rating for f in audit.findings if f.criterion_id == criterion_id), None)


def test_a_rating_over_someone_elses_change_conflicts_and_reloads(editor_setup,
                                                                  monkeypatch) -> None:
    editor = editor_setup
    editor.select_criterion("MER-01")
    rate_elsewhere(editor, "MER-01", "partially")  # the editor still shows it unrated
    assert rating_of(editor, "MER-01") is None
    shown: list[BaseException] = []
    monkeypatch.setattr(audit_editor_module, "show_exception",
                        lambda *, parent, exception: shown.append(exception))
    choose_rating(editor, "MER-01", "largely")
    assert len(shown) == 1 and isinstance(shown[0], ConflictError)
    assert "MER-01 was changed by someone else since you opened it" in shown[0].message
    assert saved_rating(editor, "MER-01") == "partially"
    assert rating_of(editor, "MER-01") == "partially"  # reloaded
    assert editor.ui.rating_combo.currentData() == "partially"
    assert editor.undo_stack.count() == 0


def test_an_undo_over_someone_elses_change_conflicts(editor_setup, monkeypatch, qtbot) -> None:
    editor = editor_setup
    choose_rating(editor, "PAY-01", "fully")
    rate_elsewhere(editor, "PAY-01", "largely")
    shown: list[BaseException] = []
    monkeypatch.setattr(audit_editor_module, "show_exception",
                        lambda *, parent, exception: shown.append(exception))
    editor.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(shown))
    assert len(shown) == 1 and isinstance(shown[0], ConflictError)
    assert saved_rating(editor, "PAY-01") == "largely"
    assert rating_of(editor, "PAY-01") == "largely"
    assert editor.undo_stack.count() == 0


def test_rating_undo_and_redo_work_twice_in_a_row(editor_setup) -> None:
    editor = editor_setup
    choose_rating(editor, "LOG-01", "largely")
    for _ in range(2):
        editor.undo_stack.undo()
        assert rating_of(editor, "LOG-01") is None
        assert saved_rating(editor, "LOG-01") is None
        editor.undo_stack.redo()
        assert rating_of(editor, "LOG-01") == "largely"
        assert saved_rating(editor, "LOG-01") == "largely"
    assert editor.undo_stack.count() == 1


def test_a_merged_note_burst_undoes_and_redoes_twice(editor_setup) -> None:
    editor = editor_setup
    editor.select_criterion("PAY-02")
    for text in ("Refund", "Refund policy", "Refund policy is published"):
        editor.ui.note_edit.setPlainText(text)
        editor.flush_note()
    assert editor.undo_stack.count() == 1
    for _ in range(2):
        editor.undo_stack.undo()
        assert editor.snapshot.findings["PAY-02"].note == ""
        editor.undo_stack.redo()
        assert editor.snapshot.findings["PAY-02"].note == "Refund policy is published"


def test_submitting_an_incomplete_audit_is_refused_with_the_open_items(editor_setup,
                                                                     monkeypatch) -> None:
    editor = editor_setup
    editor.push(SetRating(editor.audit_id, "MER-01", "fully"))
    shown = []
    monkeypatch.setattr("certbench.gui.tasks.show_exception",
                        lambda *, parent, exception: shown.append(exception))
    editor.submit(PASSPHRASE)
    assert shown and "not complete" in shown[0].message
    assert "ASR-01" in shown[0].message
    assert editor.snapshot.audit.state.value == "in_progress"


def test_grade_panel_lists_every_reason_and_jumps_to_its_criterion(editor_setup) -> None:
    editor = editor_setup
    panel = editor.grade_panel
    assert panel.reasons_list.count() == len(editor.snapshot.grade.reasons)
    assert "is not rated yet" in panel.reasons_list.item(0).text()
    criterion = panel.reasons_list.item(0).data(Qt.ItemDataRole.UserRole)
    panel.reasons_list.itemDoubleClicked.emit(panel.reasons_list.item(0))
    assert editor.current is not None and editor.current.id == criterion
    assert set(panel.bars) == {d.id for d in editor.snapshot.form.domains}


def test_scope_from_the_editor_round_trips(editor_setup) -> None:
    editor = editor_setup
    scope = Scope(business_models=frozenset({BusinessModel.B2B, BusinessModel.B2C}),
                  home_market="CN", target_markets=frozenset({"CN", "HK"}),
                  languages=frozenset({"zh", "en"}), currencies=frozenset({"CNY", "HKD"}),
                  categories=frozenset({"food"}))
    editor.scope_editor.set_scope(editor.snapshot.form, scope)
    assert editor.scope_editor.scope() == scope


def _shown_criteria(proxy: CriteriaFilter) -> list[str]:
    out = []
    for row in range(proxy.rowCount()):
        domain = proxy.index(row, 0)
        for child in range(proxy.rowCount(domain)):
            out.append(proxy.index(child, 0, domain).data(CriterionRole).id)
    return out


def test_evidence_and_sample_models_pass_the_model_tester(editor_setup, tmp_path,
                                                          qtmodeltester) -> None:
    editor = editor_setup
    editor.select_criterion("DISC-02")
    files = [tmp_path / f"page-{n}.txt" for n in range(3)]
    for n, path in enumerate(files):
        path.write_text(f"capture {n}", encoding="utf-8")
    editor.attach_files(files)
    assert editor.evidence_panel.model.rowCount() == 3
    assert editor.undo_stack.count() == 1  # one macro for the whole drop
    qtmodeltester.check(editor.evidence_panel.model)
    qtmodeltester.check(editor.samples_panel.model)


def test_evidence_import_stops_when_cancelled(tmp_path) -> None:
    from certbench.gui.audit_editor import import_files

    files = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for path in files:
        path.write_text(path.name, encoding="utf-8")
    seen = []
    done = import_files(tmp_path / "vault", files, lambda f, t: seen.append((f, t)),
                        lambda: len(seen) >= 1)
    assert [d.name for d in done] == ["a.txt"]
    assert import_files(tmp_path / "vault", files, lambda f, t: None, lambda: True) == []


def test_import_runs_off_the_gui_thread_and_attaches(_template, tmp_path, settings, qtbot,
                                                     qapp) -> None:
    from certbench.gui.tasks import TaskManager

    flow, _ = clone_body(_template, tmp_path / "body")
    tasks = TaskManager(qapp)  # real worker threads
    context = AppContext(db=flow.db, settings=settings, tasks=tasks, user="li.wei")
    editor = AuditEditor(context, flow.audit_id)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.snapshot is not None, timeout=10_000)
    editor.select_criterion("LOG-01")
    waybill = tmp_path / "waybill.txt"
    waybill.write_text("SF1234567890", encoding="utf-8")
    editor.attach_files([waybill])
    qtbot.waitUntil(lambda: len(editor.snapshot.evidence_for("LOG-01")) == 1, timeout=10_000)
    editor.undo_stack.undo()
    qtbot.waitUntil(lambda: editor.snapshot.evidence_for("LOG-01") == (), timeout=10_000)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    tasks.shutdown()
    flow.db.dispose()
