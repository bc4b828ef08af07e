"""Every route through Flask's test client: pages, form posts, downloads, errors, languages."""

from __future__ import annotations

import io
import json
import re

import pytest
from webhelpers import BIG, CONFORMANCE, bth_example, csrf_token, form_doc, post_contract


def run_ok(client, doc) -> str:
    r = post_contract(client, doc)
    assert r.status_code == 303, r.data.decode()[:2000]
    loc = r.headers["Location"]
    assert re.fullmatch(r"/results/[0-9a-f]{64}", loc)
    return loc.rsplit("/", 1)[1]


def issue_messages(html: str) -> list[str]:
    return re.findall(r'class="issue-message">([^<]*)<', html)


# ---- pages -------------------------------------------------------------------------------

def test_home_lists_every_bundled_example(client):
    html = client.get("/").data.decode()
    for path in sorted((bth_example().parent).glob("*.yaml")):
        assert f'data-example="{path.stem}"' in html


def test_each_example_opens_in_the_form_and_runs(client):
    for path in sorted(bth_example().parent.glob("*.yaml")):
        r = client.get(f"/form?example={path.stem}")
        assert r.status_code == 200, path
        assert 'id="form-document"' in r.data.decode()
        sha = run_ok(client, form_doc(path))
        assert client.get(f"/results/{sha}").status_code == 200


def test_blank_form_has_every_clause_kind_to_add(client):
    html = client.get("/form").data.decode()
    spec = json.loads(re.search(r'id="form-spec">(.*?)</script>', html, re.S).group(1))
    clauses = next(f for f in spec["contract"] if f["k"] == "clauses")
    kinds = [k for k, _ in clauses["item"]["union"]["labels"]]
    assert kinds == ["tax_split", "buffer", "equity", "cost_share", "risk_pool",
                     "indicator_split", "exit"]


def test_unknown_example_is_404(client):
    assert client.get("/form?example=nope").status_code == 404


def test_run_redirects_to_results_with_hashes_and_engine(client):
    doc = form_doc(bth_example())
    sha = run_ok(client, doc)
    html = client.get(f"/results/{sha}").data.decode()
    assert sha in html
    from sharing.api import load_file, run_contract

    res = run_contract(load_file(str(bth_example())))
    assert res["contract_sha256"] == sha
    assert res["result_sha256"] in html
    assert f'id="engine-version">{res["engine"]["name"]} {res["engine"]["version"]}' in html
    assert "<svg" in html and "</svg>" in html


def test_results_table_shows_the_engines_amounts(client):
    from sharing.api import load_file, run_contract

    res = run_contract(load_file(str(bth_example())))
    sha = run_ok(client, form_doc(bth_example()))
    html = client.get(f"/results/{sha}", headers={"Accept-Language": "en"}).data.decode()
    for pid, p in res["parties"].items():
        for year, amount in zip(res["years"], p["net_by_year"], strict=True):
            m = re.search(rf'data-party="{pid}" data-year="{year}" data-amount="([^"]+)"', html)
            assert m and m.group(1) == amount


def test_results_in_wan(client):
    """The party totals are shown in the unit asked for. Figures: conformance 02's expected net
    totals, 26,370,207.88 and 107,900,976.83 yuan; in 万元 by hand 2,637.020788 -> 2,637.02 and
    10,790.097683 -> 10,790.10 (half up to 0.01 万)."""
    sha = run_ok(client, form_doc(CONFORMANCE / "02-beijing-baoding-92hao-wan.yaml"))

    def totals(unit: str) -> list[str]:
        html = client.get(f"/results/{sha}?unit={unit}",
                          headers={"Accept-Language": "zh-CN"}).data.decode()
        return re.findall(r'class="num net-total">([^<]*)<', html)

    assert totals("wan") == ["2,637.02", "10,790.10"]
    assert totals("yuan") == ["26,370,207.88", "107,900,976.83"]


def test_unknown_result_is_404(client):
    assert client.get("/results/" + "0" * 64).status_code == 404
    assert client.get("/results/not-a-hash").status_code == 404
    assert client.get("/results/" + "0" * 64 + "/download/result.xlsx").status_code == 404


