"""``cost_share``: costs allocated by a schedule, fixed or ``from_equity`` (§3.4).

A cost C > 0 is allocated as ``cost`` entries of −part; a refund (C < 0) is allocated as |C|
and gives positive ``cost`` entries. In a year no segment covers, the receiving party bears
the cost as a negative ``unclaimed`` entry (booked by the engine).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from schemas.claims import segment_at
from schemas.contract import Contract, CostShare, FromEquity

from ..ledger import Ledger
from ..money import allocate, format_exact_yuan, format_share, format_yuan


def _y(v) -> str:
    return format_yuan(int(v), grouped=True)


class CostShareClause:
    def __init__(self, contract: Contract, clause: CostShare,
                 equity_ratios: dict[str, list[list[Fraction] | None]]):
        self.clause = clause
        self.id = clause.id
        self.parties = [p.id for p in contract.parties]
        self.equity_ratios = equity_ratios

    def claims(self, t: int) -> bool:
        return segment_at(self.clause.schedule, t) is not None

    def allocate_costs(self, t: int, cost: np.ndarray, ledger: Ledger) -> None:
        """Allocate the year's added-up cost C among the parties as −part each."""
        seg = self.clause.schedule[segment_at(self.clause.schedule, t)]
        a, z = seg.years
        label = f"years {a}-{z}" if a != z else f"year {a}"
        if isinstance(seg.shares, FromEquity):
            shares = self.equity_ratios[seg.shares.from_equity][t - 1]
            label += f", equity ratios of {seg.shares.from_equity}"
        else:
            shares = [seg.shares.get(p, Fraction(0)) for p in self.parties]
        parts = allocate(cost, shares)
        names = " + ".join(self.clause.streams)
        for i, p in enumerate(self.parties):
            if shares[i] == 0:
                continue
            ledger.post(t - 1, self.id, self.clause.streams[0] if len(self.clause.streams) == 1
                        else None, p, "cost", -parts[i],
                        lambda s, i=i, part=parts[i]:
                        ("cost" if cost[s] >= 0 else "refund") +
                        f" {_y(abs(cost[s]))} ({names}) × share {format_share(shares[i])} "
                        f"({label}) = {format_exact_yuan(Fraction(abs(int(cost[s]))) * shares[i])}"
                        f" → {_y(-part[s])}")
