"""The checklist loader: validation of every rule, location checks, the form hash."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import shutil
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certbench import assets
from certbench.canonical import canonical_hash
from certbench.checklists import (
    find_form,
    form_hash,
    form_path,
    form_source,
    form_to_json,
    install_form,
    list_forms,
    load_form,
    parse_form,
    user_forms_dir,
)
from certbench.domain import ALWAYS, BusinessModel, Condition, Form
from certbench.errors import FormError

FORMS = Path(__file__).parent / "data" / "forms"
MINI = FORMS / "mini-trust" / "1.0.toml"
MINI_TEXT = MINI.read_text(encoding="utf-8")


def _problems(exc: FormError) -> list[tuple[str, str]]:
    return list(exc.context.get("problems", [(exc.path, exc.problem)]))  # type: ignore[call-overload]


# -- a TOML writer that varies formatting, for the hash tests ---------------------------

_BARE = re.compile(r"[A-Za-z0-9_-]+")


class TomlWriter:
    """Writes a parsed TOML document back, choosing formatting at random (or plainly)."""

    def __init__(self, rnd: random.Random | None = None) -> None:
        self.rnd = rnd

    def pick(self, *options: Any) -> Any:
        return options[0] if self.rnd is None else self.rnd.choice(options)

    def order(self, items: list[Any]) -> list[Any]:
        if self.rnd is not None:
            self.rnd.shuffle(items)
        return items

    def string(self, s: str) -> str:
        basic = json.dumps(s, ensure_ascii=self.pick(False, True))
        options = [basic, '"""' + basic[1:-1] + '"""']
        if "'" not in s and not any(ord(ch) < 32 or ord(ch) == 127 for ch in s):
            options += ["'" + s + "'", "'''" + s + "'''"]
        return str(self.pick(*options))

    def key(self, k: str) -> str:
        options = [json.dumps(k, ensure_ascii=False)]
        if "'" not in k:
            options.append("'" + k + "'")
        if _BARE.fullmatch(k):
            options += [k, k]
        return str(self.pick(*options))

    def integer(self, n: int) -> str:
        options = [str(n)]
        if n >= 0:
            options += [f"+{n}", hex(n), oct(n), bin(n)]
        if abs(n) >= 1000:
            options.append(f"{n:_}")
        return str(self.pick(*options))

    def value(self, v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return self.integer(v)
        if isinstance(v, str):
            return self.string(v)
        if isinstance(v, list):
            sep = self.pick(", ", ",", " , ", ",\n  ")
            trailing = self.pick("", ",") if v else ""
            return "[" + sep.join(self.value(x) for x in v) + trailing + "]"
        if isinstance(v, dict):
            items = self.order(list(v.items()))
            body = self.pick(", ", ",").join(f"{self.key(k)} = {self.value(x)}" for k, x in items)
            return "{ " + body + " }" if body else "{}"
        raise TypeError(type(v))

    def assign(self, k: str, v: Any) -> str:
        eq = self.pick(" = ", "=", "  =\t")
        comment = self.pick("", "", "  # note")
        return f"{self.key(k)}{eq}{self.value(v)}{comment}"

    def table(self, path: list[str], table: dict[str, Any]) -> list[str]:
        lines: list[str] = []
        headers: list[tuple[str, Any]] = []
        for k, v in self.order(list(table.items())):
            as_header = (isinstance(v, dict) and self.pick(True, False)) or (
                isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
                and self.pick(True, False))
            if as_header:
                headers.append((k, v))
            else:
                lines.append(self.assign(k, v))
            if self.pick(False, False, True):
                lines.append(self.pick("", "# a comment", "   "))
        for k, v in headers:
            dotted = ".".join(self.key(p) for p in [*path, k])
            if isinstance(v, dict):
                lines += ["", f"[{dotted}]", *self.table([*path, k], v)]
            else:
                for element in v:
                    lines += ["", f"[[{dotted}]]", *self.table([*path, k], element)]
        return lines

    def document(self, doc: dict[str, Any]) -> str:
        return "\n".join(self.table([], doc)) + "\n"


def mini_doc() -> dict[str, Any]:
    return tomllib.loads(MINI_TEXT)


# -- loading the fixture -----------------------------------------------------------------


def test_fixture_form_loads_with_every_feature() -> None:
    form = load_form(MINI)
    assert (form.id, form.version, form.ref) == ("mini-trust", "1.0", "mini-trust@1.0")
    assert form.published == "2026-11-01"
    assert form.description is not None and form.description.zh == "测试用检查表。"
    assert [d.id for d in form.domains] == ["MER", "PAY", "XB"]
    assert len(form.criteria) == 9
    assert [v.value for v in form.scale] == ["fully", "largely", "partially", "not_met", "n/a"]
    assert form.scale_value("n/a").points is None and form.scale_value("n/a").needs_justification
    assert form.max_points == 3
    pay = form.domains[1]
    assert pay.floor == Decimal("62.5") and pay.floor_cap == "B"
    assert form.domains[2].floor == Decimal(50) and form.domains[0].floor_cap is None
    assert [(b.grade, b.min_score) for b in form.bands] == [
        ("A", Decimal(90)), ("B", Decimal(80)), ("C", Decimal(70))]
    assert form.parameter("return_window_days") == 7
    assert form.parameter("reply_hours") == Decimal("24.5")
    assert form.parameter("home_language") == "zh-CN"
    assert form.parameter("seal_on_receipt") is False
    assert form.parameters["reply_hours"].policy is False
    assert form.criterion("MER-03").critical_when == Condition(categories=frozenset(
        {"food", "cosmetics"}))
    assert form.criterion("MER-04").applies_when == Condition(
        business_models=frozenset({BusinessModel.C2C}))
    assert form.criterion("XB-02").applies_when == Condition(
        cross_border=True, categories=frozenset({"toys", "general"}))
    assert form.criterion("MER-02").applies_when == ALWAYS
    assert form.criterion("PAY-01").methods == ("WEB", "TP")
    assert form.criterion("XB-02").parameters == ("reply_hours", "home_language")
    assert "general" in form.categories and "photo" not in form.evidence_kinds
    assert form.methods["TP"].zh == "测试购买"


def test_hash_is_the_canonical_hash_of_the_json() -> None:
    form = load_form(MINI)
    assert re.fullmatch(r"[0-9a-f]{64}", form.hash)
    assert form.hash == form_hash(form) == canonical_hash(form_to_json(form))
    data = form_to_json(form)
    assert json.loads(json.dumps(data)) == data  # plain JSON, no Decimals or sets
    assert data["vocabulary"] == {  # type: ignore[comparison-overlap]
        "categories": ["cosmetics", "food", "general", "toys"],
        "evidence_kinds": ["document", "register_lookup", "test_purchase", "web_capture"]}
    params = data["parameters"]
    assert isinstance(params, dict)
    assert params["reply_hours"]["value"] == "24.5"
    assert params["return_window_days"]["value"] == 7


def test_parse_form_equals_load_form() -> None:
    assert parse_form(MINI_TEXT, file="x.toml") == load_form(MINI)


def test_load_form_caches_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINI_TEXT, encoding="utf-8")
    first = load_form(path)
    assert load_form(path) is first
    path.write_text(MINI_TEXT.replace("Mini trust checklist", "Mini trust list"),
                    encoding="utf-8")
    second = load_form(path)
    assert second.title.en == "Mini trust list" and second.hash != first.hash


def test_decimal_spelling_does_not_change_the_hash() -> None:
    base = load_form(MINI)
    respelled = parse_form(MINI_TEXT.replace('floor = "62.5"', 'floor = "62.50"')
                           .replace('floor = 50', 'floor = "50.0"')
                           .replace('min_score = "90"', 'min_score = 90'), file="x")
    assert respelled.hash == base.hash
    assert respelled.domains[1].floor == Decimal("62.5") and str(respelled.domains[2].floor) == "50"


# -- where a form lives ----------------------------------------------------------------------


@pytest.fixture
def fixture_forms(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the bundled-forms folder at tests/data/forms, which holds only the fixture."""
    monkeypatch.setattr(assets, "forms_dir", lambda: FORMS)
    return FORMS


