"""Evaluate many scenarios of one contract through the engine, chunk by chunk.

A chunk is a range of scenario numbers (at most ``CHUNK``; within one grid point when there
are draws). In a chunk, scenarios are grouped by their *structure*: the values of the
parameters that are not projection parameters (:mod:`.paths`). Each group's contract is
validated once; its scenarios' stream amounts are projected exactly over the scenario axis
(:func:`.exact.project_many`) and the whole group goes through one
:func:`sharing.engine.evaluate` call, the engine's own code path, scenario axis S = group size.

**Validity per scenario.** A scenario is invalid when its contract would be refused
(semantics §3.7); it is reported with the reason and never stops the run. The group's
contract is validated with the base contract's projections. What can differ between the
scenarios of a group is only their projection parameters, and the only rules that read those
are checked here over the scenario axis: the range of each value (an amount within
±1,000,000,000,000 in the file's unit and ≥ 0 except on profit and cost streams, growth in
(−1, 10], ramp and retention in [0, 1]), a relocated stream's series 0 before it moves, the
projection limit (§1), and equity existing where a profit or a called loss needs it (§3.3).
When the group's contract fails on one of these rules with the base projections, every
scenario of that group is validated on its own instead (slow, and rare).
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from schemas.contract import Contract, Equity
from schemas.errors import InvalidContract
from schemas.numbers import MAX_YUAN

from .exact import ExactArray, StreamParams, npv_many, project_many
from .memory import keep_freed_arrays
from .paths import PathError, ProjectionParam, resolve, set_value
from .plan import Plan

CHUNK = 16_384
LARGE_RANGE = 4_096  # from this many scenarios on, tune the allocator (see .memory)
#: Values that every rule accepts, for a projection field the base contract leaves out.
NEUTRAL = {"growth": 0, "first": 0, "local_retention": 1}
FLAGS = ("cap_reached", "guarantee_called", "pool_exhausted", "exit_triggered")
#: Issue codes of the rules that read projections but name no stream field in their path
#: (the others are found by their path, streams[i].first etc.; module docstring).
PROJECTION_CODES = frozenset({"projection_overflow", "equity_missing_profit",
                              "equity_missing_loss"})


@dataclass
class Results:
    """Per-scenario outcomes of scenarios ``start … start + m − 1``, parties in contract order.

    ``reason[s]`` is −1 for a valid scenario, else an index into ``reasons``. Amounts are fen.
    """

    parties: list[str]
    years: list[int]  # calendar years
    start: int
    valid: np.ndarray  # bool (m,)
    reason: np.ndarray  # int32 (m,)
    reasons: list[str]
    net_total: np.ndarray  # int64 (m, P)
    npv: np.ndarray  # int64 (m, P)
    flags: dict[str, np.ndarray]  # bool (m,) each
    last: np.ndarray  # int16 (m,): last year L, contract years (0 when invalid)
    net: np.ndarray | None = None  # int64 (m, P, Y) when asked for

    @property
    def size(self) -> int:
        return len(self.valid)

    @classmethod
    def empty(cls, plan: Plan, years: list[int], start: int, m: int, keep_years: bool
              ) -> Results:
        P, Y = len(plan.parties), len(years)
        return cls(plan.parties, years, start, np.zeros(m, dtype=bool),
                   np.full(m, -1, dtype=np.int32), [], np.zeros((m, P), dtype=np.int64),
                   np.zeros((m, P), dtype=np.int64),
                   {f: np.zeros(m, dtype=bool) for f in FLAGS}, np.zeros(m, dtype=np.int16),
                   np.zeros((m, P, Y), dtype=np.int64) if keep_years else None)

    def invalid(self, pos: np.ndarray | list[int], text: str) -> None:
        if text not in self.reasons:
            self.reasons.append(text)
        self.reason[pos] = self.reasons.index(text)
        self.valid[pos] = False

    def reason_of(self, s: int) -> str | None:
        r = int(self.reason[s])
        return None if r < 0 else self.reasons[r]

    @classmethod
    def concat(cls, parts: list[Results]) -> Results:
        """Chunks in order into one; reasons renumbered by first appearance."""
        reasons: list[str] = []
        codes = []
        for p in parts:
            remap = np.array([_index(reasons, t) for t in p.reasons] + [-1], dtype=np.int32)
            codes.append(remap[p.reason])  # −1 indexes the appended −1
        first = parts[0]
        keep = all(p.net is not None for p in parts)
        return cls(first.parties, first.years, first.start,
                   np.concatenate([p.valid for p in parts]), np.concatenate(codes), reasons,
                   np.concatenate([p.net_total for p in parts]),
                   np.concatenate([p.npv for p in parts]),
                   {f: np.concatenate([p.flags[f] for p in parts]) for f in FLAGS},
                   np.concatenate([p.last for p in parts]),
                   np.concatenate([p.net for p in parts]) if keep else None)

    def digest(self) -> str:
        """SHA-256 over every per-scenario outcome: equal digests, equal results."""
        h = hashlib.sha256()
        for arr in (self.valid, self.reason, self.net_total, self.npv, self.last,
                    *(self.flags[f] for f in FLAGS)):
            h.update(np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes())
        h.update("\n".join(self.reasons).encode("utf-8"))
        return h.hexdigest()


def _index(items: list[str], text: str) -> int:
    if text not in items:
        items.append(text)
    return items.index(text)


# ---- structure groups ---------------------------------------------------------------------

_CONTRACTS: dict[tuple[str, tuple[int, ...]], tuple[Contract | None, str | None, bool]] = {}


def _group_contract(plan: Plan, key: tuple[Any, ...], values: list[tuple[Any, Any]]
                    ) -> tuple[Contract | None, str | None, bool]:
    """(contract, reason, per_scenario) for one structure: the contract when valid with the
    base projections; the reason when invalid whatever the projections; per_scenario when
    validity depends on them (each scenario is then validated on its own)."""
    from sharing.api import parse_contract

    cache_key = (plan.token, key)
    hit = _CONTRACTS.get(cache_key)
    if hit is not None:
        return hit
    if len(_CONTRACTS) > 4096:
        _CONTRACTS.clear()
    try:
        doc = copy.deepcopy(plan.base)
        for param, value in values:
            set_value(doc, param.path, value, param.balance)
        for param in plan.projection_params():
            # A projection field the base leaves out is given a neutral value, so the
            # structure is validated with the fields every scenario gives (growth on a
            # series stream is refused for all of them, say).
            _, there = resolve(doc, param.path)
            if there is None:
                set_value(doc, param.path, NEUTRAL.get(param.projection.field, 0))
    except PathError as e:
        out: tuple[Contract | None, str | None, bool] = (None, str(e), False)
    else:
        try:
            contract = parse_contract(doc)
            out = (contract, _same_frame(plan, contract), False)
            if out[1] is not None:
                out = (None, out[1], False)
        except InvalidContract as e:
            if any(i.code in PROJECTION_CODES or _is_projection_path(i.path) for i in e.issues):
                out = (None, None, True)
            else:
                out = (None, _issues_text(e), False)
    _CONTRACTS[cache_key] = out
    return out


def _issues_text(e: InvalidContract) -> str:
    text = "; ".join(str(i) for i in e.issues[:3])
    return text + (f"; … ({len(e.issues)} problems)" if len(e.issues) > 3 else "")


def _is_projection_path(path: str) -> bool:
    return re.match(r"^streams\[\d+\]\.(first|growth|local_retention|ramp|series)", path) \
        is not None


def _same_frame(plan: Plan, contract: Contract) -> str | None:
    """A scenario keeps the base contract's parties (ids, in order) and years."""
    if [p.id for p in contract.parties] != plan.parties:
        return "a scenario must keep the base contract's parties, in the same order"
    base = plan.base
    if contract.years != base.get("years") or contract.start_year != base.get("start_year"):
        return "a scenario must keep the base contract's start_year and years"
    return None


