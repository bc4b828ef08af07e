"""Users, roles and sign-in (issue 19, point 3), on a real SQLite database.

The app runs in both modes through ``create_app(test_config)``: ``AUTH_MODE="required"``
(what web.serve sets off loopback) and the default local mode.
"""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "gdp-indicator-split.yaml"
PASSWORD = "correct horse"
USERS = {"boss": "admin", "fo1": "finance_officer", "fo2": "finance_officer",
         "neg": "negotiator", "aud": "auditor"}


def _doc() -> dict:
    return yaml.safe_load(EXAMPLE.read_text("utf-8"))


def _token(client, url: str = "/login") -> str:
    html = client.get(url).data.decode()
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _make_app(tmp_path, **config):
    from web import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "test",
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}", **config})


@pytest.fixture
def secure(tmp_path):
    from web import users

    app = _make_app(tmp_path, AUTH_MODE="required")
    for name, role in USERS.items():
        users.add_user(app.extensions["sharing_db"], name, role, PASSWORD)
    yield app
    app.extensions["sharing_db"].dispose()


def _sign_in(app, name: str, password: str = PASSWORD, client=None, **headers):
    client = client or app.test_client()
    r = client.post("/login", data={"csrf_token": _token(client), "name": name,
                                    "password": password, "next": "/scenarios"},
                    headers=headers)
    return client, r


def _client(app, name: str):
    client, r = _sign_in(app, name)
    assert r.status_code == 303 and r.headers["Location"] == "/scenarios", r.data[:300]
    return client


def _save(client, name: str) -> int:
    r = client.post("/scenarios", data={"csrf_token": _token(client, "/form"), "name": name,
                                        "document": json.dumps(_doc(), ensure_ascii=False)})
    assert r.status_code == 303, r.data[:500]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def _post(client, url: str, **data):
    return client.post(url, data={"csrf_token": _token(client, "/form"), **data})


def _log_rows(app) -> list[dict]:
    from sharing.audit import log

    return log.rows(app.extensions["sharing_db"])


# ---- required mode: anonymous visitors ------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/scenarios", "/scenarios/1", "/form", "/audit",
                                 "/negotiate/sweep", "/compare", "/logout"])
def test_anonymous_pages_redirect_to_login(secure, url):
    r = secure.test_client().get(url)
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=")
    assert url.split("?")[0] in r.headers["Location"].replace("%2F", "/")


def test_anonymous_post_changes_nothing(secure):
    fo1 = _client(secure, "fo1")
    sid = _save(fo1, "kept")
    anon = secure.test_client()
    r = anon.post(f"/scenarios/{sid}/delete", data={"csrf_token": _token(anon)})
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    assert fo1.get(f"/scenarios/{sid}").status_code == 200


def test_login_page_in_both_languages(secure):
    client = secure.test_client()
    zh = client.get("/login", headers={"Accept-Language": "zh-CN"}).data.decode()
    en = client.get("/login?lang=en").data.decode()
    assert "用户名" in zh and "密码" in zh and "登录" in zh
    assert "User name" in en and "Password" in en


def test_login_without_csrf_token_is_refused(secure):
    r = secure.test_client().post("/login", data={"name": "fo1", "password": PASSWORD})
    assert r.status_code == 400


def test_right_password_signs_in_and_the_header_names_the_user(secure):
    client = _client(secure, "fo1")
    page = client.get("/scenarios", headers={"Accept-Language": "zh-CN"}).data.decode()
    assert "已登录：fo1（财务人员）" in page and "退出登录" in page
    en = client.get("/scenarios?lang=en").data.decode()
    assert "Signed in as fo1 (Finance officer)" in en


def test_wrong_password_refused_logged_and_rate_limited_on_the_sixth_try(secure, caplog):
    client = secure.test_client()
    caplog.set_level(logging.WARNING, logger=secure.logger.name)
    for _ in range(5):
        _c, r = _sign_in(secure, "fo1", "wrong password", client=client,
                         **{"Accept-Language": "zh-CN"})
        assert r.status_code == 401
        page = r.data.decode()
        assert "用户名或密码不正确" in page and 'value="fo1"' in page  # the name is kept
    failures = [rec for rec in caplog.records if "sign-in failed for user 'fo1'" in
                rec.getMessage()]
    assert len(failures) == 5
    # the sixth try is refused even with the right password
    _c, r = _sign_in(secure, "fo1", client=client, **{"Accept-Language": "zh-CN"})
    assert r.status_code == 429
    assert "登录失败次数过多" in r.data.decode()
    assert client.get("/scenarios").status_code == 302  # not signed in
    # another user name from the same address is not held up by fo1's failures
    _c, r = _sign_in(secure, "fo2", client=secure.test_client())
    assert r.status_code == 303


