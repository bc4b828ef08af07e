"""Hypothesis strategies for valid contract documents (semantics §1–§3), in one module.

``contracts()`` draws a contract as a plain dict, the shape of a YAML or JSON file, which
the tests validate with ``sharing.api.parse_contract`` (and ``assume`` away the few that the
validator refuses). The dicts are built so that nearly all of them are valid: streams are
handed to at most one clause of each group, segments never overlap, equity exists from year 1
where ratios are needed, guarantees of one party never overlap, a buyer is never the exiting
party.

Amounts are drawn in fen on a per-contract scale (10**4 to 10**14 fen, 10**14 fen = 10**12
yuan being the largest a field or a yearly projection may hold, ``schemas.numbers.MAX_YUAN``),
with the extremes 0 and the scale itself drawn often, so int64 overflow is exercised. They are
written in the file's unit (``yuan`` or ``wan``) as exact decimal strings; projections
(``first``, ``series``) may carry sub-fen digits so rounding is exercised too.

``Knobs`` turns whole families of features off, for the properties that only hold without
them (e.g. no caps or pools for the reordering property) and to keep known engine bugs out of
the general properties (each one has its own minimal test instead).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cache
from typing import Any

from hypothesis import strategies as st

MAX_FEN = 10**14  # 10**12 yuan: the largest amount a money field or a projection may hold
UNIT_FEN = {"yuan": 100, "wan": 1_000_000}
KINDS = ("cash", "land", "project", "tax_stock", "intangible")


@dataclass(frozen=True)
class Knobs:
    """Which features the drawn contracts may use."""

    max_years: int = 12
    caps: bool = True
    pools: bool = True
    equity: bool = True
    cost_share: bool = True
    indicators: bool = True
    exit: bool = True
    buffers: bool = True
    from_equity: bool = True
    wan: bool = True
    #: extreme growth of baselines and indices of book prices (amounts past int64 fen)
    huge_derived: bool = True
    #: a penalty given as a fixed amount on an exit clause with no price
    penalty_without_price: bool = True
    #: rates with denominators near 2**62 (pool funding, payout ratios)
    huge_rate_denominators: bool = True
    #: features every drawn contract has: "equity", "split" (a tax_split), "buffer" (and a
    #: relocated stream), "caps" (on every split clause), "pool", "exit"
    force: frozenset[str] = frozenset()


DEFAULT = Knobs()


# ---- exact numbers written as a contract file writes them ------------------------------------

def number_text(f: Fraction) -> str:
    """An exact number as the file would write it: "12.5", "-3", or "1/3"."""
    d = f.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return f"{f.numerator}/{f.denominator}"
    digits = 0
    while (f * 10**digits).denominator != 1:
        digits += 1
    if digits > 20:
        return f"{f.numerator}/{f.denominator}"
    if digits == 0:
        return str(f.numerator)
    n = abs(f.numerator * 10**digits // f.denominator)
    whole, frac = divmod(n, 10**digits)
    return ("-" if f < 0 else "") + f"{whole}.{frac:0{digits}d}"


def money_text(fen: Fraction | int, unit: str) -> str:
    """An amount of fen written in the file's unit, exactly."""
    return number_text(Fraction(fen) / UNIT_FEN[unit])


# ---- building blocks (strategies built once and cached: building them is what costs) ------

