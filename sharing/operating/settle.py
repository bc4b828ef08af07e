"""The yearly settlement (年度结算, semantics §6.4).

Settled entries are money one party owes another: a non-collector party's ``baseline``,
``share``, ``cap_excess``, ``unclaimed``, ``handover``, ``pool_out``, ``residual`` and ``cost``
entries are owed by the collector to it (a negative amount by it to the collector); each
``backstop``/``buyout``/``penalty`` pair (−x, +x) is owed by the party with the negative entry
to the one with the positive entry. Figures are given per pair {a, b} once, a listed before b
in ``parties``: positive means a owes b. Nothing is rounded: every figure is a sum of whole-fen
entries.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..amounts import format_yuan
from .compute import CaseResult, by_enterprise
from .transfers import Transfer

COLLECTOR_SETTLED = ("baseline", "share", "cap_excess", "unclaimed", "handover", "pool_out",
                     "residual", "cost")
PAIRED = ("backstop", "buyout", "penalty")


class PreviousStatementInvalid(ValueError):
    """A previous statement that cannot be used (§6.4a)."""


def owed(result: CaseResult, entries: list[dict[str, Any]] | None = None
         ) -> dict[tuple[str, str], list[int]]:
    """(debtor, creditor) -> fen owed by contract year, from the settled entries (§6.4)."""
    c = result.case.base
    collector = result.case.collector
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * c.years)
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for e in result.entries if entries is None else entries:
        t = e["year"] - c.start_year
        if e["kind"] in COLLECTOR_SETTLED and e["party"] and e["party"] != collector:
            out[(collector, e["party"])][t] += e["amount"]
        elif e["kind"] in PAIRED and e["party"]:
            groups[(e["year"], e["clause"], e["kind"], e.get("enterprise"))].append(e)
    for (year, *_), group in groups.items():
        t = year - c.start_year
        negatives = [e for e in group if e["amount"] < 0]
        positives = [e for e in group if e["amount"] > 0]
        for neg in negatives:
            match = next((p for p in positives if p["amount"] == -neg["amount"]), None)
            if match is None:  # pragma: no cover - the engine books these in pairs
                raise ValueError(f"unpaired {neg['kind']} entry in {year}")
            positives.remove(match)
            out[(neg["party"], match["party"])][t] += match["amount"]
    return out


def pair_entitlements(result: CaseResult, entries=None) -> dict[tuple[str, str], list[int]]:
    """Pair (a, b), a listed before b -> what a owes b less what b owes a, by contract year."""
    debts = owed(result, entries)
    ids = [p.id for p in result.case.base.parties]
    zero = [0] * result.case.years
    out = {}
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            ab, ba = debts.get((a, b), zero), debts.get((b, a), zero)
            if any(ab) or any(ba) or (a, b) in debts or (b, a) in debts:
                out[(a, b)] = [x - y for x, y in zip(ab, ba, strict=True)]
    return out


def positions(result: CaseResult, entries=None) -> dict[str, list[int]]:
    """Each party's settled position by year: owed to it less owed by it."""
    ids = [p.id for p in result.case.base.parties]
    out = {p: [0] * result.case.years for p in ids}
    for (debtor, creditor), values in owed(result, entries).items():
        for t, v in enumerate(values):
            out[creditor][t] += v
            out[debtor][t] -= v
    return out


def _y(v: int) -> str:
    return format_yuan(v)


def read_previous(doc: dict[str, Any]) -> tuple[int, dict[tuple[str, str], dict[str, int]]]:
    """A previous statement's year and its pairs' cumulative figures, in fen; either shape
    (pairs keyed ``"a->b"`` or a list of ``{a, b, …}``). Refused if its balance is not its
    cumulative entitlement less its cumulative transfers (§6.4a)."""
    try:
        st = doc["settlement"]
        year = int(st["year"])
        pairs = st["pairs"]
        items = ([(tuple(k.split("->", 1)), v) for k, v in pairs.items()]
                 if isinstance(pairs, dict) else [((v["a"], v["b"]), v) for v in pairs])
        out = {}
        for (a, b), v in items:
            fig = {k: int(Decimal(v[k]) * 100) for k in
                   ("cumulative_entitlement", "cumulative_transfers", "balance_due")}
            if fig["balance_due"] != fig["cumulative_entitlement"] - fig["cumulative_transfers"]:
                raise PreviousStatementInvalid(
                    f"pair {a}->{b}: balance_due {v['balance_due']} is not cumulative_entitlement "
                    f"{v['cumulative_entitlement']} − cumulative_transfers "
                    f"{v['cumulative_transfers']}")
            out[(a, b)] = fig
    except (KeyError, TypeError, ValueError, ArithmeticError) as e:
        if isinstance(e, PreviousStatementInvalid):
            raise
        raise PreviousStatementInvalid(f"not a settlement statement ({type(e).__name__}: {e})"
                                       ) from None
    return year, out


