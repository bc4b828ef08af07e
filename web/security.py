"""CSRF protection on every form, and headers that keep hostile input inert.

Every HTML form carries a CSRF token (Flask-WTF's ``CSRFProtect``). The JSON API under
``/api`` is exempt: it is authorised by a bearer token (or a SameSite=Lax session cookie,
which a cross-site POST does not carry), changes no saved scenario, and accepts only
``application/json`` or ``application/yaml`` bodies, which a page on another site cannot
send without a CORS preflight that this app never grants (docs/web.md, "CSRF").
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

csrf = CSRFProtect()

#: No inline script may run: the pages' only scripts are files under /static, and data for
#: them travels in ``<script type="application/json">`` blocks, which are never executed.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    csrf.init_app(app)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path of this app to send the browser back to, else None.

    Parsed, not pattern-matched: no scheme, no host, no backslash (browsers read ``/\\x`` as
    ``//x``), no control character (a browser drops TAB and newlines, so ``/<TAB>/evil.example``
    becomes ``//evil.example``), and the path must be one of this app's GET routes.
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    return target


def private_folder(path: str | os.PathLike[str]) -> None:
    """Create a folder readable by its owner only (mode 0700), or narrow an existing one the
    app created; a folder someone else owns is left as it is."""
    p = Path(path)
    p.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if p.stat().st_uid == os.getuid():
            p.chmod(0o700)
    except OSError:  # pragma: no cover - a read-only mount
        pass


def private_file(path: str | os.PathLike[str]) -> None:
    """Create an empty file with mode 0600 if there is none (SQLite then keeps that mode for
    the database and gives its -wal/-shm files the same)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
