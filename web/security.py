"""CSRF protection on every form, and headers that keep hostile input inert.

Every HTML form carries a CSRF token (Flask-WTF's ``CSRFProtect``). The JSON API under
``/api`` is exempt: it reads no cookie and no session, changes nothing stored, and accepts
only ``application/json`` or ``application/yaml`` bodies, which a page on another site cannot
send without a CORS preflight that this app never grants (docs/web.md, "CSRF").
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

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
