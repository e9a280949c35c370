"""Load, validate and hash checklist forms (``forms/<form-id>/<version>.toml``).

The TOML language (format 1) is described in ``forms/README.md``. Loading never
half-succeeds: every problem found in a file is collected, and one
:class:`~certbench.errors.FormError` is raised naming the file, the key path and
the first problem; ``context["problems"]`` lists every ``(path, problem)`` pair.

Key paths read like ``criteria.MER-01.applies_when.categories[1]``: arrays of
tables are indexed from 0 (``scale[4]``, ``grading.bands[1]``), and a criterion
or domain is named by its id once that id is valid and not a duplicate.

The form hash is the SHA-256 of the RFC 8785 canonical JSON of
:func:`form_to_json`, so it ignores TOML formatting and key order and changes
with any text or number.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import tempfile
import tomllib
from collections.abc import Collection
from decimal import Decimal
from pathlib import Path
from typing import Any

from certbench import assets
from certbench.canonical import canonical_hash
from certbench.domain import (
    ALWAYS,
    BusinessModel,
    Condition,
    Criterion,
    Domain,
    Form,
    GradeBand,
    Parameter,
    ScaleValue,
    Text,
)
from certbench.errors import FormError

__all__ = [
    "FORMAT",
    "find_form",
    "form_hash",
    "form_path",
    "form_source",
    "form_to_json",
    "install_form",
    "list_forms",
    "load_form",
    "parse_form",
    "user_forms_dir",
]

FORMAT = 1
"""The checklist language version this module reads."""

_FORM_ID = re.compile(r"[a-z0-9-]+")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]*")
_DOMAIN_ID = re.compile(r"[A-Z]+")
_CRITERION_ID = re.compile(r"([A-Z]+)-[0-9]{2,}")
_SNAKE = re.compile(r"[a-z][a-z0-9_]*")
_WORD = re.compile(r"[A-Za-z0-9_/\-]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

_TOP_REQUIRED = ("format", "id", "version", "published", "title", "vocabulary", "methods",
                 "scale", "grading", "domains", "criteria")
_TOP_OPTIONAL = ("description", "parameters")
_CRITERION_REQUIRED = ("id", "domain", "name", "weight", "methods", "evidence", "requirement",
                       "guidance")
_CRITERION_OPTIONAL = ("critical", "critical_when", "applies_when", "parameters")
_CONDITION_KEYS = ("cross_border", "business_models", "categories")
_BUSINESS_MODELS = tuple(m.value for m in BusinessModel)

_cache: dict[Path, tuple[int, int, Form]] = {}


class _Problems:
    """Collects ``(key path, problem)`` pairs while a form is validated."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, problem: str) -> None:
        self.items.append((path, problem))

    def raise_if_any(self, file: str) -> None:
        if self.items:
            path, problem = self.items[0]
            raise FormError(problem, file=file, path=path, problems=tuple(self.items))


# -- loading --------------------------------------------------------------------------


def load_form(path: Path) -> Form:
    """Load and validate the form in ``path``; cached by (path, mtime, size).

    When the file sits in ``forms/<form-id>/<version>.toml`` (any folder named
    ``forms``), its ``id`` and ``version`` must match the folder and file stem.
    """
    path = Path(path)
    try:
        resolved = path.resolve()
        stat = resolved.stat()
        cached = _cache.get(resolved)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        data = resolved.read_bytes()
    except OSError as exc:
        raise FormError(f"cannot read the file: {exc.strerror}", file=str(path)) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                        file=str(path)) from exc
    under_forms = resolved.parent.parent.name == "forms"
    expect = (resolved.parent.name, resolved.stem) if under_forms else None
    form = _parse(text, str(path), expect)
    _cache[resolved] = (stat.st_mtime_ns, stat.st_size, form)
    return form


def parse_form(text: str, *, file: str) -> Form:
    """Parse and validate a form from TOML ``text``; ``file`` names it in errors."""
    return _parse(text, file, None)