# ---- one range of scenarios ----------------------------------------------------------------

def evaluate_range(plan: Plan, a: int, b: int, keep_years: bool = False) -> Results:
    """Outcomes of scenarios a … b−1 (within one grid point when the plan has draws)."""
    m = b - a
    if m >= LARGE_RANGE:
        keep_freed_arrays()
    out = Results.empty(plan, plan.calendar, a, m, keep_years)
    idx = np.arange(a, b, dtype=np.int64)
    g, j = idx // plan.n, idx % plan.n
    digits = plan.digits(g)
    if plan.draws:
        j0 = int(j.min())
        nums, bad = plan.draw_nums(j0, int(j.max()) + 1)
        nums = [x[j - j0] for x in nums]
        bad = bad[j - j0]
    else:
        nums, bad = [], np.zeros(m, dtype=bool)
    if bad.any():
        out.invalid(np.flatnonzero(bad), "a drawn number is too large to be made exact "
                    "with the decimals asked for")
    cols = [d for ax, d in zip(plan.axes, digits, strict=True) if ax.param.structural]
    cols += [x for spec, x in zip(plan.draws, nums, strict=True) if spec.param.structural]
    keys = np.stack(cols, axis=1) if cols else np.zeros((m, 0), dtype=np.int64)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    for u, row in enumerate(uniq):
        pos = np.flatnonzero((inverse == u) & ~bad)
        if len(pos) == 0:
            continue
        values = _structural_values(plan, row)
        contract, reason, per_scenario = _group_contract(plan, tuple(int(v) for v in row),
                                                         values)
        if per_scenario:
            for s in pos:
                _one_alone(plan, out, int(s), a, keep_years)
            continue
        if contract is None:
            out.invalid(pos, reason or "invalid")
            continue
        _evaluate_group(plan, contract, out, pos, digits, nums, keep_years)
    return out


