"""The ratings template: an XLSX workbook an assessor fills in, and its validated import.

``write_ratings_template`` lists every criterion of the form that applies to the
audit's scope, with drop-down lists for the rating (the form's scale) and the
nonconformity class, a date check on the due date, and the current values if
the audit already has some. An ``About`` sheet pins the audit id and the form
hash, so a sheet filled in for one audit or form version cannot be imported
into another. ``read_ratings_template`` checks all of it and returns plain
lines; applying them to an audit belongs to the audit workflow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from certbench.domain import Form, Rating, Scope
from certbench.errors import ImportDataError
from certbench.reports.imports import parse_day
from certbench.reports.sheets import Limits, Problems, RawTable, read_table
from certbench.reports.tables import escape_formula, freeze_header, write_atomically

__all__ = [
    "ABOUT_SHEET",
    "NONCONFORMITY_CLASSES",
    "RATINGS_COLUMNS",
    "RATINGS_SHEET",
    "RatingLine",
    "RatingsSheet",
    "ratings_of",
    "read_ratings_csv",
    "read_ratings_template",
    "write_ratings_template",
]

RATINGS_SHEET = "Ratings"
ABOUT_SHEET = "About"
RATINGS_COLUMNS = ("criterion_id", "domain_id", "critical", "requirement", "rating",
                   "justification", "note", "nonconformity", "corrective_action", "due_date")
NONCONFORMITY_CLASSES = ("major", "minor", "observation")
_EDITABLE_FROM = RATINGS_COLUMNS.index("rating")
_WIDTHS = (11, 8, 8, 60, 12, 30, 40, 14, 36, 12)


@dataclass(frozen=True, slots=True)
class RatingLine:
    """One criterion's result as filled in on the template."""

    row: int
    criterion_id: str
    rating: str
    """A scale value, or empty when the assessor left it unrated."""
    justification: str
    note: str
    nonconformity: str | None
    corrective_action: str
    due_date: date | None


@dataclass(frozen=True, slots=True)
class RatingsSheet:
    """A validated ratings template."""

    audit_id: str
    form_ref: str
    form_hash: str
    lines: tuple[RatingLine, ...]


def _about_rows(audit_id: str, form: Form, lang: str) -> list[tuple[str, str]]:
    return [("audit_id", audit_id), ("form", form.ref), ("form_hash", form.hash),
            ("form_title", form.title.get(lang)),
            ("how_to", "Fill in the columns from 'rating' on; keep criterion_id as it is. "
                       "Ratings: " + ", ".join(v.value for v in form.scale) + ".")]


