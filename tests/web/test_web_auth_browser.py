"""Sign-in and rights in a real browser (issue 19 point 3): Playwright driving Debian's
headless Chromium against the app in ``required`` mode, as on a shared network.

A finance officer is sent to the sign-in page, is refused with a wrong password, signs in,
saves a scenario from the form and shares it; a second officer sees the shared scenario but
gets no rename, share or delete button for it, and the server refuses a delete he forges; an
auditor reads every scenario and the audit log, each row naming its user, and has no button
that changes anything.
"""

from __future__ import annotations

import pytest
from webhelpers import LiveServer, bth_example

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def secure_server(tmp_path_factory):
    from web import create_app, users

    folder = tmp_path_factory.mktemp("secure")
    app = create_app({"SECRET_KEY": "browser-auth", "AUTH_MODE": "required",
                      "DATABASE_URL": f"sqlite:///{folder / 'secure.sqlite3'}"})
    for name, role in (("fo1", "finance_officer"), ("fo2", "finance_officer"),
                       ("aud", "auditor")):
        users.add_user(app.extensions["sharing_db"], name, role, PASSWORD)
    server = LiveServer(app)
    yield server
    server.stop()
    app.extensions["sharing_db"].dispose()


def _context(browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(15000)
    return ctx, page


def _sign_in(page, url: str, name: str, password: str = PASSWORD) -> None:
    page.fill('#login-form input[name="name"]', name)
    page.fill('#login-form input[name="password"]', password)
    page.click('#login-form button[type="submit"]')


def _row(page, name: str):
    return page.locator("tr", has_text=name)


def test_sign_in_rights_and_the_log_in_chromium(browser, secure_server):
    url = secure_server.url
    ctx1, fo1 = _context(browser)
    fo1.goto(url + "/scenarios")
    assert "/login" in fo1.url  # nothing is shown before sign-in
    assert fo1.inner_text("h1") == "登录"
    _sign_in(fo1, url, "fo1", "wrong password")
    assert fo1.locator("#login-error").is_visible()
    assert "/login" in fo1.url
    _sign_in(fo1, url, "fo1")
    fo1.wait_for_url("**/scenarios")  # back where the officer was going
    assert "fo1" in fo1.inner_text("#who")

    fo1.goto(url + "/form?example=" + bth_example().stem)
    fo1.wait_for_selector('[data-input="clauses[0].id"]')
    fo1.fill('.toolbar input[name="name"]', "一号的方案")
    fo1.click("#save-button")
    fo1.wait_for_url("**/scenarios/*")
    sid = fo1.url.rsplit("/", 1)[1]
    fo1.goto(url + "/scenarios")
    row = _row(fo1, "一号的方案")
    assert row.locator("button.danger").count() == 1  # the owner may delete
    row.locator("button", has_text="与所有已登录用户共享").click()
    fo1.wait_for_url("**/scenarios*")

    ctx2, fo2 = _context(browser)
    fo2.goto(url + "/scenarios")
    _sign_in(fo2, url, "fo2")
    fo2.wait_for_url("**/scenarios")
    row = _row(fo2, "一号的方案")
    assert row.count() == 1  # shared: he reads it
    assert row.locator("button.danger").count() == 0  # but has no delete button
    assert row.locator("button", has_text="重命名").count() == 0
    # a delete forged with his own session and a valid CSRF token is refused
    token = fo2.locator('input[name="csrf_token"]').first.get_attribute("value")
    r = fo2.request.post(f"{url}/scenarios/{sid}/delete", form={"csrf_token": token},
                         max_redirects=0)
    assert r.status == 403
    fo2.goto(url + "/scenarios")
    assert _row(fo2, "一号的方案").count() == 1  # still there

    ctx3, aud = _context(browser)
    aud.goto(url + "/audit")
    _sign_in(aud, url, "aud")
    aud.wait_for_url("**/audit")
    users = aud.locator("#audit tbody tr td:nth-child(4)").all_inner_texts()
    assert users == ["fo1", "fo1"]  # the share and the save, each naming its user
    aud.goto(url + "/scenarios")
    row = _row(aud, "一号的方案")
    assert row.count() == 1
    assert row.locator("form").count() == 0  # no rename, duplicate, share or delete
    aud.goto(f"{url}/scenarios/{sid}")
    assert "一号的方案" in aud.inner_text("main")
    for ctx in (ctx1, ctx2, ctx3):
        ctx.close()
