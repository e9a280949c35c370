"""Read-side queries returning immutable rows, fast at 100,000 merchants.

Lists page by *keyset* (``WHERE (sort_value, id) > (last_value, last_id)``), never
by ``OFFSET``, so page 500 costs what page 1 costs. A page's ``next_key`` is
passed back as ``after_key`` for the next page::

    page = merchant_page(s, search="acme", limit=200)
    while page.next_key:
        page = merchant_page(s, search="acme", after_key=page.next_key)

Search folds case and width (:func:`certbench.storage.types.fold`) on both
sides. ``SearchMode.PREFIX`` matches the start of the legal name through an
index range; ``SearchMode.CONTAINS`` matches anywhere in the legal name,
trading names or registration number. A contained term of at least
:data:`TRIGRAM_MIN` characters is looked up in a trigram index (SQLite: the
FTS5 table ``merchants_fts``; PostgreSQL: the ``pg_trgm`` GIN index, which the
planner picks for the same ``LIKE``); shorter terms scan the narrow folded
column. Both plans return exactly the same merchants.

The per-merchant views (:func:`merchant_detail`, :func:`certificates_for_merchant`,
:func:`complaints_for_merchant`, :func:`grade_history`) and the lazy audit and
certificate lists (:func:`audit_page`, :func:`certificate_page`) are here too.
Certificate grades, scores and validity come from the stored seals
(:func:`certbench.reports.loaders.sealed_figures`), never from mutable columns.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from certbench.domain import AuditState, CertificateStatus, Rating
from certbench.errors import NotFoundError
from certbench.storage.models import (
    Audit,
    AuditKind,
    Certificate,
    Complaint,
    ComplaintStatus,
    Finding,
    Merchant,
    MerchantSite,
    NonconformityClass,
    SiteKind,
    User,
    audit_assessors,
)
from certbench.storage.types import fold

__all__ = [
    "FTS_SORT_LIMIT",
    "GRADED_STATES",
    "TRIGRAM_MIN",
    "AuditDetail",
    "AuditPage",
    "AuditRow",
    "CertificatePage",
    "CertificateRow",
    "ComplaintRow",
    "FindingRow",
    "GradePoint",
    "ListKey",
    "MerchantDetail",
    "MerchantPage",
    "MerchantRow",
    "MerchantSort",
    "PageKey",
    "SearchMode",
    "SiteRow",
    "audit_page",
    "audit_rows",
    "audit_rows_for_merchant",
    "audit_with_findings",
    "certificate_page",
    "certificates_for_merchant",
    "complaints_for_merchant",
    "grade_history",
    "merchant_count",
    "merchant_detail",
    "merchant_page",
    "ratings_of",
    "uses_trigram_index",
]

TRIGRAM_MIN = 3
"""Shortest folded search term (in characters) the trigram indexes can answer."""

_TOP = chr(0x10FFFF)  # sorts after every other character, bytewise, on both backends


class MerchantSort(enum.StrEnum):
    """Orders the merchant list supports (each has a matching index)."""

    NAME = "name"
    NAME_DESC = "-name"
    OLDEST = "created"
    NEWEST = "-created"


class SearchMode(enum.StrEnum):
    """How a merchant search term matches."""

    CONTAINS = "contains"
    PREFIX = "prefix"


@dataclass(frozen=True, slots=True)
class PageKey:
    """Where a page ended: the sort value and id of its last row. Opaque to callers."""

    sort: MerchantSort
    value: str | datetime
    id: str


@dataclass(frozen=True, slots=True)
class MerchantRow:
    """One line of the merchant list."""

    id: str
    legal_name: str
    trading_names: tuple[str, ...]
    registration_number: str
    country: str
    created_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class MerchantPage:
    """A page of merchants and the key of the next page (``None`` on the last page)."""

    rows: tuple[MerchantRow, ...]
    next_key: PageKey | None


def uses_trigram_index(search: str, mode: SearchMode = SearchMode.CONTAINS) -> bool:
    """Whether a search for ``search`` goes through the trigram index (when there is one)."""
    return mode is SearchMode.CONTAINS and len(fold(search)) >= TRIGRAM_MIN


def _fts_phrase(term: str) -> str:
    """``term`` as one FTS5 phrase: with trigrams, a phrase matches it as a substring."""
    return '"' + term.replace('"', '""') + '"'


FTS_SORT_LIMIT = 20_000
"""SQLite: up to this many trigram matches, a page fetches them all and sorts them
(about 30 ms for 20,000); a commoner term runs the ``LIKE`` plan instead, which
walks the covering name index in list order and meets a match every few rows."""

_FTS_PROBE = sa.text("SELECT count(*) FROM (SELECT rowid FROM merchants_fts "
                     "WHERE merchants_fts MATCH :fts_phrase LIMIT :cap)")
_FTS_COUNT = sa.text("SELECT count(*) FROM merchants_fts WHERE merchants_fts MATCH :fts_phrase")
_FTS_ROWIDS: sa.Select[Any] = (
    sa.select(sa.literal_column("rowid")).select_from(sa.table("merchants_fts"))
    .where(sa.text("merchants_fts MATCH :fts_phrase")))


def _sqlite_fts(session: Session, search: str, mode: SearchMode) -> str | None:
    """The FTS5 phrase for this search when it runs through ``merchants_fts``, else ``None``."""
    if not uses_trigram_index(search, mode) or session.get_bind().dialect.name != "sqlite":
        return None
    return _fts_phrase(fold(search))


def _search_filter(session: Session, search: str,
                   mode: SearchMode) -> sa.ColumnElement[bool] | None:
    term = fold(search)
    if not term:
        return None
    if mode is SearchMode.PREFIX:
        return sa.and_(Merchant.name_folded >= term, Merchant.name_folded < term + _TOP)
    phrase = _sqlite_fts(session, term, mode)
    if phrase is not None:
        matches = session.execute(_FTS_PROBE, {"fts_phrase": phrase,
                                               "cap": FTS_SORT_LIMIT + 1}).scalar_one()
        if matches <= FTS_SORT_LIMIT:
            return sa.literal_column("merchants.rowid").in_(
                _FTS_ROWIDS.params(fts_phrase=phrase))
        return _like_filter(term)  # common: the next match in list order is never far
    shield = not uses_trigram_index(term) and session.get_bind().dialect.name == "postgresql"
    return _like_filter(term, shield_index=shield)


def _like_filter(term: str, *, shield_index: bool = False) -> sa.ColumnElement[bool]:
    """``search_text LIKE '%term%'``; PostgreSQL answers it from the ``pg_trgm`` GIN index.

    With ``shield_index`` the column is wrapped (``search_text || ''``) so that
    PostgreSQL cannot pick the GIN index for a term too short for trigrams (it
    would read the whole index) and keeps the plan it had before the index.
    """
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    column = Merchant.search_text + "" if shield_index else Merchant.search_text
    return column.like(f"%{escaped}%", escape="\\")


def _sort_columns(sort: MerchantSort) -> tuple[Any, bool]:
    column = Merchant.name_folded if sort in (MerchantSort.NAME, MerchantSort.NAME_DESC) \
        else Merchant.created_at
    return column, sort in (MerchantSort.NAME_DESC, MerchantSort.NEWEST)


def merchant_page(session: Session, *, search: str = "", after_key: PageKey | None = None,
                  limit: int = 200, sort: MerchantSort = MerchantSort.NAME,
                  mode: SearchMode = SearchMode.CONTAINS) -> MerchantPage:
    """One page of merchants matching ``search`` (all when empty), after ``after_key``."""
    column, descending = _sort_columns(sort)
    query = sa.select(Merchant.id, Merchant.legal_name, Merchant.trading_names,
                      Merchant.registration_number, Merchant.country, Merchant.created_at,
                      Merchant.version, column.label("sort_value"))
    condition = _search_filter(session, search, mode)
    if condition is not None:
        query = query.where(condition)
    if after_key is not None:
        if after_key.sort is not sort:
            raise ValueError("after_key belongs to a different sort order")
        key = sa.tuple_(column, Merchant.id)
        bound = sa.tuple_(sa.literal(after_key.value, column.type), sa.literal(after_key.id))
        query = query.where(key < bound if descending else key > bound)
    order = (column.desc(), Merchant.id.desc()) if descending else (column, Merchant.id)
    result = session.execute(query.order_by(*order).limit(limit)).all()
    # positional unpacking: attribute access on Row objects costs more than the query
    rows = tuple(MerchantRow(i, name, tuple(trading or ()), reg, country, created, version)
                 for i, name, trading, reg, country, created, version, _ in result)
    last = result[-1] if len(result) == limit else None
    return MerchantPage(rows, PageKey(sort, last.sort_value, last.id) if last else None)


def merchant_count(session: Session, search: str = "",
                   mode: SearchMode = SearchMode.CONTAINS) -> int:
    """How many merchants match ``search`` (all when empty)."""
    phrase = _sqlite_fts(session, search, mode)
    if phrase is not None:  # one FTS row per merchant: count the index, not the join
        return int(session.execute(_FTS_COUNT, {"fts_phrase": phrase}).scalar_one())
    query = sa.select(sa.func.count()).select_from(Merchant)
    condition = _search_filter(session, search, mode)
    if condition is not None:
        query = query.where(condition)
    return int(session.execute(query).scalar_one())


@dataclass(frozen=True, slots=True)
class AuditRow:
    """An audit's header, as lists and the audit view show it."""

    id: str
    merchant_id: str
    merchant_name: str
    kind: AuditKind
    state: AuditState
    form_id: str
    form_version: str
    form_hash: str
    scope: dict[str, Any]
    assessors: tuple[str, ...]
    """User names of the assessors."""
    reviewer: str | None
    """User name of the reviewer."""
    opened_at: datetime | None
    submitted_at: datetime | None
    approved_at: datetime | None
    completed_at: datetime | None
    version: int


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One criterion's result within an audit."""

    id: str
    criterion_id: str
    rating: str | None
    note: str
    justification: str
    nc_class: NonconformityClass | None
    corrective_action: str
    due_date: date | None
    closed_at: datetime | None
    carried_over: bool
    version: int


