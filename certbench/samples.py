"""Measured evidence, computed: durations of test purchases, returns and contacts.

Pure functions, no database and no Qt. A sample is a set of named instants
(``ordered``, ``paid``, ``shipped``, ``delivered``, ``return_requested``,
``refunded``, ``asked``, ``answered``, ``resolved``, ``promised_by`` ...) and
named amounts. :data:`INTERVALS` names the durations computed from them, and
:func:`check_sample` holds each duration against the form parameter of the
same stem: ``first_reply_hours`` limits the ``first_reply`` interval in hours,
``refund_turnaround_days`` limits ``refund_turnaround`` in days. Parameters the
form does not define are simply not checked; thresholds never live in code.

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
    "Interval",
    "SampleCheck",
    "SampleRecord",
    "SampleVerdict",
    "check_sample",
    "check_samples",
    "durations",
    "hours_between",
    "limits_from_form",
    "parse_sample",
]

_SECONDS_PER = {"hours": Decimal(3600), "days": Decimal(86400)}


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
    Interval("refund_turnaround", ("return_requested",), "refunded"),
    Interval("return_receipt_to_refund", ("return_received",), "refunded"),
)
"""Every duration certbench computes; parameters ``<name>_hours`` / ``<name>_days`` limit them."""

_ALIASES = {"delivery_promise": "delivery", "reply": "first_reply", "refund": "refund_turnaround"}


@dataclass(frozen=True, slots=True)
class SampleRecord:
    """A sample ready for computation: aware instants and Decimal amounts."""

    kind: str
    timestamps: Mapping[str, datetime]
    amounts: Mapping[str, Decimal]


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
                 amounts: Mapping[str, object]) -> SampleRecord:
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
    return SampleRecord(kind, instants, money)


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


def _interval_for(parameter: str) -> tuple[str, str] | None:
    for unit in _SECONDS_PER:
        suffix = f"_{unit}"
        if parameter.endswith(suffix):
            stem = parameter[: -len(suffix)]
            stem = _ALIASES.get(stem, stem)
            if any(i.name == stem for i in INTERVALS):
                return stem, unit
    return None


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
    """
    hours = durations(sample)
    checks: list[SampleCheck] = []
    for name in sorted(parameters):
        target = _interval_for(name)
        limit = _limit(parameters[name])
        if target is None or limit is None:
            continue
        interval, unit = target
        measured = hours.get(interval)
        if measured is None:
            checks.append(SampleCheck(name, None, limit, unit, None))
            continue
        in_unit = measured * _SECONDS_PER["hours"] / _SECONDS_PER[unit]
        checks.append(SampleCheck(name, _truncate(in_unit), limit, unit, in_unit <= limit))
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
