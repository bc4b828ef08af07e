"""Negotiation pages: sweep, sensitivity (tornado), Monte Carlo, compare, solve, explain.

Each page is a plain HTML form (no script needed): GET shows it, POST (with the CSRF token)
computes through :mod:`sharing.scenarios.api` and shows the answer on the same page with
everything typed kept. The contract is a saved scenario, a bundled example, or a contract
pasted or uploaded as YAML/JSON. Parameter values, distribution parameters, bounds and
targets go to the api as text: the scenario schema reads numbers exactly and targets go
through the api's whitelist formula parser; nothing typed is ever evaluated here.

Errors stand next to the field they concern (a path that leads nowhere, a value that is not
a number, too many scenarios for one request), or at the top with their path (a refused
contract), in the page's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape as svg_escape

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from .. import contracts, storage
from ..contracts import InvalidContract
from ..i18n import issue_dicts, translate_issue

bp = Blueprint("negotiate", __name__, url_prefix="/negotiate")

#: Defaults of the limits a request may run (app config overrides them).
MAX_SCENARIOS = 20_000  # NEGOTIATE_MAX_SCENARIOS: Monte Carlo draws × grid points
MAX_GRID = 2_000  # NEGOTIATE_MAX_GRID: sweep grid points (one table row each)
MAX_CHARTS = 8  # NPV-by-value charts of a two-parameter sweep (one per second value)
SENSITIVITY_ROWS = 6
DRAW_ROWS = 4
COMPARE_SLOTS = 4
DISTS = ("normal", "lognormal", "uniform", "triangular")
DIST_PARAMS = {"normal": ("mean", "sd"), "lognormal": ("median", "sigma"),
               "uniform": ("low", "high"), "triangular": ("low", "mode", "high")}
DRAW_FIELDS = ("mean", "sd", "median", "sigma", "low", "mode", "high")
EVENTS = ("cap_reached", "guarantee_called", "pool_exhausted", "exit_triggered")
SHORT_LIMIT = 1000  # characters kept of a one-line field
_ID = re.compile(r"^[^\W\d][\w\-]{0,63}$")
_SPLIT = re.compile(r"[\s,，;；、]+")


# ---- the form's state --------------------------------------------------------------------

class Form:
    """What the user typed (kept whatever happens), field errors and top-of-page problems."""

    def __init__(self, names: Iterable[str], defaults: dict[str, str] | None = None) -> None:
        self.values: dict[str, str] = {n: "" for n in names}
        self.values.update(defaults or {})
        self.errors: dict[str, list[str]] = {}
        self.problems: list[dict[str, str]] = []  # {"path", "message"}
        self.status = 200

    def read(self, source: Any) -> None:
        for name in self.values:
            v = source.get(name)
            if v is not None:
                self.values[name] = v if name.endswith("_text") else v[:SHORT_LIMIT]

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def error(self, field: str, message: str, status: int = 422) -> None:
        self.errors.setdefault(field, []).append(message)
        self.status = max(self.status, status)

    def problem(self, path: str, message: str, status: int = 422) -> None:
        self.problems.append({"path": path, "message": message})
        self.status = max(self.status, status)

    def issues(self, issues: list[Any], place: Callable[[str], str | None]) -> None:
        """Engine issues: each next to its field when ``place`` knows one, else at the top."""
        for d in issue_dicts(issues):
            field = place(d.get("path", ""))
            if field:
                self.error(field, d["message"])
            else:
                self.problem(d.get("path", ""), d["message"])

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problems

    def small(self) -> dict[str, str]:
        """The short fields that are filled: the query of this page in another language."""
        return {k: v for k, v in self.values.items()
                if v and not k.endswith("_text") and len(v) <= 200}


def _limit(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def _number_error(text: str) -> str | None:
    """None when ``text`` is an exact number the contract reads, else why not (translated)."""
    from schemas.numbers import exact

    try:
        exact(text)
    except Exception as e:  # the schema's rule error: template and params
        template = getattr(e, "message_template", None)
        if template is None:
            return _("%(value)s is not a number", value=text)
        return translate_issue({"template": template, "params": getattr(e, "context", {}) or {},
                                "code": getattr(e, "type", "")})
    return None


def _path_error(doc: dict[str, Any], text: str) -> str | None:
    """None when the path leads to a value of the contract (or a field that may be added)."""
    from sharing.scenarios.paths import PathError, parse_path, resolve

    try:
        resolve(doc, parse_path(text))
    except PathError as e:
        return _("This path does not lead to a value of the contract: %(reason)s", reason=str(e))
    return None


def _values(text: str) -> list[str]:
    return [v for v in _SPLIT.split(text.strip()) if v]


# ---- choosing the contract ---------------------------------------------------------------

CONTRACT_FIELDS = ("source", "contract_text")


def _choices() -> dict[str, list[tuple[str, str]]]:
    return {"examples": [(f"example:{e.slug}", e.name) for e in contracts.examples()],
            "scenarios": [(f"scenario:{sc.id}", f"{sc.name} (#{sc.id})")
                          for sc in storage.list_scenarios(storage.db())]}


def _default_source() -> str:
    if name := request.args.get("example"):
        return f"example:{name}"
    if sid := request.args.get("scenario"):
        return f"scenario:{sid}"
    if src := request.args.get("source"):
        return src
    ex = contracts.examples()
    return f"example:{ex[0].slug}" if ex else "text"


def _document(form: Form, source: str, field: str,
              text_field: str = "contract_text") -> tuple[dict[str, Any] | None, str]:
    """The contract document of one source (``example:SLUG``, ``scenario:ID``, ``text``) and
    its name; field errors on ``field`` when it cannot be read."""
    if source.startswith("example:"):
        ex = contracts.example(source.split(":", 1)[1])
        if ex is None:
            form.error(field, _("There is no example called %(name)s.",
                                name=source.split(":", 1)[1]))
            return None, ""
        try:
            return contracts.document_from_upload(ex.path.read_bytes(), ex.path.name), ex.name
        except InvalidContract as e:
            form.issues(e.issues, lambda p: None)
            return None, ex.name
    if source.startswith("scenario:"):
        sid = source.split(":", 1)[1]
        sc = storage.get_scenario(storage.db(), int(sid)) if sid.isdigit() else None
        if sc is None:
            form.error(field, _("There is no saved scenario %(id)s.", id=sid))
            return None, ""
        return sc.document, sc.name
    if source not in ("", "text"):
        form.error(field, _("Choose a contract."))
        return None, ""
    text = form.values.get(text_field, "")
    if not text.strip():
        form.error(text_field, _("Paste a contract (YAML or JSON) here, upload a file, or "
                                 "choose a saved scenario or an example."))
        return None, ""
    try:
        doc = contracts.document_from_upload(text.encode("utf-8"), "contract.yaml")
    except InvalidContract as e:
        for d in issue_dicts(e.issues):
            form.error(text_field, d["message"])
        return None, ""
    if not isinstance(doc, dict):
        form.error(text_field, _("A contract file is a map of fields (name, parties, "
                                 "streams, clauses…)."))
        return None, ""
    return doc, str(doc.get("name") or _("Pasted contract"))


def _contract(form: Form) -> tuple[dict[str, Any] | None, str]:
    """The page's contract: an uploaded file (its text is kept in the text area), else the
    chosen source; validated, with the contract's own issues at the top when refused."""
    f = request.files.get("contract_file")
    if f is not None and f.filename:
        data = f.read()
        try:
            form.values["contract_text"] = data.decode("utf-8-sig")
            form.values["source"] = "text"
        except UnicodeDecodeError:
            form.error("contract_text", _("The file is not UTF-8 text."))
            return None, ""
    doc, name = _document(form, form.get("source") or "text", "source")
    if doc is None:
        return None, name
    try:
        contracts.validate_document(doc)
    except InvalidContract as e:
        form.problem("", _("The contract is refused; open it in the contract form to fix it."))
        form.issues(e.issues, lambda p: None)
        return None, name
    return doc, name