def test_find_form_by_reference_and_by_path(fixture_forms: Path) -> None:
    assert find_form("mini-trust@1.0") is load_form(MINI)
    assert find_form(str(MINI)).hash == load_form(MINI).hash


def test_find_form_unknown_reference_names_the_known_forms(fixture_forms: Path) -> None:
    with pytest.raises(FormError, match=r"no such form \(known forms: mini-trust@1.0\)"):
        find_form("mini-trust@9.9")
    with pytest.raises(FormError, match="not a form reference"):
        find_form("mini-trust@../../etc")
    with pytest.raises(FormError, match="no such file"):
        find_form("missing/form.toml")


def test_list_forms_lists_every_form_file(fixture_forms: Path) -> None:
    assert [f.ref for f in list_forms()] == ["mini-trust@1.0"]


def test_id_must_match_the_folder_under_forms(tmp_path: Path) -> None:
    wrong = tmp_path / "forms" / "other-form" / "1.0.toml"
    wrong.parent.mkdir(parents=True)
    shutil.copy(MINI, wrong)
    with pytest.raises(FormError) as err:
        load_form(wrong)
    assert err.value.path == "id" and "folder 'other-form'" in err.value.problem
    assert str(wrong) in err.value.message


def test_version_must_match_the_file_stem_under_forms(tmp_path: Path) -> None:
    wrong = tmp_path / "forms" / "mini-trust" / "2.0.toml"
    wrong.parent.mkdir(parents=True)
    shutil.copy(MINI, wrong)
    with pytest.raises(FormError) as err:
        load_form(wrong)
    assert (err.value.path, err.value.problem) == (
        "version", "is '1.0' but the file is named 2.0.toml")


