"""The finance officer's path through a case in Chromium, in zh-CN (issue 20 point 5):
create the case from the bundled example, upload register, actuals and transfers, settle
2022, download the statement's JSON, record the transfer that pays the balance.

Figures: docs/operating.md, "Worked example to the fen" (settlement of 2022: Hebei pays
Beijing 21,500,000.00 = 3,000,000.00 arrears of 2021 + 18,500,000.00 for 2022).
"""

from __future__ import annotations

import json
import re

import pytest
from webhelpers import EXAMPLES, screenshot

OPERATING = EXAMPLES / "operating"
ALLOWED = {"JSON", "CSV", "XLSX", "PDF", "SHA"}  # format names, as the statement's download links read


def upload(page, form: str, name: str) -> None:
    page.set_input_files(f"#{form} input[type=file]", str(OPERATING / name))
    with page.expect_navigation():
        page.click(f"#{form} button[type=submit]")
    assert page.locator(".flash.ok").count() == 1, page.inner_text("main")[:1000]


@pytest.mark.browser
def test_officer_creates_uploads_settles_downloads_and_records(live_server, page, tmp_path):
    page.goto(live_server.url + "/cases")
    with page.expect_navigation():
        page.click("#case-example")
    case_url = page.url
    upload(page, "form-register", "register.csv")
    upload(page, "form-actuals", "actuals-2022.csv")
    upload(page, "form-transfers", "transfers.csv")
    page.select_option("#form-settle select[name=year]", "2022")
    with page.expect_navigation():
        page.click("#settle-submit")
    assert page.inner_text("#statement-title") == "2022 年度结算单"
    main = page.inner_text("main")
    assert "河北省（迁入地） 向 北京市（迁出地） 支付 21,500,000.00 元" in main
    # −36,500,000.00 cumulative entitlement − (−15,000,000.00) transfers
    assert page.inner_text('.statement-pair [data-figure="balance_due"] td') == "-21,500,000.00"
    # no id and no English sentence: hashes (in <code>) and format names aside
    words = page.evaluate("""() => { const m = document.querySelector('main').cloneNode(true);
        m.querySelectorAll('code').forEach(c => c.remove()); return m.innerText; }""")
    english = [w for w in re.findall(r"[A-Za-z]{2,}", words) if w not in ALLOWED]
    assert english == [], english
    screenshot(page, "case-statement-zh.png")
    with page.expect_download() as info:
        page.click('a[data-format="json"]')
    path = tmp_path / "statement.json"
    info.value.save_as(path)
    doc = json.loads(path.read_text("utf-8"))
    (pair,) = doc["settlement"]["pairs"]
    assert (pair["payer"], pair["amount_due"]) == ("hebei", "21500000.00")
    page.goto(case_url)
    page.fill("#form-transfer input[name=date]", "2023-03-20")
    page.select_option("#form-transfer select[name=from]", "hebei")
    page.select_option("#form-transfer select[name=to]", "beijing")
    page.fill("#form-transfer input[name=amount]", "21,500,000.00")
    page.fill("#form-transfer input[name=year]", "2022")
    page.fill("#form-transfer input[name=reference]", "冀财结〔2023〕2号")
    with page.expect_navigation():
        page.click("#transfer-submit")
    rows = page.inner_text("#transfer-list")
    assert "21,500,000.00" in rows and "冀财结〔2023〕2号" in rows
    screenshot(page, "case-page-zh.png")
