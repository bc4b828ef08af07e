"""Home, the contract form, runs, results and downloads."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from .. import audit, auth, contracts, exports, storage
from ..charts import receipts_charts
from ..contracts import InvalidContract
from ..i18n import issue_dicts
from ..results import (
    cumulative,
    filter_entries,
    kinds_in,
    net_entries_total,
    receipts_by_year,
    year_totals,
)
from .common import FormInput, canonical, render_form

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("home.html", examples=contracts.examples(), presets=_presets(),
                           scenarios=storage.list_scenarios(storage.db(),
                                                            auth.reader_filter())[:10])


def _presets() -> list[dict[str, str]]:
    """The presets of documented arrangements (``sharing.audit.list_presets``): name and the
    title in the page's language (the other language's title when one is missing)."""
    from sharing.audit import list_presets

    from ..i18n import is_zh

    zh = is_zh()
    return [{"name": p.name,
             "title": (p.title_zh or p.title_en) if zh else (p.title_en or p.title_zh)}
            for p in list_presets()]


@bp.get("/form")
def form():
    """A blank form, or one filled from an example, a preset, a saved scenario or a run."""
    if name := request.args.get("example"):
        ex = contracts.example(name)
        if ex is None:
            abort(404, _("There is no example called %(name)s.", name=name))
        try:
            doc = contracts.document_from_upload(ex.path.read_bytes(), ex.path.name)
        except InvalidContract as e:
            return render_form({}, issue_dicts(e.issues), status=422, source=ex.name)
        return render_form(doc, source=ex.name)
    if name := request.args.get("preset"):
        from sharing.audit.presets import preset_path

        try:
            path = preset_path(name)
        except KeyError:
            abort(404, _("There is no preset called %(name)s.", name=name))
        title = next((p["title"] for p in _presets() if p["name"] == name), name)
        try:
            doc = contracts.document_from_upload(path.read_bytes(), path.name)
        except InvalidContract as e:
            return render_form({}, issue_dicts(e.issues), status=422, source=title)
        return render_form(doc, source=title)
    if sid := request.args.get("scenario"):
        sc = storage.get_scenario(storage.db(), _int(sid))
        if sc is None:
            abort(404, _("There is no saved scenario %(id)s.", id=sid))
        auth.check_read(sc)
        return render_form(sc.document, source=sc.name, scenario=sc)
    if sha := request.args.get("run"):
        pair = contracts.stored(sha)
        if pair is None:
            abort(404, _("There is no result %(sha)s.", sha=sha))
        return render_form(pair[0], source=pair[1].get("name") or sha[:12])
    return render_form({}, source="")


def _int(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        abort(404, _("There is no saved scenario %(id)s.", id=text))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/form/template.xlsx")
def template():
    """The blank contract workbook: one sheet per part, lists and number formats."""
    from ..workbook_write import template_xlsx

    return _attachment(template_xlsx(), _("contract-template") + ".xlsx", XLSX)


def _upload_workbook(data: bytes, filename: str):
    """Fill the form from a workbook (the template filled in, or a results workbook);
    every problem names its sheet, row and column."""
    from ..workbook_read import located, read_workbook

    try:
        reading = read_workbook(data)
    except InvalidContract as e:
        return render_form({}, issue_dicts(e.issues), status=400, source=filename)
    issues = []
    try:
        contracts.validate_document(reading.doc)
    except InvalidContract as e:
        issues = located(issue_dicts(e.issues), reading.where)
    return render_form(reading.doc, issues, source=filename)


@bp.post("/form/upload")
def upload():
    """Fill the form from an uploaded contract file: YAML, JSON or an XLSX workbook."""
    f = request.files.get("file")
    if f is None or not f.filename:
        return render_form({}, [{"path": "(file)", "message": _("Choose a YAML, JSON or XLSX "
                                                                "contract file to upload."),
                                 "code": "file"}], status=400)
    data = f.read()
    if data.startswith(b"PK\x03\x04") or f.filename.lower().endswith(".xlsx"):
        return _upload_workbook(data, f.filename)
    try:
        doc = contracts.document_from_upload(data, f.filename)
    except InvalidContract as e:
        return render_form({}, issue_dicts(e.issues), status=400, source=f.filename)
    doc = canonical(doc)
    issues = []
    try:
        contracts.validate_document(doc)
    except InvalidContract as e:
        issues = issue_dicts(e.issues)
    return render_form(doc, issues, source=f.filename)


@bp.post("/form/yaml")
def download_yaml():
    """The form as it stands as a contract file (valid or not): nothing is lost."""
    raw = request.form.get("document") or ""
    posted = FormInput()
    if posted.doc is None:
        return render_form({}, posted.issues, status=400, yaml_text=posted.yaml_text)
    text = contracts.yaml_text(raw) if raw else contracts.yaml_text(posted.doc)
    name = _filename(posted.doc.get("name"), "contract") + ".yaml"
    return _attachment(text.encode("utf-8"), name, "application/yaml; charset=utf-8")


@bp.post("/run")
def run():
    raw = request.form.get("document")
    if raw and (sha := contracts.known(raw)) is not None:  # posted before: nothing to parse
        pair = contracts.stored(sha)
        if pair is not None:
            audit.record("run", sha, pair[1]["result_sha256"], {"source": "form",
                                                               "computed": False})
            return redirect(url_for("main.results", sha=sha), code=303)
    posted = FormInput()
    if posted.doc is None:
        return render_form({}, posted.issues, status=422, yaml_text=posted.yaml_text)
    try:
        out = contracts.run_document(posted.doc, posted.raw)
    except InvalidContract as e:
        return render_form(posted.doc, issue_dicts(e.issues), status=422,
                           yaml_text=posted.yaml_text)
    audit.record("run", out.contract_sha256, out.result["result_sha256"],
                 {"source": "form", "computed": out.computed})
    return redirect(url_for("main.results", sha=out.contract_sha256), code=303)


def load_result(sha: str):
    pair = contracts.stored(sha) if _is_sha(sha) else None
    if pair is None:
        abort(404, _("There is no result %(sha)s.", sha=sha[:64]))
    from sharing.explain_text import localise

    from ..i18n import explain_lang

    doc, result = pair
    return doc, localise(result, explain_lang())  # the why texts in the reader's language


def _is_sha(s: str) -> bool:
    return len(s) == 64 and all(c in "0123456789abcdef" for c in s)


def static_check(sha: str, doc: dict | None, result: dict | None = None
                 ) -> list[dict[str, str]] | None:
    """The static check's warnings (``sharing.audit.check_contract``) of a contract, each with
    its kind, field path and message in the page's language; None when it could not run."""
    if doc is None:
        return None
    from sharing.audit import check_contract

    from ..i18n import is_zh

    cache = contracts.check_cache()
    found = cache.get(sha)
    if found is None:
        try:
            found = check_contract(contracts.validate_document(doc), result)
        except Exception:  # a results page is still worth showing without the panel
            current_app.logger.exception("static check failed for %s", sha)
            return None
        cache.put(sha, found)
    lang = "zh" if is_zh() else "en"
    return [w.as_dict(lang) for w in found]


