"""The sensitivity page: each parameter at a low and a high value (tornado)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ...contracts import InvalidContract
from . import bp
from .charts import tornado_charts
from .contract import read_contract
from .forms import new_form, number_error, party_names, path_error, preview, render_page

SENSITIVITY_ROWS = 6
SENSITIVITY_FIELDS = [f"s{r}_{k}" for r in range(SENSITIVITY_ROWS)
                      for k in ("path", "low", "high", "balance")]


@bp.route("/sensitivity", methods=["GET", "POST"])
def sensitivity() -> tuple[str, int]:
    """Each parameter at its low and high value, the others as in the contract: the change
    of each party's NPV (tornado rows, widest first) and a tornado chart per party."""
    form = new_form(SENSITIVITY_FIELDS, {})
    if request.method == "GET":
        return render_page("negotiate_sensitivity.html", form, preview(form), out=None,
                           rows=range(SENSITIVITY_ROWS))
    doc, name = read_contract(form)
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
            if (err := path_error(doc, path)) is not None:
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
                elif (err := number_error(text)) is not None:
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
        out["charts"] = tornado_charts(out, party_names(doc))
    return render_page("negotiate_sensitivity.html", form, doc, out=out, contract_name=name,
                       rows=range(SENSITIVITY_ROWS))
