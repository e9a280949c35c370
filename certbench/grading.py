"""Grading: a pure function of a form, a set of ratings and a scope.

:func:`grade` implements the rules of the checklist language (``forms/README.md``):

- a criterion counts when it applies to the scope and is rated with a value that
  has points; a justified excluded value (``n/a``) leaves numerator and
  denominator; an unjustified one, or a value the scale does not know, leaves the
  criterion unrated;
- earned = weight × points, possible = weight × top points; a domain's score and
  the overall score are ``100 × Σearned / Σpossible``, truncated (never rounded
  up) to two decimals;
- the grade is the first band whose ``min_score`` the overall score reaches, then
  capped by every domain under its floor;
- the result is certifiable only when complete, with no critical criterion
  below the top of the scale and with a grade.

Every fact that limited the result is a :class:`~certbench.domain.Reason`, in a
fixed order: criteria in form order, then ratings for unknown criteria (by id),
then domains in form order, then the overall score.

Sums are plain integers; the only Decimals are built from integer hundredths at
the end, so grading is exact and fast (the per-form lookups are compiled once
and cached).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from certbench.canonical import canonical_hash
from certbench.domain import (
    DomainScore,
    Form,
    GradeResult,
    Rating,
    Reason,
    ReasonCode,
    Scope,
)
from certbench.errors import GradingError

__all__ = [
    "grade",
    "ratings_from_json",
    "ratings_hash",
    "ratings_to_json",
    "read_ratings_document",
    "read_ratings_file",
    "read_scope_file",
]

_PLAN_CACHE_SIZE = 32
_SCOPE_CACHE_SIZE = 256
_DOMAIN_CACHE_SIZE = 100_000
_RATING_KEYS = frozenset({"criterion", "value", "justification"})


# -- compiled plans ---------------------------------------------------------------------

_CRITICAL = 1
_NEEDS_JUSTIFICATION = 2
_IGNORED = 4

_Outcome = tuple[int, int, int, int, Reason | None]
"""What one rating value does to one criterion: (domain index, earned, possible, flags,
the CRITICAL_BELOW_FULL or NOT_APPLICABLE reason, or None)."""


class _ScopePlan:
    """Lookups for one scope: which criteria apply, and what each rating value adds."""

    __slots__ = ("applicable", "applicable_ids", "applicable_total", "applies", "domain_cache",
                 "lookup", "unrated")

    def __init__(self, plan: _Plan, scope: Scope) -> None:
        criteria = plan.form.criteria
        self.applies = tuple(c.applies(scope) for c in criteria)
        applicable = [0] * len(plan.domain_ids)
        for i, d in enumerate(plan.domain_of):
            applicable[d] += self.applies[i]
        self.applicable = tuple(applicable)
        self.applicable_total = sum(applicable)
        self.lookup: dict[str, tuple[int, dict[str, _Outcome]]] = {
            c.id: (i, self._outcomes(plan, i, c.is_critical(scope)) if self.applies[i]
                   else self._ignored(plan, i))
            for i, c in enumerate(criteria)
        }
        self.applicable_ids = frozenset(c.id for i, c in enumerate(criteria) if self.applies[i])
        self.unrated = {
            c.id: (i, Reason(ReasonCode.UNRATED, c.id, plan.domain_ids[plan.domain_of[i]]))
            for i, c in enumerate(criteria) if self.applies[i]
        }
        self.domain_cache: dict[tuple[int, int, int, int], tuple[DomainScore, bool]] = {}

    @staticmethod
    def _outcomes(plan: _Plan, i: int, critical: bool) -> dict[str, _Outcome]:
        criterion = plan.form.criteria[i]
        d, weight, top = plan.domain_of[i], criterion.weight, plan.max_points
        out: dict[str, _Outcome] = {}
        for value in plan.form.scale:
            flags = _NEEDS_JUSTIFICATION if value.needs_justification else 0
            reason = None
            if value.points is None:
                out[value.value] = (d, 0, 0, flags, None)
                continue
            if critical and value.points < top:
                flags |= _CRITICAL
                reason = Reason(ReasonCode.CRITICAL_BELOW_FULL, criterion.id,
                                plan.domain_ids[d], value.value)
            out[value.value] = (d, weight * value.points, weight * top, flags, reason)
        return out

    @staticmethod
    def _ignored(plan: _Plan, i: int) -> dict[str, _Outcome]:
        criterion = plan.form.criteria[i]
        d = plan.domain_of[i]
        return {v.value: (d, 0, 0, _IGNORED, Reason(ReasonCode.NOT_APPLICABLE, criterion.id,
                                                     plan.domain_ids[d], v.value))
                for v in plan.form.scale}

    def domain_score(self, plan: _Plan, d: int, earned: int, possible: int,
                     rated: int) -> tuple[DomainScore, bool]:
        """The (immutable, hence cached) score of domain ``d`` and whether it is under its floor."""
        key = (d, earned, possible, rated)
        hit = self.domain_cache.get(key)
        if hit is None:
            score, below = None, False
            if possible:
                hundredths = earned * 10000 // possible
                score, below = _score(hundredths), hundredths < plan.floors[d]
            hit = (DomainScore(plan.domain_ids[d], score, Decimal(earned), Decimal(possible),
                               self.applicable[d], rated), below)
            if len(self.domain_cache) >= _DOMAIN_CACHE_SIZE:
                self.domain_cache.clear()
            self.domain_cache[key] = hit
        return hit


class _Plan:
    """Per-form lookups, built once: indexes, integer weights and thresholds in hundredths."""

    def __init__(self, form: Form) -> None:
        self.form = form
        domain_index = {d.id: i for i, d in enumerate(form.domains)}
        self.domain_ids = tuple(d.id for d in form.domains)
        self.domain_of = tuple(domain_index[c.domain] for c in form.criteria)
        self.max_points = form.max_points
        self.floors = tuple(_hundredths_ceiling(d.floor) for d in form.domains)
        self.caps = tuple(d.floor_cap or form.default_floor_cap for d in form.domains)
        self.bands = tuple((b.grade, _hundredths_ceiling(b.min_score)) for b in form.bands)
        self.rank = {b.grade: i for i, b in enumerate(form.bands)}
        self.floor_reasons = tuple(Reason(ReasonCode.DOMAIN_BELOW_FLOOR, domain_id=d, detail=cap)
                                   for d, cap in zip(self.domain_ids, self.caps, strict=True))
        self._scopes: dict[Scope, _ScopePlan] = {}

    def for_scope(self, scope: Scope) -> _ScopePlan:
        plan = self._scopes.get(scope)
        if plan is None:
            plan = _ScopePlan(self, scope)
            if len(self._scopes) >= _SCOPE_CACHE_SIZE:
                self._scopes.pop(next(iter(self._scopes)), None)
            self._scopes[scope] = plan
        return plan


_plans: dict[int, _Plan] = {}


def _plan(form: Form) -> _Plan:
    plan = _plans.get(id(form))
    if plan is None or plan.form is not form:
        plan = _Plan(form)
        if len(_plans) >= _PLAN_CACHE_SIZE:
            _plans.pop(next(iter(_plans)), None)
        _plans[id(form)] = plan
    return plan


def _hundredths_ceiling(value: Decimal) -> int:
    """The least whole number of hundredths ≥ ``value``: score_h ≥ it ⇔ score ≥ value."""
    return -int((-value * 100).to_integral_value(rounding=ROUND_FLOOR))


_score_cache: dict[int, Decimal] = {}


def _score(hundredths: int) -> Decimal:
    """``hundredths / 100`` as a Decimal with exactly two decimals."""
    score = _score_cache.get(hundredths)
    if score is None:
        score = _score_cache[hundredths] = Decimal(hundredths).scaleb(-2)
    return score


# -- grading ----------------------------------------------------------------------------


class _Tally:
    """Integer sums per domain and the reasons found while walking the ratings."""

    __slots__ = ("accounted", "complete", "critical_fail", "earned", "possible", "problems",
                 "rated", "unknown")

    def __init__(self, domains: int) -> None:
        self.earned = [0] * domains
        self.possible = [0] * domains
        self.rated = [0] * domains
        self.problems: list[tuple[int, Reason]] = []
        """Reasons about form criteria, with the criterion's position in the form."""
        self.unknown: list[Reason] = []
        self.accounted = 0
        """Applicable criteria that carry a rating, valid or not."""
        self.complete = True
        self.critical_fail = False


