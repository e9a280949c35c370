"""Dashboard figures: pure functions from row records to plain data.

No database, no pandas, no Qt: the GUI loads rows with
:mod:`certbench.reports.loaders` on a worker thread, calls these, and draws the
result. Each chart has a matching selection function, so that clicking a bar
or a cell filters the lists to the merchants or certificates behind it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from certbench.reports.rows import DomainScoreRow, GradeHistoryRow, OverdueRow, RegisterRow

__all__ = [
    "NO_GRADE",
    "DomainMatrix",
    "GradePoint",
    "certificates_with_grade",
    "domain_matrix",
    "expiring",
    "grade_distribution",
    "grade_history",
    "merchants_below",
    "overdue_surveillance",
]

NO_GRADE = "–"
"""The bucket of audits that were graded but not certifiable."""


def grade_distribution(register: Iterable[RegisterRow], *,
                       statuses: frozenset[str] = frozenset({"valid"})) -> dict[str, int]:
    """How many certificates with a status in ``statuses`` carry each grade, by grade letter."""
    counts = Counter(r.grade for r in register if r.status in statuses)
    return {grade: counts[grade] for grade in sorted(counts)}


def certificates_with_grade(register: Iterable[RegisterRow], grade: str, *,
                            statuses: frozenset[str] = frozenset({"valid"})) -> list[RegisterRow]:
    """The certificates behind one bar of :func:`grade_distribution`."""
    return [r for r in register if r.grade == grade and r.status in statuses]


def expiring(register: Iterable[RegisterRow], *, today: date,
             days: int = 90) -> list[RegisterRow]:
    """Valid certificates whose last valid day is within ``days`` from ``today``, soonest first."""
    end = today + timedelta(days=days)
    rows = [r for r in register if r.status == "valid" and today <= r.valid_until <= end]
    return sorted(rows, key=lambda r: (r.valid_until, r.certificate_number))


def overdue_surveillance(overdue: Iterable[OverdueRow]) -> list[OverdueRow]:
    """Overdue surveillance audits, longest overdue first."""
    rows = [r for r in overdue if r.kind == "surveillance"]
    return sorted(rows, key=lambda r: (-r.days_overdue, r.legal_name, r.merchant_id))


@dataclass(frozen=True, slots=True)
class DomainMatrix:
    """Domain scores of each merchant's latest graded audit: rows merchants, columns domains.

    Domains are ordered weakest first (lowest mean over the merchants that have a score).
    """

    merchants: tuple[tuple[str, str], ...]
    """``(merchant_id, legal_name)`` per row, by legal name."""
    domains: tuple[str, ...]
    scores: tuple[tuple[Decimal | None, ...], ...]
    means: tuple[Decimal | None, ...]
    """Mean per domain (two decimals), aligned with ``domains``."""


def _latest_audits(rows: Sequence[DomainScoreRow]) -> dict[str, str]:
    latest: dict[str, tuple[date, str]] = {}
    for r in rows:
        key = (r.completed_on or date.min, r.audit_id)
        if r.merchant_id not in latest or key > latest[r.merchant_id]:
            latest[r.merchant_id] = key
    return {m: audit for m, (_, audit) in latest.items()}


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))


def domain_matrix(rows: Sequence[DomainScoreRow]) -> DomainMatrix:
    """The heatmap of weakest domains across merchants (latest graded audit per merchant)."""
    latest = _latest_audits(rows)
    cells: dict[tuple[str, str], Decimal | None] = {}
    names: dict[str, str] = {}
    for r in rows:
        if latest.get(r.merchant_id) == r.audit_id:
            cells[(r.merchant_id, r.domain_id)] = r.score
            names[r.merchant_id] = r.legal_name
    domain_ids = {d for _, d in cells}
    means = {d: _mean([s for (_, dd), s in cells.items() if dd == d and s is not None])
             for d in domain_ids}
    order = sorted(domain_ids, key=lambda d: (means[d] is None, means[d] or 0, d))
    merchants = sorted(names.items(), key=lambda kv: (kv[1].casefold(), kv[0]))
    return DomainMatrix(
        merchants=tuple(merchants),
        domains=tuple(order),
        scores=tuple(tuple(cells.get((m, d)) for d in order) for m, _ in merchants),
        means=tuple(means[d] for d in order),
    )


def merchants_below(matrix: DomainMatrix, domain_id: str, threshold: Decimal) -> list[str]:
    """Merchant ids whose score in ``domain_id`` is below ``threshold`` (a heatmap click)."""
    column = matrix.domains.index(domain_id)
    return [m for (m, _), row in zip(matrix.merchants, matrix.scores, strict=True)
            if row[column] is not None and row[column] < threshold]  # type: ignore[operator]


@dataclass(frozen=True, slots=True)
class GradePoint:
    """One graded audit on a merchant's grade-history chart."""

    completed_on: date | None
    grade: str
    score: Decimal | None
    audit_id: str
    audit_kind: str
    certificate_number: str


def grade_history(history: Iterable[GradeHistoryRow], merchant_id: str) -> list[GradePoint]:
    """A merchant's graded audits in time order (``NO_GRADE`` when not certifiable)."""
    rows = [r for r in history if r.merchant_id == merchant_id and r.audit_id]
    rows.sort(key=lambda r: (r.completed_on or date.min, r.audit_id))
    return [GradePoint(r.completed_on, r.grade or NO_GRADE, r.score, r.audit_id, r.audit_kind,
                       r.certificate_number) for r in rows]
