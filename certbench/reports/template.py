"""The report template: layout, colours and bilingual labels from ``certificates/reports/``.

The template is data a certification body edits; this module reads and checks
it, so that a missing label or a bad colour fails loudly at load time rather
than printing a blank in a report.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from certbench import assets
from certbench.certify.fonts import CjkFontSpec
from certbench.errors import ExportError

__all__ = ["LANGUAGES", "Labels", "ReportTemplate", "load_template"]

LANGUAGES = ("en", "zh")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PAGE_KEYS = ("margin_left", "margin_right", "margin_top", "margin_bottom",
              "header_rule", "footer_rule")
_FONT_KEYS = ("body_size", "small_size", "title_size", "heading_size")
_GROUPS = ("nonconformity", "statuses", "reason")


@dataclass(frozen=True, slots=True)
class Labels:
    """The labels of one language."""

    lang: str
    text: Mapping[str, str]
    groups: Mapping[str, Mapping[str, str]]

    def __call__(self, key: str, **values: object) -> str:
        """The label ``key`` with ``{placeholders}`` filled in."""
        label = self.text[key]
        return label.format(**values) if values else label

    def group(self, group: str, key: str) -> str:
        """A label from a group (``statuses``, ``nonconformity``, ``reason``); ``key`` if absent."""
        return self.groups[group].get(key, key)


@dataclass(frozen=True, slots=True)
class ReportTemplate:
    """A parsed report template."""

    page: Mapping[str, float]
    fonts: Mapping[str, str]
    sizes: Mapping[str, float]
    colours: Mapping[str, str]
    labels: Mapping[str, Labels]
    cjk: CjkFontSpec

    def for_lang(self, lang: str) -> Labels:
        """The labels for ``lang``; :class:`ExportError` for a language the template lacks."""
        try:
            return self.labels[lang]
        except KeyError:
            raise ExportError(f"the report template has no language {lang!r}",
                              lang=lang) from None


def _table(data: Mapping[str, object], key: str, source: Path) -> Mapping[str, object]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ExportError(f"{source}: [{key}] is missing", file=str(source))
    return value


def _numbers(table: Mapping[str, object], keys: tuple[str, ...], source: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for key in keys:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ExportError(f"{source}: {key} must be a positive number", file=str(source))
        out[key] = float(value)
    return out


def _strings(table: Mapping[str, object], source: Path, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, str):
            out[key] = value
        elif not isinstance(value, dict):
            raise ExportError(f"{source}: {where}.{key} must be a string", file=str(source))
    return out


def _font_names(table: Mapping[str, object], source: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in ("latin", "latin_bold", "mono"):
        value = table.get(key)
        if not isinstance(value, str) or not value:
            raise ExportError(f"{source}: fonts.{key} must be a font name", file=str(source))
        out[key] = value
    return out


def _labels(data: Mapping[str, object], source: Path) -> dict[str, Labels]:
    tables = _table(data, "labels", source)
    parsed: dict[str, Labels] = {}
    for lang in LANGUAGES:
        table = _table(tables, lang, source)
        groups = {g: _strings(_table(table, g, source), source, f"labels.{lang}.{g}")
                  for g in _GROUPS}
        parsed[lang] = Labels(lang, _strings(table, source, f"labels.{lang}"), groups)
    reference = parsed[LANGUAGES[0]]
    for lang in LANGUAGES[1:]:
        other = parsed[lang]
        missing = set(reference.text) ^ set(other.text)
        for g in _GROUPS:
            missing |= {f"{g}.{k}" for k in set(reference.groups[g]) ^ set(other.groups[g])}
        if missing:
            raise ExportError(f"{source}: labels differ between languages: "
                              f"{', '.join(sorted(missing))}", file=str(source))
    return parsed


def _cjk(table: Mapping[str, object], source: Path) -> CjkFontSpec:
    name, package = table.get("name"), table.get("package")
    index, candidates = table.get("subfont_index", 0), table.get("candidates")
    if not (isinstance(name, str) and name and isinstance(package, str)
            and isinstance(index, int) and not isinstance(index, bool)
            and isinstance(candidates, list) and candidates
            and all(isinstance(c, str) for c in candidates)):
        raise ExportError(f"{source}: [fonts.cjk] needs name, package, subfont_index and "
                          "a non-empty list of candidates", file=str(source))
    return CjkFontSpec(name=name, candidates=tuple(candidates), subfont_index=index,
                       package=package)


def _parse(source: Path) -> ReportTemplate:
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ExportError(f"cannot read report template {source}: {exc}",
                          file=str(source)) from exc
    fonts_table = _table(data, "fonts", source)
    colours = _strings(_table(data, "colours", source), source, "colours")
    for key, value in colours.items():
        if not _COLOUR.match(value):
            raise ExportError(f"{source}: colours.{key} is not #rrggbb", file=str(source))
    return ReportTemplate(
        page=_numbers(_table(data, "page", source), _PAGE_KEYS, source),
        fonts=_font_names(fonts_table, source),
        sizes=_numbers(fonts_table, _FONT_KEYS, source),
        colours=colours,
        labels=_labels(data, source),
        cjk=_cjk(_table(fonts_table, "cjk", source), source),
    )


@cache
def _cached(source: Path, mtime_ns: int) -> ReportTemplate:
    del mtime_ns  # part of the cache key only: an edited template is re-read
    return _parse(source)


def load_template(path: Path | None = None) -> ReportTemplate:
    """The report template at ``path``, by default ``certificates/reports/template.toml``.

    :raises ExportError: the file is missing, malformed or lacks a label in one language.
    """
    source = path or assets.certificates_dir() / "reports" / "template.toml"
    try:
        mtime = source.stat().st_mtime_ns
    except OSError as exc:
        raise ExportError(f"report template {source} is missing", file=str(source)) from exc
    return _cached(source, mtime)