def write_ratings_template(path: Path, form: Form, *, audit_id: str, scope: Scope,
                           current: Mapping[str, Mapping[str, object]] | None = None,
                           lang: str = "en") -> int:
    """Write the ratings template of ``audit_id`` to ``path``; returns the criteria listed.

    ``current`` maps criterion ids to the audit's current values (keys from
    ``RATINGS_COLUMNS``: ``rating``, ``justification``, ``note``, ...).

    :raises ExportError: the file cannot be written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    criteria = [c for c in form.criteria if c.applies(scope)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(RATINGS_SHEET)
    freeze_header(sheet)
    _columns(sheet)
    _validations(sheet, form, len(criteria))
    from openpyxl.cell import WriteOnlyCell

    head = []
    for name in RATINGS_COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3B5A")
        head.append(cell)
    sheet.append(head)
    wrap = Alignment(wrap_text=True, vertical="top")
    for c in criteria:
        values = dict((current or {}).get(c.id, {}))
        fixed: list[str | date | None] = [c.id, c.domain, "yes" if c.is_critical(scope) else "no",
                                          c.requirement.get(lang)]
        row = fixed + [_value(values.get(k)) for k in RATINGS_COLUMNS[_EDITABLE_FROM:]]
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # dates are fine
            if isinstance(value, str):
                cell.data_type = "s"  # text starting with "=" stays text
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    about = workbook.create_sheet(ABOUT_SHEET)
    for key, value in _about_rows(audit_id, form, lang):
        about.append([key, escape_formula(value)])
    write_atomically(path, workbook.save)
    return len(criteria)


def _value(value: object) -> str | date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    return str(value)


def _columns(sheet: Any) -> None:
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _validations(sheet: Any, form: Form, count: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    last = count + 1
    scale = ",".join(v.value for v in form.scale)
    rating = DataValidation(type="list", formula1=f'"{scale}"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Rating",
                            error=f"Choose one of: {scale}")
    rating.add(f"E2:E{last}")
    nc = DataValidation(type="list", formula1='"' + ",".join(NONCONFORMITY_CLASSES) + '"',
                        allow_blank=True, showErrorMessage=True)
    nc.add(f"H2:H{last}")
    due = DataValidation(type="date", operator="greaterThan", formula1="36526",
                         allow_blank=True, showErrorMessage=True, error="A date, please")
    due.add(f"J2:J{last}")
    for validation in (rating, nc, due):
        sheet.data_validations.append(validation)


def _read_about(path: Path) -> dict[str, str]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        if ABOUT_SHEET not in workbook.sheetnames:
            return {}
        about: dict[str, str] = {}
        for row in workbook[ABOUT_SHEET].iter_rows(values_only=True, max_col=2):
            if row and isinstance(row[0], str) and row[1] is not None:
                about[row[0]] = str(row[1])
        return about
    finally:
        workbook.close()


def _check_about(path: Path, about: Mapping[str, str], form: Form, audit_id: str | None,
                 problems: Problems) -> None:
    if about.get("form_hash") != form.hash:
        problems.add(0, "form_hash", f"the sheet is for form {about.get('form', '?')} "
                                     f"({about.get('form_hash', 'no hash')[:12]}), "
                                     f"not {form.ref} ({form.hash[:12]})")
    if audit_id is not None and about.get("audit_id") != audit_id:
        problems.add(0, "audit_id", f"the sheet is for audit {about.get('audit_id', '?')}, "
                                    f"not {audit_id}")


def _line(number: int, cells: Mapping[str, str], form: Form, scope: Scope | None,
          problems: Problems) -> RatingLine | None:
    cid = cells["criterion_id"]
    try:
        criterion = form.criterion(cid)
    except KeyError:
        problems.add(number, "criterion_id", f"{cid!r} is not a criterion of {form.ref}")
        return None
    if scope is not None and not criterion.applies(scope):
        problems.add(number, "criterion_id", f"{cid} does not apply to the audit's scope")
    rating = cells["rating"]
    scale = {v.value: v for v in form.scale}
    if rating and rating not in scale:
        problems.add(number, "rating", f"{rating!r} is not one of {', '.join(scale)}")
    elif rating and scale[rating].needs_justification and not cells["justification"]:
        problems.add(number, "justification", f"a {rating} rating needs a justification")
    nc = cells["nonconformity"] or None
    if nc is not None and nc not in NONCONFORMITY_CLASSES:
        problems.add(number, "nonconformity",
                     f"{nc!r} is not one of {', '.join(NONCONFORMITY_CLASSES)}")
    due: date | None = None
    if cells["due_date"]:
        try:
            due = parse_day(cells["due_date"])
        except ValueError:
            problems.add(number, "due_date", f"{cells['due_date']!r} is not a date (YYYY-MM-DD)")
    return RatingLine(number, cid, rating, cells["justification"], cells["note"], nc,
                      cells["corrective_action"], due)


def _lines(table: RawTable, form: Form, scope: Scope | None,
           problems: Problems) -> list[RatingLine]:
    lines: list[RatingLine] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        line = _line(number, cells, form, scope, problems)
        if line is None:
            continue
        if line.criterion_id in seen:
            problems.add(number, "criterion_id", f"duplicates row {seen[line.criterion_id]}")
            continue
        seen[line.criterion_id] = number
        lines.append(line)
    return lines


def read_ratings_template(path: Path, form: Form, *, audit_id: str | None = None,
                          scope: Scope | None = None,
                          limits: Limits | None = None) -> RatingsSheet:
    """Read and validate a filled-in ratings template for ``form`` (and ``audit_id``).

    Checks the pinned audit and form hash, the header, every criterion id (known,
    applicable to ``scope``, not repeated), ratings against the form's scale,
    n/a justifications, nonconformity classes, due dates and formulas.

    :raises ImportDataError: with every ``(row, column, problem)``.
    """
    if path.suffix.lower() != ".xlsx":
        raise ImportDataError(f"{path}: the ratings template is an .xlsx workbook",
                              problems=[(0, "", "not an .xlsx file")], file=str(path))
    table, problems = read_table(path, RATINGS_COLUMNS, sheet=RATINGS_SHEET, limits=limits)
    about = _read_about(path)
    _check_about(path, about, form, audit_id, problems)
    lines = _lines(table, form, scope, problems)
    problems.raise_if_any()
    return RatingsSheet(about.get("audit_id", ""), form.ref, form.hash, tuple(lines))


def read_ratings_csv(path: Path, form: Form, *, scope: Scope | None = None,
                     limits: Limits | None = None) -> tuple[RatingLine, ...]:
    """Read and validate a ratings CSV with the template's columns (no audit or form pinning).

    :raises ImportDataError: with every ``(row, column, problem)``.
    """
    if path.suffix.lower() != ".csv":
        raise ImportDataError(f"{path}: expected a .csv file",
                              problems=[(0, "", "not a .csv file")], file=str(path))
    table, problems = read_table(path, RATINGS_COLUMNS, limits=limits)
    lines = _lines(table, form, scope, problems)
    problems.raise_if_any()
    return tuple(lines)


def ratings_of(lines: Sequence[RatingLine]) -> list[Rating]:
    """The ratings of the rated lines, ready for :func:`certbench.grading.grade`."""
    return [Rating(line.criterion_id, line.rating, line.justification) for line in lines
            if line.rating]
