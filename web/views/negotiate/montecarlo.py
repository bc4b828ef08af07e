"""The Monte Carlo page: parameters drawn from distributions, n draws from a seed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import request
from flask_babel import gettext as _

from ...contracts import InvalidContract
from . import bp
from .charts import chart_text
from .contract import advanced_scenario, read_contract
from .forms import (
    Form,
    config_limit,
    new_form,
    number_error,
    party_names,
    path_error,
    preview,
    render_page,
)

MAX_SCENARIOS = 20_000  # NEGOTIATE_MAX_SCENARIOS: Monte Carlo draws × grid points
DRAW_ROWS = 4
DISTS = ("normal", "lognormal", "uniform", "triangular")
DIST_PARAMS = {"normal": ("mean", "sd"), "lognormal": ("median", "sigma"),
               "uniform": ("low", "high"), "triangular": ("low", "mode", "high")}
DRAW_FIELDS = ("mean", "sd", "median", "sigma", "low", "mode", "high")
EVENTS = ("cap_reached", "guarantee_called", "pool_exhausted", "exit_triggered")
MC_FIELDS = [f"d{r}_{k}" for r in range(DRAW_ROWS)
             for k in ("path", "dist", "decimals", "balance") + DRAW_FIELDS] + \
    ["n", "seed", "scenario_text"]


@bp.route("/montecarlo", methods=["GET", "POST"])
def montecarlo() -> tuple[str, int]:
    """Drawn parameters, n and a seed: percentiles of each party's NPV and net total, the
    probabilities of the contract's events and the NPV histogram per party."""
    form = new_form(MC_FIELDS, {"n": "1000", "seed": "20250101", "d0_dist": "normal"})
    limit = config_limit("NEGOTIATE_MAX_SCENARIOS", MAX_SCENARIOS)
    if request.method == "GET":
        return render_page("negotiate_montecarlo.html", form, preview(form), out=None,
                           rows=range(DRAW_ROWS), limit=limit)
    doc, name = read_contract(form)
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
            scenario = advanced_scenario(form, doc)
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
            names = party_names(doc)
            out = api.montecarlo(scenario, doc, n=n, seed=seed, max_scenarios=limit,
                                 chart_text=chart_text(), narrow=True,
                                 chart_title=lambda pid: _("NPV of %(party)s",
                                                           party=names.get(pid, pid)))
        except InvalidContract as e:
            form.issues(e.issues, _mc_place(rows) if rows else
                        (lambda p: "n" if p in ("draws.n", "vary") else None))
        except ValueError as e:
            form.problem("", str(e), 400)
    return render_page("negotiate_montecarlo.html", form, doc, out=out, contract_name=name,
                       rows=range(DRAW_ROWS), limit=limit, events=EVENTS)


def _draw(form: Form, doc: dict[str, Any], r: int) -> dict[str, Any] | None:
    """The ``draws.params`` item of the form's row ``r``: a path, a distribution and the
    parameters it takes; None when the row is empty or wrong (with its field errors)."""
    path = form.get(f"d{r}_path")
    given = {k: form.get(f"d{r}_{k}") for k in DRAW_FIELDS if form.get(f"d{r}_{k}")}
    if not path:
        if given:
            form.error(f"d{r}_path", _("Enter the path of the parameter to draw."))
        return None
    if (err := path_error(doc, path)) is not None:
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
        if (err := number_error(given[k])) is not None:
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
    """A distribution's name in the page's language."""
    return {"normal": _("normal"), "lognormal": _("lognormal"), "uniform": _("uniform"),
            "triangular": _("triangular")}.get(dist, dist)


def _mc_place(rows: list[int]) -> Callable[[str], str | None]:
    """Where an issue of the built scenario goes: draws.params[k] is the form's row rows[k]."""
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
