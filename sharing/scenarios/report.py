"""Sweep and Monte Carlo results as JSON-ready documents, text tables and CSV.

Amounts are yuan strings with two decimals (``"1234.50"``), as in a contract's result;
probabilities are exact fractions (``"11029/20000"``) with a percentage beside them.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sharing.money import format_yuan

from .plan import Plan
from .runner import FLAGS, Results
from .stats import FLAG_LABELS, PERCENTILES, monte_carlo, percent

FLAG_LETTERS = {"cap_reached": "C", "guarantee_called": "G", "pool_exhausted": "D",
                "exit_triggered": "X"}


def sweep_rows(results: Results, plan: Plan, years: bool = False) -> list[dict[str, Any]]:
    """One JSON-ready row per scenario: its parameters, validity and each party's figures."""
    rows = []
    for s in range(results.size):
        i = results.start + s
        row: dict[str, Any] = {"scenario": i, "params": plan.describe(i),
                               "valid": bool(results.valid[s]), "reason": results.reason_of(s)}
        if results.valid[s]:
            parties = {}
            for p, pid in enumerate(results.parties):
                parties[pid] = {"net_total": format_yuan(int(results.net_total[s, p])),
                                "npv": format_yuan(int(results.npv[s, p]))}
                if years and results.net is not None:
                    parties[pid]["net_by_year"] = [format_yuan(int(v))
                                                   for v in results.net[s, p]]
            row["parties"] = parties
            row["events"] = {f: bool(results.flags[f][s]) for f in FLAGS}
            row["last_year"] = results.years[int(results.last[s]) - 1]
        rows.append(row)
    return rows


def sweep_document(results: Results, plan: Plan, years: bool = False) -> dict[str, Any]:
    return {
        "kind": "sweep",
        "name": plan.name,
        "scenarios": results.size,
        "valid": int(results.valid.sum()),
        "parameters": [str(a.param.path) for a in plan.axes],
        "parties": results.parties,
        "years": results.years,
        "results_sha256": results.digest(),
        "rows": sweep_rows(results, plan, years),
    }


