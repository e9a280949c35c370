"""The main window opens on a seeded database and its navigation works."""

from __future__ import annotations

from certbench.gui.main_window import PAGES, MainWindow
from certbench.gui.merchants_page import MerchantsPage
from certbench.gui.verify_window import VerifyWindow


def test_main_window_opens_on_a_seeded_database(qtbot, context) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.ui.nav_list.count() == len(PAGES)
    merchants = window.pages["merchants"]
    assert isinstance(merchants, MerchantsPage)
    assert merchants.model.rowCount() == 200
    assert merchants.ui.count_label.text().replace(",", "").startswith("1500 merchant")
    assert context.db.url in window.database_label.text()
    assert "(none)" in window.user_label.text()


def test_navigation_switches_pages(qtbot, context) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show_page(1)
    assert isinstance(window.ui.page_stack.currentWidget(), VerifyWindow)
    window.show_page(0)
    assert window.ui.page_stack.currentWidget() is window.pages["merchants"]


def test_edit_menu_has_undo_and_redo_following_the_active_stack(qtbot, context) -> None:
    from PySide6.QtGui import QUndoCommand, QUndoStack

    window = MainWindow(context)
    qtbot.addWidget(window)
    undo = window.ui.menu_edit.actions()[0]
    assert not undo.isEnabled()
    stack = QUndoStack(window)
    window.undo_group.addStack(stack)
    window.undo_group.setActiveStack(stack)
    stack.push(QUndoCommand("rate PAY-02"))
    assert undo.isEnabled() and "rate PAY-02" in undo.text()


def test_set_user_updates_status_bar_and_settings(qtbot, context) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.set_user("li.wei")
    assert "li.wei" in window.user_label.text()
    assert context.settings.current_user == "li.wei"


def test_geometry_survives_a_restart(qtbot, context) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(700, 500)
    window.close()
    again = MainWindow(context)
    qtbot.addWidget(again)
    assert again.size().width() == 700


def test_workbench_opens_the_window_on_the_given_database(qtbot, seeded_db, settings,
                                                          sync_tasks) -> None:
    from certbench.gui.app import Workbench

    url = str(seeded_db.engine.url)
    workbench = Workbench(settings, sync_tasks, url=url)
    assert workbench.start()
    qtbot.addWidget(workbench.window)
    assert workbench.window.isVisible()
    assert workbench.window.pages["merchants"].model.rowCount() == 200
    workbench.window.context.db.dispose()


def test_window_shows_before_the_database_opens_then_builds_its_sections(
        qtbot, seeded_db, settings, qapp) -> None:
    """With the real thread pool the window is up at once, and the list arrives after."""
    from certbench.gui.app import Workbench
    from certbench.gui.tasks import TaskManager

    tasks = TaskManager(qapp)
    try:
        workbench = Workbench(settings, tasks, url=str(seeded_db.engine.url))
        assert workbench.start()
        window = workbench.window
        qtbot.addWidget(window)
        assert window.isVisible() and window.pages == {}
        assert not window.ui.nav_list.isEnabled()
        qtbot.waitUntil(lambda: "merchants" in window.pages, timeout=10_000)
        page = window.pages["merchants"]
        qtbot.waitUntil(lambda: page.model.rowCount() == 200, timeout=10_000)
        assert window.ui.nav_list.isEnabled()
        window.context.db.dispose()
    finally:
        tasks.shutdown()


def test_workbench_gives_up_when_first_run_is_cancelled(settings, sync_tasks, monkeypatch) -> None:
    from certbench.gui.app import Workbench
    from certbench.gui.first_run_dialog import FirstRunDialog

    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(lambda cls, *a: None))
    assert not Workbench(settings, sync_tasks).start()


def test_no_stray_opening_notice_when_the_database_is_given(qtbot, context) -> None:
    from PySide6.QtWidgets import QLabel

    window = MainWindow(context)
    qtbot.addWidget(window)
    notices = [w for w in window.findChildren(QLabel) if w.text() == "Opening the database…"]
    assert notices == []
