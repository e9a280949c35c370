"""Dashboard figures from plain rows: distribution, heatmap, expiring, overdue, grade history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from certbench.reports import analytics
from certbench.reports.rows import DomainScoreRow, GradeHistoryRow, OverdueRow, RegisterRow


def cert(number: str, grade: str, until: date, status: str = "valid") -> RegisterRow:
    return RegisterRow(number, f"m-{number}", f"Shop {number}", "R", "CN", (), "f@1", grade,
                       Decimal("90"), datetime(2026, 1, 1, tzinfo=UTC), date(2026, 1, 1), until,
                       status, "0" * 64)


def test_grade_distribution_counts_current_certificates_only() -> None:
    rows = [cert("1", "A", date(2027, 1, 1)), cert("2", "B", date(2027, 1, 1)),
            cert("3", "A", date(2027, 1, 1)), cert("4", "A", date(2027, 1, 1), "revoked")]
    assert analytics.grade_distribution(rows) == {"A": 2, "B": 1}
    assert analytics.grade_distribution(rows, statuses=frozenset({"valid", "revoked"})) == {
        "A": 3, "B": 1}
    assert [r.certificate_number for r in analytics.certificates_with_grade(rows, "A")] == [
        "1", "3"]
    assert analytics.grade_distribution([]) == {}


def test_expiring_window_is_inclusive_and_sorted() -> None:
    today = date(2026, 6, 1)
    rows = [cert("late", "A", date(2026, 8, 29)), cert("edge", "A", date(2026, 8, 30)),
            cert("out", "A", date(2026, 8, 31)), cert("today", "B", today),
            cert("gone", "B", date(2026, 5, 31)),
            cert("susp", "B", date(2026, 7, 1), "suspended")]
    assert [r.certificate_number for r in analytics.expiring(rows, today=today)] == [
        "today", "late", "edge"]


def score(merchant: str, audit: str, day: date, domain: str, value: str | None) -> DomainScoreRow:
    return DomainScoreRow(merchant, f"Name {merchant}", audit, day, domain,
                          None if value is None else Decimal(value))


def test_domain_matrix_uses_latest_audit_and_orders_weakest_first() -> None:
    rows = [score("m1", "old", date(2025, 1, 1), "PAY", "10"),
            score("m1", "new", date(2026, 1, 1), "PAY", "80"),
            score("m1", "new", date(2026, 1, 1), "DEL", "60"),
            score("m2", "x", date(2026, 2, 1), "PAY", "90"),
            score("m2", "x", date(2026, 2, 1), "DEL", "50"),
            score("m2", "x", date(2026, 2, 1), "XB", None)]
    matrix = analytics.domain_matrix(rows)
    assert matrix.domains == ("DEL", "PAY", "XB")
    assert matrix.means == (Decimal("55.00"), Decimal("85.00"), None)
    assert matrix.merchants == (("m1", "Name m1"), ("m2", "Name m2"))
    assert matrix.scores[0] == (Decimal("60"), Decimal("80"), None)
    assert analytics.merchants_below(matrix, "DEL", Decimal("55")) == ["m2"]
    assert analytics.merchants_below(matrix, "XB", Decimal("100")) == []
    empty = analytics.domain_matrix([])
    assert empty.domains == () and empty.scores == ()


def test_overdue_surveillance_longest_first() -> None:
    rows = [OverdueRow("surveillance", "a", "A", "c1", "x", "", "", date(2026, 1, 1), 3),
            OverdueRow("corrective_action", "b", "B", "c2", "y", "PAY-01", "major",
                       date(2026, 1, 1), 30),
            OverdueRow("surveillance", "c", "C", "c3", "z", "", "", date(2026, 1, 1), 9)]
    assert [r.merchant_id for r in analytics.overdue_surveillance(rows)] == ["c", "a"]


def test_grade_history_in_time_order_with_not_certifiable_marked() -> None:
    def row(audit: str, day: date | None, grade_letter: str) -> GradeHistoryRow:
        return GradeHistoryRow("m", "M", "R", "CN", (), audit, "initial", "approved", day,
                               "f@1", grade_letter, Decimal("50"), "", "")
    rows = [row("b", date(2026, 3, 1), "A"), row("a", date(2025, 3, 1), ""),
            GradeHistoryRow("m", "M", "R", "CN", (), "", "", "", None, "", "", None, "", "")]
    points = analytics.grade_history(rows, "m")
    assert [(p.audit_id, p.grade) for p in points] == [("a", analytics.NO_GRADE), ("b", "A")]
    assert analytics.grade_history(rows, "other") == []