def find_form(ref: str) -> Form:
    """The form named ``id@version`` (bundled or installed) or stored at path ``ref``.

    A name is looked up in the bundled ``forms/`` first, then in the user forms
    folder (:func:`user_forms_dir`).
    """
    candidate = Path(ref)
    if "@" in ref and candidate.suffix != ".toml" and not candidate.exists():
        form_id, _, version = ref.partition("@")
        if not _FORM_ID.fullmatch(form_id) or not _VERSION.fullmatch(version):
            raise FormError("not a form reference: expected ID@VERSION or a file", file=ref)
        path = form_path(form_id, version)
        if path is None:
            known = ", ".join(f"{p.parent.name}@{p.stem}" for p in _form_files()) or "none"
            raise FormError(f"no such form (known forms: {known})", file=ref)
        return _load_named(form_id, version, path)
    if not candidate.is_file():
        raise FormError("no such file", file=ref)
    return load_form(candidate)


def form_path(form_id: str, version: str) -> Path | None:
    """The file of form ``form_id@version``: bundled first, then installed; None if neither."""
    if not _FORM_ID.fullmatch(form_id) or not _VERSION.fullmatch(version):
        return None
    for root in _roots():
        path = root / form_id / f"{version}.toml"
        if path.is_file():
            return path
    return None


def form_source(form_id: str, version: str) -> str:
    """The TOML text of form ``form_id@version`` (bundled or installed), as stored.

    :raises FormError: no such form, or its file is not UTF-8 text.
    """
    path = form_path(form_id, version)
    if path is None:
        raise FormError("no such form", file=f"{form_id}@{version}")
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormError(f"cannot read the form: {exc}", file=str(path)) from exc


def list_forms() -> list[Form]:
    """Every bundled and installed form (``forms/*/*.toml``), sorted by id and version."""
    forms: dict[tuple[str, str], Form] = {}
    for path in _form_files():
        form = _load_named(path.parent.name, path.stem, path)
        forms.setdefault((form.id, form.version), form)
    return sorted(forms.values(), key=lambda f: (f.id, f.version))


def user_forms_dir() -> Path:
    """Where forms received or installed by this user live: ``<user data>/forms``."""
    return assets.user_data_dir() / "forms"


def install_form(text: str, *, expected_hash: str | None = None) -> Form:
    """Validate the form in TOML ``text`` and store it in :func:`user_forms_dir`.

    The file is written atomically (a temporary file in the same folder,
    fsync, rename). Installing a form already present (bundled or installed)
    with the same hash changes nothing. Published forms are immutable: a form
    whose ``id@version`` exists with other content is refused.

    :raises FormError: the text is not a valid form, its hash is not
        ``expected_hash``, or its ``id@version`` exists with another hash
        (``context["conflict"]`` is then True).
    """
    form = parse_form(text, file="<received form>")
    ref = f"{form.id}@{form.version}"
    if expected_hash is not None and form.hash != expected_hash:
        raise FormError(f"the form hashes to {form.hash}, not the expected {expected_hash}",
                        file=ref, expected=expected_hash, actual=form.hash)
    existing = form_path(form.id, form.version)
    if existing is not None:
        installed = _load_named(form.id, form.version, existing)
        if installed.hash != form.hash:
            raise FormError(f"form {ref} is already installed with other content (hash "
                            f"{installed.hash}); a published form never changes",
                            file=ref, conflict=True, installed=installed.hash, actual=form.hash)
        return installed
    folder = user_forms_dir() / form.id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{form.version}.toml"
    _write_atomically(target, text.encode("utf-8"))
    return load_form(target)


def _write_atomically(target: Path, data: bytes) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp", dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temp.replace(target)  # os.replace: atomic on one file system
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _load_named(form_id: str, version: str, path: Path) -> Form:
    """Load ``path``; a user copy of a bundled form must be identical (same hash)."""
    form = load_form(path)
    bundled = _bundled_root()
    if bundled is None or path.parent.parent == bundled:
        return form
    twin = bundled / form_id / f"{version}.toml"
    if twin.is_file() and load_form(twin).hash != form.hash:
        raise FormError(f"the installed copy of {form_id}@{version} differs from the bundled "
                        f"form (hash {form.hash}); remove it", file=str(path), conflict=True)
    return form