def _structural_values(plan: Plan, row: np.ndarray) -> list[tuple[Any, Any]]:
    values = []
    k = 0
    for ax in plan.axes:
        if ax.param.structural:
            values.append((ax.param, ax.values[int(row[k])]))
            k += 1
    for d, spec in enumerate(plan.draws):
        if spec.param.structural:
            values.append((spec.param, plan.drawn_value(d, int(row[k]))))
            k += 1
    return values


def _projection_inputs(plan: Plan, pos: np.ndarray, digits: list[np.ndarray],
                       nums: list[np.ndarray]) -> list[tuple[ProjectionParam, ExactArray]]:
    """Each projection parameter's values for the scenarios at pos."""
    out = []
    for ax, d in zip(plan.axes, digits, strict=True):
        if ax.param.projection is not None:
            out.append((ax.param.projection, ax.exact.take(d[pos])))
    for spec, x in zip(plan.draws, nums, strict=True):
        if spec.param.projection is not None:
            out.append((spec.param.projection, ExactArray(x[pos], spec.den)))
    return out


def _baseline_inputs(plan: Plan, pos: np.ndarray, digits: list[np.ndarray],
                     nums: list[np.ndarray]) -> dict[str, dict[str, ExactArray]]:
    """Each varied or drawn baseline amount and growth for the scenarios at pos, by clause."""
    out: dict[str, dict[str, ExactArray]] = {}
    for ax, d in zip(plan.axes, digits, strict=True):
        if ax.param.baseline is not None:
            cid, name = ax.param.baseline
            out.setdefault(cid, {})[name] = ax.exact.take(d[pos])
    for spec, x in zip(plan.draws, nums, strict=True):
        if spec.param.baseline is not None:
            cid, name = spec.param.baseline
            out.setdefault(cid, {})[name] = ExactArray(x[pos], spec.den)
    return out


