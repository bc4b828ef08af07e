"""Issue 17 points 3 and 7 in Chromium (Playwright, headless, zh-CN): a 万元 contract opens in
万元 and the switch goes to 元; the duplicate-name prompt, both of its choices; the compare
page's differing term.

The contract is tests/web/data/units-wan.yaml; its figures are worked by hand in
tests/web/test_web_units_save.py: Shanghai's net total 578.56万 = 5,785,600.00 yuan with shares
0.4 : 0.6, 723.20万 with 0.5 : 0.5; 2025 revenue 1080万 = 10,800,000.00 yuan.
"""

from __future__ import annotations

import pytest
from webhelpers import DATA, screenshot

WAN = DATA / "units-wan.yaml"


def sel(path: str) -> str:
    return f'[data-input="{path}"]'


def upload(page, live_server) -> None:
    page.goto(live_server.url + "/form")
    page.set_input_files(".inline-upload input[type=file]", str(WAN))
    page.click(".inline-upload button[type=submit]")
    page.wait_for_selector(sel("clauses[0].schedule[0].shares.sh"))


def net_total(page, pid: str) -> str:
    return page.inner_text(f'#summary tr[data-party="{pid}"] .net-total')


@pytest.mark.browser
def test_a_wan_contract_opens_in_wan_and_switches_to_yuan(page, live_server):
    upload(page, live_server)
    page.click("#run-button")
    page.wait_for_url("**/results/**")
    assert page.get_attribute("#unit-switch", "data-unit") == "wan"
    assert net_total(page, "sh") == "578.56"
    assert page.text_content("svg.chart .axis-unit") == "万元"
    screenshot(page, "results-wan.png")
    page.click("#unit-yuan")
    page.wait_for_url("**unit=yuan**")
    assert page.get_attribute("#unit-switch", "data-unit") == "yuan"
    assert net_total(page, "sh") == "5,785,600.00"
    assert page.text_content("svg.chart .axis-unit") == "元"
    page.click("#details-link")
    page.wait_for_url("**details=1**")
    row = page.locator('#year-table tr[data-year="2025"]')
    assert row.locator("td.revenue").inner_text() == "10,800,000.00"
    assert row.locator("td.increment").inner_text() == "4,800,000.00"
    assert "unit=yuan" in page.url  # the details link kept the unit
    screenshot(page, "results-details-yuan.png")


def _save(page, name: str) -> None:
    page.fill('.toolbar input[name="name"]', name)
    page.click("#save-button")


@pytest.mark.browser
def test_b_duplicate_name_prompt_keep_both_then_replace_then_compare(page, live_server):
    name = "重名方案（浏览器）"
    upload(page, live_server)
    _save(page, name)
    page.wait_for_url("**/scenarios/*")
    first = page.url.rsplit("/", 1)[1]
    page.click("#edit-link")  # the form, filled from the saved scenario; same name
    page.wait_for_selector(sel("clauses[0].schedule[0].shares.sh"))
    _save(page, name)
    page.wait_for_selector("#duplicate-prompt")
    assert name in page.inner_text("h1")
    assert page.locator("#duplicate-replace").is_visible()
    screenshot(page, "duplicate-prompt.png")
    page.click("#duplicate-keep-both")
    page.wait_for_url("**/scenarios/*")
    kept = page.url.rsplit("/", 1)[1]
    assert kept != first
    assert page.inner_text("#scenario-name") == f"{name} (2)"
    # now B (0.5 : 0.5) under the first name, replacing the first scenario
    page.click("#edit-link")
    page.wait_for_selector(sel("clauses[0].schedule[0].shares.sh"))
    page.fill(sel("clauses[0].schedule[0].shares.sh"), "0.5")
    page.fill(sel("clauses[0].schedule[0].shares.js"), "0.5")
    _save(page, name)
    page.wait_for_selector("#duplicate-prompt")
    page.click("#duplicate-replace")
    page.wait_for_url(f"**/scenarios/{first}")
    assert page.inner_text("#scenario-name") == name
    assert net_total(page, "sh") == "723.20"
    # compare the kept copy (A: 0.4) with the replaced one (B: 0.5), picked on the list page
    page.goto(live_server.url + "/scenarios")
    page.select_option('#compare-pick select[name="a"]', kept)
    page.select_option('#compare-pick select[name="b"]', first)
    page.click('#compare-pick button[type="submit"]')
    page.wait_for_selector("#term-changes")
    terms = page.inner_text("#term-changes")
    assert "条款 1「增量分成」· 时段 1 · 上海市 的分成比例 0.4 → 0.5" in terms
    assert "江苏省 的分成比例 0.6 → 0.5" in terms
    # all parties 32,464,000.00 yuan in both (3246.40万), difference 0.00
    assert page.inner_text("#compare-summary-total").split()[-3:] == [
        "32,464,000.00", "32,464,000.00", "0.00"]
    screenshot(page, "compare-terms.png")
