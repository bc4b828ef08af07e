"""Cases (项目): a contract under way, its files, transfers and yearly settlements
(semantics §6; issue 20 point 5). The rules of combining files are in web.case_work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

from sharing.operating.case import load_case
from sharing.operating.errors import InputFilesInvalid
from sharing.operating.identity import sha256
from sharing.operating.render import FORMATS, MEDIA_TYPES, render_statement

from .. import audit, auth, case_storage, case_work, storage
from ..contracts import InvalidContract
from ..i18n import field_label, issue_dicts, local_name
from .main import _attachment, _filename

bp = Blueprint("cases", __name__)

FILE_MAX_BYTES = 50 * 1024 * 1024


def _lang() -> str:
    from ..i18n import is_zh

    return "zh" if is_zh() else "en"


def _issue_lines(issues: list[Any]) -> list[str]:
    """A contract's problems, each after its field in words (web.i18n.field_label)."""
    sep = "：" if _lang() == "zh" else ": "
    return [(field_label(i["path"]) + sep if i.get("path") else "") + i["message"]
            for i in issue_dicts(issues)]


def _get(cid: int, change: bool = False) -> case_storage.CaseRow:
    """The case, if the user may read it (``change``: and change it): web.auth's rights."""
    row = case_storage.get_case(storage.db(), cid)
    if row is None:
        abort(404, _("There is no case %(id)s.", id=cid))
    (auth.check_change if change else auth.check_read)(row)
    return row


def example_folder() -> Path | None:
    """The bundled operating-years example (examples/operating/)."""
    folder = Path(current_app.config["EXAMPLES_DIR"]) / "operating"
    return folder if (folder / "contract.yaml").is_file() else None


def _upload(field: str = "file") -> tuple[str, bytes] | None:
    f = request.files.get(field)
    if f is None or not f.filename:
        return None
    return Path(f.filename).name[:200], f.read(FILE_MAX_BYTES + 1)


def _owner() -> int | None:
    u = auth.user()
    return u.id if u is not None else None


# ---- list and create -----------------------------------------------------------------------

@bp.get("/cases")
def index(problems: list[str] | None = None, status: int = 200):
    db = storage.db()
    return render_template(
        "cases.html", cases=case_storage.list_cases(db, auth.reader_filter()),
        scenarios=storage.list_scenarios(db, auth.reader_filter()),
        example=example_folder() is not None, problems=problems or []), status


def _create(name: str, doc: dict[str, Any], filename: str, source: str) -> Any:
    sha = case_work.contract_sha(doc)
    cid = case_storage.create_case(
        storage.db(), name or str(doc.get("name") or _("Case")), doc, filename, sha, _owner(),
        auth.user_name(), log=lambda conn, cid: audit.record(
            "case_create", sha, None, {"case": cid, "file": filename, "source": source}, conn))
    flash(_("Case created: “%(name)s”.", name=local_name(name or doc.get("name"))), "ok")
    return redirect(url_for("cases.show", cid=cid), code=303)


@bp.post("/cases")
def create():
    """From an uploaded contract file, a saved scenario or the bundled example."""
    name = storage.clean_name(request.form.get("name", ""))
    source = request.form.get("source", "upload")
    if source == "example":
        folder = example_folder()
        if folder is None:
            abort(404, _("The operating-years example is not installed."))
        filename, data = "contract.yaml", (folder / "contract.yaml").read_bytes()
    elif source == "scenario":
        try:
            sc = storage.get_scenario(storage.db(), int(request.form.get("scenario") or ""))
        except ValueError:
            sc = None
        if sc is None:
            return index([_("Choose a saved scenario.")], 400)
        auth.check_read(sc)
        try:
            load_case(sc.document)
        except InvalidContract as e:
            return index(_issue_lines(e.issues), 422)
        return _create(name or sc.name, sc.document, f"{sc.name}.json", "scenario")
    else:
        up = _upload()
        if up is None:
            return index([_("Choose a contract file (YAML or JSON) to upload.")], 400)
        filename, data = up
    try:
        doc, _case = case_work.read_contract(data, filename)
    except InvalidContract as e:
        return index(_issue_lines(e.issues), 422)
    return _create(name, doc, filename, source)


# ---- the case page ---------------------------------------------------------------------------

#: Case results kept per app by (case, its files' ids and hashes, language): a page view does
#: not recompute a register of thousands of enterprises when nothing was uploaded since.
RESULTS_MAX = 16


