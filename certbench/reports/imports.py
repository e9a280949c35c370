"""Validated imports of merchants and complaints logs from CSV or XLSX.

Each import runs in two steps. ``read_*`` checks the file and every row and
returns plain records, or raises :class:`~certbench.errors.ImportDataError`
listing every problem as ``(row, column, problem)``. ``import_*`` does that,
then checks the records against the database (duplicates, unknown merchants)
and adds them in the caller's session; it raises before adding anything, and
the session's transaction makes the database write all rows or none.

Column contracts are in ``docs/spreadsheets.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from certbench.reports.sheets import Limits, Problems, RawTable, read_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "COMPLAINT_COLUMNS",
    "COMPLAINT_STATUSES",
    "MERCHANT_COLUMNS",
    "ComplaintRecord",
    "MerchantRecord",
    "import_complaints",
    "import_merchants",
    "parse_day",
    "parse_instant",
    "read_complaints",
    "read_merchants",
]

MERCHANT_COLUMNS = ("legal_name", "trading_names", "registration_number", "country", "address",
                    "websites", "contact_name", "contact_email", "contact_phone")
COMPLAINT_COLUMNS = ("registration_number", "country", "received_at", "channel", "summary",
                     "complainant_contact", "status")
COMPLAINT_STATUSES = ("received", "investigating", "resolved", "dismissed")

_T = TypeVar("_T")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{5,30}$")


@dataclass(frozen=True, slots=True)
class MerchantRecord:
    """One validated merchant row."""

    row: int
    legal_name: str
    trading_names: tuple[str, ...]
    registration_number: str
    country: str
    address: str
    websites: tuple[str, ...]
    contacts: dict[str, str]


@dataclass(frozen=True, slots=True)
class ComplaintRecord:
    """One validated complaint row; the merchant is named by registration and country."""

    row: int
    registration_number: str
    country: str
    received_at: datetime
    channel: str
    summary: str
    complainant_contact: str
    status: str


def parse_day(text: str) -> date:
    """An ISO date ``YYYY-MM-DD`` (a time part, if any, must be midnight)."""
    value = datetime.fromisoformat(text)
    if value.time() != datetime.min.time():
        raise ValueError("expected a date without a time")
    return value.date()


def parse_instant(text: str) -> datetime:
    """An ISO date or date-time; no zone means UTC, a date means its midnight UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL"
    return None