def parameter_paths(doc: dict[str, Any] | None, limit: int = 400) -> list[str]:
    """Paths of the contract's numbers (what can be swept, drawn or solved for), with the
    growth of streams that leave it at its default."""
    if not doc:
        return []
    from schemas.numbers import exact
    from sharing.scenarios.paths import ID_LISTS

    out: list[str] = []

    def number(v: Any) -> bool:
        if isinstance(v, bool):
            return False
        if isinstance(v, (int, float, Decimal, Fraction)):
            return True
        if isinstance(v, str) and len(v) < 40 and re.search(r"\d", v) and "-" not in v[1:]:
            try:
                exact(v)
                return True
            except Exception:
                return False
        return False

    def walk(node: Any, path: str, depth: int) -> None:
        if len(out) >= limit or depth > 12:
            return
        if isinstance(node, dict):
            for k, v in node.items():
                if depth == 0 and k in ("start_year", "years"):
                    continue
                walk(v, f"{path}.{k}" if path else str(k), depth + 1)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if depth == 1 and path in ID_LISTS and isinstance(item, dict) and \
                        isinstance(item.get("id"), str) and _ID.match(item["id"]):
                    walk(item, f"{path}.{item['id']}", depth + 1)
                else:
                    walk(item, f"{path}[{i}]", depth + 1)
        elif number(node):
            out.append(path)

    walk(doc, "", 0)
    for s in doc.get("streams") or []:
        if isinstance(s, dict) and "growth" not in s and isinstance(s.get("id"), str) \
                and _ID.match(s["id"]) and "series" not in s:
            out.append(f"streams.{s['id']}.growth")
    return out[:limit]