def test_success_does_not_count_against_the_limit(secure):
    for _ in range(7):
        _c, r = _sign_in(secure, "fo1")
        assert r.status_code == 303


def test_unknown_user_refused_like_a_wrong_password(secure):
    _c, r = _sign_in(secure, "nobody")
    assert r.status_code == 401


def test_session_lasts_eight_hours_and_logout_ends_it(secure):
    assert secure.permanent_session_lifetime == timedelta(hours=8)
    client, r = _sign_in(secure, "fo1")
    assert "Expires=" in r.headers["Set-Cookie"]
    assert client.get("/scenarios").status_code == 200
    assert client.get("/logout").status_code == 200
    r = client.post("/logout", data={"csrf_token": _token(client, "/scenarios")})
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    assert client.get("/scenarios").status_code == 302


def test_a_password_reset_ends_the_users_sessions(secure):
    from web import users

    client = _client(secure, "fo1")
    users.set_password(secure.extensions["sharing_db"], "fo1", "another password")
    assert client.get("/scenarios").status_code == 302
    _c, r = _sign_in(secure, "fo1", "another password")
    assert r.status_code == 303


def test_a_removed_user_cannot_sign_in(secure):
    from web import users

    client = _client(secure, "fo2")
    users.remove_user(secure.extensions["sharing_db"], "fo2")
    assert client.get("/scenarios").status_code == 302
    _c, r = _sign_in(secure, "fo2")
    assert r.status_code == 401


def test_login_next_is_kept_only_for_paths_of_this_app(secure):
    client = secure.test_client()
    r = client.post("/login", data={"csrf_token": _token(client), "name": "fo1",
                                    "password": PASSWORD, "next": "//evil.example/x"})
    assert r.status_code == 303 and r.headers["Location"] == "/"


# ---- rights on saved scenarios ----------------------------------------------------------

