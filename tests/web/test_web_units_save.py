"""The contract's own units and the year details (issue 17 point 3); saving under a taken name
and the comparison of two scenarios with its downloads (issue 17 point 7).

The contract (tests/web/data/units-wan.yaml) is written in 万元: one tax stream of 1000万 in
2024 growing 8 % a year, a baseline of 600万 owned by Jiangsu, the increment split Shanghai 0.4,
Jiangsu 0.6. By hand, in 万元:

    year  revenue                     increment         Shanghai 0.4   Jiangsu 0.6   Jiangsu net
    2024  1000                        1000 − 600 = 400  160            240           600 + 240 = 840
    2025  1000 × 1.08 = 1080          480               192            288           888
    2026  1000 × 1.08² = 1166.4       566.4             226.56         339.84        939.84
    total Shanghai 160 + 192 + 226.56 = 578.56; Jiangsu 840 + 888 + 939.84 = 2667.84;
          all parties 3246.40 (= 1000 + 1080 + 1166.4)

In yuan each is × 10,000: Shanghai 5,785,600.00, Jiangsu 26,678,400.00.

Variant B splits 0.5 : 0.5: Shanghai 200 + 240 + 283.2 = 723.20万 (7,232,000.00 yuan),
Jiangsu (600 + 200) + (600 + 240) + (600 + 283.2) = 2523.20万 (25,232,000.00); B − A is
+144.64万 (1,446,400.00) for Shanghai and −144.64万 for Jiangsu; all parties 3246.40万 in both,
difference 0.
"""

from __future__ import annotations

import copy
import csv
import html as htmllib
import io
import json
import re
import shutil
import subprocess

import pytest
from webhelpers import DATA, csrf_token, form_doc, post_contract

WAN = DATA / "units-wan.yaml"


def wan_doc() -> dict:
    return form_doc(WAN)


def variant_b() -> dict:
    b = copy.deepcopy(wan_doc())
    b["clauses"][0]["schedule"][0]["shares"] = {"sh": "0.5", "js": "0.5"}
    return b


def run(client, doc) -> str:
    r = post_contract(client, doc)
    assert r.status_code == 303, r.data.decode()[:800]
    return r.headers["Location"]


def get(client, url: str, lang: str = "zh-CN") -> str:
    r = client.get(url, headers={"Accept-Language": lang})
    assert r.status_code == 200, r.data.decode()[:800]
    return r.data.decode()


def net_totals(html: str) -> list[str]:
    return re.findall(r'class="num net-total">([^<]*)<', html)


def cells(row_html: str, cls: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(rf'<td class="num {cls}"[^>]*>(.*?)</td>', row_html, re.S)]


# ---- units ---------------------------------------------------------------------------------

def test_a_wan_contract_opens_in_wan_and_switches_to_yuan(client):
    url = run(client, wan_doc())
    page = get(client, url)
    assert 'data-unit="wan" data-contract-unit="wan"' in page
    assert net_totals(page) == ["578.56", "2,667.84"]          # 万元, worked above
    # the chart is drawn twice, wide and narrow (the stylesheet shows one per screen)
    assert re.findall(r'class="axis-unit">([^<]*)<', page) == ["万元", "万元"]
    # the switch is a link; it keeps the page and adds unit=yuan
    link = htmllib.unescape(re.search(r'href="([^"]+)" id="unit-yuan"', page).group(1))
    assert link == url + "?unit=yuan"
    yuan = get(client, link)
    assert 'data-unit="yuan"' in yuan and 'id="unit-wan"' in yuan
    assert net_totals(yuan) == ["5,785,600.00", "26,678,400.00"]
    assert re.findall(r'class="axis-unit">([^<]*)<', yuan) == ["元", "元"]
    # the axis's top tick: the largest value drawn is Jiangsu's cumulative net, 26,678,400
    # yuan; a fifth of it, 5,335,680, rounds up to the nice step 10,000,000, so the axis ends
    # at 30,000,000 yuan = 3,000 万元
    assert "30,000,000" in re.findall(r'class="tick">([^<]*)<', yuan)
    assert "3,000" in re.findall(r'class="tick">([^<]*)<', page)
    en = get(client, link, "en")
    assert re.findall(r'class="axis-unit">([^<]*)<', en) == ["yuan", "yuan"]