def _table(head: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    from sharing.cli import _pad, _width

    widths = [max(_width(r[j]) for r in [head] + rows) for j in range(len(head))]
    rule = "  ".join("-" * w for w in widths)

    def line(r: list[str]) -> str:
        return "  ".join(_pad(c, widths[j], right=j >= left) for j, c in enumerate(r))

    return [line(head), rule] + [line(r) for r in rows]


def render_sweep(results: Results, plan: Plan) -> str:
    doc_rows = sweep_rows(results, plan)
    out = [f"{plan.name}: sweep of {results.size:,} scenarios, {int(results.valid.sum()):,} "
           f"valid (results sha256 {results.digest()[:16]}…)", ""]
    labels = [f"p{k + 1}" for k in range(len(plan.axes))]
    out += [f"  {lab} = {a.param.path}" for lab, a in zip(labels, plan.axes, strict=True)]
    out += ["  events: C a cap is reached, G a guarantee is called, D the pool runs dry, "
            "X an exit is triggered", ""]
    head = ["#"] + labels
    for pid in results.parties:
        head += [f"{pid} total", f"{pid} NPV"]
    head += ["events"]
    rows = []
    notes = []
    for r in doc_rows:
        cells = [str(r["scenario"])] + list(r["params"].values())
        if r["valid"]:
            for pid in results.parties:
                cells += [_grouped(r["parties"][pid]["net_total"]),
                          _grouped(r["parties"][pid]["npv"])]
            cells.append("".join(FLAG_LETTERS[f] for f in FLAGS if r["events"][f]) or "—")
        else:
            cells += ["—"] * (2 * len(results.parties)) + ["invalid"]
            notes.append(f"  scenario {r['scenario']}: {r['reason']}")
        rows.append(cells)
    out += _table(head, rows, left=len(labels) + 1)
    if notes:
        out += ["", "invalid scenarios (their contracts would be refused):"] + notes
    return "\n".join(out) + "\n"


def _grouped(amount: str) -> str:
    from sharing.cli import _grouped as g

    return g(amount)


def render_sweep_csv(results: Results, plan: Plan, years: bool = False) -> str:
    from sharing.cells import csv_row, header_line

    buf = io.StringIO()
    buf.write(f"# {header_line(plan.name)}\n# results sha256 {results.digest()}\n")
    w = csv.writer(buf, lineterminator="\n")
    head = ["scenario"] + [str(a.param.path) for a in plan.axes] + ["valid", "reason"]
    for pid in results.parties:
        head += [f"{pid}.net_total", f"{pid}.npv"]
        if years:
            head += [f"{pid}.{y}" for y in results.years]
    head += list(FLAGS) + ["last_year"]
    w.writerow(csv_row(head))
    for r in sweep_rows(results, plan, years):
        cells = [r["scenario"], *r["params"].values(), r["valid"], r["reason"] or ""]
        for pid in results.parties:
            pr = r.get("parties", {}).get(pid)
            cells += [pr["net_total"], pr["npv"]] if pr else ["", ""]
            if years:
                cells += pr["net_by_year"] if pr else [""] * len(results.years)
        cells += [r["events"][f] if r["valid"] else "" for f in FLAGS]
        cells.append(r.get("last_year", ""))
        w.writerow(csv_row(cells))
    return buf.getvalue()


# ---- Monte Carlo ---------------------------------------------------------------------------

def mc_document(results: Results, plan: Plan) -> dict[str, Any]:
    """Every grid point's Monte Carlo summary, JSON-ready."""
    points = []
    for g in range(plan.grid_size):
        mc = monte_carlo(results, plan, g)
        mc["parties"] = {pid: {what: {k: format_yuan(v) for k, v in d.items()}
                               for what, d in figs.items()}
                         for pid, figs in mc["parties"].items()}
        mc["probabilities"] = {f: {"count": v["count"], "of": v["of"],
                                   "probability": f"{v['probability'].numerator}/"
                                                  f"{v['probability'].denominator}",
                                   "percent": percent(v["probability"])}
                               for f, v in mc["probabilities"].items()}
        points.append(mc)
    return {
        "kind": "montecarlo",
        "name": plan.name,
        "seed": plan.seed,
        "n": plan.n,
        "draws": [{"path": str(d.param.path), "dist": d.draw.dist, "decimals": d.decimals}
                  for d in plan.draws],
        "parameters": [str(a.param.path) for a in plan.axes],
        "results_sha256": results.digest(),
        "grid_points": points,
    }


def render_mc(results: Results, plan: Plan) -> str:
    doc = mc_document(results, plan)
    out = [f"{plan.name}: Monte Carlo, {plan.n:,} scenarios"
           + (f" at each of {plan.grid_size:,} grid points" if plan.axes else "")
           + f", seed {plan.seed} (results sha256 {doc['results_sha256'][:16]}…)",
           "drawn: " + ", ".join(f"{d['path']} ({d['dist']}, {d['decimals']} decimals)"
                                 for d in doc["draws"])]
    for mc in doc["grid_points"]:
        out.append("")
        if mc["params"]:
            out.append("grid point " + ", ".join(f"{k} = {v}" for k, v in mc["params"].items()))
        out.append(f"valid scenarios: {mc['valid']:,} of {mc['n']:,}")
        for reason, count in mc["invalid"].items():
            out.append(f"  invalid ({count:,}): {reason}")
        if not mc["valid"]:
            continue
        head = ["yuan"] + [f"P{p}" for p in PERCENTILES] + ["mean", "min", "max"]
        rows = []
        for pid, figs in mc["parties"].items():
            for what, label in (("npv", "NPV"), ("net_total", "net total")):
                d = figs[what]
                rows.append([f"{pid} {label}"] + [_grouped(d[f"p{p}"]) for p in PERCENTILES]
                            + [_grouped(d["mean"]), _grouped(d["min"]), _grouped(d["max"])])
        out += _table(head, rows)
        out.append("")
        out.append("probability that, in the contract's life, …")
        for f, v in mc["probabilities"].items():
            out.append(f"  {FLAG_LABELS[f]:24} {v['percent']:>9}  ({v['count']:,} of "
                       f"{v['of']:,})")
    return "\n".join(out) + "\n"
