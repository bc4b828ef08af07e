"""The auditor tools in the web app: the hash-chained audit log, the static-check panel,
presets in the form, and feature files run against a saved scenario."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text
from webhelpers import bth_example, form_doc, post_contract

from sharing.audit import log
from web import storage


def save(client, doc, name: str) -> int:
    r = post_contract(client, doc, url="/scenarios", name=name)
    assert r.status_code == 303, r.data.decode()[:1000]
    m = re.fullmatch(r"/scenarios/(\d+)", r.headers["Location"])
    assert m
    return int(m.group(1))


def _log_rows(app) -> list[dict]:
    with app.app_context():
        return log.rows(storage.db())


def _check_run_and_save_are_logged(app, client) -> None:
    doc = form_doc(bth_example())
    assert _log_rows(app) == []
    r = post_contract(client, doc)
    assert r.status_code == 303
    rows = _log_rows(app)
    assert [r["action"] for r in rows] == ["run"]
    sha = rows[0]["contract_sha256"]
    assert len(sha) == 64 and len(rows[0]["result_sha256"]) == 64
    sid = save(client, doc, "审计 log")
    rows = _log_rows(app)
    assert [r["action"] for r in rows] == ["run", "save"]
    assert rows[1]["contract_sha256"] == sha
    assert json.loads(rows[1]["detail"]) == {"scenario": sid, "name": "审计 log"}
    assert rows[1]["prev_hash"] == rows[0]["row_hash"]
    with app.app_context():
        check = log.verify(storage.db())
    assert check.ok, check.format()
    assert check.rows == 2 and check.head == rows[1]["row_hash"]
    assert "AUDIT LOG INTACT" in check.format()
    page = client.get("/audit?lang=en").data.decode()
    assert "save" in page and sha[:12] in page
    assert 'id="audit-log-check" data-ok="true"' in page
    assert "The log verifies against its witness: 2 rows" in page
    assert f'<code id="audit-head-hash">{check.head}</code>' in page  # the full head


def test_the_audit_page_names_an_edited_row(app, client):
    post_contract(client, form_doc(bth_example()))
    save(client, form_doc(bth_example()), "one")
    with app.app_context():
        with storage.db().begin() as conn:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("UPDATE audit_log SET action = 'nothing' WHERE id = 1"))
    page = client.get("/audit?lang=zh_CN").data.decode()
    assert 'id="audit-log-check" data-ok="false"' in page
    assert "审计日志已被篡改" in page and "第 1 行被修改" in page
    assert "只允许追加的触发器 audit_log_no_update 已不存在" in page


def test_a_run_and_a_save_each_add_a_chained_row(app, client):
    _check_run_and_save_are_logged(app, client)


def test_the_audit_log_on_postgresql(postgres_url, tmp_path):
    engine = storage.make_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from web import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "pg", "DATABASE_URL": postgres_url})
    try:
        _check_run_and_save_are_logged(app, app.test_client())
    finally:
        app.extensions["sharing_db"].dispose()


def test_a_log_row_that_fails_undoes_the_save(app, client):
    doc = form_doc(bth_example())
    with app.app_context():
        engine = storage.db()

        def broken(conn, sid):
            raise RuntimeError("the log row could not be written")

        with pytest.raises(RuntimeError):
            storage.save_scenario(engine, "half", doc, "a" * 64, log=broken)
        assert storage.count_scenarios(engine) == 0
        assert log.rows(engine) == []


# ---- static-check panel ------------------------------------------------------------------

def _doc_with_an_unclaimed_stream() -> dict:
    doc = form_doc(bth_example())
    doc["streams"].append({"id": "land_fee", "name": "土地出让金 / land fees <b>&</b>",
                           "kind": "tax", "first": "100"})
    return doc


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_static_check_panel_lists_warnings_in_the_page_language(client, lang):
    r = post_contract(client, _doc_with_an_unclaimed_stream())
    assert r.status_code == 303
    html = client.get(r.headers["Location"] + f"?lang={lang}").data.decode()
    panel = re.search(r'<section id="static-check".*?</section>', html, re.S).group(0)
    assert 'data-kind="unclaimed_stream"' in panel
    assert '<code class="path">streams[2]</code>' in panel
    if lang == "en":
        assert "Static check" in panel
        assert "no clause claims stream 土地出让金 / land fees &lt;b&gt;&amp;&lt;/b&gt;" in panel
        assert "没有任何条款认领" not in panel
    else:
        assert "静态检查" in panel
        assert "没有任何条款认领 土地出让金 / land fees &lt;b&gt;&amp;&lt;/b&gt;" in panel
        assert "no clause claims" not in panel
    assert 'id="static-check-none"' not in panel


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_static_check_panel_says_when_there_is_nothing(client, lang):
    doc = form_doc(bth_example())
    sid = save(client, doc, "clean")
    html = client.get(f"/scenarios/{sid}?lang={lang}").data.decode()
    none = re.search(r'<p id="static-check-none">(.*?)</p>', html).group(1)
    assert none == ("The static check found nothing to warn about." if lang == "en"
                    else "静态检查未发现需要警告的问题。")
    assert 'id="static-check-warnings"' not in html


# ---- presets in the form -----------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_home_page_lists_the_presets_by_their_title_in_the_page_language(client, lang):
    from sharing.audit import list_presets

    presets = list_presets()
    assert len(presets) >= 6
    html = client.get(f"/?lang={lang}").data.decode()
    card = re.search(r'<section class="card" id="presets">.*?</section>', html, re.S).group(0)
    links = re.findall(r'<a href="/form\?preset=([\w-]+)" data-preset="[\w-]+">(.*?)</a>', card)
    assert [name for name, _t in links] == [p.name for p in presets]
    from markupsafe import escape

    for (_n, shown), p in zip(links, presets, strict=True):
        assert shown == str(escape(p.title_en if lang == "en" else p.title_zh))
    assert ("Presets of documented arrangements" if lang == "en" else "有政策依据的预设方案") in card


def test_opening_a_preset_fills_the_form_like_an_example(client):
    from sharing.audit.presets import preset_path
    from web.contracts import document_from_upload, form_document

    html = client.get("/form?preset=bth-92hao&lang=en").data.decode()
    kept = json.loads(re.search(r'id="form-document">(.*?)</script>', html, re.S).group(1))
    path = preset_path("bth-92hao")
    assert kept == form_document(document_from_upload(path.read_bytes(), path.name))
    assert "Beijing–Tianjin–Hebei relocated firm" in html
    # and it runs as it stands
    r = post_contract(client, kept)
    assert r.status_code == 303 and r.headers["Location"].startswith("/results/")


def test_every_preset_opens_in_the_form(client):
    from sharing.audit import list_presets

    for p in list_presets():
        r = client.get(f"/form?preset={p.name}")
        assert r.status_code == 200, p.name
        assert 'id="form-document"' in r.data.decode()


def test_an_unknown_preset_is_a_404_that_escapes_its_name(client):
    r = client.get("/form?preset=<script>x</script>&lang=en")
    assert r.status_code == 404
    body = r.data.decode()
    assert "<script>x</script>" not in body and "&lt;script&gt;x&lt;/script&gt;" in body


# ---- a feature file against a saved scenario ---------------------------------------------
# tests/web/data/audit-upload.yaml: a tax of 1,000,000, 2,000,000 and 3,000,000 yuan in
# 2030–2032, shared 1/4 to north and 3/4 to south. By hand: north gets 250,000.00,
# 500,000.00 and 750,000.00 (1,500,000.00 in all); south 750,000.00, 1,500,000.00 and
# 2,250,000.00 (4,500,000.00 in all).

PASSING = """Feature: the one-to-three split
  Background:
    Given the contract under audit

  Scenario: north's quarter, year by year
    Then north receives 250,000.00 from split in 2030
    And north receives 500,000.00 from split in 2031
    And north receives 750,000.00 from split in 2032
    And north receives 1,500,000.00 from split in total

  Scenario: south's three quarters
    Then south has received 2,250,000.00 from split by 2031
    And south's net total is 4,500,000.00