def _party_ids(doc: dict[str, Any] | None) -> list[str]:
    return [str(p.get("id")) for p in (doc or {}).get("parties") or [] if isinstance(p, dict)]


def _render(template: str, form: Form, doc: dict[str, Any] | None = None, **ctx: Any):
    from ..i18n import local_name

    parties = {}
    for p in (doc or {}).get("parties") or []:
        if isinstance(p, dict) and p.get("id") is not None:
            parties[str(p["id"])] = local_name(p.get("name")) or str(p["id"])
    body = render_template(template, form=form, choices=_choices(),
                           paths=parameter_paths(doc), party_names=parties,
                           event_names=_event_names(),
                           lang_base=url_for(request.endpoint, **form.small()), **ctx)
    return body, form.status


def _event_names() -> dict[str, str]:
    return {"cap_reached": _("cap reached"), "guarantee_called": _("guarantee called"),
            "pool_exhausted": _("pool ran dry"), "exit_triggered": _("exit triggered")}


def _retitle(svg: str, old: str, new: str) -> str:
    """A chart from the api with its English title in the page's language (escaped)."""
    return svg.replace(">" + svg_escape(old) + "<", ">" + svg_escape(new) + "<")


def _fen(text: str) -> int:
    return int(Decimal(text) * 100)


def _new_form(names: Iterable[str], defaults: dict[str, str]) -> Form:
    form = Form(list(CONTRACT_FIELDS) + list(names),
                {"source": _default_source(), **defaults})
    if request.method == "GET":
        form.read(request.args)
        if request.args.get("example") or request.args.get("scenario"):
            form.values["source"] = _default_source()
    else:
        form.read(request.form)
    return form


# ---- pages -------------------------------------------------------------------------------

@bp.get("", strict_slashes=False)
def index():
    return render_template("negotiate.html")


SWEEP_FIELDS = [f"{k}{i}" for i in (1, 2) for k in ("path", "values", "from", "to", "step",
                                                   "balance")] + ["scenario_text"]


def _sweep_place(rows: list[int]) -> Callable[[str], str | None]:
    """Where an issue of the built scenario goes: vary[k] is the form's axis rows[k]."""
    def place(path: str) -> str | None:
        m = re.match(r"vary\[(\d+)\](?:\.(\w+))?", path)
        if m and int(m.group(1)) < len(rows):
            i, what = rows[int(m.group(1))], m.group(2)
            if what == "values":
                return f"values{i}"
            if what == "range":
                return f"from{i}"
            if what == "balance":
                return f"balance{i}"
            return f"path{i}"
        if path == "vary":
            return "vary"
        if path == "(contract)":
            return f"path{rows[-1]}" if rows else "vary"
        return None
    return place


