"""Measured evidence: durations from sample instants, held against form parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from certbench.samples import (
    SampleRecord,
    check_sample,
    check_samples,
    durations,
    hours_between,
    parse_sample,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LIMITS = {"first_reply_hours": 24, "live_reply_minutes": 5, "refund_turnaround_days": Decimal("7"),
          "delivery_days": 5, "return_window_days": 7, "accepts_cod": True}


def _contact(reply_after: timedelta, channel: str = "email") -> SampleRecord:
    return SampleRecord("contact", {"asked": T0, "answered": T0 + reply_after}, {}, channel)


def test_parse_sample_reads_iso_instants_with_zones_and_decimal_amounts() -> None:
    record = parse_sample(
        "test_purchase",
        {"ordered": "2026-11-02T17:00:00+08:00", "delivered": "2026-11-05T09:00Z"},
        {"paid": "199.00"})
    assert record.timestamps["ordered"] == T0
    assert record.amounts == {"paid": Decimal("199.00")}
    assert durations(record)["delivery"] == Decimal(72)


@pytest.mark.parametrize(("timestamps", "amounts", "match"), [
    ({"asked": "2026-11-02T09:00:00"}, {}, "no time zone"),
    ({"asked": "yesterday"}, {}, "Invalid isoformat"),
    ({}, {"paid": "12,50"}, "not a decimal"),
    ({}, {"paid": 12.5}, "not a float"),
])
def test_parse_sample_refuses_ambiguous_values(timestamps: dict[str, object],
                                              amounts: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_sample("contact", timestamps, amounts)


def test_first_reply_within_and_over_the_limit() -> None:
    on_time = check_sample(_contact(timedelta(hours=23, minutes=59)), LIMITS)
    late = check_sample(_contact(timedelta(hours=24, seconds=1)), LIMITS)
    exact = check_sample(_contact(timedelta(hours=24)), LIMITS)
    assert [(c.name, c.passed) for c in on_time.checks if c.measured is not None] == [
        ("first_reply_hours", True)]
    assert on_time.passed is True and exact.passed is True
    assert late.passed is False
    check = next(c for c in late.checks if c.name == "first_reply_hours")
    assert (check.measured, check.limit, check.unit) == (Decimal("24.00"), Decimal(24), "hours")


def test_refund_turnaround_in_days_and_refund_in_full() -> None:
    ret = parse_sample("test_return", {"return_requested": "2026-11-01T09:00:00+00:00",
                                       "return_received": "2026-11-02T09:00:00+00:00",
                                       "refunded": "2026-11-10T09:00:00+00:00"},
                       {"paid": "59.90", "refunded": "49.90"})
    verdict = check_sample(ret, LIMITS)
    by_name = {c.name: c for c in verdict.checks}
    assert by_name["refund_turnaround_days"].measured == Decimal("8.00")
    assert by_name["refund_turnaround_days"].passed is False
    assert by_name["refund_in_full"].passed is False
    assert verdict.passed is False


def test_delivery_against_the_form_and_the_shops_own_promise() -> None:
    purchase = SampleRecord("test_purchase", {
        "ordered": T0, "paid": T0 + timedelta(minutes=5), "shipped": T0 + timedelta(days=1),
        "delivered": T0 + timedelta(days=4), "promised_by": T0 + timedelta(days=3)}, {})
    by_name = {c.name: c for c in check_sample(purchase, LIMITS).checks}
    assert by_name["delivery_days"].passed is True
    assert by_name["delivery_promise_kept"].passed is False
    assert by_name["delivery_promise_kept"].measured == Decimal("24.00")


def test_missing_instants_leave_a_check_unmade_not_failed() -> None:
    unanswered = SampleRecord("contact", {"asked": T0}, {})
    verdict = check_sample(unanswered, LIMITS)
    first_reply = next(c for c in verdict.checks if c.name == "first_reply_hours")
    assert first_reply.passed is None and first_reply.measured is None
    assert verdict.passed is None


def test_parameters_without_a_matching_interval_are_ignored() -> None:
    verdicts = check_samples([_contact(timedelta(hours=1))], {"return_window_days": 7,
                                                              "first_reply_hours": "not a number"})
    assert verdicts[0].checks == ()


def test_hours_between_is_exact_across_zones() -> None:
    start = datetime(2026, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    end = datetime(2026, 3, 1, 0, 30, 0, 1, tzinfo=UTC)
    assert hours_between(start, end) == Decimal("0.5") + Decimal("0.000001") / 3600


def test_real_time_channels_use_the_live_reply_limit() -> None:
    chat = check_sample(_contact(timedelta(minutes=6), channel="chat"), LIMITS)
    phone = check_sample(_contact(timedelta(minutes=4), channel="phone"), LIMITS)
    assert [(c.name, c.measured, c.passed) for c in chat.checks] == [
        ("live_reply_minutes", Decimal("6.00"), False)]
    assert phone.passed is True
    email = check_sample(_contact(timedelta(minutes=6)), LIMITS)
    assert [c.name for c in email.checks] == ["first_reply_hours"]


def test_the_standard_forms_parameters_drive_the_checks() -> None:
    from certbench.checklists import find_form
    from certbench.samples import limits_from_form

    limits = limits_from_form(find_form("ecommerce-trust@1.0"))
    slow_mail = check_sample(_contact(timedelta(hours=30)), limits)
    names = {c.name for c in slow_mail.checks}
    assert "first_reply_hours" in names and slow_mail.passed is False
    assert "live_reply_minutes" not in names