def test_a_yuan_contract_opens_in_yuan(client):
    doc = wan_doc()
    doc["unit"] = "yuan"  # the same figures read as yuan: 1000 yuan, baseline 600 yuan
    page = get(client, run(client, doc))
    assert 'data-unit="yuan" data-contract-unit="yuan"' in page
    # Shanghai 160 + 192 + 226.56 = 578.56 yuan; Jiangsu 2,667.84 yuan
    assert net_totals(page) == ["578.56", "2,667.84"]
    assert 'id="unit-wan"' in page
    # in 万元, 578.56 / 10,000 = 0.057856 → 0.06; 2,667.84 / 10,000 = 0.266784 → 0.27
    assert net_totals(get(client, run(client, doc) + "?unit=wan")) == ["0.06", "0.27"]


def test_the_year_details_explain_a_year_from_the_table(client):
    url = run(client, wan_doc())
    page = get(client, url)
    assert "显示收入、基数与增量" in page
    assert 'data-stream=' not in page  # details are asked for
    details = get(client, url + "?details=1")
    row = re.search(r'<tr data-year="2025"[^>]*>(.*?)</tr>', details, re.S).group(1)
    # 2025, in 万元: revenue 1,080.00, baseline 600.00, increment 480.00, shares 0.4 × 480 =
    # 192.00 and 0.6 × 480 = 288.00; nets Shanghai 192.00, Jiangsu 600 + 288 = 888.00
    assert cells(row, "revenue") == ["1,080.00"]
    assert cells(row, "baseline") == ["600.00"]
    assert cells(row, "increment") == ["480.00"]
    assert cells(row, "share") == ["192.00", "288.00"]
    assert cells(row, "net") == ["192.00", "888.00"]
    assert "园区增值税" in row and "vat" not in re.sub(r'"[^"]*"', "", row)  # a name, no id
    # the same in yuan, the unit link keeping the details
    link = htmllib.unescape(re.search(r'href="([^"]+)" id="unit-yuan"', details).group(1))
    assert "details=1" in link and "unit=yuan" in link
    row = re.search(r'<tr data-year="2025"[^>]*>(.*?)</tr>',
                    get(client, link, "en"), re.S).group(1)
    assert cells(row, "revenue") == ["10,800,000.00"]
    assert cells(row, "increment") == ["4,800,000.00"]
    assert cells(row, "share") == ["1,920,000.00", "2,880,000.00"]
    assert cells(row, "net") == ["1,920,000.00", "8,880,000.00"]
    en = get(client, link, "en")
    assert "Revenue" in en and "Baseline" in en and "Increment" in en
    assert "Hide revenue, baseline and increment" in en


def test_a_combined_clause_is_one_row_with_its_streams_summed(client):
    """Two streams split together (timing contract): one row per year. By hand, year 1:
    revenue 1000 + 500 = 1500万, increment 1500 − 600 = 900, Shanghai 0.4 × 900 = 360.00,
    Jiangsu 0.6 × 900 = 540.00."""
    doc = wan_doc()
    doc["streams"].append({"id": "cit", "name": "园区所得税 / park CIT", "kind": "tax",
                           "first": "500", "growth": "0"})
    doc["clauses"][0]["streams"] = ["vat", "cit"]
    details = get(client, run(client, doc) + "?details=1")
    rows = re.findall(r'<tr data-year="2024"[^>]*>(.*?)</tr>', details, re.S)
    assert len(rows) == 1
    assert "园区增值税 + 园区所得税" in rows[0]
    assert cells(rows[0], "revenue") == ["1,500.00"]
    assert cells(rows[0], "increment") == ["900.00"]
    assert cells(rows[0], "share") == ["360.00", "540.00"]


