"""Measured evidence, computed: durations of test purchases, returns and contacts.

Pure functions, no database and no Qt. A sample is a set of named instants
(``ordered``, ``paid``, ``shipped``, ``delivered``, ``return_requested``,
``refunded``, ``asked``, ``answered``, ``resolved``, ``promised_by`` ...) and
named amounts. :data:`INTERVALS` names the durations computed from them, and
:func:`check_sample` holds each duration against the form parameters that limit
it. :data:`RULES` ties known parameter names to intervals (``first_reply_hours``
limits ``first_reply`` on non-real-time channels, ``live_reply_minutes`` on
real-time ones); any other parameter named ``<interval>_<unit>`` with unit
``minutes``, ``hours`` or ``days`` limits that interval too. Parameters the form
does not define are simply not checked: thresholds never live in code.

Two checks need no parameter: ``delivery_promise_kept`` (delivered no later
than the shop's own ``promised_by``) and ``refund_in_full`` (amount
``refunded`` at least amount ``paid``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from certbench.domain import Form

__all__ = [
    "INTERVALS",
    "REAL_TIME_CHANNELS",
    "RULES",
    "Interval",
    "Rule",
    "SampleCheck",
    "SampleRecord",
    "SampleVerdict",
    "check_sample",
    "check_samples",
    "durations",
    "hours_between",
    "limits_from_form",
    "parse_sample",
    "rule_for",
]

_SECONDS_PER = {"minutes": Decimal(60), "hours": Decimal(3600), "days": Decimal(86400)}
REAL_TIME_CHANNELS = frozenset({"phone", "chat", "live_chat", "im", "video"})
"""Contact channels where a person answers live; the others are answered later."""


@dataclass(frozen=True, slots=True)
class Interval:
    """A named duration from the first present ``starts`` instant to ``end``."""

    name: str
    starts: tuple[str, ...]
    """Candidate start instants, most specific first (``paid`` before ``ordered``)."""
    end: str


INTERVALS: tuple[Interval, ...] = (
    Interval("first_reply", ("asked",), "answered"),
    Interval("resolution", ("asked",), "resolved"),
    Interval("dispatch", ("paid", "ordered"), "shipped"),
    Interval("delivery", ("paid", "ordered"), "delivered"),
    Interval("transit", ("shipped",), "delivered"),
    Interval("refund_turnaround", ("return_received", "refund_approved"), "refunded"),
    Interval("return_to_refund", ("return_requested",), "refunded"),
    Interval("complaint_ack", ("complained",), "acknowledged"),
    Interval("complaint_resolution", ("complained",), "complaint_closed"),
)
"""Every duration certbench computes."""


@dataclass(frozen=True, slots=True)
class Rule:
    """Which interval a named form parameter limits, in which unit, on which channels."""

    interval: str
    unit: str
    real_time: bool | None = None
    """True: only real-time channels; False: only the others; None: any sample."""


RULES: Mapping[str, Rule] = {
    "first_reply_hours": Rule("first_reply", "hours", real_time=False),
    "live_reply_minutes": Rule("first_reply", "minutes", real_time=True),
    "enquiry_resolution_hours": Rule("resolution", "hours"),
    "refund_turnaround_days": Rule("refund_turnaround", "days"),
    "complaint_ack_hours": Rule("complaint_ack", "hours"),
    "complaint_resolution_days": Rule("complaint_resolution", "days"),
}
"""Parameters of the standard form that need more than the ``<interval>_<unit>`` naming."""


@dataclass(frozen=True, slots=True)
class SampleRecord:
    """A sample ready for computation: aware instants and Decimal amounts."""

    kind: str
    timestamps: Mapping[str, datetime]
    amounts: Mapping[str, Decimal]
    channel: str = ""
    """How a contact was made (``email``, ``chat``, ``phone``...); decides real-time rules."""

    @property
    def real_time(self) -> bool:
        """Whether the sample's channel answers live."""
        return self.channel.lower() in REAL_TIME_CHANNELS


@dataclass(frozen=True, slots=True)
class SampleCheck:
    """One check of one sample."""

    name: str
    """The parameter name (``first_reply_hours``) or a built-in check name."""
    measured: Decimal | None
    """The duration in ``unit`` (two decimals, truncated), or the refunded amount; ``None``
    when the sample lacks the instants the check needs."""
    limit: Decimal | None
    unit: str
    passed: bool | None
    """``None`` when the check could not be made (missing instants)."""


@dataclass(frozen=True, slots=True)
class SampleVerdict:
    """All checks of one sample."""

    checks: tuple[SampleCheck, ...]

    @property
    def passed(self) -> bool | None:
        """False if any check failed, True if all made checks passed, None if none was made."""
        made = [c.passed for c in self.checks if c.passed is not None]
        if not made:
            return None
        return all(made)


