"""The verify window runs the real verifier on real seals and shows what it found."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from certbench.canonical import canonical_bytes
from certbench.gui.verify_window import VerifyRequest, VerifyWindow, run_verification


def _window(qtbot, settings, sync_tasks, issued_files) -> VerifyWindow:
    window = VerifyWindow(settings, sync_tasks)
    qtbot.addWidget(window)
    window.ui.trust_edit.setText(str(issued_files.trust))
    return window


def _checks(window: VerifyWindow) -> dict[str, str]:
    model = window.checks_model
    return {model.rows[r].name: model.data(model.index(r, 1)) for r in range(model.rowCount())}


def test_issued_seal_file_shows_valid(qtbot, settings, sync_tasks, issued_files) -> None:
    window = _window(qtbot, settings, sync_tasks, issued_files)
    window.ui.form_edit.setText(str(issued_files.form))
    window.verify_file(str(issued_files.seal))
    assert window.report is not None and window.report.verdict.value == "VALID"
    assert window.ui.verdict_label.text() == "VALID"
    assert "#1b7f3b" in window.ui.verdict_label.styleSheet()
    checks = _checks(window)
    assert checks["signature"] == "Passed" and checks["grade"] == "Passed"
    assert "Example Trading Co." in window.ui.summary_label.text()
    assert str(issued_files.seal) in window.ui.source_label.text()


def test_tampered_seal_file_shows_tampered(qtbot, settings, sync_tasks, issued_files,
                                           tmp_path: Path) -> None:
    document = json.loads(issued_files.seal.read_bytes())
    head, body, signature = document["jws"].split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    document["jws"] = f"{head}.{body}.{flipped}"
    tampered = tmp_path / "tampered.cbseal"
    tampered.write_bytes(canonical_bytes(document) + b"\n")
    window = _window(qtbot, settings, sync_tasks, issued_files)
    window.verify_file(str(tampered))
    assert window.report.verdict.value == "TAMPERED", window.report.checks
    assert window.ui.verdict_label.text() == "TAMPERED"
    assert "#c62828" in window.ui.verdict_label.styleSheet()
    assert _checks(window)["signature"] == "Failed"


def test_pasted_qr_text_is_verified(qtbot, settings, sync_tasks, issued_files) -> None:
    window = _window(qtbot, settings, sync_tasks, issued_files)
    qtbot.keyClicks(window.ui.jws_edit, issued_files.jws)
    qtbot.mouseClick(window.ui.verify_text_button, Qt.MouseButton.LeftButton)
    assert window.report.verdict.value == "VALID"
    assert window.report.kind == "jws"


def test_a_trust_file_with_a_broken_signature_is_tampered(issued_files, tmp_path: Path) -> None:
    document = json.loads(issued_files.trust.read_bytes())
    document["body"]["name"] = "Someone Else"
    forged = tmp_path / "trust.json"
    forged.write_text(json.dumps(document), encoding="utf-8")
    report = run_verification(VerifyRequest(str(issued_files.seal), trust=str(forged)))
    assert report.verdict.value == "TAMPERED", report.checks


def test_without_a_trust_file_nothing_is_valid(qtbot, settings, sync_tasks, issued_files) -> None:
    window = _window(qtbot, settings, sync_tasks, issued_files)
    window.ui.trust_edit.clear()
    window.verify_file(str(issued_files.seal))
    assert window.report.verdict.value == "UNKNOWN ISSUER"


def test_dropping_a_file_verifies_it(qtbot, settings, sync_tasks, issued_files) -> None:
    window = _window(qtbot, settings, sync_tasks, issued_files)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(issued_files.seal))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.report.verdict.value == "VALID"


def test_unreadable_trust_file_is_reported_not_raised(issued_files, tmp_path: Path) -> None:
    broken = tmp_path / "trust.json"
    broken.write_text("{not json", encoding="utf-8")
    report = run_verification(VerifyRequest(str(issued_files.seal), trust=str(broken)))
    assert report.verdict.value == "MALFORMED"
    assert report.checks[0].name == "trust"


def test_missing_input_file_is_malformed(issued_files, tmp_path: Path) -> None:
    report = run_verification(VerifyRequest(str(tmp_path / "nope.pdf"),
                                            trust=str(issued_files.trust)))
    assert report.verdict.value == "MALFORMED"


def test_issued_pdf_shows_valid_and_a_changed_byte_shows_tampered(
        qtbot, settings, sync_tasks, issued_files, tmp_path: Path) -> None:
    window = _window(qtbot, settings, sync_tasks, issued_files)
    window.verify_file(str(issued_files.pdf))
    assert window.report.kind == "pdf"
    assert window.report.verdict.value == "VALID"
    assert _checks(window)["pdf_signature"] == "Passed"

    data = bytearray(issued_files.pdf.read_bytes())
    at = data.index(b"/Producer")
    data[at + 12] ^= 0x01  # one byte inside the signed range
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    window.verify_file(str(changed))
    assert window.report.verdict.value == "TAMPERED", window.report.checks
    assert window.ui.verdict_label.text() == window.report.verdict.value