def grade(form: Form, ratings: Iterable[Rating] | Mapping[str, Rating],
          scope: Scope) -> GradeResult:
    """Grade ``ratings`` of ``form`` for ``scope``; see the module docstring for the rules.

    Raises :class:`~certbench.errors.GradingError` when two ratings name the same
    criterion (or a mapping key differs from its rating's criterion id).
    """
    plan = _plan(form)
    sp = plan.for_scope(scope)
    given = _by_criterion(ratings)
    t = _Tally(len(plan.domain_ids))
    earned, possible, rated, lookup = t.earned, t.possible, t.rated, sp.lookup
    accounted = 0
    for rating in given.values():
        row = lookup.get(rating.criterion_id)
        if row is None:
            t.unknown.append(Reason(ReasonCode.UNKNOWN_CRITERION, rating.criterion_id,
                                    detail=rating.value))
            continue
        outcome = row[1].get(rating.value)
        if outcome is None:
            _odd_rating(plan, sp, t, row[0], rating)
            continue
        accounted += 1
        d, gained, out_of, flags, reason = outcome
        if flags:
            if flags & _IGNORED and reason is not None:
                accounted -= 1
                t.problems.append((row[0], reason))
                continue
            if flags & _NEEDS_JUSTIFICATION and not rating.justification.strip():
                t.complete = False
                t.problems.append((row[0], Reason(ReasonCode.NA_WITHOUT_JUSTIFICATION,
                                                  rating.criterion_id, plan.domain_ids[d],
                                                  rating.value)))
                continue
            if reason is not None:
                t.critical_fail = True
                t.problems.append((row[0], reason))
        rated[d] += 1
        earned[d] += gained
        possible[d] += out_of
    t.accounted += accounted
    if t.accounted < sp.applicable_total:
        t.complete = False
        t.problems.extend(sp.unrated[cid] for cid in sp.applicable_ids.difference(given))
    return _result(plan, sp, t)