def test_drill_down_page_lists_entries_with_why(client):
    sha = run_ok(client, form_doc(bth_example()))
    from sharing.api import load_file, run_contract
    from sharing.explain_text import localise

    res = localise(run_contract(load_file(str(bth_example()))), "zh")  # the page's language
    year = res["years"][1]
    html = client.get(f"/results/{sha}/entries?party=beijing&year={year}").data.decode()
    rows = [e for e in res["entries"] if e["party"] == "beijing" and e["year"] == year]
    assert rows
    for e in rows:
        assert e["why"].replace("'", "&#39;").replace('"', "&#34;") in html
    # in Chinese: the rule's words and the party's name, not English or the id
    assert "分成比例 50%（过渡期第 2 年（共 5 年，不变））" in html and "× share" not in html
    assert res["parties"]["beijing"]["name"] in html
    assert client.get(f"/results/{sha}/entries?year=abc").status_code == 400
    ledger = client.get(f"/results/{sha}/ledger.json").json
    assert [e["why"] for e in ledger] == [e["why"] for e in res["entries"]]
    assert [e["explanation"] for e in ledger] == [e["explanation"] for e in res["entries"]]
    en = client.get(f"/results/{sha}/ledger.json?lang=en").json
    assert [e["why"] for e in en] == [e["why"] for e in localise(res, "en")["entries"]]
    assert client.get("/results/" + "1" * 64 + "/ledger.json").status_code == 404
    html = client.get(f"/results/{sha}/entries?party=beijing&kind=cap_excess").data.decode()
    assert 'id="entries"' in html


@pytest.mark.parametrize("name,ctype", [("table.csv", "text/csv"), ("ledger.csv", "text/csv"),
                                        ("result.json", "application/json"),
                                        ("contract.yaml", "application/yaml"),
                                        ("result.xlsx", "application/vnd.openxmlformats"),
                                        ("report.pdf", "application/pdf")])
def test_downloads_carry_hashes(client, name, ctype):
    sha = run_ok(client, form_doc(bth_example()))
    r = client.get(f"/results/{sha}/download/{name}")
    assert r.status_code == 200, r.data[:500]
    assert r.mimetype.startswith(ctype)
    assert "attachment" in r.headers["Content-Disposition"]
    if name.endswith((".csv", ".json", ".yaml")):
        assert sha in r.data.decode("utf-8-sig")
    if name == "result.xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(r.data))
        for ws in wb.worksheets:
            assert sha in ws.oddHeader.right.text  # printed on every page
            if ws.title.startswith("输入·"):
                continue  # the inputs sheets start with their header row, to upload again
            text = " ".join(str(ws.cell(row=i, column=1).value) for i in range(1, 5))
            assert sha in text and "结果" in text
    if name == "report.pdf":
        assert r.data.startswith(b"%PDF")


def test_unknown_download_is_404(client):
    sha = run_ok(client, form_doc(bth_example()))
    assert client.get(f"/results/{sha}/download/evil.exe").status_code == 404


def test_yaml_download_of_the_form_round_trips_every_example(client):
    from sharing.api import contract_sha256, load_document, parse_contract

    paths = sorted(bth_example().parent.glob("*.yaml")) + [BIG]
    for path in paths:
        doc = form_doc(path)
        token = csrf_token(client)
        r = client.post("/form/yaml", data={"csrf_token": token,
                                            "document": json.dumps(doc, ensure_ascii=False)})
        assert r.status_code == 200
        back = load_document(r.data, "x.yaml")
        original = load_document(path.read_bytes(), path.name)
        assert contract_sha256(parse_contract(back)) == contract_sha256(parse_contract(original))


def test_yaml_download_keeps_an_invalid_form(client):
    doc = {"name": "半成品", "years": "ten", "parties": [{"id": "a", "role": "boss"}],
           "typo_field": {"x": 1}}
    token = csrf_token(client)
    r = client.post("/form/yaml", data={"csrf_token": token, "document": json.dumps(doc)})
    assert r.status_code == 200
    import yaml

    assert yaml.safe_load(r.data.decode()) == doc


# ---- validation and kept input ------------------------------------------------------------

