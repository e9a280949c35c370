"""``python -m certbench.gui.screenshots OUTDIR``: render the main screens in English and Chinese.

Builds the demo database (:mod:`certbench.gui.demo_data`) in a temporary
``CERTBENCH_HOME``, then for each language installs the translators, builds
each screen on it with synchronous tasks, and saves ``widget.grab()`` as
``<screen>_<lang>.png``. Works offscreen (the default when there is no
display) and on a real or virtual X display (Xvfb).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from certbench.gui.context import AppContext
    from certbench.gui.demo_data import DemoData

__all__ = ["SCREENS", "main", "render_all"]

LANGUAGES = ("en", "zh_CN")


def _settle(widget: QWidget) -> None:
    widget.show()
    for _ in range(3):
        QApplication.processEvents()


def _main_window(demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.main_window import MainWindow
    from certbench.gui.merchants_page import MerchantsPage
    from certbench.gui.models import RowRole

    window = MainWindow(context)
    window.resize(1280, 760)
    page = window.pages["merchants"]
    assert isinstance(page, MerchantsPage)
    for row in range(page.model.rowCount()):
        if page.model.data(page.model.index(row, 0), RowRole).id == demo.audited_merchant_id:
            page.ui.merchant_table.selectRow(row)
    page.ui.splitter.setSizes([820, 440])
    return window


Builder = Callable[["DemoData", "AppContext"], QWidget]


def _verify(seal_attr: str) -> Builder:
    def build(demo: DemoData, context: AppContext) -> QWidget:
        from certbench.gui.verify_window import VerifyWindow

        window = VerifyWindow(context.settings, context.tasks)
        window.resize(980, 820)
        window.ui.trust_edit.setText(str(demo.trust))
        window.ui.registry_edit.setText(str(demo.registry))
        window.ui.form_edit.setText(str(demo.form))
        window.verify_file(str(getattr(demo, seal_attr)))
        return window
    return build


def _settings(_demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(context.settings, context.tasks)
    dialog.ui.page_tabs.setCurrentIndex(1)
    dialog.resize(640, 380)
    return dialog


def _first_run(_demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.first_run_dialog import FirstRunDialog

    dialog = FirstRunDialog(context.settings, context.tasks)
    dialog.ui.body_name_edit.setText("Shanghai Trust Certification Centre")
    dialog.ui.body_address_edit.setPlainText("88 Century Avenue, Pudong, Shanghai 200120")
    dialog.ui.admin_login_edit.setText("zhang.min")
    dialog.ui.admin_name_edit.setText("Zhang Min 张敏")
    dialog.resize(620, 520)
    return dialog


def _switch_user(_demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.switch_user_dialog import SwitchUserDialog

    dialog = SwitchUserDialog(context)
    dialog.ui.passphrase_edit.setText("********")
    dialog.resize(460, 150)
    return dialog


SCREENS: dict[str, Builder] = {
    "main_window": _main_window,
    "verify_valid": _verify("seal"),
    "verify_tampered": _verify("tampered_seal"),
    "settings": _settings,
    "first_run": _first_run,
    "switch_user": _switch_user,
}
"""Screen name -> builder(demo, context) returning the widget to grab."""


def _register_audit_screens() -> None:
    from certbench.gui.audit_screens import SCREENS as AUDIT_SCREENS

    SCREENS.update(AUDIT_SCREENS)
    from certbench.gui.dashboard_screens import SCREENS as DASHBOARD_SCREENS

    SCREENS.update(DASHBOARD_SCREENS)


_register_audit_screens()


def render_all(out: Path, home: Path) -> list[Path]:
    """Render every screen in every language into ``out``; the files written."""
    from certbench.gui.app import create_application
    from certbench.gui.context import AppContext
    from certbench.gui.demo_data import build_demo
    from certbench.gui.i18n import install_translators, remove_translators
    from certbench.gui.settings import Settings
    from certbench.gui.tasks import SyncExecutor, TaskManager

    app = create_application([sys.argv[0]])
    demo = build_demo(home)
    tasks = TaskManager(app, db_executor=SyncExecutor())
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in LANGUAGES:
        translators = install_translators(app, lang)
        settings = Settings(QSettings(str(home / f"settings-{lang}.ini"),
                                      QSettings.Format.IniFormat))
        settings.language = lang
        context = AppContext(db=demo.db, settings=settings, tasks=tasks, user="li.wei")
        for name, build in SCREENS.items():
            widget = build(demo, context)
            _settle(widget)
            path = out / f"{name}_{lang}.png"
            if not widget.grab().save(str(path)):
                raise OSError(f"cannot write {path}")
            written.append(path)
            widget.close()
            widget.deleteLater()
        remove_translators(app, translators)
    demo.db.dispose()
    return written


def main(argv: list[str] | None = None) -> int:
    """Render the screenshots into OUTDIR."""
    parser = argparse.ArgumentParser(prog="python -m certbench.gui.screenshots")
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args(argv)
    if not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="certbench-shots-") as home:
        os.environ["CERTBENCH_HOME"] = home
        os.environ.pop("CERTBENCH_DB", None)
        for path in render_all(args.outdir, Path(home)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