def parse_sample(kind: str, timestamps: Mapping[str, object],
                 amounts: Mapping[str, object], channel: str = "") -> SampleRecord:
    """Parse the JSON shapes stored in the database into a :class:`SampleRecord`.

    :raises ValueError: an instant is not ISO 8601 with a zone, or an amount is not decimal.
    """
    instants: dict[str, datetime] = {}
    for name, text in timestamps.items():
        moment = datetime.fromisoformat(str(text))
        if moment.tzinfo is None:
            raise ValueError(f"sample instant {name!r} has no time zone: {text}")
        instants[name] = moment
    money: dict[str, Decimal] = {}
    for name, text in amounts.items():
        if isinstance(text, float):
            raise ValueError(f"sample amount {name!r} must be a decimal string, not a float")
        try:
            money[name] = Decimal(str(text))
        except InvalidOperation as exc:
            raise ValueError(f"sample amount {name!r} is not a decimal: {text!r}") from exc
    return SampleRecord(kind, instants, money, channel)


def hours_between(start: datetime, end: datetime) -> Decimal:
    """Exact hours from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    delta = end - start
    seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6
    return seconds / _SECONDS_PER["hours"]


def durations(sample: SampleRecord) -> dict[str, Decimal]:
    """Every :data:`INTERVALS` duration the sample's instants allow, in exact hours."""
    out: dict[str, Decimal] = {}
    for interval in INTERVALS:
        start = next((sample.timestamps[s] for s in interval.starts if s in sample.timestamps),
                     None)
        end = sample.timestamps.get(interval.end)
        if start is not None and end is not None:
            out[interval.name] = hours_between(start, end)
    return out


def rule_for(parameter: str) -> Rule | None:
    """The rule for a parameter name, or ``None`` when it limits no interval."""
    if parameter in RULES:
        return RULES[parameter]
    stem, _, unit = parameter.rpartition("_")
    if unit in _SECONDS_PER and any(i.name == stem for i in INTERVALS):
        return Rule(stem, unit)
    return None


def _involved(sample: SampleRecord, interval_name: str) -> bool:
    """Whether the sample records any instant of the interval (else the rule is not for it)."""
    interval = next(i for i in INTERVALS if i.name == interval_name)
    return any(name in sample.timestamps for name in (*interval.starts, interval.end))


def _truncate(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding="ROUND_DOWN")


def _limit(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def check_sample(sample: SampleRecord,
                 parameters: Mapping[str, int | Decimal | str | bool]) -> SampleVerdict:
    """Hold the sample's durations against every matching parameter, plus the built-in checks.

    A duration passes when it is at most the limit; comparison is exact (hours
    as Decimal), the reported ``measured`` value is truncated to two decimals.
    A rule whose interval the sample records no instant of is skipped; one whose
    instants are only partly there is reported with ``passed=None``.
    """
    hours = durations(sample)
    checks: list[SampleCheck] = []
    for name in sorted(parameters):
        rule = rule_for(name)
        limit = _limit(parameters[name])
        if rule is None or limit is None:
            continue
        if rule.real_time is not None and rule.real_time != sample.real_time:
            continue
        measured = hours.get(rule.interval)
        if measured is None and not _involved(sample, rule.interval):
            continue
        if measured is None:
            checks.append(SampleCheck(name, None, limit, rule.unit, None))
            continue
        in_unit = measured * _SECONDS_PER["hours"] / _SECONDS_PER[rule.unit]
        checks.append(SampleCheck(name, _truncate(in_unit), limit, rule.unit, in_unit <= limit))
    checks += _builtin_checks(sample)
    return SampleVerdict(tuple(checks))


def _builtin_checks(sample: SampleRecord) -> list[SampleCheck]:
    out: list[SampleCheck] = []
    promised, delivered = sample.timestamps.get("promised_by"), sample.timestamps.get("delivered")
    if promised is not None:
        late = None if delivered is None else _truncate(hours_between(promised, delivered))
        out.append(SampleCheck("delivery_promise_kept", late, Decimal(0), "hours",
                               None if delivered is None else delivered <= promised))
    paid, refunded = sample.amounts.get("paid"), sample.amounts.get("refunded")
    if paid is not None and sample.kind == "test_return":
        out.append(SampleCheck("refund_in_full", refunded, paid, "amount",
                               None if refunded is None else refunded >= paid))
    return out


def limits_from_form(form: Form) -> dict[str, int | Decimal | str | bool]:
    """The form's parameters as ``{name: value}``, the shape :func:`check_sample` takes."""
    return {name: p.value for name, p in form.parameters.items()}


def check_samples(samples: Iterable[SampleRecord],
                  parameters: Mapping[str, int | Decimal | str | bool]) -> list[SampleVerdict]:
    """:func:`check_sample` for each sample, in order."""
    return [check_sample(s, parameters) for s in samples]
