"""Row records of the exported tables; field names are the stable column names.

:mod:`certbench.reports.loaders` builds them from the database,
:mod:`certbench.reports.tables` writes them, :mod:`certbench.reports.analytics`
computes the dashboard figures from them. The column contract (names, types,
formats) is documented in ``docs/spreadsheets.md``; never rename a field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

__all__ = ["DomainScoreRow", "FindingsRow", "GradeHistoryRow", "OverdueRow", "RegisterRow"]


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One issued certificate of the certificate register."""

    certificate_number: str
    merchant_id: str
    legal_name: str
    registration_number: str
    country: str
    websites: tuple[str, ...]
    form: str
    """``form_id@version``."""
    grade: str
    score: Decimal
    issued_at: datetime
    valid_from: date
    valid_until: date
    status: str
    """``valid``, ``suspended``, ``revoked`` or ``expired`` (as of the export date)."""
    seal_hash: str


@dataclass(frozen=True, slots=True)
class FindingsRow:
    """One criterion of one audit with the assessor's result."""

    audit_id: str
    merchant_id: str
    legal_name: str
    form: str
    criterion_id: str
    domain_id: str
    critical: bool
    rating: str
    """A scale value, or empty while not rated."""
    nonconformity: str
    """``major``, ``minor``, ``observation`` or empty."""
    note: str
    justification: str
    corrective_action: str
    due_date: date | None
    closed_on: date | None


@dataclass(frozen=True, slots=True)
class GradeHistoryRow:
    """One graded audit of a merchant: the merchants export lists their grade history."""

    merchant_id: str
    legal_name: str
    registration_number: str
    country: str
    websites: tuple[str, ...]
    audit_id: str
    audit_kind: str
    audit_state: str
    completed_on: date | None
    form: str
    grade: str
    """The grade letter, or empty when the audit was not certifiable."""
    score: Decimal | None
    certificate_number: str
    certificate_status: str


@dataclass(frozen=True, slots=True)
class OverdueRow:
    """A surveillance audit or corrective action whose due date has passed."""

    kind: str
    """``surveillance`` or ``corrective_action``."""
    merchant_id: str
    legal_name: str
    certificate_number: str
    audit_id: str
    criterion_id: str
    nonconformity: str
    due_date: date
    days_overdue: int


@dataclass(frozen=True, slots=True)
class DomainScoreRow:
    """One domain score of one graded audit (for the weakest-domains heatmap; not exported)."""

    merchant_id: str
    legal_name: str
    audit_id: str
    completed_on: date | None
    domain_id: str
    score: Decimal | None
