"""Cells of every sheet the project writes (CSV and XLSX): user text stays text.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, TAB or CR) as a formula: a party named ``=HYPERLINK("http://x","y")`` would become
a live link in the officer's workbook, ``=cmd|' /C calc'!A0`` a DDE call. So:

- **CSV**: a text that starts with one of those characters gets a leading ``'`` (the OWASP
  rule for CSV injection); a text that is a plain number (``-1234.50``: the engine writes
  amounts so) is left as it is, since a number cannot be a formula.
- **XLSX**: a text is written as a string cell, never a formula, whatever its first
  character; numbers stay numbers; the project's own formulas are written with
  :func:`put_formula`, the only way a formula enters a workbook.
- Header lines (``# name``) are one line: a newline in a name cannot start a new row.

Every CSV and XLSX writer (web/exports.py, ``sharing run --format csv``, the sweep CSV) goes
through this module; docs/web.md says what a reader sees.
"""

from __future__ import annotations

import re
from typing import Any

#: The first characters a spreadsheet may read as the start of a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def csv_text(value: Any) -> Any:
    """One CSV cell: a text that could start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and \
            not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def csv_row(row: list[Any]) -> list[Any]:
    return [csv_text(v) for v in row]


def header_line(text: str) -> str:
    """A ``# …`` header line of a CSV: the text on one line."""
    return " ".join(str(text).split())


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one value into an openpyxl worksheet: a text is a string cell (never a
    formula), a number a number. Returns the cell."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take a text starting with "=" as a formula
    return cell


def put_formula(ws: Any, row: int, column: int, formula: str) -> Any:
    """Write one of the project's own formulas (never user text); it must start with ``=``."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell = ws.cell(row=row, column=column)
    cell.value = formula
    cell.data_type = "f"
    return cell


def provenance_block(lines: list[str]) -> str:
    """The provenance of a CSV, written after its table: one empty line, then one ``# …``
    line each (the header stays the first row, for filters and pivot tables)."""
    return "\n" + "".join("# " + header_line(line) + "\n" for line in lines)
