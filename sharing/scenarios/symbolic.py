"""A contract's ledger as formulas of chosen parameters (sympy), for ``explain`` and ``solve``.

This is the yearly order of semantics §3 once more, written for one scenario with sympy
expressions in place of int64 arrays, so that each party's net cash flow of each year comes
out as an expression of the parameters the user named (a share, a growth rate, a cap, …);
every other number of the contract is a constant. Exactness is kept by two functions that
evaluate exactly whenever their arguments are numbers:

- ``round(x)``: x rounded half away from zero to a whole fen (§1), :class:`Round`;
- ``alloc_k(X; s_1, …, s_n)``: party k's part of X under the largest-remainder allocation
  of §1 (:func:`sharing.money.allocate`), :class:`Alloc`.

Caps, minimums and maximums, buffer years and exit triggers are ``Piecewise``. State carried
from year to year (what a capped party has received so far, a pool's balance, a company's
deficit, a trigger's count, the last year L) is named, year by year, when it is more than a
number: the formulas are then a short system of definitions, each in terms of the parameters
and earlier definitions, rather than one expression repeated exponentially.

Substituting the contract's own values (:meth:`SymbolicRun.evaluate`) gives exactly the
engine's ledger; ``explain`` prints both and the tests compare them to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from schemas.claims import buffer_streams, claims, segment_at
from schemas.contract import (
    BookPrice,
    Buffer,
    Contract,
    CostShare,
    CumulativeReached,
    Equity,
    FixedPrice,
    FloorOfContributions,
    FromEquity,
    IncrementBelow,
    InYear,
    MaxOfPrice,
    NpvPrice,
    RiskPool,
    TaxSplit,
)
from sharing.money import allocate, round_half_up
from sharing.streams import life_start

RECEIPT_KINDS = ("baseline", "share", "cap_excess", "dividend", "loss")


# ---- exact functions ----------------------------------------------------------------------

def _frac(x: sp.Expr) -> Fraction:
    return Fraction(int(x.p), int(x.q))


class Round(sp.Function):
    """round(x): x rounded half away from zero to a whole fen (semantics §1)."""

    nargs = 1

    @classmethod
    def _value(cls, x):
        if x.is_Rational:
            return sp.Integer(round_half_up(_frac(x)))
        return None

    eval = _value  # sympy's hook for evaluating a function on numbers

    def _sympystr(self, printer):
        return f"round({printer._print(self.args[0])})"

    def _latex(self, printer):
        return r"\operatorname{round}\left(" + printer._print(self.args[0]) + r"\right)"


class Alloc(sp.Function):
    """alloc(X, k, s_1, …, s_n): party k's part (0-based) of X by shares s (§1)."""

    @classmethod
    def _value(cls, X, k, *shares):
        i = int(k)
        if shares[i] == 0 or X == 0:
            return sp.Integer(0)
        if shares[i] == 1:
            return X
        if X.is_Integer and all(s.is_Rational for s in shares):
            total = sum((_frac(s) for s in shares), Fraction(0))
            if total != 1:
                return None  # only shares summing to 1 are allocated (a wrong substitution)
            parts = allocate(np.array([int(X)], dtype=object if abs(int(X)) >= 2**62
                                      else np.int64), [_frac(s) for s in shares])
            return sp.Integer(int(parts[i][0]))
        return None

    eval = _value  # sympy's hook for evaluating a function on numbers

    def _sympystr(self, printer):
        X, k, *shares = self.args
        return (f"alloc_{int(k) + 1}({printer._print(X)}; "
                + ", ".join(printer._print(s) for s in shares) + ")")

    def _latex(self, printer):
        X, k, *shares = self.args
        return (r"\operatorname{alloc}_{" + str(int(k) + 1) + r"}\left(" + printer._print(X)
                + "; " + ", ".join(printer._print(s) for s in shares) + r"\right)")


_RELATIONS = {"lt": (sp.StrictLessThan, lambda a, b: a < b),
              "le": (sp.LessThan, lambda a, b: a <= b),
              "ge": (sp.GreaterThan, lambda a, b: a >= b),
              "eq": (sp.Equality, lambda a, b: a == b),
              "ne": (sp.Unequality, lambda a, b: a != b)}


