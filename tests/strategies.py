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


# ---- building blocks ---------------------------------------------------------------------

def amounts(scale: int) -> st.SearchStrategy[int]:
    """Whole fen in 0..scale, mostly of the order of the scale, the extremes drawn often."""
    return st.one_of(st.integers(scale // 10, scale), st.integers(scale // 10, scale),
                     st.just(scale), st.integers(max(0, scale - 100), scale),
                     st.integers(0, scale), st.just(0), st.integers(0, 1000))


def sub_fen_amounts(scale: int) -> st.SearchStrategy[Fraction]:
    """Projections may carry digits below the fen (rounded by §1): thousandths of a fen."""
    return st.one_of(amounts(scale).map(Fraction),
                     st.integers(0, scale * 1000).map(lambda n: Fraction(n, 1000)),
                     st.integers(0, 1000).map(lambda n: Fraction(2 * n + 1, 2)))  # halves


def share_weights() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(1, 10), st.sampled_from([3, 7, 10000000, 19218107, 999999999]))


@st.composite
def shares_map(draw, parties: list[str]) -> dict[str, str]:
    """A shares map: some parties, exact shares ≥ 0 summing to exactly 1."""
    named = draw(st.lists(st.sampled_from(parties), min_size=1, max_size=len(parties),
                          unique=True))
    weights = [draw(share_weights()) for _ in named]
    zero = draw(st.lists(st.booleans(), min_size=len(named), max_size=len(named)))
    if all(zero):
        zero[0] = False
    weights = [0 if z else w for w, z in zip(weights, zero, strict=True)]
    total = sum(weights)
    return {p: number_text(Fraction(w, total)) for p, w in zip(named, weights, strict=True)}


def rates(knobs: Knobs) -> st.SearchStrategy[str]:
    """A rate or ratio in [0, 1]."""
    common = st.sampled_from(["0", "0.15", "0.5", "1/3", "0.85", "1", "2/7", "0.005"])
    out = st.one_of(common, st.fractions(0, 1, max_denominator=10**6).map(number_text))
    if knobs.huge_rate_denominators:
        big = st.integers(2**40, 2**62).flatmap(
            lambda d: st.integers(0, d).map(lambda n: number_text(Fraction(n, d))))
        out = st.one_of(out, big)
    return out


def growths(extreme: bool) -> st.SearchStrategy[Fraction]:
    base = st.sampled_from([Fraction(0), Fraction(5, 100), Fraction(-1, 10), Fraction(1, 3),
                            Fraction(8, 100), Fraction(-1, 2)])
    if extreme:
        return st.one_of(base, st.sampled_from([Fraction(10), Fraction(-99, 100)]))
    return base


@st.composite
def schedule(draw, years: int, parties: list[str], equity_ids: list[str],
             first_year: int = 1, last_year: int | None = None) -> list[dict[str, Any]]:
    """1–3 segments inside first_year..last_year, disjoint, possibly with gaps."""
    last_year = years if last_year is None else last_year
    points = sorted(draw(st.lists(st.integers(first_year, last_year), min_size=1, max_size=6,
                                  unique=True)))
    if len(points) % 2 == 1:
        points.append(points[-1])
    segments = []
    for a, b in zip(points[::2], points[1::2], strict=True):
        if equity_ids and draw(st.integers(0, 3)) == 0:
            shares: Any = {"from_equity": draw(st.sampled_from(equity_ids))}
        else:
            shares = draw(shares_map(parties))
        span: Any = a if a == b and draw(st.booleans()) else f"{a}-{b}"
        segments.append({"years": span, "shares": shares})
    return draw(st.permutations(segments))


