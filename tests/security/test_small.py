"""The small findings of issue 19 (point 4): open redirects through ``next``, the modes of the
instance folder and the database file, and the CLI's errors for paths it cannot use."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "gdp-indicator-split.yaml"

EVIL = ["/\t/evil.example/x", "/\n/evil.example/x", "/\r/evil.example/x", "//evil.example/x",
        "/\\evil.example/x", "\\\\evil.example/x", "https://evil.example/x",
        "http:/evil.example", "javascript:alert(1)", "/%09/evil.example", "evil.example",
        " //evil.example", "/\x00/evil.example", "/\x7f/evil.example", "///evil.example",
        "/nowhere-in-this-app"]


def _token(client) -> str:
    html = client.get("/form").data.decode()
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def saved(client) -> int:
    doc = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    r = client.post("/scenarios", data={"csrf_token": _token(client), "name": "s",
                                        "document": json.dumps(doc, ensure_ascii=False)})
    assert r.status_code == 303
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def _location_after_rename(client, sid: int, target: str) -> str:
    r = client.post(f"/scenarios/{sid}/rename",
                    data={"csrf_token": _token(client), "name": "t", "next": target})
    assert r.status_code == 303
    return r.headers["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_next_never_leaves_the_app(client, saved, target):
    loc = _location_after_rename(client, saved, target)
    assert loc == "/scenarios", loc


def test_next_keeps_a_path_of_the_app(client, saved):
    assert _location_after_rename(client, saved, f"/scenarios/{saved}?x=1") == \
        f"/scenarios/{saved}?x=1"


def test_database_file_and_instance_folder_are_private(tmp_path):
    from web import create_app

    db = tmp_path / "new" / "web.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{db}"})
    try:
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(os.stat(app.instance_path).st_mode) & 0o077 == 0
    finally:
        app.extensions["sharing_db"].dispose()


@pytest.mark.parametrize("output", ["/nonexistent/dir/x.json", "/dev/full"])
def test_cli_output_path_errors_exit_2(capsys, output):
    from sharing.cli import main

    assert main(["run", str(EXAMPLE), "-o", output]) == 2
    err = capsys.readouterr().err
    assert output in err and "internal error" not in err and "bug" not in err


def test_cli_unreadable_input_exit_2(capsys, tmp_path):
    from sharing.cli import main

    assert main(["run", str(tmp_path)]) == 2
    assert "internal error" not in capsys.readouterr().err


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "park.example"])
def test_serve_refuses_a_network_address_open(monkeypatch, capsys, host):
    """Beyond this machine sign-in is required (issue 19, point 3): asked to run open there
    (SHARING_AUTH=local), web.serve refuses before anything is built or bound."""
    from web import serve

    monkeypatch.setenv("SHARING_AUTH", "local")
    monkeypatch.setattr(serve, "build_app", lambda: pytest.fail("the app was built"))
    assert serve.main(["--host", host]) == 2
    assert f"refusing to listen on {host}" in capsys.readouterr().err


def test_loopback_addresses():
    from web.serve import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "park.example"))