def test_location_is_not_checked_outside_a_forms_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "drafts" / "anything.toml"
    elsewhere.parent.mkdir()
    shutil.copy(MINI, elsewhere)
    assert load_form(elsewhere).id == "mini-trust"


def test_unreadable_and_non_utf8_files_are_form_errors(tmp_path: Path) -> None:
    with pytest.raises(FormError, match="cannot read"):
        load_form(tmp_path / "nothing.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(MINI_TEXT.replace("迷你信任检查表", "é").encode("utf-8")
                      .replace("é".encode(), b"\xe9"))
    with pytest.raises(FormError, match="not UTF-8"):
        load_form(latin)


# -- validation, one rule at a time -------------------------------------------------------

# (what the test breaks, old text, new text, expected key path, words of the problem)
BROKEN: list[tuple[str, str, str, str, str]] = [
    ("unknown top-level key", 'published = "2026-11-01"',
     'published = "2026-11-01"\ntitel = "x"', "titel", "unknown key 'titel'"),
    ("id shape", 'id = "mini-trust"', 'id = "Mini_Trust"', "id", "not valid here"),
    ("published not a date", '"2026-11-01"', '"2026-13-01"', "published", "not an ISO date"),
    ("title without zh", 'title = { en = "Mini trust checklist", zh = "迷你信任检查表" }',
     'title = { en = "Mini trust checklist" }', "title.zh", "is missing"),
    ("empty English text", '{ en = "Mini trust checklist", zh',
     '{ en = "  ", zh', "title.en", "English text is empty"),
    ("text with a third language", '{ en = "Mini trust checklist", zh = "迷你信任检查表" }',
     '{ en = "Mini", zh = "迷你", fr = "Mini" }', "title.fr", "unknown key 'fr'"),
    ("text that is not a table", 'requirement = { en = "Checkout is encrypted.", '
     'zh = "结账过程加密。" }', 'requirement = "Checkout is encrypted."',
     "criteria.PAY-01.requirement", "must be a table, not a string"),
    ("empty Chinese guidance", 'guidance = { en = "Send a question.", zh = "发送问题。" }',
     'guidance = { en = "Send a question.", zh = "" }', "criteria.XB-02.guidance.zh",
     "Chinese text is empty"),
    ("duplicate criterion id", 'id = "PAY-03"', 'id = "PAY-02"', "criteria[6].id",
     "duplicate criterion id 'PAY-02'"),
    ("duplicate criterion name", 'name = "price_transparency"', 'name = "secure_checkout"',
     "criteria.PAY-03.name", "duplicate criterion name 'secure_checkout'"),
    ("criterion name not snake_case", 'name = "price_transparency"', 'name = "Price"',
     "criteria.PAY-03.name", "snake_case"),
    ("duplicate domain id", 'id = "XB"\ntitle', 'id = "PAY"\ntitle', "domains[2].id",
     "duplicate domain id 'PAY'"),
    ("domain id shape", 'id = "XB"\ntitle', 'id = "xb"\ntitle', "domains[2].id",
     "upper-case letters"),
    ("duplicate scale value", 'value = "largely"', 'value = "fully"', "scale[1].value",
     "duplicate scale value 'fully'"),
    ("duplicate band grade", '{ grade = "B", min_score = "80" }',
     '{ grade = "A", min_score = "80" }', "grading.bands[1].grade", "duplicate band grade 'A'"),
    ("unknown domain", 'domain = "PAY"\nname = "price_transparency"',
     'domain = "PAX"\nname = "price_transparency"', "criteria.PAY-03.domain",
     "unknown domain 'PAX'"),
    ("id prefix differs from domain", 'id = "PAY-03"', 'id = "MER-09"', "criteria.MER-09.id",
     "prefix 'MER' does not match domain 'PAY'"),
    ("criterion id shape", 'id = "PAY-03"', 'id = "PAY-3"', "criteria[6].id", "<DOMAIN>-<NN>"),
    ("unknown method", 'methods = ["WEB", "TP"]', 'methods = ["WEB", "XX"]',
     "criteria.PAY-01.methods[1]", "unknown method 'XX'"),
    ("duplicate method", 'methods = ["WEB", "TP"]', 'methods = ["WEB", "WEB"]',
     "criteria.PAY-01.methods[1]", "duplicate method 'WEB'"),
    ("no method", 'methods = ["WEB", "TP"]', "methods = []", "criteria.PAY-01.methods",
     "must not be empty"),
    ("unknown evidence kind", 'evidence = ["web_capture", "test_purchase"]',
     'evidence = ["web_capture", "selfie"]', "criteria.PAY-01.evidence[1]",
     "unknown evidence kind 'selfie'"),
    ("missing evidence", 'evidence = ["web_capture", "test_purchase"]\n', "",
     "criteria.PAY-01.evidence", "is missing"),
    ("unknown parameter", 'parameters = ["return_window_days"]',
     'parameters = ["return_window"]', "criteria.PAY-02.parameters[0]",
     "unknown parameter 'return_window'"),
    ("zero weight", 'name = "secure_checkout"\nweight = 3', 'name = "secure_checkout"\nweight = 0',
     "criteria.PAY-01.weight", "must be a positive integer, not 0"),
    ("float weight", 'name = "refund_within_window"\nweight = 2',
     'name = "refund_within_window"\nweight = 2.0', "criteria.PAY-02.weight",
     "is the TOML float 2.0: use an integer"),
    ("string weight", 'name = "refund_within_window"\nweight = 2',
     'name = "refund_within_window"\nweight = "2"', "criteria.PAY-02.weight",
     "must be an integer, not a string"),
    ("boolean weight", 'name = "refund_within_window"\nweight = 2',
     'name = "refund_within_window"\nweight = true', "criteria.PAY-02.weight",
     "must be an integer, not a boolean"),
    ("float floor", 'floor = "62.5"', "floor = 62.5", "domains.PAY.floor",
     "is the TOML float 62.5: use an integer or a decimal string"),
    ("float band", 'min_score = "80"', "min_score = 80.0", "grading.bands[1].min_score",
     "use an integer or a decimal string"),
    ("float parameter", 'value = "24.5"', "value = 24.5", "parameters.reply_hours.value",
     "is the TOML float 24.5: use an integer or a decimal string"),
    ("array parameter", "value = 7", "value = [7]", "parameters.return_window_days.value",
     "not an array"),
    ("unknown parameter key", 'unit = "days"', 'unit = "days"\nsource = "seed"',
     "parameters.return_window_days.source", "unknown key 'source'"),
    ("parameter policy not a boolean", "policy = false", 'policy = "no"',
     "parameters.reply_hours.policy", "true or false"),
    ("decimal string with junk", 'floor = "62.5"', 'floor = "62.5%"', "domains.PAY.floor",
     "decimal string"),
    ("bands not descending", 'min_score = "70"', 'min_score = "85"',
     "grading.bands[2].min_score", "strictly descending"),
    ("bands equal", 'min_score = "80"', 'min_score = "90"', "grading.bands[1].min_score",
     "strictly descending"),
    ("band above 100", 'min_score = "90"', 'min_score = "100.01"', "grading.bands[0].min_score",
     "between 0 and 100"),
    ("no bands", 'bands = [\n  { grade = "A", min_score = "90" },\n  { grade = "B", '
     'min_score = "80" },\n  { grade = "C", min_score = "70" },\n]', "bands = []",
     "grading.bands", "must not be empty"),
    ("floor below 0", "floor = 50", "floor = -1", "domains.XB.floor", "between 0 and 100"),
    ("floor above 100", 'floor = "60"', 'floor = "100.5"', "domains.MER.floor",
     "between 0 and 100"),
    ("floor_cap not a grade", 'floor_cap = "B"', 'floor_cap = "E"', "domains.PAY.floor_cap",
     "'E' is not a band grade"),
    ("default_floor_cap not a grade", 'default_floor_cap = "C"', 'default_floor_cap = "D"',
     "grading.default_floor_cap", "'D' is not a band grade"),
    ("missing default_floor_cap", 'default_floor_cap = "C"\n', "",
     "grading.default_floor_cap", "is missing"),
    ("critical with critical_when", 'critical_when = { categories = ["food", "cosmetics"] }',
     'critical = true\ncritical_when = { categories = ["food", "cosmetics"] }',
     "criteria.MER-03.critical_when", "cannot be combined with critical = true"),
    ("critical not a boolean", 'weight = 3\ncritical = true\nmethods = ["DOC", "EXT"]',
     'weight = 3\ncritical = "yes"\nmethods = ["DOC", "EXT"]', "criteria.MER-01.critical",
     "true or false"),
    ("empty condition", 'applies_when = { business_models = ["C2C"] }', "applies_when = {}",
     "criteria.MER-04.applies_when", "is empty"),
    ("unknown condition key", 'applies_when = { business_models = ["C2C"] }',
     'applies_when = { business_model = ["C2C"] }',
     "criteria.MER-04.applies_when.business_model", "unknown key 'business_model'"),
    ("condition of the wrong type", "applies_when = { cross_border = true }\n",
     'applies_when = { cross_border = "yes" }\n', "criteria.XB-01.applies_when.cross_border",
     "true or false"),
    ("condition not a table", "applies_when = { cross_border = true }\n",
     "applies_when = true\n", "criteria.XB-01.applies_when", "must be a table"),
    ("unknown business model", 'business_models = ["C2C"]', 'business_models = ["D2C"]',
     "criteria.MER-04.applies_when.business_models[0]", "unknown business model 'D2C'"),
    ("empty business models", 'business_models = ["C2C"]', "business_models = []",
     "criteria.MER-04.applies_when.business_models", "must not be empty"),
    ("unknown category", 'categories = ["food", "cosmetics"] }',
     'categories = ["food", "cosmetic"] }', "criteria.MER-03.critical_when.categories[1]",
     "unknown category 'cosmetic'"),
    ("empty categories", 'categories = ["toys", "general"] }', "categories = [] }",
     "criteria.XB-02.applies_when.categories", "must not be empty"),
    ("negative points", "points = 0", "points = -1", "scale[3].points", "must not be negative"),
    ("float points", "points = 2", "points = 2.5", "scale[1].points",
     "is the TOML float 2.5: use an integer"),
    ("excluded value with points", "excluded = true\n", "excluded = true\npoints = 0\n",
     "scale[4].points", "an excluded value has no points"),
    ("value without points", "points = 1\n", "", "scale[2].points", "is missing"),
    ("scale not best to worst", "points = 2", "points = 4", "scale[1].points",
     "must be lower than 3"),
    ("points value after excluded", 'value = "n/a"\nexcluded = true\nneeds_justification = true'
     '\nlabel = { en = "Not applicable", zh = "不适用" }',
     'value = "n/a"\nexcluded = true\nneeds_justification = true\nlabel = { en = "Not '
     'applicable", zh = "不适用" }\n[[scale]]\nvalue = "worse"\npoints = -0\nlabel = '
     '{ en = "Worse", zh = "更差" }', "scale[5]", "come before excluded values"),
    ("unknown scale key", "excluded = true\n", "excluded = true\nskip = true\n",
     "scale[4].skip", "unknown key 'skip'"),
    ("domain with no criteria", "[[criteria]]\nid = \"MER-01\"",
     '[[domains]]\nid = "ZZ"\ntitle = { en = "Empty", zh = "空" }\nfloor = 0\n\n'
     '[[criteria]]\nid = "MER-01"', "domains.ZZ", "has no criteria"),
    ("unknown criterion key", 'name = "local_language_support"',
     'name = "local_language_support"\nwieght = 1', "criteria.XB-02.wieght",
     "unknown key 'wieght'"),
    ("duplicate vocabulary category", 'categories = ["food", "cosmetics", "toys", "general"]',
     'categories = ["food", "cosmetics", "toys", "general", "food"]',
     "vocabulary.categories[4]", "duplicate value 'food'"),
    ("unknown vocabulary key", 'evidence_kinds = ["document"',
     'markets = ["CN"]\nevidence_kinds = ["document"', "vocabulary.markets", "unknown key"),
]


