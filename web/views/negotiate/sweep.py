"""The sweep page: one or two parameters over a list or a range of values."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import request
from flask_babel import gettext as _

from ...contracts import InvalidContract
from . import bp
from .charts import sweep_charts
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
    split_values,
)

MAX_GRID = 2_000  # NEGOTIATE_MAX_GRID: sweep grid points (one table row each)
SWEEP_FIELDS = [f"{k}{i}" for i in (1, 2) for k in ("path", "values", "from", "to", "step",
                                                   "balance")] + ["scenario_text"]


@bp.route("/sweep", methods=["GET", "POST"])
def sweep() -> tuple[str, int]:
    """One or two parameters over a list or a range: each party's net total and NPV per
    grid point, the invalid points with their reasons, and NPV by value per party."""
    form = new_form(SWEEP_FIELDS, {})
    if request.method == "GET":
        return render_page("negotiate_sweep.html", form, preview(form), out=None)
    doc, name = read_contract(form)
    scenario: dict[str, Any] | None = None
    rows: list[int] = []
    if doc is not None:
        if form.get("scenario_text"):
            scenario = advanced_scenario(form, doc)
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
            out = api.sweep(scenario, doc,
                            max_scenarios=config_limit("NEGOTIATE_MAX_GRID", MAX_GRID))
        except InvalidContract as e:
            form.issues(e.issues, _sweep_place(rows))
        except ValueError as e:
            form.problem("", str(e), 400)
    if out is not None:
        out["chart_list"] = sweep_charts(out, party_names(doc))
        out["invalid_rows"] = [r for r in out["rows"] if not r["valid"]]
    return render_page("negotiate_sweep.html", form, doc, out=out, contract_name=name)


def _axis(form: Form, doc: dict[str, Any], i: int) -> dict[str, Any] | None:
    """The ``vary`` item of the form's axis ``i`` (1 or 2): a path with a list of values or
    a range; None when the axis is empty or wrong (with its field errors)."""
    path, values = form.get(f"path{i}"), form.get(f"values{i}")
    lo, hi, step = form.get(f"from{i}"), form.get(f"to{i}"), form.get(f"step{i}")
    balance = form.get(f"balance{i}")
    if not (path or values or lo or hi or step):
        return None
    if not path:
        form.error(f"path{i}", _("Enter the path of the parameter to vary."))
        return None
    if (err := path_error(doc, path)) is not None:
        form.error(f"path{i}", err, 400)
        return None
    item: dict[str, Any] = {"path": path}
    if values and (lo or hi or step):
        form.error(f"values{i}", _("Give a list of values or a range, not both."))
        return None
    if values:
        item["values"] = split_values(values)
    elif lo or hi or step:
        for text in (lo, hi, step):
            if not text:
                form.error(f"from{i}", _("A range needs from, to and step."))
                return None
            if (err := number_error(text)) is not None:
                form.error(f"from{i}", err)
                return None
        item["range"] = {"from": lo, "to": hi, "step": step}
    else:
        form.error(f"values{i}", _("Give the values (e.g. 0.3, 0.4, 0.5) or a range."))
        return None
    if balance:
        item["balance"] = balance
    return item


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
