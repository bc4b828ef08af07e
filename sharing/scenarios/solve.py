"""``sharing solve``: the value of one parameter that meets a negotiation target.

Targets (typed by the user, read by the whitelist parser of :mod:`.formula`):

- ``npv(a) == npv(b)``: equal NPVs; any equation of ``npv(P)``, ``total(P)`` (net total),
  ``equity(P)`` / ``equity(P, CLAUSE)`` (P's equity ratio in the term's last year), numbers
  and ``+ - * /``: e.g. ``npv(a) / npv(b) == equity(a) / equity(b)``,
  ``npv(beijing) == 120000000``. Amounts are in yuan.
- ``nash(a=D_A, b=D_B)``: the Nash bargaining solution: the value that maximises
  (npv(a) − D_A)·(npv(b) − D_B) with every party above its disagreement payoff D (yuan).

Method. First exactly, with sympy, where the target's formula allows: the formulas of
:mod:`.symbolic` without their roundings (``round(x)`` read as x, ``alloc_k(X; s)`` as
X·s_k) give an equation in the parameter that sympy solves when it has no piecewise part (a
cap or a trigger that depends on it). Then, always, on the engine itself: the candidate (or
a bracket found on a grid) is narrowed by K-section, K values at a time through the
vectorised engine, until the target holds **to within one fen** (the equation's residual is
at most what one fen of its first amount moves it by), and the answer is shortened to the
fewest decimals that still meet it. The answer is re-run through the engine as a contract of
its own and the check printed. A target that no value in the range meets is reported as
infeasible, with the value that comes closest and how close.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from schemas.contract import Contract, Equity
from schemas.numbers import exact, exact_text

from .explain import INT_FIELDS, model_value
from .formula import FormulaError, Function, as_fraction, parse
from .paths import SHARE_MAPS, PathError, parse_path, resolve

K = 16  # values per narrowing step
MAX_STEPS = 40
RATIO_FIELDS = frozenset({"start", "shares", "rate", "payout_ratio", "local_retention",
                          "ramp", "rate_of_price", "weights"})
RATE_FIELDS = frozenset({"growth", "discount_rate", "index"})


@dataclass(frozen=True)
class Nash:
    """The Nash bargaining target: disagreement payoffs (yuan) by party."""

    disagreement: dict[str, Any]


def target_functions(contract: Contract) -> dict[str, Function]:
    import sympy as sp

    pids = [p.id for p in contract.parties]
    equities = [c.id for c in contract.clauses if isinstance(c, Equity)]

    def party(p: str) -> str:
        if p not in pids:
            raise FormulaError(f"{p!r} is not a party of this contract ({', '.join(pids)})")
        return p

    def equity(p: str, clause: str | None = None) -> Any:
        party(p)
        if clause is None:
            if len(equities) != 1:
                raise FormulaError("equity(P) needs the contract's one equity clause; this one "
                                   f"has {len(equities)}: name it, equity(P, CLAUSE)")
            clause = equities[0]
        if clause not in equities:
            raise FormulaError(f"{clause!r} is not an equity clause ({', '.join(equities)})")
        return sp.Symbol(f"equity({p},{clause})")

    def nash(**payoffs: Any) -> Nash:
        for p in payoffs:
            party(p)
        if len(payoffs) < 2:
            raise FormulaError("nash(...) needs two or more parties with their disagreement "
                               "payoffs, e.g. nash(beijing=0, hebei=0)")
        return Nash(payoffs)

    return {
        "npv": Function(("id",), lambda p: sp.Symbol(f"npv({party(p)})")),
        "total": Function(("id",), lambda p: sp.Symbol(f"total({party(p)})")),
        "equity": Function(("id", "id"), equity, optional=1),
        "nash": Function((), nash, keywords=True, top_only=True),
    }


def parse_target(text: str, contract: Contract) -> Any:
    """A target as a sympy ``Eq`` over placeholders npv(P), total(P), equity(P,C), or a
    :class:`Nash`; FormulaError for anything else."""
    import sympy as sp

    t = parse(text, target_functions(contract))
    if isinstance(t, Nash):
        return t
    if not isinstance(t, sp.Equality):
        raise FormulaError("a target is an equation (npv(a) == npv(b)) or nash(a=0, b=0)")
    if not (t.lhs - t.rhs).free_symbols:
        raise FormulaError("the target names no npv(P), total(P) or equity(P)")
    return t


# ---- evaluating candidates on the engine ------------------------------------------------------

class Evaluator:
    """Outcomes of candidate values of the parameter, through the vectorised engine."""

    def __init__(self, doc: dict[str, Any], contract: Contract, find: str,
                 balance: str | None, placeholders: set[Any]):
        self.doc, self.contract, self.find, self.balance = doc, contract, find, balance
        self.placeholders = placeholders
        uses_equity = any(str(s).startswith("equity(") for s in placeholders)
        steps, _ = resolve(doc, parse_path(find))
        in_equity = steps[0] == "clauses" and isinstance(contract.clauses[steps[1]], Equity)
        self.needs_equity = uses_equity and in_equity  # else the ratios never change
        self.fixed_equity = self._equity(doc) if uses_equity and not in_equity else {}
        self.runs = 0

    def __call__(self, xs: list[Fraction]) -> list[dict[str, Any] | None]:
        """Per value: {placeholder symbol: exact value} or None when the contract would be
        refused at that value."""
        import sympy as sp

        from schemas.scenario import Vary

        from .plan import plan_from_contract
        from .runner import run_plan

        vary = Vary(path=self.find, values=list(xs), balance=self.balance)
        plan = plan_from_contract(self.doc, [vary])
        res = run_plan(plan)
        self.runs += 1
        pids = plan.parties
        out: list[dict[str, Any] | None] = []
        for s in range(len(xs)):
            if not res.valid[s]:
                out.append(None)
                continue
            vals: dict[Any, Any] = {}
            for p, pid in enumerate(pids):
                vals[sp.Symbol(f"npv({pid})")] = sp.Rational(int(res.npv[s, p]), 100)
                vals[sp.Symbol(f"total({pid})")] = sp.Rational(int(res.net_total[s, p]), 100)
            vals.update(self.fixed_equity)
            if self.needs_equity:
                vals.update(self._equity(plan.document(s)))
            out.append(vals)
        return out

    def _equity(self, doc: dict[str, Any]) -> dict[Any, Any]:
        import sympy as sp

        from sharing.api import parse_contract
        from sharing.stakes import equity_ratios

        c = parse_contract(doc)
        out = {}
        T = c.term()
        for cl in c.clauses:
            if isinstance(cl, Equity):
                row = equity_ratios(c, cl)[T - 1] or [Fraction(0)] * len(c.parties)
                for p, r in zip(c.parties, row, strict=True):
                    out[sp.Symbol(f"equity({p.id},{cl.id})")] = sp.Rational(r.numerator,
                                                                             r.denominator)
        return out


def _residual(eq: Any, vals: dict[Any, Any]) -> Fraction | None:
    r = (eq.lhs - eq.rhs).xreplace(vals)
    if not r.is_Rational:
        return None  # e.g. a division by an NPV of 0
    return as_fraction(r)


def _tolerance(eq: Any, vals: dict[Any, Any]) -> Fraction:
    """What one fen of the equation's first amount (npv or total, as written) moves its
    residual by: the tolerance of "met to within one fen"."""
    import sympy as sp

    f = eq.lhs - eq.rhs
    order = [s for side in (eq.lhs, eq.rhs) for s in sp.preorder_traversal(side)
             if isinstance(s, sp.Symbol)]
    for s in dict.fromkeys(order):  # as written, left side first
        if str(s).startswith(("npv(", "total(")):
            d = f.diff(s).xreplace(vals)
            if d.is_Rational and d != 0:
                return abs(as_fraction(d)) / 100
    return Fraction(0)


def _nash_value(t: Nash, vals: dict[Any, Any]) -> tuple[Fraction, Fraction]:
    """(product of gains, smallest gain) in yuan."""
    import sympy as sp

    prod, least = Fraction(1), None
    for p, d in t.disagreement.items():
        gain = as_fraction(vals[sp.Symbol(f"npv({p})")]) - as_fraction(d)
        prod *= gain
        least = gain if least is None else min(least, gain)
    return prod, least


# ---- the parameter and its range ----------------------------------------------------------------

def _range(steps: tuple, value: Fraction, low: str | None, high: str | None,
           unit_fen: int) -> tuple[Fraction, Fraction]:
    names = {s for s in steps if isinstance(s, str)}
    if len(steps) >= 2 and steps[-2] in SHARE_MAPS or names & RATIO_FIELDS:
        lo, hi = Fraction(0), Fraction(1)
    elif steps[-1] in RATE_FIELDS:
        lo, hi = Fraction(-1, 2), Fraction(1)
    else:
        lo, hi = Fraction(0), max(4 * abs(value), Fraction(10**8 * 100, unit_fen))
    lo = exact(low) if low is not None else lo
    hi = exact(high) if high is not None else hi
    if hi <= lo:
        raise ValueError(f"the range {exact_text(lo)} … {exact_text(hi)} is empty")
    return lo, hi


def _shortest(x: Fraction, lo: Fraction, hi: Fraction) -> list[Fraction]:
    """x rounded to 0, 1, …, 15 decimals (half up), within [lo, hi]."""
    from sharing.money import round_half_up

    out = []
    for d in range(16):
        v = Fraction(round_half_up(x * 10**d), 10**d)
        if lo <= v <= hi and v not in out:
            out.append(v)
    return out


# ---- solving ------------------------------------------------------------------------------------

def _exact_candidates(doc, contract, find, balance, target, lo, hi) -> list[Fraction]:
    """Roots (or the Nash optimum) of the unrounded formulas, when sympy can find them."""
    import sympy as sp

    from .explain import _inline, symbolic_params
    from .symbolic import Alloc, Round, SymbolicRun, _Piecewise

    values, params = symbolic_params(doc, contract, [find], balance)
    x = params[0].symbol
    run = SymbolicRun(contract, values)
    pids = [p.id for p in contract.parties]

    def amount(kind: str, pid: str) -> Any:
        i = pids.index(pid)
        e = run.npv(i) if kind == "npv" else run.net_total(i)
        whole = _inline(e, run.tape.defs, limit=5000)
        if whole is None:
            raise _NoExact
        whole = whole.replace(Round, lambda a: a).replace(
            Alloc, lambda X, k, *s: X * s[int(k)])
        if whole.has(_Piecewise):
            raise _NoExact
        return whole / 100

    try:
        if isinstance(target, Nash):
            f = sp.Integer(1)
            for p, d in target.disagreement.items():
                f *= amount("npv", p) - d
            eqs = [sp.diff(f, x)]
        else:
            subs = {}
            for s in (target.lhs - target.rhs).free_symbols:
                name = str(s)
                kind, pid = name.split("(")[0], name.split("(")[1].rstrip(")").split(",")[0]
                if kind == "equity":
                    raise _NoExact  # ratios of a varied contribution: leave it to the engine
                subs[s] = amount(kind, pid)
            eqs = [(target.lhs - target.rhs).xreplace(subs)]
        roots = sp.solve(eqs[0], x, rational=True)
    except (_NoExact, NotImplementedError, ValueError, TypeError):
        return []
    out = []
    for r in roots:
        r = sp.nsimplify(r) if not r.is_Rational else r
        if r.is_real and r.is_number:
            v = as_fraction(r) if r.is_Rational else Fraction(str(sp.N(r, 30)))
            if lo <= v <= hi:
                out.append(v)
    return out


class _NoExact(Exception):
    pass


def solve(doc: dict[str, Any], contract: Contract, find: str, target_text: str,
          low: str | None = None, high: str | None = None,
          balance: str | None = None) -> dict[str, Any]:
    """Solve and check; returns the solve document (see :func:`render`)."""
    try:
        path = parse_path(find)
        steps, _ = resolve(doc, path)
    except PathError as e:
        raise ValueError(str(e)) from None
    if steps[-1] in INT_FIELDS:
        raise ValueError(f"{find} is a count of years; solve for a share, rate or amount")
    current = model_value(contract, steps)
    if current is None and steps[-1] == "growth":
        current = Fraction(0)
    if not isinstance(current, (Fraction, int)) or isinstance(current, bool):
        raise ValueError(f"{find} is not a number of this contract")
    current = Fraction(current)
    try:
        target = parse_target(target_text, contract)
    except FormulaError as e:
        raise ValueError(f"target: {e}") from None
    lo, hi = _range(tuple(steps), current, low, high, contract.unit_fen)
    placeholders = (set() if isinstance(target, Nash)
                    else (target.lhs - target.rhs).free_symbols)
    ev = Evaluator(doc, contract, find, balance, placeholders)
    exact_roots = _exact_candidates(doc, contract, find, balance, target, lo, hi)
    if isinstance(target, Nash):
        found = _solve_nash(ev, target, lo, hi, exact_roots)
    else:
        found = _solve_equation(ev, target, lo, hi, exact_roots)
    found.update(path=find, target=target_text, current=exact_text(current),
                 range=[exact_text(lo), exact_text(hi)], engine_runs=ev.runs,
                 exact_roots=[exact_text(r) for r in exact_roots])
    found["check"] = _check(doc, find, balance, found["value"], target)
    return found


def _grid(lo: Fraction, hi: Fraction, n: int) -> list[Fraction]:
    return [lo + (hi - lo) * i / n for i in range(n + 1)]


def _met(eq: Any, vals: dict[Any, Any] | None) -> tuple[Fraction | None, bool]:
    r = _residual(eq, vals) if vals is not None else None
    return r, r is not None and abs(r) <= _tolerance(eq, vals)


def _solve_equation(ev: Evaluator, eq: Any, lo: Fraction, hi: Fraction,
                    seeds: list[Fraction]) -> dict[str, Any]:
    # 1. exact candidates, shortened, straight to the engine
    if seeds:
        cands = [v for s in seeds for v in _shortest(s, lo, hi)] + seeds
        for x, vals in zip(cands, ev(cands), strict=True):
            if _met(eq, vals)[1]:
                return {"feasible": True, "method": "exact (sympy), checked on the engine",
                        "value": x}
    # 2. a bracket on a grid (around sympy's root first, when it had one)
    xs = sorted(set(_grid(lo, hi, K)) | set(seeds))
    pts = [(x, r) for x, (r, _) in zip(xs, (_met(eq, v) for v in ev(xs)), strict=True)
           if r is not None]
    if not pts:
        raise ValueError("no value in the range gives a valid contract; give --low/--high")
    met = [x for x, r in pts if r == 0]
    brackets = [(a, ra, b, rb) for (a, ra), (b, rb) in zip(pts, pts[1:], strict=False)
                if (ra < 0) != (rb < 0)]
    if met:
        return {"feasible": True, "method": "numeric (grid on the engine)", "value": met[0]}
    if not brackets:
        best = min(pts, key=lambda p: abs(p[1]))
        return {"feasible": False, "method": "numeric (grid and zoom on the engine)",
                "value": _closest(ev, eq, best[0], lo, hi)}
    a, ra, b, rb = (min(brackets, key=lambda br: min(abs(br[0] - seeds[0]),
                                                     abs(br[2] - seeds[0])))
                    if seeds else brackets[0])
    # 3. regula falsi (Illinois) on exact fractions, one engine run a step
    side = 0
    best = (a, ra) if abs(ra) < abs(rb) else (b, rb)
    for _ in range(MAX_STEPS):
        x = (a * rb - b * ra) / (rb - ra)
        if not a < x < b:
            x = (a + b) / 2
        vals = ev([x])[0]
        r, ok = _met(eq, vals)
        if ok:
            short = _shortest(x, a, b)
            for y, v in zip(short, ev(short), strict=True):
                if _met(eq, v)[1]:
                    x = y
                    break
            return {"feasible": True, "method": "numeric (regula falsi on the engine)"
                    + (", from sympy's root" if seeds else ""), "value": x}
        if r is None:  # invalid or undefined there: halve instead
            x_mid = (a + b) / 2
            if x == x_mid:
                break
            vals = ev([x_mid])[0]
            r, ok = _met(eq, vals)
            if r is None:
                break
            x = x_mid
        if abs(r) < abs(best[1]):
            best = (x, r)
        if (r < 0) == (ra < 0):
            a, ra = x, r
            if side == -1:
                rb /= 2
            side = -1
        else:
            b, rb = x, r
            if side == 1:
                ra /= 2
            side = 1
        if b - a < Fraction(1, 10**15):
            break
    return {"feasible": False, "method": "numeric (regula falsi on the engine): the target "
            "jumps by more than a fen at this value (a rounding, a cap or a trigger)",
            "value": best[0]}


def _closest(ev: Evaluator, eq: Any, x0: Fraction, lo: Fraction, hi: Fraction) -> Fraction:
    """Refine the grid point closest to meeting the target (zooming around it)."""
    width = (hi - lo) / (4 * K)
    best = x0
    for _ in range(6):
        a, b = max(lo, best - width), min(hi, best + width)
        xs = _grid(a, b, K)
        pts = [(x, _residual(eq, v)) for x, v in zip(xs, ev(xs), strict=True) if v is not None]
        pts = [(x, r) for x, r in pts if r is not None]
        if not pts:
            break
        best = min(pts, key=lambda p: abs(p[1]))[0]
        width = (b - a) / K
    return best


def _solve_nash(ev: Evaluator, t: Nash, lo: Fraction, hi: Fraction,
                seeds: list[Fraction]) -> dict[str, Any]:
    """Grid, then zoom on the best feasible value (K/2 values a step, the window shrinking
    fourfold) until it is narrower than 10⁻¹²; then the shortest decimal as good."""
    xs = sorted(set(_grid(lo, hi, K)) | set(seeds))
    pts = [(x, _nash_value(t, v)) for x, v in zip(xs, ev(xs), strict=True) if v is not None]
    if not pts:
        raise ValueError("no value in the range gives a valid contract; give --low/--high")
    feasible = [(x, prod) for x, (prod, least) in pts if least > 0]
    if not feasible:
        x = max(pts, key=lambda p: p[1][1])[0]
        return {"feasible": False, "method": "numeric (grid on the engine): no value gives "
                "every party more than its disagreement payoff; shown: the value that comes "
                "closest (the largest smallest gain)", "value": x}
    best, best_prod = max(feasible, key=lambda p: p[1])
    width = (hi - lo) / K
    while width > Fraction(1, 10**12):
        a, b = max(lo, best - width), min(hi, best + width)
        xs = [x for x in _grid(a, b, K // 2) if x != best]
        for x, v in zip(xs, ev(xs), strict=True):
            if v is not None:
                prod, least = _nash_value(t, v)
                if least > 0 and prod > best_prod:
                    best, best_prod = x, prod
        width /= 4
    short = _shortest(best, lo, hi)
    for x, vals in zip(short, ev(short), strict=True):
        if vals is not None and _nash_value(t, vals)[0] >= best_prod:
            best = x
            break
    return {"feasible": True, "method": "numeric (grid and zoom on the engine)"
            + (", sympy's optimum among the candidates" if seeds else ""), "value": best}


def _check(doc: dict[str, Any], find: str, balance: str | None, x: Fraction,
           target: Any) -> dict[str, Any]:
    """Re-run the answer as a contract of its own through the engine (``run_contract``)."""
    import sympy as sp

    from sharing.api import parse_contract, run_contract

    from .paths import apply

    c = parse_contract(apply(doc, [(parse_path(find), x, balance)]))
    result = run_contract(c)
    vals: dict[Any, Any] = {}
    for pid, pr in result["parties"].items():
        vals[sp.Symbol(f"npv({pid})")] = sp.Rational(Fraction(pr["npv"]))
        vals[sp.Symbol(f"total({pid})")] = sp.Rational(Fraction(pr["net_total"]))
    from sharing.stakes import equity_ratios

    for cl in c.clauses:
        if isinstance(cl, Equity):
            row = equity_ratios(c, cl)[c.term() - 1] or [Fraction(0)] * len(c.parties)
            for p, r in zip(c.parties, row, strict=True):
                vals[sp.Symbol(f"equity({p.id},{cl.id})")] = sp.Rational(r.numerator,
                                                                         r.denominator)
    out: dict[str, Any] = {"npv": {pid: pr["npv"] for pid, pr in result["parties"].items()},
                           "net_total": {pid: pr["net_total"]
                                         for pid, pr in result["parties"].items()}}
    if isinstance(target, Nash):
        prod, least = _nash_value(target, vals)
        out.update(gains={p: exact_text(as_fraction(vals[sp.Symbol(f"npv({p})")]) -
                                        as_fraction(d))
                          for p, d in target.disagreement.items()},
                   product=exact_text(prod), ok=least > 0)
        return out
    r = _residual(target, vals)
    tol = _tolerance(target, vals)
    out.update(lhs=exact_text(as_fraction(target.lhs.xreplace(vals))),
               rhs=exact_text(as_fraction(target.rhs.xreplace(vals))),
               residual=exact_text(r) if r is not None else None,
               tolerance=exact_text(tol), ok=r is not None and abs(r) <= tol)
    return out


def solve_file(path: str, find: str, target: str, low: str | None = None,
               high: str | None = None, balance: str | None = None) -> dict[str, Any]:
    from sharing.api import parse_contract
    from sharing.loader import read_file

    doc = read_file(path)
    out = solve(doc, parse_contract(doc), find, target, low, high, balance)
    out["value"] = exact_text(out["value"])
    return out


def render(doc: dict[str, Any]) -> str:
    chk = doc["check"]
    out = [f"solve {doc['path']} for {doc['target']}",
           f"  range searched: {doc['range'][0]} … {doc['range'][1]} (contract value "
           f"{doc['current']})"]
    if doc["feasible"]:
        out.append(f"  answer: {doc['path']} = {doc['value']}   [{doc['method']}]")
    else:
        out.append("  INFEASIBLE: no value in the range meets the target.")
        out.append(f"  closest: {doc['path']} = {doc['value']}   [{doc['method']}]")
    out.append("  check (re-run through the engine as a contract of its own):")
    for pid in chk["npv"]:
        out.append(f"    {pid}: NPV {chk['npv'][pid]}, net total {chk['net_total'][pid]}")
    if "product" in chk:
        out.append("    gains over the disagreement payoffs: "
                   + ", ".join(f"{p} {g}" for p, g in chk["gains"].items())
                   + f"; product {chk['product']}")
        out.append("    ✓ every party gains" if chk["ok"] else "    ✗ not every party gains")
    else:
        out.append(f"    left side {chk['lhs']}, right side {chk['rhs']}, difference "
                   f"{chk['residual']} (one fen of the first amount: {chk['tolerance']})")
        out.append("    ✓ met to within one fen" if chk["ok"]
                   else "    ✗ not met to within one fen")
    return "\n".join(out) + "\n"