def _bundled_root() -> Path | None:
    try:
        return assets.forms_dir().resolve()
    except FileNotFoundError:
        return None


def _roots() -> list[Path]:
    """The folders searched for forms, bundled first."""
    roots = [] if (bundled := _bundled_root()) is None else [bundled]
    return [*roots, user_forms_dir()]


def _form_files() -> list[Path]:
    return [p for root in _roots() for p in sorted(root.glob("*/*.toml"))]


# -- JSON and hash ----------------------------------------------------------------------


def form_to_json(form: Form) -> dict[str, object]:
    """Everything in ``form`` except its hash, JSON-ready: sets sorted, Decimals as strings.

    The order of domains, criteria, scale values and bands is kept (it means
    something); the order of a criterion's methods, evidence kinds and
    parameters is not, so they are sorted.
    """
    return {
        "format": FORMAT,
        "id": form.id,
        "version": form.version,
        "published": form.published,
        "title": _text_json(form.title),
        "description": None if form.description is None else _text_json(form.description),
        "vocabulary": {
            "categories": sorted(form.categories),
            "evidence_kinds": sorted(form.evidence_kinds),
        },
        "methods": {key: _text_json(text) for key, text in form.methods.items()},
        "scale": [_scale_json(v) for v in form.scale],
        "parameters": {name: _parameter_json(p) for name, p in form.parameters.items()},
        "grading": {
            "default_floor_cap": form.default_floor_cap,
            "bands": [{"grade": b.grade, "min_score": str(b.min_score)} for b in form.bands],
        },
        "domains": [_domain_json(d) for d in form.domains],
        "criteria": [_criterion_json(c) for c in form.criteria],
    }


def form_hash(form: Form) -> str:
    """Hex SHA-256 of the canonical JSON of :func:`form_to_json`."""
    return canonical_hash(form_to_json(form))


def _text_json(text: Text) -> dict[str, object]:
    return {"en": text.en, "zh": text.zh}


def _scale_json(value: ScaleValue) -> dict[str, object]:
    return {
        "value": value.value,
        "points": value.points,
        "excluded": value.points is None,
        "needs_justification": value.needs_justification,
        "label": _text_json(value.label),
    }


def _parameter_json(parameter: Parameter) -> dict[str, object]:
    value = parameter.value
    return {
        "value": str(value) if isinstance(value, Decimal) else value,
        "unit": parameter.unit,
        "policy": parameter.policy,
        "label": _text_json(parameter.label),
    }


def _domain_json(domain: Domain) -> dict[str, object]:
    return {
        "id": domain.id,
        "title": _text_json(domain.title),
        "floor": str(domain.floor),
        "floor_cap": domain.floor_cap,
    }


def _criterion_json(c: Criterion) -> dict[str, object]:
    return {
        "id": c.id,
        "domain": c.domain,
        "name": c.name,
        "weight": c.weight,
        "critical": c.critical,
        "critical_when": None if c.critical_when is None else _condition_json(c.critical_when),
        "applies_when": None if c.applies_when == ALWAYS else _condition_json(c.applies_when),
        "methods": sorted(c.methods),
        "evidence": sorted(c.evidence),
        "parameters": sorted(c.parameters),
        "requirement": _text_json(c.requirement),
        "guidance": _text_json(c.guidance),
    }


def _condition_json(condition: Condition) -> dict[str, object]:
    out: dict[str, object] = {}
    if condition.cross_border is not None:
        out["cross_border"] = condition.cross_border
    if condition.business_models is not None:
        out["business_models"] = sorted(m.value for m in condition.business_models)
    if condition.categories is not None:
        out["categories"] = sorted(condition.categories)
    return out


# -- validation: the document ---------------------------------------------------------