@dataclass(frozen=True, slots=True)
class AuditDetail:
    """An audit with all its findings (sorted by criterion id)."""

    audit: AuditRow
    findings: tuple[FindingRow, ...]

    def ratings(self) -> tuple[Rating, ...]:
        """The rated findings as :class:`~certbench.domain.Rating` values for grading."""
        return tuple(Rating(f.criterion_id, f.rating, f.justification)
                     for f in self.findings if f.rating is not None)


# Statements are built once: constructing a select costs more than running it here.
_REVIEWER = aliased(User)
_AUDITS = (sa.select(Audit, Merchant.legal_name, _REVIEWER.name)
           .join(Merchant, Merchant.id == Audit.merchant_id)
           .outerjoin(_REVIEWER, _REVIEWER.id == Audit.reviewer_id)
           .order_by(Audit.created_at, Audit.id))
_AUDIT_BY_ID = _AUDITS.where(Audit.id == sa.bindparam("key"))
_AUDITS_BY_MERCHANT = _AUDITS.where(Audit.merchant_id == sa.bindparam("key"))
_ASSESSORS = (sa.select(audit_assessors.c.audit_id, User.name)
              .join(User, User.id == audit_assessors.c.user_id)
              .where(audit_assessors.c.audit_id.in_(sa.bindparam("ids", expanding=True)))
              .order_by(User.name))