# ---- saving under a taken name -------------------------------------------------------------

def save(client, doc, name: str, **extra):
    return post_contract(client, doc, url="/scenarios", name=name, **extra)


def sid_of(r) -> int:
    assert r.status_code == 303, r.data.decode()[:800]
    return int(re.fullmatch(r"/scenarios/(\d+)", r.headers["Location"]).group(1))


def hidden_fields(page: str) -> dict[str, str]:
    form = re.search(r'<form[^>]*id="duplicate-form".*?</form>', page, re.S).group(0)
    return {k: htmllib.unescape(v) for k, v in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}


def names(app) -> dict[int, str]:
    from web import storage

    with app.app_context():
        return {sc.id: sc.name for sc in storage.list_scenarios(storage.db())}


def test_a_taken_name_asks_then_keeps_both_or_replaces(client, app):
    first = sid_of(save(client, wan_doc(), "方案 A"))
    b = variant_b()
    r = save(client, b, "方案 A")
    assert r.status_code == 409
    page = r.data.decode()
    assert "已有名为“方案 A”的方案" in page and 'id="duplicate-replace"' in page
    assert 'id="duplicate-keep-both"' in page and f'data-scenario="{first}"' in page
    kept = hidden_fields(page)
    assert json.loads(kept["document"]) == b and kept["name"] == "方案 A"  # nothing lost
    assert names(app) == {first: "方案 A"}  # nothing saved yet
    both = sid_of(client.post("/scenarios", data={**kept, "on_duplicate": "keep_both"}))
    assert names(app) == {first: "方案 A", both: "方案 A (2)"}
    assert "方案 A (2)" in get(client, f"/scenarios/{both}")
    r = client.post("/scenarios", data={**kept, "on_duplicate": "replace"})
    assert sid_of(r) == first
    assert names(app) == {first: "方案 A", both: "方案 A (2)"}
    # the scenario now holds B: Shanghai 723.20万 (worked in the module docstring)
    assert net_totals(get(client, f"/scenarios/{first}")) == ["723.20", "2,523.20"]
    r = client.post("/scenarios", data={**kept, "on_duplicate": "both"})
    assert r.status_code == 400 and "on_duplicate" in r.data.decode()


def test_saving_a_run_under_a_taken_name_keeps_the_run(client):
    url = run(client, wan_doc())
    sha = url.rsplit("/", 1)[1]
    token = csrf_token(client)
    sid_of(client.post("/scenarios", data={"csrf_token": token, "run": sha, "name": "甲"}))
    r = client.post("/scenarios", data={"csrf_token": token, "run": sha, "name": "甲"})
    assert r.status_code == 409
    assert hidden_fields(r.data.decode())["run"] == sha


def test_api_duplicate_409_then_replace_or_keep_both(client, app):
    body = json.dumps(wan_doc(), ensure_ascii=False)

    def post(query: str, doc: str = body, lang: str = "en"):
        return client.post("/api/scenarios" + query, data=doc.encode(),
                           content_type="application/json",
                           headers={"Accept-Language": lang})

    r = post("?name=X")
    assert r.status_code == 201
    first = r.get_json()["id"]
    assert r.headers["Location"] == f"/scenarios/{first}"
    r = post("?name=X")
    assert r.status_code == 409
    j = r.get_json()
    assert j["error"] == "duplicate_name" and j["choices"] == ["replace", "keep_both"]
    assert j["existing"][0]["id"] == first and j["existing"][0]["name"] == "X"
    assert f"“X” (#{first}" in j["message"] and "on_duplicate=replace" in j["message"]
    zh = post("?name=X", lang="zh-CN").get_json()["message"]
    assert zh.startswith("已有保存的方案名为“X”")
    r = post("?name=X&on_duplicate=keep_both")
    assert r.status_code == 201 and r.get_json()["name"] == "X (2)"
    r = post("?name=X&on_duplicate=replace", json.dumps(variant_b(), ensure_ascii=False))
    assert r.status_code == 200
    assert r.get_json()["id"] == first and r.get_json()["replaced"] is True
    assert sorted(names(app).values()) == ["X", "X (2)"]
    r = post("?name=X&on_duplicate=overwrite")
    assert r.status_code == 400
    j = r.get_json()
    assert j["field"] == "on_duplicate" and j["value"] == "overwrite"
    assert "replace" in j["message"] and "keep_both" in j["message"]


