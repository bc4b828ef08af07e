"""The one place where every run and every save is recorded, and the /audit pages.

``record`` is called by the views after each run (form or API) and each change to a saved
scenario. It appends a row to the project's keyed, hash-chained audit log
(``sharing.audit.log``, table ``audit_log``) in the app's own database; ``sharing audit-log
verify`` checks it. Given the connection of the transaction that saves a scenario, the row is
written in that same transaction: the save and its row are kept or lost together.

``/audit`` shows the log, the full signed head and the result of verifying it against its
witness; an auditor can verify it against a checkpoint kept earlier (pasted or uploaded) and
download the current checkpoint. A log that does not verify is refused appends
(:class:`sharing.audit.log.LogRefused`): a run or save then answers 503 and points here.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    has_request_context,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.engine import Connection

from sharing.audit import log
from sharing.audit.logkey import Checkpoint

from . import storage

bp = Blueprint("audit", __name__)


def record(action: str, contract_sha256: str | None, result_sha256: str | None,
           detail: dict[str, Any] | str = "", conn: Connection | None = None,
           user: str | None = None) -> None:
    """Append one row: ``action`` is run, api_run, save, update, rename, duplicate, delete,
    or audit (a feature file run against a saved scenario); ``user`` is who: by default the
    request's user (web.auth: the signed-in user, or "local" in local mode)."""
    if user is None and has_request_context():
        from .auth import user_name

        user = user_name()
    log.append(conn if conn is not None else storage.db(), action, contract_sha256,
               result_sha256, detail, user=user)


def _lang() -> str:
    from .i18n import is_zh

    return "zh" if is_zh() else "en"


def problem_text(p: log.Problem) -> str:
    """One problem in the page's language (``Problem.text``, the kinds of docs/audit.md)."""
    return p.text(_lang())


def action_label(action: str) -> str:
    """A log row's action in the page's language (sharing.audit.log.action_text)."""
    return log.action_text(action, _lang())


def detail_text(detail: str) -> str:
    """A row's detail in the page's language (sharing.audit.log.detail_text)."""
    return log.detail_text(detail, _lang())


def _page(check: log.LogCheck, status: int = 200, checked_against: str | None = None,
          error: str | None = None) -> tuple[str, int]:
    engine = storage.db()
    refused = log._state(engine).refused
    return render_template(
        "audit.html", events=storage.audit_trail(engine, 200), check=check,
        problems=[(p, problem_text(p)) for p in check.problems],
        refused=refused is not None, checked_against=checked_against, error=error,
        action_label=action_label, detail_text=detail_text), status


@bp.get("/audit")
def audit_page():
    engine = storage.db()
    check = log.verify(engine)
    state = log._state(engine)
    if not check.ok:
        state.refused = check  # the app stops appending to a log that does not verify
    return _page(check)


@bp.get("/audit/checkpoint")
def download_checkpoint():
    cp = log.checkpoint(storage.db())
    resp = Response(cp.to_json(), mimetype="application/json")
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="audit-checkpoint-{cp.rows}-{cp.head[:12]}.json"')
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/audit/verify")
def verify_checkpoint():
    upload = request.files.get("checkpoint")
    raw: str | bytes = upload.read() if upload is not None and upload.filename else \
        request.form.get("checkpoint_text", "")
    try:
        cp = Checkpoint.parse(raw)
    except ValueError:
        return _page(log.verify(storage.db()), 400,
                     error=_("This is not a checkpoint: upload or paste the JSON file "
                             "downloaded from this page."))
    check = log.verify(storage.db(), checkpoint=cp)
    return _page(check, checked_against=cp.at)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.errorhandler(log.LogRefused)
    def refused(e: log.LogRefused):
        from .views.errors import _reply

        return _reply(503, _("The audit log does not verify"),
                      _("Nothing more is recorded, so nothing is run or saved, until the audit "
                        "log is resolved. See %(url)s.", url=url_for("audit.audit_page")))
