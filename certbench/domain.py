"""Domain records: frozen dataclasses and enums, no I/O and no third-party imports.

These are the shapes every other module speaks in. A :class:`Form` is a parsed,
validated checklist (see :mod:`certbench.checklists`); :func:`certbench.grading.grade`
turns a form, a set of :class:`Rating` and a :class:`Scope` into a :class:`GradeResult`.

Numbers that end up in a seal are :class:`decimal.Decimal`, never ``float``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "AuditState",
    "BusinessModel",
    "CertificateStatus",
    "Condition",
    "Criterion",
    "Domain",
    "DomainScore",
    "Form",
    "GradeBand",
    "GradeResult",
    "Parameter",
    "Rating",
    "Reason",
    "ReasonCode",
    "ScaleValue",
    "Scope",
    "Text",
]


@dataclass(frozen=True, slots=True)
class Text:
    """A text in English and Simplified Chinese; both are required."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``"en"`` or ``"zh"``); English for anything else."""
        return self.zh if lang == "zh" else self.en


class BusinessModel(enum.StrEnum):
    """Who the merchant sells to."""

    B2B = "B2B"
    B2C = "B2C"
    C2C = "C2C"


@dataclass(frozen=True, slots=True)
class Scope:
    """What an audit covers. It decides which criteria apply, and it is sealed.

    Markets are ISO 3166-1 alpha-2 codes, currencies ISO 4217, languages BCP 47
    tags; categories come from the form's own vocabulary.
    """

    business_models: frozenset[BusinessModel] = frozenset({BusinessModel.B2C})
    home_market: str = ""
    target_markets: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    currencies: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()

    @property
    def cross_border(self) -> bool:
        """True when the merchant sells into any market other than its home market."""
        return bool(self.target_markets - {self.home_market})

    def to_json(self) -> dict[str, object]:
        """A JSON-ready, order-stable mapping (lists sorted)."""
        return {
            "business_models": sorted(m.value for m in self.business_models),
            "home_market": self.home_market,
            "target_markets": sorted(self.target_markets),
            "languages": sorted(self.languages),
            "currencies": sorted(self.currencies),
            "categories": sorted(self.categories),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Scope:
        """Inverse of :meth:`to_json`; raises ``ValueError`` or ``TypeError`` on bad input."""

        def strings(key: str) -> frozenset[str]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise TypeError(f"scope.{key} must be a list of strings")
            return frozenset(value)

        home = data.get("home_market", "")
        if not isinstance(home, str):
            raise TypeError("scope.home_market must be a string")
        return cls(
            business_models=frozenset(BusinessModel(m) for m in strings("business_models")),
            home_market=home,
            target_markets=strings("target_markets"),
            languages=strings("languages"),
            currencies=strings("currencies"),
            categories=strings("categories"),
        )


@dataclass(frozen=True, slots=True)
class Condition:
    """A scope condition (``applies_when`` / ``critical_when``); all given parts must hold.

    ``None`` means "no constraint". ``business_models`` and ``categories`` hold when
    the scope has at least one of the listed values.
    """

    cross_border: bool | None = None
    business_models: frozenset[BusinessModel] | None = None
    categories: frozenset[str] | None = None

    def holds(self, scope: Scope) -> bool:
        """Whether ``scope`` satisfies every part of the condition."""
        if self.cross_border is not None and scope.cross_border != self.cross_border:
            return False
        if self.business_models is not None and not (self.business_models & scope.business_models):
            return False
        return self.categories is None or bool(self.categories & scope.categories)


ALWAYS = Condition()


@dataclass(frozen=True, slots=True)
class ScaleValue:
    """One value of a form's rating scale, e.g. ``fully`` = 3 points.

    ``points`` is ``None`` for an excluded value such as ``n/a``: the criterion
    then leaves the denominator.
    """

    value: str
    label: Text
    points: int | None
    needs_justification: bool = False


@dataclass(frozen=True, slots=True)
class Parameter:
    """A named, versioned threshold of the form (return window, reply hours, ...)."""

    name: str
    value: int | Decimal | str | bool
    unit: str
    label: Text
    policy: bool = True
    """True when the default is the certification body's own policy choice, not a source figure."""


@dataclass(frozen=True, slots=True)
class GradeBand:
    """A grade letter and the lowest overall score (percent) that earns it."""

    grade: str
    min_score: Decimal


@dataclass(frozen=True, slots=True)
class Domain:
    """A group of criteria with its own score and floor."""

    id: str
    title: Text
    floor: Decimal
    """Lowest acceptable domain score (percent); below it the grade is capped at ``floor_cap``."""
    floor_cap: str | None = None
    """The best grade an audit can get while this domain is under its floor; ``None``
    means the form's default cap (``Form.default_floor_cap``)."""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One assessable requirement of the checklist."""

    id: str
    domain: str
    name: str
    requirement: Text
    guidance: Text
    methods: tuple[str, ...]
    evidence: tuple[str, ...]
    weight: int
    critical: bool = False
    critical_when: Condition | None = None
    """Critical only when this holds (e.g. a regulated product category)."""
    applies_when: Condition = ALWAYS
    parameters: tuple[str, ...] = ()

    def applies(self, scope: Scope) -> bool:
        """Whether the criterion is assessed for ``scope``."""
        return self.applies_when.holds(scope)

    def is_critical(self, scope: Scope) -> bool:
        """Whether a rating below the top of the scale blocks certification for ``scope``."""
        if self.critical:
            return True
        return self.critical_when is not None and self.critical_when.holds(scope)


@dataclass(frozen=True, slots=True)
class Form:
    """A published, immutable checklist version."""

    id: str
    version: str
    title: Text
    scale: tuple[ScaleValue, ...]
    parameters: Mapping[str, Parameter]
    bands: tuple[GradeBand, ...]
    """Descending by ``min_score``; below the last band the audit is not certifiable."""
    domains: tuple[Domain, ...]
    criteria: tuple[Criterion, ...]
    categories: frozenset[str] = frozenset()
    """The product-category vocabulary scope conditions may use."""
    evidence_kinds: frozenset[str] = frozenset()
    methods: Mapping[str, Text] = field(default_factory=dict)
    default_floor_cap: str = "C"
    hash: str = ""
    """Hex SHA-256 of the RFC 8785 canonical JSON of the parsed form (set by the loader)."""
    published: str = ""
    """ISO date the form version was published."""
    description: Text | None = None
    """Optional description of the form version."""

    @property
    def ref(self) -> str:
        """``id@version``, the way the CLI names a form."""
        return f"{self.id}@{self.version}"

    @property
    def max_points(self) -> int:
        """Points of the top of the scale."""
        return max(v.points for v in self.scale if v.points is not None)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with ``criterion_id``; ``KeyError`` if there is none."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def scale_value(self, value: str) -> ScaleValue:
        """The scale entry for ``value``; ``KeyError`` if the scale has none."""
        for v in self.scale:
            if v.value == value:
                return v
        raise KeyError(value)

    def parameter(self, name: str) -> int | Decimal | str | bool:
        """The value of parameter ``name``."""
        return self.parameters[name].value


@dataclass(frozen=True, slots=True)
class Rating:
    """An assessor's rating of one criterion."""

    criterion_id: str
    value: str
    justification: str = ""


class ReasonCode(enum.StrEnum):
    """Why a grade is what it is; the GUI and CLI translate these, the core never does."""

    UNRATED = "unrated"
    UNKNOWN_CRITERION = "unknown_criterion"
    UNKNOWN_RATING = "unknown_rating"
    NOT_APPLICABLE = "not_applicable"
    """A rating was given for a criterion that does not apply to the scope; it is ignored."""
    NA_WITHOUT_JUSTIFICATION = "na_without_justification"
    CRITICAL_BELOW_FULL = "critical_below_full"
    DOMAIN_BELOW_FLOOR = "domain_below_floor"
    BELOW_LOWEST_BAND = "below_lowest_band"
    NO_APPLICABLE_CRITERIA = "no_applicable_criteria"


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing that limited a grade, with the criterion or domain it concerns."""

    code: ReasonCode
    criterion_id: str | None = None
    domain_id: str | None = None
    detail: str = ""
    """Machine-readable detail (a rating value, a score, a grade cap); never prose."""


@dataclass(frozen=True, slots=True)
class DomainScore:
    """A domain's weighted score over the criteria that apply and are rated."""

    domain_id: str
    score: Decimal | None
    """Percent with two decimals; ``None`` when nothing in the domain counts."""
    earned: Decimal
    possible: Decimal
    applicable: int
    rated: int


@dataclass(frozen=True, slots=True)
class GradeResult:
    """What :func:`certbench.grading.grade` returns."""

    form_hash: str
    score: Decimal | None
    """Overall percent with two decimals, weighted over every counted criterion."""
    domains: tuple[DomainScore, ...]
    grade: str | None
    """The band letter after caps; ``None`` when below the lowest band or nothing counts."""
    certifiable: bool
    complete: bool
    """Every applicable criterion is rated (n/a with justification counts as rated)."""
    reasons: tuple[Reason, ...]

    def domain(self, domain_id: str) -> DomainScore:
        """The score of ``domain_id``."""
        for d in self.domains:
            if d.domain_id == domain_id:
                return d
        raise KeyError(domain_id)


class AuditState(enum.StrEnum):
    """Audit lifecycle: draft, in_progress, submitted, then returned or approved, certified."""

    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    CERTIFIED = "certified"


class CertificateStatus(enum.StrEnum):
    """A certificate's status; ``expired`` follows from the date, the others from decisions."""

    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
