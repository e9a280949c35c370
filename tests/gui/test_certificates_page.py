"""The certificates page over a body with one issued certificate: statuses, changes, export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from workbench_flow import PASSPHRASE, build_template, clone_body, issue, submit_and_approve

from certbench.domain import CertificateStatus
from certbench.gui.audits_page import AuditsPage
from certbench.gui.certificates_page import (
    CERTIFICATE_COLUMNS,
    CertificatesPage,
    StatusChange,
    StatusChangeDialog,
)
from certbench.gui.context import AppContext
from certbench.workflow import CertificateRow


def _prepare(flow) -> str:
    submit_and_approve(flow.db, flow.audit_id)
    return issue(flow.db, flow.audit_id).number


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("certs"), _prepare)


@pytest.fixture
def page(_template: Path, tmp_path: Path, settings, sync_tasks, qtbot):
    """The page on a private copy of the body, acting as the issuer ``zhang.min``."""
    flow, number = clone_body(_template, tmp_path / "body")
    context = AppContext(db=flow.db, settings=settings, tasks=sync_tasks, user="zhang.min")
    widget = CertificatesPage(context)
    qtbot.addWidget(widget)
    widget.number = number
    yield widget
    flow.db.dispose()


def _answer(monkeypatch, reason: str = "complaint under investigation") -> None:
    monkeypatch.setattr(StatusChangeDialog, "ask",
                        classmethod(lambda cls, *_a: StatusChange(reason, PASSPHRASE, "")))


def _status(widget: CertificatesPage) -> str:
    return widget.model.rows[0].status.value


def test_lists_the_certificate_with_status_and_surveillance(page, qtmodeltester) -> None:
    assert page.model.rowCount() == 1
    row = page.model.rows[0]
    assert row.number == page.number and row.status is CertificateStatus.VALID
    assert row.surveillance_due is not None and not row.surveillance_overdue
    assert page.model.data(page.model.index(0, 5)) == row.surveillance_due.isoformat()
    assert page.ui.count_label.text() == "1 certificate(s)"
    qtmodeltester.check(page.model)


def test_buttons_need_a_selection(page) -> None:
    assert not page.ui.suspend_button.isEnabled()
    page.ui.certificates_table.selectRow(0)
    assert page.ui.suspend_button.isEnabled() and page.ui.revoke_button.isEnabled()


def test_suspend_reinstate_and_revoke_with_reasons(page, monkeypatch) -> None:
    _answer(monkeypatch)
    page.ui.certificates_table.selectRow(0)
    page.ui.suspend_button.click()
    assert _status(page) == "suspended"
    assert "registry is published" in page.ui.status_label.text()
    page.ui.certificates_table.selectRow(0)
    page.ui.reinstate_button.click()
    assert _status(page) == "valid"
    page.ui.certificates_table.selectRow(0)
    page.ui.revoke_button.click()
    assert _status(page) == "revoked"


def test_a_change_the_status_does_not_allow_is_refused(page, monkeypatch) -> None:
    _answer(monkeypatch)
    shown = []
    monkeypatch.setattr("certbench.gui.tasks.show_exception",
                        lambda *, parent, exception: shown.append(exception))
    page.ui.certificates_table.selectRow(0)
    page.ui.reinstate_button.click()  # it is valid, not suspended
    assert shown and "reinstate is not allowed" in shown[0].message
    assert _status(page) == "valid"


def test_a_status_change_needs_a_reason(qtbot) -> None:
    dialog = StatusChangeDialog("revoke", "STCC-2026-000001")
    qtbot.addWidget(dialog)
    dialog._on_ok_clicked()
    assert "reason" in dialog.error_label.text()
    assert dialog.result() == 0
    assert "STCC-2026-000001" in dialog.windowTitle()


def test_registry_export_writes_the_signed_registry(page, tmp_path) -> None:
    target = tmp_path / "published" / "registry.json"
    target.parent.mkdir()
    page.export_to(target, PASSPHRASE)
    document = json.loads(target.read_text(encoding="utf-8"))
    assert page.number in json.dumps(document)
    assert str(target) in page.ui.status_label.text()
    assert not target.with_name("registry.json.part").exists()


def test_registry_export_with_a_wrong_passphrase_writes_nothing(page, tmp_path,
                                                                monkeypatch) -> None:
    shown = []
    monkeypatch.setattr("certbench.gui.tasks.show_exception",
                        lambda *, parent, exception: shown.append(exception))
    target = tmp_path / "registry.json"
    page.export_to(target, "wrong")
    assert shown and not target.exists()


def test_overdue_surveillance_is_marked_in_red() -> None:
    row = CertificateRow("STCC-2026-000009", "Example", CertificateStatus.VALID,
                         date(2025, 1, 1), date(2027, 12, 31), "ab" * 32, date(2026, 1, 1), True)
    column = CERTIFICATE_COLUMNS[5]
    assert column.value(row) == "2026-01-01 (overdue)"
    assert column.foreground(row) is not None


def test_overdue_only_shows_none_for_a_fresh_certificate(page) -> None:
    page.ui.overdue_only_check.setChecked(True)
    assert page.model.rowCount() == 0


def test_audits_page_lists_and_filters_audits(_template, tmp_path, settings, sync_tasks, qtbot,
                                              qtmodeltester) -> None:
    flow, _number = clone_body(_template, tmp_path / "body")
    context = AppContext(db=flow.db, settings=settings, tasks=sync_tasks, user="li.wei")
    audits = AuditsPage(context)
    qtbot.addWidget(audits)
    assert audits.model.rowCount() == 1
    assert audits.model.data(audits.model.index(0, 2)) == "certified"
    qtmodeltester.check(audits.model)
    audits.ui.state_combo.setCurrentIndex(2)  # waiting for review
    assert audits.model.rowCount() == 0
    assert not audits.ui.open_button.isEnabled()
    flow.db.dispose()



def test_new_audit_dialog_offers_merchants_and_checklists(_template, tmp_path, settings,
                                                          sync_tasks, qtbot) -> None:
    from certbench.gui.audits_page import NewAudit, NewAuditDialog

    flow, _number = clone_body(_template, tmp_path / "body")
    context = AppContext(db=flow.db, settings=settings, tasks=sync_tasks, user="li.wei")
    dialog = NewAuditDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.merchant_combo.count() == 1
    assert dialog.form_combo.findData("ecommerce-trust@1.0") >= 0
    dialog.search_edit.setText("no such merchant")
    assert dialog.merchant_combo.count() == 0
    dialog._on_ok_clicked()
    assert "Choose a merchant" in dialog.error_label.text()
    dialog.search_edit.setText("示例")
    dialog.form_combo.setCurrentIndex(dialog.form_combo.findData("ecommerce-trust@1.0"))
    dialog.passphrase_edit.setText(PASSPHRASE)
    assert dialog.choice() == NewAudit(flow.merchant_id, "ecommerce-trust@1.0", PASSPHRASE)
    flow.db.dispose()
