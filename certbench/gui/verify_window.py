"""Verify a certificate: drop or open a PDF or ``.cbseal`` file, or paste a scanned QR text.

The check itself is :func:`certbench.certify.verify.verify`, run on a worker
thread; this window only gathers the inputs (the file, the issuer's trust file,
optionally its registry and the checklist) and shows the report: the verdict in
large coloured type, the plain-language summary in the UI language, and every
check in a table. It needs no database, so it also runs on its own:
``certbench verify --gui`` calls :func:`main`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import QFileDialog, QHeaderView, QLineEdit, QWidget

from certbench.gui.forms.ui_verify_window import Ui_VerifyWindow
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import Column, RowsTableModel, configure_view
from certbench.gui.settings import Settings
from certbench.gui.tasks import Op, TaskManager, current

if TYPE_CHECKING:
    from certbench.certify.verify import Check, VerificationReport

__all__ = ["CHECK_COLUMNS", "VerifyRequest", "VerifyWindow", "main", "run_verification"]


@dataclass(frozen=True)
class VerifyRequest:
    """What to verify and against what; plain values, handed to the worker thread."""

    source: str
    """A file path, or the pasted compact JWS when ``is_text``."""
    is_text: bool = False
    trust: str = ""
    registry: str = ""
    form: str = ""


def run_verification(request: VerifyRequest) -> VerificationReport:
    """Read the inputs and verify, exactly as ``certbench verify`` does (worker thread; no Qt).

    An input, trust file, registry or checklist that cannot be read becomes a
    report with a failed check naming it, never an exception. With no trust
    file given, the default one in the data folder is used when it exists.
    """
    from certbench.cli.verify import run_verify

    args = argparse.Namespace(
        input=request.source.strip() if request.is_text else request.source,
        trust=Path(request.trust) if request.trust else None,
        registry=Path(request.registry) if request.registry else None,
        form=request.form or None, at=None)
    return run_verify(args)


# Names the core gives its checks and its outcomes, for display (context "Check").
CHECK_NAMES = {
    "input": QT_TRANSLATE_NOOP("Check", "Reading the input"),
    "trust": QT_TRANSLATE_NOOP("Check", "Trust file"),
    "registry": QT_TRANSLATE_NOOP("Check", "Registry file"),
    "form": QT_TRANSLATE_NOOP("Check", "Checklist file"),
    "format": QT_TRANSLATE_NOOP("Check", "Format"),
    "pdf_signature": QT_TRANSLATE_NOOP("Check", "PDF signature"),
    "pdf_seal": QT_TRANSLATE_NOOP("Check", "Seal in the PDF"),
    "pdf_signer": QT_TRANSLATE_NOOP("Check", "PDF signer"),
    "integrity": QT_TRANSLATE_NOOP("Check", "Integrity"),
    "signature": QT_TRANSLATE_NOOP("Check", "Seal signature"),
    "issuer": QT_TRANSLATE_NOOP("Check", "Issuer key"),
    "detail": QT_TRANSLATE_NOOP("Check", "Seal file details"),
    "grade": QT_TRANSLATE_NOOP("Check", "Grade recomputation"),
    "status": QT_TRANSLATE_NOOP("Check", "Registry status"),
    "dates": QT_TRANSLATE_NOOP("Check", "Validity dates"),
}
STATUS_NAMES = {
    "pass": QT_TRANSLATE_NOOP("Check", "Passed"),
    "fail": QT_TRANSLATE_NOOP("Check", "Failed"),
    "skipped": QT_TRANSLATE_NOOP("Check", "Skipped"),
}
VERDICT_NAMES = {
    "VALID": QT_TRANSLATE_NOOP("Verdict", "VALID"),
    "TAMPERED": QT_TRANSLATE_NOOP("Verdict", "TAMPERED"),
    "UNKNOWN ISSUER": QT_TRANSLATE_NOOP("Verdict", "UNKNOWN ISSUER"),
    "NOT YET VALID": QT_TRANSLATE_NOOP("Verdict", "NOT YET VALID"),
    "EXPIRED": QT_TRANSLATE_NOOP("Verdict", "EXPIRED"),
    "SUSPENDED": QT_TRANSLATE_NOOP("Verdict", "SUSPENDED"),
    "REVOKED": QT_TRANSLATE_NOOP("Verdict", "REVOKED"),
    "MALFORMED": QT_TRANSLATE_NOOP("Verdict", "MALFORMED"),
}
_GREEN, _AMBER, _RED, _GREY = "#1b7f3b", "#b26a00", "#c62828", "#616161"
VERDICT_COLOURS = {"VALID": _GREEN, "NOT YET VALID": _AMBER, "EXPIRED": _AMBER,
                   "SUSPENDED": _AMBER}
STATUS_COLOURS = {"pass": _GREEN, "fail": _RED, "skipped": _GREY}


def _check_name(check: Check) -> str:
    name = CHECK_NAMES.get(check.name)
    return QCoreApplication.translate("Check", name) if name else check.name


def _status_name(check: Check) -> str:
    return QCoreApplication.translate("Check", STATUS_NAMES[check.status.value])


CHECK_COLUMNS: tuple[Column[Check], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Check"), _check_name),
    Column(QT_TRANSLATE_NOOP("Column", "Result"), _status_name,
           foreground=lambda c: QColor(STATUS_COLOURS[c.status.value])),
    Column(QT_TRANSLATE_NOOP("Column", "Detail"), lambda c: c.reason, tooltip=lambda c: c.reason),
)


def summary_without_checks(report: VerificationReport, lang: str) -> str:
    """The core's plain-language summary without its title line and its list of checks.

    The window shows the verdict in large type and the checks in a table.
    """
    from certbench.certify.verify import TEXTS

    lines = report.summary(lang).splitlines()[1:]
    header = TEXTS.get(lang, TEXTS["en"])["checks"]
    if header not in lines:
        return "\n".join(lines)
    start = lines.index(header)
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return "\n".join(lines[:start] + lines[end + 1:]).strip()


def summary_language() -> str:
    """``zh`` when the UI speaks Chinese, else ``en`` (the languages the core summarises in)."""
    return "zh" if QLocale().language() == QLocale.Language.Chinese else "en"


class VerifyWindow(QWidget):
    """Drop, open or paste a certificate; see whether it can be trusted and why."""

    def __init__(self, settings: Settings, tasks: TaskManager | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.tasks = tasks or current()
        self.ui = Ui_VerifyWindow()
        self.ui.setupUi(self)
        self.checks_model = RowsTableModel(CHECK_COLUMNS, parent=self)
        self.report: VerificationReport | None = None
        self._set_up()
        self._connect()

    def _set_up(self) -> None:
        ui = self.ui
        ui.checks_table.setModel(self.checks_model)
        header = ui.checks_table.horizontalHeader()
        configure_view(ui.checks_table, CHECK_COLUMNS)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        font = QFont(ui.verdict_label.font())
        font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setBold(True)
        ui.verdict_label.setFont(font)
        stored = self.settings.string_list("verify/trust")
        from certbench.certify.trust import default_trust_path

        default = default_trust_path()
        if stored:
            ui.trust_edit.setText(stored[0])
        elif default.exists():
            ui.trust_edit.setText(str(default))
        ui.registry_edit.setText(next(iter(self.settings.string_list("verify/registry")), ""))

    def _connect(self) -> None:
        ui = self.ui
        ui.open_button.clicked.connect(self._on_open_clicked)
        ui.verify_text_button.clicked.connect(self._on_verify_text_clicked)
        ui.trust_browse_button.clicked.connect(
            lambda: self._browse(ui.trust_edit, self.tr("Trust files (*.json);;All files (*)")))
        ui.registry_browse_button.clicked.connect(
            lambda: self._browse(ui.registry_edit, self.tr("Registries (*.json);;All files (*)")))
        ui.form_browse_button.clicked.connect(
            lambda: self._browse(ui.form_edit, self.tr("Checklists (*.toml);;All files (*)")))

    def offer_sources(self, trust: str, registry: str) -> None:
        """Fill in the trust file and registry when the user has not chosen any."""
        for edit, value in ((self.ui.trust_edit, trust), (self.ui.registry_edit, registry)):
            if value and not edit.text().strip():
                edit.setText(value)

    # -- inputs ------------------------------------------------------------
    def _browse(self, edit: QLineEdit, filters: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"),
                                              edit.text() or self.settings.last_directory("verify"),
                                              filters)
        if path:
            edit.setText(path)

    def _on_open_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a certificate"), self.settings.last_directory("verify"),
            self.tr("Certificates and seals (*.pdf *.cbseal);;All files (*)"))
        if path:
            self.verify_file(path)

    def _on_verify_text_clicked(self) -> None:
        text = self.ui.jws_edit.toPlainText().strip()
        if text:
            self.verify_text(text)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        """Accept local files and plain text."""
        mime = event.mimeData()
        if any(u.isLocalFile() for u in mime.urls()) or mime.hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        """Verify the first dropped file, or dropped text as a compact JWS."""
        mime = event.mimeData()
        files = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if files:
            self.verify_file(files[0])
        elif mime.hasText():
            self.ui.jws_edit.setPlainText(mime.text())
            self.verify_text(mime.text())
        event.acceptProposedAction()

    def verify_file(self, path: str) -> None:
        """Verify the PDF or seal file at ``path``."""
        self.settings.set_last_directory("verify", str(Path(path).parent))
        trust, registry, form = self._side_inputs()
        self._start(VerifyRequest(path, trust=trust, registry=registry, form=form),
                    self.tr("File: %1").replace("%1", path))

    def verify_text(self, text: str) -> None:
        """Verify a compact JWS (the text of a certificate's QR code)."""
        trust, registry, form = self._side_inputs()
        self._start(VerifyRequest(text, is_text=True, trust=trust, registry=registry, form=form),
                    self.tr("Pasted seal text (%n character(s))", "", len(text.strip())))

    def _side_inputs(self) -> tuple[str, str, str]:
        """Trust file, registry and checklist as typed; the first two are remembered."""
        ui = self.ui
        trust, registry = ui.trust_edit.text().strip(), ui.registry_edit.text().strip()
        self.settings.set_string_list("verify/trust", [trust] if trust else [])
        self.settings.set_string_list("verify/registry", [registry] if registry else [])
        return trust, registry, ui.form_edit.text().strip()

    # -- running and showing -----------------------------------------------
    def _start(self, request: VerifyRequest, source_text: str) -> None:
        self.ui.source_label.setText(source_text)
        self.ui.verdict_label.setText(self.tr("Checking…"))
        self.ui.verdict_label.setStyleSheet("")
        self.ui.summary_label.clear()
        self.checks_model.set_rows([])
        (Op(self, lambda: run_verification(request), db=False, tasks=self.tasks)
         .success(self.show_report)
         .run())

    def show_report(self, report: VerificationReport) -> None:
        """Show the verdict, the summary and every check of ``report``."""
        self.report = report
        verdict = report.verdict.value
        self.ui.verdict_label.setText(QCoreApplication.translate("Verdict",
                                                                 VERDICT_NAMES[verdict]))
        self.ui.verdict_label.setStyleSheet(f"color: {VERDICT_COLOURS.get(verdict, _RED)};")
        self.ui.summary_label.setText(summary_without_checks(report, summary_language()))
        self.checks_model.set_rows(report.checks)


def looks_like_jws(text: str) -> bool:
    """True for a compact JWS (three base64url segments), as opposed to a file path."""
    parts = text.strip().split(".")
    return len(parts) == 3 and len(text) > 40 and all(
        p.replace("-", "").replace("_", "").isalnum() for p in (parts[0], parts[2]))


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="certbench verify --gui")
    parser.add_argument("input", nargs="?", help="a certificate PDF or .cbseal file to verify")
    parser.add_argument("--trust", default="", help="the issuer's trust file")
    parser.add_argument("--registry", default="", help="the issuer's registry file")
    parser.add_argument("--form", default="", help="the checklist, to recompute the grade")
    return parser.parse_known_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the verifier as its own window, with no database; the process exit code."""
    from certbench.gui.app import create_application
    from certbench.gui.errors import install_excepthook
    from certbench.gui.i18n import install_translators

    args, qt_args = _parse(sys.argv[1:] if argv is None else argv)
    app = create_application([sys.argv[0], *qt_args])
    settings = Settings()
    translators = install_translators(app, settings.language)
    hook = install_excepthook()
    tasks = TaskManager(app)
    window = VerifyWindow(settings, tasks)
    for edit, value in ((window.ui.trust_edit, args.trust),
                        (window.ui.registry_edit, args.registry),
                        (window.ui.form_edit, args.form)):
        if value:
            edit.setText(value)
    settings.restore_geometry(window, "verify_window")
    window.show()
    if args.input and looks_like_jws(args.input):
        window.ui.jws_edit.setPlainText(args.input)
        window.verify_text(args.input)
    elif args.input:
        window.verify_file(args.input)
    try:
        return app.exec()
    finally:
        settings.save_geometry(window, "verify_window")
        tasks.shutdown()
        hook.uninstall()
        del translators


if __name__ == "__main__":
    sys.exit(main())
