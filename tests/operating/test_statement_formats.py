"""The settlement statement as XLSX and bilingual PDF, and ``sharing settle --format
xlsx|pdf`` (semantics §6.4, §6.5; issue 20 point 4).

Figures of conformance case 01 (tests/conformance/settle/README.md), worked by hand:
firm 001's VAT is Beijing's share 6,000万 × 0.5 × 0.5 = 15,000,000.00 in 2022 and, capped,
7,000,000.00 in 2023 (room 2,200万 − 1,500万 = 700万); the collector Zhangjiakou owes them.
So the pair beijing→zhangjiakou (positive: Beijing owes) has entitlement 2023 −7,000,000.00,
cumulative −15,000,000 − 7,000,000 = −22,000,000.00, transfers −15,000,000.00 (Zhangjiakou
paid Beijing for 2022), balance −22,000,000 − (−15,000,000) = −7,000,000.00: Zhangjiakou pays
Beijing 7,000,000.00. Plan: 5,000万 × 0.5 × 0.5 = 12,500,000.00 (2022) and 5,500万 × 0.5 ×
0.25 = 6,875,000.00 (2023): cumulative −19,375,000.00.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from sharing.operating.pipeline import read_inputs, statement
from sharing.operating.render import render_statement

from .conftest import CASE01

BEIJING, ZJK = "北京市（迁出地）", "河北省张家口市（迁入地）"
FIRM1 = "北京冬奥装备制造有限公司"
SHARING = Path(sys.executable).with_name("sharing")


@pytest.fixture(scope="module")
def doc():
    inputs = read_inputs(str(CASE01 / "contract.yaml"), register=str(CASE01 / "register.csv"),
                         actuals=str(CASE01 / "actuals.csv"),
                         transfers=str(CASE01 / "transfers.csv"), through=2023)
    return statement(inputs, 2023)


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _pair_row(ws, first: str) -> tuple[list, list]:
    rows = _rows(ws)
    head = next(r for r in rows if r[0] == first)
    return head, next(r for r in rows[rows.index(head) + 1:] if r[0])


def test_xlsx_pairs_hold_the_worked_figures_as_numbers_with_zh_headers(doc):
    wb = _book(render_statement(doc, "xlsx", "zh"))
    assert wb.sheetnames == ["结算单", "分年度应结算额", "计划与实际对比", "输入文件哈希值"]
    ws = wb["结算单"]
    head, row = _pair_row(ws, "甲方（列于前者）")
    fig = dict(zip(head, row, strict=False))
    assert fig["甲方（列于前者）"] == BEIJING and fig["乙方（列于后者）"] == ZJK
    assert fig["付款方"] == ZJK and fig["收款方"] == BEIJING
    expected = {"应付金额（元）": "7000000.00", "本年应结算额": "-7000000.00",
                "累计应结算额": "-22000000.00", "累计已划转额": "-15000000.00",
                "应结余额": "-7000000.00", "计划：累计应结算额": "-19375000.00",
                "预拨款（不计入本期）": "0.00"}
    for label, value in expected.items():
        assert isinstance(fig[label], (int, float)), label
        assert Decimal(str(fig[label])) == Decimal(value), label
    assert fig["对上期结算单的调整"] is None  # no previous statement
    r = [c.row for c in ws["E"] if c.value == fig["应付金额（元）"]][0]
    assert ws.cell(row=r, column=5).number_format == "#,##0.00"


def test_xlsx_shows_names_never_ids(doc):
    wb = _book(render_statement(doc, "xlsx", "zh"))
    cells = [str(v) for ws in wb for r in _rows(ws) for v in r if v is not None]
    for ident in ("beijing", "zhangjiakou", "91110000MA01ZJK001", "/vat"):
        assert not any(ident in c for c in cells), ident
    plan = _rows(wb["计划与实际对比"])
    # firm 001's shareable VAT: plan 5,000万 × 0.5 = 25,000,000.00, actual 6,000万 × 0.5
    # = 30,000,000.00 in 2022; difference 5,000,000.00
    row = next(r for r in plan if r[1] == f"{FIRM1} · 增值税" and r[3] == 2022)
    assert [Decimal(str(v)) for v in row[4:7]] == [Decimal(25_000_000), Decimal(30_000_000),
                                                   Decimal(5_000_000)]
    # Beijing's settled position 2023: plan 6,875,000.00, actual 7,000,000.00
    row = next(r for r in plan if r[0] == "应结算净额" and r[1] == BEIJING and r[3] == 2023)
    assert [Decimal(str(v)) for v in row[4:6]] == [Decimal(6_875_000), Decimal(7_000_000)]


def test_xlsx_entitlement_by_year_and_hashes(doc):
    wb = _book(render_statement(doc, "xlsx", "en"))
    years = _rows(wb["Entitlement by year"])
    head = next(r for r in years if r[0] == "year")
    assert head[1] == f"{BEIJING} → {ZJK}: actual"
    by_year = {r[0]: r[1:3] for r in years[years.index(head) + 1:] if r[0]}
    assert {y: [Decimal(str(v)) for v in vals] for y, vals in by_year.items()} == {
        2022: [Decimal(-15_000_000), Decimal(-12_500_000)],
        2023: [Decimal(-7_000_000), Decimal(-6_875_000)]}
    hashes = {r[0]: r[1] for r in _rows(wb["Inputs' hashes"]) if r[0]}
    assert hashes["contract"] == doc["identity"]["contract"]
    assert hashes["actual figures"] == doc["identity"]["actuals"]
    assert hashes["transfers"] == doc["identity"]["transfers"]
    assert hashes["register"] == doc["identity"]["register"]


POPPLER = shutil.which("pdftotext") is not None


def _text(pdf: bytes, tmp_path) -> str:
    assert POPPLER, "poppler-utils is missing: ./scripts/test installs it (apt-get install poppler-utils)"
    src = tmp_path / "s.pdf"
    src.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_is_bilingual_with_figures_signoff_and_hashes(doc, tmp_path, lang):
    text = _text(render_statement(doc, "pdf", lang), tmp_path)
    for figure in ("7,000,000.00", "-22,000,000.00", "-15,000,000.00", "-19,375,000.00",
                   "12,500,000.00", "6,875,000.00"):
        assert figure in text, figure
    for zh, en in (("应结余额", "balance due"), ("累计已划转额", "cumulative transfers"),
                   ("与实际对比", "against actual"), ("盖章", "Seal"),
                   ("经办人／签字", "Officer in charge / signature")):
        assert zh in text and en in text, (zh, en)
    assert f"{ZJK} 应向 {BEIJING} 支付 7,000,000.00 元" in text
    signoff = text[text.index("签章确认"):]
    assert BEIJING in signoff and ZJK in signoff
    assert signoff.count("盖章") == 2  # one seal line per party of the one pair
    for value in doc["identity"].values():
        assert value in text


def test_binary_formats_through_settle(tmp_path):
    out = tmp_path / "s.xlsx"
    cmd = [str(SHARING), "settle", str(CASE01 / "contract.yaml"), "--year", "2023",
           "--actuals", str(CASE01 / "actuals.csv"), "--register", str(CASE01 / "register.csv"),
           "--transfers", str(CASE01 / "transfers.csv")]
    assert subprocess.run(cmd + ["--format", "xlsx", "-o", str(out)]).returncode == 0
    head, row = _pair_row(_book(out.read_bytes())["结算单"], "甲方（列于前者）")
    assert Decimal(str(row[head.index("应付金额（元）")])) == Decimal("7000000.00")
    piped = subprocess.run(cmd + ["--format", "pdf"], capture_output=True)  # not a terminal
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF-")


def test_render_statement_refuses_an_unknown_format(doc):
    with pytest.raises(ValueError, match="docx"):
        render_statement(doc, "docx", "zh")


def _statement(case, year: int, previous: bool = False):
    inputs = read_inputs(str(case / "contract.yaml"), actuals=str(case / "actuals.csv"),
                         transfers=str(case / "transfers.csv"),
                         previous=str(case / "previous.json") if previous else None,
                         through=year)
    return statement(inputs, year)


def test_xlsx_lists_the_advance_payment_and_the_adjustment():
    from .conftest import CASE02, CASE03

    # Case 03: Sanming paid Fuzhou 300,000.00 in December 2022 for 2023, not counted in
    # 2022; the pair fuzhou→sanming (positive: Fuzhou owes) reads it −300,000.00. Balance
    # −1,399,999.99 − (500,000.00 − 1,000,000.00) = −899,999.99: Sanming pays Fuzhou.
    data = render_statement(_statement(CASE03, 2022), "xlsx", "en")
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    # the cell holds the exact decimal, not a binary float's expansion: 2022's entitlement
    # 500,000.01 − 2,400,000.00 = −1,899,999.99
    assert "<v>-1899999.99</v>" in xml and "<v>899999.99</v>" in xml
    wb = _book(data)
    ws = wb["Statement"]
    head, row = _pair_row(ws, "party listed first")
    fig = dict(zip(head, row, strict=False))
    assert (fig["payer"], fig["payee"]) == ("三明市", "福州市")
    assert Decimal(str(fig["amount due (yuan)"])) == Decimal("899999.99")
    assert Decimal(str(fig["paid in advance (not counted)"])) == Decimal("-300000.00")
    rows = _rows(ws)
    adv = next(r for r in rows if r[0] == "2022-12-28")
    assert adv[1:3] == ["三明市", "福州市"] and Decimal(str(adv[3])) == Decimal("300000.00")
    assert adv[4] == 2023
    # Case 02: adjustment (−3,000,000 − 2,400,000) − (−6,600,000) = +1,200,000.00
    wb = _book(render_statement(_statement(CASE02, 2023, previous=True), "xlsx", "zh"))
    head, row = _pair_row(wb["结算单"], "甲方（列于前者）")
    fig = dict(zip(head, row, strict=False))
    assert Decimal(str(fig["对上期结算单的调整"])) == Decimal("1200000.00")
    hashes = {r[0] for r in _rows(wb["输入文件哈希值"]) if r[0]}
    assert {"合同", "实际入库数", "划转记录", "上期结算单"} <= hashes
