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
trading names or registration number (a scan of one narrow column).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from certbench.domain import AuditState, Rating
from certbench.errors import NotFoundError
from certbench.storage.models import (
    Audit,
    AuditKind,
    Finding,
    Merchant,
    NonconformityClass,
    User,
    audit_assessors,
)
from certbench.storage.types import fold

__all__ = [
    "AuditDetail",
    "AuditRow",
    "FindingRow",
    "MerchantPage",
    "MerchantRow",
    "MerchantSort",
    "PageKey",
    "SearchMode",
    "audit_rows",
    "audit_rows_for_merchant",
    "audit_with_findings",
    "merchant_count",
    "merchant_page",
    "ratings_of",
]

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


def _search_filter(search: str, mode: SearchMode) -> sa.ColumnElement[bool] | None:
    term = fold(search)
    if not term:
        return None
    if mode is SearchMode.PREFIX:
        return sa.and_(Merchant.name_folded >= term, Merchant.name_folded < term + _TOP)
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Merchant.search_text.like(f"%{escaped}%", escape="\\")


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
    condition = _search_filter(search, mode)
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
    query = sa.select(sa.func.count()).select_from(Merchant)
    condition = _search_filter(search, mode)
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
    result = session.execute(statement, params or {}).all()
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