@pytest.mark.parametrize(("old", "new", "path", "words"),
                         [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_invalid_forms_name_file_path_and_problem(old: str, new: str, path: str,
                                                  words: str) -> None:
    assert MINI_TEXT.count(old) >= 1, "the fixture no longer contains the text to break"
    text = MINI_TEXT.replace(old, new, 1)
    with pytest.raises(FormError) as err:
        parse_form(text, file="broken.toml")
    problems = _problems(err.value)
    assert any(p == path and words in problem for p, problem in problems), problems
    first_path, first_problem = problems[0]
    assert err.value.message == f"broken.toml: {first_path}: {first_problem}"
    assert err.value.file == "broken.toml"


@pytest.mark.parametrize(("text", "words"), [
    ("format = = 1", "not valid TOML"),
    ('format = 2\nid = "x"', "unsupported checklist format 2"),
    ('format = "1"', "unsupported checklist format '1'"),
    ("format = true", "unsupported checklist format True"),
    ("format = 1.0", "unsupported checklist format 1.0"),
    ('id = "x"', "unsupported checklist format missing"),
])
def test_not_toml_or_wrong_format_is_refused_first(text: str, words: str) -> None:
    with pytest.raises(FormError, match=re.escape(words)):
        parse_form(text, file="f.toml")


def test_scale_without_points_is_refused() -> None:
    text = re.sub(r"points = \d+", "excluded = true", MINI_TEXT)
    with pytest.raises(FormError) as err:
        parse_form(text, file="f.toml")
    assert ("scale", "has no value with points") in _problems(err.value)


def test_every_problem_is_collected() -> None:
    text = (MINI_TEXT.replace('floor = "62.5"', "floor = 62.5")
            .replace('methods = ["WEB", "TP"]', 'methods = ["WEB", "XX"]')
            .replace("points = 0", "points = -1"))
    with pytest.raises(FormError) as err:
        parse_form(text, file="f.toml")
    paths = [p for p, _ in _problems(err.value)]
    assert paths == ["scale[3].points", "domains.PAY.floor", "criteria.PAY-01.methods[1]"]


def test_criteria_must_be_an_array() -> None:
    with pytest.raises(FormError) as err:
        parse_form(TomlWriter().document(_set(mini_doc(), ("criteria",), {"x": 1})), file="f")
    assert ("criteria", "must be an array, not a table") in _problems(err.value)


def test_unused_parameters_are_allowed() -> None:
    text = MINI_TEXT.replace("[grading]", '[parameters.spare]\nvalue = "x"\nlabel = '
                             '{ en = "Spare", zh = "备用" }\n\n[grading]')
    assert "spare" in parse_form(text, file="f.toml").parameters


def _text_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Key paths of every en/zh text in a parsed form document."""
    if isinstance(node, dict):
        if set(node) == {"en", "zh"}:
            yield (*path, "en")
            yield (*path, "zh")
            return
        for k, v in node.items():
            yield from _text_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _text_paths(v, (*path, i))


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


TEXT_PATHS = list(_text_paths(mini_doc()))


def test_every_text_in_the_fixture_is_found() -> None:
    # title, description, 4 methods, 5 scale labels, 4 parameters, 3 domains, 9 x 2 criteria
    assert len(TEXT_PATHS) == 2 * (2 + 4 + 5 + 4 + 3 + 18)


@pytest.mark.parametrize("path", TEXT_PATHS, ids=[".".join(map(str, p)) for p in TEXT_PATHS])
def test_any_empty_text_is_refused(path: tuple[Any, ...]) -> None:
    text = TomlWriter().document(_set(mini_doc(), path, " "))
    with pytest.raises(FormError) as err:
        parse_form(text, file="f.toml")
    assert err.value.path.endswith("." + path[-1])
    assert "text is empty" in err.value.problem


# -- the hash ---------------------------------------------------------------------------


def test_plain_rewrite_keeps_the_hash() -> None:
    assert parse_form(TomlWriter().document(mini_doc()), file="f").hash == load_form(MINI).hash


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False))
def test_hash_ignores_formatting_and_key_order(rnd: random.Random) -> None:
    text = TomlWriter(rnd).document(mini_doc())
    assert parse_form(text, file="f.toml").hash == load_form(MINI).hash


NUMBER_CHANGES: list[tuple[tuple[Any, ...], Any]] = [
    *[(("criteria", i, "weight"), w + 1) for i, w in enumerate([3, 2, 3, 1, 3, 2, 1, 2, 1])],
    (("scale", 0, "points"), 4),
    (("grading", "bands", 0, "min_score"), "90.5"),
    (("grading", "bands", 2, "min_score"), "69.99"),
    (("domains", 0, "floor"), "60.01"),
    (("domains", 2, "floor"), 51),
    (("parameters", "return_window_days", "value"), 8),
    (("parameters", "reply_hours", "value"), "24.25"),
    (("parameters", "seal_on_receipt", "value"), True),
    (("parameters", "return_window_days", "policy"), False),
    (("grading", "default_floor_cap"), "B"),
    (("criteria", 2, "critical_when", "categories"), ["food"]),
    (("criteria", 7, "applies_when", "cross_border"), False),
    (("scale", 4, "needs_justification"), False),
]


def test_hash_changes_with_every_text_and_number() -> None:
    hashes = {load_form(MINI).hash}
    changes = [(p, "changed " + str(p)) for p in TEXT_PATHS] + NUMBER_CHANGES
    for path, value in changes:
        form = parse_form(TomlWriter().document(_set(mini_doc(), path, value)), file="f")
        assert form.hash not in hashes, path
        hashes.add(form.hash)
    assert len(hashes) == len(changes) + 1


def test_form_hash_of_a_modified_form_differs() -> None:
    form = load_form(MINI)
    changed = dataclasses.replace(form, criteria=form.criteria[:-1])
    assert form_hash(changed) != form.hash


# -- the standard form ---------------------------------------------------------------------


def test_standard_form_loads(standard_form_path: Path) -> None:
    form: Form = load_form(standard_form_path)
    assert form.ref == "ecommerce-trust@1.0"
    assert len(form.criteria) == 64
    assert len(form.domains) == 13
    critical = [c for c in form.criteria if c.critical]
    conditional = [c for c in form.criteria if c.critical_when is not None]
    assert (len(critical), len(conditional)) == (19, 1)
    assert find_form("ecommerce-trust@1.0") is form
    assert form.ref in [f.ref for f in list_forms()]


# -- the user forms folder and install_form ---------------------------------------------


def _version(text: str, version: str) -> str:
    """``text`` (the mini fixture) republished as ``version``."""
    out = re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', text, count=1)
    assert out != text
    return out


def test_install_form_writes_into_the_user_forms_folder(fixture_forms: Path) -> None:
    text = _version(MINI.read_text(encoding="utf-8"), "1.1")
    form = install_form(text, expected_hash=parse_form(text, file="x").hash)
    target = user_forms_dir() / "mini-trust" / "1.1.toml"
    assert target.read_text(encoding="utf-8") == text
    assert find_form("mini-trust@1.1").hash == form.hash
    assert form_source("mini-trust", "1.1") == text
    assert [f.ref for f in list_forms()] == ["mini-trust@1.0", "mini-trust@1.1"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["1.1.toml"]  # no temp file left


def test_install_form_again_with_the_same_content_is_a_no_op(fixture_forms: Path) -> None:
    text = _version(MINI.read_text(encoding="utf-8"), "1.1")
    install_form(text)
    target = user_forms_dir() / "mini-trust" / "1.1.toml"
    before = target.stat().st_mtime_ns
    reformatted = text.replace('version = "1.1"', "version    =    '1.1'")
    assert install_form(reformatted).hash == find_form("mini-trust@1.1").hash
    assert target.stat().st_mtime_ns == before and target.read_text(encoding="utf-8") == text


def test_install_form_of_a_bundled_form_writes_nothing(fixture_forms: Path) -> None:
    assert install_form(MINI.read_text(encoding="utf-8")).hash == load_form(MINI).hash
    assert not user_forms_dir().exists()


def test_install_form_refuses_a_wrong_expected_hash(fixture_forms: Path) -> None:
    text = _version(MINI.read_text(encoding="utf-8"), "1.1")
    with pytest.raises(FormError, match="not the expected") as err:
        install_form(text, expected_hash="0" * 64)
    assert err.value.context["expected"] == "0" * 64
    assert not user_forms_dir().exists()


def test_install_form_refuses_an_invalid_form(fixture_forms: Path) -> None:
    text = _version(MINI.read_text(encoding="utf-8"), "1.1").replace("[[criteria]]", "[[critera]]")
    with pytest.raises(FormError):
        install_form(text)
    with pytest.raises(FormError, match="not valid TOML"):
        install_form("this is = = not toml")
    assert not user_forms_dir().exists()


def test_install_form_never_replaces_a_published_form(fixture_forms: Path) -> None:
    text = _version(MINI.read_text(encoding="utf-8"), "1.1")
    install_form(text)
    changed = text.replace("[[criteria]]", "# changed\n[[criteria]]", 1)
    changed = re.sub(r"(?m)^weight = (\d+)$", lambda m: f"weight = {int(m[1]) + 1}", changed,
                     count=1)
    with pytest.raises(FormError, match="already installed with other content") as err:
        install_form(changed)
    assert err.value.context["conflict"] is True
    assert (user_forms_dir() / "mini-trust" / "1.1.toml").read_text(encoding="utf-8") == text
    bundled_changed = re.sub(r"(?m)^weight = (\d+)$", lambda m: f"weight = {int(m[1]) + 1}",
                             MINI.read_text(encoding="utf-8"), count=1)
    with pytest.raises(FormError, match="already installed with other content"):
        install_form(bundled_changed)
    assert not (user_forms_dir() / "mini-trust" / "1.0.toml").exists()


def test_a_user_copy_differing_from_the_bundled_form_is_refused(fixture_forms: Path) -> None:
    changed = re.sub(r"(?m)^weight = (\d+)$", lambda m: f"weight = {int(m[1]) + 1}",
                     MINI.read_text(encoding="utf-8"), count=1)
    copy = user_forms_dir() / "mini-trust" / "1.0.toml"
    copy.parent.mkdir(parents=True)
    copy.write_text(changed, encoding="utf-8")
    with pytest.raises(FormError, match="differs from the bundled form"):
        list_forms()
    assert find_form("mini-trust@1.0").hash == load_form(MINI).hash  # the bundled one wins
    identical = MINI.read_text(encoding="utf-8")
    copy.write_text(identical, encoding="utf-8")
    assert [f.ref for f in list_forms()] == ["mini-trust@1.0"]


def test_find_form_searches_the_user_forms_folder(fixture_forms: Path) -> None:
    with pytest.raises(FormError, match="no such form"):
        find_form("mini-trust@2.0")
    target = user_forms_dir() / "mini-trust" / "2.0.toml"
    target.parent.mkdir(parents=True)
    target.write_text(_version(MINI.read_text(encoding="utf-8"), "2.0"), encoding="utf-8")
    assert find_form("mini-trust@2.0").version == "2.0"
    assert form_path("mini-trust", "2.0") == target
    assert form_path("mini-trust", "../1.0") is None
