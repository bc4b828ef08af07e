"""Fixtures for the web tests: app and client (SQLite in a tmp folder), CSRF tokens, a
real PostgreSQL server, a live waitress server and a headless Chromium for Playwright."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from webhelpers import BIG, LiveServer, form_doc  # noqa: E402


@pytest.fixture(autouse=True)
def _audit_folder(tmp_path, monkeypatch):
    """Each test's audit-log key and witness in its own folder: a witness left by another
    test (of a PostgreSQL database that was since emptied) would rightly refuse appends."""
    monkeypatch.setenv("SHARING_AUDIT_DIR", str(tmp_path / "audit"))
    monkeypatch.delenv("SHARING_AUDIT_KEY", raising=False)
    monkeypatch.delenv("SHARING_AUDIT_WITNESS", raising=False)


@pytest.fixture
def app(tmp_path):
    from web import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}"})
    yield app
    app.extensions["sharing_db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def big_doc() -> dict:
    return form_doc(BIG)


# ---- PostgreSQL --------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL server (Debian's package) on a unix socket in a tmp folder.

    A machine without PostgreSQL fails with the command that installs it (./scripts/test
    installs it); a developer leaves these tests out with -m "not postgres".
    """
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        pytest.fail("PostgreSQL is not installed: apt-get install -y postgresql "
                    "(./scripts/test does; -m 'not postgres' leaves these tests out)")
    bindir = Path(found[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="sharing-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the server as the postgres user
        shutil.chown(base, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = base / "data", base / "server.log"
    port = _free_port()
    subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U",
                             "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
                   check=True, capture_output=True)
    opts = f"-p {port} -k {base} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                             str(log), "-w", "-t", "60", "start"], check=True,
                   capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={base}&port={port}"
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


# ---- live server and browser -------------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from web import create_app

    folder = tmp_path_factory.mktemp("live")
    app = create_app({"SECRET_KEY": "browser-tests",
                      "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}"})
    server = LiveServer(app)
    yield server
    server.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: apt-get install -y chromium "
                    "(./scripts/test does; -m 'not browser' leaves these tests out)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    ctx = browser.new_context(locale="zh-CN", accept_downloads=True,
                              viewport={"width": 1366, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not errors, f"script errors in the page: {errors}"