def _result(cid: int, doc: dict[str, Any], files: list[case_storage.CaseFile]) -> dict[str, Any]:
    cache: dict[tuple, dict[str, Any]] = current_app.extensions.setdefault(
        "sharing_case_results", {})
    key = (cid, tuple((f.id, f.sha256) for f in files), _lang())
    found = cache.get(key)
    if found is None:
        found = case_work.case_result(doc, files, _lang())
        if len(cache) >= RESULTS_MAX:
            cache.pop(next(iter(cache)))
        cache[key] = found
    return found


def _page(row: case_storage.CaseRow, *, status: int = 200, errors: dict[str, Any] | None = None,
          transfer: case_work.TransferForm | None = None) -> Any:
    db = storage.db()
    files = case_storage.files(db, row.id)
    current = case_work.newest(files, "contract")
    assert current is not None and current.document is not None
    case = load_case(current.document)
    c = case.base
    result, result_errors = None, []
    if not case.templates or case_work.newest(files, "register") is not None:
        try:
            result = _result(row.id, current.document, files)
        except InputFilesInvalid as e:
            result_errors = case_work.error_lines(e, _lang())
    union = case_work.combined_actuals(files)
    stored = case_storage.settlements(db, row.id)
    years = list(range(c.start_year, c.calendar(c.years) + 1))
    amendments = case.raw.get("amendments") or []
    versions = [{"number": v.number,
                 "name": (str(amendments[v.number - 2].get("name") or "") if v.number > 1
                          and v.number - 2 < len(amendments) else ""),
                 "from_year": c.start_year + v.effective_from - 1} for v in case.versions]
    by_year = (result or {}).get("versions", {}).get("by_year") or []
    body = render_template(
        "case.html", case_row=row, case=case, files=files, current=current, years=years,
        versions=versions, by_year=by_year, result=result, result_errors=result_errors,
        actuals_count=len(union), transfers=case_storage.transfers(db, row.id),
        party_names={p.id: p.name or p.id for p in c.parties},
        settled=sorted({s.year for s in stored}), errors=errors,
        transfer=transfer or case_work.TransferForm({}, {}, None),
        writable=auth.can_change(row))
    return body, status


@bp.get("/cases/<int:cid>")
def show(cid: int):
    return _page(_get(cid))


def _refused(row: case_storage.CaseRow, kind: str, e: InputFilesInvalid) -> Any:
    return _page(row, status=422, errors={"kind": kind,
                                          "lines": case_work.error_lines(e, _lang())})


def _file_problem(row: case_storage.CaseRow, kind: str, message: str) -> Any:
    return _page(row, status=400, errors={"kind": kind, "lines": [{"text": message}]})


@bp.post("/cases/<int:cid>/contract")
def upload_contract(cid: int):
    """A newer contract document for the case (e.g. with a new amendment); history kept."""
    row = _get(cid, change=True)
    up = _upload()
    if up is None:
        return _file_problem(row, "contract", _("Choose a contract file (YAML or JSON) to "
                                                "upload."))
    filename, data = up
    try:
        doc, case = case_work.read_contract(data, filename)
    except InvalidContract as e:
        return _page(row, status=422, errors={"kind": "contract", "lines": [
            {"text": line} for line in _issue_lines(e.issues)]})
    sha = case_work.contract_sha(doc)
    case_storage.add_file(storage.db(), cid, "contract", filename, sha, document=doc,
                          user=auth.user_name(), log=lambda conn, fid: audit.record(
                              "case_contract", sha, None,
                              {"case": cid, "file": filename,
                               "versions": len(case.versions)}, conn))
    flash(_("The contract document “%(file)s” is now in force for this case (%(n)s versions).",
            file=filename, n=len(case.versions)), "ok")
    return redirect(url_for("cases.show", cid=cid), code=303)


def _current(cid: int) -> tuple[list[case_storage.CaseFile], dict[str, Any]]:
    files = case_storage.files(storage.db(), cid)
    current = case_work.newest(files, "contract")
    assert current is not None and current.document is not None
    return files, current.document


def _store_file(cid: int, kind: str, filename: str, data: bytes, rows: list[dict[str, Any]],
                contract: dict[str, Any], transfers: list[dict[str, Any]] | None = None) -> None:
    sha = sha256(rows)
    case_storage.add_file(
        storage.db(), cid, kind, filename, sha, data=data, rows=rows, user=auth.user_name(),
        transfers=transfers, log=lambda conn, fid: audit.record(
            f"case_{kind}", case_work.contract_sha(contract), None,
            {"case": cid, "file": filename, "rows": len(rows), "sha256": sha}, conn))


