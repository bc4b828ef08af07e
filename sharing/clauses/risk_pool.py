"""``risk_pool``: the risk-compensation pool (风险补偿资金池, §3.4).

The pool starts empty and earns no interest. It is funded from split clauses before they
split (rate × the splittable amount, rounded, cut to the cap), pays guarantees in the order
listed, with the backstop paying what it could not, and hands its balance out by
``residual_shares`` in the last year in which the clauses apply.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from schemas.contract import Contract, FloorOfContributions, RiskPool

from .. import explain as xpl
from ..derived import derived
from ..ledger import Ledger
from ..money import Shares, allocate, mul_round, round_half_up
from .split import Unit


class PoolClause:
    def __init__(self, contract: Contract, clause: RiskPool, scenarios: int,
                 contributions_by_party: dict[str, list[int]]):
        self.c = contract
        self.clause = clause
        self.id = clause.id
        self.parties = [p.id for p in contract.parties]
        self.cap = int(clause.cap * contract.unit_fen) if clause.cap is not None else None
        self.balance = np.zeros(scenarios, dtype=np.int64)
        self.balances: list[np.ndarray] = []
        self.full_seen = np.zeros(scenarios, dtype=bool)
        self.inflow = np.zeros(scenarios, dtype=np.int64)
        self.outflow = np.zeros(scenarios, dtype=np.int64)
        # contributions made to all equity clauses, stated value, by party and year (§3.4)
        self.contributed = contributions_by_party
        self.floors, self.residual_shares = derived(contract, f"risk_pool:{self.id}",
                                                    self._static)

    def _static(self) -> tuple[list[list[tuple[int, str] | None]], Shares]:
        """Each guarantee's floor and its words by contract year (None in years it does not
        apply), and the residual shares by party order: from the contract alone (§3.4)."""
        floors = [[self.floor(g, t) if g.years is None or g.years[0] <= t <= g.years[1]
                   else None for t in range(1, self.c.years + 1)]
                  for g in self.clause.guarantees]
        shares_map = self.clause.residual_shares or {self.c.receiving: Fraction(1)}
        return floors, Shares([shares_map.get(p, Fraction(0)) for p in self.parties])

    # ---- step 3: funding -------------------------------------------------------------------
    def fund(self, t: int, clause_id: str, rate: Fraction, units: list[Unit],
             ledger: Ledger) -> None:
        """Take rate × each unit's splittable amount into the pool, cut to the cap."""
        y = t - 1
        for u in units:
            wanted = mul_round(u.increment, rate)
            if self.cap is not None:
                room = np.maximum(self.cap - self.balance, 0)
                fit = np.minimum(wanted, room)
                cut = fit < wanted
                first = cut & ~self.full_seen
                self.full_seen |= cut
                ledger.event(y, self.id, "pool_full", first,
                             lambda s, w=wanted, f=fit: xpl.why(
                                 "event.pool_full", cap=xpl.fen(self.cap), wanted=xpl.fen(w[s]),
                                 clause=xpl.clause(clause_id), fits=xpl.fen(f[s])))
            else:
                fit = wanted
            self.balance = self.balance + fit
            self.inflow += fit
            u.pool_in = fit
            ledger.post(y, clause_id, u.stream, None, "pool_in", fit,
                        lambda s, u=u, w=wanted, f=fit: xpl.why(
                            "pool.in", pool=xpl.clause(self.id), rate=xpl.share(rate),
                            increment=xpl.fen(u.increment[s]), value=xpl.fen(w[s]))
                        if f[s] == w[s] else xpl.why(
                            "pool.in_cut", pool=xpl.clause(self.id), rate=xpl.share(rate),
                            increment=xpl.fen(u.increment[s]), wanted=xpl.fen(w[s]),
                            value=xpl.fen(f[s]), cap=xpl.fen(self.cap)))

    # ---- step 6: guarantees ----------------------------------------------------------------
    def floor(self, g, t: int) -> tuple[int, xpl.Record]:
        if isinstance(g.floor, FloorOfContributions):
            base = sum(self.contributed.get(g.party, [0] * self.c.years)[:t])
            v = round_half_up(g.floor.rate * base)
            return v, xpl.why("pool.floor_contributions", rate=xpl.share(g.floor.rate),
                            party=xpl.party(g.party), base=xpl.fen(base), value=xpl.fen(v))
        v = int(g.floor * self.c.unit_fen)
        return v, xpl.why("pool.floor", value=xpl.fen(v))

    def guarantee(self, t: int, active: np.ndarray, ledger: Ledger) -> None:
        y = t - 1
        exhausted = np.zeros(ledger.S, dtype=bool)
        for gi, g in enumerate(self.clause.guarantees):
            applies = self.floors[gi][y]
            if applies is None:
                continue
            floor, floor_text = applies
            receipts = ledger.receipts_of(g.counts[0], g.party, y).copy()
            for cid in g.counts[1:]:
                receipts += ledger.receipts_of(cid, g.party, y)
            shortfall = np.maximum(floor - receipts, 0) * active
            pay = np.minimum(shortfall, self.balance)
            before = self.balance.copy()
            self.balance = self.balance - pay
            self.outflow += pay
            counts = xpl.join(xpl.clause(c) for c in g.counts)
            ledger.post(y, self.id, None, g.party, "pool_out", pay,
                        lambda s, ft=floor_text, r=receipts, sf=shortfall, b=before, p=pay,
                        gi=gi, counts=counts:
                        xpl.why("pool.out", n=xpl.num(gi + 1), floor=ft, counts=counts,
                              receipts=xpl.fen(r[s]), shortfall=xpl.fen(sf[s]), balance=xpl.fen(b[s]),
                              value=xpl.fen(p[s])))
            rest = shortfall - pay  # >= 0
            left = rest > 0
            if not np.count_nonzero(left):
                continue  # the pool paid every shortfall: nothing for the backstop, no event
            exhausted |= left
            if self.clause.backstop is not None:
                b = self.clause.backstop
                why = (lambda s, sf=shortfall, p=pay, r=rest, gi=gi, g=g, b=b: xpl.why(
                    "pool.backstop", n=xpl.num(gi + 1), party=xpl.party(g.party),
                    shortfall=xpl.fen(sf[s]), paid=xpl.fen(p[s]), backstop=xpl.party(b),
                    value=xpl.fen(r[s])))
                ledger.post(y, self.id, None, g.party, "backstop", rest, why)
                ledger.post(y, self.id, None, b, "backstop", -rest, why)
                ledger.event(y, self.id, "guarantee_backstopped", left,
                             lambda s, r=rest, gi=gi, g=g, b=b: xpl.why(
                                 "event.guarantee_backstopped", n=xpl.num(gi + 1),
                                 party=xpl.party(g.party), backstop=xpl.party(b),
                                 value=xpl.fen(r[s])))
            else:
                ledger.event(y, self.id, "guarantee_unpaid", left,
                             lambda s, r=rest, gi=gi, g=g: xpl.why(
                                 "event.guarantee_unpaid", n=xpl.num(gi + 1),
                                 party=xpl.party(g.party), value=xpl.fen(r[s])))
        ledger.event(y, self.id, "pool_exhausted", exhausted,
                     lambda s: xpl.why("event.pool_exhausted"))

    # ---- step 8: residual ------------------------------------------------------------------
    def residual(self, t: int, last: np.ndarray, ledger: Ledger) -> None:
        """In year L, hand the balance out by residual_shares (default: the receiving party)."""
        shares = self.residual_shares
        amount = self.balance * last
        parts = allocate(amount, shares)
        for i, p in enumerate(self.parties):
            ledger.post(t - 1, self.id, None, p, "residual", parts[i],
                        lambda s, i=i, part=parts[i]: xpl.why(
                            "pool.residual", pool=xpl.clause(self.id), balance=xpl.fen(amount[s]),
                            share=xpl.share(shares[i]), value=xpl.fen(part[s])))
        self.outflow += amount
        self.balance = self.balance - amount

    def close_year(self) -> None:
        self.balances.append(self.balance.copy())