def test_an_officer_cannot_change_another_officers_scenario_but_can_his_own(secure):
    fo1, fo2 = _client(secure, "fo1"), _client(secure, "fo2")
    theirs = _save(fo1, "fo1 的方案")
    mine = _save(fo2, "fo2 的方案")
    # not shared: fo2 neither sees nor opens fo1's scenario
    assert "fo1 的方案" not in fo2.get("/scenarios").data.decode()
    r = fo2.get(f"/scenarios/{theirs}", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 403 and "属于另一位用户" in r.data.decode()
    assert fo2.get(f"/form?scenario={theirs}").status_code == 403
    for action, data in [("rename", {"name": "taken"}), ("delete", {}),
                         ("update", {"document": json.dumps(_doc())}),
                         ("share", {"shared": "1"})]:
        r = _post(fo2, f"/scenarios/{theirs}/{action}", **data)
        assert r.status_code == 403, action
    # fo1 shares it: fo2 reads it, and still may not rename or delete it
    assert _post(fo1, f"/scenarios/{theirs}/share", shared="1").status_code == 303
    assert fo2.get(f"/scenarios/{theirs}").status_code == 200
    assert "fo1 的方案" in fo2.get("/scenarios").data.decode()
    r = _post(fo2, f"/scenarios/{theirs}/rename", name="taken")
    assert r.status_code == 403
    assert "只有保存此方案的用户" in fo2.post(
        f"/scenarios/{theirs}/delete", data={"csrf_token": _token(fo2, "/form")},
        headers={"Accept-Language": "zh-CN"}).data.decode()
    # a copy of a shared scenario is fo2's own
    r = _post(fo2, f"/scenarios/{theirs}/duplicate", name="fo2 的副本")
    assert r.status_code == 303
    # his own: rename and delete work
    assert _post(fo2, f"/scenarios/{mine}/rename", name="改名").status_code == 303
    assert _post(fo2, f"/scenarios/{mine}/delete").status_code == 303
    names = fo1.get("/scenarios").data.decode()
    assert "fo1 的方案" in names and "taken" not in names
    assert fo2.get(f"/scenarios/{mine}").status_code == 404


def test_an_admin_changes_anyones_scenario(secure):
    fo1, boss = _client(secure, "fo1"), _client(secure, "boss")
    sid = _save(fo1, "fo1 的方案")
    assert boss.get(f"/scenarios/{sid}").status_code == 200
    assert _post(boss, f"/scenarios/{sid}/rename", name="boss 改").status_code == 303
    assert "boss 改" in fo1.get("/scenarios").data.decode()


def test_negotiation_pages_do_not_open_another_users_scenario(secure):
    fo1, neg = _client(secure, "fo1"), _client(secure, "neg")
    sid = _save(fo1, "fo1 私有")
    page = neg.get("/negotiate/sweep").data.decode()
    assert "fo1 私有" not in page
    r = neg.post("/negotiate/sweep", headers={"Accept-Language": "zh-CN"}, data={"csrf_token": _token(neg, "/negotiate/sweep"),
                                           "source": f"scenario:{sid}", "path1": "years",
                                           "values1": "3"})
    assert f"没有编号为 {sid} 的已保存方案" in r.data.decode()
    assert "fo1 私有" not in r.data.decode()


AUDITOR_REFUSED = ["/run", "/scenarios", "/scenarios/{sid}/update", "/scenarios/{sid}/rename",
                   "/scenarios/{sid}/duplicate", "/scenarios/{sid}/delete",
                   "/scenarios/{sid}/share"]


def test_an_auditor_reads_everything_and_changes_nothing(secure):
    fo1, fo2, aud = _client(secure, "fo1"), _client(secure, "fo2"), _client(secure, "aud")
    a, b = _save(fo1, "一号方案"), _save(fo2, "二号方案")
    listing = aud.get("/scenarios").data.decode()
    assert "一号方案" in listing and "二号方案" in listing
    assert f'action="/scenarios/{a}/delete"' not in listing  # no buttons he cannot use
    for sid in (a, b):
        assert aud.get(f"/scenarios/{sid}").status_code == 200
    assert aud.get(f"/compare?a={a}&b={b}").status_code == 200
    assert aud.get("/audit").status_code == 200
    before = len(_log_rows(secure))
    for route in AUDITOR_REFUSED:
        r = aud.post(route.format(sid=a), headers={"Accept-Language": "zh-CN"},
                     data={"csrf_token": _token(aud, "/form"), "name": "x", "shared": "1",
                           "document": json.dumps(_doc(), ensure_ascii=False)})
        assert r.status_code == 403, route
        assert "审计人员可以查看所有方案和审计日志，但不能更改任何内容" in r.data.decode()
    listing = fo1.get("/scenarios").data.decode()
    assert "一号方案" in listing and ">x<" not in listing
    assert len(_log_rows(secure)) == before  # nothing was recorded either
    # reading and checking stay open to him: verify a checkpoint, download YAML
    r = aud.post("/audit/verify", data={"csrf_token": _token(aud, "/audit"),
                                        "checkpoint_text": "not json"})
    assert r.status_code == 400  # refused as "not a checkpoint", not as a change


def test_each_log_row_names_its_user(secure):
    from web import users

    fo1, fo2 = _client(secure, "fo1"), _client(secure, "fo2")
    sid = _save(fo1, "A")
    _save(fo2, "B")
    _post(fo1, f"/scenarios/{sid}/rename", name="A2")
    token = users.create_token(secure.extensions["sharing_db"], "neg")
    r = secure.test_client().post("/api/run", data=EXAMPLE.read_bytes(),
                                  headers={"Authorization": f"Bearer {token}",
                                           "Content-Type": "application/yaml"})
    assert r.status_code == 200
    rows = [(r["action"], r["user"]) for r in _log_rows(secure)
            if r["action"] in ("save", "rename", "api_run")]
    assert rows == [("save", "fo1"), ("save", "fo2"), ("rename", "fo1"), ("api_run", "neg")]
    page = fo1.get("/audit").data.decode()
    assert "fo1" in page and "fo2" in page and "neg" in page


# ---- API tokens -------------------------------------------------------------------------

def test_api_token_works_and_a_bad_token_is_401(secure):
    from web import users

    engine = secure.extensions["sharing_db"]
    token = users.create_token(engine, "fo1")
    client = secure.test_client()
    body = EXAMPLE.read_bytes()
    ok = client.post("/api/validate", data=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/yaml"})
    assert ok.status_code == 200 and ok.json["valid"] is True
    bad = client.post("/api/validate", data=body, headers={
        "Authorization": "Bearer sk_not-a-token", "Content-Type": "application/yaml",
        "Accept-Language": "zh-CN"})
    assert bad.status_code == 401 and bad.headers["WWW-Authenticate"] == "Bearer"
    assert bad.json["message"] == "API 令牌无效。"
    none = client.post("/api/run", data=body, headers={"Content-Type": "application/yaml"})
    assert none.status_code == 401 and none.json["status"] == 401
    # the token is stored as its SHA-256 only
    from sqlalchemy import select

    with engine.connect() as conn:
        stored = [r.token_sha256 for r in conn.execute(select(users.api_tokens))]
    assert stored == [users.sha256(token)] and token not in stored
    # a token does not open the pages (they need a session and a CSRF token)
    assert client.get("/scenarios", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 302


def test_api_with_a_session_works(secure):
    client = _client(secure, "fo1")
    r = client.post("/api/validate", data=EXAMPLE.read_bytes(),
                    headers={"Content-Type": "application/yaml"})
    assert r.status_code == 200


def test_an_auditors_token_validates_but_does_not_run(secure):
    from web import users

    token = users.create_token(secure.extensions["sharing_db"], "aud")
    h = {"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"}
    client = secure.test_client()
    assert client.post("/api/validate", data=EXAMPLE.read_bytes(), headers=h).status_code == 200
    r = client.post("/api/run", data=EXAMPLE.read_bytes(), headers=h)
    assert r.status_code == 403 and r.json["status"] == 403


# ---- local mode -------------------------------------------------------------------------

def test_local_mode_needs_no_password_and_says_so(tmp_path):
    app = _make_app(tmp_path)
    client = app.test_client()
    for url in ("/", "/scenarios", "/form", "/audit", "/negotiate/sweep"):
        r = client.get(url, headers={"Accept-Language": "zh-CN"})
        assert r.status_code == 200, url
        assert "本机模式" in r.data.decode() and "“local”（管理员）" in r.data.decode()
    en = client.get("/?lang=en").data.decode()
    assert "Local mode: this app runs for this machine only" in en
    sid = _save(client, "本机方案")
    assert _post(client, f"/scenarios/{sid}/rename", name="改名").status_code == 303
    rows = [(r["action"], r["user"]) for r in _log_rows(app) if r["action"] in
            ("save", "rename")]
    assert rows == [("save", "local"), ("rename", "local")]
    from web import storage, users

    local = users.get_by_name(app.extensions["sharing_db"], "local")
    assert storage.get_scenario(app.extensions["sharing_db"], sid).owner_id == local.id
    # the API needs no token either
    r = client.post("/api/validate", data=EXAMPLE.read_bytes(),
                    headers={"Content-Type": "application/yaml"})
    assert r.status_code == 200
    app.extensions["sharing_db"].dispose()


def test_the_local_user_cannot_sign_in_with_a_password(secure):
    _c, r = _sign_in(secure, "local", "")
    assert r.status_code in (400, 401)
    _c, r = _sign_in(secure, "local", "anything at all")
    assert r.status_code == 401


def test_an_unknown_auth_mode_is_refused(tmp_path):
    with pytest.raises(ValueError, match="AUTH_MODE"):
        _make_app(tmp_path, AUTH_MODE="open")


# ---- web.serve ---------------------------------------------------------------------------

def test_serve_requires_sign_in_off_loopback(monkeypatch, capsys, tmp_path):
    """On 0.0.0.0 the app is built in required mode; with no administrator who can sign in
    it refuses to start (and says how to make one)."""
    from web import serve

    monkeypatch.setenv("SHARING_AUTH", "x")  # recorded, so what serve sets is undone after
    monkeypatch.delenv("SHARING_AUTH")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    monkeypatch.setenv("SHARING_AUDIT_DIR", str(tmp_path / "audit"))
    built = {}

    def build():
        from web import create_app

        built["app"] = create_app()
        return built["app"]

    monkeypatch.setattr(serve, "build_app", build)
    assert serve.main(["--host", "0.0.0.0"]) == 2
    assert "sharing users add --role admin NAME" in capsys.readouterr().err
    app = built["app"]
    assert app.config["AUTH_MODE"] == "required"
    from web import users

    users.add_user(app.extensions["sharing_db"], "boss", "admin", PASSWORD)
    assert serve.check_signed_in_app(app, "0.0.0.0") is None
    app.config["AUTH_MODE"] = "local"
    assert "without sign-in" in serve.check_signed_in_app(app, "0.0.0.0")
    app.extensions["sharing_db"].dispose()


# ---- sharing users -----------------------------------------------------------------------

@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("SHARING_AUDIT_DIR", str(tmp_path / "audit"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    return tmp_path


def _cli(monkeypatch, *argv: str, stdin: str = "") -> int:
    from sharing.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["users", *argv])


def test_users_cli(cli_db, monkeypatch, capsys):
    from web import create_app, users

    assert _cli(monkeypatch, "add", "--role", "admin", "boss", "--password-stdin",
                stdin=PASSWORD + "\n") == 0
    assert "added user “boss” (Administrator)" in capsys.readouterr().out
    assert _cli(monkeypatch, "add", "fo1", "--password-stdin", stdin=PASSWORD + "\n") == 0
    capsys.readouterr()
    assert _cli(monkeypatch, "list") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[0] == "local" and "no password" in out[0]
    assert out[1].split() == ["boss", "Administrator"]
    assert out[2].split() == ["fo1", "Finance", "officer"]
    # refusals: exit 2, one line, no traceback
    assert _cli(monkeypatch, "add", "boss", "--password-stdin", stdin=PASSWORD + "\n") == 2
    assert "there is already a user “boss”" in capsys.readouterr().err
    assert _cli(monkeypatch, "add", "x", "--password-stdin", stdin="short\n") == 2
    assert "at least 8 characters" in capsys.readouterr().err
    assert _cli(monkeypatch, "add", "a b", "--password-stdin", stdin=PASSWORD + "\n") == 2
    assert "is not a user name" in capsys.readouterr().err
    assert _cli(monkeypatch, "remove", "nobody") == 2
    assert "there is no user “nobody”" in capsys.readouterr().err
    assert _cli(monkeypatch, "remove", "local") == 2
    # a token, printed once, works on the API
    assert _cli(monkeypatch, "token", "fo1") == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("sk_") and len(token) > 40
    assert _cli(monkeypatch, "reset-password", "fo1", "--password-stdin",
                stdin="new password 2\n") == 0
    app = create_app({"TESTING": True, "AUTH_MODE": "required"})
    engine = app.extensions["sharing_db"]
    assert users.authenticate(engine, "fo1", "new password 2").name == "fo1"
    assert users.authenticate(engine, "fo1", PASSWORD) is None
    assert users.user_for_token(engine, token).name == "fo1"
    engine.dispose()
    assert _cli(monkeypatch, "remove", "fo1") == 0
    capsys.readouterr()
    assert users.user_for_token(engine, token) is None
    assert users.authenticate(engine, "fo1", "new password 2") is None
    engine.dispose()


def test_users_cli_speaks_chinese(cli_db, monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert _cli(monkeypatch, "add", "--role", "auditor", "shen", "--password-stdin",
                stdin=PASSWORD + "\n") == 0
    assert "已添加用户“shen”（审计人员）" in capsys.readouterr().out
    assert _cli(monkeypatch, "remove", "nobody") == 2
    assert "没有用户“nobody”" in capsys.readouterr().err


def test_passwords_are_argon2id_hashes(secure):
    from sqlalchemy import select

    from web import users

    with secure.extensions["sharing_db"].connect() as conn:
        hashes = [r.password_hash for r in conn.execute(
            select(users.users).where(users.users.c.name == "fo1"))]
    assert hashes[0].startswith("$argon2id$") and PASSWORD not in hashes[0]
