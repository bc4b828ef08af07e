"""``equity``: stakes in a joint development company (§3.3).

Equity ratios are exact fractions, never rounded, used only as allocation shares. A
contribution counts from its own year on; one scheduled after the last year L is never made.
Profit first makes good the deficit of earlier losses (``carry_forward``), or losses are
called from the parties in their year (``cash_call``).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from schemas.contract import Contract, Contribution, Equity

from .. import explain as xpl
from ..derived import derived
from ..ledger import Ledger
from ..money import Shares, allocate, format_share, format_yuan, mul_round
from ..stakes import contribution_fen, equity_ratios


def _y(v) -> str:
    return format_yuan(int(v), grouped=True)


class EquityClause:
    """One equity clause over the years, with its deficit."""

    def __init__(self, contract: Contract, clause: Equity, scenarios: int):
        self.c = contract
        self.clause = clause
        self.id = clause.id
        self.parties = [p.id for p in contract.parties]
        static = derived(contract, f"equity:{clause.id}", lambda: _Static(contract, clause))
        self.ratios = static.ratios
        self.shares = static.shares
        self.values = static.values
        self._static = static
        self.deficit = np.zeros(scenarios, dtype=np.int64)
        self.deficits: list[np.ndarray] = []

    def ratio_text(self, t: int) -> str:
        r = self.ratios[t - 1]
        return ", ".join(f"{p} {format_share(x)}" for p, x in zip(self.parties, r or [],
                                                                    strict=False))

    def contribute(self, t: int, active: np.ndarray, ledger: Ledger) -> None:
        """Book this year's contributions as the parties' cash flows (−value)."""
        for k, value, how in self._static.made_in[t - 1]:
            ledger.post(t - 1, self.id, None, k.party, "contribution",
                        -value * active.astype(np.int64),
                        lambda s, how=how, k=k: xpl.why(
                            "equity.contribution", kind=xpl.word(k.kind), how=how,
                            clause=xpl.clause(self.id), k=xpl.num(k.year),
                            weight=xpl.share(self.clause.weight(k.kind))))

    def distribute(self, t: int, profit: np.ndarray, active: np.ndarray, ledger: Ledger) -> None:
        """Dividends, losses and retained profit of contract year t (§3.3)."""
        y = t - 1
        P = profit * active
        payout = self.clause.payout_ratio
        ratios = self.ratios[y]
        pos = np.maximum(P, 0)
        before = self.deficit  # replaced below, never changed in place
        if self.clause.losses == "carry_forward":
            covered = np.minimum(pos, self.deficit)
            self.deficit = self.deficit - covered + np.maximum(-P, 0)
        else:
            covered = np.zeros(P.shape, dtype=np.int64)
        D = mul_round(pos - covered, payout)
        if np.count_nonzero(D):
            parts = allocate(D, self.shares[y])
            for i, p in enumerate(self.parties):
                ledger.post(y, self.id, None, p, "dividend", parts[i],
                            lambda s, i=i, part=parts[i]: xpl.why(
                                "equity.dividend_covered" if covered[s] else "equity.dividend",
                                profit=xpl.fen(P[s]), dividends=xpl.fen(D[s]),
                                payout=xpl.share(payout), base=xpl.fen(pos[s] - covered[s]),
                                ratio=xpl.share(ratios[i]), value=xpl.fen(part[s]),
                                **({"covered": xpl.fen(covered[s]), "deficit": xpl.fen(before[s])}
                                   if covered[s] else {})))
        loss = np.minimum(P, 0) if self.clause.losses == "cash_call" else None
        if loss is not None and np.count_nonzero(loss):
            fixed = self._static.loss_shares
            shares = fixed if fixed is not None else self.shares[y]
            what = xpl.why("equity.loss_shares" if fixed is not None else "equity.ratio")
            parts = allocate(loss, shares)
            for i, p in enumerate(self.parties):
                ledger.post(y, self.id, None, p, "loss", parts[i],
                            lambda s, i=i, part=parts[i], sh=shares: xpl.why(
                                "equity.loss", loss=xpl.fen(loss[s]), what=what,
                                share=xpl.share(sh[i]), value=xpl.fen(part[s])))
            retained = pos - D
        else:
            retained = P - D
        ledger.post(y, self.id, None, None, "retained", retained,
                    lambda s: (xpl.why("equity.retained_loss", loss=xpl.fen(P[s]),
                                     deficit=xpl.fen(self.deficits[y][s])) if P[s] < 0 else
                               xpl.why("equity.retained_covered", profit=xpl.fen(P[s]),
                                     dividends=xpl.fen(D[s]), covered=xpl.fen(covered[s]))
                               if covered[s] else
                               xpl.why("equity.retained", profit=xpl.fen(P[s]),
                                     dividends=xpl.fen(D[s]))))
        self.deficits.append(self.deficit)  # replaced each year, never changed in place


class _Static:
    """What an equity clause derives from the contract alone, once per contract (§3.3)."""

    def __init__(self, contract: Contract, clause: Equity):
        parties = [p.id for p in contract.parties]
        self.ratios = equity_ratios(contract, clause)
        self.shares = [Shares(r) if r is not None else None for r in self.ratios]
        self.values = [contribution_fen(contract, k.value, k.area_mu, k.price_per_mu)
                       for k in clause.contributions]
        # each year's contributions with the words for their value, by contract year
        self.made_in: list[list[tuple[Contribution, int, str]]] = [[] for _ in
                                                                   range(contract.years)]
        for k, value in zip(clause.contributions, self.values, strict=True):
            if 1 <= k.year <= contract.years:
                how = (xpl.why("equity.land", area=xpl.share(k.area_mu),
                             price=xpl.exact(k.price_per_mu * contract.unit_fen), value=xpl.fen(value))
                       if k.area_mu is not None else xpl.fen(value))
                self.made_in[k.year - 1].append((k, value, how))
        shares_map = clause.loss_shares
        self.loss_shares = (Shares([shares_map.get(p, Fraction(0)) for p in parties])
                            if shares_map else None)
