"""Downloads read back: XLSX cells are numbers with two decimals, headers follow the page's
language, hashes and engine version in every sheet; CSV rows match the result."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook
from webhelpers import BIG, bth_example, csrf_token, form_doc, post_contract


def run(client, path=BIG):
    r = post_contract(client, form_doc(path))
    assert r.status_code == 303
    return r.headers["Location"].rsplit("/", 1)[1]


def test_xlsx_sheets_numbers_and_chinese_headers(client):
    from sharing.api import load_file, run_contract

    res = run_contract(load_file(str(BIG)))
    sha = run(client)
    r = client.get(f"/results/{sha}/download/result.xlsx", headers={"Accept-Language": "zh-CN"})
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["汇总", "分年度净额", "分年度分成收入", "分年度收入流", "明细账", "事件",
                             "统计指标", "条款", "输入·合同", "输入·参与方", "输入·收入流", "输入·条款",
                             "输入·分成时间表", "输入·出资", "输入·其他条款参数"]
    for ws in wb.worksheets:
        if ws.title.startswith("输入·"):
            continue  # the contract's inputs: a header row first (they upload again)
        assert ws["A3"].value == f"合同 SHA-256 {sha}"
        assert ws["A4"].value == f"结果 SHA-256 {res['result_sha256']}"
        assert res["engine"]["version"] in ws["A2"].value
    ws = wb["分年度净额"]
    assert ws["A6"].value == "年度"
    parties = list(res["parties"])
    for i, year in enumerate(res["years"]):
        row = 7 + i
        assert ws.cell(row=row, column=1).value == year
        for j, pid in enumerate(parties):
            cell = ws.cell(row=row, column=2 + j)
            assert isinstance(cell.value, (int, float))
            assert Decimal(str(cell.value)).quantize(Decimal("0.01")) == \
                Decimal(res["parties"][pid]["net_by_year"][i])
            assert cell.number_format == "#,##0.00"
    ledger = wb["明细账"]
    assert [c.value for c in ledger[6]][:7] == ["年度", "条款", "收入流", "参与方", "类别", "金额（元）",
                                               "计算依据"]
    assert ledger.max_row == 6 + len(res["entries"])
    assert ledger.cell(row=7, column=6).number_format == "#,##0.00"
    from sharing.explain_text import localise

    assert ledger.cell(row=7, column=7).value == localise(res, "zh")["entries"][0]["why"]
    assert ledger.cell(row=7, column=5).value in ("基数", "分成")  # the one vocabulary of kinds


def test_xlsx_english_headers(client):
    sha = run(client)
    r = client.get(f"/results/{sha}/download/result.xlsx?lang=en")
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames[:5] == ["Summary", "Net by year", "Receipts by year", "Streams by year",
                                 "Ledger"]
    assert wb.sheetnames[-1] == "Input · Other terms"
    assert wb["Net by year"]["A6"].value == "Year"


def test_csv_table_and_ledger(client):
    from sharing.api import load_file, run_contract

    res = run_contract(load_file(str(BIG)))
    sha = run(client)
    text = client.get(f"/results/{sha}/download/table.csv?lang=en").data.decode("utf-8-sig")
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    rows = list(csv.reader(lines))
    assert rows[0][0] == "Year"
    first = res["parties"][next(iter(res["parties"]))]
    assert rows[1][1] == first["net_by_year"][0]
    assert f"# contract SHA-256 {sha}" in text
    ledger = client.get(f"/results/{sha}/download/ledger.csv").data.decode("utf-8-sig")
    body = [ln for ln in ledger.splitlines() if not ln.startswith("#")]
    assert len(list(csv.reader(io.StringIO("\n".join(body))))) == 1 + len(res["entries"])


def test_json_download_is_the_engine_result(client):
    from sharing.api import load_file, run_contract

    sha = run(client)
    from sharing.explain_text import localise

    r = client.get(f"/results/{sha}/download/result.json")
    # the engine's result with its why texts in the reader's language (zh-CN by default);
    # the hash is over the records, so it is the same in both languages
    assert r.json == localise(run_contract(load_file(str(BIG))), "zh")
    en = client.get(f"/results/{sha}/download/result.json?lang=en").json
    assert en == run_contract(load_file(str(BIG)))
    assert en["result_sha256"] == r.json["result_sha256"]


def test_pdf_download_in_both_languages(client):
    sha = run(client, bth_example())
    for lang in ("zh", "en"):
        r = client.get(f"/results/{sha}/download/report.pdf?lang={lang}")
        assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert csrf_token(client)
