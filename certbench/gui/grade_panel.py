"""The live grade: one bar per domain, the overall score and grade, and every limiting reason.

The panel only displays the :class:`~certbench.domain.GradeResult` the core
computed (:func:`certbench.services.audit_grade`); reason codes are translated
here, since the core never returns prose.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from certbench.domain import Form, GradeResult, Reason, ReasonCode
from certbench.gui.i18n import QT_TRANSLATE_NOOP

__all__ = ["REASON_TEXTS", "GradePanel", "reason_text"]

LABEL_WIDTH = 190
"""Pixels of a domain title beside its bar (longer titles are elided, full in the tooltip)."""

REASON_TEXTS: dict[ReasonCode, str] = {
    ReasonCode.UNRATED: QT_TRANSLATE_NOOP("GradePanel", "%c is not rated yet"),
    ReasonCode.UNKNOWN_CRITERION: QT_TRANSLATE_NOOP("GradePanel",
                                                    "%c is not a criterion of this form"),
    ReasonCode.UNKNOWN_RATING: QT_TRANSLATE_NOOP("GradePanel",
                                                 "%c has a rating the form does not know (%d)"),
    ReasonCode.NOT_APPLICABLE: QT_TRANSLATE_NOOP("GradePanel",
                                                 "%c is rated but does not apply to the scope"),
    ReasonCode.NA_WITHOUT_JUSTIFICATION: QT_TRANSLATE_NOOP(
        "GradePanel", "%c is rated not applicable without a justification"),
    ReasonCode.CRITICAL_BELOW_FULL: QT_TRANSLATE_NOOP(
        "GradePanel", "critical criterion %c is not fully met: not certifiable"),
    ReasonCode.DOMAIN_BELOW_FLOOR: QT_TRANSLATE_NOOP(
        "GradePanel", "domain %o is below its floor: the grade is capped (%d)"),
    ReasonCode.BELOW_LOWEST_BAND: QT_TRANSLATE_NOOP(
        "GradePanel", "the overall score is below the lowest grade band"),
    ReasonCode.NO_APPLICABLE_CRITERIA: QT_TRANSLATE_NOOP(
        "GradePanel", "no criterion applies to this scope"),
}


def reason_text(reason: Reason) -> str:
    """One reason in words, in the UI language."""
    template = REASON_TEXTS.get(reason.code)
    if template is None:
        return reason.code.value
    text = QCoreApplication.translate("GradePanel", template)
    return (text.replace("%c", reason.criterion_id or "")
            .replace("%o", reason.domain_id or "").replace("%d", reason.detail))


class GradePanel(QWidget):
    """Domain bars, overall score, grade and reasons of the current ratings."""

    reason_activated = Signal(str)
    """A reason naming a criterion was double-clicked (the criterion id)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = "en"
        self.grade_label = QLabel(self)
        self.grade_label.setObjectName("grade_label")
        self.grade_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.score_label = QLabel(self)
        self.score_label.setObjectName("score_label")
        self.score_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bars_layout = QFormLayout()
        self.bars_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.reasons_caption = QLabel(self)
        self.reasons_list = QListWidget(self)
        self.reasons_list.setObjectName("reasons_list")
        self.reasons_list.setWordWrap(True)
        self.reasons_list.itemDoubleClicked.connect(self._on_reason_double_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.grade_label)
        layout.addWidget(self.score_label)
        layout.addLayout(self.bars_layout)
        layout.addWidget(self.reasons_caption)
        layout.addWidget(self.reasons_list, 1)
        self.bars: dict[str, QProgressBar] = {}

    def show_grade(self, form: Form, result: GradeResult, lang: str) -> None:
        """Display ``result`` for ``form`` with domain titles in ``lang``."""
        if set(self.bars) != {d.id for d in form.domains} or lang != self.lang:
            self._build_bars(form, lang)
        self.setUpdatesEnabled(False)  # QProgressBar.setValue repaints at once otherwise
        for score in result.domains:
            bar = self.bars[score.domain_id]
            value = 0 if score.score is None else round(float(score.score) * 10)
            text = "—" if score.score is None else f"{score.score} %"
            if bar.value() != value or bar.format() != text:
                bar.setValue(value)
                bar.setFormat(text)
        self.setUpdatesEnabled(True)
        grade = result.grade or self.tr("not certifiable")
        state = "" if result.complete else self.tr("(so far: incomplete)")
        self.grade_label.setText(f"<span style='font-size:20pt;font-weight:bold'>{grade}</span>"
                                 f"<br>{state}")
        overall = "—" if result.score is None else f"{result.score} %"
        self.score_label.setText(self.tr("Overall score: %1").replace("%1", overall))
        self.reasons_caption.setText(self.tr("What limits the grade (%1):").replace(
            "%1", str(len(result.reasons))))
        self.reasons_list.clear()
        for reason in result.reasons:
            item = QListWidgetItem(reason_text(reason), self.reasons_list)
            item.setData(Qt.ItemDataRole.UserRole, reason.criterion_id or "")

    def _build_bars(self, form: Form, lang: str) -> None:
        self.lang = lang
        while self.bars_layout.rowCount():
            self.bars_layout.removeRow(0)
        self.bars = {}
        for domain in form.domains:
            bar = QProgressBar(self)
            bar.setRange(0, 1000)
            bar.setTextVisible(True)
            bar.setToolTip(self.tr("floor %1 %").replace("%1", str(domain.floor)))
            title = domain.title.get(lang)
            label = QLabel(self.fontMetrics().elidedText(
                title, Qt.TextElideMode.ElideRight, LABEL_WIDTH), self)
            label.setToolTip(f"{domain.id}: {title}")
            bar.setMaximumWidth(110)
            self.bars_layout.addRow(label, bar)
            self.bars[domain.id] = bar

    def _on_reason_double_clicked(self, item: QListWidgetItem) -> None:
        criterion = item.data(Qt.ItemDataRole.UserRole)
        if criterion:
            self.reason_activated.emit(str(criterion))