@bp.post("/cases/<int:cid>/register")
def upload_register(cid: int):
    row = _get(cid, change=True)
    up = _upload()
    if up is None:
        return _file_problem(row, "register", _("Choose a register file (CSV or XLSX)."))
    files, doc = _current(cid)
    try:
        rows = case_work.check_register(doc, *up)
    except InputFilesInvalid as e:
        return _refused(row, "register", e)
    _store_file(cid, "register", up[0], up[1], rows, doc)
    flash(_("Register “%(file)s” accepted: %(n)s enterprises.", file=up[0], n=len(rows)), "ok")
    return redirect(url_for("cases.show", cid=cid), code=303)


@bp.post("/cases/<int:cid>/actuals")
def upload_actuals(cid: int):
    row = _get(cid, change=True)
    up = _upload()
    if up is None:
        return _file_problem(row, "actuals", _("Choose an actuals file (CSV or XLSX)."))
    files, doc = _current(cid)
    if load_case(doc).templates and case_work.newest(files, "register") is None:
        return _file_problem(row, "actuals", _("Upload the enterprise register first: the "
                                               "actual figures name its enterprises."))
    try:
        rows = case_work.check_actuals(doc, files, *up)
    except InputFilesInvalid as e:
        return _refused(row, "actuals", e)
    _store_file(cid, "actuals", up[0], up[1], rows, doc)
    flash(_("Actuals “%(file)s” accepted: %(n)s figures.", file=up[0], n=len(rows)), "ok")
    return redirect(url_for("cases.show", cid=cid), code=303)


@bp.post("/cases/<int:cid>/transfers-file")
def upload_transfers(cid: int):
    row = _get(cid, change=True)
    up = _upload()
    if up is None:
        return _file_problem(row, "transfers", _("Choose a transfers file (CSV or XLSX)."))
    files, doc = _current(cid)
    try:
        rows = case_work.check_transfers(doc, files, *up)
    except InputFilesInvalid as e:
        return _refused(row, "transfers", e)
    _store_file(cid, "transfers", up[0], up[1], rows, doc, transfers=rows)
    flash(_("Transfers “%(file)s” accepted: %(n)s transfers.", file=up[0], n=len(rows)), "ok")
    return redirect(url_for("cases.show", cid=cid), code=303)


@bp.post("/cases/<int:cid>/transfers")
def record_transfer(cid: int):
    """One transfer by the form: every mistake next to its field, nothing typed lost."""
    row = _get(cid, change=True)
    files, doc = _current(cid)
    checked = case_work.check_transfer_form(load_case(doc), request.form, _lang())
    if checked.transfer is None:
        return _page(row, status=422, transfer=checked)
    t = checked.transfer
    case_storage.add_transfer(storage.db(), cid, t, log=lambda conn, tid: audit.record(
        "case_transfer", case_work.contract_sha(doc), None,
        {"case": cid, "transfer": tid, "from": t["from"], "to": t["to"],
         "amount": f"{t['amount'] // 100}.{t['amount'] % 100:02d}", "year": t["year"]}, conn))
    flash(_("Transfer recorded."), "ok")
    return redirect(url_for("cases.show", cid=cid), code=303)


@bp.post("/cases/<int:cid>/share")
def share(cid: int):
    """Share with every signed-in user (read only), or stop sharing: the owner's choice."""
    row = _get(cid, change=True)
    shared = request.form.get("shared") == "1"
    case_storage.share_case(storage.db(), cid, shared, log=lambda conn, cid: audit.record(
        "share", None, None, {"case": cid, "shared": shared}, conn))
    flash(_("“%(name)s” is now shared with every signed-in user (they may read it).",
            name=local_name(row.name)) if shared else
          _("“%(name)s” is no longer shared.", name=local_name(row.name)), "ok")
    return redirect(url_for("cases.show", cid=cid), code=303)


@bp.post("/cases/<int:cid>/delete")
def delete(cid: int):
    """Delete the case: its owner (or an admin) only, as a saved scenario (web.auth)."""
    row = _get(cid, change=True)
    case_storage.delete_case(storage.db(), cid, log=lambda conn, cid: audit.record(
        "case_delete", None, None, {"case": cid, "name": row.name}, conn))
    flash(_("Deleted “%(name)s”.", name=local_name(row.name)), "ok")
    return redirect(url_for("cases.index"), code=303)


# ---- settlement ------------------------------------------------------------------------------