_FINDINGS = (sa.select(Finding.id, Finding.criterion_id, Finding.rating, Finding.note,
                       Finding.justification, Finding.nc_class, Finding.corrective_action,
                       Finding.due_date, Finding.closed_at, Finding.carried_over, Finding.version)
             .where(Finding.audit_id == sa.bindparam("audit_id")).order_by(Finding.criterion_id))
_RATINGS = (sa.select(Finding.criterion_id, Finding.rating, Finding.justification)
            .where(Finding.audit_id == sa.bindparam("audit_id"), Finding.rating.is_not(None))
            .order_by(Finding.criterion_id))


_AUDITS_IN_STATES = _AUDITS.where(Audit.state.in_(sa.bindparam("states", expanding=True)))


def _audit_rows(session: Session, statement: sa.Select[Audit, str, str],
                params: dict[str, object] | None = None) -> list[AuditRow]:
    return _audit_rows_from(session, session.execute(statement, params or {}).all())


def _audit_rows_from(session: Session, result: Sequence[Any]) -> list[AuditRow]:
    ids = [a.id for a, _, _ in result]
    names: dict[str, list[str]] = {i: [] for i in ids}
    if ids:
        for audit_id, user_name in session.execute(_ASSESSORS, {"ids": ids}):
            names[audit_id].append(user_name)
    return [AuditRow(a.id, a.merchant_id, merchant_name, a.kind, a.state, a.form_id,
                     a.form_version, a.form_hash, dict(a.scope), tuple(names[a.id]),
                     reviewer_name, a.opened_at, a.submitted_at, a.approved_at,
                     a.completed_at, a.version)
            for a, merchant_name, reviewer_name in result]


