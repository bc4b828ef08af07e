"""What a web page calls: plain functions from documents to JSON-ready data and SVG charts.

Every function takes parsed documents (dicts, e.g. from :func:`sharing.api.load_document`)
and never reads a file named in them: a scenario document for the web must carry its
contract inline (``contract: {...}``) or the contract is passed separately. Contracts and
scenario files that must be refused raise :class:`schemas.errors.InvalidContract` (its
``.issues`` carry path and message: HTTP 422); a bad parameter path or target raises
``ValueError`` (HTTP 400). Amounts are yuan strings ("1234.50"), probabilities exact
fractions with a percentage, charts SVG text ready to embed (every label escaped).

    sweep(scenario_doc)                      -> sweep table + NPV-by-value chart
    montecarlo(scenario_doc, n=, seed=)      -> percentiles, probabilities + histograms
    compare([(name, contract_doc), ...])     -> side by side per party and year
    explain(contract_doc, params, party=)    -> formulas (text, LaTeX) and their check
    solve(contract_doc, find, target)        -> the value and its check on the engine
    sensitivity(contract_doc, [(path, low, high), ...]) -> tornado rows + chart per party

Long runs take ``progress(done, total)``; ``max_scenarios`` lets a page refuse a run that is
too big for a request (raise before computing).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from schemas.errors import InvalidContract, issue
from schemas.numbers import exact_text

Progress = Callable[[int, int], None] | None


def _plan(scenario_doc: dict[str, Any], contract_doc: dict[str, Any] | None,
          n: int | None = None, seed: int | None = None, max_scenarios: int | None = None):
    from pydantic import ValidationError

    from schemas.errors import from_pydantic
    from schemas.scenario import ScenarioFile

    from .plan import ScenarioFileError, build_plan

    try:
        spec = ScenarioFile.model_validate(scenario_doc)
    except ValidationError as e:
        raise ScenarioFileError(from_pydantic(e.errors(include_url=False),
                                              frozenset())) from None
    base = spec.contract if isinstance(spec.contract, dict) else contract_doc
    if base is None:
        raise ScenarioFileError([issue("contract", "scenario_contract_inline", "give the "
                                       "contract inline (contract: {...}); a path is not "
                                       "read here")])
    plan = build_plan(spec, dict(base), "(scenario)", n=n, seed=seed)
    if max_scenarios is not None and plan.total > max_scenarios:
        raise ScenarioFileError([issue("vary" if not plan.draws else "draws.n",
                                       "scenario_too_many", "{count} scenarios; this page "
                                       "runs at most {limit}", count=f"{plan.total:,}",
                                       limit=f"{max_scenarios:,}")])
    return plan


def sweep(scenario_doc: dict[str, Any], contract_doc: dict[str, Any] | None = None, *,
          years: bool = False, progress: Progress = None,
          max_scenarios: int | None = None) -> dict[str, Any]:
    """The sweep document (:func:`.report.sweep_document`) plus ``charts``: for a sweep
    along one axis (or the first axis with the others at their first value), each party's
    NPV by that parameter's value."""
    from .charts import npv_by_value
    from .report import sweep_document
    from .runner import run_plan

    plan = _plan(scenario_doc, contract_doc, n=1, max_scenarios=max_scenarios)
    res = run_plan(plan, keep_years=years, progress=progress)
    doc = sweep_document(res, plan, years)
    doc["charts"] = {}
    if plan.axes:
        stride = plan.grid_size // len(plan.axes[0].values)  # first axis, others at index 0
        idx = [k * stride for k in range(len(plan.axes[0].values))]
        npvs = {pid: [int(res.npv[i, p]) if res.valid[i] else None for i in idx]
                for p, pid in enumerate(plan.parties)}
        values = [v if not isinstance(v, str) else k for k, v in
                  enumerate(plan.axes[0].values)]
        doc["charts"]["npv_by_value"] = npv_by_value(values, npvs, str(plan.axes[0].param.path))
    return doc