@cache
def ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@cache
def one_of(*options: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(options)


BOOL = st.booleans()


def pick(draw, options) -> Any:
    return draw(one_of(*options))


def coin(draw) -> bool:
    return draw(BOOL)


def subset(draw, items: list[Any], min_size: int = 0, max_size: int | None = None) -> list[Any]:
    """Some of ``items`` (min_size..max_size of them, as there are), in their order."""
    hi = len(items) if max_size is None else min(max_size, len(items))
    k = draw(ints(min(min_size, hi), hi))
    left = list(range(len(items)))
    chosen = sorted(left.pop(draw(ints(0, len(left) - 1))) for _ in range(k))
    return [items[i] for i in chosen]


@cache
def amounts(scale: int) -> st.SearchStrategy[int]:
    """Whole fen in 0..scale, mostly of the order of the scale, the extremes drawn often."""
    return st.one_of(st.integers(scale // 10, scale), st.integers(scale // 10, scale),
                     st.just(scale), st.integers(max(0, scale - 100), scale),
                     st.integers(0, scale), st.just(0), st.integers(0, 1000))


@cache
def positive_amounts(scale: int) -> st.SearchStrategy[int]:
    """Whole fen in 1..scale, mostly of the order of the scale."""
    return st.one_of(st.integers(max(1, scale // 10), scale), st.just(scale),
                     st.integers(1, scale), st.integers(1, 1000))


@cache
def sub_fen_amounts(scale: int) -> st.SearchStrategy[Fraction]:
    """Projections may carry digits below the fen (rounded by §1): thousandths of a fen."""
    return st.one_of(amounts(scale).map(Fraction),
                     st.integers(0, scale * 1000).map(lambda n: Fraction(n, 1000)),
                     st.integers(0, 1000).map(lambda n: Fraction(2 * n + 1, 2)))  # halves


SHARE_WEIGHTS = st.one_of(st.integers(1, 10),
                          st.sampled_from([3, 7, 10000000, 19218107, 999999999]))


def shares_map(draw, parties: list[str]) -> dict[str, str]:
    """A shares map: some parties, exact shares ≥ 0 summing to exactly 1."""
    named = subset(draw, parties, min_size=1)
    weights = [0 if draw(ints(0, 4)) == 0 else draw(SHARE_WEIGHTS) for _ in named]
    if not any(weights):
        weights[0] = 1
    total = sum(weights)
    return {p: number_text(Fraction(w, total)) for p, w in zip(named, weights, strict=True)}


@cache
def rates(knobs: Knobs) -> st.SearchStrategy[str]:
    """A rate or ratio in [0, 1]."""
    common = st.sampled_from(["0", "0.15", "0.5", "1/3", "0.85", "1", "2/7", "0.005"])
    out = st.one_of(common, st.fractions(0, 1, max_denominator=10**6).map(number_text))
    if knobs.huge_rate_denominators:
        big = st.integers(2**40, 2**62).flatmap(
            lambda d: st.integers(0, d).map(lambda n: number_text(Fraction(n, d))))
        out = st.one_of(out, big)
    return out


@cache
def growths(extreme: bool) -> st.SearchStrategy[Fraction]:
    base = st.sampled_from([Fraction(0), Fraction(5, 100), Fraction(-1, 10), Fraction(1, 3),
                            Fraction(8, 100), Fraction(-1, 2)])
    if extreme:
        return st.one_of(base, st.sampled_from([Fraction(10), Fraction(-99, 100)]))
    return base


def schedule(draw, years: int, parties: list[str], equity_ids: list[str],
             first_year: int = 1, last_year: int | None = None) -> list[dict[str, Any]]:
    """1–3 segments inside first_year..last_year, disjoint, possibly with gaps."""
    last_year = years if last_year is None else last_year
    points = sorted({draw(ints(first_year, last_year)) for _ in range(draw(ints(1, 6)))})
    if len(points) % 2 == 1:
        points.append(points[-1])
    segments = []
    for a, b in zip(points[::2], points[1::2], strict=True):
        if equity_ids and draw(ints(0, 3)) == 0:
            shares: Any = {"from_equity": pick(draw, equity_ids)}
        else:
            shares = shares_map(draw, parties)
        span: Any = a if a == b and coin(draw) else f"{a}-{b}"
        segments.append({"years": span, "shares": shares})
    return draw(st.permutations(segments))


def projection(draw, kind: str, years: int, unit: str, scale: int, life_start: int,
               extreme: bool) -> dict[str, Any]:
    """``series`` or ``first``/``growth``/``ramp`` for one stream, never past MAX_FEN a year."""
    signed = kind in ("profit", "cost")
    life_years = years - life_start + 1
    if coin(draw):
        series = []
        for t in range(1, years + 1):
            if t < life_start:
                series.append("0")
                continue
            v = draw(sub_fen_amounts(scale))
            if signed and draw(ints(0, 2)) == 0:
                v = -v
            series.append(money_text(v, unit))
        return {"series": series}
    growth = draw(growths(extreme))
    ramp = [pick(draw, RAMPS) for _ in range(draw(ints(0, min(3, life_years))))]
    factor = max((1 + growth) ** (k - 1) * (ramp[k - 1] if k <= len(ramp) else 1)
                 for k in range(1, life_years + 1))
    limit = min(scale, MAX_FEN) if factor <= 1 else min(scale, int(MAX_FEN / factor))
    first = draw(sub_fen_amounts(limit))
    if first * max(factor, 1) > MAX_FEN:
        first = Fraction(int(MAX_FEN / max(factor, 1)))
    if signed and draw(ints(0, 2)) == 0:
        first = -first
    out: dict[str, Any] = {"first": money_text(first, unit)}
    if growth or coin(draw):
        out["growth"] = number_text(growth)
    if ramp:
        out["ramp"] = [number_text(r) for r in ramp]
    return out


RAMPS = (Fraction(3, 10), Fraction(1, 2), Fraction(0), Fraction(1), Fraction(2, 3))


# ---- the whole contract -------------------------------------------------------------------

@st.composite
def contracts(draw, knobs: Knobs = DEFAULT) -> dict[str, Any]:
    """A contract document (dict) that is valid in nearly every draw."""
    years = draw(ints(1, knobs.max_years))
    start = draw(ints(2000, 2030))
    unit = pick(draw, ["yuan", "yuan", "wan"]) if knobs.wan else "yuan"
    scale = pick(draw, [10**4, 10**8, 10**10, 10**12, MAX_FEN])
    n = draw(ints(2, 4))
    parties = [f"p{i + 1}" for i in range(n)]
    receiving = pick(draw, parties)
    party_docs = []
    for p in parties:
        role = "receiving" if p == receiving else pick(draw, ["sending", "other"])
        doc: dict[str, Any] = {"id": p, "name": f"party {p}", "role": role}
        if draw(ints(0, 3)) == 0:
            doc["discount_rate"] = pick(draw, ["0.05", "0.08", "0"])
        party_docs.append(doc)
    others = [p for p in parties if p != receiving]

    # ---- streams (§2)
    streams: list[dict[str, Any]] = []
    kinds = [pick(draw, ["tax", "tax", "fee", "land"]) for _ in range(draw(ints(1, 3)))]
    if knobs.equity:
        kinds += ["profit"] * draw(ints(0, 2))
    if knobs.cost_share:
        kinds += ["cost"] * draw(ints(0, 2))
    if knobs.indicators:
        kinds += ["indicator"] * draw(ints(0, 2))
    life: dict[str, int] = {}
    for i, kind in enumerate(kinds):
        sid = f"{kind}{i + 1}"
        s: dict[str, Any] = {"id": sid, "kind": kind}
        ls = 1
        buffered = "buffer" in knobs.force and i == 0  # the first stream is a split stream
        if kind in ("tax", "fee", "land") and (buffered or draw(ints(0, 2)) > 0):
            ls = draw(ints(1, years))
            s["relocated_year"] = start + ls - 1
            if coin(draw):
                pre = [draw(amounts(scale)) for _ in range(draw(ints(1, 3)))]
                s["pre_relocation_tax"] = [money_text(v, unit) for v in pre]
        elif kind not in ("tax", "fee", "land") and draw(ints(0, 3)) == 0:
            ls = draw(ints(1, years))  # relocated profit, cost or indicator streams start late
            s["relocated_year"] = start + ls - 1
        if kind == "tax" and coin(draw):
            s["local_retention"] = pick(draw, ["0.5", "0.4", "0.25", "1", "1/3", "0"])
        s.update(projection(draw, kind, years, unit, scale, ls, knobs.huge_derived))
        streams.append(s)
        life[sid] = ls
    by_kind = {k: [s["id"] for s in streams if s["kind"] == k]
               for k in ("tax", "fee", "land", "profit", "cost", "indicator")}
    split_streams = by_kind["tax"] + by_kind["fee"] + by_kind["land"]
    relocated = [s["id"] for s in streams if "relocated_year" in s
                 and s["kind"] in ("tax", "fee", "land")]
    has_pre = {s["id"] for s in streams if s.get("pre_relocation_tax")}

    clauses: list[dict[str, Any]] = []

    # ---- equity (§3.3): first, so that from_equity can name it
    equity_ids: list[str] = []
    if knobs.equity and ("equity" in knobs.force or draw(ints(0, 2)) > 0):
        pool_of_profit = list(by_kind["profit"])
        for e in range(draw(ints(1, 2))):
            eid = f"devco{e + 1}"
            mine = [sid for sid in pool_of_profit if coin(draw)]
            pool_of_profit = [sid for sid in pool_of_profit if sid not in mine]
            contributions = []
            for j in range(draw(ints(1, 4))):
                kind = pick(draw, KINDS)
                k: dict[str, Any] = {"party": pick(draw, parties), "kind": kind}
                if j == 0:
                    k["year"] = 1
                elif coin(draw):
                    k["year"] = draw(ints(1, years))
                value = draw(positive_amounts(scale))
                if kind == "land" and coin(draw):
                    k["area_mu"] = pick(draw, ["120", "33.5", "1", "1/3", "1000000"])
                    per_mu = max(1, value // 1000)
                    k["price_per_mu"] = money_text(per_mu, unit)
                else:
                    k["value"] = money_text(value, unit)
                contributions.append(k)
            doc = {"id": eid, "kind": "equity", "contributions": contributions,
                   "profit_streams": mine}
            if coin(draw):
                first_kind = contributions[0]["kind"]
                weights = {kd: pick(draw, ["0", "0.5", "1", "2", "1000", "1/3"])
                           for kd in subset(draw, list(KINDS))}
                if weights.get(first_kind, "1") == "0":
                    weights[first_kind] = "1"  # equity exists from year 1
                doc["weights"] = weights
            if coin(draw):
                doc["losses"] = "cash_call"
                if coin(draw):
                    doc["loss_shares"] = shares_map(draw, parties)
            else:
                doc["losses"] = "carry_forward"
            if coin(draw):
                doc["payout_ratio"] = draw(rates(knobs))
            clauses.append(doc)
            equity_ids.append(eid)
    fe_ids = equity_ids if knobs.from_equity else []

    # ---- split clauses (§3.1, §3.2): each stream to at most one slot
    split_ids: list[str] = []
    force_buffer = "buffer" in knobs.force and knobs.buffers
    n_slots = pick(draw, [1, 2] if knobs.force & {"split", "buffer"} else [1, 1, 2, 2, 0])
    owner = {sid: draw(ints(-1, n_slots - 1)) if n_slots else -1 for sid in split_streams}
    if "split" in knobs.force:
        owner[split_streams[0]] = 0
    if force_buffer:  # slot 0 is a buffer over relocated streams, the first one at least
        owner = {sid: (0 if i == 0 else draw(ints(-1, n_slots - 1)))
                 for i, sid in enumerate(split_streams)}
        owner = {sid: (o if o != 0 or sid in relocated else -1) for sid, o in owner.items()}
    for slot in range(n_slots):
        mine = [sid for sid in split_streams if owner[sid] == slot]
        if not mine:
            continue
        cid = f"split{slot + 1}"
        all_relocated = all(sid in relocated for sid in mine)
        is_buffer = knobs.buffers and all_relocated and (
            (force_buffer and slot == 0) or (coin(draw) and not (
                slot == 0 and "split" in knobs.force)))
        if is_buffer:
            doc = buffer_clause(draw, cid, mine, relocated, split_streams, parties, receiving,
                                     years, unit, scale, knobs, has_pre)
            clauses.append(doc)
            split_ids.append(cid)
            B = doc["years"]
            if B < years and coin(draw):
                # a tax_split on the same streams whose segments start after the buffer (§3)
                follow = {"id": f"{cid}_after", "kind": "tax_split", "streams": mine,
                          "timing": "since_relocation", "basis": "total",
                          "schedule": schedule(draw, years, parties, [], first_year=B + 1)}
                clauses.append(follow)
                split_ids.append(follow["id"])
            continue
        doc = {"id": cid, "kind": "tax_split", "streams": mine}
        timing = pick(draw, ["contract", "since_relocation"])
        if timing == "since_relocation" or coin(draw):
            doc["timing"] = timing
        doc.update(basis_and_baseline(draw, parties, unit, scale, knobs))
        doc["schedule"] = schedule(draw, years, parties, fe_ids)
        if knobs.caps and ("caps" in knobs.force or coin(draw)):
            doc["cap"] = cap(draw, parties, unit, scale, all(sid in has_pre for sid in mine))
        clauses.append(doc)
        split_ids.append(cid)

    # ---- cost sharing (§3.4)
    if knobs.cost_share and by_kind["cost"] and coin(draw):
        mine = [sid for sid in by_kind["cost"] if coin(draw)] or by_kind["cost"][:1]
        clauses.append({"id": "costs", "kind": "cost_share", "streams": mine,
                        "schedule": schedule(draw, years, parties, fe_ids)})

    # ---- indicators (§3.5)
    if knobs.indicators and by_kind["indicator"] and coin(draw):
        mine = [sid for sid in by_kind["indicator"] if coin(draw)] or \
            by_kind["indicator"][:1]
        doc = {"id": "gdp", "kind": "indicator_split", "streams": mine,
               "schedule": schedule(draw, years, parties, [])}
        if coin(draw):
            doc["mode"] = pick(draw, ["split", "full_each"])
        clauses.append(doc)

    # ---- risk pools (§3.4): one, sometimes two; a clause funds one pool, and a party's floor
    # is guaranteed in one pool only (a floor is made good once, §3.7)
    if knobs.pools and ("pool" in knobs.force or draw(ints(0, 2)) > 0) and (
            split_ids or equity_ids):
        unfunded = list(split_ids)
        unguaranteed = list(parties)
        for k in range(draw(one_of(1, 1, 1, 2))):
            funders = subset(draw, unfunded, min_size=int(draw(ints(0, 3)) > 0))
            unfunded = [c for c in unfunded if c not in funders]
            pool: dict[str, Any] = {"id": "pool" if k == 0 else f"pool{k + 1}",
                                    "kind": "risk_pool",
                                    "funded_by": [{"clause": f, "rate": draw(rates(knobs))}
                                                  for f in funders]}
            if coin(draw):
                pool["cap"] = money_text(draw(amounts(scale)), unit)
            countable = split_ids + equity_ids
            guaranteed = subset(draw, unguaranteed, max_size=3)
            unguaranteed = [p for p in unguaranteed if p not in guaranteed]
            guarantees = []
            for p in guaranteed:
                g: dict[str, Any] = {"party": p,
                                     "counts": subset(draw, countable, min_size=1)}
                if equity_ids and coin(draw):
                    g["floor"] = {"rate": draw(rates(knobs)), "of": "contributions"}
                else:
                    g["floor"] = money_text(draw(amounts(scale)), unit)
                if coin(draw):
                    a = draw(ints(1, years))
                    b = draw(ints(a, years))
                    g["years"] = f"{a}-{b}"
                guarantees.append(g)
            pool["guarantees"] = guarantees
            free = [p for p in parties if p not in guaranteed]
            if free and coin(draw):
                pool["backstop"] = pick(draw, free)
            if coin(draw):
                pool["residual_shares"] = shares_map(draw, parties)
            clauses.append(pool)

    # ---- exit (§3.6)
    if knobs.exit and ("exit" in knobs.force or draw(ints(0, 2)) > 0):
        clauses.append(exit_clause(draw, years, parties, receiving, others, split_ids,
                                        equity_ids, unit, scale, knobs))

    doc = {"name": "generated", "start_year": start, "years": years, "unit": unit,
           "parties": party_docs, "streams": streams, "clauses": draw(st.permutations(clauses))}
    if coin(draw):
        doc["discount_rate"] = "0.05"
    return doc


def basis_and_baseline(draw, parties: list[str], unit: str, scale: int,
                       knobs: Knobs) -> dict[str, Any]:
    basis = pick(draw, ["increment", "total"])
    out: dict[str, Any] = {"basis": basis}
    if basis == "increment" and draw(ints(0, 3)) > 0:
        bl: dict[str, Any] = {"amount": money_text(draw(amounts(scale)), unit)}
        growth = draw(growths(knobs.huge_derived))
        if growth:
            bl["growth"] = number_text(growth)
        if coin(draw):
            bl["owner"] = pick(draw, parties)
        out["baseline"] = bl
    return out


def cap(draw, parties: list[str], unit: str, scale: int, pre_ok: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"party": pick(draw, parties)}
    which = pick(draw, ["per_year", "cumulative", "both"])
    if which in ("per_year", "both"):
        out["per_year"] = money_text(draw(amounts(scale)), unit)
    if which in ("cumulative", "both"):
        if pre_ok and coin(draw):
            out["cumulative"] = "pre_relocation_total"
        else:
            out["cumulative"] = money_text(draw(amounts(scale)), unit)
    return out


def buffer_clause(draw, cid: str, mine: list[str], relocated: list[str],
                  split_streams: list[str], parties: list[str], receiving: str, years: int,
                  unit: str, scale: int, knobs: Knobs, has_pre: set[str]) -> dict[str, Any]:
    party = pick(draw, parties)
    doc: dict[str, Any] = {"id": cid, "kind": "buffer", "party": party}
    default_streams = [sid for sid in split_streams if sid in relocated]
    if mine != default_streams or coin(draw):
        doc["streams"] = mine
    if party == receiving or coin(draw):
        doc["to"] = pick(draw, [p for p in parties if p != party])
    B = draw(ints(1, years))
    doc["years"] = B
    shape = pick(draw, ["step", "linear", "flat"])
    doc["shape"] = shape
    share = ("0.5", "0.3", "1", "0", "1/3", "0.45")
    if shape == "step":
        doc["shares"] = [pick(draw, share) for _ in range(B)]
    else:
        doc["start"] = pick(draw, share)
    if coin(draw):
        doc.update(basis_and_baseline(draw, parties, unit, scale, knobs))
    if knobs.caps and ("caps" in knobs.force or coin(draw)):
        doc["cap"] = cap(draw, parties, unit, scale, all(sid in has_pre for sid in mine))
    return doc


@cache
def prices(unit: str, scale: int, knobs: Knobs, depth: int = 0) -> st.SearchStrategy[dict]:
    """A price of §3.6: book, npv, fixed, or the largest of a few of them."""
    index = st.sampled_from(["0", "0.03", "1/3", "-0.5"])
    if knobs.huge_derived:
        index = st.one_of(index, st.just("10"))
    npv_rate = st.sampled_from(["0.06", "0", "1/7", "-0.5"])
    if knobs.huge_derived:
        npv_rate = st.one_of(npv_rate, st.just("-0.99"))
    simple = st.one_of(
        st.builds(lambda i: {"method": "book", "index": i}, index),
        st.builds(lambda r: {"method": "npv", "rate": r}, npv_rate),
        st.builds(lambda a: {"method": "fixed", "amount": money_text(a, unit)}, amounts(scale)),
    )
    if depth > 0:
        return simple
    return st.one_of(simple, st.lists(prices(unit, scale, knobs, depth + 1), min_size=1,
                                      max_size=3)
                     .map(lambda ps: {"method": "max_of", "of": ps}))


def exit_clause(draw, years: int, parties: list[str], receiving: str, others: list[str],
                split_ids: list[str], equity_ids: list[str], unit: str, scale: int,
                knobs: Knobs) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": "exit", "kind": "exit"}
    T = years
    if coin(draw):
        T = draw(ints(1, years))
        doc["term_years"] = T
    if coin(draw):
        doc["successor"] = pick(draw, parties)
    triggers = []
    for _ in range(draw(ints(0, 3))):
        options = ["in_year"]
        if split_ids:
            options.append("increment_below")
        if split_ids or equity_ids:
            options.append("cumulative_reached")
        when = pick(draw, options)
        tr: dict[str, Any] = {"when": when}
        if when == "in_year":
            tr["year"] = draw(ints(1, T))
        elif when == "increment_below":
            tr["clause"] = pick(draw, split_ids)
            tr["threshold"] = money_text(draw(amounts(scale)), unit)
            if coin(draw):
                tr["consecutive_years"] = draw(ints(1, 3))
        else:
            tr["party"] = pick(draw, parties)
            tr["clause"] = pick(draw, split_ids + equity_ids)
            tr["amount"] = money_text(draw(amounts(scale)), unit)
        if coin(draw):
            tr["at_fault"] = pick(draw, parties)
        triggers.append(tr)
    doc["triggers"] = triggers
    if coin(draw):
        doc["notice_years"] = draw(ints(0, 3))
    if draw(ints(0, 3)) > 0:
        exiting = pick(draw, parties)
        doc["exiting"] = exiting
        if exiting == receiving or coin(draw):
            doc["buyer"] = pick(draw, [p for p in parties if p != exiting])
        if coin(draw):
            doc["price"] = draw(prices(unit, scale, knobs))
        if coin(draw):
            if "price" in doc and coin(draw):
                doc["penalty"] = {"rate_of_price": draw(rates(knobs))}
            elif "price" in doc or knobs.penalty_without_price:
                doc["penalty"] = {"amount": money_text(draw(amounts(scale)), unit)}
        if coin(draw):
            doc["price_at_term_end"] = draw(prices(unit, scale, knobs))
    return doc


def knobs(**changes: Any) -> Knobs:
    return replace(DEFAULT, **changes)
