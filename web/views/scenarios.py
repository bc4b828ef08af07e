"""Saved scenarios: save, list, open, rename, duplicate, delete, compare two."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from .. import audit, auth, contracts, storage, users
from ..contracts import InvalidContract
from ..i18n import issue_dicts
from ..security import safe_next
from .common import FormInput, render_form
from .main import load_result, page_unit, page_url, results_context

bp = Blueprint("scenarios", __name__)


def _get(sid: int, change: bool = False) -> storage.Scenario:
    """The scenario, if the user may read it (``change``: and change it); else 404 or 403."""
    sc = storage.get_scenario(storage.db(), sid)
    if sc is None:
        abort(404, _("There is no saved scenario %(id)s.", id=sid))
    if change:
        auth.check_change(sc)
    else:
        auth.check_read(sc)
    return sc


def _name() -> str:
    return storage.clean_name(request.form.get("name", ""))


@bp.get("/scenarios")
def index():
    return render_template("scenarios.html", owners=users.names_by_id(storage.db()),
                           scenarios=storage.list_scenarios(storage.db(),
                                                            auth.reader_filter()))


@bp.post("/scenarios")
def save():
    """Save the form's contract (``document``) or an earlier run (``run``) under a name; a
    name already taken asks to replace the scenario or keep both (web.scenario_save)."""
    from .. import scenario_save

    name = _name()
    try:
        on_duplicate = scenario_save.choice(request.form.get("on_duplicate"))
    except scenario_save.BadChoice as e:
        abort(400, str(e))
    if sha := request.form.get("run"):
        doc, result = load_result(sha)
    else:
        posted = FormInput()
        if posted.doc is None:
            return render_form({}, posted.issues, status=422, yaml_text=posted.yaml_text)
        doc = posted.doc
        try:
            out = contracts.run_document(doc)
        except InvalidContract as e:
            return render_form(doc, issue_dicts(e.issues), status=422,
                               yaml_text=posted.yaml_text)
        sha, result = out.contract_sha256, out.result
    if not name:
        name = storage.clean_name(result.get("name") or _("Scenario"))
    done = scenario_save.save(name, doc, sha, result["result_sha256"], on_duplicate)
    if isinstance(done, list):  # the name is taken: ask, keeping everything posted
        kept = [(k, v) for k, v in request.form.items(multi=True)
                if k not in ("csrf_token", "on_duplicate", "name")]
        target = scenario_save.replaceable(done)
        return render_template("scenario_duplicate.html", name=name, existing=done,
                               target=target, kept=kept,
                               owners=users.names_by_id(storage.db()),
                               keep_name=scenario_save.free_name(name)), 409
    if done.replaced:
        flash(_("Replaced the saved scenario “%(name)s” with this contract.", name=done.name),
              "ok")
    elif on_duplicate == "keep_both":
        flash(_("Kept both: saved as “%(name)s”; “%(old)s” is unchanged.", name=done.name,
                old=name), "ok")
    else:
        flash(_("Saved as “%(name)s”.", name=done.name), "ok")
    return redirect(url_for("scenarios.show", sid=done.sid), code=303)


@bp.get("/scenarios/<int:sid>")
def show(sid: int):
    sc = _get(sid)
    try:
        out = contracts.run_document(sc.document)
    except InvalidContract as e:  # saved by an older engine that accepted it
        return render_form(sc.document, issue_dicts(e.issues), status=422, source=sc.name,
                           scenario=sc)
    ctx = results_context(out.contract_sha256, out.result, page_unit(sc.document), sc.document)
    return render_template("results.html", scenario=sc, **ctx)


#: Largest feature file accepted against a saved scenario (the app's own body limit is larger).
FEATURE_MAX_BYTES = 256 * 1024


#: Most steps a feature may run in one request, Scenario Outlines expanded with their
#: examples (AUDIT_MAX_STEPS): a 256 KiB outline with a long Examples table would otherwise
#: run hundreds of thousands of steps inside the request.
FEATURE_MAX_STEPS = 2_000


def _feature_steps(text: str) -> tuple[bool, int]:
    """(whether a step of the feature, as run, is ``Given the contract file …`` /
    ``假如 合同文件…``, which would read a file on the server; how many steps it runs).
    A feature Gherkin cannot parse runs no step, and its error is reported."""
    from gherkin.parser import Parser
    from gherkin.pickles.compiler import Compiler
    from gherkin.token_scanner import TokenScanner

    try:
        doc = Parser().parse(TokenScanner(text))
        doc["uri"] = "upload.feature"
        pickles = Compiler().compile(doc)
    except Exception:
        return False, 0
    steps = 0
    for pickle in pickles:
        for step in pickle["steps"]:
            steps += 1
            words = " ".join(step["text"].split()).lower()
            if words.startswith("the contract file") or words.startswith("合同文件"):
                return True, steps
    return False, steps


@bp.post("/scenarios/<int:sid>/audit")
def audit_feature(sid: int):
    """Run an uploaded ``.feature`` file against the saved scenario's contract
    (``sharing.audit.run_audit``): each scenario passed or failed, actual next to expected."""
    sc = _get(sid)
    f = request.files.get("feature")
    problem = None
    text = ""
    name = ""
    if f is None or not f.filename:
        problem = _("Choose a .feature file to run against this scenario.")
    else:
        name = Path(f.filename).name[:200]
        data = f.read(FEATURE_MAX_BYTES + 1)
        if not name.lower().endswith(".feature"):
            problem = _("A feature file's name ends in .feature.")
        elif len(data) > FEATURE_MAX_BYTES:
            problem = _("The feature file is larger than %(kb)s KiB.",
                        kb=FEATURE_MAX_BYTES // 1024)
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                problem = _("The feature file is not UTF-8 text.")
            reads_file, steps = _feature_steps(text) if text else (False, 0)
            max_steps = int(current_app.config.get("AUDIT_MAX_STEPS", FEATURE_MAX_STEPS))
            if reads_file:
                problem = _("A feature run in the web app audits the saved scenario, a preset "
                            "or a contract written inside it; it cannot read contract files "
                            "on the server.")
            elif steps > max_steps:
                problem = _("The feature file runs %(count)s steps; the web app runs at most "
                            "%(limit)s in one request (sharing audit on the command line "
                            "takes more).", count=f"{steps:,}", limit=f"{max_steps:,}")
    try:
        contract = contracts.validate_document(sc.document)
    except InvalidContract as e:
        return render_form(sc.document, issue_dicts(e.issues), status=422, source=sc.name,
                           scenario=sc)
    if problem is not None:
        return render_template("audit_run.html", scenario=sc, report=None, feature=name,
                               problem=problem), 400
    from sharing.audit import run_audit

    with tempfile.TemporaryDirectory(prefix="sharing-web-audit-") as empty:
        report = run_audit(contract, {name: text}, cwd=empty)
    audit.record("audit", report.contract_sha256, report.result_sha256,
                 {"scenario": sid, "feature": name,
                  "feature_sha256": report.feature_files[0]["sha256"] if report.feature_files
                  else None, "engine": report.engine_version, "passed": report.passed,
                  "summary": report.summary,
                  "contracts": sorted({(sc.contract or {}).get("contract_sha256") or ""
                                       for sc in report.scenarios} - {""})})
    return render_template("audit_run.html", scenario=sc, report=report, feature=name,
                           problem=None)


@bp.post("/scenarios/<int:sid>/update")
def update(sid: int):
    sc = _get(sid, change=True)
    posted = FormInput()
    if posted.doc is None:
        return render_form({}, posted.issues, status=422, scenario=sc)
    try:
        out = contracts.run_document(posted.doc)
    except InvalidContract as e:
        return render_form(posted.doc, issue_dicts(e.issues), status=422, source=sc.name,
                           scenario=sc)
    storage.update_scenario(storage.db(), sid, posted.doc, out.contract_sha256,
                            log=lambda conn, sid: audit.record(
                                "update", out.contract_sha256, out.result["result_sha256"],
                                {"scenario": sid}, conn))
    flash(_("Saved the changes to “%(name)s”.", name=sc.name), "ok")
    return redirect(url_for("scenarios.show", sid=sid), code=303)


@bp.post("/scenarios/<int:sid>/rename")
def rename(sid: int):
    sc = _get(sid, change=True)
    name = _name()
    if not name:
        flash(_("A name cannot be empty."), "error")
        return redirect(url_for("scenarios.index"), code=303)
    storage.rename_scenario(storage.db(), sid, name, log=lambda conn, sid: audit.record(
        "rename", sc.contract_sha256, None, {"scenario": sid, "from": sc.name, "to": name},
        conn))
    flash(_("Renamed to “%(name)s”.", name=name), "ok")
    target = safe_next(request.form.get("next"))
    return redirect(target or url_for("scenarios.index"), code=303)


@bp.post("/scenarios/<int:sid>/duplicate")
def duplicate(sid: int):
    sc = _get(sid)
    name = _name() or storage.clean_name(_("%(name)s (copy)", name=sc.name))
    owner = auth.user()
    new = storage.duplicate_scenario(storage.db(), sid, name, log=lambda conn, new: audit.record(
        "duplicate", sc.contract_sha256, None, {"scenario": new, "from": sid}, conn),
        owner_id=owner.id if owner is not None else None)
    if new is None:
        abort(404)
    flash(_("Duplicated as “%(name)s”.", name=name), "ok")
    return redirect(url_for("scenarios.index"), code=303)


@bp.post("/scenarios/<int:sid>/delete")
def delete(sid: int):
    sc = _get(sid, change=True)
    storage.delete_scenario(storage.db(), sid, log=lambda conn, sid: audit.record(
        "delete", sc.contract_sha256, None, {"scenario": sid, "name": sc.name}, conn))
    flash(_("Deleted “%(name)s”.", name=sc.name), "ok")
    return redirect(url_for("scenarios.index"), code=303)


@bp.post("/scenarios/<int:sid>/share")
def share(sid: int):
    """Share with every signed-in user (read only), or stop sharing: the owner's choice."""
    sc = _get(sid, change=True)
    shared = request.form.get("shared") == "1"
    storage.share_scenario(storage.db(), sid, shared, log=lambda conn, sid: audit.record(
        "share", sc.contract_sha256, None, {"scenario": sid, "shared": shared}, conn))
    flash(_("“%(name)s” is now shared with every signed-in user (they may read it).",
            name=sc.name) if shared else
          _("“%(name)s” is no longer shared.", name=sc.name), "ok")
    return redirect(url_for("scenarios.index"), code=303)


