"""Reading CSV and XLSX files for import: limits, header checks and formula refusal.

A file is checked before its rows are parsed: its size (bytes, and for XLSX
the unpacked size of the zip, against zip bombs) and its row count are
limited, so a huge file is refused early with a clear message. Then the
header must name exactly the expected columns (no missing, unknown or
repeated ones). Cells are returned as text; a cell that holds a formula is
refused (in XLSX a formula cell, in CSV text starting with ``=`` or ``@``, or
with ``+``/``-`` not followed by a number), since it is either an injection or
a value nobody can check. Text that the exporters escaped with a leading
``'`` is unescaped.

Problems are collected as ``(row, column, problem)``; rows are numbered as a
spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from certbench.errors import ImportDataError
from certbench.reports.tables import FORMULA_START

__all__ = ["Limits", "Problems", "RawTable", "read_table"]

_NUMBERISH = re.compile(r"^[+-][0-9 .,()/-]*$")


@dataclass(frozen=True, slots=True)
class Limits:
    """How much an import reads before it refuses the file."""

    max_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_rows: int = 50_000
    max_cell_chars: int = 10_000


@dataclass
class Problems:
    """Problems found so far; :meth:`raise_if_any` turns them into one ImportDataError."""

    source: str
    items: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, row: int, column: str, problem: str) -> None:
        """Record a problem at spreadsheet row ``row`` (0 for the whole file)."""
        self.items.append((row, column, problem))

    def raise_if_any(self) -> None:
        """:raises ImportDataError: when any problem was recorded."""
        if not self.items:
            return
        first = self.items[0]
        where = f"row {first[0]}" + (f", column {first[1]}" if first[1] else "")
        more = f" (and {len(self.items) - 1} more)" if len(self.items) > 1 else ""
        raise ImportDataError(f"{self.source}: {where}: {first[2]}{more}; nothing was imported",
                              problems=list(self.items), file=self.source)


@dataclass(frozen=True, slots=True)
class RawTable:
    """The text cells of a checked file, one mapping per non-blank data row."""

    source: str
    rows: tuple[tuple[int, dict[str, str]], ...]


def _refuse(source: str, problem: str) -> ImportDataError:
    return ImportDataError(f"{source}: {problem}; nothing was imported",
                           problems=[(0, "", problem)], file=source)


def _check_size(path: Path, limits: Limits) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _refuse(str(path), f"cannot read the file ({exc.strerror})") from exc
    if size > limits.max_bytes:
        raise _refuse(str(path), f"the file is {size:,} bytes, more than the limit of "
                                 f"{limits.max_bytes:,} bytes")


def _check_header(header: Sequence[str], expected: Sequence[str], source: str) -> None:
    problems = Problems(source)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.add(1, name, "the column appears twice")
        elif name not in expected:
            problems.add(1, name, "unknown column")
        seen.add(name)
    for name in expected:
        if name not in seen:
            problems.add(1, name, "the column is missing")
    problems.raise_if_any()


def _text_cell(value: str, row: int, column: str, *, problems: Problems, limits: Limits,
               typed: bool) -> str:
    """A cell's text; ``typed`` cells (XLSX) were already checked for formulas by type."""
    if len(value) > limits.max_cell_chars:
        problems.add(row, column, f"longer than {limits.max_cell_chars} characters")
        return ""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    stripped = value.strip()
    if typed:
        return stripped
    if stripped.startswith(("=", "@")) or (
            stripped.startswith(("+", "-")) and not _NUMBERISH.match(stripped)):
        problems.add(row, column, "looks like a formula; formulas are not imported")
        return ""
    return stripped


def _csv_rows(path: Path, limits: Limits) -> tuple[list[str], list[list[str]]]:
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            nrows=limits.max_rows + 2, header=None, skip_blank_lines=False,
                            engine="python", on_bad_lines="error")
    except UnicodeDecodeError as exc:
        raise _refuse(str(path), "the file is not UTF-8 text") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise _refuse(str(path), f"not a readable CSV file ({str(exc).strip()[:200]})") from exc
    if frame.empty:
        raise _refuse(str(path), "the file is empty")
    rows = frame.fillna("").to_numpy().tolist()
    return [str(c).strip() for c in rows[0]], [[str(c) for c in r] for r in rows[1:]]