def _advanced(form: Form, doc: dict[str, Any]) -> dict[str, Any] | None:
    """The scenario file typed in the advanced text area (its contract is the chosen one
    unless it carries its own inline)."""
    from sharing.api import load_document

    try:
        spec = load_document(form.values["scenario_text"].encode("utf-8"), "scenario.yaml")
    except InvalidContract as e:
        for d in issue_dicts(e.issues):
            form.error("scenario_text", d["message"])
        return None
    if not isinstance(spec, dict):
        form.error("scenario_text", _("A scenario file is a map: vary: […], draws: {…}."))
        return None
    if not isinstance(spec.get("contract"), dict):
        spec["contract"] = doc
    return spec


@bp.route("/sweep", methods=["GET", "POST"])
def sweep():
    """One or two parameters over a list or a range: each party's net total and NPV per
    grid point, the invalid points with their reasons, and NPV by value per party."""
    form = _new_form(SWEEP_FIELDS, {})
    if request.method == "GET":
        return _render("negotiate_sweep.html", form, _preview(form), out=None)
    doc, name = _contract(form)
    scenario: dict[str, Any] | None = None
    rows: list[int] = []
    if doc is not None:
        if form.get("scenario_text"):
            scenario = _advanced(form, doc)
        else:
            vary = []
            for i in (1, 2):
                item = _axis(form, doc, i)
                if item is not None:
                    vary.append(item)
                    rows.append(i)
            if not vary and not form.errors:
                form.error("path1", _("Enter a parameter path and its values."))
            scenario = {"name": name, "contract": doc, "vary": vary}
    out = None
    if scenario is not None and form.ok:
        from sharing.scenarios import api

        try:
            out = api.sweep(scenario, doc, max_scenarios=_limit("NEGOTIATE_MAX_GRID", MAX_GRID))
        except InvalidContract as e:
            form.issues(e.issues, _sweep_place(rows))
        except ValueError as e:
            form.problem("", str(e), 400)
    if out is not None:
        out["chart_list"] = _sweep_charts(out)
        out["invalid_rows"] = [r for r in out["rows"] if not r["valid"]]
    return _render("negotiate_sweep.html", form, doc, out=out, contract_name=name)


def _preview(form: Form) -> dict[str, Any] | None:
    """On a GET, the chosen contract (for its paths and parties), or None."""
    src = form.get("source")
    if not src or src == "text":
        return None
    scratch = Form(CONTRACT_FIELDS)
    doc, _name = _document(scratch, src, "source")
    return doc


def _axis(form: Form, doc: dict[str, Any], i: int) -> dict[str, Any] | None:
    path, values = form.get(f"path{i}"), form.get(f"values{i}")
    lo, hi, step = form.get(f"from{i}"), form.get(f"to{i}"), form.get(f"step{i}")
    balance = form.get(f"balance{i}")
    if not (path or values or lo or hi or step):
        return None
    if not path:
        form.error(f"path{i}", _("Enter the path of the parameter to vary."))
        return None
    if (err := _path_error(doc, path)) is not None:
        form.error(f"path{i}", err, 400)
        return None
    item: dict[str, Any] = {"path": path}
    if values and (lo or hi or step):
        form.error(f"values{i}", _("Give a list of values or a range, not both."))
        return None
    if values:
        item["values"] = _values(values)
    elif lo or hi or step:
        for text in (lo, hi, step):
            if not text:
                form.error(f"from{i}", _("A range needs from, to and step."))
                return None
            if (err := _number_error(text)) is not None:
                form.error(f"from{i}", err)
                return None
        item["range"] = {"from": lo, "to": hi, "step": step}
    else:
        form.error(f"values{i}", _("Give the values (e.g. 0.3, 0.4, 0.5) or a range."))
        return None
    if balance:
        item["balance"] = balance
    return item


def _sweep_charts(out: dict[str, Any]) -> list[dict[str, str]]:
    """NPV by value per party: the api's chart for one parameter; for two, one chart per
    value of the second (the first few), drawn by the same chart function."""
    from sharing.scenarios.charts import npv_by_value

    params = out["parameters"]
    if len(params) < 2:
        svg = out["charts"].get("npv_by_value")
        if not svg:
            return []
        title = _("NPV by parameter value")
        return [{"title": title, "svg": _retitle(svg, "NPV by parameter value", title)}]
    p1 = params[0]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in out["rows"]:
        key = " · ".join(f"{p} = {row['params'][p]}" for p in params[1:])
        groups.setdefault(key, []).append(row)
    charts = []
    for key, rows in list(groups.items())[:MAX_CHARTS]:
        xs: list[Any] = []
        for k, row in enumerate(rows):
            try:
                xs.append(Fraction(row["params"][p1]))
            except (ValueError, ZeroDivisionError):
                xs.append(k)  # a word (e.g. a shape): its place
        npvs = {pid: [_fen(r["parties"][pid]["npv"]) if r["valid"] else None for r in rows]
                for pid in out["parties"]}
        svg = npv_by_value(xs, npvs, p1, title=_("NPV with %(fixed)s", fixed=key))
        charts.append({"title": _("NPV by %(path)s, with %(fixed)s", path=p1, fixed=key),
                       "svg": svg})
    return charts


