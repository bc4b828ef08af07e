"""``indicator_split``: GDP and statistics into the indicator ledger (§3.5).

``split`` divides the amount by the shares, conserving it; ``full_each`` books the whole
amount to every party the segment names (全额双核算), so it does not conserve.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from schemas.claims import segment_at
from schemas.contract import Contract, IndicatorSplit

from .. import explain as xpl
from ..derived import derived
from ..ledger import Ledger
from ..money import Shares, allocate, format_yuan


def _y(v) -> str:
    return format_yuan(int(v), grouped=True)


class IndicatorClause:
    def __init__(self, contract: Contract, clause: IndicatorSplit):
        self.clause = clause
        self.id = clause.id
        self.parties = [p.id for p in contract.parties]
        self.shares, self.segments = derived(contract, f"indicator_split:{self.id}",
                                             lambda: self._static(contract))

    def _static(self, contract: Contract) -> tuple[list[Shares], list[int | None]]:
        """Each segment's shares by party order, and the segment of each contract year
        (None where none covers it): from the contract alone, once per contract."""
        shares = [Shares([seg.shares.get(p, Fraction(0)) for p in self.parties])
                  for seg in self.clause.schedule]
        return shares, [segment_at(self.clause.schedule, t) for t in range(1, contract.years + 1)]

    def claims(self, t: int) -> bool:
        return self.segments[t - 1] is not None

    def book(self, t: int, amount: np.ndarray, ledger: Ledger) -> None:
        si = self.segments[t - 1]
        assert si is not None, "called only in a year the clause claims"
        seg = self.clause.schedule[si]
        a, z = seg.years
        label = xpl.period(a, z)
        stream = self.clause.streams[0] if len(self.clause.streams) == 1 else None
        mode = self.clause.mode
        if mode == "full_each":
            for p in self.parties:
                if p in seg.shares:
                    ledger.post_indicator(t - 1, self.id, stream, p, "share", amount,
                                          lambda s: xpl.why("indicator.full_each",
                                                          value=xpl.fen(amount[s]), period=label),
                                          mode)
            return
        shares = self.shares[si]
        parts = allocate(amount, shares)
        for i, p in enumerate(self.parties):
            ledger.post_indicator(t - 1, self.id, stream, p, "share", parts[i],
                                  lambda s, i=i, part=parts[i]: xpl.why(
                                      "indicator.share", value=xpl.fen(amount[s]),
                                      share=xpl.share(shares[i]), period=label,
                                      part=xpl.fen(part[s])), mode)
