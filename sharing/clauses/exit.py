"""``exit``: term, triggers and settlement (§3.6).

The last year L is the exit year E if a trigger fired, otherwise the term T. Triggers are
evaluated at the end of each year t ≤ T in the order listed until one fires. L may differ
between scenarios, so it is an array over the scenario axis.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np

from schemas.contract import (
    BookPrice,
    Contract,
    CumulativeReached,
    Exit,
    FixedPrice,
    IncrementBelow,
    InYear,
    MaxOfPrice,
    NpvPrice,
)
from schemas.errors import InvalidContract, issue

from .. import explain as xpl
from ..ledger import Ledger
from ..money import INT64_SAFE, format_yuan, mul_round, round_half_up
from ..streams import MAX_FEN


def _full(scenarios: int, v: int) -> np.ndarray:
    """One price for every scenario: int64, or Python integers past int64's safe range (a
    price over the ledger's limit, which the settlement reports)."""
    return np.full(scenarios, v, dtype=np.int64 if abs(v) < INT64_SAFE else object)


def _npv_price(flows: np.ndarray, r: Fraction, E: int, term: int, rows: np.ndarray,
               scenarios: int) -> np.ndarray:
    """The npv price Σ_{y=E+1}^{T} R_y / r^(y−E), rounded half up and floored at 0 (§3.6),
    for the scenario ``rows`` whose flows R are given ((len(rows), Y) fen), over the scenario
    axis at once: with r = a/b the sum is N / a^(T−E), N = Σ R_y · b^(y−E) · a^(T−y) an exact
    integer (Python integers: the powers pass int64), rounded by one integer division."""
    a, b = r.numerator, r.denominator
    den = a ** (term - E)
    num = np.zeros(len(rows), dtype=object)
    for y in range(E + 1, term + 1):
        num = num + flows[:, y - 1].astype(object) * (b ** (y - E) * a ** (term - y))
    # half up on a positive N; a negative N rounds to 0 or below, and the floor makes it 0
    vals = np.where(num > 0, (2 * num + den) // (2 * den), 0)
    big = int(vals.max()) >= INT64_SAFE
    out = np.zeros(scenarios, dtype=object if big else np.int64)
    out[rows] = vals
    return out


class ExitClause:
    def __init__(self, contract: Contract, clause: Exit, scenarios: int,
                 contributions: list[tuple[str, int, int]], triggers_enabled: bool = True):
        self.c = contract
        self.clause = clause
        self.id = clause.id
        self.term = clause.term_years if clause.term_years is not None else contract.years
        self.successor = clause.successor or contract.receiving
        self.buyer = clause.buyer or contract.receiving
        self.fired = np.zeros(scenarios, dtype=bool)
        self.winner = np.full(scenarios, -1, dtype=np.int64)
        self.last = np.full(scenarios, self.term, dtype=np.int64)  # L, contract years
        self.counts = [np.zeros(scenarios, dtype=np.int64) for _ in clause.triggers]
        self.triggers_enabled = triggers_enabled
        self.contributions = contributions  # (party, year, fen) over all equity clauses
        # the exiting party's R_y in the run with no trigger, for the given scenario rows,
        # (len(rows), Y) fen: set by the engine when the price is an npv (§3.6)
        self.counterfactual_source: Callable[[np.ndarray], np.ndarray] | None = None
        # each trigger's amount in fen (increment_below: threshold; cumulative_reached: amount)
        self.fen = [int(tr.threshold * contract.unit_fen) if isinstance(tr, IncrementBelow)
                    else int(tr.amount * contract.unit_fen)
                    if isinstance(tr, CumulativeReached) else None for tr in clause.triggers]

    # ---- step 7 --------------------------------------------------------------------------
    def evaluate(self, t: int, increments: dict[str, np.ndarray | None], ledger: Ledger) -> None:
        """Evaluate the triggers at the end of year t (≤ T) for scenarios not yet exited."""
        if not self.triggers_enabled or t > self.term:
            return
        pending = ~self.fired
        for i, tr in enumerate(self.clause.triggers):
            if isinstance(tr, IncrementBelow):
                inc = increments.get(tr.clause)
                if inc is None:  # the clause claims nothing this year: the count starts again
                    self.counts[i][:] = 0
                    continue
                below = inc < self.fen[i]
                self.counts[i] = (self.counts[i] + 1) * below  # consecutive years below
                fires = self.counts[i] >= tr.consecutive_years
            elif isinstance(tr, CumulativeReached):
                got = ledger.receipts_through(tr.clause, tr.party, t - 1)
                fires = got >= self.fen[i]
            else:
                assert isinstance(tr, InYear)
                fires = np.full(ledger.S, t == tr.year)
            now = fires & pending
            if not np.count_nonzero(now):
                continue
            exit_year = tr.year if isinstance(tr, InYear) else min(t + self.clause.notice_years,
                                                                   self.term)
            self.fired |= now
            self.winner[now] = i
            self.last[now] = exit_year
            pending &= ~now
            ledger.event(t - 1, self.id, "exit_triggered", now,
                         lambda s, i=i, tr=tr, e=exit_year: xpl.why(
                             "event.exit_triggered", n=xpl.num(i + 1), when=xpl.word(tr.when),
                             year=xpl.year(self.c.calendar(e)), k=xpl.num(e)))

    # ---- step 8: settlement ----------------------------------------------------------------
    def price(self, price, E: int, scenarios: int,
              where: np.ndarray | None = None) -> tuple[np.ndarray, xpl.Record]:
        """A price for an exit in contract year E, floored at 0 after rounding (§3.6), for
        the scenarios in ``where`` (all when None; 0 elsewhere)."""
        if isinstance(price, BookPrice):
            total = Fraction(0)
            terms = []
            for party, year, value in self.contributions:
                if party == self.clause.exiting and year <= E:
                    total += value * (1 + price.index) ** (E - year)
                    terms.append(xpl.why("price.book_term", value=xpl.fen(value),
                                       index=xpl.share(price.index), power=xpl.num(E - year)))
            v = max(round_half_up(total), 0)
            return (_full(scenarios, v),
                    xpl.why("price.book", terms=xpl.join(terms), value=xpl.fen(v)) if terms else
                    xpl.why("price.book_none", value=xpl.fen(v)))
        if isinstance(price, FixedPrice):
            v = int(price.amount * self.c.unit_fen)
            return _full(scenarios, v), xpl.why("price.fixed", value=xpl.fen(v))
        if isinstance(price, NpvPrice):
            if E >= self.term or self.counterfactual_source is None:
                return np.zeros(scenarios, dtype=np.int64), xpl.why("price.npv_none")
            rows = np.arange(scenarios) if where is None else np.flatnonzero(where)
            out = np.zeros(scenarios, dtype=np.int64)
            if rows.size:
                out = _npv_price(self.counterfactual_source(rows), Fraction(1 + price.rate), E,
                                 self.term, rows, scenarios)
            return out, xpl.why("price.npv", rate=xpl.share(price.rate),
                              party=xpl.party(self.clause.exiting),
                              first=xpl.year(self.c.calendar(E + 1)),
                              last=xpl.year(self.c.calendar(self.term)))
        assert isinstance(price, MaxOfPrice)
        members = [self.price(p, E, scenarios, where) for p in price.of]
        best = np.max(np.stack([m[0] for m in members]), axis=0)
        return best, xpl.why("price.max", prices=xpl.join((m[1] for m in members), ";"))

    def settle(self, t: int, last: np.ndarray, ledger: Ledger) -> None:
        """Buyout and penalty in year E = t, for the scenarios whose last year is t."""
        ex = self.clause
        if ex.exiting is None or not self.triggers_enabled:
            # The run with no trigger exists only to measure the npv price's receipts (§3.6);
            # its own settlement is never paid, so it is neither booked nor checked.
            return
        y = t - 1
        fired = last & self.fired
        term_end = last & ~self.fired
        if ex.penalty is not None and np.count_nonzero(fired) and ex.price is None:
            self._penalty(t, fired, np.zeros(ledger.S, dtype=np.int64), ledger)
        for mask, price_def, what in ((fired, ex.price, "exit"),
                                      (term_end, ex.price_at_term_end, "term end")):
            if price_def is None or not np.count_nonzero(mask):
                continue
            if what == "term end" and isinstance(price_def, NpvPrice):
                continue  # npv is 0 at the term's end
            amount, how = self.price(price_def, t, ledger.S, mask)
            amount = self._within_limit(amount * mask, t,
                                        "price" if what == "exit" else "price_at_term_end")
            why = (lambda s, a=amount, h=how, w=what: xpl.why(
                "exit.buyout" if w == "exit" else "exit.buyout_term_end",
                year=xpl.year(self.c.calendar(t)), buyer=xpl.party(self.buyer),
                exiting=xpl.party(ex.exiting), how=h, value=xpl.fen(a[s])))
            ledger.post(y, self.id, None, ex.exiting, "buyout", amount, why)
            ledger.post(y, self.id, None, self.buyer, "buyout", -amount, why)
            if what == "exit" and ex.penalty is not None:
                self._penalty(t, fired, amount, ledger)

    def _within_limit(self, amount: np.ndarray, t: int, field: str) -> np.ndarray:
        """A settlement past the ledger's limit is reported, never wrapped around (§1)."""
        if amount.dtype == object or np.any(np.abs(amount) > MAX_FEN):
            worst = max(abs(int(v)) for v in amount)
            if worst > MAX_FEN:
                index = self.c.clauses.index(self.clause)
                raise InvalidContract([issue(
                    f"clauses[{index}].{field}", "price_limit", "the price in {year} comes to "
                    "{value} yuan, over the limit of 1,000,000,000,000 yuan",
                    year=self.c.calendar(t), value=format_yuan(worst, True))])
        return amount.astype(np.int64)

    def _penalty(self, t: int, fired: np.ndarray, price: np.ndarray, ledger: Ledger) -> None:
        ex = self.clause
        for i, tr in enumerate(ex.triggers):
            if tr.at_fault is None:
                continue
            mask = fired & (self.winner == i)
            if not np.count_nonzero(mask):
                continue
            payer = tr.at_fault
            payee = (self.buyer if payer == ex.exiting else ex.exiting)
            if ex.penalty.amount is not None:
                amount = np.full(ledger.S, int(ex.penalty.amount * self.c.unit_fen))
                how = None
            else:
                amount = mul_round(price, Fraction(ex.penalty.rate_of_price))
                how = ex.penalty.rate_of_price
            amount = amount * mask
            def why(s, a=amount, rate=how, p=price, i=i, payer=payer, payee=payee) -> xpl.Record:
                common = dict(payer=xpl.party(payer), n=xpl.num(i + 1), payee=xpl.party(payee),
                              value=xpl.fen(a[s]))
                if rate is None:
                    return xpl.why("exit.penalty", amount=xpl.fen(a[s]), **common)
                return xpl.why("exit.penalty_rate", rate=xpl.share(rate), price=xpl.fen(p[s]),
                             **common)
            ledger.post(t - 1, self.id, None, payee, "penalty", amount, why)
            ledger.post(t - 1, self.id, None, payer, "penalty", -amount, why)