SENSITIVITY_FIELDS = [f"s{r}_{k}" for r in range(SENSITIVITY_ROWS)
                      for k in ("path", "low", "high", "balance")]


@bp.route("/sensitivity", methods=["GET", "POST"])
def sensitivity():
    """Each parameter at its low and high value, the others as in the contract: the change
    of each party's NPV (tornado rows, widest first) and a tornado chart per party."""
    form = _new_form(SENSITIVITY_FIELDS, {})
    if request.method == "GET":
        return _render("negotiate_sensitivity.html", form, _preview(form), out=None,
                       rows=range(SENSITIVITY_ROWS))
    doc, name = _contract(form)
    params: list[tuple[str, str, str]] = []
    balance: dict[str, str] = {}
    where: dict[str, int] = {}
    if doc is not None:
        for r in range(SENSITIVITY_ROWS):
            path, lo, hi = (form.get(f"s{r}_{k}") for k in ("path", "low", "high"))
            if not (path or lo or hi):
                continue
            if not path:
                form.error(f"s{r}_path", _("Enter the path of the parameter."))
                continue
            fine = True
            if (err := _path_error(doc, path)) is not None:
                form.error(f"s{r}_path", err, 400)
                fine = False
            elif path in where:
                form.error(f"s{r}_path", _("This parameter is already in row %(row)s.",
                                           row=where[path] + 1))
                fine = False
            for key, text in (("low", lo), ("high", hi)):
                if not text:
                    form.error(f"s{r}_{key}", _("Enter a value."))
                    fine = False
                elif (err := _number_error(text)) is not None:
                    form.error(f"s{r}_{key}", err)
                    fine = False
            if not fine:
                continue
            where[path] = r
            params.append((path, lo, hi))
            if b := form.get(f"s{r}_balance"):
                balance[path] = b
        if not params and form.ok:
            form.error("s0_path", _("Enter at least one parameter with its low and high "
                                    "values."))
    out = None
    if doc is not None and form.ok:
        from sharing.scenarios import api

        try:
            out = api.sensitivity(doc, params, balance or None)
        except InvalidContract as e:
            form.issues(e.issues, lambda p: None)
        except ValueError as e:
            msg = str(e)
            row = next((r for p, r in where.items() if msg.startswith(p + " =")), None)
            if row is None:
                form.problem("", msg, 400)
            else:
                form.error(f"s{row}_path", _("At one of its values the contract is refused: "
                                             "%(reason)s", reason=msg), 400)
    if out is not None:
        for pid in list(out["charts"]):
            out["charts"][pid] = _retitle(out["charts"][pid], f"Sensitivity of {pid}'s NPV",
                                          _("Sensitivity of %(party)s's NPV", party=pid))
    return _render("negotiate_sensitivity.html", form, doc, out=out, contract_name=name,
                   rows=range(SENSITIVITY_ROWS))


MC_FIELDS = [f"d{r}_{k}" for r in range(DRAW_ROWS)
             for k in ("path", "dist", "decimals", "balance") + DRAW_FIELDS] + \
    ["n", "seed", "scenario_text"]


def _mc_place(rows: list[int]) -> Callable[[str], str | None]:
    def place(path: str) -> str | None:
        m = re.match(r"draws\.params\[(\d+)\](?:\.(\w+))?", path)
        if m and int(m.group(1)) < len(rows):
            r, what = rows[int(m.group(1))], m.group(2)
            if what in DRAW_FIELDS or what in ("path", "dist", "decimals", "balance"):
                return f"d{r}_{what}"
            return f"d{r}"
        if path in ("draws.n", "vary"):
            return "n"
        if path == "draws.seed":
            return "seed"
        if path == "(contract)":
            return f"d{rows[-1]}_path" if rows else "n"
        return None
    return place


