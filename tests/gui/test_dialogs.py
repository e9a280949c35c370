"""Settings, first run and switching user, driven like a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from certbench.gui.first_run_dialog import FirstRunDialog, is_first_run
from certbench.gui.settings_dialog import SettingsDialog
from certbench.gui.switch_user_dialog import SwitchUserDialog


def _settings_dialog(qtbot, settings, sync_tasks) -> SettingsDialog:
    dialog = SettingsDialog(settings, sync_tasks)
    qtbot.addWidget(dialog)
    return dialog


def test_test_connection_refuses_a_bad_url(qtbot, settings, sync_tasks) -> None:
    dialog = _settings_dialog(qtbot, settings, sync_tasks)
    dialog.ui.postgres_radio.setChecked(True)
    dialog.ui.postgres_url_edit.setText("postgresql://nobody:secret@127.0.0.1:1/none")
    assert not dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.ui.test_button, Qt.MouseButton.LeftButton)
    assert "Cannot connect" in dialog.ui.test_result_label.text()
    assert not dialog.save_button.isEnabled()
    assert settings.database_url == ""


def test_test_connection_accepts_a_sqlite_path_then_allows_saving(
        qtbot, settings, sync_tasks, tmp_path: Path) -> None:
    dialog = _settings_dialog(qtbot, settings, sync_tasks)
    target = tmp_path / "office.sqlite3"
    dialog.ui.sqlite_path_edit.setText(str(target))
    assert not dialog.save_button.isEnabled()  # changed but not tested
    qtbot.mouseClick(dialog.ui.test_button, Qt.MouseButton.LeftButton)
    assert "Connected" in dialog.ui.test_result_label.text()
    assert target.exists()
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result_value is not None and dialog.result_value.database_changed
    assert settings.database_url == f"sqlite:///{target}"


def test_editing_after_a_test_needs_a_new_test(qtbot, settings, sync_tasks, tmp_path) -> None:
    dialog = _settings_dialog(qtbot, settings, sync_tasks)
    dialog.ui.sqlite_path_edit.setText(str(tmp_path / "a.sqlite3"))
    dialog.ui.test_button.click()
    assert dialog.save_button.isEnabled()
    dialog.ui.sqlite_path_edit.setText(str(tmp_path / "b.sqlite3"))
    assert not dialog.save_button.isEnabled()


def test_language_is_saved(qtbot, settings, sync_tasks) -> None:
    dialog = _settings_dialog(qtbot, settings, sync_tasks)
    dialog.ui.language_combo.setCurrentIndex(dialog.ui.language_combo.findData("zh_CN"))
    dialog.save_button.click()
    assert settings.language == "zh_CN"
    assert dialog.result_value.language_changed and not dialog.result_value.database_changed


def test_first_run_is_detected_only_without_a_database(settings, tmp_path) -> None:
    assert is_first_run(settings.database_url)
    settings.database_url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert not is_first_run(settings.database_url)


def _fill_first_run(dialog: FirstRunDialog, *, again: str = "correct horse battery") -> None:
    ui = dialog.ui
    ui.body_name_edit.setText("Example Certification Body")
    ui.body_address_edit.setPlainText("1 Example Road, Shanghai")
    ui.admin_login_edit.setText("zhang.min")
    ui.admin_name_edit.setText("Zhang Min 张敏")
    ui.passphrase_edit.setText("correct horse battery")
    ui.passphrase_again_edit.setText(again)


def test_first_run_refuses_mismatched_passphrases_inline(qtbot, settings, sync_tasks) -> None:
    dialog = FirstRunDialog(settings, sync_tasks)
    qtbot.addWidget(dialog)
    _fill_first_run(dialog, again="correct horse battery!")
    dialog.ui.button_box.accepted.emit()
    assert dialog.ui.error_label.text() == "The two passphrases differ."
    assert dialog.chosen_url is None


def test_first_run_creates_the_body_and_admin_and_switching_user_checks_the_key(
        qtbot, settings, sync_tasks, monkeypatch) -> None:
    from certbench.gui.context import AppContext
    from certbench.storage import Body, User, open_database

    dialog = FirstRunDialog(settings, sync_tasks)
    qtbot.addWidget(dialog)
    _fill_first_run(dialog)
    dialog.ui.button_box.accepted.emit()
    assert dialog.ui.error_label.text() == ""
    assert dialog.chosen_url is not None and settings.current_user == "zhang.min"
    assert not is_first_run(settings.database_url)  # the embedded database now exists

    db = open_database(dialog.chosen_url)
    try:
        with db.session() as session:
            body = session.query(Body).one()
            admin = session.query(User).one()
            assert body.name == "Example Certification Body" and body.issuer_kid
            assert admin.name == "zhang.min" and admin.key_id

        context = AppContext(db=db, settings=settings, tasks=sync_tasks)
        switch = SwitchUserDialog(context)
        qtbot.addWidget(switch)
        assert switch.ui.user_combo.count() == 1
        switch.ui.passphrase_edit.setText("wrong passphrase")
        switch.ui.button_box.accepted.emit()
        assert switch.ui.error_label.text() == "Wrong passphrase."
        assert switch.chosen is None
        switch.ui.passphrase_edit.setText("correct horse battery")
        switch.ui.button_box.accepted.emit()
        assert switch.chosen == "zhang.min"
    finally:
        db.dispose()


def test_verify_page_offers_the_bodys_published_trust_file(qtbot, settings, sync_tasks) -> None:
    from certbench.gui.context import AppContext
    from certbench.gui.first_run_dialog import NewBody, create_certification_body
    from certbench.gui.main_window import MainWindow
    from certbench.storage import open_database, resolve_url

    url = create_certification_body(resolve_url(None), NewBody(
        "Example Certification Body", "", "zhang.min", "Zhang Min", "correct horse battery"))
    db = open_database(url)
    try:
        window = MainWindow(AppContext(db=db, settings=settings, tasks=sync_tasks))
        qtbot.addWidget(window)
        trust = window.pages["verify"].ui.trust_edit.text()
        assert trust.endswith("trust.json") and Path(trust).is_file()
        assert window.pages["verify"].ui.registry_edit.text().endswith("registry.json")
    finally:
        db.dispose()


@pytest.mark.slow  # the core demo runs three audits and signs two certificate PDFs
def test_first_run_can_open_the_demo_data(qtbot, settings, sync_tasks) -> None:
    from certbench.gui.demo_data import demo_folder
    from certbench.storage import Merchant, open_database

    dialog = FirstRunDialog(settings, sync_tasks)
    qtbot.addWidget(dialog)
    dialog.ui.demo_radio.setChecked(True)
    dialog.ui.button_box.accepted.emit()
    assert dialog.ui.error_label.text() == ""
    assert dialog.chosen_url is not None and str(demo_folder()) in dialog.chosen_url
    assert settings.current_user == "chen.hui"
    assert (demo_folder() / "trust.json").is_file()
    assert "chen.hui (demo-chen-hui)" in dialog.ui.demo_note_label.text()
    db = open_database(dialog.chosen_url)
    try:
        with db.session() as session:
            assert session.query(Merchant).count() == 3
    finally:
        db.dispose()