class _Piecewise(sp.Function):
    """A light piecewise function: evaluated only when its arguments are numbers (sympy's
    own Piecewise simplifies its conditions on every construction, which is far too slow for
    a thirty-year ledger), printed as the ``Piecewise`` it is."""

    def as_piecewise(self) -> sp.Piecewise:
        raise NotImplementedError

    def _sympystr(self, printer):
        return printer._print(self.as_piecewise())

    def _latex(self, printer):
        return printer._print(self.as_piecewise())


class Lmin(_Piecewise):
    """min(a, b), printed ``Piecewise((a, a <= b), (b, True))``: caps."""

    nargs = 2

    @classmethod
    def _value(cls, a, b):
        if a.is_number and b.is_number:
            return a if a <= b else b
        return a if a == b else None

    eval = _value  # sympy's hook for evaluating a function on numbers

    def as_piecewise(self):
        a, b = self.args
        return sp.Piecewise((a, sp.LessThan(a, b, evaluate=False)), (b, True), evaluate=False)


class Lmax(_Piecewise):
    """max(a, b), printed ``Piecewise((a, a >= b), (b, True))``."""

    nargs = 2

    @classmethod
    def _value(cls, a, b):
        if a.is_number and b.is_number:
            return a if a >= b else b
        return a if a == b else None

    eval = _value  # sympy's hook for evaluating a function on numbers

    def as_piecewise(self):
        a, b = self.args
        return sp.Piecewise((a, sp.GreaterThan(a, b, evaluate=False)), (b, True),
                            evaluate=False)


class Cmp(_Piecewise):
    """1 where ``a REL b`` holds, else 0 (REL one of lt, le, ge, eq, ne): triggers, the
    years before and after the last year L."""

    nargs = 3

    @classmethod
    def _value(cls, rel, a, b):
        if a.is_number and b.is_number:
            return sp.Integer(int(bool(_RELATIONS[str(rel)][1](a, b))))
        return None

    eval = _value  # sympy's hook for evaluating a function on numbers

    def as_piecewise(self):
        rel, a, b = self.args
        cond = _RELATIONS[str(rel)][0](a, b, evaluate=False)
        return sp.Piecewise((sp.Integer(1), cond), (sp.Integer(0), True), evaluate=False)


class Select(_Piecewise):
    """a where the 0/1 condition c is 1, else b."""

    nargs = 3

    @classmethod
    def _value(cls, c, a, b):
        if c.is_number:
            return a if c != 0 else b
        return None

    eval = _value  # sympy's hook for evaluating a function on numbers

    def as_piecewise(self):
        c, a, b = self.args
        return sp.Piecewise((a, sp.Equality(c, 1, evaluate=False)), (b, True), evaluate=False)


def pmin(a, b):
    return Lmin(a, b)


def pmax(a, b):
    return Lmax(a, b)


def cmp(rel: str, a, b) -> sp.Expr:
    return Cmp(sp.Symbol(rel), a, b)


def mul_round(amount, rate):
    """rate × amount rounded half up (money.mul_round)."""
    if rate == 1:
        return amount
    if rate == 0:
        return sp.Integer(0)
    return Round(amount * rate)


def _expr(x) -> sp.Expr:
    """A Python int as a sympy Integer; sympy objects as they are (never any text)."""
    return sp.Integer(x) if isinstance(x, int) else x


def _size(expr: sp.Expr, limit: int) -> int:
    n = 0
    for _ in sp.preorder_traversal(expr):
        n += 1
        if n > limit:
            break
    return n


# ---- parameters -----------------------------------------------------------------------------

@dataclass
class Values:
    """The contract's numbers, read by path; the named parameters are expressions."""

    exprs: dict[tuple, sp.Expr] = field(default_factory=dict)

    def __call__(self, path: tuple, value: Any) -> sp.Expr:
        e = self.exprs.get(tuple(path))
        if e is not None:
            return e
        if value is None:
            return sp.Integer(0)
        f = Fraction(value)
        return sp.Rational(f.numerator, f.denominator)


