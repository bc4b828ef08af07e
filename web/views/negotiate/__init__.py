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

This module holds the blueprint and the overview page; each page has its own module
(:mod:`.sweep`, :mod:`.sensitivity`, :mod:`.montecarlo`, :mod:`.compare`, :mod:`.solve`,
:mod:`.explain`), on the form of :mod:`.forms` and the contract of :mod:`.contract`.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from .contract import parameter_paths

bp = Blueprint("negotiate", __name__, url_prefix="/negotiate")


@bp.get("", strict_slashes=False)
def index() -> str:
    """The overview: a card per negotiation page."""
    return render_template("negotiate.html")


# The pages register their routes on ``bp`` when imported (after it exists).
from . import compare, explain, montecarlo, sensitivity, solve, sweep  # noqa: E402

__all__ = ["bp", "compare", "explain", "index", "montecarlo", "parameter_paths",
           "sensitivity", "solve", "sweep"]
