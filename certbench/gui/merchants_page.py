"""The Merchants section: a searchable, sortable list of any length and the chosen merchant.

The list is a :class:`~certbench.gui.models.KeysetTableModel` over
:func:`certbench.storage.queries.merchant_page`: 200 rows a page, loaded as the
view scrolls; typing in the search box re-queries after a short pause, and
clicking a sortable header re-queries in that order.

Selecting a merchant loads its :class:`MerchantView` (details, audits,
certificates with their sealed figures, complaints, grade history) in one task
on the database thread; the tabs fill when it arrives, unless the selection
moved on meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, QItemSelection, QLocale, Qt, QTimer
from PySide6.QtWidgets import QLabel, QTableView, QWidget

from certbench.gui.context import AppContext
from certbench.gui.forms.ui_merchants_page import Ui_MerchantsPage
from certbench.gui.i18n import QT_TRANSLATE_NOOP
from certbench.gui.models import (
    Column,
    KeysetTableModel,
    Page,
    PageQuery,
    RowRole,
    RowsTableModel,
    configure_view,
)
from certbench.gui.tasks import Op

if TYPE_CHECKING:
    from certbench.storage import Database
    from certbench.storage.queries import (
        AuditRow,
        CertificateRow,
        ComplaintRow,
        GradePoint,
        MerchantDetail,
        MerchantRow,
    )

__all__ = ["AUDIT_COLUMNS", "CERTIFICATE_COLUMNS", "COMPLAINT_COLUMNS", "HISTORY_COLUMNS",
           "MERCHANT_COLUMNS", "SEARCH_DELAY_MS", "MerchantView", "MerchantsPage",
           "fetch_merchant_view", "fetch_merchants"]

SEARCH_DELAY_MS = 300
"""Pause after the last keystroke before the search runs."""


def _date(moment: object) -> str:
    return moment.date().isoformat() if hasattr(moment, "date") else ""


AUDIT_WORDS = {
    "draft": QT_TRANSLATE_NOOP("Audit", "draft"),
    "in_progress": QT_TRANSLATE_NOOP("Audit", "in progress"),
    "submitted": QT_TRANSLATE_NOOP("Audit", "submitted"),
    "returned": QT_TRANSLATE_NOOP("Audit", "returned"),
    "approved": QT_TRANSLATE_NOOP("Audit", "approved"),
    "certified": QT_TRANSLATE_NOOP("Audit", "certified"),
    "initial": QT_TRANSLATE_NOOP("Audit", "initial"),
    "surveillance": QT_TRANSLATE_NOOP("Audit", "surveillance"),
    "reassessment": QT_TRANSLATE_NOOP("Audit", "reassessment"),
}
"""Audit states and kinds (core enum values) as the UI names them."""


def audit_word(value: object) -> str:
    """The translated name of an audit state or kind (the raw value when unknown)."""
    text = str(value)
    known = AUDIT_WORDS.get(text)
    return QCoreApplication.translate("Audit", known) if known else text


MERCHANT_COLUMNS: tuple[Column[MerchantRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Legal name"), lambda r: r.legal_name, sort_key="name",
           width=34),
    Column(QT_TRANSLATE_NOOP("Column", "Trading names"), lambda r: r.trading_names, width=16),
    Column(QT_TRANSLATE_NOOP("Column", "Registration no."), lambda r: r.registration_number,
           width=20),
    Column(QT_TRANSLATE_NOOP("Column", "Country"), lambda r: r.country, width=9),
    Column(QT_TRANSLATE_NOOP("Column", "Added"), lambda r: _date(r.created_at),
           sort_key="created", width=11),
)

AUDIT_COLUMNS: tuple[Column[AuditRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Kind"), lambda r: audit_word(r.kind), width=10),
    Column(QT_TRANSLATE_NOOP("Column", "State"), lambda r: audit_word(r.state), width=10),
    Column(QT_TRANSLATE_NOOP("Column", "Checklist"), lambda r: f"{r.form_id} {r.form_version}",
           width=20),
    Column(QT_TRANSLATE_NOOP("Column", "Assessors"), lambda r: r.assessors, width=14),
    Column(QT_TRANSLATE_NOOP("Column", "Reviewer"), lambda r: r.reviewer or "", width=12),
    Column(QT_TRANSLATE_NOOP("Column", "Opened"), lambda r: _date(r.opened_at), width=11),
    Column(QT_TRANSLATE_NOOP("Column", "Completed"), lambda r: _date(r.completed_at), width=11),
)


COMPLAINT_WORDS = {
    "received": QT_TRANSLATE_NOOP("Complaint", "received"),
    "investigating": QT_TRANSLATE_NOOP("Complaint", "investigating"),
    "resolved": QT_TRANSLATE_NOOP("Complaint", "resolved"),
    "dismissed": QT_TRANSLATE_NOOP("Complaint", "dismissed"),
}
CERTIFIABLE_WORDS = {
    True: QT_TRANSLATE_NOOP("MerchantsPage", "yes"),
    False: QT_TRANSLATE_NOOP("MerchantsPage", "no"),
}


def _word(context: str, table: dict[str, str], value: object) -> str:
    text = str(value)
    known = table.get(text)
    return QCoreApplication.translate(context, known) if known else text


def certificate_word(value: object) -> str:
    """A certificate status as the certificates page names it (same translations)."""
    return QCoreApplication.translate("Certificate", str(value))


def _certifiable(point: GradePoint) -> str:
    if point.certifiable is None:
        return "—"
    return QCoreApplication.translate("MerchantsPage", CERTIFIABLE_WORDS[point.certifiable])


_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

CERTIFICATE_COLUMNS: tuple[Column[CertificateRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Number"), lambda r: r.number, width=16),
    Column(QT_TRANSLATE_NOOP("Column", "Grade"), lambda r: r.grade, width=5),
    Column(QT_TRANSLATE_NOOP("Column", "Score"), lambda r: f"{r.score:.2f}", alignment=_RIGHT,
           width=6),
    Column(QT_TRANSLATE_NOOP("Column", "Issued"), lambda r: _date(r.issued_at), width=11),
    Column(QT_TRANSLATE_NOOP("Column", "Valid until"), lambda r: r.valid_until.isoformat(),
           width=11),
    Column(QT_TRANSLATE_NOOP("Column", "Status"), lambda r: certificate_word(r.status), width=7),
    Column(QT_TRANSLATE_NOOP("Column", "Seal hash"), lambda r: r.seal_hash[:12] + "…",
           tooltip=lambda r: r.seal_hash, width=13),
)

COMPLAINT_COLUMNS: tuple[Column[ComplaintRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Received"), lambda r: _date(r.received_at), width=11),
    Column(QT_TRANSLATE_NOOP("Column", "Channel"), lambda r: r.channel, width=9),
    Column(QT_TRANSLATE_NOOP("Column", "Status"),
           lambda r: _word("Complaint", COMPLAINT_WORDS, r.status), width=10),
    Column(QT_TRANSLATE_NOOP("Column", "Certificate"), lambda r: r.certificate_number or "—",
           width=16),
    Column(QT_TRANSLATE_NOOP("Column", "Summary"), lambda r: r.summary,
           tooltip=lambda r: r.summary, width=30),
)

HISTORY_COLUMNS: tuple[Column[GradePoint], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "Completed"),
           lambda r: r.completed_on.isoformat() if r.completed_on else "—", width=11),
    Column(QT_TRANSLATE_NOOP("Column", "Kind"), lambda r: audit_word(r.kind), width=10),
    Column(QT_TRANSLATE_NOOP("Column", "State"), lambda r: audit_word(r.state), width=10),
    Column(QT_TRANSLATE_NOOP("Column", "Score"),
           lambda r: f"{r.score:.2f}" if r.score is not None else "—", alignment=_RIGHT,
           width=6),
    Column(QT_TRANSLATE_NOOP("Column", "Grade"), lambda r: r.grade or "—", width=5),
    Column(QT_TRANSLATE_NOOP("Column", "Certifiable"), _certifiable, width=7),
    Column(QT_TRANSLATE_NOOP("Column", "Certificate"), lambda r: r.certificate_number or "—",
           width=16),
)


@dataclass(frozen=True)
class MerchantView:
    """Everything the detail tabs show for one merchant, loaded in one task."""

    detail: MerchantDetail
    audits: list[AuditRow]
    certificates: list[CertificateRow]
    complaints: list[ComplaintRow]
    history: list[GradePoint]


def fetch_merchant_view(db: Database, merchant_id: str) -> MerchantView:
    """Load one merchant's tabs (runs on the database thread).

    :raises NotFoundError: the merchant was deleted meanwhile.
    :raises ExportError: one of its stored seals cannot be read.
    """
    from certbench.storage import queries

    with db.session() as session:
        return MerchantView(queries.merchant_detail(session, merchant_id),
                            queries.audit_rows_for_merchant(session, merchant_id),
                            queries.certificates_for_merchant(session, merchant_id),
                            queries.complaints_for_merchant(session, merchant_id),
                            queries.grade_history(session, merchant_id))


def fetch_merchants(db: Database, query: PageQuery) -> Page[MerchantRow]:
    """One page of the merchant list (runs on the database thread).

    The first page also carries the number of matching merchants.
    """
    from certbench.storage import queries

    sort = queries.MerchantSort(("-" if query.descending else "") + (query.sort or "name"))
    after = query.after if isinstance(query.after, queries.PageKey) else None
    with db.session() as session:
        page = queries.merchant_page(session, search=query.search, after_key=after,
                                     limit=query.limit, sort=sort)
        total = queries.merchant_count(session, query.search) if after is None else None
    return Page(page.rows, page.next_key, total)


class MerchantsPage(QWidget):
    """Merchant list on the left, the selected merchant on the right."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.ui = Ui_MerchantsPage()
        self.ui.setupUi(self)
        db = context.db
        assert db is not None, "the merchants page needs an open database"
        self.model = KeysetTableModel(MERCHANT_COLUMNS, lambda q: fetch_merchants(db, q),
                                      context.tasks, parent=self)
        self.audits_model = RowsTableModel(AUDIT_COLUMNS, parent=self)
        self.certificates_model = RowsTableModel(CERTIFICATE_COLUMNS, parent=self)
        self.complaints_model = RowsTableModel(COMPLAINT_COLUMNS, parent=self)
        self.history_model = RowsTableModel(HISTORY_COLUMNS, parent=self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._set_up_views()
        self._connect()
        self._show_merchant(None)
        self.model.reload()

    def _set_up_views(self) -> None:
        ui = self.ui
        ui.merchant_table.setModel(self.model)
        configure_view(ui.merchant_table, MERCHANT_COLUMNS)
        for view, model, columns in self._tab_tables():
            view.setModel(model)
            configure_view(view, columns)
        ui.merchant_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        ui.splitter.setStretchFactor(0, 3)
        ui.splitter.setStretchFactor(1, 2)

    def _tab_tables(self) -> list[tuple[QTableView, RowsTableModel[Any], tuple[Column[Any], ...]]]:
        ui = self.ui
        return [(ui.audits_table, self.audits_model, AUDIT_COLUMNS),
                (ui.certificates_table, self.certificates_model, CERTIFICATE_COLUMNS),
                (ui.complaints_table, self.complaints_model, COMPLAINT_COLUMNS),
                (ui.history_table, self.history_model, HISTORY_COLUMNS)]

    def _connect(self) -> None:
        ui = self.ui
        ui.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        ui.search_edit.returnPressed.connect(self.run_search)
        self._search_timer.timeout.connect(self.run_search)
        ui.merchant_table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.total_changed.connect(self._on_total_changed)
        self.model.load_failed.connect(self._on_load_failed)
        self.model.modelReset.connect(self._on_model_reset)

    def run_search(self) -> None:
        """Re-query with the text now in the search box."""
        self._search_timer.stop()
        text = self.ui.search_edit.text().strip()
        if text != self.model.query.search:
            self.model.reload(search=text)

    def _on_model_reset(self) -> None:
        self.ui.error_label.setVisible(False)
        self._show_merchant(None)

    def _on_total_changed(self, total: int) -> None:
        text = self.tr("%1 merchant(s)", "", total)
        self.ui.count_label.setText(text.replace("%1", QLocale().toString(total)))

    def _on_load_failed(self, message: str) -> None:
        self.ui.error_label.setText(self.tr("The list could not be loaded: %1").replace(
            "%1", message))
        self.ui.error_label.setVisible(True)

    def _on_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        row = indexes[0].data(RowRole) if indexes else None
        self._show_merchant(row)

    def _show_merchant(self, row: MerchantRow | None) -> None:
        ui = self.ui
        for _view, model, _columns in self._tab_tables():
            model.set_rows([])
        ui.view_error_label.setVisible(False)
        ui.detail_tabs.setEnabled(row is not None)
        if row is None:
            ui.name_label.setText(self.tr("Select a merchant to see its details."))
            for label in self._fact_labels():
                label.clear()
            return
        ui.name_label.setText(f"<b>{_escape(row.legal_name)}</b>")
        ui.trading_names_label.setText(", ".join(row.trading_names) or "—")
        ui.registration_label.setText(row.registration_number or "—")
        ui.country_label.setText(row.country or "—")
        added = row.created_at.date()
        ui.added_label.setText(QLocale().toString(QDate(added.year, added.month, added.day),
                                                  QLocale.FormatType.LongFormat))
        for label in (ui.address_label, ui.sites_label, ui.contacts_label):
            label.setText(self.tr("Loading…"))
        db, merchant_id = self.context.db, row.id
        assert db is not None
        (Op(self, lambda: fetch_merchant_view(db, merchant_id), tasks=self.context.tasks)
         .success(lambda view: self._on_view_loaded(merchant_id, view))
         .failure(lambda exc: self._on_view_failed(merchant_id, exc))
         .run())

    def _fact_labels(self) -> tuple[QLabel, ...]:
        ui = self.ui
        return (ui.trading_names_label, ui.registration_label, ui.country_label, ui.added_label,
                ui.address_label, ui.sites_label, ui.contacts_label)

    def _is_current(self, merchant_id: str) -> bool:
        current = self.selected_merchant()
        return current is not None and current.id == merchant_id

    def _on_view_loaded(self, merchant_id: str, view: MerchantView) -> None:
        if not self._is_current(merchant_id):
            return
        ui, detail = self.ui, view.detail
        ui.address_label.setText(detail.address or "—")
        ui.sites_label.setText("\n".join(site.url for site in detail.sites) or "—")
        ui.contacts_label.setText("\n".join(f"{key}: {value}" for key, value in detail.contacts)
                                  or "—")
        self.audits_model.set_rows(view.audits)
        self.certificates_model.set_rows(view.certificates)
        self.complaints_model.set_rows(view.complaints)
        self.history_model.set_rows(view.history)
        for name, model in (("certificates", self.certificates_model),
                            ("complaints", self.complaints_model),
                            ("audits", self.audits_model), ("history", self.history_model)):
            tab = getattr(ui, f"{name}_tab")
            ui.detail_tabs.setTabText(ui.detail_tabs.indexOf(tab),
                                      f"{self._tab_title(name)} ({model.rowCount()})")

    def _tab_title(self, name: str) -> str:
        titles = {"audits": self.tr("Audits"), "certificates": self.tr("Certificates"),
                  "complaints": self.tr("Complaints"), "history": self.tr("Grade history")}
        return titles[name]

    def _on_view_failed(self, merchant_id: str, exception: BaseException) -> None:
        if not self._is_current(merchant_id):
            return
        message = getattr(exception, "message", None) or str(exception)
        self.ui.view_error_label.setText(
            self.tr("This merchant's details could not be loaded: %1").replace("%1", message))
        self.ui.view_error_label.setVisible(True)
        for label in (self.ui.address_label, self.ui.sites_label, self.ui.contacts_label):
            label.setText("—")

    def selected_merchant(self) -> MerchantRow | None:
        """The merchant selected in the list, if any."""
        indexes = self.ui.merchant_table.selectionModel().selectedRows()
        return indexes[0].data(RowRole) if indexes else None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
