"""Helpers for the web tests (paths, documents, CSRF tokens, screenshots)."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = ROOT / "tests" / "artifacts"
EXAMPLES = ROOT / "examples"
CONFORMANCE = ROOT / "tests" / "conformance"
BIG = DATA / "thirty-years-every-clause.yaml"


def bth_example() -> Path:
    p = EXAMPLES / "bth-92hao-relocation.yaml"
    return p if p.exists() else CONFORMANCE / "02-beijing-baoding-92hao-wan.yaml"


def form_doc(path: Path) -> dict:
    """A contract file as the form holds it (numbers as the exact text written)."""
    from web.contracts import document_from_upload, form_document

    return form_document(document_from_upload(path.read_bytes(), path.name))


def csrf_token(client, url: str = "/form") -> str:
    html = client.get(url).data.decode()
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on " + url
    return m.group(1)


def post_contract(client, doc: dict | str, url: str = "/run", **extra):
    token = csrf_token(client)
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    return client.post(url, data={"csrf_token": token, "document": text, **extra})


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ---- a live server for the browser tests ------------------------------------------------------

class LiveServer:
    def __init__(self, app):
        from waitress.server import create_server

        self.app = app
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.server.effective_port), 1):
                    break
            except OSError:
                time.sleep(0.05)

    def stop(self):
        self.server.close()
