"""Helpers for the §6 tests: write a table as CSV (any encoding) or XLSX."""

from __future__ import annotations

import csv
import io
import pathlib

import openpyxl
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SETTLE = ROOT / "conformance" / "settle"
CASE01 = SETTLE / "01-beijing-zhangjiakou-register"
CASE02 = SETTLE / "02-guangzhou-qingyuan-retroactive"
CASE03 = SETTLE / "03-fuzhou-sanming-cost-share-advance"


def write_csv(path: pathlib.Path, rows: list[list[object]], encoding: str = "utf-8",
              bom: bool = False) -> pathlib.Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(path: pathlib.Path, rows: list[list[object]]) -> pathlib.Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.create_sheet("ignored").append(["only the first sheet is read"])
    wb.save(path)
    return path


@pytest.fixture
def tables(tmp_path):
    """tables(name, rows, fmt) -> path of a CSV or XLSX file with these rows."""
    def make(name: str, rows: list[list[object]], fmt: str = "csv", **kw) -> pathlib.Path:
        path = tmp_path / f"{name}.{fmt}"
        return write_xlsx(path, rows) if fmt == "xlsx" else write_csv(path, rows, **kw)
    return make