class _Row:
    """Typed accessors over one row's cells that record problems instead of raising."""

    def __init__(self, number: int, cells: dict[str, str], problems: Problems) -> None:
        self.number, self.cells, self.problems = number, cells, problems

    def text(self, column: str, *, required: bool = False, limit: int = 400) -> str:
        value = self.cells[column]
        if required and not value:
            self.problems.add(self.number, column, "is required")
        elif len(value) > limit:
            self.problems.add(self.number, column, f"longer than {limit} characters")
        return value

    def choice(self, column: str, allowed: Sequence[str], default: str) -> str:
        value = self.cells[column] or default
        if value not in allowed:
            self.problems.add(self.number, column,
                              f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def parsed(self, column: str, parse: Callable[[str], _T], what: str) -> _T | None:
        value = self.cells[column]
        if not value:
            return None
        try:
            return parse(value)
        except ValueError:
            self.problems.add(self.number, column, f"{value!r} is not {what}")
            return None

    def country(self) -> str:
        value = self.cells["country"].upper()
        if not _COUNTRY.match(value):
            self.problems.add(self.number, "country",
                              "must be a two-letter ISO 3166-1 code such as CN")
        return value


def _merchant(row: _Row) -> MerchantRecord:
    websites = _split(row.text("websites", required=True, limit=8000))
    for url in websites:
        problem = _url_problem(url)
        if problem:
            row.problems.add(row.number, "websites", problem)
    contacts = {"name": row.text("contact_name", limit=200),
                "email": row.text("contact_email", limit=254),
                "phone": row.text("contact_phone", limit=40)}
    if contacts["email"] and not _EMAIL.match(contacts["email"]):
        row.problems.add(row.number, "contact_email", "is not an e-mail address")
    if contacts["phone"] and not _PHONE.match(contacts["phone"]):
        row.problems.add(row.number, "contact_phone", "is not a phone number")
    return MerchantRecord(
        row=row.number,
        legal_name=row.text("legal_name", required=True),
        trading_names=_split(row.text("trading_names", limit=2000)),
        registration_number=row.text("registration_number", required=True, limit=100),
        country=row.country(),
        address=row.text("address", limit=2000),
        websites=websites,
        contacts={k: v for k, v in contacts.items() if v},
    )


def _duplicates(keys: Sequence[tuple[int, tuple[str, ...]]], column: str,
                problems: Problems) -> None:
    """Report every row whose key an earlier row already had (pandas does the grouping)."""
    import pandas as pd

    if not keys:
        return
    frame = pd.DataFrame([k for _, k in keys])
    dupes = frame.duplicated(keep="first").to_numpy()
    first_row: dict[tuple[str, ...], int] = {}
    for (row, key), dupe in zip(keys, dupes, strict=True):
        if dupe:
            problems.add(row, column, f"duplicates row {first_row[key]}")
        else:
            first_row.setdefault(key, row)


def read_merchants(path: Path, *, limits: Limits | None = None) -> list[MerchantRecord]:
    """The validated merchants of ``path``.

    :raises ImportDataError: with every ``(row, column, problem)``; nothing is returned.
    """
    table, problems = read_table(path, MERCHANT_COLUMNS, limits=limits)
    records = [_merchant(_Row(n, cells, problems)) for n, cells in table.rows]
    _duplicates([(r.row, (r.country, r.registration_number.casefold())) for r in records],
                "registration_number", problems)
    _empty(table, problems)
    problems.raise_if_any()
    return records


def _empty(table: RawTable, problems: Problems) -> None:
    if not table.rows:
        problems.add(0, "", "the file has no data rows")


def _complaint(row: _Row) -> ComplaintRecord:
    received = row.parsed("received_at", parse_instant, "an ISO date or date-time")
    if not row.cells["received_at"]:
        row.problems.add(row.number, "received_at", "is required")
    return ComplaintRecord(
        row=row.number,
        registration_number=row.text("registration_number", required=True, limit=100),
        country=row.country(),
        received_at=received or datetime.min.replace(tzinfo=UTC),
        channel=row.text("channel", limit=100),
        summary=row.text("summary", required=True, limit=5000),
        complainant_contact=row.text("complainant_contact", limit=500),
        status=row.choice("status", COMPLAINT_STATUSES, "received"),
    )


def read_complaints(path: Path, *, limits: Limits | None = None) -> list[ComplaintRecord]:
    """The validated complaints of ``path``.

    :raises ImportDataError: with every ``(row, column, problem)``; nothing is returned.
    """
    table, problems = read_table(path, COMPLAINT_COLUMNS, limits=limits)
    records = [_complaint(_Row(n, cells, problems)) for n, cells in table.rows]
    _duplicates([(r.row, (r.country, r.registration_number.casefold(), r.received_at.isoformat(),
                          r.summary)) for r in records], "summary", problems)
    _empty(table, problems)
    problems.raise_if_any()
    return records


def import_merchants(session: Session, path: Path, *,
                     limits: Limits | None = None) -> list[str]:
    """Validate ``path`` and add its merchants to ``session``; returns the new merchant ids.

    A merchant whose registration number and country already exist is a problem
    of its row. Nothing is added unless every row is good.

    :raises ImportDataError: with every ``(row, column, problem)``.
    """
    import sqlalchemy as sa

    from certbench.storage import Merchant, MerchantSite

    records = read_merchants(path, limits=limits)
    problems = Problems(str(path))
    existing = {(c, n.casefold()) for c, n in session.execute(
        sa.select(Merchant.country, Merchant.registration_number).where(
            Merchant.registration_number.in_({r.registration_number for r in records})))}
    for r in records:
        if (r.country, r.registration_number.casefold()) in existing:
            problems.add(r.row, "registration_number",
                         f"a merchant with {r.registration_number} ({r.country}) already exists")
    problems.raise_if_any()
    merchants = [Merchant(legal_name=r.legal_name, trading_names=list(r.trading_names),
                          registration_number=r.registration_number, country=r.country,
                          address=r.address, contacts=dict(r.contacts),
                          sites=[MerchantSite(url=u) for u in dict.fromkeys(r.websites)])
                 for r in records]
    session.add_all(merchants)
    session.flush()
    return [m.id for m in merchants]


def import_complaints(session: Session, path: Path, *,
                      limits: Limits | None = None) -> list[str]:
    """Validate ``path`` and add its complaints to ``session``; returns the new complaint ids.

    Every row must name a known merchant (registration number and country), and
    a complaint already recorded (same merchant, instant and summary) is a
    problem of its row. Nothing is added unless every row is good.

    :raises ImportDataError: with every ``(row, column, problem)``.
    """
    import sqlalchemy as sa

    from certbench.storage import Complaint, ComplaintStatus, Merchant

    records = read_complaints(path, limits=limits)
    problems = Problems(str(path))
    merchants: dict[tuple[str, str], list[str]] = {}
    for mid, country, number in session.execute(sa.select(
            Merchant.id, Merchant.country, Merchant.registration_number).where(
            Merchant.registration_number.in_({r.registration_number for r in records}))):
        merchants.setdefault((country, number.casefold()), []).append(mid)
    known = {(c.merchant_id, c.received_at, c.summary) for c in session.scalars(
        sa.select(Complaint).where(Complaint.merchant_id.in_(
            [m for ids in merchants.values() for m in ids])))}
    resolved: list[str] = []
    for r in records:
        ids = merchants.get((r.country, r.registration_number.casefold()), [])
        if len(ids) != 1:
            problems.add(r.row, "registration_number",
                         f"no merchant {r.registration_number} ({r.country})" if not ids
                         else f"{len(ids)} merchants share {r.registration_number} ({r.country})")
            resolved.append("")
            continue
        if (ids[0], r.received_at, r.summary) in known:
            problems.add(r.row, "summary", "this complaint is already recorded")
        resolved.append(ids[0])
    problems.raise_if_any()
    complaints = [Complaint(merchant_id=mid, received_at=r.received_at, channel=r.channel,
                            summary=r.summary, complainant_contact=r.complainant_contact,
                            status=ComplaintStatus(r.status))
                  for r, mid in zip(records, resolved, strict=True)]
    session.add_all(complaints)
    session.flush()
    return [c.id for c in complaints]
