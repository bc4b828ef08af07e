"""A finance officer's work in a real browser: Playwright driving Debian's headless Chromium.

(a) type the Beijing–Tianjin–Hebei example into a blank form, add a clause and a segment,
    compute, and check the table against the CLI's numbers for the same contract;
(b) break a share sum: the error stands next to that field, all input kept;
(c) save, reopen, compare two scenarios;
(d) download the XLSX and read its cells back;
(e) switch to English and back, keeping what was typed.
Screenshots of the form and the results page go to tests/artifacts/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

import yaml
from webhelpers import BIG, ROOT, bth_example, load_yaml, screenshot


def sel(path: str) -> str:
    return f'[data-input="{path}"]'


def fill(page, path: str, value) -> None:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    page.fill(sel(path), str(value))


def choose(page, path: str, value: str) -> None:
    page.select_option(sel(path), value)


def add(page, list_path: str) -> None:
    page.click(f'[data-add="{list_path}"]')


def add_clause(page, kind: str) -> None:
    page.select_option('[data-add-kind="clauses"]', kind)
    page.click('[data-add="clauses"]')


SELECTS = {"role", "kind", "unit", "shape", "basis", "timing", "mode", "losses"}


def type_fields(page, path: str, obj: dict) -> None:
    """Type a group of plain fields the way a person would: one input at a time."""
    for key, value in obj.items():
        p = f"{path}.{key}" if path else key
        if key in SELECTS:
            choose(page, p, value)
        elif key == "cap":
            page.check(sel(f"{p}.on"))
            fill(page, f"{p}.party", value["party"])
            if "per_year" in value:
                fill(page, f"{p}.per_year", value["per_year"])
            if value.get("cumulative") == "pre_relocation_total":
                choose(page, f"{p}.cumulative.mode", "pre")
            elif "cumulative" in value:
                choose(page, f"{p}.cumulative.mode", "amount")
                fill(page, f"{p}.cumulative", value["cumulative"])
        elif key == "schedule":
            for i, seg in enumerate(value):
                add(page, f"{p}")
                fill(page, f"{p}[{i}].years", seg["years"])
                for party, share in seg["shares"].items():
                    fill(page, f"{p}[{i}].shares.{party}", share)
        elif isinstance(value, dict):
            raise AssertionError(f"no typing rule for {p}")
        else:
            fill(page, p, value)


def type_contract(page, doc: dict) -> None:
    type_fields(page, "", {k: v for k, v in doc.items()
                           if k not in ("parties", "streams", "clauses")})
    for i, party in enumerate(doc["parties"]):
        add(page, "parties")
        type_fields(page, f"parties[{i}]", party)
    for i, stream in enumerate(doc["streams"]):
        add(page, "streams")
        type_fields(page, f"streams[{i}]", stream)
    for i, clause in enumerate(doc.get("clauses", [])):
        add_clause(page, clause["kind"])
        type_fields(page, f"clauses[{i}]", {k: v for k, v in clause.items() if k != "kind"})


def cli_result(doc: dict, tmp_path) -> dict:
    path = tmp_path / "typed.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # in Chinese, as the page (zh-CN by default) shows the why texts
    out = subprocess.run([sys.executable, "-m", "sharing", "run", str(path), "--format",
                          "json", "--lang", "zh"], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return json.loads(out.stdout)


def test_a_type_the_example_add_a_clause_and_a_segment(page, live_server, tmp_path):
    example = load_yaml(bth_example())
    page.goto(live_server.url + "/")
    page.click("#start-blank")
    page.wait_for_selector('[data-add="parties"]')
    type_contract(page, example)
    # one clause and one segment more: the park's GDP split 30:70
    parties = [p["id"] for p in example["parties"]]
    extra_stream = {"id": "park_gdp", "kind": "indicator", "first": "50000",
                    "growth": "0.08"}
    n = len(example["streams"])
    add(page, "streams")
    type_fields(page, f"streams[{n}]", extra_stream)
    c = len(example.get("clauses", []))
    add_clause(page, "indicator_split")
    fill(page, f"clauses[{c}].id", "gdp")
    page.click(f'[data-chip="clauses[{c}].streams"]:has-text("park_gdp")')
    add(page, f"clauses[{c}].schedule")
    fill(page, f"clauses[{c}].schedule[0].years", f"1-{example['years']}")
    fill(page, f"clauses[{c}].schedule[0].shares.{parties[0]}", "0.3")
    fill(page, f"clauses[{c}].schedule[0].shares.{parties[1]}", "0.7")
    assert "✓" in page.inner_text(f'[data-path="clauses[{c}].schedule[0].shares"] .sum')
    screenshot(page, "form-typed.png")
    page.click("#run-button")
    page.wait_for_url("**/results/**")
    screenshot(page, "results.png")
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "results-top.png"))

    typed = dict(example)
    typed["streams"] = example["streams"] + [extra_stream]
    typed["clauses"] = example.get("clauses", []) + [{
        "id": "gdp", "kind": "indicator_split", "streams": ["park_gdp"],
        "schedule": [{"years": f"1-{example['years']}",
                      "shares": {parties[0]: "0.3", parties[1]: "0.7"}}]}]
    expected = cli_result(typed, tmp_path)
    assert page.inner_text("#contract-sha") == expected["contract_sha256"]
    assert page.inner_text("#result-sha") == expected["result_sha256"]
    # the results open in the contract's own unit: 万元 is yuan / 10,000, shown to 0.01
    # rounded half up; data-amount keeps the exact yuan
    def shown(amount: str) -> str:
        d = Decimal(amount)
        if example.get("unit") == "wan":
            d = (d / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{d:,.2f}"

    for pid, p in expected["parties"].items():
        for year, amount in zip(expected["years"], p["net_by_year"], strict=True):
            link = page.locator(f'#year-table a[data-party="{pid}"][data-year="{year}"]')
            assert link.get_attribute("data-amount") == amount
            assert link.inner_text() == shown(amount)
        assert page.inner_text(f'#summary tr[data-party="{pid}"] .net-total') == \
            shown(p["net_total"])
    assert page.locator("#indicator-table").count() == 1
    # drill-down: click an amount, see its ledger entries and their why
    pid, year = parties[0], expected["years"][0]
    page.click(f'#year-table a[data-party="{pid}"][data-year="{year}"]')
    dialog = page.locator("#drill")
    dialog.wait_for(state="visible")
    whys = [e["why"] for e in expected["entries"] if e["party"] == pid and e["year"] == year]
    assert whys and all(w in dialog.inner_text() for w in whys)
    assert "分成比例" in dialog.inner_text() and "× share" not in dialog.inner_text()
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "results-drill-down.png"))


def test_b_broken_share_sum_is_shown_next_to_the_field_with_input_kept(page, live_server):
    page.goto(live_server.url + "/form")
    page.set_input_files('.inline-upload input[type=file]', str(BIG))
    page.click('.inline-upload button[type=submit]')
    page.wait_for_selector(sel("clauses[0].schedule[1].shares.shanghai"))
    fill(page, "name", "我改过的名称 <b>不是粗体</b>")
    fill(page, "clauses[0].schedule[1].shares.shanghai", "0.35")
    box = '[data-path="clauses[0].schedule[1].shares"]'
    assert "✗" in page.inner_text(f"{box} .sum")
    page.click("#run-button")
    page.wait_for_selector(f"{box} .field-error")
    error = page.inner_text(f"{box} .field-error")
    assert "1.05" in error
    assert page.input_value(sel("clauses[0].schedule[1].shares.shanghai")) == "0.35"
    assert page.input_value(sel("name")) == "我改过的名称 <b>不是粗体</b>"
    assert page.input_value(sel("clauses[0].schedule[1].shares.yancheng")) == "0.6"
    assert page.input_value(sel("streams[4].series")).startswith("80000000, 60000000")
    assert page.locator("#errors-summary").is_visible()
    screenshot(page, "form-error.png")
    page.locator(f"{box} .field-error").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 200)")
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "form-error-field.png"))


def _save(page, name: str) -> str:
    page.fill('.toolbar input[name="name"]', name)
    page.click("#save-button")
    page.wait_for_url("**/scenarios/*")
    return page.url.rsplit("/", 1)[1]


def test_c_save_reopen_compare(page, live_server):
    page.goto(live_server.url + "/form?example=" + bth_example().stem)
    page.wait_for_selector(sel("clauses[0].id"))
    a = _save(page, "方案甲：五五分")
    assert page.inner_text("#scenario-name") == "方案甲：五五分"
    page.click("#edit-link")  # reopen in the form
    page.wait_for_selector(sel("clauses[0].start"))
    assert page.input_value(sel("clauses[0].start")) == "0.5"
    fill(page, "clauses[0].start", "0.4")
    b = _save(page, "方案乙：四六分")
    page.goto(live_server.url + "/scenarios")
    page.select_option('#compare-pick select[name="a"]', a)
    page.select_option('#compare-pick select[name="b"]', b)
    page.click('#compare-pick button[type="submit"]')
    page.wait_for_selector("#compare-table")
    assert page.inner_text("#name-a") == "方案甲：五五分"
    assert page.inner_text("#name-b") == "方案乙：四六分"
    from sharing.api import parse_contract, run_contract
    from web.contracts import document_from_upload

    doc = document_from_upload(bth_example().read_bytes(), "x.yaml")
    ra = run_contract(parse_contract(doc))
    doc["clauses"][0]["start"] = "0.4"
    rb = run_contract(parse_contract(doc))
    for pid in ra["parties"]:
        diff = Decimal(rb["parties"][pid]["npv"]) - Decimal(ra["parties"][pid]["npv"])
        cell = page.inner_text(f'#compare-summary tr[data-party="{pid}"] .npv-diff')
        assert cell == f"{diff:,.2f}"
    screenshot(page, "compare.png")


def test_d_download_xlsx_and_read_it_back(page, live_server, tmp_path):
    from openpyxl import load_workbook

    page.goto(live_server.url + "/")
    page.click(f'[data-example="{bth_example().stem}"]')   # click 1: the example
    page.click("#run-button")                              # click 2: compute
    page.wait_for_url("**/results/**")
    with page.expect_download() as info:
        page.click("#dl-xlsx")                             # click 3: the XLSX
    path = tmp_path / "result.xlsx"
    info.value.save_as(str(path))
    wb = load_workbook(path)
    ws = wb["分年度净额"]
    assert ws["A6"].value == "年度"
    sha = page.inner_text("#contract-sha")
    assert ws["A3"].value == f"合同 SHA-256 {sha}"
    for row in range(7, 7 + ws.max_row - 9):
        year = ws.cell(row=row, column=1).value
        for col in range(2, ws.max_column):
            header = ws.cell(row=6, column=col).value
            pid = header.rsplit("(", 1)[1].rstrip(")")
            text = page.get_attribute(f'#year-table a[data-party="{pid}"][data-year="{year}"]',
                                      "data-amount")
            value = ws.cell(row=row, column=col).value
            assert isinstance(value, (int, float))
            assert Decimal(str(value)).quantize(Decimal("0.01")) == Decimal(text)
            assert ws.cell(row=row, column=col).number_format == "#,##0.00"


def test_e_switch_to_english_and_back_keeping_input(page, live_server):
    page.goto(live_server.url + "/form?example=" + bth_example().stem)
    page.wait_for_selector(sel("name"))
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("h1").startswith("合同填报")
    fill(page, "name", "切换语言时保留")
    fill(page, "discount_rate", "0.045")
    page.click('a.lang-switch[data-lang="en"]')
    page.wait_for_selector(sel("name"))
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1").startswith("Contract form")
    assert page.input_value(sel("name")) == "切换语言时保留"
    assert page.input_value(sel("discount_rate")) == "0.045"
    screenshot(page, "form-english.png")
    page.click('a.lang-switch[data-lang="zh_CN"]')
    page.wait_for_selector(sel("name"))
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.input_value(sel("name")) == "切换语言时保留"
    page.goto(live_server.url + "/scenarios")
    assert "已保存方案" in page.inner_text("h1")
    page.click('a.lang-switch[data-lang="en"]')
    assert page.inner_text("h1") == "Saved scenarios"
    page.click('a.lang-switch[data-lang="zh_CN"]')
    assert page.inner_text("h1") == "已保存方案"


def test_first_view_screenshot(page, live_server):
    page.goto(live_server.url + "/")
    screenshot(page, "home.png")
    page.goto(live_server.url + "/form?example=" + bth_example().stem)
    page.wait_for_selector(sel("clauses[0].id"))
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "form-example-top.png"))


def test_f_every_clause_kind_round_trips_through_the_browser_form(page, live_server, tmp_path):
    """Upload the contract with every clause kind, download the form as YAML unchanged, and
    compute it: the browser's form loses nothing (floors, caps, prices, triggers, weights)."""
    from sharing.api import contract_sha256, load_document, load_file, parse_contract

    page.goto(live_server.url + "/form")
    page.set_input_files('.inline-upload input[type=file]', str(BIG))
    page.click('.inline-upload button[type=submit]')
    page.wait_for_selector(sel("clauses[7].price.method"))
    with page.expect_download() as info:
        page.click("#yaml-button")
    path = tmp_path / "form.yaml"
    info.value.save_as(str(path))
    again = parse_contract(load_document(path.read_bytes(), "form.yaml"))
    expected = contract_sha256(load_file(str(BIG)))
    assert contract_sha256(again) == expected
    page.click("#run-button")
    page.wait_for_url("**/results/**")
    assert page.inner_text("#contract-sha") == expected


