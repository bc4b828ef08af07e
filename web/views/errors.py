"""Error pages: HTML for the pages, JSON for /api. One handler per kind of refusal."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _reply(status: int, title: str, message: str):
    if _wants_json():
        return {"error": title, "message": message, "status": status}, status
    return render_template("error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(RequestEntityTooLarge)
    def too_large(e):
        limit = app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
        size = request.content_length
        msg = _("The upload is %(size)s MB; the limit is %(limit)s MB. Contract files are "
                "small: check that this is the right file.",
                size=f"{size / (1024 * 1024):.1f}" if size else "?", limit=f"{limit:g}")
        return _reply(413, _("The request is too large"), msg)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _reply(400, _("The form has expired or did not come from this site"),
                      _("Go back, reload the page and submit again. (%(reason)s)",
                        reason=e.description))

    @app.errorhandler(HTTPException)
    def http_error(e):
        titles = {400: _("Bad request"), 401: _("Not signed in"), 403: _("Not allowed"),
                  404: _("Not found"), 405: _("Method not allowed"),
                  429: _("Too many requests"), 501: _("Not available")}
        title = titles.get(e.code or 500, e.name)
        desc = e.description if e.description and not e.description.startswith(
            ("The requested URL", "The method is not", "The browser (or proxy)",
             "You don't have the permission")) else ""
        return _reply(e.code or 500, title, desc or title)
