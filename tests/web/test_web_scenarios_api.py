"""Saved scenarios through the pages, and the JSON API."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from webhelpers import BIG, bth_example, csrf_token, form_doc, post_contract


def save(client, doc, name: str) -> int:
    r = post_contract(client, doc, url="/scenarios", name=name)
    assert r.status_code == 303, r.data.decode()[:1000]
    m = re.fullmatch(r"/scenarios/(\d+)", r.headers["Location"])
    assert m
    return int(m.group(1))


def test_save_list_open_rename_duplicate_delete(client, app):
    doc = form_doc(bth_example())
    sid = save(client, doc, "方案 A")
    html = client.get("/scenarios").data.decode()
    assert "方案 A" in html and f'data-scenario="{sid}"' in html
    page = client.get(f"/scenarios/{sid}").data.decode()
    assert 'id="scenario-name">方案 A<' in page and 'id="year-table"' in page
    form = client.get(f"/form?scenario={sid}").data.decode()
    kept = json.loads(re.search(r'id="form-document">(.*?)</script>', form, re.S).group(1))
    assert kept == doc
    token = csrf_token(client)
    r = client.post(f"/scenarios/{sid}/rename", data={"csrf_token": token, "name": "方案 B"})
    assert r.status_code == 303
    assert "方案 B" in client.get("/scenarios").data.decode()
    r = client.post(f"/scenarios/{sid}/rename", data={"csrf_token": token, "name": "  "})
    assert r.status_code == 303
    r = client.post(f"/scenarios/{sid}/duplicate", data={"csrf_token": token})
    assert r.status_code == 303
    html = client.get("/scenarios").data.decode()
    assert "方案 B（副本）" in html or "方案 B (copy)" in html
    r = client.post(f"/scenarios/{sid}/delete", data={"csrf_token": token})
    assert r.status_code == 303
    assert client.get(f"/scenarios/{sid}").status_code == 404
    from web import storage

    with app.app_context():
        actions = [e["action"] for e in storage.audit_trail(storage.db())]
    assert {"save", "rename", "duplicate", "delete"} <= set(actions)


def test_update_a_scenario_from_the_form(client):
    doc = form_doc(bth_example())
    sid = save(client, doc, "x")
    doc["discount_rate"] = "0.08"
    r = post_contract(client, doc, url=f"/scenarios/{sid}/update")
    assert r.status_code == 303
    form = client.get(f"/form?scenario={sid}").data.decode()
    assert '"discount_rate": "0.08"' in form
    doc["years"] = "0"
    r = post_contract(client, doc, url=f"/scenarios/{sid}/update")
    assert r.status_code == 422


def test_save_from_a_results_page(client):
    r = post_contract(client, form_doc(bth_example()))
    sha = r.headers["Location"].rsplit("/", 1)[1]
    r = client.post("/scenarios", data={"csrf_token": csrf_token(client), "run": sha,
                                        "name": ""})
    assert r.status_code == 303
    assert "京津冀" in client.get("/scenarios").data.decode()


def test_save_refuses_an_invalid_contract_and_keeps_input(client):
    doc = form_doc(bth_example())
    doc["clauses"][0]["start"] = "2"
    r = post_contract(client, doc, url="/scenarios", name="bad")
    assert r.status_code == 422
    assert 'data-jump="clauses[0].start"' in r.data.decode()


@pytest.mark.parametrize("url", ["/scenarios/999", "/form?scenario=999", "/form?scenario=x",
                                 "/compare?a=999&b=998", "/compare?a=x&b=1"])
def test_unknown_scenario_id_is_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("action", ["rename", "duplicate", "delete", "update"])
def test_unknown_scenario_actions_are_404(client, action):
    r = client.post(f"/scenarios/999/{action}", data={"csrf_token": csrf_token(client),
                                                       "name": "x", "document": "{}"})
    assert r.status_code == 404


def test_compare_two_scenarios(client):
    a = form_doc(bth_example())
    b = json.loads(json.dumps(a))
    b["clauses"][0]["start"] = "0.4"
    sa, sb = save(client, a, "A 五五分"), save(client, b, "B 四六分")
    html = client.get(f"/compare?a={sa}&b={sb}", headers={"Accept-Language": "en"})
    assert html.status_code == 200
    page = html.data.decode()
    from sharing.api import parse_contract, run_contract

    ra, rb = run_contract(parse_contract(a)), run_contract(parse_contract(b))
    for pid in ra["parties"]:
        diff = Decimal(rb["parties"][pid]["npv"]) - Decimal(ra["parties"][pid]["npv"])
        row = re.search(rf'<tr data-party="{pid}">(.*?)</tr>', page, re.S).group(1)
        assert f"{diff:,.2f}" in row
    assert 'id="compare-table"' in page
    assert client.get("/compare").status_code == 200


# ---- API ---------------------------------------------------------------------------------

def test_api_run_json_and_yaml(client):
    doc = form_doc(bth_example())
    r = client.post("/api/run", json=doc)
    assert r.status_code == 200
    from sharing.api import load_file, run_contract
    from sharing.explain_text import localise

    # zh-CN by default: the why texts in Chinese, the records and hash as computed
    assert r.json == localise(run_contract(load_file(str(bth_example()))), "zh")
    assert r.headers["Location"].endswith(r.json["contract_sha256"])
    r2 = client.post("/api/run", data=bth_example().read_bytes(),
                     content_type="application/yaml")
    assert r2.status_code == 200 and r2.json["result_sha256"] == r.json["result_sha256"]


def test_api_validate(client):
    r = client.post("/api/validate", json=form_doc(BIG))
    assert r.status_code == 200 and r.json["valid"] is True
    bad = form_doc(BIG)
    bad["clauses"][1]["schedule"][0]["shares"] = {"shanghai": "0.5"}
    r = client.post("/api/validate", json=bad, headers={"Accept-Language": "en"})
    assert r.status_code == 422
    issue = r.json["issues"][0]
    assert issue["path"] == "clauses[1].schedule[0].shares"
    assert issue["code"] == "shares_sum" and issue["params"] == {"total": "0.5"}
    assert issue["message"] == "shares sum to 0.5; they must sum to exactly 1"
    zh = client.post("/api/validate?lang=zh", json=bad).json["issues"][0]
    assert zh["message"] == "分成比例合计为 0.5；必须恰好等于 1"
    assert zh["message_en"] == issue["message"]


def test_api_run_refuses_with_paths(client):
    bad = form_doc(BIG)
    del bad["parties"]
    r = client.post("/api/run", json=bad)
    assert r.status_code == 422 and r.json["issues"][0]["path"] == "parties"


@pytest.mark.parametrize("body,ctype,status", [
    (b"{", "application/json", 422), (b"x: [", "application/yaml", 422),
    (b"{}", "text/plain", 415), (b"a=b", "application/x-www-form-urlencoded", 415),
    (b'{"a": NaN}', "application/json", 422), (b"[1, 2]", "application/json", 422)])
def test_api_malformed_bodies(client, body, ctype, status):
    r = client.post("/api/validate", data=body, content_type=ctype)
    assert r.status_code == status
    assert r.json["valid"] is False and r.json["issues"]


def test_api_needs_no_csrf_token_but_forms_do(client):
    assert client.post("/api/validate", json=form_doc(bth_example())).status_code == 200


def test_openapi_and_schema(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {"/api/validate", "/api/run"} <= set(spec["paths"])
    assert "422" in spec["paths"]["/api/run"]["post"]["responses"]
    schema = client.get("/api/schema.json").json
    assert "parties" in schema["properties"]
    assert "/api/run" in client.get("/api/docs").data.decode()


def test_a_cached_results_page_carries_each_visitors_own_csrf_token(app):
    first, second = app.test_client(), app.test_client()
    r = post_contract(first, form_doc(bth_example()))
    url = r.headers["Location"]
    first.get(url)  # rendered and cached
    html = second.get(url).data.decode()  # served from the cache
    token = re.search(r'id="save-run">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                      html).group(1)
    sha = url.rsplit("/", 1)[1]
    r = second.post("/scenarios", data={"csrf_token": token, "run": sha, "name": "第二位"})
    assert r.status_code == 303
    assert "\x00" not in html