def test_invalid_contract_comes_back_with_errors_at_their_paths_and_input_kept(client):
    doc = form_doc(BIG)
    doc["clauses"][0]["schedule"][1]["shares"]["shanghai"] = "0.35"
    doc["parties"][2]["name"] = "保留我输入的内容"
    r = post_contract(client, doc)
    assert r.status_code == 422
    html = r.data.decode()
    assert 'data-jump="clauses[0].schedule[1].shares"' in html
    kept = json.loads(re.search(r'id="form-document">(.*?)</script>', html, re.S).group(1))
    assert kept == doc
    errors = json.loads(re.search(r'id="form-errors">(.*?)</script>', html, re.S).group(1))
    assert errors[0]["path"] == "clauses[0].schedule[1].shares"


def test_errors_are_translated(client):
    doc = form_doc(BIG)
    doc["clauses"][0]["schedule"][0]["shares"]["shanghai"] = "0.5"
    token = csrf_token(client)
    body = {"csrf_token": token, "document": json.dumps(doc)}
    zh = client.post("/run", data=body, headers={"Accept-Language": "zh-CN"}).data.decode()
    assert "分成比例合计为 1.1；必须恰好等于 1" in issue_messages(zh)
    en = client.post("/run?lang=en", data=body).data.decode()
    assert "shares sum to 1.1; they must sum to exactly 1" in issue_messages(en)


def test_pydantic_messages_are_translated_too(client):
    doc = form_doc(BIG)
    doc["parties"][0]["role"] = "boss"
    doc["years"] = "thirty"
    html = client.post("/run", data={"csrf_token": csrf_token(client),
                                     "document": json.dumps(doc)},
                       headers={"Accept-Language": "zh-CN"}).data.decode()
    msgs = issue_messages(html)
    assert any("不是允许的取值" in m for m in msgs)
    assert any("不是整数" in m for m in msgs)


def test_no_script_yaml_editor_posts_and_keeps_text(client):
    token = csrf_token(client)
    text = bth_example().read_text(encoding="utf-8")
    r = client.post("/run", data={"csrf_token": token, "yaml_text": text})
    assert r.status_code == 303
    bad = text.replace("start: 0.5", "start: 1.5")
    r = client.post("/run", data={"csrf_token": token, "yaml_text": bad})
    assert r.status_code == 422
    assert "start: 1.5" in r.data.decode()


def test_malformed_document_is_refused_with_a_message(client):
    r = post_contract(client, "{not json")
    assert r.status_code == 422
    assert issue_messages(r.data.decode())


def test_contract_at_the_size_limits_still_answers(client):
    """50 parties, 200 years, 100 clauses: the schema's limits (each clause claims one
    year of one of ten streams, so the engine's work stays small)."""
    from schemas.contract import MAX_CLAUSES, MAX_PARTIES, MAX_YEARS

    parties = [{"id": f"p{i}", "name": f"县{i}", "role": "receiving" if i == 0 else "other"}
               for i in range(MAX_PARTIES)]
    streams = [{"id": f"s{i}", "kind": "tax", "first": 1000000 + i, "growth": "0.01"}
               for i in range(10)]
    clauses = [{"id": f"c{i}", "kind": "tax_split", "basis": "total", "streams": [f"s{i % 10}"],
                "schedule": [{"years": i + 1, "shares": {p["id"]: "1/50" for p in parties}}]}
               for i in range(MAX_CLAUSES)]
    doc = {"name": "limits", "start_year": 2000, "years": MAX_YEARS, "parties": parties,
           "streams": streams, "clauses": clauses}
    r = post_contract(client, doc)
    assert r.status_code == 303, issue_messages(r.data.decode())[:3]
    page = client.get(r.headers["Location"])
    assert page.status_code == 200 and b"p49" in page.data
    doc["parties"] = parties + [{"id": "one_too_many"}]
    doc["years"] = MAX_YEARS + 1
    doc["clauses"] = clauses + [dict(clauses[0], id="c_extra")]
    r = client.post("/run?lang=en", data={"csrf_token": csrf_token(client),
                                          "document": json.dumps(doc)})
    assert r.status_code == 422
    html = r.data.decode()
    for path in ("parties", "years", "clauses"):
        assert f'data-jump="{path}"' in html
    assert "the limit is 50" in html and "the limit is 100" in html