"""

PASSING_ZH = """# language: zh-CN
功能: 一比三分享
  背景:
    假如 待审计的合同

  场景: 南方区第三年
    那么 south在2032年从split分得2,250,000.00元
    而且 north从split共分得150万元
"""

FAILING = """Feature: a wrong figure <script>alert(1)</script>
  Background:
    Given the contract under audit

  Scenario: north is said to get 300,000.00 in the first year
    Then north receives 300,000.00 from split in 2030

  Scenario: the last year is right
    Then north receives 750,000.00 from split in 2032
"""


def _audit_scenario(client) -> int:
    from webhelpers import DATA

    return save(client, form_doc(DATA / "audit-upload.yaml"), "上传审计")


def _upload(client, sid: int, text: str | bytes, name: str = "checks.feature", lang="en"):
    import io

    from webhelpers import csrf_token

    token = csrf_token(client, f"/scenarios/{sid}")
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(f"/scenarios/{sid}/audit?lang={lang}",
                       data={"csrf_token": token, "feature": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _scenario_rows(html: str) -> list[tuple[str, str]]:
    from html import unescape

    return [(s, unescape(n)) for s, n in re.findall(r'<tbody class="audit-scenario" data-status="([^"]+)"[^>]*>\s*'
                      r'<tr[^>]*>\s*<th scope="rowgroup"[^>]*>([^<]*)', html)]


def test_the_saved_scenario_page_has_the_feature_upload_form(client):
    sid = _audit_scenario(client)
    html = client.get(f"/scenarios/{sid}?lang=en").data.decode()
    form = re.search(r'<section id="audit-upload">.*?</section>', html, re.S).group(0)
    assert f'action="/scenarios/{sid}/audit"' in form
    assert 'enctype="multipart/form-data"' in form and 'name="csrf_token"' in form
    assert 'name="feature"' in form
    zh = client.get(f"/scenarios/{sid}?lang=zh_CN").data.decode()
    assert "运行审计" in zh


def test_a_passing_feature(client, app):
    sid = _audit_scenario(client)
    r = _upload(client, sid, PASSING)
    assert r.status_code == 200, r.data.decode()[-2000:]
    html = r.data.decode()
    assert 'data-passed="true"' in html and "Audit passed" in html
    assert _scenario_rows(html) == [("passed", "north's quarter, year by year "),
                                    ("passed", "south's three quarters ")]
    assert re.search(r'<td class="num expected">1,500,000.00</td>\s*'
                     r'<td class="num actual">1,500,000.00</td>', html)
    rows = _log_rows(app)
    assert rows[-1]["action"] == "audit"
    assert json.loads(rows[-1]["detail"])["passed"] is True


def test_a_passing_feature_in_chinese(client):
    sid = _audit_scenario(client)
    html = _upload(client, sid, PASSING_ZH, "检查.feature", lang="zh_CN").data.decode()
    assert 'data-passed="true"' in html and "审计通过" in html
    assert _scenario_rows(html) == [("passed", "南方区第三年 ")]
    assert "通过" in html


def test_a_failing_feature_shows_actual_next_to_expected(client):
    sid = _audit_scenario(client)
    r = _upload(client, sid, FAILING)
    assert r.status_code == 200
    html = r.data.decode()
    assert 'data-passed="false"' in html and "Audit failed." in html
    assert [s for s, _n in _scenario_rows(html)] == ["failed", "passed"]
    assert re.search(r'<tr class="step step-failed">.*?'
                     r'<td class="num expected">300,000.00</td>\s*'
                     r'<td class="num actual">250,000.00 \(difference -50,000.00\)</td>',
                     html, re.S)
    assert "<script>alert(1)</script>" not in html
    zh = _upload(client, sid, FAILING, lang="zh_CN").data.decode()
    assert "审计未通过" in zh and "未通过" in zh


def test_the_feature_upload_is_csrf_protected_and_size_limited(app):
    import io

    from web import create_app

    client = app.test_client()
    sid = _audit_scenario(client)
    from webhelpers import csrf_token

    token = csrf_token(client, f"/scenarios/{sid}")
    big = b"Feature: x\n" + b"# padding\n" * 30000
    r = client.post(f"/scenarios/{sid}/audit?lang=en",
                    data={"csrf_token": token, "feature": (io.BytesIO(big), "big.feature")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "larger than 256 KiB" in r.data.decode()
    r = client.post(f"/scenarios/{sid}/audit?lang=en",
                    data={"csrf_token": token, "feature": (io.BytesIO(b"x"), "x.txt")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "ends in .feature" in r.data.decode()
    r = client.post(f"/scenarios/{sid}/audit?lang=en",
                    data={"csrf_token": token, "feature": (
                        io.BytesIO(b"Feature: f\n  Scenario: s\n    Given the contract file "
                                   b"/etc/passwd\n"), "f.feature")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "cannot read contract files" in r.data.decode()
    outline = (b"Feature: f\n  Scenario Outline: s\n    Given <s> <p>\n\n    Examples:\n"
               b"      | s | p |\n      | the contract file | /etc/passwd |\n")
    r = client.post(f"/scenarios/{sid}/audit?lang=en",
                    data={"csrf_token": token, "feature": (io.BytesIO(outline), "o.feature")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "cannot read contract files" in r.data.decode()
    zh = "# language: zh-CN\n功能: f\n  场景: s\n    假如 合同文件/etc/passwd\n".encode()
    r = client.post(f"/scenarios/{sid}/audit?lang=zh_CN",
                    data={"csrf_token": token, "feature": (io.BytesIO(zh), "z.feature")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "不能读取服务器上的合同文件" in r.data.decode()
    csrf_app = create_app({"SECRET_KEY": "csrf",
                           "DATABASE_URL": app.config["DATABASE_URL"]})
    try:
        r = csrf_app.test_client().post(
            f"/scenarios/{sid}/audit", data={"feature": (io.BytesIO(PASSING.encode()),
                                                         "a.feature")},
            content_type="multipart/form-data")
        assert r.status_code == 400
        assert "Audit passed" not in r.data.decode()
    finally:
        csrf_app.extensions["sharing_db"].dispose()
