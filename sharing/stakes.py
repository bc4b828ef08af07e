"""Equity ratios and contribution values (§3.3), exact and free of numpy.

Used by the validator (equity must exist where a ratio is needed) and by the equity clause.
"""

from __future__ import annotations

from fractions import Fraction

from schemas.contract import Contract, Equity

from .amounts import round_half_up


def contribution_fen(contract: Contract, value: Fraction | None, area: Fraction | None,
                     price: Fraction | None) -> int:
    """A contribution's stated value in fen; land by area × price per mu, rounded once."""
    if value is not None:
        return int(value * contract.unit_fen)
    assert area is not None and price is not None
    return round_half_up(area * price * contract.unit_fen)


def equity_ratios(contract: Contract, clause: Equity) -> list[list[Fraction] | None]:
    """Each year's ratios by party order: weighted contributions made in years ≤ t over their
    sum; None in years before the weighted sum is positive (§3.3)."""
    parties = [p.id for p in contract.parties]
    weighted = [[Fraction(0)] * len(parties) for _ in range(contract.years)]
    for k in clause.contributions:
        w = clause.weight(k.kind) * contribution_fen(contract, k.value, k.area_mu,
                                                     k.price_per_mu)
        for t in range(k.year, contract.years + 1):
            weighted[t - 1][parties.index(k.party)] += w
    out: list[list[Fraction] | None] = []
    for row in weighted:
        total = sum(row, Fraction(0))
        out.append(None if total == 0 else [v / total for v in row])
    return out