def _parse(text: str, file: str, expect: tuple[str, str] | None) -> Form:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormError(f"not valid TOML: {exc}", file=file) from exc
    fmt = doc.get("format")
    if type(fmt) is not int or fmt != FORMAT:
        found = "missing" if fmt is None else repr(fmt)
        raise FormError(f"unsupported checklist format {found}; this certbench reads format "
                        f"{FORMAT}", file=file, path="format")
    p = _Problems()
    _table(p, doc, "", required=_TOP_REQUIRED, optional=_TOP_OPTIONAL)
    form_id = _string(p, doc.get("id"), "id", _FORM_ID, "lower-case letters, digits and '-'")
    version = _string(p, doc.get("version"), "version", _VERSION, "letters, digits, '.', '-'")
    if expect is not None:
        _check_location(p, form_id, version, expect)
    published = _date(p, doc.get("published"), "published")
    title = _text(p, doc.get("title"), "title")
    description = _text(p, doc["description"], "description") if "description" in doc else None
    categories, evidence_kinds = _vocabulary(p, doc.get("vocabulary"))
    methods = _methods(p, doc.get("methods"))
    scale = _scale(p, doc.get("scale"))
    parameters = _parameters(p, doc.get("parameters", {}))
    bands, default_cap = _grading(p, doc.get("grading"))
    domains, domain_ids = _domains(p, doc.get("domains"), {b.grade for b in bands})
    vocab = _Vocab(categories, evidence_kinds, set(methods), set(parameters), domain_ids)
    criteria = _criteria(p, doc.get("criteria"), vocab)
    raw = doc.get("criteria")
    used = {c.get("domain") for c in raw if isinstance(c, dict)} if isinstance(raw, list) else ()
    for domain in (d for d in domains if d.id not in used):
        p.add(f"domains.{domain.id}", "has no criteria")
    p.raise_if_any(file)
    assert form_id is not None and version is not None and title is not None
    assert published is not None and default_cap is not None
    form = Form(
        id=form_id, version=version, title=title, scale=scale, parameters=parameters,
        bands=bands, domains=domains, criteria=criteria, categories=frozenset(categories),
        evidence_kinds=frozenset(evidence_kinds), methods=methods,
        default_floor_cap=default_cap, published=published, description=description,
    )
    return dataclasses.replace(form, hash=form_hash(form))


def _check_location(p: _Problems, form_id: str | None, version: str | None,
                    expect: tuple[str, str]) -> None:
    folder, stem = expect
    if form_id is not None and form_id != folder:
        p.add("id", f"is {form_id!r} but the file sits in folder {folder!r}")
    if version is not None and version != stem:
        p.add("version", f"is {version!r} but the file is named {stem}.toml")


@dataclasses.dataclass(frozen=True, slots=True)
class _Vocab:
    """What criteria may refer to."""

    categories: tuple[str, ...]
    evidence_kinds: tuple[str, ...]
    methods: set[str]
    parameters: set[str]
    domains: set[str]


