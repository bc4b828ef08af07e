"""The probe of issue 19 replayed (point 5): forged posts without a CSRF token, script
payloads in every name field on every page, traversal URLs. (The number bombs, formula
prefixes and open redirects have their own modules beside this one.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "gdp-indicator-split.yaml"
XSS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>',
       "{{7*191}}", "javascript:alert(1)//<svg onload=alert(1)>"]


def _token(client) -> str:
    html = client.get("/form").data.decode()
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _doc(payload: str = "") -> dict:
    doc = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    if payload:
        doc["name"] = payload + " contract"
        for i, p in enumerate(doc["parties"]):
            p["name"] = f"{payload} party{i}"
        for i, s in enumerate(doc["streams"]):
            s["name"] = f"{payload} stream{i}"
        for i, c in enumerate(doc["clauses"]):
            c["name"] = f"{payload} clause{i}"
    return doc


def _save(client, doc: dict, name: str) -> int:
    r = client.post("/scenarios", data={"csrf_token": _token(client), "name": name,
                                        "document": json.dumps(doc, ensure_ascii=False)})
    assert r.status_code == 303, r.data[:500]
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


STATE_CHANGING = ["/run", "/form/upload", "/form/yaml", "/scenarios", "/scenarios/{sid}/update",
                  "/scenarios/{sid}/rename", "/scenarios/{sid}/duplicate",
                  "/scenarios/{sid}/delete", "/scenarios/{sid}/audit"]


@pytest.mark.parametrize("route", STATE_CHANGING)
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client, route):
    sid = _save(client, _doc(), "kept")
    fresh = client.application.test_client()  # another site's page: no token, no session
    r = fresh.post(route.format(sid=sid), data={"name": "forged", "document":
                                                json.dumps(_doc(), ensure_ascii=False)})
    assert r.status_code == 400
    page = client.get("/scenarios").data.decode()
    assert "kept" in page and "forged" not in page


@pytest.mark.parametrize("payload", XSS)
def test_script_payloads_in_every_name_are_escaped_on_every_page(client, payload):
    doc = _doc(payload)
    sid = _save(client, doc, payload)
    other = _save(client, _doc(), "plain")
    r = client.post("/run", data={"csrf_token": _token(client),
                                  "document": json.dumps(doc, ensure_ascii=False)})
    results = r.headers["Location"]
    pages = ["/", "/form", f"/form?scenario={sid}", "/scenarios", f"/scenarios/{sid}",
             results, results + "/entries", f"/compare?a={sid}&b={other}", "/audit",
             f"/negotiate?scenario={sid}", f"/negotiate/sweep?scenario={sid}"]
    for page in pages:
        r = client.get(page)
        assert r.status_code in (200, 404), (page, r.status_code)
        html = r.data.decode()
        if "<" in payload:
            assert payload not in html, page
        for tag in ("<script>alert", "<img src=x", "<svg onload"):  # an unescaped tag
            assert tag not in html, (page, tag)
        assert str(7 * 191) not in html, page  # a template expression is text, not run


TRAVERSAL = ["/static/../web/config.py", "/static/%2e%2e/web/config.py",
             "/static/..%2f..%2fpyproject.toml", "/results/..%2f..%2fetc%2fpasswd",
             "/results/x/download/..%2f..%2f..%2fetc%2fpasswd", "/?example=../../etc/passwd",
             "/form?example=../../../etc/passwd", "/form?preset=../../pyproject.toml",
             "/negotiate?example=../../etc/passwd", "/static//etc/passwd",
             "/scenarios/..%2f1", "/static/%5c..%5cweb%5cconfig.py"]


@pytest.mark.parametrize("url", TRAVERSAL)
def test_traversal_urls_reach_no_file(client, url):
    r = client.get(url)
    body = r.data.decode("utf-8", "replace")
    assert "root:x:0:0" not in body and "SECRET_KEY" not in body and "[project]" not in body
    assert r.status_code in (200, 302, 303, 308, 400, 404), r.status_code
    if r.status_code in (302, 303, 308):  # a redirect stays in the app
        loc = r.headers["Location"]
        assert loc.startswith("/") and not loc.startswith("//") or \
            loc.startswith("http://localhost/"), loc


def test_a_feature_with_too_many_steps_is_refused_before_it_runs(client):
    """A Scenario Outline with 3,000 example rows is 6,000 steps: refused with the limit,
    in both languages, and no audit runs (the audit log gets no row)."""
    import io

    sid = _save(client, _doc(), "audited")
    rows = "".join(f"      | {k} |\n" for k in range(3000))
    feature = ("Feature: f\n  Scenario Outline: s\n    Given a step <n>\n    Then a step <n>\n"
               "\n    Examples:\n      | n |\n" + rows).encode()
    html = client.get(f"/scenarios/{sid}").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    for lang, text in (("en", "runs 6,000 steps; the web app runs at most 2,000"),
                       ("zh_CN", "6,000")):
        r = client.post(f"/scenarios/{sid}/audit?lang={lang}",
                        data={"csrf_token": token, "feature": (io.BytesIO(feature), "f.feature")},
                        content_type="multipart/form-data")
        assert r.status_code == 400 and text in r.data.decode()
    assert "2,000" in r.data.decode() and "steps" not in r.data.decode()