class Tape:
    """Named intermediate values: the system of definitions behind the formulas."""

    def __init__(self, limit: int = 12):
        self.defs: list[tuple[sp.Symbol, sp.Expr]] = []
        self.limit = limit

    def keep(self, name: str, expr) -> sp.Expr:
        expr = _expr(expr)
        if expr.is_number or _size(expr, self.limit) <= self.limit:
            return expr
        sym = sp.Symbol(name)
        self.defs.append((sym, expr))
        return sym


# ---- the run ---------------------------------------------------------------------------------

class SymbolicRun:
    """One scenario of a contract, with the parameters in ``values`` as expressions."""

    def __init__(self, contract: Contract, values: Values, triggers_enabled: bool = True,
                 tape: Tape | None = None, prefix: str = ""):
        self.c = contract
        self.prefix = prefix
        self.v = values
        self.tape = tape if tape is not None else Tape()
        self.triggers_enabled = triggers_enabled
        self.parties = [p.id for p in contract.parties]
        self.P = len(self.parties)
        self.Y = contract.years
        self.unit = contract.unit_fen
        zero = sp.Integer(0)
        self.net = [[zero] * self.Y for _ in self.parties]
        self.receipts: dict[str, list[list[sp.Expr]]] = {}
        self.costs = [[zero] * self.Y for _ in self.parties]
        self._run()

    def keep(self, name: str, expr) -> sp.Expr:
        return self.tape.keep(self.prefix + name, expr)

    # ---- reading the contract ------------------------------------------------------------
    def money(self, path: tuple, value: Any) -> sp.Expr:
        return self.v(path, value) * self.unit

    def post(self, t: int, clause: str | None, party: str, kind: str, amount) -> None:
        if amount == 0:
            return
        p = self.parties.index(party)
        y = t - 1
        self.net[p][y] = self.net[p][y] + amount
        if kind in RECEIPT_KINDS and clause is not None:
            rec = self.receipts.setdefault(clause, [[sp.Integer(0)] * self.Y
                                                     for _ in self.parties])
            rec[p][y] = rec[p][y] + amount
        if kind == "cost":
            self.costs[p][y] = self.costs[p][y] + amount

    def receipts_of(self, clause: str, party: str, t: int) -> sp.Expr:
        rec = self.receipts.get(clause)
        return sp.Integer(0) if rec is None else rec[self.parties.index(party)][t - 1]

    def _shareable(self) -> dict[str, list[sp.Expr]]:
        """§2: every stream's shareable amount by contract year."""
        out = {}
        for i, s in enumerate(self.c.streams):
            start = life_start(self.c, s)
            ret = self.v(("streams", i, "local_retention"), s.local_retention
                         if s.local_retention is not None else 1)
            vals = []
            for t in range(1, self.Y + 1):
                if t < start:
                    vals.append(sp.Integer(0))
                    continue
                if s.series is not None:
                    p = Round(self.money(("streams", i, "series", t - 1), s.series[t - 1]))
                else:
                    k = t - start + 1
                    x = (self.money(("streams", i, "first"), s.first)
                         * (1 + self.v(("streams", i, "growth"), s.growth)) ** (k - 1))
                    if s.ramp and k <= len(s.ramp):
                        x = x * self.v(("streams", i, "ramp", k - 1), s.ramp[k - 1])
                    p = Round(x)
                vals.append(mul_round(p, ret))
            out[s.id] = vals
        return out

    # ---- equity ----------------------------------------------------------------------------
    def _contribution(self, ci: int, k: int, con) -> sp.Expr:
        base = ("clauses", ci, "contributions", k)
        if con.value is not None:
            return self.money(base + ("value",), con.value)
        return Round(self.v(base + ("area_mu",), con.area_mu)
                     * self.money(base + ("price_per_mu",), con.price_per_mu))

    def _equity_ratios(self, ci: int, cl: Equity) -> list[list[sp.Expr] | None]:
        out: list[list[sp.Expr] | None] = []
        for t in range(1, self.Y + 1):
            w = [sp.Integer(0)] * self.P
            made = False
            for k, con in enumerate(cl.contributions):
                if con.year <= t:
                    made = True
                    weight = self.v(("clauses", ci, "weights", con.kind), cl.weight(con.kind))
                    j = self.parties.index(con.party)
                    w[j] = w[j] + weight * self._contribution(ci, k, con)
            total = sum(w, sp.Integer(0))
            out.append(None if not made or total == 0 else [x / total for x in w])
        return out

    def _shares(self, ci: int, si: int, seg, t: int, ratios: dict) -> list[sp.Expr]:
        if isinstance(seg.shares, FromEquity):
            r = ratios[seg.shares.from_equity][t - 1]
            assert r is not None, "validated: equity exists where from_equity is used"
            return list(r)
        return [self.v(("clauses", ci, "schedule", si, "shares", p), seg.shares.get(p, 0))
                for p in self.parties]

    # ---- the year loop ---------------------------------------------------------------------
    def _run(self) -> None:
        c = self.c
        sh = self._shareable()
        self.shareable = sh
        kinds = {s.id: s.kind for s in c.streams}
        sign = {sid: (-1 if k == "cost" else 1) for sid, k in kinds.items()}
        receiving = c.receiving
        claimed = {key for key, found in claims(c).items() if found}
        money_streams = [s.id for s in c.streams if s.kind != "indicator"]
        index = {cl.id: ci for ci, cl in enumerate(c.clauses)}
        ratios = {cl.id: self._equity_ratios(ci, cl) for ci, cl in enumerate(c.clauses)
                  if isinstance(cl, Equity)}
        self.ratios = ratios
        contributed = {p: [sp.Integer(0)] * self.Y for p in self.parties}
        for ci, cl in enumerate(c.clauses):
            if isinstance(cl, Equity):
                for k, con in enumerate(cl.contributions):
                    contributed[con.party][con.year - 1] += self._contribution(ci, k, con)
        splits = [(ci, cl) for ci, cl in enumerate(c.clauses) if isinstance(cl, (TaxSplit,
                                                                                  Buffer))]
        split_state = {cl.id: _SplitState(self, ci, cl) for ci, cl in splits}
        pools = {cl.id: _PoolState(self, ci, cl) for ci, cl in enumerate(c.clauses)
                 if isinstance(cl, RiskPool)}
        deficits = {cl.id: sp.Integer(0) for cl in c.clauses if isinstance(cl, Equity)}
        ex = c.exit_clause()
        exi = index[ex.id] if ex is not None else None
        term = c.term()
        last: sp.Expr = sp.Integer(term if ex is not None else self.Y)
        fired: sp.Expr = sp.Integer(0)
        winner: sp.Expr = sp.Integer(-1)
        counts = [sp.Integer(0) for _ in (ex.triggers if ex is not None else [])]
        counterfactual = None

        for t in range(1, self.Y + 1):
            cal = c.calendar(t)
            y = t - 1
            active = cmp("le", t, last)
            # 2. after L, every stream to the successor
            if ex is not None:
                after = 1 - active
                successor = ex.successor or receiving
                for sid in money_streams:
                    self.post(t, ex.id, successor, "handover", sh[sid][y] * after * sign[sid])
            # 3. baselines, increments, pool funding
            units = {cl.id: split_state[cl.id].prepare(t, sh, active) for _, cl in splits}
            increments = {cid: (sum((u.increment for u in us), sp.Integer(0)) if us else None)
                          for cid, us in units.items()}
            for pool in pools.values():
                for fi, f in enumerate(pool.clause.funded_by):
                    pool.fund(t, fi, f, units[f.clause])
            # 4. splits and caps; unclaimed
            for _, cl in splits:
                split_state[cl.id].split(t, units[cl.id])
            for sid in money_streams:
                if (sid, t) not in claimed:
                    self.post(t, None, receiving, "unclaimed", sh[sid][y] * active * sign[sid])
            # 5. equity and cost sharing
            for ci, cl in enumerate(c.clauses):
                if isinstance(cl, Equity):
                    for k, con in enumerate(cl.contributions):
                        if con.year == t:
                            self.post(t, cl.id, con.party, "contribution",
                                      -self._contribution(ci, k, con) * active)
                    profit = sum((sh[sid][y] for sid in cl.profit_streams), sp.Integer(0))
                    deficits[cl.id] = self._distribute(t, ci, cl, profit * active,
                                                       deficits[cl.id], ratios[cl.id][y])
                elif isinstance(cl, CostShare):
                    si = segment_at(cl.schedule, t)
                    if si is not None:
                        cost = sum((sh[sid][y] for sid in cl.streams), sp.Integer(0)) * active
                        shares = self._shares(ci, si, cl.schedule[si], t, ratios)
                        for k, p in enumerate(self.parties):
                            self.post(t, cl.id, p, "cost", -Alloc(cost, k, *shares))
            # 6. guarantees
            for pool in pools.values():
                pool.guarantee(t, active, contributed)
            # 7. exit triggers
            if ex is not None and self.triggers_enabled and t <= term:
                pending = 1 - fired
                for i, tr in enumerate(ex.triggers):
                    base = ("clauses", exi, "triggers", i)
                    if isinstance(tr, IncrementBelow):
                        inc = increments.get(tr.clause)
                        if inc is None:
                            counts[i] = sp.Integer(0)
                            continue
                        below = cmp("lt", inc, self.money(base + ("threshold",), tr.threshold))
                        counts[i] = self.keep(f"count{i + 1}_{cal}", (counts[i] + 1) * below)
                        fires = cmp("ge", counts[i], tr.consecutive_years)
                    elif isinstance(tr, CumulativeReached):
                        got = sum((self.receipts_of(tr.clause, tr.party, s)
                                   for s in range(1, t + 1)), sp.Integer(0))
                        fires = cmp("ge", got, self.money(base + ("amount",), tr.amount))
                    else:
                        assert isinstance(tr, InYear)
                        fires = sp.Integer(int(t == tr.year))
                    now = fires * pending
                    if now == 0:
                        continue
                    e = tr.year if isinstance(tr, InYear) else min(t + ex.notice_years, term)
                    fired = fired + now
                    winner = winner + now * (i - winner)
                    last = last + now * (e - last)
                    pending = pending * (1 - now)
                fired = self.keep(f"fired_{cal}", fired)
                winner = self.keep(f"winner_{cal}", winner)
                last = self.keep(f"L_{cal}", last)
            # 8. year L: settlement, then pool residuals
            is_last = cmp("eq", last, t)
            if ex is not None and ex.exiting is not None and is_last != 0:
                if counterfactual is None and self.triggers_enabled and _uses_npv(ex.price):
                    other = SymbolicRun(c, self.v, triggers_enabled=False, tape=self.tape,
                                        prefix="nt_" + self.prefix)
                    ix = other.parties.index(ex.exiting)
                    counterfactual = [other.costs[ix][s] + sum(
                        (rec[ix][s] for rec in other.receipts.values()), sp.Integer(0))
                        for s in range(self.Y)]
                self._settle(t, exi, ex, is_last, fired, winner, counterfactual, contributed)
            for pool in pools.values():
                if is_last != 0:
                    pool.residual(t, is_last)
                pool.balance = self.keep(f"balance_{pool.clause.id}_{cal}", pool.balance)
            for cid in deficits:
                deficits[cid] = self.keep(f"deficit_{cid}_{cal}", deficits[cid])
        self.last = last

    def _distribute(self, t: int, ci: int, cl: Equity, P, deficit, ratios):
        pos = pmax(P, 0)
        if cl.losses == "carry_forward":
            covered = pmin(pos, deficit)
            deficit = deficit - covered + pmax(-P, 0)
        else:
            covered = sp.Integer(0)
        D = mul_round(pos - covered, self.v(("clauses", ci, "payout_ratio"), cl.payout_ratio))
        if ratios is not None and D != 0:
            for k, p in enumerate(self.parties):
                self.post(t, cl.id, p, "dividend", Alloc(D, k, *ratios))
        if cl.losses == "cash_call":
            loss = pmin(P, 0)
            if loss != 0:
                if cl.loss_shares is not None:
                    shares = [self.v(("clauses", ci, "loss_shares", p), cl.loss_shares.get(p, 0))
                              for p in self.parties]
                else:
                    shares = ratios
                for k, p in enumerate(self.parties):
                    self.post(t, cl.id, p, "loss", Alloc(loss, k, *shares))
        return deficit

    def _price(self, exi: int, ex, price, path: tuple, E: int, counterfactual, contributed):
        if isinstance(price, BookPrice):
            total = sp.Integer(0)
            idx = self.v(path + ("index",), price.index)
            for ci, cl in enumerate(self.c.clauses):
                if isinstance(cl, Equity):
                    for k, con in enumerate(cl.contributions):
                        if con.party == ex.exiting and con.year <= E:
                            total += self._contribution(ci, k, con) * (1 + idx) ** (E - con.year)
            return pmax(Round(total), 0)
        if isinstance(price, FixedPrice):
            return self.money(path + ("amount",), price.amount)
        if isinstance(price, NpvPrice):
            term = self.c.term()
            if E >= term or counterfactual is None:
                return sp.Integer(0)
            r = 1 + self.v(path + ("rate",), price.rate)
            total = sum((counterfactual[y - 1] / r ** (y - E) for y in range(E + 1, term + 1)),
                        sp.Integer(0))
            return pmax(Round(total), 0)
        assert isinstance(price, MaxOfPrice)
        members = [self._price(exi, ex, p, path + ("of", k), E, counterfactual, contributed)
                   for k, p in enumerate(price.of)]
        best = members[0]
        for m in members[1:]:
            best = pmax(best, m)
        return best

    def _settle(self, t, exi, ex, is_last, fired, winner, counterfactual, contributed):
        buyer = ex.buyer or self.c.receiving
        fired_now = is_last * fired
        term_end = is_last * (1 - fired)
        for mask, price, name, what in ((fired_now, ex.price, "price", "exit"),
                                        (term_end, ex.price_at_term_end, "price_at_term_end",
                                         "term end")):
            if price is None or mask == 0:
                continue
            if what == "term end" and isinstance(price, NpvPrice):
                continue
            value = self._price(exi, ex, price, ("clauses", exi, name), t, counterfactual,
                                contributed)
            amount = value * mask
            self.post(t, ex.id, ex.exiting, "buyout", amount)
            self.post(t, ex.id, buyer, "buyout", -amount)
            if what == "exit" and ex.penalty is not None:
                for i, tr in enumerate(ex.triggers):
                    if tr.at_fault is None:
                        continue
                    m = fired_now * cmp("eq", winner, i)
                    if m == 0:
                        continue
                    payer = tr.at_fault
                    payee = buyer if payer == ex.exiting else ex.exiting
                    if ex.penalty.amount is not None:
                        pen = self.money(("clauses", exi, "penalty", "amount"), ex.penalty.amount)
                    else:
                        pen = Round(self.v(("clauses", exi, "penalty", "rate_of_price"),
                                           ex.penalty.rate_of_price) * value)
                    self.post(t, ex.id, payee, "penalty", pen * m)
                    self.post(t, ex.id, payer, "penalty", -pen * m)

    # ---- results ---------------------------------------------------------------------------
    def rate(self, p: int) -> sp.Expr:
        party = self.c.parties[p]
        if party.discount_rate is not None:
            return self.v(("parties", p, "discount_rate"), party.discount_rate)
        return self.v(("discount_rate",), self.c.discount_rate)

    def net_total(self, p: int) -> sp.Expr:
        return sum(self.net[p], sp.Integer(0))

    def npv(self, p: int) -> sp.Expr:
        r = 1 + self.rate(p)
        return Round(sum((self.net[p][y] / r ** (y + 1) for y in range(self.Y)), sp.Integer(0)))