def test_an_officer_may_not_replace_another_users_scenario(tmp_path):
    """Officer fo1 shares “共用”; fo2 reads it, so the name is taken for fo2 too: the prompt
    offers only to keep both, a forced replace is refused (403) and fo1's scenario stays."""
    from web import create_app, users

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "AUTH_MODE": "required",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}"})
    for name in ("fo1", "fo2"):
        users.add_user(app.extensions["sharing_db"], name, "finance_officer", "pw pw pw pw")

    def signed_in(name: str):
        c = app.test_client()
        r = c.post("/login", data={"csrf_token": csrf_token(c, "/login"), "name": name,
                                   "password": "pw pw pw pw", "next": "/scenarios"})
        assert r.status_code == 303
        return c

    fo1, fo2 = signed_in("fo1"), signed_in("fo2")
    sid = sid_of(save(fo1, wan_doc(), "共用"))
    r = fo1.post(f"/scenarios/{sid}/share", data={"csrf_token": csrf_token(fo1), "shared": "1"})
    assert r.status_code == 303
    r = save(fo2, variant_b(), "共用")
    assert r.status_code == 409
    page = r.data.decode()
    assert 'id="duplicate-replace"' not in page and 'id="duplicate-not-yours"' in page
    kept = hidden_fields(page)
    r = fo2.post("/scenarios", data={**kept, "on_duplicate": "replace"})
    assert r.status_code == 403
    assert net_totals(get(fo1, f"/scenarios/{sid}")) == ["578.56", "2,667.84"]  # unchanged A
    other = sid_of(fo2.post("/scenarios", data={**kept, "on_duplicate": "keep_both"}))
    assert other != sid
    app.extensions["sharing_db"].dispose()


# ---- compare -------------------------------------------------------------------------------

@pytest.fixture
def pair(client):
    a = sid_of(save(client, wan_doc(), "A 四六分"))
    b = sid_of(save(client, variant_b(), "B 五五分"))
    return a, b


def test_compare_names_the_terms_that_differ(client, pair):
    a, b = pair
    zh = get(client, f"/compare?a={a}&b={b}")
    terms = [re.sub(r"<[^>]+>", "", t).strip() for t in
             re.findall(r'<li data-path="[^"]*">(.*?)</li>', zh, re.S)]
    assert terms == ["条款 1「增量分成」· 时段 1 · 上海市 的分成比例 0.4 → 0.5",
                     "条款 1「增量分成」· 时段 1 · 江苏省 的分成比例 0.6 → 0.5"]
    en = get(client, f"/compare?a={a}&b={b}", "en")
    terms = [re.sub(r"<[^>]+>", "", t).strip() for t in
             re.findall(r'<li data-path="[^"]*">(.*?)</li>', en, re.S)]
    assert terms == ["clause 1 “增量分成” · segment 1 · share of Shanghai 0.4 → 0.5",
                     "clause 1 “增量分成” · segment 1 · share of Jiangsu 0.6 → 0.5"]
    same = get(client, f"/compare?a={a}&b={a}", "en")
    assert "The two contracts have the same terms." in same


def test_compare_totals_rows(client, pair):
    a, b = pair
    page = get(client, f"/compare?a={a}&b={b}&unit=wan")
    total = re.search(r'<tr id="compare-summary-total">(.*?)</tr>', page, re.S).group(1)
    # all parties: 3,246.40万 in A and in B, difference 0.00
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', total) == [
        "3,246.40", "3,246.40", "0.00"]
    years = re.search(r'<tr id="compare-table-total">(.*?)</tr>', page, re.S).group(1)
    # Shanghai 578.56 → 723.20 (+144.64), Jiangsu 2,667.84 → 2,523.20 (−144.64)
    assert re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', years) == [
        "578.56", "723.20", "144.64", "2,667.84", "2,523.20", "-144.64"]
    yuan = get(client, f"/compare?a={a}&b={b}")
    years = re.search(r'<tr id="compare-table-total">(.*?)</tr>', yuan, re.S).group(1)
    assert "1,446,400.00" in years and "-1,446,400.00" in years


