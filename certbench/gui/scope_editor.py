"""The audit's scope: business models, markets, languages, currencies, product categories.

Applying it emits :attr:`ScopeEditor.scope_applied` with a new
:class:`~certbench.domain.Scope`; the editor turns that into a ``SetScope``
edit. Which criteria apply is the form's answer (``Criterion.applies``), shown
as a count and in the criteria tree.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from certbench.domain import BusinessModel, Form, Scope

__all__ = ["ScopeEditor", "split_codes"]


def split_codes(text: str, *, upper: bool = True) -> frozenset[str]:
    """Codes typed as ``CN, DE HK`` -> ``{"CN", "DE", "HK"}``."""
    parts = text.replace(",", " ").replace(";", " ").split()
    return frozenset(p.upper() if upper else p for p in parts)


class ScopeEditor(QWidget):
    """Edits a scope; the applying criteria are counted live from the form."""

    scope_applied = Signal(object)
    """A new :class:`~certbench.domain.Scope` to apply."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form: Form | None = None
        self.models = {m: QCheckBox(m.value, self) for m in BusinessModel}
        self.home_edit = QLineEdit(self)
        self.home_edit.setObjectName("home_edit")
        self.markets_edit = QLineEdit(self)
        self.markets_edit.setObjectName("markets_edit")
        self.languages_edit = QLineEdit(self)
        self.currencies_edit = QLineEdit(self)
        for edit, hint in ((self.home_edit, "CN"), (self.markets_edit, "CN, HK, DE"),
                           (self.languages_edit, "zh, en"), (self.currencies_edit, "CNY, EUR")):
            edit.setPlaceholderText(hint)
        self.category_boxes: dict[str, QCheckBox] = {}
        self.categories_grid = QGridLayout()
        self.count_label = QLabel(self)
        self.count_label.setWordWrap(True)
        self.apply_button = QPushButton(self.tr("Apply scope"), self)
        self.apply_button.setObjectName("apply_button")
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self._lay_out()
        for box in self.models.values():
            box.toggled.connect(self._update_count)
        self.markets_edit.textChanged.connect(self._update_count)
        self.home_edit.textChanged.connect(self._update_count)

    def _lay_out(self) -> None:
        models = QHBoxLayout()
        for box in self.models.values():
            models.addWidget(box)
        models.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Business models:"), models)
        form.addRow(self.tr("Home market:"), self.home_edit)
        form.addRow(self.tr("Target markets:"), self.markets_edit)
        form.addRow(self.tr("Languages:"), self.languages_edit)
        form.addRow(self.tr("Currencies:"), self.currencies_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Product categories:"), self))
        layout.addLayout(self.categories_grid)
        layout.addWidget(self.count_label)
        layout.addWidget(self.apply_button)
        layout.addStretch(1)

    def set_scope(self, form: Form, scope: Scope) -> None:
        """Show ``scope`` with the categories of ``form``."""
        if self.form is None or self.form.hash != form.hash:
            self.form = form
            self._build_categories(form)
        for model, box in self.models.items():
            box.setChecked(model in scope.business_models)
        self.home_edit.setText(scope.home_market)
        self.markets_edit.setText(", ".join(sorted(scope.target_markets)))
        self.languages_edit.setText(", ".join(sorted(scope.languages)))
        self.currencies_edit.setText(", ".join(sorted(scope.currencies)))
        for name, box in self.category_boxes.items():
            box.setChecked(name in scope.categories)
        self._update_count()

    def _build_categories(self, form: Form) -> None:
        for box in self.category_boxes.values():
            box.deleteLater()
        self.category_boxes = {}
        for n, name in enumerate(sorted(form.categories)):
            box = QCheckBox(name.replace("_", " "), self)
            box.toggled.connect(self._update_count)
            self.categories_grid.addWidget(box, n // 3, n % 3)
            self.category_boxes[name] = box

    def scope(self) -> Scope:
        """The scope as now entered."""
        return Scope(
            business_models=frozenset(m for m, box in self.models.items() if box.isChecked()),
            home_market=self.home_edit.text().strip().upper(),
            target_markets=split_codes(self.markets_edit.text()),
            languages=split_codes(self.languages_edit.text(), upper=False),
            currencies=split_codes(self.currencies_edit.text()),
            categories=frozenset(n for n, box in self.category_boxes.items() if box.isChecked()))

    def _update_count(self) -> None:
        if self.form is None:
            return
        scope = self.scope()
        applying = sum(1 for c in self.form.criteria if c.applies(scope))
        text = self.tr("%1 of %2 criteria apply to this scope.")
        self.count_label.setText(text.replace("%1", str(applying)).replace(
            "%2", str(len(self.form.criteria))))

    def _on_apply_clicked(self) -> None:
        self.scope_applied.emit(self.scope())