def _baselines(contract: Contract, inputs: dict[str, dict[str, ExactArray]], m: int
               ) -> tuple[dict[str, np.ndarray], list[tuple[np.ndarray, str]], np.ndarray]:
    """(baselines, fails, too_big): each clause's baseline in fen by (life) year, (m, Y), for
    the scenarios' own amount and growth, exactly as :func:`sharing.streams.baseline_fen`
    (the same rounding as a stream projection with no ramp, so ``project_many`` computes
    it); the schema's rules on the values; and the scenarios whose baseline passes the
    ledger's limit somewhere (run on their own: the engine clamps such a baseline)."""
    from types import SimpleNamespace

    out: dict[str, np.ndarray] = {}
    fails: list[tuple[np.ndarray, str]] = []
    too_big = np.zeros(m, dtype=bool)
    for cid, vals in inputs.items():
        clause = next(c for c in contract.clauses if c.id == cid)
        bl = clause.baseline
        amount = vals.get("amount", bl.amount)
        growth = vals.get("growth", bl.growth)
        where = f"clauses.{cid}.baseline"
        if isinstance(amount, ExactArray):
            fails.append(((amount.compare(Fraction(0)) < 0)
                          | (amount.compare(min(MAX_YUAN, MAX_YUAN * 100 / contract.unit_fen)) > 0),
                          f"{where}.amount: out of range: an amount is between 0 and "
                          "1,000,000,000,000"))
        if isinstance(growth, ExactArray):
            fails.append(((growth.compare(Fraction(-1)) <= 0)
                          | (growth.compare(Fraction(10)) > 0),
                          f"{where}.growth: out of range: a rate must be greater than -1 "
                          "and at most 10"))
        params = StreamParams(amount, growth, [], None, Fraction(1))
        stub = SimpleNamespace(relocated_year=None)
        projected, _, overflow = project_many(contract, stub, params, m)  # type: ignore[arg-type]
        out[cid] = projected
        too_big |= overflow
    return out, fails, too_big


def _evaluate_group(plan: Plan, contract: Contract, out: Results, pos: np.ndarray,
                    digits: list[np.ndarray], nums: list[np.ndarray], keep_years: bool) -> None:
    from sharing.streams import project

    m = len(pos)
    ok = np.ones(m, dtype=bool)
    fails: list[tuple[np.ndarray, str]] = []
    by_stream: dict[int, list[tuple[ProjectionParam, ExactArray]]] = {}
    for pp, vals in _projection_inputs(plan, pos, digits, nums):
        by_stream.setdefault(pp.stream, []).append((pp, vals))
        for mask, why in _value_checks(contract, pp, vals):
            fails.append((mask, f"streams[{pp.stream}].{pp.field}"
                          + (f"[{pp.index}]" if pp.index is not None else "") + f": {why}"))
    shareable: dict[str, np.ndarray] = {}
    for i, stream in enumerate(contract.streams):
        if i not in by_stream:
            shareable[stream.id] = np.broadcast_to(
                np.asarray(project(contract, stream).shareable, dtype=np.int64),
                (m, contract.years))
            continue
        params = _stream_params(contract, i, by_stream[i])
        _, sh, overflow = project_many(contract, stream, params, m)
        shareable[stream.id] = sh
        fails.append((overflow, f"streams[{i}]: the projection passes the limit of "
                      "1,000,000,000,000 yuan a year (semantics §1)"))
    fails += _equity_checks(contract, shareable, set(by_stream))
    baselines, bl_fails, alone = _baselines(contract, _baseline_inputs(plan, pos, digits, nums),
                                            m)
    fails += bl_fails
    for mask, why in fails:
        bad = mask & ok
        if bad.any():
            out.invalid(pos[bad], why)
            ok &= ~mask
    if (alone & ok).any():  # a baseline past the limit: the engine's clamp, one by one
        for s in pos[alone & ok]:
            _one_alone(plan, out, int(s), out.start, keep_years)
        ok &= ~alone
    sel = pos[ok]
    if len(sel) == 0:
        return
    # year-major (Fortran order): the engine reads one year of every scenario at a time
    arrays = {sid: np.asfortranarray(arr if ok.all() else arr[ok])
              for sid, arr in shareable.items()}
    bls = {cid: np.asfortranarray(arr if ok.all() else arr[ok])
           for cid, arr in baselines.items()}
    _summarise_into(out, sel, contract, arrays, keep_years, bls)