# ---- hostile input -----------------------------------------------------------------------

def test_html_in_names_and_ids_is_shown_escaped(client):
    doc = form_doc(bth_example())
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    doc["name"] = evil
    doc["parties"][0]["name"] = evil
    sha = run_ok(client, doc)
    for url in (f"/results/{sha}", f"/results/{sha}/entries?party=beijing"):
        html = client.get(url).data.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html or "\\u003cscript\\u003e" in html
    # an id that is HTML: refused by the schema, echoed escaped
    doc["clauses"][0]["id"] = '<b onmouseover="x">'
    r = post_contract(client, doc)
    assert r.status_code == 422
    html = r.data.decode()
    assert '<b onmouseover' not in html
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]


def test_upload_fills_the_form(client):
    token = csrf_token(client)
    data = {"csrf_token": token, "file": (io.BytesIO(bth_example().read_bytes()), "c.yaml")}
    r = client.post("/form/upload", data=data, content_type="multipart/form-data")
    assert r.status_code == 200
    doc = json.loads(re.search(r'id="form-document">(.*?)</script>', r.data.decode(),
                               re.S).group(1))
    assert doc == form_doc(bth_example())


def test_upload_json(client):
    token = csrf_token(client)
    doc = form_doc(bth_example())
    data = {"csrf_token": token, "file": (io.BytesIO(json.dumps(doc).encode()), "c.json")}
    r = client.post("/form/upload", data=data, content_type="multipart/form-data")
    assert r.status_code == 200


def test_upload_of_an_invalid_contract_fills_the_form_and_lists_errors(client):
    token = csrf_token(client)
    text = bth_example().read_text(encoding="utf-8").replace("years: 10", "years: 0", 1)
    data = {"csrf_token": token, "file": (io.BytesIO(text.encode()), "c.yaml")}
    r = client.post("/form/upload", data=data, content_type="multipart/form-data")
    assert r.status_code == 200
    assert 'data-jump="years"' in r.data.decode()


@pytest.mark.parametrize("content", [b"parties: [unclosed", b"\x00\x01binary", b"- a list",
                                     "名称: 值".encode("gbk"), b""])
def test_malformed_upload_is_refused_clearly(client, content):
    token = csrf_token(client)
    data = {"csrf_token": token, "file": (io.BytesIO(content), "bad.yaml")}
    r = client.post("/form/upload", data=data, content_type="multipart/form-data")
    assert r.status_code == 400
    html = r.data.decode()
    assert 'data-jump="(file)"' in html
    assert '>文件</a>:' in html and '>(file)</a>' not in html  # named for a person, not a path


def test_upload_without_a_file(client):
    r = client.post("/form/upload", data={"csrf_token": csrf_token(client)})
    assert r.status_code == 400


def test_ten_megabyte_upload_is_refused_with_a_clear_message(client):
    token = csrf_token(client)
    big = b"# padding\n" * (1024 * 1024)  # 10 MiB
    data = {"csrf_token": token, "file": (io.BytesIO(big), "huge.yaml")}
    r = client.post("/form/upload", data=data, content_type="multipart/form-data",
                    headers={"Accept-Language": "en"})
    assert r.status_code == 413
    html = r.data.decode()
    assert "the limit is 8 MB" in html


def test_oversize_api_request(client):
    r = client.post("/api/run", data=b"{" + b" " * (9 * 1024 * 1024) + b"}",
                    content_type="application/json", headers={"Accept-Language": "en"})
    assert r.status_code == 413
    assert "the limit is 8 MB" in r.json["message"]


def test_file_just_over_the_loader_limit_is_refused(client):
    token = csrf_token(client)
    big = b"#" * (6 * 1024 * 1024)
    data = {"csrf_token": token, "file": (io.BytesIO(big), "big.yaml")}
    r = client.post("/form/upload", data=data, content_type="multipart/form-data",
                    headers={"Accept-Language": "en"})
    assert r.status_code == 400
    assert "the limit is" in r.data.decode()