@bp.route("/montecarlo", methods=["GET", "POST"])
def montecarlo():
    """Drawn parameters, n and a seed: percentiles of each party's NPV and net total, the
    probabilities of the contract's events and the NPV histogram per party."""
    form = _new_form(MC_FIELDS, {"n": "1000", "seed": "20250101", "d0_dist": "normal"})
    limit = _limit("NEGOTIATE_MAX_SCENARIOS", MAX_SCENARIOS)
    if request.method == "GET":
        return _render("negotiate_montecarlo.html", form, _preview(form), out=None,
                       rows=range(DRAW_ROWS), limit=limit)
    doc, name = _contract(form)
    n = seed = None
    for key in ("n", "seed"):
        text = form.get(key)
        if text and not re.fullmatch(r"\d{1,19}", text.replace(",", "")):
            form.error(key, _("Enter a whole number."))
        elif text:
            value = int(text.replace(",", ""))
            n, seed = (value, seed) if key == "n" else (n, value)
    if n is not None and n < 1:
        form.error("n", _("Enter a whole number."))
    scenario: dict[str, Any] | None = None
    rows: list[int] = []
    if doc is not None:
        if form.get("scenario_text"):
            scenario = _advanced(form, doc)
        else:
            params = []
            for r in range(DRAW_ROWS):
                item = _draw(form, doc, r)
                if item is not None:
                    params.append(item)
                    rows.append(r)
            if not params and not form.errors:
                form.error("d0_path", _("Enter a parameter to draw and its distribution."))
            scenario = {"name": name, "contract": doc,
                        "draws": {"params": params, "n": n or 1000, "seed": seed or 0}}
    out = None
    if scenario is not None and form.ok:
        from sharing.scenarios import api

        try:
            out = api.montecarlo(scenario, doc, n=n, seed=seed, max_scenarios=limit)
        except InvalidContract as e:
            form.issues(e.issues, _mc_place(rows) if rows else
                        (lambda p: "n" if p in ("draws.n", "vary") else None))
        except ValueError as e:
            form.problem("", str(e), 400)
    if out is not None:
        for point in out["grid_points"]:
            for pid in list(point["charts"]):
                point["charts"][pid] = _retitle(point["charts"][pid], f"NPV of {pid}",
                                                _("NPV of %(party)s", party=pid))
    return _render("negotiate_montecarlo.html", form, doc, out=out, contract_name=name,
                   rows=range(DRAW_ROWS), limit=limit, events=EVENTS)


def _draw(form: Form, doc: dict[str, Any], r: int) -> dict[str, Any] | None:
    path = form.get(f"d{r}_path")
    given = {k: form.get(f"d{r}_{k}") for k in DRAW_FIELDS if form.get(f"d{r}_{k}")}
    if not path:
        if given:
            form.error(f"d{r}_path", _("Enter the path of the parameter to draw."))
        return None
    if (err := _path_error(doc, path)) is not None:
        form.error(f"d{r}_path", err, 400)
        return None
    dist = form.get(f"d{r}_dist") or "normal"
    if dist not in DISTS:
        form.error(f"d{r}_dist", _("Choose a distribution."))
        return None
    item: dict[str, Any] = {"path": path, "dist": dist}
    for k in DIST_PARAMS[dist]:  # only the parameters this distribution takes
        if k not in given:
            form.error(f"d{r}_{k}", _("A %(dist)s draw needs this value.",
                                      dist=_dist_label(dist)))
            continue
        if (err := _number_error(given[k])) is not None:
            form.error(f"d{r}_{k}", err)
            continue
        item[k] = given[k]
    if dec := form.get(f"d{r}_decimals"):
        if not re.fullmatch(r"\d{1,2}", dec):
            form.error(f"d{r}_decimals", _("Enter a whole number."))
        else:
            item["decimals"] = int(dec)
    if b := form.get(f"d{r}_balance"):
        item["balance"] = b
    return item


def _dist_label(dist: str) -> str:
    return {"normal": _("normal"), "lognormal": _("lognormal"), "uniform": _("uniform"),
            "triangular": _("triangular")}.get(dist, dist)


