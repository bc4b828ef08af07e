"""The workbook a finance officer keeps and the one they author (issue 17, points 5 and 6).

- LibreOffice headless recalculates the results workbook: every formula cell equals the sum
  worked out here from the engine's per-year amounts.
- The blank template filled in with openpyxl, as an officer fills it in Excel, and uploaded
  on the form gives the same contract hash as the YAML example.
- The results workbook of every example, uploaded again, gives back its contract; so does the
  workbook of any contract the property strategies draw.
- A bad workbook gets every error at once, each naming its sheet, row and column.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import strategies as gen
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook
from webhelpers import BIG, bth_example, csrf_token, post_contract

from sharing.api import contract_sha256, load_file, parse_contract, run_contract

EXAMPLES = sorted(Path(bth_example()).parent.glob("*.yaml"))
STEP = Path(bth_example()).parent / "incremental-step-split.yaml"
CENT = Decimal("0.01")


def _run(client, path: Path) -> str:
    from webhelpers import form_doc

    r = post_contract(client, form_doc(path))
    assert r.status_code == 303, r.data[:500]
    return r.headers["Location"].rsplit("/", 1)[1]


def _upload(client, data: bytes, name: str = "contract.xlsx", lang: str = "zh-CN"):
    token = csrf_token(client)
    return client.post("/form/upload", data={"csrf_token": token,
                                             "file": (io.BytesIO(data), name)},
                       headers={"Accept-Language": lang}, content_type="multipart/form-data")


def _script_json(html: str, element_id: str):
    m = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html,
                  re.S)
    assert m, element_id
    return json.loads(m.group(1))


def _uploaded_hash(client, data: bytes) -> str:
    """Upload a workbook on the form, then run the document the form now holds."""
    r = _upload(client, data)
    assert r.status_code == 200, r.data.decode()[:2000]
    html = r.data.decode()
    assert _script_json(html, "form-errors") == []
    return _run_doc(client, _script_json(html, "form-document"))


def _run_doc(client, doc: dict) -> str:
    r = post_contract(client, doc)
    assert r.status_code == 303, r.data.decode()[:2000]
    return r.headers["Location"].rsplit("/", 1)[1]


# ---- the results workbook recomputed by LibreOffice ----------------------------------------

def _soffice() -> str:
    path = shutil.which("soffice")
    assert path, ("LibreOffice is needed: apt-get install -y --no-install-recommends "
                  "libreoffice-calc (scripts/test installs it)")
    return path


def _recalculated(data: bytes, tmp_path: Path):
    src = tmp_path / "result.xlsx"
    src.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run([_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                   check=True, capture_output=True)
    return load_workbook(out / "result.xlsx", data_only=True)


def _d(text) -> Decimal:
    return Decimal(str(text))


@pytest.mark.parametrize("path", [BIG, STEP], ids=["every-clause", "step-split"])
def test_libreoffice_recalculates_every_formula_to_the_engine_value(client, tmp_path, path):
    res = run_contract(load_file(str(path)))
    sha = _run(client, path)
    data = client.get(f"/results/{sha}/download/result.xlsx?lang=en").data
    formulas = load_workbook(io.BytesIO(data))
    values = _recalculated(data, tmp_path)
    parties = list(res["parties"].values())
    n, years = len(parties), len(res["years"])
    first, total = 7, 7 + years  # the header is row 6, below the four identity lines
    # what each formula must come to, worked out from the per-year amounts
    want: dict[tuple[str, str], Decimal] = {}
    net = "Net by year"
    for i in range(years):
        want[(net, f"{chr(66 + n)}{first + i}")] = sum(_d(p["net_by_year"][i]) for p in parties)
    for j, p in enumerate(parties):
        col = chr(66 + j)
        want[(net, f"{col}{total}")] = sum(_d(v) for v in p["net_by_year"])
        want[("Summary", f"D{7 + j}")] = _d(p["net_total"])
        running = Decimal(0)
        for i in range(years):
            running += _d(p["net_by_year"][i])
            want[("Receipts by year", f"{chr(66 + n + j)}{first + i}")] = running
        receipts = sum((_d(e["amount"]) for e in res["entries"]
                        if e["party"] == list(res["parties"])[j] and e["clause"] is not None
                        and e["kind"] in _receipt_kinds()), Decimal(0))
        want[("Receipts by year", f"{col}{total}")] = receipts
    want[(net, f"{chr(66 + n)}{total}")] = sum(_d(p["net_total"]) for p in parties)
    for j, s in enumerate(res["streams"].values()):
        want[("Streams by year", f"{chr(66 + j)}{total}")] = sum(
            _d(v) for v in s["shareable_by_year"])
    seen = set()
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    key = (ws.title, cell.coordinate)
                    assert key in want, f"formula {key} {cell.value} not checked"
                    got = values[ws.title][cell.coordinate].value
                    assert got is not None, key
                    assert _d(got).quantize(CENT) == want[key].quantize(CENT), (key, got)
                    seen.add(key)
    assert seen == set(want)
    # a value that does not exist reads "—", never an empty cell
    irr = [p["irr"] for p in parties]
    for j, v in enumerate(irr):
        cell = formulas[net][f"{chr(66 + j)}{total + 2}"]
        assert cell.value == "—" if v is None else isinstance(cell.value, float)
        summary = formulas["Summary"][f"G{7 + j}"]  # the summary's IRR column alike
        assert summary.value == "—" if v is None else isinstance(summary.value, float)


def _receipt_kinds():
    from web.results import RECEIPT_KINDS

    return RECEIPT_KINDS


def test_ledger_filter_print_setup_and_events(client):
    sha = _run(client, BIG)
    res = run_contract(load_file(str(BIG)))
    wb = load_workbook(io.BytesIO(client.get(f"/results/{sha}/download/result.xlsx",
                                             headers={"Accept-Language": "zh-CN"}).data))
    ledger = wb["明细账"]
    assert ledger.auto_filter.ref == f"A6:G{6 + len(res['entries'])}"
    assert ledger.freeze_panes == "A7"
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert sha in ws.oddHeader.right.text
        assert ws.oddHeader.left.text.startswith(res["name"][:20])
    events = wb["事件"]
    assert events.max_row == 6 + len(res["events"]) == 6 + 8
    assert events["C7"].value  # every event is named
    assert not re.search(r"[a-z_]{4,}", events["C7"].value)  # a word, not the engine's code
    inputs = [t for t in wb.sheetnames if t.startswith("输入·")]
    assert len(inputs) == 7


def test_events_sheet_says_when_there_are_none(client):
    path = Path(bth_example()).parent / "gdp-indicator-split.yaml"
    sha = _run(client, path)
    wb = load_workbook(io.BytesIO(client.get(f"/results/{sha}/download/result.xlsx?lang=en")
                                  .data))
    assert wb["Events"]["A7"].value.startswith("No events")


# ---- authoring from the template ------------------------------------------------------------

def _labels(wb, column: int) -> list[str]:
    lists = next(ws for ws in wb.worksheets if ws.sheet_state == "hidden")
    return [c.value for c in lists[chr(64 + column)] if c.value]


def _fill_step_split(wb) -> None:
    """The incremental-step-split example typed into the template as an officer would,
    picking kinds and roles from the lists the cells offer."""
    roles, stream_kinds, clause_kinds, basis = (_labels(wb, c) for c in (2, 3, 4, 5))
    contract = wb["输入·合同"]
    contract["B2"] = ("苏州—宿迁共建园区 增量税收阶梯分成（基数递增）/ Suzhou–Suqian co-built park: "
                      "incremental split over a growing baseline, 3:7 then 5:5")
    contract["B4"], contract["B5"], contract["B7"] = 2021, 12, 0.05
    parties = wb["输入·参与方"]
    parties.append(["suzhou", "苏州市（飞出地）/ Suzhou (sending)", roles[0]])
    parties.append(["suqian", "宿迁市（飞入地）/ Suqian (receiving, host)", roles[1]])
    streams = wb["输入·收入流"]
    streams.append(["park_vat", None, stream_kinds[0], 22000000, 0.1, "0.4, 0.7", 0.5])
    streams.append(["park_cit", None, stream_kinds[0], 9500000, "12%", "0.3，0.6", 0.4])
    clauses = wb["输入·条款"]
    clauses.append(["increment_split", clause_kinds[0], None, "park_vat, park_cit", basis[0],
                    None, None, 8600000, 0.035, "suqian"])
    schedule = wb["输入·分成时间表"]
    schedule["D1"], schedule["E1"] = "suzhou", "suqian"
    _put(schedule, 2, ["increment_split", "1-5", None, 0.3, 0.7])
    _put(schedule, 3, ["increment_split", "6-12", None, "50%", "1/2"])


def _put(ws, row: int, values: list) -> None:
    """Type ``values`` into ``row`` from column A (``append`` would go below the rows the
    template has formatted)."""
    for col, value in enumerate(values, start=1):
        ws.cell(row=row, column=col, value=value)


def test_template_filled_in_gives_the_same_contract_as_the_yaml(client):
    r = client.get("/form/template.xlsx", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 200 and r.data.startswith(b"PK")
    assert "attachment" in r.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames[0] == "填写说明"
    validations = {str(dv.sqref).split()[0].split(":")[0]: dv.formula1
                   for dv in wb["输入·参与方"].data_validations.dataValidation}
    assert "C2" in validations  # the role column offers the list of roles
    kinds = [dv for dv in wb["输入·条款"].data_validations.dataValidation
             if str(dv.sqref).startswith("B2")]
    assert kinds and _labels(wb, 4)[0] == "增量税收分成" or _labels(wb, 4)
    _fill_step_split(wb)
    buf = io.BytesIO()
    wb.save(buf)
    assert _uploaded_hash(client, buf.getvalue()) == contract_sha256(load_file(str(STEP)))


def test_the_form_page_offers_the_template(client):
    html = client.get("/form?lang=en").data.decode()
    assert 'href="/form/template.xlsx"' in html and ".xlsx" in html


@pytest.mark.parametrize("path", EXAMPLES + [BIG], ids=lambda p: p.stem)
def test_results_workbook_uploaded_again_is_its_contract(client, path):
    sha = _run(client, path)
    data = client.get(f"/results/{sha}/download/result.xlsx").data
    assert _uploaded_hash(client, data) == sha == contract_sha256(load_file(str(path)))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(doc=gen.contracts())
def test_any_contract_to_workbook_and_back_is_the_identity(app, doc):
    from openpyxl import Workbook

    from schemas.errors import InvalidContract
    from web.workbook_read import read_workbook
    from web.workbook_write import write_inputs

    try:
        contract = parse_contract(doc)
    except InvalidContract:
        return  # the strategies draw a few invalid ones on purpose
    for lang in ("zh", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            wb = Workbook()
            write_inputs(wb, contract)
            buf = io.BytesIO()
            wb.save(buf)
            back = parse_contract(read_workbook(buf.getvalue()).doc)
            assert contract_sha256(back) == contract_sha256(contract)


# ---- errors name the sheet, the row and the column -------------------------------------------

def test_bad_workbook_every_error_at_its_cell(client):
    wb = load_workbook(io.BytesIO(client.get("/form/template.xlsx?lang=zh").data))
    _fill_step_split(wb)
    wb["输入·合同"]["B4"] = "二〇二一"
    wb["输入·参与方"]["C3"] = "boss"
    _put(wb["输入·分成时间表"], 4, ["nope", "1-12", None, 0.5, 0.5])
    buf = io.BytesIO()
    wb.save(buf)
    r = _upload(client, buf.getvalue())
    assert r.status_code == 400
    messages = [i["message"] for i in _script_json(r.data.decode(), "form-errors")]
    assert len(messages) == 3, messages
    assert messages[0].startswith("工作表「输入·合同」第 4 行 B 列") and "二〇二一 不是整数" in messages[0]
    assert messages[1].startswith("工作表「输入·参与方」第 3 行 C 列") and "boss" in messages[1]
    assert messages[2].startswith("工作表「输入·分成时间表」第 4 行 A 列") and "nope" in messages[2]


def test_contract_errors_of_a_workbook_are_located(client):
    # a workbook filled in Chinese, read by an English-speaking user: the sheet keeps its name
    wb = load_workbook(io.BytesIO(client.get("/form/template.xlsx?lang=zh").data))
    _fill_step_split(wb)
    wb["输入·分成时间表"]["E2"] = 0.6
    client.get("/form?lang=en")  # the reader switches the app to English  # 0.3 + 0.6: the shares sum to 0.9
    buf = io.BytesIO()
    wb.save(buf)
    r = _upload(client, buf.getvalue(), lang="en")
    assert r.status_code == 200  # the form is filled, with the errors by their fields
    issues = _script_json(r.data.decode(), "form-errors")
    by_path = {i["path"]: i["message"] for i in issues}
    share = by_path["clauses[0].schedule[0].shares"]
    assert share.startswith("sheet “输入·分成时间表”, row 2, column D:") and "0.9" in share
    assert _script_json(r.data.decode(), "form-document")["parties"][0]["id"] == "suzhou"


def test_not_a_contract_workbook(client):
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    r = _upload(client, buf.getvalue(), lang="en")
    assert r.status_code == 400
    (issue,) = _script_json(r.data.decode(), "form-errors")
    assert "no contract sheets" in issue["message"]
    r = _upload(client, b"PK\x03\x04 broken", lang="en")
    assert r.status_code == 400
    assert "not a readable XLSX workbook" in _script_json(r.data.decode(), "form-errors")[0][
        "message"]