def _comparison(a_id: str | None, b_id: str | None):
    """(A, B, the comparison) of two saved scenarios the user may read; or a response."""
    from ..compare_export import comparison

    try:
        a, b = _get(int(a_id or "")), _get(int(b_id or ""))
    except ValueError:
        abort(404, _("There is no saved scenario %(id)s.", id=f"{a_id}, {b_id}"))
    outs = []
    for sc in (a, b):
        try:
            outs.append(contracts.run_document(sc.document))
        except InvalidContract as e:
            return None, render_form(sc.document, issue_dicts(e.issues), status=422,
                                     source=sc.name, scenario=sc)
    return (a, b, comparison(a.name, a.document, outs[0].result, b.name, b.document,
                             outs[1].result)), None


@bp.get("/compare")
def compare():
    all_sc = storage.list_scenarios(storage.db(), auth.reader_filter())
    a_id, b_id = request.args.get("a"), request.args.get("b")
    if not a_id or not b_id:
        return render_template("compare.html", scenarios=all_sc, cmp=None, a=None, b=None)
    found, refused = _comparison(a_id, b_id)
    if refused is not None:
        return refused
    a, b, c = found
    return render_template("compare.html", scenarios=all_sc, cmp=c.cmp, c=c, a=a, b=b,
                           ra=c.ra, rb=c.rb,
                           unit="wan" if request.args.get("unit") == "wan" else "yuan",
                           unit_urls={u: page_url(unit=u) for u in ("yuan", "wan")})


@bp.get("/compare/download/<name>")
def compare_download(name: str):
    """The comparison of ``?a=`` and ``?b=`` as compare.xlsx, compare.csv or compare.pdf."""
    from .. import compare_export
    from ..i18n import explain_lang
    from .main import XLSX, _attachment, _filename

    if name not in ("compare.xlsx", "compare.csv", "compare.pdf"):
        abort(404, _("There is no download called %(name)s.", name=name))
    found, refused = _comparison(request.args.get("a"), request.args.get("b"))
    if refused is not None:
        return refused
    a, b, c = found
    base = _filename(f"{a.name}-{b.name}", "comparison") + f"-{a.id}-{b.id}"
    if name == "compare.csv":
        return _attachment(compare_export.to_csv(c), base + ".csv", "text/csv; charset=utf-8")
    if name == "compare.xlsx":
        return _attachment(compare_export.to_xlsx(c), base + ".xlsx", XLSX)
    return _attachment(compare_export.to_pdf(c, explain_lang()), base + ".pdf",
                       "application/pdf")