@bp.post("/cases/<int:cid>/settle")
def settle(cid: int):
    """Settle year Y on the case's files; the statement is stored (next year's previous)."""
    row = _get(cid, change=True)
    files, doc = _current(cid)
    try:
        year = int(request.form.get("year") or "")
    except ValueError:
        return _file_problem(row, "settle", _("Choose the year to settle."))
    if load_case(doc).templates and case_work.newest(files, "register") is None:
        return _file_problem(row, "settle", _("Upload the enterprise register first: the "
                                              "actual figures name its enterprises."))
    if case_work.newest(files, "actuals") is None:
        return _file_problem(row, "settle", _("Upload the actual figures first: a settlement "
                                              "is computed on them."))
    db = storage.db()
    previous = case_work.previous_statement(case_storage.settlements(db, cid), year)
    try:
        st = case_work.settle(doc, files, case_storage.transfers(db, cid), year, previous,
                              _lang())
    except InputFilesInvalid as e:
        return _refused(row, "settle", e)
    case_storage.add_settlement(db, cid, year, st, auth.user_name(),
                                log=lambda conn, sid: audit.record(
                                    "case_settle", st["identity"]["contract"], sha256(st),
                                    {"case": cid, "year": year,
                                     "previous_year": st["settlement"]["previous_year"]}, conn))
    flash(_("Settled %(year)s.", year=year), "ok")
    return redirect(url_for("cases.statement_page", cid=cid, year=year), code=303)


def _statement(cid: int, year: int) -> dict[str, Any]:
    found = [s for s in case_storage.settlements(storage.db(), cid) if s.year == year]
    if not found:
        abort(404, _("Year %(year)s of this case has not been settled.", year=year))
    return found[-1].statement


def statement_downloads() -> list[dict[str, str]]:
    """The statement's download formats: (format, file suffix, media type), every format of
    sharing.operating.render but the plain-text table."""
    return [{"format": f, "suffix": "." + f, "mimetype": MEDIA_TYPES[f]}
            for f in ("xlsx", "pdf", "csv", "json")]


def render_download(doc: dict[str, Any], fmt: str) -> bytes:
    """The statement in ``fmt``, in the page's language (sharing.operating.render)."""
    if fmt not in FORMATS:
        abort(404)
    return render_statement(doc, fmt, _lang())


@bp.get("/cases/<int:cid>/settlements/<int:year>")
def statement_page(cid: int, year: int):
    row = _get(cid)
    doc = _statement(cid, year)
    names = {p: v.get("name") or p for p, v in doc["parties"].items()}
    return render_template("case_statement.html", case_row=row, doc=doc,
                           st=doc["settlement"], names=names, year=year,
                           downloads=statement_downloads())


@bp.get("/cases/<int:cid>/settlements/<int:year>/statement.<fmt>")
def statement_download(cid: int, year: int, fmt: str):
    row = _get(cid)
    found = next((d for d in statement_downloads() if d["format"] == fmt), None)
    if found is None:
        abort(404, _("There is no download called %(name)s.", name=f"statement.{fmt}"))
    doc = _statement(cid, year)
    base = _filename(local_name(row.name), "case") + f"-{cid}-{year}-" + _("statement")
    return _attachment(render_download(doc, fmt), base + found["suffix"], found["mimetype"])


# ---- drill-down ------------------------------------------------------------------------------

@bp.get("/cases/<int:cid>/enterprises")
def drill(cid: int):
    """A party's year broken down into the enterprises that make it up (§6.1)."""
    row = _get(cid)
    files, doc = _current(cid)
    try:
        result = _result(cid, doc, files)
    except InputFilesInvalid as e:
        return _refused(row, "result", e)
    party = request.args.get("party", "")
    if party not in result["parties"]:
        abort(404, _("There is no party %(name)s in this case.", name=party))
    try:
        year = int(request.args.get("year", ""))
        t = result["years"].index(year)
    except ValueError:
        abort(404, _("There is no such year in this case."))
    lines = [{"code": code, "name": e["name"],
              "amount": e["parties"][party]["net_by_year"][t]}
             for code, e in (result.get("enterprises") or {}).items()]
    rest = (result.get("not_by_enterprise") or {}).get(party)
    return render_template("case_drill.html", case_row=row, result=result, party=party,
                           party_name=result["parties"][party].get("name") or party, year=year,
                           lines=lines, rest=rest["net_by_year"][t] if rest else None,
                           total=result["parties"][party]["net_by_year"][t],
                           ineligible={i["enterprise"] for i in result.get("ineligible", [])})
