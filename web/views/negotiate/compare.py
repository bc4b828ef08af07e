"""The compare page: two or more contracts side by side."""

from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_babel import gettext as _

from ... import auth, storage
from ...contracts import InvalidContract
from ...i18n import issue_dicts
from . import bp
from .contract import read_document
from .forms import SHORT_LIMIT, Form, render_page

COMPARE_SLOTS = 4
COMPARE_FIELDS = [f"c{k}" for k in range(COMPARE_SLOTS)]


@bp.route("/compare", methods=["GET", "POST"])
def compare() -> tuple[str, int]:
    """Two or more contracts (saved scenarios or examples) side by side: each party's net
    cash flow by year, net total and NPV under each, and each one's difference from the
    first. (Two saved scenarios with IRR: the saved-scenarios page /compare.)"""
    form = Form(COMPARE_FIELDS)
    if request.method == "GET":
        form.read(request.args)
        picked = request.args.getlist("c")[:COMPARE_SLOTS]
        if not picked and not any(form.values.values()):  # the two latest saved, or none
            saved = storage.list_scenarios(storage.db(), auth.reader_filter())[:2]
            picked = [f"scenario:{sc.id}" for sc in saved] if len(saved) == 2 else []
        for k, v in enumerate(picked):
            form.values[f"c{k}"] = v[:SHORT_LIMIT]
        return render_page("negotiate_compare.html", form, None, out=None,
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
        doc, name = read_document(form, src, f"c{k}")
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
    return render_page("negotiate_compare.html", form, None, out=out,
                       slots=range(COMPARE_SLOTS), letters="ABCDEFGH")
