"""The solve page: the value of one parameter that meets a target."""

from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_babel import gettext as _

from ...contracts import InvalidContract
from . import bp
from .contract import ID, party_ids, read_contract
from .forms import Form, new_form, number_error, path_error, preview, render_page

SOLVE_FIELDS = ["find", "kind", "party_a", "party_b", "value", "clause", "d_a", "d_b",
                "formula", "low", "high", "balance"]
SOLVE_KINDS = ("equal", "equity", "value", "nash", "formula")


@bp.route("/solve", methods=["GET", "POST"])
def solve() -> tuple[str, int]:
    """The value of one parameter that meets a target (equal NPVs, NPVs in the equity
    ratio, a party's NPV equal to an amount, the Nash bargaining solution, or a formula),
    re-run through the engine as a contract of its own; or, when none in the range does,
    the closest value and how close it comes."""
    form = new_form(SOLVE_FIELDS, {"kind": "equal"})
    if request.method == "GET":
        return render_page("negotiate_solve.html", form, preview(form), out=None,
                           kinds=SOLVE_KINDS)
    doc, name = read_contract(form)
    out = None
    target = None
    if doc is not None:
        find = form.get("find")
        if not find:
            form.error("find", _("Enter the path of the parameter to solve for."))
        elif (err := path_error(doc, find)) is not None:
            form.error("find", err, 400)
        target = _target(form, doc)
        for key in ("low", "high"):
            if (text := form.get(key)) and (err := number_error(text)) is not None:
                form.error(key, err)
        if (b := form.get("balance")) and b not in party_ids(doc):
            form.error("balance", _("%(id)s is not a party of this contract (%(ids)s).", id=b,
                                    ids=", ".join(party_ids(doc))))
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
    return render_page("negotiate_solve.html", form, doc, out=out, contract_name=name,
                       kinds=SOLVE_KINDS, target=target)


def _arg(pid: str) -> str:
    """An id as an argument of the api's formula: bare when it is a name, else quoted."""
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
    parties = party_ids(doc)

    def party(field: str) -> str | None:
        pid = form.get(field)
        if not pid:
            form.error(field, _("Choose a party."))
        elif pid not in parties or not ID.match(pid):
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
        if clause and not ID.match(clause):
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
