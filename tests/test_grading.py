"""Grading: every rule and reason, exact truncated scores, properties, ratings files."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certbench.checklists import load_form
from certbench.domain import (
    BusinessModel,
    Form,
    GradeBand,
    GradeResult,
    Rating,
    ReasonCode,
    Scope,
)
from certbench.errors import GradingError
from certbench.grading import (
    grade,
    ratings_from_json,
    ratings_hash,
    ratings_to_json,
    read_ratings_document,
    read_ratings_file,
    read_scope_file,
)

MINI = Path(__file__).parent / "data" / "forms" / "mini-trust" / "1.0.toml"
FORM = load_form(MINI)
DEFAULT_APPLICABLE = ("MER-01", "MER-02", "MER-03", "PAY-01", "PAY-02", "PAY-03")

S0 = Scope()
FOOD = Scope(categories=frozenset({"food"}))
XB = Scope(home_market="CN", target_markets=frozenset({"CN", "DE"}))
XB_TOYS = Scope(home_market="CN", target_markets=frozenset({"DE"}), categories=frozenset({"toys"}))
C2C = Scope(business_models=frozenset({BusinessModel.C2C}))

Override = str | tuple[str, str] | None
R = ReasonCode


def ratings(overrides: Mapping[str, Override] | None = None) -> list[Rating]:
    """Every criterion that applies by default rated fully, then ``overrides`` (None: unrated)."""
    chosen: dict[str, Override] = dict.fromkeys(DEFAULT_APPLICABLE, "fully")
    chosen.update(overrides or {})
    out = []
    for cid, choice in chosen.items():
        if choice is None:
            continue
        value, justification = choice if isinstance(choice, tuple) else (choice, "")
        out.append(Rating(cid, value, justification))
    return out


def floor(domain_id: str, value: str) -> Callable[[Form], Form]:
    def tweak(form: Form) -> Form:
        domains = tuple(dataclasses.replace(d, floor=Decimal(value)) if d.id == domain_id else d
                        for d in form.domains)
        return dataclasses.replace(form, domains=domains)
    return tweak


def top_band(min_score: str) -> Callable[[Form], Form]:
    def tweak(form: Form) -> Form:
        return dataclasses.replace(form, bands=(GradeBand("A", Decimal(min_score)),
                                                *form.bands[1:]))
    return tweak


ALL_NA: dict[str, Override] = dict.fromkeys(DEFAULT_APPLICABLE, ("n/a", "out of scope"))
NONE_RATED: dict[str, Override] = dict.fromkeys(DEFAULT_APPLICABLE, None)

# id, scope, overrides, tweak, (score, grade, certifiable, complete), reasons
CASES: list[tuple[str, Scope, dict[str, Override], Callable[[Form], Form] | None,
                  tuple[str | None, str | None, bool, bool],
                  list[tuple[ReasonCode, str | None, str | None, str]]]] = [
    ("all fully", S0, {}, None, ("100.00", "A", True, True), []),
    ("largely on a normal criterion", S0, {"MER-02": "largely"}, None,
     ("95.23", "A", True, True), []),
    ("critical below full", S0, {"PAY-01": "largely"}, None, ("92.85", "A", False, True),
     [(R.CRITICAL_BELOW_FULL, "PAY-01", "PAY", "largely")]),
    ("critical not met", S0, {"MER-01": "not_met"}, None, ("78.57", "C", False, True),
     [(R.CRITICAL_BELOW_FULL, "MER-01", "MER", "not_met")]),
    ("critical_when holds", FOOD, {"MER-03": "largely"}, None, ("92.85", "A", False, True),
     [(R.CRITICAL_BELOW_FULL, "MER-03", "MER", "largely")]),
    ("critical_when does not hold", S0, {"MER-03": "largely"}, None,
     ("92.85", "A", True, True), []),
    ("n/a with justification", S0, {"MER-02": ("n/a", "no contact page needed")}, None,
     ("100.00", "A", True, True), []),
    ("n/a without justification", S0, {"MER-02": ("n/a", "")}, None,
     ("100.00", "A", False, False), [(R.NA_WITHOUT_JUSTIFICATION, "MER-02", "MER", "n/a")]),
    ("n/a with a blank justification", S0, {"MER-02": ("n/a", " \t ")}, None,
     ("100.00", "A", False, False), [(R.NA_WITHOUT_JUSTIFICATION, "MER-02", "MER", "n/a")]),
    ("justified n/a on a critical criterion", S0, {"MER-01": ("n/a", "sole trader")}, None,
     ("100.00", "A", True, True), []),
    ("unrated", S0, {"PAY-03": None}, None, ("100.00", "A", False, False),
     [(R.UNRATED, "PAY-03", "PAY", "")]),
    ("value not on the scale", S0, {"PAY-03": "mostly"}, None, ("100.00", "A", False, False),
     [(R.UNKNOWN_RATING, "PAY-03", "PAY", "mostly")]),
    ("unknown criterion", S0, {"ZZ-01": "fully"}, None, ("100.00", "A", True, True),
     [(R.UNKNOWN_CRITERION, "ZZ-01", None, "fully")]),
    ("rating of a criterion that does not apply", S0, {"XB-01": "not_met"}, None,
     ("100.00", "A", True, True), [(R.NOT_APPLICABLE, "XB-01", "XB", "not_met")]),
    ("cross-border criteria apply", XB, {"XB-01": "partially", "XB-02": "fully"}, None,
     ("91.66", "C", True, True), [(R.NOT_APPLICABLE, "XB-02", "XB", "fully"),
                                  (R.DOMAIN_BELOW_FLOOR, None, "XB", "C")]),
    ("cross-border with a category", XB_TOYS, {"XB-01": "fully"}, None,
     ("100.00", "A", False, False), [(R.UNRATED, "XB-02", "XB", "")]),
    ("business model condition", C2C, {}, None, ("100.00", "A", False, False),
     [(R.UNRATED, "MER-04", "MER", "")]),
    ("business model criterion rated", C2C, {"MER-04": "partially"}, None,
     ("95.55", "A", True, True), []),
    ("domain below floor, cap above the grade", S0, {"PAY-02": "not_met", "PAY-03": "not_met"},
     None, ("78.57", "C", True, True), [(R.DOMAIN_BELOW_FLOOR, None, "PAY", "B")]),
    ("domain below floor caps at the default cap", S0, {"MER-02": "largely"}, floor("MER", "95"),
     ("95.23", "C", True, True), [(R.DOMAIN_BELOW_FLOOR, None, "MER", "C")]),
    ("domain below floor caps at its own cap", S0, {"PAY-03": "largely"}, floor("PAY", "95"),
     ("97.61", "B", True, True), [(R.DOMAIN_BELOW_FLOOR, None, "PAY", "B")]),
    ("score equal to the floor is not below it", S0, {"MER-02": "largely"},
     floor("MER", "91.66"), ("95.23", "A", True, True), []),
    ("truncated score under a floor between hundredths", S0, {"MER-02": "largely"},
     floor("MER", "91.665"), ("95.23", "C", True, True),
     [(R.DOMAIN_BELOW_FLOOR, None, "MER", "C")]),
    ("score exactly at a band", S0, {"MER-02": "largely"}, top_band("95.23"),
     ("95.23", "A", True, True), []),
    ("score never rounded up into a band", S0, {"MER-02": "largely"}, top_band("95.24"),
     ("95.23", "B", True, True), []),
    ("below the lowest band", S0, {"MER-02": "not_met", "MER-03": "not_met"}, None,
     ("64.28", None, False, True),
     [(R.DOMAIN_BELOW_FLOOR, None, "MER", "C"), (R.BELOW_LOWEST_BAND, None, None, "64.28")]),
    ("everything justified n/a", S0, ALL_NA, None, (None, None, False, True),
     [(R.NO_APPLICABLE_CRITERIA, None, None, "")]),
    ("nothing rated", S0, NONE_RATED, None, (None, None, False, False),
     [(R.UNRATED, cid, cid[:3], "") for cid in DEFAULT_APPLICABLE]),
    ("reasons in form order, then unknown ids, then domains", S0,
     {"ZZ-02": "fully", "XB-02": "fully", "PAY-03": None, "PAY-01": "partially",
      "AA-01": "x", "MER-02": ("n/a", "")}, None, ("81.81", "B", False, False),
     [(R.NA_WITHOUT_JUSTIFICATION, "MER-02", "MER", "n/a"),
      (R.CRITICAL_BELOW_FULL, "PAY-01", "PAY", "partially"), (R.UNRATED, "PAY-03", "PAY", ""),
      (R.NOT_APPLICABLE, "XB-02", "XB", "fully"), (R.UNKNOWN_CRITERION, "AA-01", None, "x"),
      (R.UNKNOWN_CRITERION, "ZZ-02", None, "fully"), (R.DOMAIN_BELOW_FLOOR, None, "PAY", "B")]),
]


@pytest.mark.parametrize(("scope", "overrides", "tweak", "expected", "reasons"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_grading_rules(scope: Scope, overrides: dict[str, Override],
                       tweak: Callable[[Form], Form] | None,
                       expected: tuple[str | None, str | None, bool, bool],
                       reasons: list[tuple[ReasonCode, str | None, str | None, str]]) -> None:
    form = tweak(FORM) if tweak else FORM
    result = grade(form, ratings(overrides), scope)
    score = None if result.score is None else str(result.score)
    assert (score, result.grade, result.certifiable, result.complete) == expected
    assert [(r.code, r.criterion_id, r.domain_id, r.detail) for r in result.reasons] == reasons
    assert result.form_hash == form.hash


def test_domain_scores_carry_sums_and_counts() -> None:
    result = grade(FORM, ratings({"MER-02": "largely", "MER-03": ("n/a", "no licences")}), S0)
    mer, pay, xb = result.domains
    assert (mer.domain_id, mer.score, mer.earned, mer.possible, mer.applicable, mer.rated) == (
        "MER", Decimal("86.66"), Decimal(13), Decimal(15), 3, 3)
    assert (pay.score, pay.applicable, pay.rated) == (Decimal("100.00"), 3, 3)
    assert (xb.score, xb.earned, xb.possible, xb.applicable, xb.rated) == (
        None, Decimal(0), Decimal(0), 0, 0)
    assert result.domain("PAY") is pay


def test_scores_always_have_two_decimals() -> None:
    result = grade(FORM, ratings({"MER-02": "partially"}), S0)
    assert result.score is not None
    assert result.score.as_tuple().exponent == -2
    assert all(d.score is None or d.score.as_tuple().exponent == -2 for d in result.domains)
    assert str(grade(FORM, ratings(), S0).score) == "100.00"


def test_mapping_and_generator_inputs_grade_the_same() -> None:
    listed = ratings({"PAY-01": "largely"})
    expected = grade(FORM, listed, S0)
    assert grade(FORM, {r.criterion_id: r for r in listed}, S0) == expected
    assert grade(FORM, (r for r in listed), S0) == expected


def test_two_ratings_for_one_criterion_are_refused() -> None:
    with pytest.raises(GradingError, match="two ratings for criterion PAY-01"):
        grade(FORM, [*ratings(), Rating("PAY-01", "not_met")], S0)
    with pytest.raises(GradingError, match="is for 'PAY-02'"):
        grade(FORM, {"PAY-01": Rating("PAY-02", "fully")}, S0)


def test_a_changed_form_object_is_not_graded_with_a_stale_plan() -> None:
    assert grade(FORM, ratings({"MER-02": "largely"}), S0).grade == "A"
    stricter = dataclasses.replace(FORM, bands=(GradeBand("A", Decimal(99)),))
    assert grade(stricter, ratings({"MER-02": "largely"}), S0).grade is None


def test_standard_form_all_fully_is_certifiable(standard_form_path: Path) -> None:
    form = load_form(standard_form_path)
    scope = Scope(categories=frozenset({"food"}))
    applicable = [c for c in form.criteria if c.applies(scope)]
    result = grade(form, [Rating(c.id, "fully") for c in applicable], scope)
    assert (result.score, result.grade, result.certifiable) == (Decimal("100.00"), "A", True)
    conditional = next(c for c in form.criteria if c.critical_when is not None)
    worse = [Rating(c.id, "largely" if c is conditional else "fully") for c in applicable]
    if conditional.applies(scope) and conditional.is_critical(scope):
        failed = grade(form, worse, scope)
        assert not failed.certifiable
        assert [r.code for r in failed.reasons] == [ReasonCode.CRITICAL_BELOW_FULL]


# -- properties ----------------------------------------------------------------------------

POINT_VALUES = ("not_met", "partially", "largely", "fully")
rating_choice = st.sampled_from(
    [None, *POINT_VALUES, ("n/a", "does not sell that"), ("n/a", ""), "bogus"])
scopes = st.builds(
    lambda models, abroad, categories: Scope(
        business_models=models, home_market="CN",
        target_markets=frozenset({"CN", "DE"} if abroad else {"CN"}), categories=categories),
    st.frozensets(st.sampled_from(list(BusinessModel)), min_size=1),
    st.booleans(),
    st.frozensets(st.sampled_from(sorted(FORM.categories))),
)
rating_sets = st.tuples(*[rating_choice for _ in FORM.criteria]).map(
    lambda values: {c.id: v for c, v in zip(FORM.criteria, values, strict=True)})

PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _as_ratings(chosen: Mapping[str, Override]) -> list[Rating]:
    out = []
    for cid, choice in chosen.items():
        if choice is None:
            continue
        value, justification = choice if isinstance(choice, tuple) else (choice, "")
        out.append(Rating(cid, value, justification))
    return out


def _rank(result: GradeResult) -> int:
    grades = [b.grade for b in FORM.bands]
    return len(grades) if result.grade is None else grades.index(result.grade)


@PROPERTY
@given(rating_sets, scopes)
def test_raising_a_rating_never_lowers_a_score(chosen: dict[str, Override], scope: Scope) -> None:
    before = grade(FORM, _as_ratings(chosen), scope)
    for cid, value in chosen.items():
        if value not in POINT_VALUES[:-1]:
            continue
        assert isinstance(value, str)
        raised = {**chosen, cid: POINT_VALUES[POINT_VALUES.index(value) + 1]}
        after = grade(FORM, _as_ratings(raised), scope)
        if before.score is not None:
            assert after.score is not None and after.score >= before.score
        for b, a in zip(before.domains, after.domains, strict=True):
            if b.score is not None:
                assert a.score is not None and a.score >= b.score
        assert _rank(after) <= _rank(before)


@PROPERTY
@given(rating_sets, scopes)
def test_a_critical_failure_is_never_certifiable(chosen: dict[str, Override],
                                                  scope: Scope) -> None:
    result = grade(FORM, _as_ratings(chosen), scope)
    failed = [c.id for c in FORM.criteria if c.applies(scope) and c.is_critical(scope)
              and chosen[c.id] in POINT_VALUES[:-1]]
    if failed:
        assert not result.certifiable
        flagged = [r.criterion_id for r in result.reasons
                   if r.code is ReasonCode.CRITICAL_BELOW_FULL]
        assert flagged == failed
    if result.certifiable:
        assert result.complete and result.grade is not None


@PROPERTY
@given(rating_sets, scopes)
def test_justified_na_is_the_same_as_removing_the_criterion(chosen: dict[str, Override],
                                                            scope: Scope) -> None:
    result = grade(FORM, _as_ratings(chosen), scope)
    for criterion in FORM.criteria:
        if chosen[criterion.id] != ("n/a", "does not sell that") or not criterion.applies(scope):
            continue
        smaller = dataclasses.replace(
            FORM, criteria=tuple(c for c in FORM.criteria if c is not criterion))
        rest = {k: v for k, v in chosen.items() if k != criterion.id}
        without = grade(smaller, _as_ratings(rest), scope)
        assert (without.score, without.grade, without.certifiable, without.complete) == (
            result.score, result.grade, result.certifiable, result.complete)
        assert [d.score for d in without.domains] == [d.score for d in result.domains]
        assert without.reasons == result.reasons


@PROPERTY
@given(rating_sets, scopes, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_rating_order(chosen: dict[str, Override], scope: Scope,
                                                rnd: random.Random) -> None:
    listed = [*_as_ratings(chosen), Rating("ZZ-09", "fully"), Rating("AA-01", "largely")]
    expected = grade(FORM, listed, scope)
    rnd.shuffle(listed)
    assert grade(FORM, listed, scope) == expected


# -- ratings as data -----------------------------------------------------------------------


def test_ratings_json_round_trip_sorted_by_criterion() -> None:
    listed = [Rating("PAY-01", "fully"), Rating("MER-02", "n/a", "无需联系页")]
    data = ratings_to_json(listed)
    assert data == [
        {"criterion": "MER-02", "value": "n/a", "justification": "无需联系页"},
        {"criterion": "PAY-01", "value": "fully", "justification": ""},
    ]
    assert sorted(ratings_from_json(data), key=lambda r: r.criterion_id) == sorted(
        listed, key=lambda r: r.criterion_id)


def test_ratings_hash_ignores_order_and_sees_every_field() -> None:
    listed = ratings({"MER-02": ("n/a", "why")})
    base = ratings_hash(listed)
    assert ratings_hash(list(reversed(listed))) == base
    assert ratings_hash({r.criterion_id: r for r in listed}) == base
    assert ratings_hash(ratings({"MER-02": ("n/a", "why not")})) != base
    assert ratings_hash(ratings({"MER-02": "largely"})) != base
    assert ratings_hash(ratings({"MER-02": None})) != base


@pytest.mark.parametrize(("data", "words"), [
    ({"criterion": "A"}, "ratings must be a JSON array"),
    (["MER-01"], "ratings[0]: must be an object"),
    ([{"criterion": "MER-01"}], "ratings[0].value: is missing"),
    ([{"criterion": "MER-01", "value": 3}], "ratings[0].value: must be a string"),
    ([{"criterion": "", "value": "fully"}], "ratings[0].criterion: must not be empty"),
    ([{"criterion": "MER-01", "value": "fully", "note": "x"}], "unknown key 'note'"),
    ([{"criterion": "MER-01", "value": "fully", "justification": None}],
     "ratings[0].justification: must be a string"),
    ([{"criterion": "MER-01", "value": "fully"}, {"criterion": "MER-01", "value": "largely"}],
     "ratings[1]: a second rating for MER-01"),
])
def test_ratings_from_json_refuses_bad_input(data: object, words: str) -> None:
    with pytest.raises(GradingError) as err:
        ratings_from_json(data)
    assert words in err.value.message


CSV_GOOD = ('criterion,value,justification\r\nMER-01,fully,\r\n\r\nMER-02,n/a,'
            '"no page, ""really""\nsecond line 第二行"\r\nPAY-01,,\r\nPAY-02, largely \r\n')


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_csv_ratings_with_or_without_bom(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "ratings.csv"
    path.write_bytes(bom + CSV_GOOD.encode("utf-8"))
    assert read_ratings_file(path) == [
        Rating("MER-01", "fully", ""),
        Rating("MER-02", "n/a", 'no page, "really"\nsecond line 第二行'),
        Rating("PAY-02", "largely", ""),
    ]


def test_csv_columns_may_come_in_any_order_and_justification_is_optional(
        tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Value,Criterion\nfully,MER-01\n", encoding="utf-8")
    assert read_ratings_file(path) == [Rating("MER-01", "fully")]


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty file"),
    ("criterion,value,note\nMER-01,fully,x\n", "line 1: unknown column 'note'"),
    ("criterion,justification\nMER-01,x\n", "line 1: no 'value' column"),
    ("criterion,value,value\n", "line 1: a column is named twice"),
    ("criterion,value\nMER-01,fully\nMER-02,fully,extra\n", "line 3: 3 cells but 2 columns"),
    ("criterion,value\nMER-01,fully\n\nMER-01,largely\n",
     "line 4: a second rating for MER-01 (first on line 2)"),
    ("criterion,value,justification\n,fully,\n", "line 2: no criterion id"),
    ("criterion,value,justification\nMER-01,,because\n", "line 2: a justification but no value"),
    ('criterion,value,justification\nMER-01,fully,"open\n', "line 2: unexpected end of data"),
])
def test_bad_csv_names_the_line(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GradingError) as err:
        read_ratings_file(path)
    assert words in err.value.message and str(path) in err.value.message


def test_csv_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("criterion,value,justification\nMER-01,n/a,caf\xe9\n".encode("latin-1"))
    with pytest.raises(GradingError, match="not UTF-8"):
        read_ratings_file(path)


def test_json_ratings_file_with_scope(tmp_path: Path) -> None:
    path = tmp_path / "audit.json"
    scope = Scope(home_market="CN", target_markets=frozenset({"DE"}),
                  categories=frozenset({"toys"}))
    path.write_text(json.dumps({"ratings": ratings_to_json(ratings()), "scope": scope.to_json()}),
                    encoding="utf-8")
    listed, found = read_ratings_document(path)
    assert found == scope and sorted(listed, key=lambda r: r.criterion_id) == ratings()
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(ratings_to_json(ratings())), encoding="utf-8")
    assert read_ratings_document(plain)[1] is None


@pytest.mark.parametrize(("text", "words"), [
    ('[{"criterion": "MER-01", "value": "fully"},\n oops]', "line 2: not valid JSON"),
    ('{"ratings": [], "form": "x"}', "found key 'form'"),
    ('{"scope": {}}', 'expected {"ratings"'),
    ('{"ratings": [], "scope": {"markets": []}}', "scope: unknown key 'markets'"),
    ('{"ratings": [], "scope": {"business_models": ["B2X"]}}', "scope: 'B2X'"),
    ('{"ratings": [], "scope": []}', "scope must be an object"),
    ('[{"criterion": "MER-01", "value": 3}]', "ratings[0].value: must be a string"),
])
def test_bad_json_ratings_are_refused(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GradingError) as err:
        read_ratings_document(path)
    assert words in err.value.message and str(path) in err.value.message


def test_scope_file_plain_or_wrapped(tmp_path: Path) -> None:
    path = tmp_path / "scope.json"
    path.write_text(json.dumps(XB_TOYS.to_json()), encoding="utf-8")
    assert read_scope_file(path) == XB_TOYS
    path.write_text(json.dumps({"scope": C2C.to_json()}), encoding="utf-8")
    assert read_scope_file(path) == C2C
    path.write_text("{", encoding="utf-8")
    with pytest.raises(GradingError, match="not a JSON file"):
        read_scope_file(path)
    with pytest.raises(GradingError, match="cannot read"):
        read_scope_file(tmp_path / "missing.json")


# The worked examples of forms/README.md §2.2 (domestic B2C scope, everything else fully).
README_EXAMPLES = [
    ({}, frozenset(), "100.00", None, "A", True),
    ({"MER-04": "not_met"}, frozenset(), "97.88", ("MER", "75.00"), "C", True),
    ({"MER-04": "partially"}, frozenset(), "98.59", ("MER", "83.33"), "A", True),
    ({"PRIV-03": "not_met"}, frozenset(), "98.59", ("PRIV", "81.81"), "C", True),
    ({"PAY-04": "not_met"}, frozenset(), "97.88", ("PAY", "75.00"), "A", True),
    ({"PAY-04": "not_met", "PAY-05": "not_met"}, frozenset(), "97.18", ("PAY", "66.66"), "C",
     True),
    ({"ASR-03": "not_met", "ASR-04": "not_met"}, frozenset(), "96.47", ("ASR", "68.75"), "C",
     True),
    ({"PQA-05": "largely"}, frozenset({"toys"}), "99.29", ("PQA", "94.11"), "A", False),
    ({"PQA-05": "largely"}, frozenset({"apparel"}), "99.29", ("PQA", "94.11"), "A", True),
]


@pytest.mark.parametrize(("changes", "categories", "score", "domain", "grade_", "certifiable"),
                         README_EXAMPLES)
def test_standard_form_worked_examples(standard_form_path: Path, changes: dict[str, str],
                                       categories: frozenset[str], score: str,
                                       domain: tuple[str, str] | None, grade_: str,
                                       certifiable: bool) -> None:
    form = load_form(standard_form_path)
    scope = Scope(home_market="CN", target_markets=frozenset({"CN"}), categories=categories)
    listed = [Rating(c.id, changes.get(c.id, "fully")) for c in form.criteria if c.applies(scope)]
    result = grade(form, listed, scope)
    assert (str(result.score), result.grade, result.certifiable) == (score, grade_, certifiable)
    if domain is not None:
        assert str(result.domain(domain[0]).score) == domain[1]