def _value_checks(contract: Contract, pp: ProjectionParam, vals: ExactArray
                  ) -> list[tuple[np.ndarray, str]]:
    """The schema's rules on one projection parameter's values, over the scenario axis."""
    stream = contract.streams[pp.stream]
    out = []
    if pp.field in ("first", "series"):
        out.append(((vals.compare(MAX_YUAN) > 0) | (vals.compare(-MAX_YUAN) < 0),
                    "out of range: an amount is at most 1,000,000,000,000 either way"))
        if stream.kind not in ("profit", "cost"):
            out.append((vals.compare(Fraction(0)) < 0,
                        f"negative; a {stream.kind} stream's amounts are ≥ 0"))
        if pp.field == "series" and stream.relocated_year is not None:
            if pp.index < stream.relocated_year - contract.start_year:
                out.append((vals.compare(Fraction(0)) != 0, "non-zero before the relocation "
                            "year; a relocated stream has no amount before it moves"))
    elif pp.field == "growth":
        out.append(((vals.compare(Fraction(-1)) <= 0) | (vals.compare(Fraction(10)) > 0),
                    "out of range: a rate must be greater than -1 and at most 10"))
    else:  # ramp, local_retention
        out.append(((vals.compare(Fraction(0)) < 0) | (vals.compare(Fraction(1)) > 0),
                    "out of range: a ratio must be between 0 and 1"))
    return out


def _stream_params(contract: Contract, i: int,
                   inputs: list[tuple[ProjectionParam, ExactArray]]) -> StreamParams:
    s = contract.streams[i]
    first: Any = s.first
    growth: Any = s.growth
    ramp: list[Any] = list(s.ramp or [])
    series: list[Any] | None = list(s.series) if s.series is not None else None
    retention: Any = s.local_retention if s.local_retention is not None else Fraction(1)
    for pp, vals in inputs:
        if pp.field == "first":
            first = vals
        elif pp.field == "growth":
            growth = vals
        elif pp.field == "local_retention":
            retention = vals
        elif pp.field == "ramp":
            ramp[pp.index] = vals
        elif pp.field == "series" and series is not None:
            series[pp.index] = vals
    return StreamParams(first, growth, ramp, series, retention)


def _equity_checks(contract: Contract, shareable: dict[str, np.ndarray], varied: set[int]
                   ) -> list[tuple[np.ndarray, str]]:
    """Equity must exist in any year ≤ T with a profit, or a called loss (§3.3)."""
    from sharing.stakes import equity_ratios

    out = []
    ids = {s.id: i for i, s in enumerate(contract.streams)}
    for ci, cl in enumerate(contract.clauses):
        if not isinstance(cl, Equity) or not any(ids[sid] in varied for sid in cl.profit_streams):
            continue
        ratios = equity_ratios(contract, cl)
        first = next((t for t, r in enumerate(ratios, start=1) if r is not None), None)
        upto = min(contract.term(), (first or contract.years + 1) - 1)
        for t in range(1, upto + 1):
            profit = sum(shareable[sid][:, t - 1] for sid in cl.profit_streams)
            out.append((profit > 0, f"clauses[{ci}].profit_streams: profit in "
                        f"{contract.calendar(t)} but {cl.id} has no equity yet"))
            if cl.losses == "cash_call" and cl.loss_shares is None:
                out.append((profit < 0, f"clauses[{ci}].losses: a loss in "
                            f"{contract.calendar(t)} must be called by equity ratios, but "
                            f"{cl.id} has no equity yet"))
    return out


