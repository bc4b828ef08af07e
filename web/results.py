"""What a results page shows, computed from the §4 result document (no engine calls)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

#: Entry kinds that are a party's receipts from a clause (semantics §3).
RECEIPT_KINDS = frozenset({"baseline", "share", "cap_excess", "dividend", "loss"})


def D(text: Any) -> Decimal:
    return Decimal(str(text)) if text not in (None, "") else Decimal(0)


def party_ids(result: dict[str, Any]) -> list[str]:
    return list(result["parties"])


def receipts_by_year(result: dict[str, Any]) -> dict[str, list[Decimal]]:
    """Each party's receipts (§3) in each year, for the chart."""
    years = result["years"]
    pos = {y: i for i, y in enumerate(years)}
    out = {p: [Decimal(0)] * len(years) for p in result["parties"]}
    for e in result["entries"]:
        if e["kind"] in RECEIPT_KINDS and e["clause"] is not None and e["party"] in out:
            i = pos.get(e["year"])
            if i is not None:
                out[e["party"]][i] += D(e["amount"])
    return out


def cumulative(values: list[Any]) -> list[Decimal]:
    acc, out = Decimal(0), []
    for v in values:
        acc += D(v)
        out.append(acc)
    return out


def kinds_in(result: dict[str, Any]) -> list[str]:
    from sharing.ledger import ENTRY_KINDS

    seen = {k for p in result["parties"].values() for k in p["totals_by_kind"]}
    return [k for k in ENTRY_KINDS if k in seen]


def year_totals(result: dict[str, Any]) -> list[Decimal]:
    return [sum((D(p["net_by_year"][i]) for p in result["parties"].values()), Decimal(0))
            for i in range(len(result["years"]))]


def filter_entries(result: dict[str, Any], *, party: str | None = None,
                   year: int | None = None, kind: str | None = None,
                   clause: str | None = None) -> list[dict[str, Any]]:
    out = []
    for e in result["entries"]:
        if party is not None and e["party"] != party:
            continue
        if year is not None and e["year"] != year:
            continue
        if kind is not None and e["kind"] != kind:
            continue
        if clause is not None and (e["clause"] or "") != clause:
            continue
        out.append(e)
    return out


def net_entries_total(entries: list[dict[str, Any]]) -> Decimal:
    return sum((D(e["amount"]) for e in entries), Decimal(0))


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two results side by side: each party's net by year, B − A, totals and NPV."""
    parties = list(a["parties"]) + [p for p in b["parties"] if p not in a["parties"]]
    years = sorted(set(a["years"]) | set(b["years"]))

    def by_year(res: dict[str, Any], pid: str) -> dict[int, Decimal]:
        p = res["parties"].get(pid)
        if p is None:
            return {}
        return {y: D(v) for y, v in zip(res["years"], p["net_by_year"], strict=True)}

    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    summary = []
    for pid in parties:
        ay, by = by_year(a, pid), by_year(b, pid)
        for y in years:
            va, vb = ay.get(y), by.get(y)
            rows[pid].append({"year": y, "a": va, "b": vb,
                              "diff": (vb or Decimal(0)) - (va or Decimal(0))})
        pa, pb = a["parties"].get(pid), b["parties"].get(pid)
        ta = D(pa["net_total"]) if pa else None
        tb = D(pb["net_total"]) if pb else None
        na = D(pa["npv"]) if pa else None
        nb = D(pb["npv"]) if pb else None
        summary.append({
            "party": pid,
            "name": (pa or pb)["name"] or pid,
            "total_a": ta, "total_b": tb, "total_diff": (tb or 0) - (ta or 0),
            "npv_a": na, "npv_b": nb, "npv_diff": (nb or 0) - (na or 0),
            "irr_a": pa["irr"] if pa else None, "irr_b": pb["irr"] if pb else None,
        })
    return {"parties": parties, "years": years, "rows": dict(rows), "summary": summary}