def contract_unit(doc: dict | None) -> str:
    """The unit the contract was written in (``unit: wan`` or yuan, semantics §1)."""
    return "wan" if isinstance(doc, dict) and str(doc.get("unit") or "") == "wan" else "yuan"


def page_unit(doc: dict | None) -> str:
    """The unit a results page shows: ``?unit=yuan|wan``, else the contract's own unit."""
    asked = request.args.get("unit")
    return asked if asked in ("yuan", "wan") else contract_unit(doc)


def page_url(**changes: str | None) -> str:
    """This page's address with some query parameters changed (None: removed)."""
    args = {k: v for k, v in request.args.items()}
    for k, v in changes.items():
        if v is None:
            args.pop(k, None)
        else:
            args[k] = v
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def results_context(sha: str, result: dict, unit: str, doc: dict | None = None) -> dict:
    from ..i18n import local_name as _local

    parties = [(pid, _local(p["name"]) or pid) for pid, p in result["parties"].items()]
    rec = receipts_by_year(result)
    cum = {pid: cumulative(p["net_by_year"]) for pid, p in result["parties"].items()}
    chart = receipts_charts(result["years"], parties, rec, cum,
                            title=_("Receipts by year and cumulative net"),
                            unit=unit, unit_label=_("10k yuan") if unit == "wan" else _("yuan"),
                            amount_label=_("yuan"), receipts_label=_("receipts"),
                            cumulative_label=_("cumulative net"))
    from sharing.ledger import ENTRY_KINDS

    from ..i18n import kind_label, local_name, name_of
    from ..year_details import has_pool, year_details

    details = year_details(result, doc, lambda what, ident: local_name(
        name_of(result, what, ident))) if request.args.get("details") == "1" else None
    return dict(sha=sha, result=result, chart=chart, kinds=kinds_in(result),
                checks=static_check(sha, doc, result),
                year_totals=year_totals(result), unit=unit,
                contract_unit=contract_unit(doc),
                details=details, details_pool=bool(details) and has_pool(details),
                unit_urls={u: page_url(unit=u) for u in ("yuan", "wan")},
                details_url=page_url(details=None if details is not None else "1"),
                kind_labels={k: kind_label(k) for k in ENTRY_KINDS},
                party_names={pid: local_name(p["name"]) or pid
                             for pid, p in result["parties"].items()})