def audit_rows_for_merchant(session: Session, merchant_id: str) -> list[AuditRow]:
    """Every audit of a merchant, oldest first."""
    return _audit_rows(session, _AUDITS_BY_MERCHANT, {"key": merchant_id})


def audit_rows(session: Session, states: Collection[AuditState] = ()) -> list[AuditRow]:
    """Every audit (or those in ``states``), oldest first: the workbench's audit list."""
    if states:
        return _audit_rows(session, _AUDITS_IN_STATES, {"states": [s.value for s in states]})
    return _audit_rows(session, _AUDITS)


def _finding_rows(session: Session, audit_id: str) -> tuple[FindingRow, ...]:
    return tuple(FindingRow(*r) for r in session.execute(_FINDINGS, {"audit_id": audit_id}))


def audit_with_findings(session: Session, audit_id: str) -> AuditDetail:
    """The audit ``audit_id`` with its findings.

    :raises NotFoundError: there is no such audit.
    """
    rows = _audit_rows(session, _AUDIT_BY_ID, {"key": audit_id})
    if not rows:
        raise NotFoundError(f"no audit {audit_id}", audit_id=audit_id)
    return AuditDetail(rows[0], _finding_rows(session, audit_id))


def ratings_of(session: Session, audit_id: str) -> Sequence[Rating]:
    """The rated findings of an audit, ready for :func:`certbench.grading.grade`."""
    result = session.execute(_RATINGS, {"audit_id": audit_id})
    return [Rating(c, str(r), j) for c, r, j in result]


# ---------------------------------------------------------------------------
# One merchant: details, certificates, complaints, grade history


@dataclass(frozen=True, slots=True)
class SiteRow:
    """A website, marketplace shop or app of a merchant."""

    url: str
    kind: SiteKind


@dataclass(frozen=True, slots=True)
class MerchantDetail:
    """Everything the merchant page's details tab shows."""

    id: str
    legal_name: str
    trading_names: tuple[str, ...]
    registration_number: str
    country: str
    address: str
    sites: tuple[SiteRow, ...]
    """Websites and shops, by URL."""
    contacts: tuple[tuple[str, str], ...]
    """Contact fields (``name``, ``email``, ``phone``...) as sorted ``(key, value)`` pairs."""
    created_at: datetime
    version: int