@st.composite
def projection(draw, kind: str, years: int, unit: str, scale: int, life_start: int,
               extreme: bool) -> dict[str, Any]:
    """``series`` or ``first``/``growth``/``ramp`` for one stream, never past MAX_FEN a year."""
    signed = kind in ("profit", "cost")
    life_years = years - life_start + 1
    if draw(st.booleans()):
        series = []
        for t in range(1, years + 1):
            if t < life_start:
                series.append("0")
                continue
            v = draw(sub_fen_amounts(scale))
            if signed and draw(st.integers(0, 2)) == 0:
                v = -v
            series.append(money_text(v, unit))
        return {"series": series}
    growth = draw(growths(extreme))
    ramp = draw(st.lists(st.sampled_from([Fraction(3, 10), Fraction(1, 2), Fraction(0),
                                          Fraction(1), Fraction(2, 3)]),
                         max_size=min(3, life_years)))
    factor = max((1 + growth) ** (k - 1) * (ramp[k - 1] if k <= len(ramp) else 1)
                 for k in range(1, life_years + 1))
    limit = min(scale, MAX_FEN) if factor <= 1 else min(scale, int(MAX_FEN / factor))
    first = draw(sub_fen_amounts(limit))
    if first * max(factor, 1) > MAX_FEN:
        first = Fraction(int(MAX_FEN / max(factor, 1)))
    if signed and draw(st.integers(0, 2)) == 0:
        first = -first
    out: dict[str, Any] = {"first": money_text(first, unit)}
    if growth or draw(st.booleans()):
        out["growth"] = number_text(growth)
    if ramp:
        out["ramp"] = [number_text(r) for r in ramp]
    return out


# ---- the whole contract -------------------------------------------------------------------