def _vocabulary(p: _Problems, raw: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    table = _table(p, raw, "vocabulary", required=("categories", "evidence_kinds"))
    if table is None:
        return (), ()
    categories = _word_list(p, table.get("categories", []), "vocabulary.categories", empty=True)
    kinds = _word_list(p, table.get("evidence_kinds", []), "vocabulary.evidence_kinds")
    return categories, kinds


def _word_list(p: _Problems, raw: object, path: str, *, empty: bool = False) -> tuple[str, ...]:
    items = _list(p, raw, path, empty=empty)
    out: list[str] = []
    for i, item in enumerate(items):
        word = _string(p, item, f"{path}[{i}]", _WORD, "letters, digits, '_', '-', '/'")
        if word is None:
            continue
        if word in out:
            p.add(f"{path}[{i}]", f"duplicate value {word!r}")
        else:
            out.append(word)
    return tuple(out)


def _methods(p: _Problems, raw: object) -> dict[str, Text]:
    table = _table(p, raw, "methods")
    if table is None:
        return {}
    if not table:
        p.add("methods", "names no assessment method")
    out: dict[str, Text] = {}
    for key, value in table.items():
        if not _WORD.fullmatch(key):
            p.add(f"methods.{key}", "a method key uses letters, digits, '_', '-', '/'")
        text = _text(p, value, f"methods.{key}")
        if text is not None:
            out[key] = text
    return out


def _scale(p: _Problems, raw: object) -> tuple[ScaleValue, ...]:
    entries = _list(p, raw, "scale")
    out: list[ScaleValue] = []
    for i, entry in enumerate(entries):
        value = _scale_value(p, entry, f"scale[{i}]")
        if value is None:
            continue
        if any(v.value == value.value for v in out):
            p.add(f"scale[{i}].value", f"duplicate scale value {value.value!r}")
            continue
        _check_scale_order(p, out, value, f"scale[{i}]")
        out.append(value)
    if entries and out and not any(v.points is not None for v in out):
        p.add("scale", "has no value with points")
    elif out and max(v.points or 0 for v in out) == 0:
        p.add("scale", "the top of the scale must have more than 0 points")
    return tuple(out)


def _scale_value(p: _Problems, raw: object, path: str) -> ScaleValue | None:
    table = _table(p, raw, path, required=("value", "label"),
                   optional=("points", "excluded", "needs_justification"))
    if table is None:
        return None
    value = _string(p, table.get("value"), f"{path}.value", _WORD,
                    "letters, digits, '_', '-', '/'")
    label = _text(p, table.get("label"), f"{path}.label")
    excluded = _bool(p, table.get("excluded", False), f"{path}.excluded")
    needs = _bool(p, table.get("needs_justification", False), f"{path}.needs_justification")
    points: int | None = None
    if excluded and "points" in table:
        p.add(f"{path}.points", "an excluded value has no points")
    elif not excluded and "points" not in table:
        p.add(f"{path}.points", "is missing (give points, or excluded = true)")
    elif not excluded:
        points = _integer(p, table["points"], f"{path}.points")
        if points is not None and points < 0:
            p.add(f"{path}.points", f"must not be negative, not {points}")
            points = None
        if points is None:
            return None
    if value is None or label is None:
        return None
    return ScaleValue(value=value, label=label, points=points, needs_justification=bool(needs))


def _check_scale_order(p: _Problems, before: list[ScaleValue], value: ScaleValue,
                       path: str) -> None:
    if not before:
        return
    last = before[-1]
    if value.points is not None and last.points is None:
        p.add(path, "values with points come before excluded values")
    elif value.points is not None and last.points is not None and value.points >= last.points:
        p.add(f"{path}.points", f"must be lower than {last.points} (the scale runs best to "
                                "worst)")


def _parameters(p: _Problems, raw: object) -> dict[str, Parameter]:
    table = _table(p, raw, "parameters")
    if table is None:
        return {}
    out: dict[str, Parameter] = {}
    for name, entry in table.items():
        path = f"parameters.{name}"
        if not _SNAKE.fullmatch(name):
            p.add(path, "a parameter name is snake_case")
        parameter = _parameter(p, name, entry, path)
        if parameter is not None:
            out[name] = parameter
    return out


def _parameter(p: _Problems, name: str, raw: object, path: str) -> Parameter | None:
    table = _table(p, raw, path, required=("value", "label"), optional=("unit", "policy"))
    if table is None:
        return None
    value = _parameter_value(p, table.get("value"), f"{path}.value")
    unit = _string(p, table.get("unit", ""), f"{path}.unit", empty=True)
    policy = _bool(p, table.get("policy", True), f"{path}.policy")
    label = _text(p, table.get("label"), f"{path}.label")
    if value is None or unit is None or policy is None or label is None:
        return None
    return Parameter(name=name, value=value, unit=unit, label=label, policy=policy)


def _parameter_value(p: _Problems, raw: object, path: str) -> int | Decimal | str | bool | None:
    if isinstance(raw, bool | int):
        return raw
    if isinstance(raw, float):
        p.add(path, f"is the TOML float {raw!r}: use an integer or a decimal string")
        return None
    if isinstance(raw, str) and _DECIMAL.fullmatch(raw):
        return _normal(Decimal(raw))
    if isinstance(raw, str) and raw.strip():
        return raw
    if raw is None:
        return None  # reported as missing by _table
    p.add(path, f"must be an integer, a decimal string, a string or a boolean, not {_kind(raw)}")
    return None


def _grading(p: _Problems, raw: object) -> tuple[tuple[GradeBand, ...], str | None]:
    table = _table(p, raw, "grading", required=("bands", "default_floor_cap"))
    if table is None:
        return (), None
    bands: list[GradeBand] = []
    for i, entry in enumerate(_list(p, table.get("bands"), "grading.bands")):
        band = _band(p, entry, f"grading.bands[{i}]")
        if band is None:
            continue
        if any(b.grade == band.grade for b in bands):
            p.add(f"grading.bands[{i}].grade", f"duplicate band grade {band.grade!r}")
            continue
        if bands and band.min_score >= bands[-1].min_score:
            p.add(f"grading.bands[{i}].min_score", f"must be lower than {bands[-1].min_score} "
                                                    "(bands run strictly descending)")
        bands.append(band)
    cap = _grade_ref(p, table.get("default_floor_cap"), "grading.default_floor_cap",
                     {b.grade for b in bands})
    return tuple(bands), cap


def _band(p: _Problems, raw: object, path: str) -> GradeBand | None:
    table = _table(p, raw, path, required=("grade", "min_score"))
    if table is None:
        return None
    grade = _string(p, table.get("grade"), f"{path}.grade")
    min_score = _percent(p, table.get("min_score"), f"{path}.min_score")
    if grade is None or min_score is None:
        return None
    return GradeBand(grade=grade, min_score=min_score)


def _grade_ref(p: _Problems, raw: object, path: str, grades: Collection[str]) -> str | None:
    grade = _string(p, raw, path)
    if grade is not None and grades and grade not in grades:
        p.add(path, f"{grade!r} is not a band grade ({', '.join(sorted(grades))})")
        return None
    return grade


def _domains(p: _Problems, raw: object, grades: set[str]) -> tuple[tuple[Domain, ...], set[str]]:
    """The valid domains, and every well-formed domain id (so criteria are not blamed)."""
    out: list[Domain] = []
    ids: set[str] = set()
    for i, entry in enumerate(_list(p, raw, "domains")):
        path = f"domains[{i}]"
        domain_id = _string(p, entry.get("id") if isinstance(entry, dict) else None,
                            f"{path}.id", _DOMAIN_ID, "upper-case letters")
        if domain_id is not None and domain_id in ids:
            p.add(f"{path}.id", f"duplicate domain id {domain_id!r}")
            continue
        if domain_id is not None:
            ids.add(domain_id)
            path = f"domains.{domain_id}"
        table = _table(p, entry, path, required=("id", "title", "floor"), optional=("floor_cap",))
        if table is None:
            continue
        title = _text(p, table.get("title"), f"{path}.title")
        floor = _percent(p, table.get("floor"), f"{path}.floor")
        cap = (_grade_ref(p, table["floor_cap"], f"{path}.floor_cap", grades)
               if "floor_cap" in table else None)
        if domain_id is not None and title is not None and floor is not None:
            out.append(Domain(id=domain_id, title=title, floor=floor, floor_cap=cap))
    return tuple(out), ids


# -- validation: criteria -------------------------------------------------------------


def _criteria(p: _Problems, raw: object, vocab: _Vocab) -> tuple[Criterion, ...]:
    out: list[Criterion] = []
    ids: set[str] = set()
    names: set[str] = set()
    for i, entry in enumerate(_list(p, raw, "criteria")):
        path = f"criteria[{i}]"
        cid = _string(p, entry.get("id") if isinstance(entry, dict) else None, f"{path}.id",
                      _CRITERION_ID, "<DOMAIN>-<NN>, e.g. MER-01")
        if cid is not None and cid in ids:
            p.add(f"{path}.id", f"duplicate criterion id {cid!r}")
            cid = None
        elif cid is not None:
            ids.add(cid)
            path = f"criteria.{cid}"
        table = _table(p, entry, path, required=_CRITERION_REQUIRED, optional=_CRITERION_OPTIONAL)
        if table is None:
            continue
        name = _string(p, table.get("name"), f"{path}.name", _SNAKE, "snake_case")
        if name is not None and name in names:
            p.add(f"{path}.name", f"duplicate criterion name {name!r}")
        elif name is not None:
            names.add(name)
        criterion = _criterion(p, table, path, cid, name=name, vocab=vocab)
        if criterion is not None:
            out.append(criterion)
    return tuple(out)


def _criterion(p: _Problems, table: dict[str, Any], path: str, cid: str | None, *,
               name: str | None, vocab: _Vocab) -> Criterion | None:
    domain = _criterion_domain(p, table.get("domain"), path, cid, vocab.domains)
    weight = _integer(p, table.get("weight"), f"{path}.weight")
    if weight is not None and weight <= 0:
        p.add(f"{path}.weight", f"must be a positive integer, not {weight}")
        weight = None
    critical = _bool(p, table.get("critical", False), f"{path}.critical")
    critical_when = None
    if "critical_when" in table:
        critical_when = _condition(p, table["critical_when"], f"{path}.critical_when", vocab)
        if critical:
            p.add(f"{path}.critical_when", "cannot be combined with critical = true")
    applies_when = ALWAYS
    if "applies_when" in table:
        applies_when = _condition(p, table["applies_when"], f"{path}.applies_when", vocab) or ALWAYS
    methods = _refs(p, table.get("methods"), f"{path}.methods", vocab.methods, "method")
    evidence = _refs(p, table.get("evidence"), f"{path}.evidence", vocab.evidence_kinds,
                     "evidence kind")
    parameters = _refs(p, table.get("parameters", []), f"{path}.parameters", vocab.parameters,
                       "parameter", empty=True)
    requirement = _text(p, table.get("requirement"), f"{path}.requirement")
    guidance = _text(p, table.get("guidance"), f"{path}.guidance")
    if (cid is None or name is None or domain is None or weight is None or critical is None
            or requirement is None or guidance is None):
        return None
    return Criterion(
        id=cid, domain=domain, name=name, requirement=requirement, guidance=guidance,
        methods=methods, evidence=evidence, weight=weight, critical=critical,
        critical_when=critical_when, applies_when=applies_when, parameters=parameters,
    )


def _criterion_domain(p: _Problems, raw: object, path: str, cid: str | None,
                      domains: set[str]) -> str | None:
    domain = _string(p, raw, f"{path}.domain")
    if domain is None:
        return None
    if domain not in domains:
        p.add(f"{path}.domain", f"unknown domain {domain!r}")
        return None
    prefix = cid.rsplit("-", 1)[0] if cid is not None else domain
    if prefix != domain:
        p.add(f"{path}.id", f"prefix {prefix!r} does not match domain {domain!r}")
        return None
    return domain


def _refs(p: _Problems, raw: object, path: str, known: Collection[str], what: str,
          *, empty: bool = False) -> tuple[str, ...]:
    out: list[str] = []
    for i, item in enumerate(_list(p, raw, path, empty=empty)):
        ref = _string(p, item, f"{path}[{i}]")
        if ref is None:
            continue
        if ref not in known:
            p.add(f"{path}[{i}]", f"unknown {what} {ref!r}")
        elif ref in out:
            p.add(f"{path}[{i}]", f"duplicate {what} {ref!r}")
        else:
            out.append(ref)
    return tuple(out)


def _condition(p: _Problems, raw: object, path: str, vocab: _Vocab) -> Condition | None:
    table = _table(p, raw, path, optional=_CONDITION_KEYS)
    if table is None:
        return None
    if not table:
        p.add(path, "is empty: leave it out, or name cross_border, business_models or "
                    "categories")
        return None
    cross_border = None
    if "cross_border" in table:
        cross_border = _bool(p, table["cross_border"], f"{path}.cross_border")
    models = None
    if "business_models" in table:
        found = _refs(p, table["business_models"], f"{path}.business_models", _BUSINESS_MODELS,
                      "business model")
        models = frozenset(BusinessModel(m) for m in found)
    categories = None
    if "categories" in table:
        categories = frozenset(_refs(p, table["categories"], f"{path}.categories",
                                     vocab.categories, "category"))
    return Condition(cross_border=cross_border, business_models=models, categories=categories)


# -- validation: values ---------------------------------------------------------------


_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"),
    (list, "an array"), (dict, "a table"), (dt.datetime, "a date-time"), (dt.date, "a date"),
    (dt.time, "a time"),
)


