"""The production server of ./scripts/serve (``python -m web.serve``: gunicorn, pre-forked
sync workers), started as the README's first command starts it."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time

import pytest
from webhelpers import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
               SECRET_KEY="test", PYTHONPATH=str(ROOT))
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "web.serve", "--port", str(port),
                             "--workers", "2"], cwd=tmp_path, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 1):
                break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    yield port, tmp_path / "server.log"
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


def _get(port: int, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def test_the_home_page_lists_the_examples(served):
    port, log = served
    status, page = _get(port, "GET", "/", headers={"Accept-Language": "en"})
    assert status == 200, log.read_text()
    assert "Beijing" in page.decode() or "京津冀" in page.decode()
    assert "gunicorn: 2 worker(s)" in log.read_text()


def test_a_ten_megabyte_upload_gets_the_apps_message_not_a_reset(served):
    """A sync worker closes the connection after its answer; unread upload bytes would make
    the kernel reset it. The server reads an oversize body to the end before answering."""
    port, _log = served
    boundary = "sharing-boundary"
    content = b"x" * (10 * 1024 * 1024)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"big.yaml\"\r\nContent-Type: application/yaml\r\n\r\n").encode() \
        + content + f"\r\n--{boundary}--\r\n".encode()
    status, page = _get(port, "POST", "/form/upload", body,
                        {"Content-Type": f"multipart/form-data; boundary={boundary}",
                         "Accept-Language": "en"})
    assert status == 413
    assert b"<title>" in page and b"MB" in page