@st.composite
def contracts(draw, knobs: Knobs = DEFAULT) -> dict[str, Any]:
    """A contract document (dict) that is valid in nearly every draw."""
    years = draw(st.integers(1, knobs.max_years))
    start = draw(st.integers(2000, 2030))
    unit = draw(st.sampled_from(["yuan", "yuan", "wan"])) if knobs.wan else "yuan"
    scale = draw(st.sampled_from([10**4, 10**8, 10**10, 10**12, MAX_FEN]))
    n = draw(st.integers(2, 4))
    parties = [f"p{i + 1}" for i in range(n)]
    receiving = draw(st.sampled_from(parties))
    party_docs = []
    for p in parties:
        role = "receiving" if p == receiving else draw(st.sampled_from(["sending", "other"]))
        doc: dict[str, Any] = {"id": p, "name": f"party {p}", "role": role}
        if draw(st.integers(0, 3)) == 0:
            doc["discount_rate"] = draw(st.sampled_from(["0.05", "0.08", "0"]))
        party_docs.append(doc)
    others = [p for p in parties if p != receiving]

    # ---- streams (§2)
    streams: list[dict[str, Any]] = []
    kinds = draw(st.lists(st.sampled_from(["tax", "tax", "fee", "land"]), min_size=1,
                          max_size=3))
    if knobs.equity:
        kinds += ["profit"] * draw(st.integers(0, 2))
    if knobs.cost_share:
        kinds += ["cost"] * draw(st.integers(0, 2))
    if knobs.indicators:
        kinds += ["indicator"] * draw(st.integers(0, 2))
    life: dict[str, int] = {}
    for i, kind in enumerate(kinds):
        sid = f"{kind}{i + 1}"
        s: dict[str, Any] = {"id": sid, "kind": kind}
        ls = 1
        if kind in ("tax", "fee", "land") and draw(st.integers(0, 2)) > 0:
            ls = draw(st.integers(1, years))
            s["relocated_year"] = start + ls - 1
            if draw(st.booleans()):
                pre = draw(st.lists(amounts(scale), min_size=1, max_size=3))
                s["pre_relocation_tax"] = [money_text(v, unit) for v in pre]
        if kind == "tax" and draw(st.booleans()):
            s["local_retention"] = draw(st.sampled_from(["0.5", "0.4", "0.25", "1", "1/3", "0"]))
        s.update(draw(projection(kind, years, unit, scale, ls, knobs.huge_derived)))
        streams.append(s)
        life[sid] = ls
    by_kind = {k: [s["id"] for s in streams if s["kind"] == k]
               for k in ("tax", "fee", "land", "profit", "cost", "indicator")}
    split_streams = by_kind["tax"] + by_kind["fee"] + by_kind["land"]
    relocated = [s["id"] for s in streams if "relocated_year" in s]
    has_pre = {s["id"] for s in streams if s.get("pre_relocation_tax")}

    clauses: list[dict[str, Any]] = []

    # ---- equity (§3.3): first, so that from_equity can name it
    equity_ids: list[str] = []
    if knobs.equity and draw(st.integers(0, 2)) > 0:
        pool_of_profit = list(by_kind["profit"])
        for e in range(draw(st.integers(1, 2))):
            eid = f"devco{e + 1}"
            mine = [sid for sid in pool_of_profit if draw(st.booleans())]
            pool_of_profit = [sid for sid in pool_of_profit if sid not in mine]
            contributions = []
            for j in range(draw(st.integers(1, 4))):
                kind = draw(st.sampled_from(KINDS))
                k: dict[str, Any] = {"party": draw(st.sampled_from(parties)), "kind": kind}
                if j == 0:
                    k["year"] = 1
                elif draw(st.booleans()):
                    k["year"] = draw(st.integers(1, years))
                value = draw(amounts(scale).filter(lambda v: v > 0))
                if kind == "land" and draw(st.booleans()):
                    k["area_mu"] = draw(st.sampled_from(["120", "33.5", "1", "1/3", "1000000"]))
                    per_mu = max(1, value // 1000)
                    k["price_per_mu"] = money_text(per_mu, unit)
                else:
                    k["value"] = money_text(value, unit)
                contributions.append(k)
            doc = {"id": eid, "kind": "equity", "contributions": contributions,
                   "profit_streams": mine}
            if draw(st.booleans()):
                first_kind = contributions[0]["kind"]
                weights = {kd: draw(st.sampled_from(["0", "0.5", "1", "2", "1000", "1/3"]))
                           for kd in draw(st.lists(st.sampled_from(KINDS), unique=True))}
                if weights.get(first_kind, "1") == "0":
                    weights[first_kind] = "1"  # equity exists from year 1
                doc["weights"] = weights
            if draw(st.booleans()):
                doc["losses"] = "cash_call"
                if draw(st.booleans()):
                    doc["loss_shares"] = draw(shares_map(parties))
            else:
                doc["losses"] = "carry_forward"
            if draw(st.booleans()):
                doc["payout_ratio"] = draw(rates(knobs))
            clauses.append(doc)
            equity_ids.append(eid)
    fe_ids = equity_ids if knobs.from_equity else []

    # ---- split clauses (§3.1, §3.2): each stream to at most one slot
    split_ids: list[str] = []
    n_slots = draw(st.sampled_from([1, 1, 2, 2, 0]))
    owner = {sid: draw(st.integers(-1, n_slots - 1)) if n_slots else -1 for sid in split_streams}
    for slot in range(n_slots):
        mine = [sid for sid in split_streams if owner[sid] == slot]
        if not mine:
            continue
        cid = f"split{slot + 1}"
        all_relocated = all(sid in relocated for sid in mine)
        is_buffer = knobs.buffers and all_relocated and draw(st.booleans())
        if is_buffer:
            doc = draw(buffer_clause(cid, mine, relocated, split_streams, parties, receiving,
                                     years, unit, scale, knobs, has_pre))
            clauses.append(doc)
            split_ids.append(cid)
            B = doc["years"]
            if B < years and draw(st.booleans()):
                # a tax_split on the same streams whose segments start after the buffer (§3)
                follow = {"id": f"{cid}_after", "kind": "tax_split", "streams": mine,
                          "timing": "since_relocation", "basis": "total",
                          "schedule": draw(schedule(years, parties, [], first_year=B + 1))}
                clauses.append(follow)
                split_ids.append(follow["id"])
            continue
        doc = {"id": cid, "kind": "tax_split", "streams": mine}
        timing = draw(st.sampled_from(["contract", "since_relocation"]))
        if timing == "since_relocation" or draw(st.booleans()):
            doc["timing"] = timing
        doc.update(draw(basis_and_baseline(parties, unit, scale, knobs)))
        doc["schedule"] = draw(schedule(years, parties, fe_ids))
        if knobs.caps and draw(st.booleans()):
            doc["cap"] = draw(cap(parties, unit, scale, all(sid in has_pre for sid in mine)))
        clauses.append(doc)
        split_ids.append(cid)

    # ---- cost sharing (§3.4)
    if knobs.cost_share and by_kind["cost"] and draw(st.booleans()):
        mine = [sid for sid in by_kind["cost"] if draw(st.booleans())] or by_kind["cost"][:1]
        clauses.append({"id": "costs", "kind": "cost_share", "streams": mine,
                        "schedule": draw(schedule(years, parties, fe_ids))})

    # ---- indicators (§3.5)
    if knobs.indicators and by_kind["indicator"] and draw(st.booleans()):
        mine = [sid for sid in by_kind["indicator"] if draw(st.booleans())] or \
            by_kind["indicator"][:1]
        doc = {"id": "gdp", "kind": "indicator_split", "streams": mine,
               "schedule": draw(schedule(years, parties, []))}
        if draw(st.booleans()):
            doc["mode"] = draw(st.sampled_from(["split", "full_each"]))
        clauses.append(doc)

    # ---- risk pool (§3.4)
    if knobs.pools and draw(st.integers(0, 2)) > 0 and (split_ids or equity_ids):
        funders = (draw(st.lists(st.sampled_from(split_ids), unique=True,
                                 min_size=int(draw(st.integers(0, 3)) > 0)))
                   if split_ids else [])
        pool: dict[str, Any] = {"id": "pool", "kind": "risk_pool",
                                "funded_by": [{"clause": f, "rate": draw(rates(knobs))}
                                              for f in funders]}
        if draw(st.booleans()):
            pool["cap"] = money_text(draw(amounts(scale)), unit)
        countable = split_ids + equity_ids
        guaranteed = draw(st.lists(st.sampled_from(parties), unique=True, max_size=3))
        guarantees = []
        for p in guaranteed:
            g: dict[str, Any] = {"party": p,
                                 "counts": draw(st.lists(st.sampled_from(countable), min_size=1,
                                                         unique=True))}
            if equity_ids and draw(st.booleans()):
                g["floor"] = {"rate": draw(rates(knobs)), "of": "contributions"}
            else:
                g["floor"] = money_text(draw(amounts(scale)), unit)
            if draw(st.booleans()):
                a = draw(st.integers(1, years))
                b = draw(st.integers(a, years))
                g["years"] = f"{a}-{b}"
            guarantees.append(g)
        pool["guarantees"] = guarantees
        free = [p for p in parties if p not in guaranteed]
        if free and draw(st.booleans()):
            pool["backstop"] = draw(st.sampled_from(free))
        if draw(st.booleans()):
            pool["residual_shares"] = draw(shares_map(parties))
        clauses.append(pool)

    # ---- exit (§3.6)
    if knobs.exit and draw(st.integers(0, 2)) > 0:
        clauses.append(draw(exit_clause(years, parties, receiving, others, split_ids,
                                        equity_ids, unit, scale, knobs)))

    doc = {"name": "generated", "start_year": start, "years": years, "unit": unit,
           "parties": party_docs, "streams": streams, "clauses": draw(st.permutations(clauses))}
    if draw(st.booleans()):
        doc["discount_rate"] = "0.05"
    return doc


@st.composite
def basis_and_baseline(draw, parties: list[str], unit: str, scale: int,
                       knobs: Knobs) -> dict[str, Any]:
    basis = draw(st.sampled_from(["increment", "total"]))
    out: dict[str, Any] = {"basis": basis}
    if basis == "increment" and draw(st.integers(0, 3)) > 0:
        bl: dict[str, Any] = {"amount": money_text(draw(amounts(scale)), unit)}
        growth = draw(growths(knobs.huge_derived))
        if growth:
            bl["growth"] = number_text(growth)
        if draw(st.booleans()):
            bl["owner"] = draw(st.sampled_from(parties))
        out["baseline"] = bl
    return out


@st.composite
def cap(draw, parties: list[str], unit: str, scale: int, pre_ok: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"party": draw(st.sampled_from(parties))}
    which = draw(st.sampled_from(["per_year", "cumulative", "both"]))
    if which in ("per_year", "both"):
        out["per_year"] = money_text(draw(amounts(scale)), unit)
    if which in ("cumulative", "both"):
        if pre_ok and draw(st.booleans()):
            out["cumulative"] = "pre_relocation_total"
        else:
            out["cumulative"] = money_text(draw(amounts(scale)), unit)
    return out


@st.composite
def buffer_clause(draw, cid: str, mine: list[str], relocated: list[str],
                  split_streams: list[str], parties: list[str], receiving: str, years: int,
                  unit: str, scale: int, knobs: Knobs, has_pre: set[str]) -> dict[str, Any]:
    party = draw(st.sampled_from(parties))
    doc: dict[str, Any] = {"id": cid, "kind": "buffer", "party": party}
    default_streams = [sid for sid in split_streams if sid in relocated]
    if mine != default_streams or draw(st.booleans()):
        doc["streams"] = mine
    if party == receiving or draw(st.booleans()):
        doc["to"] = draw(st.sampled_from([p for p in parties if p != party]))
    B = draw(st.integers(1, years))
    doc["years"] = B
    shape = draw(st.sampled_from(["step", "linear", "flat"]))
    doc["shape"] = shape
    share = st.sampled_from(["0.5", "0.3", "1", "0", "1/3", "0.45"])
    if shape == "step":
        doc["shares"] = [draw(share) for _ in range(B)]
    else:
        doc["start"] = draw(share)
    if draw(st.booleans()):
        doc.update(draw(basis_and_baseline(parties, unit, scale, knobs)))
    if knobs.caps and draw(st.booleans()):
        doc["cap"] = draw(cap(parties, unit, scale, all(sid in has_pre for sid in mine)))
    return doc


def prices(exiting_has_contributions: bool, unit: str, scale: int, knobs: Knobs,
           depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
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
    return st.one_of(simple, st.lists(prices(exiting_has_contributions, unit, scale, knobs,
                                             depth + 1), min_size=1, max_size=3)
                     .map(lambda ps: {"method": "max_of", "of": ps}))


@st.composite
def exit_clause(draw, years: int, parties: list[str], receiving: str, others: list[str],
                split_ids: list[str], equity_ids: list[str], unit: str, scale: int,
                knobs: Knobs) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": "exit", "kind": "exit"}
    T = years
    if draw(st.booleans()):
        T = draw(st.integers(1, years))
        doc["term_years"] = T
    if draw(st.booleans()):
        doc["successor"] = draw(st.sampled_from(parties))
    triggers = []
    for _ in range(draw(st.integers(0, 3))):
        options = ["in_year"]
        if split_ids:
            options.append("increment_below")
        if split_ids or equity_ids:
            options.append("cumulative_reached")
        when = draw(st.sampled_from(options))
        tr: dict[str, Any] = {"when": when}
        if when == "in_year":
            tr["year"] = draw(st.integers(1, T))
        elif when == "increment_below":
            tr["clause"] = draw(st.sampled_from(split_ids))
            tr["threshold"] = money_text(draw(amounts(scale)), unit)
            if draw(st.booleans()):
                tr["consecutive_years"] = draw(st.integers(1, 3))
        else:
            tr["party"] = draw(st.sampled_from(parties))
            tr["clause"] = draw(st.sampled_from(split_ids + equity_ids))
            tr["amount"] = money_text(draw(amounts(scale)), unit)
        if draw(st.booleans()):
            tr["at_fault"] = draw(st.sampled_from(parties))
        triggers.append(tr)
    doc["triggers"] = triggers
    if draw(st.booleans()):
        doc["notice_years"] = draw(st.integers(0, 3))
    if draw(st.integers(0, 3)) > 0:
        exiting = draw(st.sampled_from(parties))
        doc["exiting"] = exiting
        if exiting == receiving or draw(st.booleans()):
            doc["buyer"] = draw(st.sampled_from([p for p in parties if p != exiting]))
        if draw(st.booleans()):
            doc["price"] = draw(prices(True, unit, scale, knobs))
        if draw(st.booleans()):
            if "price" in doc and draw(st.booleans()):
                doc["penalty"] = {"rate_of_price": draw(rates(knobs))}
            elif "price" in doc or knobs.penalty_without_price:
                doc["penalty"] = {"amount": money_text(draw(amounts(scale)), unit)}
        if draw(st.booleans()):
            doc["price_at_term_end"] = draw(prices(True, unit, scale, knobs))
    return doc


def knobs(**changes: Any) -> Knobs:
    return replace(DEFAULT, **changes)