def _odd_rating(plan: _Plan, sp: _ScopePlan, t: _Tally, i: int, rating: Rating) -> None:
    """A rating of a criterion that does not apply, or with a value the scale lacks."""
    code = ReasonCode.NOT_APPLICABLE
    if sp.applies[i]:
        code = ReasonCode.UNKNOWN_RATING
        t.accounted += 1
        t.complete = False
    t.problems.append((i, Reason(code, rating.criterion_id, plan.domain_ids[plan.domain_of[i]],
                                 rating.value)))


def _result(plan: _Plan, sp: _ScopePlan, t: _Tally) -> GradeResult:
    problems = t.problems
    problems.sort()  # (form position, reason): positions are unique, reasons never compared
    reasons = [r for _, r in problems]
    if t.unknown:
        reasons.extend(sorted(t.unknown, key=_criterion_id))
    domains: list[DomainScore] = []
    caps: list[str] = []
    cache = sp.domain_cache
    for d, counts in enumerate(zip(t.earned, t.possible, t.rated, strict=True)):
        hit = cache.get((d, *counts)) or sp.domain_score(plan, d, *counts)
        domains.append(hit[0])
        if hit[1]:
            caps.append(plan.caps[d])
            reasons.append(plan.floor_reasons[d])
    overall, grade_ = _overall(plan, t, caps, reasons)
    return GradeResult(
        form_hash=plan.form.hash, score=overall, domains=tuple(domains), grade=grade_,
        certifiable=t.complete and not t.critical_fail and grade_ is not None,
        complete=t.complete, reasons=tuple(reasons),
    )


def _criterion_id(reason: Reason) -> str:
    return reason.criterion_id or ""


def _overall(plan: _Plan, t: _Tally, caps: list[str],
             reasons: list[Reason]) -> tuple[Decimal | None, str | None]:
    """The overall score and the grade after caps; appends the overall reasons."""
    earned, possible = sum(t.earned), sum(t.possible)
    if not possible:
        if t.complete:
            reasons.append(Reason(ReasonCode.NO_APPLICABLE_CRITERIA))
        return None, None
    hundredths = earned * 10000 // possible
    score = _score(hundredths)
    grade_ = next((g for g, minimum in plan.bands if hundredths >= minimum), None)
    if grade_ is None:
        reasons.append(Reason(ReasonCode.BELOW_LOWEST_BAND, detail=str(score)))
        return score, None
    for cap in caps:
        if plan.rank[grade_] < plan.rank[cap]:
            grade_ = cap
    return score, grade_


