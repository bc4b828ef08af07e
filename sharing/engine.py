"""The order of a contract year (semantics §3); the only loop over years.

Each year:

1. project every stream and apply local retention (done once, up front: :mod:`.streams`);
2. after the last year L, hand every stream to the exit's successor and skip the rest;
3. baselines and increments; risk-pool contributions from the clauses that fund a pool;
4. split clauses divide what is left; caps are applied;
5. equity clauses book contributions, pay dividends, allocate losses; cost shares;
6. guarantees (pool first, then the backstop);
7. exit triggers;
8. in year L: settlement, then pool residuals.

Amounts are int64 arrays with a leading scenario axis: ``shareable[stream]`` has shape
(S, Y). One contract is one scenario; a Monte Carlo run is S of them through the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemas.claims import claims
from schemas.contract import (
    Buffer,
    Contract,
    CostShare,
    Equity,
    IndicatorSplit,
    MaxOfPrice,
    NpvPrice,
    RiskPool,
    TaxSplit,
)

from . import explain as xpl
from .clauses.cost_share import CostShareClause
from .clauses.equity import EquityClause
from .clauses.exit import ExitClause
from .clauses.indicator_split import IndicatorClause
from .clauses.risk_pool import PoolClause
from .clauses.split import SplitClause
from .derived import derived
from .kinds import KINDS as _KINDS  # noqa: F401  (checks the clause-kind registry at import)
from .ledger import ConservationError, Ledger


@dataclass
class Run:
    """Everything one evaluation produced, over S scenarios."""

    contract: Contract
    shareable: dict[str, np.ndarray]  # the input: each stream's shareable fen, (S, Y)
    ledger: Ledger
    last: np.ndarray  # L by scenario, contract years
    equity: dict[str, EquityClause]
    pools: dict[str, PoolClause]
    exit: ExitClause | None


def _uses_npv(price) -> bool:
    if isinstance(price, NpvPrice):
        return True
    if isinstance(price, MaxOfPrice):
        return any(_uses_npv(p) for p in price.of)
    return False


def evaluate(contract: Contract, shareable: dict[str, np.ndarray],
             triggers_enabled: bool = True,
             baselines: dict[str, np.ndarray] | None = None) -> Run:
    """Compute the ledger of a valid contract for S scenarios of stream amounts.

    ``shareable`` maps every stream id to an int64 array (S, Y) of whole fen after local
    retention. Raises :class:`~sharing.ledger.ConservationError` if an identity of §1 fails.
    ``baselines`` maps a split clause id to its baseline in fen by (life) year for each
    scenario, (S, Y), in place of the contract's (a baseline varied or drawn, §3.1).
    """
    S = next(iter(shareable.values())).shape[0]
    Y = contract.years
    parties = [p.id for p in contract.parties]
    ledger = Ledger(parties, S, Y)
    receiving = contract.receiving
    kinds = {s.id: s.kind for s in contract.streams}
    sign = {sid: (-1 if k == "cost" else 1) for sid, k in kinds.items()}

    equity = {c.id: EquityClause(contract, c, S) for c in contract.clauses
              if isinstance(c, Equity)}
    ratios = {cid: e.ratios for cid, e in equity.items()}
    contributions = [(k.party, k.year, value) for e in equity.values()
                     for k, value in zip(e.clause.contributions, e.values, strict=True)]
    by_party: dict[str, list[int]] = {}
    for party, year, value in contributions:
        by_party.setdefault(party, [0] * Y)[year - 1] += value
    splits = {c.id: SplitClause(contract, c, S, ratios, (baselines or {}).get(c.id))
              for c in contract.clauses
              if isinstance(c, (TaxSplit, Buffer))}
    costs = {c.id: CostShareClause(contract, c, ratios) for c in contract.clauses
             if isinstance(c, CostShare)}
    indicators = {c.id: IndicatorClause(contract, c) for c in contract.clauses
                  if isinstance(c, IndicatorSplit)}
    pools = {c.id: PoolClause(contract, c, S, by_party) for c in contract.clauses
             if isinstance(c, RiskPool)}
    ex_def = contract.exit_clause()
    ex = (ExitClause(contract, ex_def, S, contributions, triggers_enabled)
          if ex_def is not None else None)
    if (ex is not None and triggers_enabled and ex_def.triggers and ex_def.exiting
            and _uses_npv(ex_def.price)):
        # The npv price looks at the run with no trigger (L = T there), §3.6; it is computed
        # only if a trigger fires.
        ex.counterfactual_source = lambda rows: _counterfactual(contract, shareable,
                                                                ex_def.exiting, baselines, rows)
    claimed = derived(contract, "claimed",
                      lambda: {key for key, found in claims(contract).items() if found})
    money_streams = [s.id for s in contract.streams if s.kind != "indicator"]
    indicator_streams = [s.id for s in contract.streams if s.kind == "indicator"]
    last = ex.last if ex is not None else np.full(S, Y, dtype=np.int64)
    # What each year adds up, for every year at once (S, Y): fewer, larger array operations.
    streams_in = added(shareable, money_streams, sign)
    signed = {sid: added(shareable, [sid], sign) for sid in money_streams}  # costs negative
    profits = {cid: added(shareable, e.clause.profit_streams) for cid, e in equity.items()}
    costs_in = {cid: added(shareable, cs.clause.streams) for cid, cs in costs.items()}
    indicators_in = {cid: added(shareable, ic.clause.streams) for cid, ic in indicators.items()}

    for t in range(1, Y + 1):
        y = t - 1
        ledger.start_year()
        active = t <= last
        stream_in = streams_in[:, y]
        clause_in: dict[str, np.ndarray] = {}

        # 2. After L every stream goes whole to the successor.
        if ex is not None:
            _handover(contract, ex, t, ~active, shareable, sign, ledger)

        # 3. Baselines, increments, pool funding.
        units = {cid: sc.prepare(t, shareable, active, ledger) for cid, sc in splits.items()}
        increments = {cid: (splits[cid].increment(u, S) if u else None)
                      for cid, u in units.items()}
        for cid, u in units.items():
            if u:
                clause_in[cid] = u[0].amount if len(u) == 1 else sum(x.amount for x in u)
        for pool in pools.values():
            for f in pool.clause.funded_by:
                pool.fund(t, f.clause, f.rate, units[f.clause], ledger)

        # 4. Splits and caps.
        for cid, sc in splits.items():
            sc.split(t, units[cid], ledger, active)
        for sid in money_streams:
            if (sid, t) not in claimed:
                amount = signed[sid][:, y] * active
                ledger.post(y, None, sid, receiving, "unclaimed", amount,
                            lambda s, a=amount, sid=sid, t=t: xpl.why(
                                "unclaimed", stream=xpl.stream(sid), value=xpl.fen(a[s]),
                                year=xpl.year(contract.calendar(t))))

        # 5. Equity and cost sharing.
        for cid, e in equity.items():
            e.contribute(t, active, ledger)
            profit = profits[cid][:, y]
            clause_in[cid] = profit * active
            e.distribute(t, profit, active, ledger)
        for cid, cs in costs.items():
            if cs.claims(t):
                cost = costs_in[cid][:, y] * active
                clause_in[cid] = -cost
                cs.allocate_costs(t, cost, ledger)

        # Indicators: their own ledger, same rules (§3.5).
        for cid, ic in indicators.items():
            if ic.claims(t):
                amount = indicators_in[cid][:, y] * active
                ic.book(t, amount, ledger)
        for sid in indicator_streams:
            if (sid, t) not in claimed:
                amount = shareable[sid][:, y] * active
                ledger.post_indicator(y, None, sid, receiving, "unclaimed", amount,
                                      lambda s, a=amount, sid=sid: xpl.why(
                                          "unclaimed.indicator", stream=xpl.stream(sid),
                                          value=xpl.fen(a[s])),
                                      None)

        # 6. Guarantees.
        for pool in pools.values():
            pool.guarantee(t, active, ledger)

        # 7. Exit triggers.
        if ex is not None:
            ex.evaluate(t, increments, ledger)
            last = ex.last

        # 8. In year L: settlement, then pool residuals.
        is_last = last == t
        if ex is not None and np.count_nonzero(is_last):
            ex.settle(t, is_last, ledger)
        for pool in pools.values():
            if np.count_nonzero(is_last):
                pool.residual(t, is_last, ledger)
            pool.close_year()
            if np.count_nonzero(pool.inflow != pool.outflow + pool.balance):
                raise ConservationError(f"{contract.calendar(t)}: pool {pool.id} took in "
                                        f"{pool.inflow} and paid out {pool.outflow} with "
                                        f"balance {pool.balance}")

        ledger.check_year(y, contract.calendar(t), stream_in, clause_in)

    ledger.finish()
    return Run(contract, shareable, ledger, last, equity, pools, ex)


def added(shareable: dict[str, np.ndarray], streams: list[str],
          sign: dict[str, int] | None = None) -> np.ndarray:
    """Σ of the named streams' shareable fen (costs negative when ``sign`` is given), (S, Y):
    every year at once. One unsigned stream is its own array, not a copy (never written)."""
    if len(streams) == 1 and (sign is None or sign[streams[0]] == 1):
        return shareable[streams[0]]
    total = np.zeros_like(next(iter(shareable.values())))
    for sid in streams:
        if sign is not None and sign[sid] < 0:
            total -= shareable[sid]
        else:
            total += shareable[sid]
    return total


def _counterfactual(contract: Contract, shareable: dict[str, np.ndarray],
                   exiting: str, baselines: dict[str, np.ndarray] | None = None,
                   rows: np.ndarray | None = None) -> np.ndarray:
    """R_y of the exiting party in the run with no trigger: its receipts from all clauses
    plus its ``cost`` entries, (S, Y) fen (§3.6, npv price).

    ``rows`` (scenario indices) limits the run to the scenarios whose exit is being priced:
    scenarios never interact, so a run over a subset gives exactly those rows of the whole
    run, and the few scenarios an exit fires in do not make every scenario run twice."""
    if rows is not None:
        shareable = {sid: a[rows] for sid, a in shareable.items()}
        baselines = {cid: b[rows] for cid, b in baselines.items()} if baselines else baselines
    other = evaluate(contract, shareable, triggers_enabled=False, baselines=baselines)
    idx = other.ledger.index[exiting]
    flows = other.ledger.costs[idx].copy()
    for rec in other.ledger.receipts.values():
        flows += rec[idx]
    return flows


def _handover(contract: Contract, ex: ExitClause, t: int, after: np.ndarray,
              shareable: dict[str, np.ndarray], sign: dict[str, int], ledger: Ledger) -> None:
    """Step 2: after L, every stream's shareable amount goes whole to the successor (§3.6)."""
    if not np.count_nonzero(after):
        return
    y = t - 1
    for s in contract.streams:
        amount = shareable[s.id][:, y] * after
        why = (lambda i, a=amount, sid=s.id: xpl.why(
            "exit.handover", stream=xpl.stream(sid), value=xpl.fen(a[i]),
            year=xpl.year(contract.calendar(int(ex.last[i]))), party=xpl.party(ex.successor)))
        if s.kind == "indicator":
            ledger.post_indicator(y, ex.id, s.id, ex.successor, "handover", amount, why, None)
        else:
            ledger.post(y, ex.id, s.id, ex.successor, "handover", amount * sign[s.id], why)
    ledger.event(y, ex.id, "handover", after & (ex.last == t - 1),
                 lambda i: xpl.why("event.handover", year=xpl.year(contract.calendar(t)),
                                   party=xpl.party(ex.successor)))