@pytest.mark.parametrize("url", ["/run", "/form/yaml", "/form/upload", "/scenarios",
                                 "/scenarios/1/rename", "/scenarios/1/delete",
                                 "/scenarios/1/duplicate", "/scenarios/1/update"])
def test_missing_csrf_token_is_refused(client, url):
    r = client.post(url, data={"document": json.dumps(form_doc(bth_example())), "name": "x"})
    assert r.status_code == 400
    assert "CSRF" in r.data.decode() or "表单已过期" in r.data.decode()


def test_wrong_csrf_token_is_refused(client):
    r = client.post("/run", data={"csrf_token": "forged", "document": "{}"})
    assert r.status_code == 400


# ---- languages ---------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/form", "/scenarios", "/compare", "/api/docs",
                                 "/audit"])
def test_pages_in_both_languages(client, url):
    zh = client.get(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"}).data.decode()
    en = client.get(url, headers={"Accept-Language": "en-US,en;q=0.9"}).data.decode()
    assert 'lang="zh-CN"' in zh and 'lang="en"' in en
    assert "共建园区利益分享测算" in zh
    assert "Co-built park benefit sharing" in en
    assert 'class="lang-switch"' in zh and 'class="lang-switch"' in en


def test_language_switch_is_remembered(client):
    r = client.get("/?lang=en", headers={"Accept-Language": "zh-CN"})
    assert "lang=en" in r.headers["Set-Cookie"]
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "zh-CN"}).data.decode()
    client.get("/?lang=zh_CN")
    assert 'lang="zh-CN"' in client.get("/", headers={"Accept-Language": "en"}).data.decode()


def test_default_language_is_chinese(client):
    assert 'lang="zh-CN"' in client.get("/").data.decode()


def test_numbers_formatted_for_the_locale(app):
    from web.i18n import rate, wan, yuan

    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        app.preprocess_request()
        assert yuan("1234567.5") == "1,234,567.50"
        assert wan("123456789.00") == "12,345.68"
        assert yuan("-0.01") == "-0.01"
        assert rate("0.052345") == "5.23 %"
        assert rate(None) == "—"


def test_results_page_in_both_languages(client):
    sha = run_ok(client, form_doc(bth_example()))
    zh = client.get(f"/results/{sha}", headers={"Accept-Language": "zh-CN"}).data.decode()
    en = client.get(f"/results/{sha}", headers={"Accept-Language": "en"}).data.decode()
    assert "各方汇总" in zh and "Summary by party" in en


def test_healthz(client):
    assert client.get("/healthz").json["ok"] is True


def test_method_not_allowed_and_unknown_page(client):
    assert client.get("/run").status_code == 405
    r = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert r.status_code == 404 and "Not found" in r.data.decode()


def test_api_run_explains_in_the_language_asked_for_with_one_hash(client):
    body = bth_example().read_bytes()
    zh = client.post("/api/run", data=body, content_type="application/yaml",
                     headers={"Accept-Language": "zh-CN"}).json
    en = client.post("/api/run", data=body, content_type="application/yaml",
                     headers={"Accept-Language": "en"}).json
    assert zh["result_sha256"] == en["result_sha256"]  # the hash is over the records
    assert [e["explanation"] for e in zh["entries"]] == [e["explanation"] for e in en["entries"]]
    assert zh["lang"] == "zh" and en["lang"] == "en"
    assert "分成比例" in zh["entries"][0]["why"] and "× share" in en["entries"][0]["why"]


def test_the_error_list_names_the_field_in_words(client):
    doc = form_doc(BIG)
    doc["clauses"][0]["schedule"][1]["shares"]["shanghai"] = "0.35"
    html = post_contract(client, doc).data.decode()
    # the error list reads 条款 1 · 时段 2 · 分成比例 (the clause's name after it if it has one)
    label = re.search(r'data-jump="clauses\[0\]\.schedule\[1\]\.shares" title="[^"]*">([^<]*)<',
                      html).group(1)
    assert label.startswith("条款 1") and label.endswith("· 时段 2 · 分成比例")
    assert "clauses[0]" not in label