def _uses_npv(price) -> bool:
    if isinstance(price, NpvPrice):
        return True
    if isinstance(price, MaxOfPrice):
        return any(_uses_npv(p) for p in price.of)
    return False


@dataclass
class _Unit:
    streams: list[str]
    life_year: int
    shares: list[sp.Expr]
    cap_key: str
    amount: sp.Expr
    increment: sp.Expr = sp.Integer(0)
    pool_in: sp.Expr = sp.Integer(0)


class _SplitState:
    """A tax_split or buffer clause: schedule, baselines, caps (§3.1, §3.2)."""

    def __init__(self, run: SymbolicRun, ci: int, cl):
        self.run, self.ci, self.cl = run, ci, cl
        c = run.c
        self.is_buffer = isinstance(cl, Buffer)
        self.per_stream = self.is_buffer or cl.timing == "since_relocation"
        self.streams = buffer_streams(c, cl) if self.is_buffer else list(cl.streams)
        self.life = {sid: life_start(c, c.stream(sid)) for sid in self.streams}
        cap = cl.cap
        self.cap_party = cap.party if cap is not None else None
        base = ("clauses", ci, "cap")
        self.per_year = (run.money(base + ("per_year",), cap.per_year)
                         if cap is not None and cap.per_year is not None else None)
        keys = self.streams if self.per_stream else [cl.id]
        self.cum: dict[str, sp.Expr] = {}
        if cap is not None and cap.cumulative is not None:
            for key in keys:
                if cap.cumulative == "pre_relocation_total":
                    ids = [key] if self.per_stream else self.streams
                    total = sp.Integer(0)
                    for sid in ids:
                        si = next(i for i, s in enumerate(c.streams) if s.id == sid)
                        for k, v in enumerate(c.stream(sid).pre_relocation_tax or []):
                            total += run.money(("streams", si, "pre_relocation_tax", k), v)
                    self.cum[key] = total
                else:
                    self.cum[key] = run.money(base + ("cumulative",), cap.cumulative)
        self.got = {key: sp.Integer(0) for key in keys}

    def _segment(self, t: int, k: int) -> list[sp.Expr] | None:
        run, cl = self.run, self.cl
        if self.is_buffer:
            if not 1 <= k <= cl.years:
                return None
            base = ("clauses", self.ci)
            if cl.shape == "step":
                s = run.v(base + ("shares", k - 1), cl.shares[k - 1])
            elif cl.shape == "flat":
                s = run.v(base + ("start",), cl.start)
            else:
                s = run.v(base + ("start",), cl.start) * sp.Rational(cl.years - k + 1, cl.years)
            to = cl.to or run.c.receiving
            return [s if p == cl.party else (1 - s if p == to else sp.Integer(0))
                    for p in run.parties]
        si = segment_at(cl.schedule, k)
        if si is None:
            return None
        return run._shares(self.ci, si, cl.schedule[si], t, run.ratios)

    def prepare(self, t: int, sh: dict[str, list[sp.Expr]], active) -> list[_Unit]:
        run, cl = self.run, self.cl
        y = t - 1
        claims_ = []
        if not self.per_stream:
            seg = self._segment(t, t)
            if seg is not None:
                claims_.append((self.streams, t, seg, cl.id))
        else:
            for sid in self.streams:
                k = t - self.life[sid] + 1
                seg = self._segment(t, k)
                if seg is not None:
                    claims_.append(([sid], k, seg, sid))
        units = []
        for streams, k, shares, key in claims_:
            amount = sum((sh[sid][y] for sid in streams), sp.Integer(0)) * active
            u = _Unit(streams, k, shares, key, amount)
            if cl.basis == "increment":
                bl = cl.baseline
                if bl is not None:
                    b = ("clauses", self.ci, "baseline")
                    base = Round(run.money(b + ("amount",), bl.amount)
                                 * (1 + run.v(b + ("growth",), bl.growth)) ** (k - 1))
                    base_part = pmin(amount, base)
                    run.post(t, cl.id, bl.owner or run.c.receiving, "baseline", base_part)
                else:
                    base_part = pmin(amount, 0)
                u.increment = amount - base_part
            else:
                u.increment = amount
            units.append(u)
        return units

    def split(self, t: int, units: list[_Unit]) -> None:
        run, cl = self.run, self.cl
        cal = run.c.calendar(t)
        for u in units:
            rest = u.increment - u.pool_in
            parts = [Alloc(rest, k, *u.shares) for k in range(run.P)]
            for i, p in enumerate(run.parties):
                if p == self.cap_party and (self.per_year is not None or u.cap_key in self.cum):
                    x = parts[i]
                    allowed = x
                    if self.per_year is not None:
                        allowed = pmin(allowed, self.per_year)
                    got = self.got[u.cap_key]
                    cum = self.cum.get(u.cap_key)
                    if cum is not None:
                        allowed = pmin(allowed, pmax(cum - got, 0))
                    allowed = pmax(allowed, 0)
                    self.got[u.cap_key] = run.keep(f"got_{cl.id}_{u.cap_key}_{cal}",
                                                   got + allowed)
                    run.post(t, cl.id, p, "share", allowed)
                    self._excess(t, u, i, x - allowed)
                    continue
                run.post(t, cl.id, p, "share", parts[i])

    def _excess(self, t: int, u: _Unit, capped: int, excess) -> None:
        run, cl = self.run, self.cl
        if excess == 0:
            return
        others = [s if i != capped else sp.Integer(0) for i, s in enumerate(u.shares)]
        total = sum(others, sp.Integer(0))
        recv = run.parties.index(run.c.receiving)
        to_receiving = [sp.Integer(int(i == recv)) for i in range(run.P)]
        if total == 0:
            shares = to_receiving
            for k, p in enumerate(run.parties):
                run.post(t, cl.id, p, "cap_excess", excess * shares[k])
            return
        renorm = [s / total for s in others]
        for k, p in enumerate(run.parties):
            part = Alloc(excess, k, *renorm)
            if not total.is_number:
                part = Select(cmp("ne", total, 0), part, excess * to_receiving[k])
            if others[k] != 0 or not total.is_number:
                run.post(t, cl.id, p, "cap_excess", part)