def _check_zip(path: Path, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(str(path), "not a readable XLSX file") from exc
    if unpacked > limits.max_unpacked_bytes:
        raise _refuse(str(path), f"the workbook unpacks to {unpacked:,} bytes, more than the "
                                 f"limit of {limits.max_unpacked_bytes:,}")


def _xlsx_value(cell: Any) -> tuple[str, bool]:
    """The text of a read-only cell and whether it is a formula."""
    value = cell.value
    if getattr(cell, "data_type", None) == "f":
        return str(value), True
    if value is None:
        return "", False
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == time(0) else
                value.isoformat(timespec="seconds")), False
    if isinstance(value, date):
        return value.isoformat(), False
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), False
    if isinstance(value, float | Decimal):
        return str(value), False
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    return str(value), False


def _xlsx_rows(path: Path, sheet: str | None, limits: Limits,
               problems: Problems) -> tuple[list[str], list[list[str]], list[int]]:
    from openpyxl import load_workbook

    _check_zip(path, limits)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise _refuse(str(path), "not a readable XLSX file") from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise _refuse(str(path), f"the workbook has no sheet named {sheet!r}")
        ws = workbook[sheet] if sheet else workbook.worksheets[0]
        declared = ws.max_row if isinstance(ws.max_row, int) else 0
        if declared > limits.max_rows + 1:
            raise _refuse(str(path), f"the sheet has {declared - 1:,} rows, more than the limit "
                                     f"of {limits.max_rows:,}")
        return _collect(ws, path, limits, problems)
    finally:
        workbook.close()


def _collect(ws: Any, path: Path, limits: Limits,
             problems: Problems) -> tuple[list[str], list[list[str]], list[int]]:
    header: list[str] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    for index, cells in enumerate(ws.iter_rows(), start=1):
        values = []
        for cell in cells:
            text, formula = _xlsx_value(cell)
            if formula:
                problems.add(index, getattr(cell, "column_letter", ""),
                             "is a formula; formulas are not imported")
                text = ""
            values.append(text)
        if index == 1:
            header = [v.strip() for v in values]
            continue
        if len(rows) >= limits.max_rows:
            raise _refuse(str(path), f"the sheet has more than {limits.max_rows:,} rows")
        rows.append(values)
        numbers.append(index)
    return header, rows, numbers


def _trim_header(header: list[str]) -> list[str]:
    while header and not header[-1]:
        header.pop()
    return header


def _rows_to_table(header: list[str], rows: list[list[str]], numbers: list[int], *,
                   problems: Problems, limits: Limits, typed: bool) -> RawTable:
    out: list[tuple[int, dict[str, str]]] = []
    for number, raw in zip(numbers, rows, strict=True):
        if not any(v.strip() for v in raw):
            continue
        extra = [v for v in raw[len(header):] if v.strip()]
        if extra:
            problems.add(number, "", "has values beyond the last column")
        cells = {name: _text_cell(raw[i] if i < len(raw) else "", number, name,
                                  problems=problems, limits=limits, typed=typed)
                 for i, name in enumerate(header)}
        out.append((number, cells))
    return RawTable(problems.source, tuple(out))


def read_table(path: Path, expected: Sequence[str], *, sheet: str | None = None,
               limits: Limits | None = None) -> tuple[RawTable, Problems]:
    """Read ``path`` (``.csv`` or ``.xlsx``) whose header must be exactly ``expected``.

    Returns the rows and the problems found in cells so far (formulas, overlong
    cells), for the caller to add its own and raise.

    :raises ImportDataError: the file is too large, unreadable, of an unknown
        type, or its header is wrong.
    """
    limits = limits or Limits()
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _refuse(source, "only .csv and .xlsx files can be imported")
    _check_size(path, limits)
    problems = Problems(source)
    if suffix == ".csv":
        header, rows = _csv_rows(path, limits)
        if len(rows) > limits.max_rows:
            raise _refuse(source, f"the file has more than {limits.max_rows:,} rows")
        numbers = list(range(2, len(rows) + 2))
    else:
        header, rows, numbers = _xlsx_rows(path, sheet, limits, problems)
    _check_header(_trim_header(header), expected, source)
    table = _rows_to_table(header, rows, numbers, problems=problems, limits=limits,
                           typed=suffix == ".xlsx")
    return table, problems