def montecarlo(scenario_doc: dict[str, Any], contract_doc: dict[str, Any] | None = None, *,
               n: int | None = None, seed: int | None = None, progress: Progress = None,
               max_scenarios: int | None = None, engine: str = "local",
               scheduler: Any = None, chart_text: Any = None,
               chart_title: Callable[[str], str] | None = None,
               narrow: bool = False) -> dict[str, Any]:
    """The Monte Carlo document (:func:`.report.mc_document`) plus, per grid point,
    ``charts[party]``: the histogram of that party's NPV with P5, P50 and P95 marked.
    ``chart_text`` (a :class:`.charts.ChartText`) and ``chart_title`` (party id → title) put
    the charts in the reader's language; a title given this way is the page's caption, not
    drawn in the chart. ``narrow``: also ``charts_narrow[party]``, drawn for a phone."""
    import numpy as np

    from .charts import ENGLISH, NARROW, histogram
    from .report import mc_document
    from .runner import run_plan
    from .stats import percentile

    plan = _plan(scenario_doc, contract_doc, n=n, seed=seed, max_scenarios=max_scenarios)
    if not plan.draws:
        raise ValueError("a Monte Carlo run needs draws")
    res = run_plan(plan, progress=progress, engine=engine, scheduler=scheduler)
    doc = mc_document(res, plan)
    for g, point in enumerate(doc["grid_points"]):
        sl = slice(g * plan.n, (g + 1) * plan.n)
        valid = res.valid[sl]
        point["charts"] = {}
        if narrow:
            point["charts_narrow"] = {}
        for p, pid in enumerate(plan.parties):
            v = np.sort(res.npv[sl][valid, p])
            marks = {f"P{q}": percentile(v, q) for q in (5, 50, 95)} if len(v) else {}
            opts = {"title": chart_title(pid) if chart_title else f"NPV of {pid}",
                    "marks": marks, "text": chart_text or ENGLISH,
                    "show_title": chart_title is None}
            point["charts"][pid] = histogram(v.tolist(), **opts)
            if narrow:
                point["charts_narrow"][pid] = histogram(v.tolist(), layout=NARROW, **opts)
    return doc


def compare(contracts: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Contracts side by side (:func:`.compare.as_json`); raises InvalidContract naming the
    contract (``contracts[k]``) whose document is refused."""
    from sharing.api import parse_contract

    from .compare import as_json
    from .compare import compare as run_compare

    parsed = []
    for k, (name, doc) in enumerate(contracts):
        try:
            parsed.append((name, parse_contract(doc)))
        except InvalidContract as e:
            raise InvalidContract([issue(f"contracts[{k}].{i.path}", i.code, i.template,
                                         **i.params) for i in e.issues]) from None
    return as_json(run_compare(parsed))


def explain(contract_doc: dict[str, Any], params: list[str], party: str | None = None,
            balance: str | None = None) -> dict[str, Any]:
    """Formulas of the named parameters (:func:`.explain.explain`)."""
    from sharing.api import parse_contract

    from .explain import explain as run_explain

    return run_explain(contract_doc, parse_contract(contract_doc), params, party, balance)


def solve(contract_doc: dict[str, Any], find: str, target: str, low: str | None = None,
          high: str | None = None, balance: str | None = None) -> dict[str, Any]:
    """The parameter value that meets the target, and its check (:func:`.solve.solve`)."""
    from sharing.api import parse_contract

    from .solve import solve as run_solve

    out = run_solve(contract_doc, parse_contract(contract_doc), find, target, low, high,
                    balance)
    out["value"] = exact_text(out["value"])
    return out


def sensitivity(contract_doc: dict[str, Any], params: list[tuple[str, Any, Any]],
                balance: dict[str, str] | None = None) -> dict[str, Any]:
    """Each party's NPV at each parameter's low and high value, the others as in the
    contract: tornado rows (widest first, changes in yuan) and a tornado chart per party."""
    from schemas.scenario import Vary
    from sharing.api import parse_contract
    from sharing.money import format_yuan

    from .charts import tornado as tornado_chart
    from .plan import plan_from_contract
    from .runner import run_plan
    from .stats import tornado

    base = run_plan(plan_from_contract(contract_doc))
    contract = parse_contract(contract_doc)
    pids = [p.id for p in contract.parties]
    base_npv = {pid: int(base.npv[0, p]) for p, pid in enumerate(pids)}
    swings = []
    for path, low, high in params:
        plan = plan_from_contract(contract_doc, [Vary(path=path, values=[low, high],
                                                      balance=(balance or {}).get(path))])
        res = run_plan(plan)
        if not res.valid.all():
            bad = 0 if not res.valid[0] else 1
            raise ValueError(f"{path} = {plan.describe(bad)[path]}: {res.reason_of(bad)}")
        swings.append((path, _text(low), _text(high),
                       {pid: int(res.npv[0, p]) for p, pid in enumerate(pids)},
                       {pid: int(res.npv[1, p]) for p, pid in enumerate(pids)}))
    rows = tornado(base_npv, swings)
    charts = {pid: tornado_chart(rows, pid, title=f"Sensitivity of {pid}'s NPV")
              for pid in pids}
    for r in rows:
        r["parties"] = {pid: {k: format_yuan(v) for k, v in d.items()}
                        for pid, d in r["parties"].items()}
    return {"base_npv": {pid: format_yuan(v) for pid, v in base_npv.items()},
            "rows": rows, "charts": charts}


def _text(v: Any) -> str:
    if isinstance(v, (int, float, Fraction)) and not isinstance(v, bool):
        from schemas.numbers import exact

        return str(exact_text(exact(v)))
    return str(v)
