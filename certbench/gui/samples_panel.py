"""A criterion's measured samples (test purchase, test return, contact) and their checks.

Durations and verdicts come from :mod:`certbench.samples` (computed when the
snapshot loads, against the form's parameters); this panel lists them and
collects a new sample as typed instants (``name = ISO 8601 with zone``) and
amounts, which the editor records through the core.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from certbench.gui.audit_models import SampleItem
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import Column, RowsTableModel, configure_view

__all__ = ["SAMPLE_COLUMNS", "SampleRequest", "SamplesPanel", "parse_pairs"]

KINDS = {
    "test_purchase": QT_TRANSLATE_NOOP("SamplesPanel", "test purchase"),
    "test_return": QT_TRANSLATE_NOOP("SamplesPanel", "test return"),
    "contact": QT_TRANSLATE_NOOP("SamplesPanel", "contact"),
}


def _kind(value: str) -> str:
    return QCoreApplication.translate("SamplesPanel", KINDS.get(value, value))


def _durations(sample: SampleItem) -> str:
    return ", ".join(f"{name} {hours} h" for name, hours in sorted(sample.durations.items()))


def _checks(sample: SampleItem) -> str:
    if sample.problem:
        return sample.problem
    marks = {True: "✓", False: "✗", None: "?"}
    lang = "zh" if QLocale().name().startswith("zh") else "en"

    def name(check_name: str) -> str:
        label = sample.labels.get(check_name)
        return label.get(lang) if label is not None else check_name

    return "; ".join(f"{marks[c.passed]} {name(c.name)}: "
                     f"{c.measured if c.measured is not None else '—'} / {c.limit} {c.unit}"
                     for c in sample.checks)


def _verdict_color(sample: SampleItem) -> QColor | None:
    if sample.problem or any(c.passed is False for c in sample.checks):
        return QColor("#b00020")
    return None


SAMPLE_COLUMNS: tuple[Column[SampleItem], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Kind"), lambda s: _kind(s.kind), width=12),
    Column(QT_TRANSLATE_NOOP("Column", "Channel"), lambda s: s.channel, width=8),
    Column(QT_TRANSLATE_NOOP("Column", "Durations"), _durations, width=24),
    Column(QT_TRANSLATE_NOOP("Column", "Checks against the form"), _checks, width=40,
           foreground=_verdict_color, tooltip=_checks),
)


def parse_pairs(text: str) -> dict[str, str]:
    """``name = value`` lines -> a mapping (blank lines skipped).

    :raises ValueError: a line without ``=``.
    """
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"line {number}: expected name = value")
        pairs[name.strip()] = value.strip()
    return pairs


class SampleRequest:
    """A sample the user asked to record (plain values for the worker)."""

    def __init__(self, kind: str, channel: str, timestamps: dict[str, str],
                 amounts: dict[str, str], note: str) -> None:
        self.kind, self.channel, self.note = kind, channel, note
        self.timestamps, self.amounts = timestamps, amounts


class SamplesPanel(QWidget):
    """The samples of one criterion and a form to record another."""

    record_requested = Signal(object)
    """A :class:`SampleRequest` to record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RowsTableModel(SAMPLE_COLUMNS, parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        configure_view(self.table, SAMPLE_COLUMNS)
        self.kind_combo = QComboBox(self)
        for value in KINDS:
            self.kind_combo.addItem(_kind(value), value)
        self.channel_edit = QLineEdit(self)
        self.channel_edit.setPlaceholderText("email, chat, phone…")
        self.times_edit = QPlainTextEdit(self)
        self.times_edit.setPlaceholderText("ordered = 2026-03-01T10:00+08:00\n"
                                           "delivered = 2026-03-03T15:30+08:00")
        self.times_edit.setMaximumHeight(70)
        self.amounts_edit = QLineEdit(self)
        self.amounts_edit.setPlaceholderText("paid = 199.00, refunded = 199.00")
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")
        self.record_button = QPushButton(self.tr("Record sample"), self)
        self.record_button.clicked.connect(self._on_record_clicked)
        self._lay_out()

    def _lay_out(self) -> None:
        box = QGroupBox(self.tr("New sample"), self)
        form = QFormLayout(box)
        form.addRow(self.tr("Kind:"), self.kind_combo)
        form.addRow(self.tr("Channel:"), self.channel_edit)
        form.addRow(self.tr("Instants:"), self.times_edit)
        form.addRow(self.tr("Amounts:"), self.amounts_edit)
        form.addRow(self.error_label)
        form.addRow(self.record_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(box)

    def set_items(self, items: tuple[SampleItem, ...]) -> None:
        """Show the samples of the selected criterion."""
        self.model.set_rows(items)

    def show_error(self, message: str) -> None:
        """Show why the last sample was refused (empty clears it)."""
        self.error_label.setText(message)

    def _on_record_clicked(self) -> None:
        try:
            times = parse_pairs(self.times_edit.toPlainText())
            amounts = parse_pairs(self.amounts_edit.text().replace(",", "\n"))
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        self.record_requested.emit(SampleRequest(
            str(self.kind_combo.currentData()), self.channel_edit.text().strip(), times,
            amounts, ""))