def _contact_pairs(contacts: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(contacts, dict):
        return ()
    return tuple(sorted((str(k), ", ".join(map(str, v)) if isinstance(v, list) else str(v))
                        for k, v in contacts.items() if v not in (None, "", [])))


def merchant_detail(session: Session, merchant_id: str) -> MerchantDetail:
    """The merchant ``merchant_id`` with its sites and contacts.

    :raises NotFoundError: there is no such merchant.
    """
    merchant = session.get(Merchant, merchant_id)
    if merchant is None:
        raise NotFoundError(f"no merchant {merchant_id}", merchant_id=merchant_id)
    sites = session.execute(sa.select(MerchantSite.url, MerchantSite.kind)
                            .where(MerchantSite.merchant_id == merchant_id)
                            .order_by(MerchantSite.url)).all()
    return MerchantDetail(
        merchant.id, merchant.legal_name, tuple(merchant.trading_names or ()),
        merchant.registration_number, merchant.country, merchant.address,
        tuple(SiteRow(url, kind) for url, kind in sites), _contact_pairs(merchant.contacts),
        merchant.created_at, merchant.version)


@dataclass(frozen=True, slots=True)
class ListKey:
    """Where a page of audits or certificates ended. Opaque to callers."""

    value: str | datetime
    id: str


@dataclass(frozen=True, slots=True)
class CertificateRow:
    """A certificate with the figures sealed into it."""

    id: str
    number: str
    merchant_id: str
    merchant_name: str
    audit_id: str
    grade: str
    score: Decimal
    issued_at: datetime
    valid_until: date
    status: CertificateStatus
    """The stored status, except that a valid certificate past ``valid_until`` is expired."""
    seal_hash: str


@dataclass(frozen=True, slots=True)
class CertificatePage:
    """A page of certificates (by number) and the key of the next one (``None``: last)."""

    rows: tuple[CertificateRow, ...]
    next_key: ListKey | None


def _today() -> date:
    return datetime.now(UTC).date()


_CERTIFICATES = (sa.select(Certificate.id, Certificate.number, Certificate.merchant_id,
                           Merchant.legal_name, Certificate.audit_id, Certificate.jws,
                           Certificate.status, Certificate.seal_hash)
                 .join(Merchant, Merchant.id == Certificate.merchant_id))


_CertificateSelect = sa.Select[str, str, str, str, str, str, CertificateStatus, str]


def _certificate_rows(session: Session, statement: _CertificateSelect,
                      as_of: date | None) -> list[CertificateRow]:
    from certbench.reports.loaders import sealed_figures

    day = as_of or _today()
    rows = []
    for cid, number, mid, name, audit_id, jws, stored, seal_hash in session.execute(statement):
        figures = sealed_figures(jws)
        status = CertificateStatus(stored)
        if status is CertificateStatus.VALID and figures.valid_until < day:
            status = CertificateStatus.EXPIRED
        rows.append(CertificateRow(cid, number, mid, name, audit_id, figures.grade,
                                   figures.score, figures.issued_at, figures.valid_until,
                                   status, seal_hash))
    return rows


def certificates_for_merchant(session: Session, merchant_id: str, *,
                              as_of: date | None = None) -> list[CertificateRow]:
    """The merchant's certificates, newest first, with their sealed figures.

    :param as_of: the day statuses are computed for (default: today, UTC).
    :raises ExportError: a stored seal cannot be read.
    """
    statement = (_CERTIFICATES.where(Certificate.merchant_id == merchant_id)
                 .order_by(Certificate.issued_at.desc(), Certificate.id))
    return _certificate_rows(session, statement, as_of)


def certificate_page(session: Session, *, statuses: Collection[CertificateStatus] | None = None,
                     after_key: ListKey | None = None, limit: int = 200,
                     as_of: date | None = None) -> CertificatePage:
    """One page of every certificate by number, optionally only the stored ``statuses``.

    ``statuses`` filters the *stored* status (valid, suspended, revoked); the rows'
    ``status`` additionally shows a lapsed valid certificate as expired.
    """
    statement = _CERTIFICATES
    if statuses:
        statement = statement.where(Certificate.status.in_([s.value for s in statuses]))
    if after_key is not None:
        statement = statement.where(Certificate.number > after_key.value)
    rows = _certificate_rows(session, statement.order_by(Certificate.number).limit(limit), as_of)
    last = rows[-1] if len(rows) == limit else None
    return CertificatePage(tuple(rows), ListKey(last.number, last.id) if last else None)


@dataclass(frozen=True, slots=True)
class AuditPage:
    """A page of audits (oldest first) and the key of the next one (``None``: last)."""

    rows: tuple[AuditRow, ...]
    next_key: ListKey | None


def audit_page(session: Session, *, states: Collection[AuditState] | None = None,
               after_key: ListKey | None = None, limit: int = 200) -> AuditPage:
    """One page of every audit (or those in ``states``), oldest first, for lazy lists."""
    statement = _AUDITS
    if states:
        statement = statement.where(Audit.state.in_([s.value for s in states]))
    if after_key is not None:
        bound = sa.tuple_(sa.literal(after_key.value, Audit.created_at.type),
                          sa.literal(after_key.id))
        statement = statement.where(sa.tuple_(Audit.created_at, Audit.id) > bound)
    result = session.execute(statement.limit(limit)).all()
    rows = tuple(_audit_rows_from(session, result))
    last = result[-1][0] if len(result) == limit else None
    return AuditPage(rows, ListKey(last.created_at, last.id) if last is not None else None)


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    """A complaint about a merchant (without the complainant's contact: personal data)."""

    id: str
    received_at: datetime
    channel: str
    summary: str
    status: ComplaintStatus
    certificate_number: str | None
    """The certificate the complaint concerns, if any."""
    surveillance_audit_id: str | None
    version: int


def complaints_for_merchant(session: Session, merchant_id: str) -> list[ComplaintRow]:
    """The merchant's complaints, newest first."""
    result = session.execute(
        sa.select(Complaint.id, Complaint.received_at, Complaint.channel, Complaint.summary,
                  Complaint.status, Certificate.number, Complaint.surveillance_audit_id,
                  Complaint.version)
        .outerjoin(Certificate, Certificate.id == Complaint.certificate_id)
        .where(Complaint.merchant_id == merchant_id)
        .order_by(Complaint.received_at.desc(), Complaint.id))
    return [ComplaintRow(*row) for row in result]


GRADED_STATES = frozenset({AuditState.SUBMITTED, AuditState.APPROVED, AuditState.CERTIFIED})
"""Audits complete enough to have a grade (the same set as the reports' grade history)."""


@dataclass(frozen=True, slots=True)
class GradePoint:
    """One completed audit of a merchant and its result."""

    audit_id: str
    completed_on: date | None
    """Completion day (else approval, else submission)."""
    kind: AuditKind
    state: AuditState
    score: Decimal | None
    grade: str
    """The band letter; empty when below every band or the form is not installed."""
    certifiable: bool | None
    """``None`` when the audit's pinned form is not installed, so it cannot be re-graded."""
    certificate_number: str | None
    """Set when the figures are the sealed ones of this certificate."""


def _completed_on(audit: Audit) -> date | None:
    moment = audit.completed_at or audit.approved_at or audit.submitted_at
    return moment.date() if moment else None


def _regraded(session: Session, audit: Audit) -> GradePoint:
    from certbench.domain import Scope
    from certbench.grading import grade
    from certbench.reports.loaders import form_for

    form = form_for(audit)
    if form is None:
        return GradePoint(audit.id, _completed_on(audit), audit.kind, audit.state, None, "",
                          None, None)
    result = grade(form, ratings_of(session, audit.id), Scope.from_json(audit.scope))
    return GradePoint(audit.id, _completed_on(audit), audit.kind, audit.state, result.score,
                      result.grade or "", result.certifiable, None)


def grade_history(session: Session, merchant_id: str) -> list[GradePoint]:
    """Each submitted, approved or certified audit of the merchant, oldest first.

    A certified audit shows the figures sealed into its certificate; the others
    are re-graded from their ratings with the form they pinned.
    """
    from certbench.reports.loaders import sealed_figures

    certificates = {audit_id: (number, jws) for audit_id, number, jws in session.execute(
        sa.select(Certificate.audit_id, Certificate.number, Certificate.jws)
        .where(Certificate.merchant_id == merchant_id).order_by(Certificate.issued_at))}
    audits = session.scalars(sa.select(Audit).where(
        Audit.merchant_id == merchant_id, Audit.state.in_([s.value for s in GRADED_STATES])))
    points = []
    for audit in audits:
        sealed = certificates.get(audit.id)
        if sealed is None:
            points.append(_regraded(session, audit))
            continue
        figures = sealed_figures(sealed[1])
        points.append(GradePoint(audit.id, _completed_on(audit), audit.kind, audit.state,
                                 figures.score, figures.grade, True, sealed[0]))
    return sorted(points, key=lambda p: (p.completed_on or date.min, p.audit_id))
