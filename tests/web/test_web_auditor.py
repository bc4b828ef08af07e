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
    page = client.get("/audit").data.decode()
    assert "save" in page and sha[:12] in page


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
        assert "no clause claims stream land_fee" in panel
        assert "没有任何条款认领" not in panel
    else:
        assert "静态检查" in panel
        assert "没有任何条款认领 land_fee" in panel
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
