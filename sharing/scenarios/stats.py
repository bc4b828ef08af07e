"""Summaries of many scenarios: percentiles, means, probabilities, sensitivities.

Everything is exact: amounts stay whole fen. A percentile is the **nearest rank**: the p-th
percentile of n values is the ⌈p·n/100⌉-th smallest (the smallest value with at least p % of
the scenarios at or below it), so it is always one of the scenarios' own figures. The mean is
the exact sum divided by n, rounded half up to the fen. A probability is a count over the
valid scenarios, reported as that fraction.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil
from typing import Any

import numpy as np

from sharing.money import format_yuan, round_half_up

from .plan import Plan
from .runner import FLAGS, Results

PERCENTILES = (5, 25, 50, 75, 95)
FLAG_LABELS = {
    "cap_reached": "a cap is reached",
    "guarantee_called": "a guarantee is called",
    "pool_exhausted": "the pool runs dry",
    "exit_triggered": "an exit is triggered",
}


def percentile(sorted_values: np.ndarray, p: int | Fraction) -> int:
    """Nearest-rank percentile of values sorted ascending (module docstring)."""
    n = len(sorted_values)
    k = max(ceil(Fraction(p) * n / 100), 1)
    return int(sorted_values[k - 1])


def exact_mean(values: np.ndarray) -> int:
    total = int(values.astype(object).sum()) if len(values) else 0
    return round_half_up(Fraction(total, max(len(values), 1)))


def distribution(values: np.ndarray) -> dict[str, int]:
    """Percentiles, mean, min and max of whole-fen values."""
    v = np.sort(values)
    out = {f"p{p}": percentile(v, p) for p in PERCENTILES}
    out.update(mean=exact_mean(v), min=int(v[0]), max=int(v[-1]))
    return out


def monte_carlo(results: Results, plan: Plan, g: int = 0) -> dict[str, Any]:
    """The Monte Carlo summary of grid point g: per party NPV and net total distributions,
    the probability of each event, and the invalid scenarios by reason."""
    lo = g * plan.n - results.start
    sl = slice(lo, lo + plan.n)
    valid = results.valid[sl]
    n_valid = int(valid.sum())
    reasons: dict[str, int] = {}
    for code in results.reason[sl][~valid]:
        text = results.reasons[int(code)]
        reasons[text] = reasons.get(text, 0) + 1
    out: dict[str, Any] = {
        "grid_point": g,
        "params": plan.describe(g * plan.n) if plan.axes else {},
        "n": plan.n,
        "valid": n_valid,
        "invalid": dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
        "parties": {},
        "probabilities": {},
    }
    if n_valid == 0:
        return out
    for p, pid in enumerate(plan.parties):
        out["parties"][pid] = {
            "npv": distribution(results.npv[sl][valid, p]),
            "net_total": distribution(results.net_total[sl][valid, p]),
        }
    for f in FLAGS:
        count = int(results.flags[f][sl][valid].sum())
        out["probabilities"][f] = {"count": count, "of": n_valid,
                                   "probability": Fraction(count, n_valid)}
    return out


def tornado(base_npv: dict[str, int], swings: list[tuple[str, Any, Any, dict[str, int],
                                                         dict[str, int]]]
            ) -> list[dict[str, Any]]:
    """Sensitivity bars, widest first: for each parameter, each party's NPV at its low and
    high value against the base. ``swings``: (path, low, high, npv_low, npv_high)."""
    rows = []
    for path, lo, hi, npv_lo, npv_hi in swings:
        rows.append({"path": path, "low": lo, "high": hi,
                     "parties": {pid: {"low": npv_lo[pid] - base_npv[pid],
                                       "high": npv_hi[pid] - base_npv[pid]}
                                 for pid in base_npv}})
    rows.sort(key=lambda r: -max(abs(v["high"] - v["low"]) for v in r["parties"].values()))
    return rows


def percent(p: Fraction, digits: int = 2) -> str:
    """A probability as a percentage with the given decimals, rounded half up."""
    scaled = round_half_up(p * 100 * 10**digits)
    whole, frac = divmod(scaled, 10**digits)
    return f"{whole}.{frac:0{digits}d} %"


def yuan(fen: int) -> str:
    return format_yuan(fen, grouped=True)