def _by_criterion(ratings: Iterable[Rating] | Mapping[str, Rating]) -> dict[str, Rating]:
    if isinstance(ratings, Mapping):
        out = dict(ratings)
        for key, rating in out.items():
            if key != rating.criterion_id:
                raise GradingError(f"rating under key {key!r} is for {rating.criterion_id!r}",
                                   criterion=key)
        return out
    listed = ratings if isinstance(ratings, list | tuple) else list(ratings)
    out = {r.criterion_id: r for r in listed}
    if len(out) != len(listed):
        seen: set[str] = set()
        for rating in listed:
            if rating.criterion_id in seen:
                raise GradingError(f"two ratings for criterion {rating.criterion_id}",
                                   criterion=rating.criterion_id)
            seen.add(rating.criterion_id)
    return out


# -- ratings as data ----------------------------------------------------------------------


def _as_list(ratings: Iterable[Rating] | Mapping[str, Rating]) -> list[Rating]:
    return list(ratings.values()) if isinstance(ratings, Mapping) else list(ratings)


def ratings_to_json(ratings: Iterable[Rating] | Mapping[str, Rating]) -> list[dict[str, str]]:
    """Ratings as ``{"criterion", "value", "justification"}`` objects, sorted by criterion."""
    return [
        {"criterion": r.criterion_id, "value": r.value, "justification": r.justification}
        for r in sorted(_as_list(ratings), key=lambda r: (r.criterion_id, r.value,
                                                           r.justification))
    ]


def ratings_hash(ratings: Iterable[Rating] | Mapping[str, Rating]) -> str:
    """Hex SHA-256 of the canonical JSON of :func:`ratings_to_json`."""
    return canonical_hash(ratings_to_json(ratings))


def ratings_from_json(data: object) -> list[Rating]:
    """Inverse of :func:`ratings_to_json`; raises GradingError naming the bad entry."""
    if not isinstance(data, list):
        raise GradingError(f"ratings must be a JSON array, not {type(data).__name__}")
    out: list[Rating] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        rating = _rating_from_json(item, f"ratings[{i}]")
        if rating.criterion_id in seen:
            raise GradingError(f"ratings[{i}]: a second rating for {rating.criterion_id}",
                               path=f"ratings[{i}]", criterion=rating.criterion_id)
        seen.add(rating.criterion_id)
        out.append(rating)
    return out


def _rating_from_json(item: object, path: str) -> Rating:
    if not isinstance(item, dict):
        raise GradingError(f"{path}: must be an object, not {type(item).__name__}", path=path)
    unknown = sorted(set(item) - _RATING_KEYS)
    if unknown:
        raise GradingError(f"{path}: unknown key {unknown[0]!r} (allowed: criterion, value, "
                           "justification)", path=path)
    fields: dict[str, str] = {}
    for key in ("criterion", "value", "justification"):
        value = item.get(key, "" if key == "justification" else None)
        if not isinstance(value, str):
            problem = "must be a string" if key in item else "is missing"
            raise GradingError(f"{path}.{key}: {problem}", path=f"{path}.{key}")
        if key != "justification" and not value.strip():
            raise GradingError(f"{path}.{key}: must not be empty", path=f"{path}.{key}")
        fields[key] = value
    return Rating(fields["criterion"].strip(), fields["value"].strip(), fields["justification"])


# -- ratings files ---------------------------------------------------------------------


def read_ratings_file(path: Path) -> list[Rating]:
    """The ratings in a CSV or JSON file (see :func:`read_ratings_document`)."""
    return read_ratings_document(path)[0]


