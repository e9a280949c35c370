"""Column contracts of the exported tables, and their CSV and XLSX writers.

Every export has a :class:`TableSpec`: its column names, types and widths, in a
fixed order (documented in ``docs/spreadsheets.md``). CSV is UTF-8 with a byte
order mark (so Excel opens Chinese text correctly), comma-separated, CRLF, one
header row. XLSX is written by openpyxl in write-only mode with typed cells,
a frozen header row, an auto-filter and column widths.

Spreadsheet (CSV) injection: a text cell that starts with ``=``, ``+``, ``-``,
``@``, tab or carriage return would run as a formula when the CSV is opened in
a spreadsheet, so CSV writes it with a leading apostrophe ``'``, which the
importers strip again. XLSX cells are typed, so such text is stored as a
string cell, never as a formula, and needs no prefix.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from certbench.errors import ExportError
from certbench.reports.rows import FindingsRow, GradeHistoryRow, OverdueRow, RegisterRow

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FINDINGS",
    "MERCHANTS",
    "OVERDUE",
    "REGISTER",
    "SPECS",
    "Column",
    "Kind",
    "TableSpec",
    "csv_cell",
    "escape_formula",
    "export_rows",
    "to_frame",
    "write_atomically",
    "write_csv",
    "write_xlsx",
]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


class Kind(enum.StrEnum):
    """A column's type; it fixes the CSV text form and the XLSX cell type."""

    TEXT = "text"
    LIST = "list"
    """Several texts joined by ``"; "``."""
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an export."""

    name: str
    kind: Kind
    width: float
    """XLSX column width in characters."""
    description: str


@dataclass(frozen=True, slots=True)
class TableSpec:
    """An export: its name, sheet title, columns and the row record it writes."""

    name: str
    sheet: str
    columns: tuple[Column, ...]
    row_type: type

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(c.name for c in self.columns)


def _spec(name: str, sheet: str, row_type: type,
          columns: Sequence[tuple[str, Kind, float, str]]) -> TableSpec:
    spec = TableSpec(name, sheet, tuple(Column(*c) for c in columns), row_type)
    fields = tuple(f.name for f in dataclasses.fields(row_type))
    if fields != spec.names:
        raise AssertionError(f"{name}: columns {spec.names} differ from {row_type.__name__}")
    return spec


T, L, N, D, DT, DTT, B = (Kind.TEXT, Kind.LIST, Kind.INT, Kind.DECIMAL, Kind.DATE,
                          Kind.DATETIME, Kind.BOOL)

REGISTER = _spec("register", "Certificates", RegisterRow, [
    ("certificate_number", T, 20, "Certificate number as printed"),
    ("merchant_id", T, 38, "Merchant id (UUID)"),
    ("legal_name", T, 36, "Merchant's legal name"),
    ("registration_number", T, 22, "Company registration number"),
    ("country", T, 8, "ISO 3166-1 alpha-2"),
    ("websites", L, 40, "Certified websites and shops, '; '-separated"),
    ("form", T, 20, "Checklist as form_id@version"),
    ("grade", T, 7, "Sealed grade letter"),
    ("score", D, 9, "Sealed overall score, percent, two decimals"),
    ("issued_at", DTT, 20, "Issue instant, UTC"),
    ("valid_from", DT, 12, "First valid day"),
    ("valid_until", DT, 12, "Last valid day"),
    ("status", T, 11, "valid, suspended, revoked or expired"),
    ("seal_hash", T, 66, "SHA-256 seal hash, 64 hex digits"),
])
FINDINGS = _spec("findings", "Findings", FindingsRow, [
    ("audit_id", T, 38, "Audit id (UUID)"),
    ("merchant_id", T, 38, "Merchant id (UUID)"),
    ("legal_name", T, 32, "Merchant's legal name"),
    ("form", T, 20, "Checklist as form_id@version"),
    ("criterion_id", T, 10, "Criterion id, e.g. PAY-02"),
    ("domain_id", T, 8, "Domain id"),
    ("critical", B, 8, "Whether the criterion is critical for the audit's scope"),
    ("rating", T, 10, "Scale value (fully, largely, partially, not_met, n/a) or empty"),
    ("nonconformity", T, 13, "major, minor, observation or empty"),
    ("note", T, 40, "Assessor's note"),
    ("justification", T, 30, "Justification of an n/a rating"),
    ("corrective_action", T, 36, "Corrective action asked for"),
    ("due_date", DT, 12, "Corrective action due date"),
    ("closed_on", DT, 12, "Day the corrective action was closed"),
])
MERCHANTS = _spec("merchants", "Grade history", GradeHistoryRow, [
    ("merchant_id", T, 38, "Merchant id (UUID)"),
    ("legal_name", T, 36, "Merchant's legal name"),
    ("registration_number", T, 22, "Company registration number"),
    ("country", T, 8, "ISO 3166-1 alpha-2"),
    ("websites", L, 40, "Websites and shops, '; '-separated"),
    ("audit_id", T, 38, "Audit id (UUID)"),
    ("audit_kind", T, 13, "initial, surveillance or reassessment"),
    ("audit_state", T, 12, "Audit state"),
    ("completed_on", DT, 12, "Day the audit was approved or completed"),
    ("form", T, 20, "Checklist as form_id@version"),
    ("grade", T, 7, "Grade letter, empty when not certifiable"),
    ("score", D, 9, "Overall score, percent, two decimals"),
    ("certificate_number", T, 20, "Certificate issued from the audit, if any"),
    ("certificate_status", T, 11, "Its status as of the export date"),
])
OVERDUE = _spec("overdue", "Overdue", OverdueRow, [
    ("kind", T, 18, "surveillance or corrective_action"),
    ("merchant_id", T, 38, "Merchant id (UUID)"),
    ("legal_name", T, 36, "Merchant's legal name"),
    ("certificate_number", T, 20, "Certificate concerned"),
    ("audit_id", T, 38, "Audit the corrective action belongs to (or the last audit)"),
    ("criterion_id", T, 10, "Criterion of the corrective action, empty for surveillance"),
    ("nonconformity", T, 13, "major or minor, empty for surveillance"),
    ("due_date", DT, 12, "Day it was due"),
    ("days_overdue", N, 12, "Whole days past the due date as of the export date"),
])

SPECS: dict[str, TableSpec] = {s.name: s for s in (REGISTER, FINDINGS, MERCHANTS, OVERDUE)}


def escape_formula(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _iso_instant(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


def csv_cell(kind: Kind, value: object) -> str:
    """The CSV text of ``value`` in a column of ``kind`` (empty for ``None``)."""
    if value is None:
        return ""
    if kind is Kind.LIST:
        assert isinstance(value, tuple | list)
        return escape_formula(LIST_SEPARATOR.join(str(v) for v in value))
    if kind is Kind.BOOL:
        return "true" if value else "false"
    if kind is Kind.DECIMAL:
        assert isinstance(value, Decimal)
        return f"{value.quantize(Decimal('0.01'))}"
    if kind is Kind.DATETIME:
        assert isinstance(value, datetime)
        return _iso_instant(value)
    if kind is Kind.DATE:
        assert isinstance(value, date)
        return value.isoformat()
    if kind is Kind.INT:
        return str(int(value))  # type: ignore[call-overload]
    return escape_formula(str(value))


def _xlsx_value(kind: Kind, value: object) -> object:
    if value is None:
        return None
    if kind is Kind.LIST:
        assert isinstance(value, tuple | list)
        return LIST_SEPARATOR.join(str(v) for v in value)
    if kind is Kind.DATETIME:
        assert isinstance(value, datetime)
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if kind is Kind.DECIMAL:
        assert isinstance(value, Decimal)
        return value.quantize(Decimal("0.01"))
    return value


def _check_rows(spec: TableSpec, rows: Sequence[Any]) -> None:
    for row in rows[:1]:
        if not isinstance(row, spec.row_type):
            raise ExportError(f"the {spec.name} export takes {spec.row_type.__name__} rows, "
                              f"not {type(row).__name__}")


def _columns(spec: TableSpec, rows: Sequence[Any]) -> list[list[Any]]:
    """Column-major values of ``rows`` (one attribute fetch per cell)."""
    return [[getattr(r, name) for r in rows] for name in spec.names]


def _column_text(kind: Kind, values: list[Any]) -> list[str]:
    """:func:`csv_cell` over a whole column, with the type dispatch hoisted out of the loop."""
    cent = Decimal("0.01")
    if kind is Kind.TEXT:
        return ["" if v is None else "'" + v if v.startswith(FORMULA_START) else v
                for v in map(_str_or_none, values)]
    if kind is Kind.DECIMAL:
        return ["" if v is None else f"{v.quantize(cent)}" for v in values]
    if kind is Kind.DATE:
        return ["" if v is None else v.isoformat() for v in values]
    return [csv_cell(kind, v) for v in values]


def _str_or_none(value: object) -> str | None:
    return None if value is None else value if isinstance(value, str) else str(value)


def to_frame(spec: TableSpec, rows: Sequence[Any]) -> pd.DataFrame:
    """A pandas frame of ``rows`` with the spec's columns, in order, as CSV text."""
    import pandas as pd

    _check_rows(spec, rows)
    data = {c.name: _column_text(c.kind, values)
            for c, values in zip(spec.columns, _columns(spec, rows), strict=True)}
    return pd.DataFrame(data, columns=list(spec.names), dtype=object)


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` over ``path``: readers never see half a file.

    :raises ExportError: the folder cannot be created or the file written.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        tmp.replace(path)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}", file=str(path)) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_csv(spec: TableSpec, rows: Sequence[Any], path: Path) -> int:
    """Write ``rows`` as CSV (UTF-8 with BOM, CRLF) to ``path``; returns the row count."""
    frame = to_frame(spec, rows)
    write_atomically(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig",
                                           lineterminator="\r\n"))
    return len(rows)


def _xlsx_sheet(workbook: Any, spec: TableSpec, rows: Sequence[Any]) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(spec.sheet)
    freeze_header(sheet)
    for i, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    last = get_column_letter(len(spec.columns))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    font, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F3B5A")
    head = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font, cell.fill = font, fill
        cell.alignment = Alignment(vertical="center")
        head.append(cell)
    sheet.append(head)
    kinds = [c.kind for c in spec.columns]
    for row in rows:
        values = [_xlsx_value(k, getattr(row, n)) for k, n in zip(kinds, spec.names, strict=True)]
        sheet.append([_text_cell(sheet, v) if isinstance(v, str) and v.startswith("=")
                      else v for v in values])
    return sheet


def _text_cell(sheet: Any, text: str) -> Any:
    """A cell that holds ``text`` as a string even though it starts with ``=``."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def freeze_header(sheet: Any) -> None:
    """Freeze the first row of a write-only sheet (its ``freeze_panes`` is not saved)."""
    from openpyxl.worksheet.views import Pane, Selection

    sheet.sheet_view.pane = Pane(ySplit=1, topLeftCell="A2", activePane="bottomLeft",
                                 state="frozen")
    sheet.sheet_view.selection = [Selection(pane="bottomLeft", activeCell="A2", sqref="A2")]


def write_xlsx(spec: TableSpec, rows: Sequence[Any], path: Path) -> int:
    """Write ``rows`` as an XLSX workbook with one typed sheet; returns the row count."""
    from openpyxl import Workbook

    _check_rows(spec, rows)
    workbook = Workbook(write_only=True)
    _xlsx_sheet(workbook, spec, rows)
    write_atomically(path, workbook.save)
    return len(rows)


def export_rows(spec: TableSpec, rows: Iterable[Any], path: Path) -> int:
    """Write ``rows`` to ``path`` as CSV or XLSX, chosen by the suffix.

    :raises ExportError: an unknown suffix, rows of the wrong type, or a write failure.
    """
    materialised = list(rows)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(spec, materialised, path)
    if suffix == ".xlsx":
        return write_xlsx(spec, materialised, path)
    raise ExportError(f"cannot export to {path.name}: use a .csv or .xlsx file", file=str(path))