COMPARE_FIELDS = [f"c{k}" for k in range(COMPARE_SLOTS)]


@bp.route("/compare", methods=["GET", "POST"])
def compare():
    """Two or more contracts (saved scenarios or examples) side by side: each party's net
    cash flow by year, net total and NPV under each, and each one's difference from the
    first. (Two saved scenarios with IRR: the saved-scenarios page /compare.)"""
    form = Form(COMPARE_FIELDS)
    if request.method == "GET":
        form.read(request.args)
        picked = request.args.getlist("c")[:COMPARE_SLOTS]
        if not picked and not any(form.values.values()):  # the two latest saved, or none
            saved = storage.list_scenarios(storage.db())[:2]
            picked = [f"scenario:{sc.id}" for sc in saved] if len(saved) == 2 else []
        for k, v in enumerate(picked):
            form.values[f"c{k}"] = v[:SHORT_LIMIT]
        return _render("negotiate_compare.html", form, None, out=None,
                       slots=range(COMPARE_SLOTS))
    form.read(request.form)
    chosen: list[tuple[str, dict[str, Any]]] = []
    slots: list[int] = []
    filled = [k for k in range(COMPARE_SLOTS) if form.get(f"c{k}")]
    if len(filled) < 2:
        form.error("c1", _("Choose at least two contracts."))
    for k in filled:
        src = form.get(f"c{k}")
        if not src.startswith(("example:", "scenario:")):
            form.error(f"c{k}", _("Choose a contract."))
            continue
        doc, name = _document(form, src, f"c{k}")
        if doc is not None:
            chosen.append((name, doc))
            slots.append(k)
    out = None
    if form.ok:
        from sharing.scenarios import api

        try:
            out = api.compare(chosen)
        except InvalidContract as e:
            for d in issue_dicts(e.issues):
                m = re.match(r"contracts\[(\d+)\]\.?(.*)", d.get("path", ""))
                if m and int(m.group(1)) < len(slots):
                    form.error(f"c{slots[int(m.group(1))]}",
                               f"{m.group(2) or '(contract)'}: {d['message']}")
                else:
                    form.problem(d.get("path", ""), d["message"])
    return _render("negotiate_compare.html", form, None, out=out,
                   slots=range(COMPARE_SLOTS), letters="ABCDEFGH")


SOLVE_FIELDS = ["find", "kind", "party_a", "party_b", "value", "clause", "d_a", "d_b",
                "formula", "low", "high", "balance"]
SOLVE_KINDS = ("equal", "equity", "value", "nash", "formula")


def _arg(pid: str) -> str:
    return pid if pid.isidentifier() else f"'{pid}'"


def _target(form: Form, doc: dict[str, Any]) -> str | None:
    """The target as the api's formula text, built from the fields (party ids checked
    against the contract, amounts checked as numbers); a typed formula goes as it is, to
    the api's whitelist parser."""
    kind = form.get("kind") or "equal"
    if kind not in SOLVE_KINDS:
        form.error("kind", _("Choose a target."))
        return None
    if kind == "formula":
        text = form.get("formula")
        if not text:
            form.error("formula", _("Enter the target, e.g. npv(a) == 2 * npv(b)."))
            return None
        return text
    parties = _party_ids(doc)

    def party(field: str) -> str | None:
        pid = form.get(field)
        if not pid:
            form.error(field, _("Choose a party."))
        elif pid not in parties or not _ID.match(pid):
            form.error(field, _("%(id)s is not a party of this contract (%(ids)s).", id=pid,
                                ids=", ".join(parties)))
        else:
            return pid
        return None

    def amount(field: str, default: str | None = None) -> str | None:
        text = form.get(field).replace(",", "").replace("，", "").replace(" ", "")
        if not text and default is not None:
            return default
        if not re.fullmatch(r"-?\d{1,15}(\.\d{1,6})?", text):
            form.error(field, _("Enter an amount in yuan, e.g. 120000000 or 1234.56."))
            return None
        return text

    a = party("party_a")
    if kind == "value":
        v = amount("value")
        return f"npv({_arg(a)}) == {v}" if a and v else None
    b = party("party_b")
    if a and b and a == b:
        form.error("party_b", _("Choose two different parties."))
        return None
    if kind == "equal":
        return f"npv({_arg(a)}) == npv({_arg(b)})" if a and b else None
    if kind == "equity":
        clause = form.get("clause")
        if clause and not _ID.match(clause):
            form.error("clause", _("%(id)s is not an id.", id=clause))
            return None
        extra = f", {_arg(clause)}" if clause else ""
        if not (a and b):
            return None
        return (f"npv({_arg(a)}) / npv({_arg(b)}) == equity({_arg(a)}{extra}) / "
                f"equity({_arg(b)}{extra})")
    da, db = amount("d_a", "0"), amount("d_b", "0")
    if a and b and da is not None and db is not None:
        for field, pid in (("party_a", a), ("party_b", b)):
            if not pid.isidentifier():
                form.error(field, _("A Nash target names parties by ids without hyphens."))
                return None
        return f"nash({a}={da}, {b}={db})"
    return None