def read_ratings_document(path: Path) -> tuple[list[Rating], Scope | None]:
    """Ratings, and the scope if the file gives one, from a CSV or JSON file.

    CSV (UTF-8, with or without BOM): a header ``criterion,value[,justification]``,
    then one row per rating; a row with an empty value is an unrated criterion
    and is skipped. JSON: a list of rating objects, or ``{"ratings": [...],
    "scope": {...}}``. Bad input raises GradingError naming the line or entry.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise GradingError(f"{path}: cannot read: {exc.strerror}", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise GradingError(f"{path}: not UTF-8 text", file=str(path)) from exc
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("[", "{")):
        return _read_json(text, str(path))
    return _read_csv(text, str(path)), None


def _read_json(text: str, file: str) -> tuple[list[Rating], Scope | None]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GradingError(f"{file}: line {exc.lineno}: not valid JSON: {exc.msg}", file=file,
                           line=exc.lineno) from exc
    scope = None
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"ratings", "scope"})
        if unknown or "ratings" not in data:
            raise GradingError(f"{file}: expected {{\"ratings\": [...], \"scope\": {{...}}}}"
                               + (f", found key {unknown[0]!r}" if unknown else ""), file=file)
        if "scope" in data:
            scope = _scope_from_json(data["scope"], file)
        data = data["ratings"]
    try:
        return ratings_from_json(data), scope
    except GradingError as exc:
        raise GradingError(f"{file}: {exc.message}", file=file, **exc.context) from exc


def _scope_from_json(data: object, file: str) -> Scope:
    if not isinstance(data, dict):
        raise GradingError(f"{file}: scope must be an object", file=file)
    unknown = sorted(set(data) - set(Scope().to_json()))
    if unknown:
        raise GradingError(f"{file}: scope: unknown key {unknown[0]!r}", file=file)
    try:
        return Scope.from_json(data)
    except (TypeError, ValueError) as exc:
        raise GradingError(f"{file}: scope: {exc}", file=file) from exc


def read_scope_file(path: Path) -> Scope:
    """A scope from a JSON file (``Scope.to_json`` shape, or ``{"scope": {...}}``)."""
    path = Path(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise GradingError(f"{path}: cannot read: {exc.strerror}", file=str(path)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GradingError(f"{path}: not a JSON file: {exc}", file=str(path)) from exc
    if isinstance(data, dict) and set(data) == {"scope"}:
        data = data["scope"]
    return _scope_from_json(data, str(path))


def _read_csv(text: str, file: str) -> list[Rating]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    out: list[Rating] = []
    lines: dict[str, int] = {}
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = _csv_header(row, file, reader.line_num)
                continue
            rating = _csv_rating(header, row, file, reader.line_num)
            if rating is None:
                continue
            if rating.criterion_id in lines:
                raise GradingError(
                    f"{file}: line {reader.line_num}: a second rating for "
                    f"{rating.criterion_id} (first on line {lines[rating.criterion_id]})",
                    file=file, line=reader.line_num)
            lines[rating.criterion_id] = reader.line_num
            out.append(rating)
    except csv.Error as exc:
        raise GradingError(f"{file}: line {reader.line_num}: {exc}", file=file,
                           line=reader.line_num) from exc
    if header is None:
        raise GradingError(f"{file}: empty file; expected a header criterion,value,justification",
                           file=file)
    return out


def _csv_header(row: list[str], file: str, line: int) -> list[str]:
    names = [cell.strip().lower() for cell in row]
    for name in names:
        if name not in _RATING_KEYS:
            raise GradingError(f"{file}: line {line}: unknown column {name!r} (expected "
                               "criterion, value, justification)", file=file, line=line)
    for name in ("criterion", "value"):
        if name not in names:
            raise GradingError(f"{file}: line {line}: no {name!r} column", file=file, line=line)
    if len(set(names)) != len(names):
        raise GradingError(f"{file}: line {line}: a column is named twice", file=file, line=line)
    return names


def _csv_rating(header: list[str], row: list[str], file: str, line: int) -> Rating | None:
    if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
        raise GradingError(f"{file}: line {line}: {len(row)} cells but {len(header)} columns",
                           file=file, line=line)
    cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
    criterion, value = cells["criterion"].strip(), cells["value"].strip()
    justification = cells.get("justification", "")
    if not criterion:
        raise GradingError(f"{file}: line {line}: no criterion id", file=file, line=line)
    if not value:
        if justification.strip():
            raise GradingError(f"{file}: line {line}: a justification but no value for "
                               f"{criterion}", file=file, line=line)
        return None
    return Rating(criterion, value, justification)