class _PoolState:
    """A risk_pool: funding, guarantees, backstop, residual (§3.4)."""

    def __init__(self, run: SymbolicRun, ci: int, cl: RiskPool):
        self.run, self.ci, self.clause = run, ci, cl
        self.cap = run.money(("clauses", ci, "cap"), cl.cap) if cl.cap is not None else None
        self.balance = sp.Integer(0)

    def fund(self, t: int, fi: int, f, units: list[_Unit]) -> None:
        rate = self.run.v(("clauses", self.ci, "funded_by", fi, "rate"), f.rate)
        for u in units:
            wanted = mul_round(u.increment, rate)
            fit = pmin(wanted, pmax(self.cap - self.balance, 0)) if self.cap is not None \
                else wanted
            u.pool_in = self.run.keep(f"in_{self.clause.id}_{f.clause}_{u.cap_key}_"
                                      f"{self.run.c.calendar(t)}", fit)
            self.balance = self.balance + u.pool_in

    def guarantee(self, t: int, active, contributed) -> None:
        run = self.run
        for gi, g in enumerate(self.clause.guarantees):
            if g.years is not None and not g.years[0] <= t <= g.years[1]:
                continue
            base = ("clauses", self.ci, "guarantees", gi, "floor")
            if isinstance(g.floor, FloorOfContributions):
                made = sum(contributed[g.party][:t], sp.Integer(0))
                floor = Round(run.v(base + ("rate",), g.floor.rate) * made)
            else:
                floor = run.money(base, g.floor)
            receipts = sum((run.receipts_of(cid, g.party, t) for cid in g.counts),
                           sp.Integer(0))
            shortfall = pmax(floor - receipts, 0) * active
            pay = self.run.keep(f"paid_{self.clause.id}_{gi + 1}_{run.c.calendar(t)}",
                                pmin(shortfall, self.balance))
            self.balance = self.balance - pay
            run.post(t, self.clause.id, g.party, "pool_out", pay)
            if self.clause.backstop is not None:
                rest = shortfall - pay
                run.post(t, self.clause.id, g.party, "backstop", rest)
                run.post(t, self.clause.id, self.clause.backstop, "backstop", -rest)

    def residual(self, t: int, is_last) -> None:
        run = self.run
        rs = self.clause.residual_shares
        if rs is None:
            shares = [sp.Integer(int(p == run.c.receiving)) for p in run.parties]
        else:
            shares = [run.v(("clauses", self.ci, "residual_shares", p), rs.get(p, 0))
                      for p in run.parties]
        amount = self.balance * is_last
        for k, p in enumerate(run.parties):
            run.post(t, self.clause.id, p, "residual", Alloc(amount, k, *shares))
        self.balance = self.balance - amount


# ---- evaluation ---------------------------------------------------------------------------------

def evaluate(expr: sp.Expr, tape: Tape, env: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    """expr with the parameters' values in env and every definition of the tape worked out
    in order; extends env with the definitions' values."""
    for sym, definition in tape.defs:
        if sym not in env:
            env[sym] = definition.xreplace(env)
    return _expr(expr).xreplace(env)
