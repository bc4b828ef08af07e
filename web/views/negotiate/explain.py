"""The formulas page: each party's totals as formulas of the named parameters."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ...contracts import InvalidContract
from . import bp
from .contract import party_ids, read_contract
from .forms import new_form, path_error, preview, render_page, split_values

EXPLAIN_FIELDS = ["params", "party", "balance"]
#: Symbols per request: sympy's work grows quickly with each one, and it runs in the request
#: (a 30-year contract with two parameters takes seconds); the CLI has no such limit.
MAX_PARAMS = 3


@bp.route("/explain", methods=["GET", "POST"])
def explain() -> tuple[str, int]:
    """Each party's net total and NPV as formulas of the named parameters (text, and LaTeX
    as text), worked out at the contract's values and set beside the engine's ledger."""
    form = new_form(EXPLAIN_FIELDS, {})
    if request.method == "GET":
        return render_page("negotiate_explain.html", form, preview(form), out=None)
    doc, name = read_contract(form)
    out = None
    params: list[str] = []
    if doc is not None:
        params = split_values(form.get("params"))
        if not params:
            form.error("params", _("Enter one or more parameter paths."))
        elif len(params) > MAX_PARAMS:
            form.error("params", _("%(count)d parameters; this page explains at most "
                                   "%(limit)d at a time (sharing explain on the command "
                                   "line takes more).", count=len(params), limit=MAX_PARAMS))
        for p in params:
            if (err := path_error(doc, p)) is not None:
                form.error("params", err, 400)
        party = form.get("party")
        if party and party not in party_ids(doc):
            form.error("party", _("%(id)s is not a party of this contract (%(ids)s).",
                                  id=party, ids=", ".join(party_ids(doc))))
    if doc is not None and form.ok:
        from sharing.scenarios import api

        try:
            out = api.explain(doc, params, form.get("party") or None,
                              form.get("balance") or None)
        except InvalidContract as e:
            form.issues(e.issues, lambda p: None)
        except ValueError as e:
            form.error("params", str(e), 400)
    return render_page("negotiate_explain.html", form, doc, out=out, contract_name=name)
