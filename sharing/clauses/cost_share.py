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

from .. import explain as xpl
from ..derived import derived
from ..ledger import Ledger
from ..money import Shares, allocate, format_yuan


def _y(v) -> str:
    return format_yuan(int(v), grouped=True)


class CostShareClause:
    def __init__(self, contract: Contract, clause: CostShare,
                 equity_ratios: dict[str, list[list[Fraction] | None]]):
        self.clause = clause
        self.id = clause.id
        self.parties = [p.id for p in contract.parties]
        self.equity_ratios = equity_ratios
        #: each contract year's shares by party order and label; None in years no segment
        #: covers (derived from the contract alone, once per contract)
        self.by_year: list[tuple[Shares | None, str] | None] = derived(
            contract, f"cost_share:{self.id}", lambda: [self._segment(t) for t in
                                                        range(1, contract.years + 1)])

    def _segment(self, t: int) -> tuple[Shares | None, str] | None:
        i = segment_at(self.clause.schedule, t)
        if i is None:
            return None
        seg = self.clause.schedule[i]
        a, z = seg.years
        label = xpl.period(a, z)
        if isinstance(seg.shares, FromEquity):
            shares = self.equity_ratios[seg.shares.from_equity][t - 1]
            label = xpl.why("period.from_equity", period=label,
                          clause=xpl.clause(seg.shares.from_equity))
        else:
            shares = [seg.shares.get(p, Fraction(0)) for p in self.parties]
        return (Shares(shares) if shares is not None else None), label

    def claims(self, t: int) -> bool:
        return self.by_year[t - 1] is not None

    def allocate_costs(self, t: int, cost: np.ndarray, ledger: Ledger) -> None:
        """Allocate the year's added-up cost C among the parties as −part each."""
        segment = self.by_year[t - 1]
        assert segment is not None, "called only in a year the clause claims"
        shares, label = segment
        parts = allocate(cost, shares)
        names = xpl.stream_parts(self.clause.streams, None)
        for i, p in enumerate(self.parties):
            if not shares.nums[i]:  # a zero share
                continue
            ledger.post(t - 1, self.id, self.clause.streams[0] if len(self.clause.streams) == 1
                        else None, p, "cost", -parts[i],
                        lambda s, i=i, part=parts[i]: xpl.why(
                            "cost.share" if cost[s] >= 0 else "cost.refund",
                            value=xpl.fen(abs(cost[s])), streams=names, share=xpl.share(shares[i]),
                            period=label,
                            exact=xpl.exact(Fraction(abs(int(cost[s]))) * shares[i]),
                            part=xpl.fen(-part[s])))