def test_ten_megabyte_upload_through_waitress_gets_the_apps_message(live_server):
    """Through the real server (not only the test client): 413 with the app's message."""
    import http.client
    import re
    from urllib.parse import urlparse

    url = urlparse(live_server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    conn.request("GET", "/form", headers={"Accept-Language": "en"})
    r = conn.getresponse()
    html = r.read().decode()
    cookie = r.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    boundary = "----sharing-test"
    payload = b"# padding\n" * (1024 * 1024)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"huge.yaml\"\r\nContent-Type: application/yaml\r\n\r\n").encode() + \
        payload + f"\r\n--{boundary}--\r\n".encode()
    conn.request("POST", "/form/upload", body=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie,
        "Accept-Language": "en"})
    r = conn.getresponse()
    text = r.read().decode()
    assert r.status == 413
    assert "The upload is 10.0 MB; the limit is 8 MB" in text


def test_g_sweep_page_draws_the_chart_and_the_table(page, live_server):
    """A negotiator sweeps Suzhou's share of the first five years on the Suzhou–Suqian
    example: the NPV-by-value chart and the table appear, each NPV that of the contract with
    that share run alone."""
    from sharing.api import parse_contract, run_contract
    from web.contracts import document_from_upload

    path = "clauses.increment_split.schedule[0].shares.suzhou"
    page.goto(live_server.url + "/")
    page.click("#open-negotiation")
    page.click('#negotiate-tools a[href="/negotiate/sweep"]')
    page.select_option("#f-source", "example:incremental-step-split")
    page.fill("#f-path1", path)
    page.fill("#f-values1", "0.2, 0.3, 0.4")
    page.click("#run-sweep")
    page.wait_for_selector("#sweep-table")
    assert page.inner_text("h1") == "参数扫描：净现值随参数取值的变化"
    assert page.is_visible("figure.chart-npv-by-value svg")
    assert page.locator("figure.chart-npv-by-value svg polyline, "
                        "figure.chart-npv-by-value svg path").count() >= 2
    assert page.input_value("#f-path1") == path  # what was typed stays
    doc = document_from_upload((ROOT / "examples" / "incremental-step-split.yaml").read_bytes(),
                               "x.yaml")
    for k, share in enumerate(("0.2", "0.3", "0.4")):
        doc["clauses"][0]["schedule"][0]["shares"] = {
            "suzhou": share, "suqian": str(1 - Decimal(share))}
        alone = run_contract(parse_contract(doc))
        for pid in ("suzhou", "suqian"):
            npv = Decimal(alone["parties"][pid]["npv"])
            got = page.inner_text(f'#sweep-table tr[data-scenario="{k}"] '
                                  f'td[data-party="{pid}"][data-kind="npv"]')
            assert got == f"{npv:,.2f}"
    screenshot(page, "negotiate-sweep.png")
