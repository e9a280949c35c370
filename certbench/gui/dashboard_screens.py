"""Screenshot builders for the dashboard and the field-package dialogs.

Registered in :mod:`certbench.gui.screenshots` after the audit screens, which
certify audits in the demo database, so the dashboard has a register to show.
The import screen inspects a real package exported from the demo database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from certbench.gui.context import AppContext
    from certbench.gui.demo_data import DemoData

__all__ = ["SCREENS"]


def _dashboard(_demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.dashboard_page import DashboardPage

    page = DashboardPage(context)
    page.resize(1280, 800)
    page.refresh()
    data = page.data
    if data is not None and data.distribution:
        page.show_grade(next(iter(data.distribution)))
    if data is not None and data.matrix.merchants:
        page.show_cell(0, 0)
    return page


def _audit_ids(context: AppContext) -> list[str]:
    from certbench.gui.field_packages import load_export_choices

    assert context.db is not None
    return [a.id for a in load_export_choices(context.db).audits][:2]


def _export(_demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.package_dialogs import ExportPackageDialog

    dialog = ExportPackageDialog(context)
    dialog.select_audits(_audit_ids(context))
    dialog.recipient_combo.setCurrentIndex(dialog.recipient_combo.count() - 1)
    dialog.file_edit.setText(str(Path.home() / "packages" / "shanghai-field.cbpkg"))
    dialog.passphrase_edit.setText("********")
    dialog.resize(820, 520)
    return dialog


def _package(demo: DemoData, context: AppContext) -> Path:
    from certbench.gui.demo_data import DEMO_PASSPHRASE
    from certbench.gui.field_packages import ExportRequest, export_field_package

    target = demo.seal.parent / f"to-{context.user}.cbpkg"  # the demo folder, a temp dir
    if not target.exists():
        request = ExportRequest(tuple(_audit_ids(context)), "assignments", context.user, target,
                                context.user, DEMO_PASSPHRASE)
        export_field_package(demo.db, request, progress=lambda _f, _t: None,
                             cancelled=lambda: False)
    return target


def _import(demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.demo_data import DEMO_PASSPHRASE
    from certbench.gui.package_dialogs import ImportPackageDialog

    package = _package(demo, context)
    dialog = ImportPackageDialog(context)
    dialog.file_edit.setText(str(package))
    dialog.personal_radio.setChecked(True)
    dialog.passphrase_edit.setText(DEMO_PASSPHRASE)
    dialog.resize(760, 600)
    dialog.start_inspection()
    QApplication.processEvents()
    return dialog


def _conflicts(_demo: DemoData, context: AppContext) -> QWidget:
    from certbench.gui.conflicts_dialog import ConflictsDialog

    dialog = ConflictsDialog(context)
    dialog.resize(980, 560)
    return dialog


SCREENS: dict[str, Callable[[DemoData, AppContext], QWidget]] = {
    "dashboard": _dashboard,
    "export_package": _export,
    "import_package": _import,
    "conflicts": _conflicts,
}
"""Screen name -> builder(demo, context)."""