CSRF_MARK = "\x00csrf\x00"


@bp.get("/results/<sha>")
def results(sha: str):
    """A results page. Pages are cached by contract, engine, language and query (the CSRF
    token of the save form is put in per request): a result never changes."""
    from flask import get_flashed_messages, session
    from flask_wtf.csrf import generate_csrf

    from ..i18n import current_lang

    key = f"{sha}|{contracts.ENGINE_VERSION}|{current_lang()}|{request.full_path}"
    cache = contracts.page_cache()
    cacheable = not session.get("_flashes")
    if cacheable and (html := cache.get(key)) is not None:
        return html.replace(CSRF_MARK, generate_csrf())
    doc, result = load_result(sha)
    html = render_template("results.html",
                           **results_context(sha, result, page_unit(doc), doc))
    if cacheable and not get_flashed_messages():
        cache.put(key, html.replace(generate_csrf(), CSRF_MARK))
    return html


@bp.get("/results/<sha>/ledger.json")
def ledger_json(sha: str):
    """The ledger entries of a result, for the drill-down dialog (fetched on first click)."""
    _doc, result = load_result(sha)
    from sharing.explain_text import Names

    names = Names.of_result(result)
    rows = [dict(e, clause_name=names.name("clause", e["clause"]) if e["clause"] else None,
                 stream_name=names.name("stream", e["stream"]) if e["stream"] else None)
            for e in result["entries"]]  # names for a person, ids for a tooltip
    resp = current_app.response_class(
        json.dumps(rows, ensure_ascii=False),
        mimetype="application/json")
    resp.headers["Cache-Control"] = "private, max-age=86400"  # a result never changes
    return resp


@bp.get("/results/<sha>/entries")
def entries(sha: str):
    """The ledger entries behind an amount: by party, year, kind or clause."""
    _doc, result = load_result(sha)
    party = request.args.get("party") or None
    kind = request.args.get("kind") or None
    clause = request.args.get("clause")
    try:
        year = int(request.args["year"]) if request.args.get("year") else None
    except ValueError:
        abort(400, _("The year must be a whole number."))
    rows = filter_entries(result, party=party, year=year, kind=kind, clause=clause)
    return render_template("entries.html", sha=sha, result=result, rows=rows,
                           total=net_entries_total(rows), party=party, year=year, kind=kind,
                           clause=clause)


@bp.get("/results/<sha>/download/<name>")
def download(sha: str, name: str):
    doc, result = load_result(sha)
    base = _filename(result.get("name"), "result") + "-" + sha[:12]
    if name == "table.csv":
        return _attachment(exports.table_csv(result), base + "-net-by-year.csv",
                           "text/csv; charset=utf-8")
    if name == "ledger.csv":
        return _attachment(exports.ledger_csv(result), base + "-ledger.csv",
                           "text/csv; charset=utf-8")
    if name == "result.xlsx":
        return _attachment(exports.xlsx(result, contracts.validate_document(doc)),
                           base + ".xlsx", XLSX)
    if name == "result.json":
        return _attachment(exports.result_json(result), base + ".json",
                           "application/json; charset=utf-8")
    if name == "contract.yaml":
        text = contracts.yaml_text(doc, note=f"contract sha256 {sha}")
        return _attachment(text.encode("utf-8"), base + ".yaml",
                           "application/yaml; charset=utf-8")
    if name == "report.pdf":
        try:
            from sharing.report import render_pdf
        except ImportError:
            abort(501, _("The PDF report is not available in this version."))
        from ..i18n import current_lang

        contract = contracts.validate_document(doc)
        pdf = render_pdf(contract, result, lang="zh" if current_lang() == "zh_CN" else "en")
        return _attachment(pdf, base + ".pdf", "application/pdf")
    abort(404, _("There is no download called %(name)s.", name=name))


def _filename(name: object, fallback: str) -> str:
    text = str(name or "")
    keep = "".join(c if (c.isalnum() or c in "-_") else "-" for c in text)[:60].strip("-")
    while "--" in keep:
        keep = keep.replace("--", "-")
    return keep or fallback


def _attachment(data: bytes, filename: str, mimetype: str) -> Response:
    from urllib.parse import quote

    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_"
                         for c in filename)
    resp = Response(data, mimetype=mimetype)
    resp.headers["Content-Disposition"] = (f"attachment; filename=\"{ascii_name}\"; "
                                           f"filename*=UTF-8''{quote(filename)}")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/healthz")
def healthz():
    storage.count_scenarios(storage.db())
    return {"ok": True, "engine": contracts.ENGINE_VERSION,
            "database": current_app.config["DATABASE_URL"].split(":", 1)[0]}
