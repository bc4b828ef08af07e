"""Contracts side by side: each party's net cash flow by year, totals and NPV, with the
difference of each contract from the first (``sharing compare A.yaml B.yaml …``).

Parties are matched by id and years by calendar year, so contracts of different lengths or
start years line up; a party or year a contract does not have shows as absent (None), not 0.
"""

from __future__ import annotations

from typing import Any

from schemas.contract import Contract
from sharing.money import format_yuan


def compare(contracts: list[tuple[str, Contract]]) -> dict[str, Any]:
    """The comparison of named contracts (first = the reference), amounts in fen (ints).

    Returns ``{"contracts": [names], "years": [calendar years], "parties": {pid: {"name",
    "net_by_year": [[fen or None per contract] per year], "net_total": [...], "npv": [...],
    "diff_by_year": [[fen or None per contract] per year], "diff_total", "diff_npv"}}}``;
    a difference is contract k minus contract 0.
    """
    from sharing.api import evaluate_contract
    from sharing.finance import npv

    runs = []
    for name, c in contracts:
        run = evaluate_contract(c)
        rows = {}
        for i, p in enumerate(c.parties):
            flows = [int(v) for v in run.ledger.net[i, 0]]
            rate = p.discount_rate if p.discount_rate is not None else c.discount_rate
            rows[p.id] = {"name": p.name, "flows": dict(zip(
                [c.calendar(t) for t in range(1, c.years + 1)], flows, strict=True)),
                "total": sum(flows), "npv": npv(flows, rate)}
        runs.append((name, rows))
    years = sorted({y for _, rows in runs for r in rows.values() for y in r["flows"]})
    pids: list[str] = []
    for _, rows in runs:
        pids += [p for p in rows if p not in pids]
    parties: dict[str, Any] = {}
    for pid in pids:
        name = next(rows[pid]["name"] for _, rows in runs if pid in rows)
        by_year = [[rows[pid]["flows"].get(y) if pid in rows else None for _, rows in runs]
                   for y in years]
        total = [rows[pid]["total"] if pid in rows else None for _, rows in runs]
        npvs = [rows[pid]["npv"] if pid in rows else None for _, rows in runs]
        parties[pid] = {
            "name": name,
            "net_by_year": by_year,
            "net_total": total,
            "npv": npvs,
            "diff_by_year": [_diff(row) for row in by_year],
            "diff_total": _diff(total),
            "diff_npv": _diff(npvs),
        }
    return {"contracts": [name for name, _ in runs], "years": years, "parties": parties}


def _diff(row: list[int | None]) -> list[int | None]:
    ref = row[0]
    return [None if ref is None or v is None else v - ref for v in row]


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    """The comparison with amounts as yuan strings ("1234.50"), for JSON."""
    def cell(v: int | None) -> str | None:
        return None if v is None else format_yuan(v)

    out = {"contracts": data["contracts"], "years": data["years"], "parties": {}}
    for pid, p in data["parties"].items():
        out["parties"][pid] = {
            "name": p["name"],
            **{k: [[cell(v) for v in row] for row in p[k]]
               for k in ("net_by_year", "diff_by_year")},
            **{k: [cell(v) for v in p[k]] for k in ("net_total", "npv", "diff_total",
                                                   "diff_npv")},
        }
    return out


def render(data: dict[str, Any]) -> str:
    """A text table per party: one row a year, one column per contract, then differences."""
    from sharing.cli import _pad, _width

    names = data["contracts"]
    labels = [chr(ord("A") + i) if i < 26 else f"#{i + 1}" for i in range(len(names))]
    out = ["contracts compared (differences are against A):"]
    out += [f"  {lab} = {name}" for lab, name in zip(labels, names, strict=True)]

    def cell(v: int | None, signed: bool = False) -> str:
        if v is None:
            return "—"
        text = format_yuan(v, grouped=True)
        return ("+" + text) if signed and v > 0 else text

    for pid, p in data["parties"].items():
        head = ["year"] + labels + [f"{lab}−A" for lab in labels[1:]]
        rows = []
        for y, row, diff in zip(data["years"], p["net_by_year"], p["diff_by_year"],
                                strict=True):
            rows.append([str(y)] + [cell(v) for v in row] + [cell(v, True) for v in diff[1:]])
        foot = [["total"] + [cell(v) for v in p["net_total"]]
                + [cell(v, True) for v in p["diff_total"][1:]],
                ["NPV"] + [cell(v) for v in p["npv"]]
                + [cell(v, True) for v in p["diff_npv"][1:]]]
        widths = [max(_width(r[j]) for r in [head] + rows + foot) for j in range(len(head))]

        def line(r: list[str], widths: list[int] = widths) -> str:
            return "  ".join(_pad(c, widths[j], right=j > 0) for j, c in enumerate(r))

        rule = "  ".join("-" * w for w in widths)
        out += ["", f"{pid} ({p['name']})" if p["name"] else pid, line(head), rule]
        out += [line(r) for r in rows] + [rule] + [line(r) for r in foot]
    return "\n".join(out) + "\n"
