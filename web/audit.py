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


def problem_text(p: log.Problem) -> str:
    """One problem in the page's language (the kinds of docs/audit.md)."""
    q = p.params
    texts = {
        "edited": lambda: _("row %(row)s was edited: its content no longer matches its hash",
                            row=p.row),
        "deleted": lambda: (_("row(s) %(rows)s were deleted: row %(next)s is chained to a "
                              "hash that is no longer in the log", rows=q["rows"],
                              next=q["next"]) if q.get("rows") else
                            _("row %(next)s is chained to a hash that is no longer in the log: "
                              "a row before it was deleted, or the row before it was changed "
                              "and re-hashed", next=q["next"])),
        "reordered": lambda: _("row %(row)s was moved: the table puts it at position "
                               "%(position)s, but the chain does not", row=p.row,
                               position=q["position"]),
        "rechained": lambda: _("rows %(rows)s have consistent hashes but no valid MAC: they "
                               "were re-hashed without the log's key (the chain was rewritten)",
                               rows=q["rows"]),
        "forged": lambda: _("rows %(rows)s have consistent hashes but no valid MAC: they were "
                            "appended without the log's key", rows=q["rows"]),
        "truncated": lambda: _("the log was truncated: the chain has %(n)s rows, but the "
                               "checkpoint of %(at)s records %(m)s; rows after row %(after)s "
                               "were removed", n=q["n"], m=q["m"], at=q["at"],
                               after=q["after"]),
        "emptied": lambda: _("the log was emptied: the table has no rows, but the checkpoint "
                             "of %(at)s records %(n)s", at=q["at"], n=q["n"]),
        "rewritten": lambda: _("the log was rewritten: row %(n)s of the chain is no longer the "
                               "one the checkpoint of %(at)s signed (now row %(row)s)",
                               n=q["n"], at=q["at"], row=q["row"]),
        "head_missing": lambda: _("the head noted earlier is not in the log: rows were "
                                  "deleted from its end"),
        "unprotected": lambda: _("the append-only triggers %(names)s are missing: someone with "
                                 "direct access to the database removed them",
                                 names=q["names"]),
        "checkpoint_invalid": lambda: _("the checkpoint's MAC does not verify with the log's "
                                        "key: it was altered, or made by another instance"),
        "witness_missing": lambda: _("the log has rows but its witness file is missing: "
                                     "restore it from the backup, or check the log against a "
                                     "kept checkpoint and run “sharing audit-log rewitness”"),
        "no_key": lambda: _("the log's key is not available: the MACs were not checked"),
    }
    make = texts.get(p.kind)
    return make() if make is not None else p.message


def action_label(action: str) -> str:
    """A log row's action as the page's reader says it (the code stays in the database, the
    CSV export and the CLI's ``--json``)."""
    labels = {
        "run": _("computed"), "api_run": _("computed through the API"), "save": _("saved"),
        "update": _("saved again"), "rename": _("renamed"), "duplicate": _("duplicated"),
        "delete": _("deleted"), "share": _("sharing changed"), "audit": _("audited"),
        "key_adopted": _("key adopted"), "key_rotated": _("key rotated"),
        "rewitness": _("new witness"),
    }
    return labels.get(action, action)


def detail_text(detail: str) -> str:
    """A row's detail (a JSON object) as "名称：一号的方案；方案：1": known keys named, values
    kept; anything else shown as stored."""
    import json

    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    keys = {
        "scenario": _("scenario"), "name": _("name"), "shared": _("shared"),
        "source": _("submitted from"), "feature": _("feature file"), "passed": _("passed"),
        "computed": _("newly computed"), "engine": _("engine"), "from": _("was"),
        "to": _("now"), "replaced": _("replaced an existing scenario"),
    }
    sources = {"form": _("the form"), "api": _("the JSON API")}
    yes, no = _("yes"), _("no")
    parts = []
    order = list(keys)  # the scenario first, then what was done to it
    for k in sorted(data, key=lambda k: (order.index(k) if k in order else len(order), k)):
        v = data[k]
        value = yes if v is True else no if v is False else v
        if k == "source":
            value = sources.get(v, v)
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        parts.append(_("%(key)s: %(value)s", key=keys.get(k, k), value=value))
    return _("; ").join(parts)


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
