"""No formula from user data in any download (issue 19, point 2; sharing/cells.py).

Every dangerous first character goes into every name a user writes (contract, party, stream,
clause) and through every sheet the project writes: the web's two CSVs and its workbook, the
CLI's CSV and the sweep CSV. The workbook is read back with openpyxl: no user text became a
formula, numbers are still numbers. In CSV each such text starts with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from sharing.cells import FORMULA_START, csv_text, put, put_formula

ROOT = Path(__file__).resolve().parents[2]
MARK = 'HYPERLINK("http://evil.example/","x")'
PAYLOADS = [p + MARK for p in FORMULA_START] + ["=cmd|' /C calc'!A0"]


def _contract(prefix: str) -> dict:
    doc = yaml.safe_load((ROOT / "examples" / "gdp-indicator-split.yaml").read_text("utf-8"))
    doc["name"] = prefix + MARK
    for i, p in enumerate(doc["parties"]):
        p["name"] = f"{prefix}{MARK} party{i}"
    for i, s in enumerate(doc["streams"]):
        s["name"] = f"{prefix}{MARK} stream{i}"
    for i, c in enumerate(doc["clauses"]):
        c["name"] = f"{prefix}{MARK} clause{i}"
    return doc


def _token(client) -> str:
    html = client.get("/form").data.decode()
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _run(client, doc: dict) -> str:
    r = client.post("/run", data={"csrf_token": _token(client),
                                  "document": json.dumps(doc, ensure_ascii=False, default=str)})
    assert r.status_code == 303, r.data.decode()[:2000]
    return r.headers["Location"].rstrip("/").split("/")[-1]


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# "))
    return [c for row in csv.reader(io.StringIO(body)) for c in row]


def _check_csv(data: bytes, names_shown: bool) -> None:
    text = data.decode("utf-8-sig")
    for line in text.splitlines():  # no header line can start a row of its own
        assert not line.startswith(FORMULA_START) or line.startswith("# "), line
    cells = _csv_cells(data)
    marked = [c for c in cells if MARK in c]
    assert marked or not names_shown, "the names did not reach the CSV"
    for c in marked:
        assert c.startswith("'") or not c.startswith(FORMULA_START), c


@pytest.mark.parametrize("prefix", [p for p in FORMULA_START if p not in "\t\r"])
def test_every_web_download(client, prefix):
    sha = _run(client, _contract(prefix))
    # the ledger names clauses and parties by id today (names there are issue 15's)
    for name, names_shown in (("table.csv", True), ("ledger.csv", False)):
        r = client.get(f"/results/{sha}/download/{name}")
        assert r.status_code == 200
        _check_csv(r.data, names_shown)
    r = client.get(f"/results/{sha}/download/result.xlsx")
    assert r.status_code == 200
    _check_xlsx(r.data)


def _check_xlsx(data: bytes) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    marked = numbers = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and MARK in cell.value:
                    marked += 1
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                if cell.data_type == "n" and cell.value is not None:
                    numbers += 1
    assert marked, "the names did not reach the workbook"
    assert numbers, "the amounts must stay numbers"


def test_tab_and_cr_prefixes_reach_the_sheet_cells():
    """Names are cleaned of leading whitespace by the schema, so TAB and CR are checked
    straight on the helper every writer uses."""
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    for i, p in enumerate(PAYLOADS, start=1):
        put(wb.active, i, 1, p)
        put(wb.active, i, 2, -1234.5)
    put_formula(wb.active, 1, 3, "=SUM(B1:B7)")
    buf = io.BytesIO()
    wb.save(buf)
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    for i, p in enumerate(PAYLOADS, start=1):
        assert ws.cell(i, 1).data_type == "s"
        assert ws.cell(i, 1).value == p.replace("\r", "\n")  # XML keeps no bare CR
        assert ws.cell(i, 2).value == -1234.5 and ws.cell(i, 2).data_type == "n"
    assert ws.cell(1, 3).data_type == "f" and ws.cell(1, 3).value == "=SUM(B1:B7)"
    for p in PAYLOADS:
        assert csv_text(p) == "'" + p
    assert csv_text("-1234.50") == "-1234.50"  # a number is no formula
    assert csv_text(-5) == -5


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_cli_csv(prefix):
    from sharing.api import parse_contract, run_contract
    from sharing.cli import render_csv

    result = run_contract(parse_contract(_contract(prefix)))
    out = render_csv(result.to_dict() if hasattr(result, "to_dict") else result)
    assert not any(line.startswith(FORMULA_START) for line in out.splitlines())
    for c in (c for row in csv.reader(io.StringIO(out)) for c in row):
        assert not c.startswith(FORMULA_START) or re.fullmatch(r"-\d+(\.\d+)?", c), c
