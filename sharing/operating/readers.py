"""Reading the case's input tables: CSV or XLSX (semantics §6.0, §6.4a).

A table is read into its header and its rows of cells, each cell as text as the user would
see it (an XLSX number as the shortest decimal that gives back its stored double, an XLSX
date as its ISO date), with the spreadsheet row number kept for every row. Columns are then
matched against a file's known columns by their English names and Chinese aliases.
Nothing here knows what a column means; the file modules (register, actuals, transfers)
decide that.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .errors import NO_CELL, FileErrors, column_letter

MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (the header is row 1)
    cells: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[Row]


def normalise_header(text: str) -> str:
    """Trimmed, full-width brackets as half-width, ASCII lower-cased (§6.0)."""
    text = text.strip().replace("（", "(").replace("）", ")")
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def _cell_text(value: object) -> str:
    """An XLSX cell's value as text: numbers shortest round-trip, dates ISO (§6.0, §6.4a)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        d = Decimal(repr(value))
        text = format(d, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _decode(data: bytes) -> str:
    """UTF-8 with or without a BOM, else GB18030 (§6.0); UnicodeDecodeError otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_table(path: str, errors: FileErrors, data: bytes | None = None) -> Table | None:
    """The file's first sheet (XLSX) or its rows (CSV); None, with an error, if unreadable."""
    try:
        if data is None:
            with open(path, "rb") as f:
                data = f.read(MAX_BYTES + 1)
    except OSError as e:
        errors.add(None, NO_CELL, "cannot read the file: {reason}", reason=e.strerror or e)
        return None
    if len(data) > MAX_BYTES:
        errors.add(None, NO_CELL, "the file is larger than 50 MB")
        return None
    if data.startswith(b"PK\x03\x04"):
        grid = _xlsx_grid(data, errors)
    else:
        try:
            text = _decode(data)
        except UnicodeDecodeError:
            errors.add(None, NO_CELL, "the file is neither UTF-8 nor GB18030 text, nor an XLSX "
                       "workbook")
            return None
        try:
            grid = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as e:
            errors.add(None, NO_CELL, "not a readable CSV file: {reason}", reason=e)
            return None
    if grid is None:
        return None
    rows = []
    header: list[str] | None = None
    for n, cells in enumerate(grid, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            if header is None and n == 1:
                header = []
            continue
        if header is None:
            header = cells
            if n != 1:
                errors.add(None, NO_CELL, "the first row must be the header; row 1 is blank")
                return None
            continue
        rows.append(Row(n, cells))
    if not header:
        errors.add(None, NO_CELL, "the file has no header row")
        return None
    return Table(header, rows)


def _xlsx_grid(data: bytes, errors: FileErrors) -> list[list[str]] | None:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken workbook
        errors.add(None, NO_CELL, "not a readable XLSX workbook: {reason}", reason=type(e).__name__)
        return None
    try:
        ws = wb.worksheets[0]
        return [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


# ---- columns -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """A matched column: its index, its letter and its header as written."""

    index: int
    header: str

    @property
    def where(self) -> tuple[str, str]:
        return column_letter(self.index), self.header


def cell(row: Row, col: Column | None) -> str:
    if col is None or col.index >= len(row.cells):
        return ""
    return row.cells[col.index]


def match_columns(table: Table, errors: FileErrors, known: dict[str, list[str]],
                  pattern: re.Pattern[str] | None = None,
                  informational: tuple[str, ...] = ("note", "备注"),
                  hint: str | None = None) -> tuple[dict[str, Column], list[tuple[Column, str]]]:
    """Map each header to a known column name; unknown headers are errors (§6.0).

    ``known`` maps an English name to its aliases; ``pattern`` (optional) is a callback for
    computed names (``pre_2020``): a header it accepts is returned in the second list with
    the name it resolved to. A header given twice is an error at its second column."""
    aliases = {}
    for name, names in known.items():
        for a in [name, *names]:
            aliases[normalise_header(a)] = name
    info = {normalise_header(a) for a in informational}
    found: dict[str, Column] = {}
    extra: list[tuple[Column, str]] = []
    seen_extra: dict[str, Column] = {}
    for i, head in enumerate(table.header):
        col = Column(i, head)
        key = normalise_header(head)
        if not key:
            if any(cell(r, col) for r in table.rows):
                errors.add(1, col.where, "a column with values has no header")
            continue
        if key in info:
            continue
        name = aliases.get(key)
        if name is None and pattern is not None:
            resolved = pattern(head)  # type: ignore[operator]
            if resolved is not None:
                if resolved in seen_extra:
                    errors.add(1, col.where, "column {name} is given twice (first in column "
                               "{first})", name=resolved, first=seen_extra[resolved].where[0])
                else:
                    seen_extra[resolved] = col
                    extra.append((col, resolved))
                continue
        if name is None:
            errors.add(1, col.where, "unknown column {header} (a typo?); expected one of "
                       "{expected}", header=head, expected=hint or ", ".join(known))
            continue
        if name in found:
            errors.add(1, col.where, "column {name} is given twice (first in column {first})",
                       name=name, first=found[name].where[0])
            continue
        found[name] = col
    return found, extra


# ---- numbers -------------------------------------------------------------------------------

_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_number(text: str) -> Decimal | None:
    """A plain decimal, optional leading ``-``, optional thousands separators (§6.0, §6.4a);
    None for anything else (exponents, currency signs, 万, full-width digits, spaces, ``+``,
    ``.5``, ``5.``)."""
    if not _NUMBER.match(text) or not text.isascii():
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


def decimals(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def parse_year(text: str) -> int | None:
    """Four plain digits (§6.4a); an XLSX numeric year cell reads as ``2023`` already."""
    return int(text) if _YEAR.match(text) else None


def parse_date(text: str) -> str | None:
    """An ISO date ``YYYY-MM-DD`` that exists in the calendar (§6.4)."""
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def fen_of(value: Decimal, unit_fen: int) -> Fraction:
    """value (in a unit of ``unit_fen`` fen) as exact fen."""
    return Fraction(value) * unit_fen