def test_compare_downloads_hold_the_totals(client, pair, tmp_path):
    from openpyxl import load_workbook

    a, b = pair
    q = f"?a={a}&b={b}"
    r = client.get("/compare/download/compare.csv" + q, headers={"Accept-Language": "en"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.data.decode("utf-8-sig")
    table = text.split("\n\n", 1)[0]
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[0] == ["Part", "Item", "Party", "A", "B", "B − A"]
    assert ["Differing term", "clause 1 “增量分成” · segment 1 · share of Shanghai", "",
            "0.4", "0.5", ""] in rows
    assert ["Net total", "all years", "Shanghai", "5785600.00", "7232000.00",
            "1446400.00"] in rows
    assert ["Net total", "all years", "All parties", "32464000.00", "32464000.00",
            "0.00"] in rows
    assert "# B · contract SHA-256 " in text

    r = client.get("/compare/download/compare.xlsx" + q, headers={"Accept-Language": "en"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["Differing terms", "Summary by party", "Net cash flow by year"]
    ws = wb["Summary by party"]
    found = {ws.cell(row=i, column=1).value: i for i in range(1, ws.max_row + 1)}
    sh = found["Shanghai"]
    assert ws.cell(row=sh, column=2).value == 5785600 and ws.cell(row=sh, column=3).value \
        == 7232000
    assert ws.cell(row=sh, column=4).value == f"=C{sh}-B{sh}"
    tot = found["All parties"]
    assert ws.cell(row=tot, column=2).value == f"=SUM(B{sh}:B{tot - 1})"
    terms = wb["Differing terms"]
    labels = [terms.cell(row=i, column=1).value for i in range(1, terms.max_row + 1)]
    assert "clause 1 “增量分成” · segment 1 · share of Jiangsu" in labels

    r = client.get("/compare/download/compare.pdf" + q, headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
    path = tmp_path / "c.pdf"
    path.write_bytes(r.data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "不同的条款" in out and "上海市 的分成比例" in out
    assert "7,232,000.00" in out and "1,446,400.00" in out and "32,464,000.00" in out
    assert client.get("/compare/download/other.txt" + q).status_code == 404


def test_the_year_details_show_what_goes_into_a_risk_pool(client):
    """examples/zhejiang-mountain-sea-guarantee.yaml, 2019 (contract year 1), by hand:
    VAT 30,000,000 × ramp 0.4 × retention 0.5 = 6,000,000.00; CIT 12,000,000 × 0.3 × 0.4 =
    1,440,000.00; revenue 7,440,000.00, split as a total (no baseline); into the pool
    0.15 × 7,440,000 = 1,116,000.00; the rest 6,324,000.00 × 0.8 / 0.12 / 0.08 = 5,059,200.00,
    758,880.00, 505,920.00 (Pinghu, Qingtian, Songyang). Revenue = pool + shares."""
    from webhelpers import EXAMPLES

    page = get(client, run(client, form_doc(EXAMPLES / "zhejiang-mountain-sea-guarantee.yaml"))
               + "?details=1&unit=yuan", "en")
    row = re.search(r'<tr data-year="2019"[^>]*>(.*?)</tr>', page, re.S).group(1)
    assert cells(row, "revenue") == ["7,440,000.00"]
    assert cells(row, "baseline") == ["—"]
    assert cells(row, "pool") == ["1,116,000.00"]
    assert cells(row, "share") == ["5,059,200.00", "758,880.00", "505,920.00"]
    assert "Into the risk pool" in page