def party_rates(contract: Contract) -> list[Fraction]:
    return [p.discount_rate if p.discount_rate is not None else contract.discount_rate
            for p in contract.parties]


def _summarise_into(out: Results, sel: np.ndarray, contract: Contract,
                    shareable: dict[str, np.ndarray], keep_years: bool,
                    baselines: dict[str, np.ndarray] | None = None) -> None:
    from sharing.engine import evaluate

    run = evaluate(contract, shareable, baselines=baselines or None)
    net = run.ledger.net  # (P, S, Y)
    out.net_total[sel] = net.sum(axis=2).T
    too_big = np.zeros(len(sel), dtype=bool)
    for p, rate in enumerate(party_rates(contract)):
        out.npv[sel, p], big = npv_many(net[p], rate)
        too_big |= big
    if keep_years:
        out.net[sel] = net.transpose(1, 0, 2)
    flags = {f: np.zeros(len(sel), dtype=bool) for f in FLAGS}
    for ev in run.ledger.events:
        if ev.kind in ("cap_reached", "pool_exhausted", "exit_triggered"):
            flags[ev.kind] |= ev.mask
        elif ev.kind in ("guarantee_backstopped", "guarantee_unpaid"):
            flags["guarantee_called"] |= ev.mask
    flags["guarantee_called"] |= run.ledger.happened("pool_out")
    for f in FLAGS:
        out.flags[f][sel] = flags[f]
    out.last[sel] = run.last
    out.valid[sel] = True
    out.reason[sel] = -1
    if too_big.any():
        out.invalid(sel[too_big], "an NPV beyond ±92,233,720,368,547,758.07 yuan (a discount "
                    "rate near −100 %?) cannot be tabulated")


def _one_alone(plan: Plan, out: Results, s: int, a: int, keep_years: bool) -> None:
    """Validate and run one scenario by itself (when validity depends on its projections)."""
    from sharing.api import parse_contract, shareable_arrays

    try:
        contract = parse_contract(plan.document(a + s))
    except PathError as e:
        out.invalid([s], str(e))
        return
    except InvalidContract as e:
        out.invalid([s], _issues_text(e))
        return
    frame = _same_frame(plan, contract)
    if frame is not None:
        out.invalid([s], frame)
        return
    _summarise_into(out, np.array([s]), contract, shareable_arrays(contract), keep_years)


# ---- all scenarios -----------------------------------------------------------------------

def chunks(plan: Plan, size: int = CHUNK) -> list[tuple[int, int]]:
    """Ranges of scenario numbers of at most ``size``, within one grid point under draws."""
    if plan.n == 1:
        return [(a, min(a + size, plan.total)) for a in range(0, plan.total, size)]
    return [(g * plan.n + j, g * plan.n + min(j + size, plan.n))
            for g in range(plan.grid_size) for j in range(0, plan.n, size)]


def run_plan(plan: Plan, *, keep_years: bool = False, chunk: int = CHUNK,
             progress: Callable[[int, int], None] | None = None,
             engine: str = "local", scheduler: Any = None) -> Results:
    """Every scenario of the plan, in order; ``engine="dask"`` runs the chunks as tasks on the
    dask.distributed scheduler at ``scheduler`` (an address, or a Client), bit for bit the
    same results."""
    ranges = chunks(plan, chunk)
    if engine == "dask":
        from .distributed import run_on_dask

        parts = run_on_dask(plan, ranges, keep_years, scheduler, progress)
    elif engine == "local":
        parts = []
        done = 0
        for a, b in ranges:
            parts.append(evaluate_range(plan, a, b, keep_years))
            done += b - a
            if progress is not None:
                progress(done, plan.total)
    else:
        raise ValueError(f"unknown engine {engine!r}: local or dask")
    return Results.concat(parts)