def settlement(result: CaseResult, plan: CaseResult, year: int, transfers: list[Transfer],
               previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The statement of calendar year ``year`` (§6.4)."""
    case = result.case
    c = case.base
    Y = year - c.start_year + 1
    ids = [p.id for p in c.parties]
    order = {p: i for i, p in enumerate(ids)}
    ent = pair_entitlements(result)
    plan_ent = pair_entitlements(plan)
    prev_year, prev_pairs = read_previous(previous) if previous is not None else (None, {})
    if prev_year is not None and not c.start_year <= prev_year < year:
        raise PreviousStatementInvalid(f"the previous statement settles {prev_year}, which is "
                                       f"not a year before {year} in the contract")
    counted: dict[tuple[str, str], int] = defaultdict(int)
    advance: dict[tuple[str, str], int] = defaultdict(int)
    advance_rows = []
    for tr in transfers:
        a, b, sign = ((tr.payer, tr.payee, 1) if order[tr.payer] < order[tr.payee]
                      else (tr.payee, tr.payer, -1))
        if tr.year <= year:
            counted[(a, b)] += sign * tr.amount
        else:
            advance[(a, b)] += sign * tr.amount
            advance_rows.append({"date": tr.date, "from": tr.payer, "to": tr.payee,
                                 "amount": _y(tr.amount), "year": tr.year,
                                 "reference": tr.reference})
    keys = set()
    for key, values in ent.items():
        if any(values[:Y]) or key in prev_pairs:
            keys.add(key)
    keys |= {k for k in counted} | set(prev_pairs)
    pairs = []
    zero = [0] * c.years
    for a, b in sorted(keys, key=lambda k: (order[k[0]], order[k[1]])):
        by_year = ent.get((a, b), zero)[:Y]
        cum = sum(by_year)
        paid = counted.get((a, b), 0)
        balance = cum - paid
        plan_by_year = plan_ent.get((a, b), zero)[:Y]
        item: dict[str, Any] = {
            "a": a, "b": b,
            "entitlement": _y(by_year[-1]),
            "cumulative_entitlement": _y(cum),
            "cumulative_transfers": _y(paid),
            "balance_due": _y(balance),
            "payer": a if balance > 0 else b if balance < 0 else None,
            "payee": b if balance > 0 else a if balance < 0 else None,
            "amount_due": _y(abs(balance)),
            "entitlement_by_year": [_y(v) for v in by_year],
            "adjustment": None,
            "advance_payments": _y(advance.get((a, b), 0)),
            "plan": {"entitlement": _y(plan_by_year[-1]),
                     "cumulative_entitlement": _y(sum(plan_by_year)),
                     "entitlement_by_year": [_y(v) for v in plan_by_year]},
        }
        if prev_year is not None:
            P = prev_year - c.start_year + 1
            before = prev_pairs.get((a, b), {"cumulative_entitlement": 0,
                                             "cumulative_transfers": 0, "balance_due": 0})
            adjustment = sum(ent.get((a, b), zero)[:P]) - before["cumulative_entitlement"]
            since = sum(ent.get((a, b), zero)[P:Y])
            transfers_since = paid - before["cumulative_transfers"]
            identity = before["balance_due"] + since + adjustment - transfers_since
            if identity != balance:  # pragma: no cover - follows from the definitions
                raise ArithmeticError(f"balance identity fails for {a}->{b}")
            item["adjustment"] = _y(adjustment)
            item["balance_identity"] = {"previous_balance_due": _y(before["balance_due"]),
                                        "entitlements_since": _y(since),
                                        "adjustment": _y(adjustment),
                                        "transfers_since": _y(transfers_since),
                                        "balance_due": _y(balance)}
        pairs.append(item)
    return {"year": year, "collector": case.collector, "previous_year": prev_year,
            "pairs": pairs, "advance_payments": advance_rows}


def plan_against_actual(result: CaseResult, plan: CaseResult, year: int) -> dict[str, Any]:
    """Plan (version 1, no actual figures) beside actual, by year 1..Y (§6.4)."""
    c = result.case.base
    Y = year - c.start_year + 1

    def pa(p: list[int], a: list[int]) -> dict[str, list[str]]:
        return {"plan": [_y(v) for v in p[:Y]], "actual": [_y(v) for v in a[:Y]]}

    act, pln = positions(result), positions(plan)
    out: dict[str, Any] = {
        "parties": {p: pa(pln[p], act[p]) for p in act},
        "streams": {s: pa(plan.shareable.get(s, [0] * c.years), v)
                    for s, v in result.shareable.items()},
    }
    if result.register:
        out["enterprises"] = {}
        actual_by, plan_by = by_enterprise(result.entries), by_enterprise(plan.entries)
        for ent in result.register:
            a = positions(result, actual_by.get(ent.code, []))
            p = positions(plan, plan_by.get(ent.code, []))
            out["enterprises"][ent.code] = {q: pa(p[q], a[q]) for q in a}
    return out