@bp.route("/solve", methods=["GET", "POST"])
def solve():
    """The value of one parameter that meets a target (equal NPVs, NPVs in the equity
    ratio, a party's NPV equal to an amount, the Nash bargaining solution, or a formula),
    re-run through the engine as a contract of its own; or, when none in the range does,
    the closest value and how close it comes."""
    form = _new_form(SOLVE_FIELDS, {"kind": "equal"})
    if request.method == "GET":
        return _render("negotiate_solve.html", form, _preview(form), out=None,
                       kinds=SOLVE_KINDS)
    doc, name = _contract(form)
    out = None
    target = None
    if doc is not None:
        find = form.get("find")
        if not find:
            form.error("find", _("Enter the path of the parameter to solve for."))
        elif (err := _path_error(doc, find)) is not None:
            form.error("find", err, 400)
        target = _target(form, doc)
        for key in ("low", "high"):
            if (text := form.get(key)) and (err := _number_error(text)) is not None:
                form.error(key, err)
        if (b := form.get("balance")) and b not in _party_ids(doc):
            form.error("balance", _("%(id)s is not a party of this contract (%(ids)s).", id=b,
                                    ids=", ".join(_party_ids(doc))))
    if doc is not None and target is not None and form.ok:
        from sharing.scenarios import api

        try:
            out = api.solve(doc, form.get("find"), target, form.get("low") or None,
                            form.get("high") or None, form.get("balance") or None)
        except InvalidContract as e:
            form.issues(e.issues, lambda p: None)
        except ValueError as e:
            msg = str(e)
            field = "find"
            if msg.startswith("target"):
                field = {"formula": "formula", "equity": "clause"}.get(form.get("kind"), "kind")
            elif "low" in msg or "high" in msg:
                field = "low"
            form.error(field, msg, 400)
    return _render("negotiate_solve.html", form, doc, out=out, contract_name=name,
                   kinds=SOLVE_KINDS, target=target)


EXPLAIN_FIELDS = ["params", "party", "balance"]


@bp.route("/explain", methods=["GET", "POST"])
def explain():
    """Each party's net total and NPV as formulas of the named parameters (text, and LaTeX
    as text), worked out at the contract's values and set beside the engine's ledger."""
    form = _new_form(EXPLAIN_FIELDS, {})
    if request.method == "GET":
        return _render("negotiate_explain.html", form, _preview(form), out=None)
    doc, name = _contract(form)
    out = None
    params: list[str] = []
    if doc is not None:
        params = _values(form.get("params"))
        if not params:
            form.error("params", _("Enter one or more parameter paths."))
        for p in params:
            if (err := _path_error(doc, p)) is not None:
                form.error("params", err, 400)
        party = form.get("party")
        if party and party not in _party_ids(doc):
            form.error("party", _("%(id)s is not a party of this contract (%(ids)s).",
                                  id=party, ids=", ".join(_party_ids(doc))))
    if doc is not None and form.ok:
        from sharing.scenarios import api

        try:
            out = api.explain(doc, params, form.get("party") or None,
                              form.get("balance") or None)
        except InvalidContract as e:
            form.issues(e.issues, lambda p: None)
        except ValueError as e:
            form.error("params", str(e), 400)
    return _render("negotiate_explain.html", form, doc, out=out, contract_name=name)