def _kind(raw: object) -> str:
    return next((text for kind, text in _KINDS if isinstance(raw, kind)), type(raw).__name__)


def _table(p: _Problems, raw: object, path: str, *, required: Collection[str] = (),
           optional: Collection[str] | None = None) -> dict[str, Any] | None:
    """``raw`` as a table; unknown keys are problems when ``required``/``optional`` are given."""
    if raw is None:
        return None  # the parent reports the missing key
    if not isinstance(raw, dict):
        p.add(path, f"must be a table, not {_kind(raw)}")
        return None
    if optional is not None or required:
        allowed = set(required) | set(optional or ())
        for key in raw:
            if key not in allowed:
                p.add(_join(path, key),
                      f"unknown key {key!r} (allowed here: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in raw:
            p.add(_join(path, key), "is missing")
    return raw


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _list(p: _Problems, raw: object, path: str, *, empty: bool = False) -> list[object]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        p.add(path, f"must be an array, not {_kind(raw)}")
        return []
    if not raw and not empty:
        p.add(path, "must not be empty")
    return raw


def _string(p: _Problems, raw: object, path: str, pattern: re.Pattern[str] | None = None,
            shape: str = "", *, empty: bool = False) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        p.add(path, f"must be a string, not {_kind(raw)}")
        return None
    if not raw.strip() and not empty:
        p.add(path, "must not be empty")
        return None
    if pattern is not None and not pattern.fullmatch(raw):
        p.add(path, f"{raw!r} is not valid here ({shape})")
        return None
    return raw


def _text(p: _Problems, raw: object, path: str) -> Text | None:
    table = _table(p, raw, path, required=("en", "zh"))
    if table is None:
        return None
    texts: list[str] = []
    for lang, name in (("en", "English"), ("zh", "Chinese")):
        value = table.get(lang)
        if value is None:
            continue
        if not isinstance(value, str):
            p.add(f"{path}.{lang}", f"must be a string, not {_kind(value)}")
        elif not value.strip():
            p.add(f"{path}.{lang}", f"the {name} text is empty")
        else:
            texts.append(value)
    return Text(en=texts[0], zh=texts[1]) if len(texts) == 2 else None


def _bool(p: _Problems, raw: object, path: str) -> bool | None:
    if not isinstance(raw, bool):
        p.add(path, f"must be true or false, not {_kind(raw)}")
        return None
    return raw


def _integer(p: _Problems, raw: object, path: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, float):
        p.add(path, f"is the TOML float {raw!r}: use an integer")
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        p.add(path, f"must be an integer, not {_kind(raw)}")
        return None
    return raw


def _decimal(p: _Problems, raw: object, path: str) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, float):
        p.add(path, f"is the TOML float {raw!r}: use an integer or a decimal string "
                    f"(\"{raw}\")")
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    if isinstance(raw, str) and _DECIMAL.fullmatch(raw):
        return _normal(Decimal(raw))
    p.add(path, f"must be an integer or a decimal string like \"87.5\", not {raw!r}")
    return None


def _percent(p: _Problems, raw: object, path: str) -> Decimal | None:
    value = _decimal(p, raw, path)
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        p.add(path, f"must be between 0 and 100, not {value}")
        return None
    return value


def _normal(value: Decimal) -> Decimal:
    """``value`` without trailing zeros ("87.50" -> 87.5, "60.0" -> 60), never in E notation."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _date(p: _Problems, raw: object, path: str) -> str | None:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw.isoformat()
    text = _string(p, raw, path)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        p.add(path, f"{text!r} is not an ISO date (YYYY-MM-DD)")
        return None
