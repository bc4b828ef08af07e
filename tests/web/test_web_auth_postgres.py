"""Sign-in and rights on PostgreSQL (issue 19, point 3): the users and api_tokens tables,
the scenario owner and the audit log's user column through the same migrations."""

from __future__ import annotations

import json
import re

from sqlalchemy import text
from webhelpers import bth_example, form_doc

PASSWORD = "correct horse"


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get(url).data.decode()).group(1)


def _sign_in(app, name: str):
    client = app.test_client()
    r = client.post("/login", data={"csrf_token": _token(client, "/login"), "name": name,
                                    "password": PASSWORD})
    assert r.status_code == 303
    return client


def test_sign_in_and_rights_on_postgresql(postgres_url):
    from sharing.audit import log
    from web import create_app, storage, users

    engine = storage.make_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"TESTING": True, "SECRET_KEY": "pg", "DATABASE_URL": postgres_url,
                      "AUTH_MODE": "required"})
    db = app.extensions["sharing_db"]
    for name in ("fo1", "fo2"):
        users.add_user(db, name, "finance_officer", PASSWORD)
    fo1, fo2 = _sign_in(app, "fo1"), _sign_in(app, "fo2")
    r = fo1.post("/scenarios", data={"csrf_token": _token(fo1, "/form"), "name": "PG 方案",
                                     "document": json.dumps(form_doc(bth_example()))})
    assert r.status_code == 303
    sid = int(r.headers["Location"].rsplit("/", 1)[1])
    r = fo2.post(f"/scenarios/{sid}/delete", data={"csrf_token": _token(fo2, "/form")})
    assert r.status_code == 403
    assert storage.get_scenario(db, sid).owner_id == users.get_by_name(db, "fo1").id
    token = users.create_token(db, "fo2")
    assert users.user_for_token(db, token).name == "fo2"
    assert [(r["action"], r["user"]) for r in log.rows(db) if r["action"] == "save"] == [
        ("save", "fo1")]
    db.dispose()
