"""``tax_split`` (§3.1) and ``buffer`` (§3.2): baselines, increments, shares and caps.

A buffer is a ``tax_split`` with ``timing: since_relocation`` and a generated schedule
(life year k gives the buffer party s_k and ``to`` the rest), so both run through this one
module and give identical ledgers for the same schedule.

The work of one year is split in two, because a risk pool is funded in between (§3 step 3):
:meth:`SplitClause.prepare` carves out baselines and measures increments, the engine takes
pool contributions, then :meth:`SplitClause.split` divides the rest and applies caps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from schemas.claims import buffer_streams, segment_at
from schemas.contract import Buffer, Contract, FromEquity, TaxSplit

from .. import explain as xpl
from ..derived import derived
from ..ledger import Ledger
from ..money import INT64_SAFE, Shares, allocate, format_yuan, tie_at
from ..streams import baseline_fen, life_start


def _y(v) -> str:
    return format_yuan(int(v), grouped=True)


def _at(value: int | np.ndarray, s: int) -> int:
    """Scenario s's value of a figure that is one number or one per scenario."""
    return int(value[s]) if isinstance(value, np.ndarray) else value


@dataclass
class Unit:
    """What one clause splits in one year: all its streams together (timing contract), or
    one stream on its own (since_relocation, buffers)."""

    streams: list[str]
    stream: str | None  # the stream named on entries (None when several are added up)
    life_year: int
    shares: Shares  # by contract party order
    label: xpl.Record  # "years 1-4", "life year 2 (years 1-3)", "buffer year 2 of 5"
    cap_key: str
    amount: np.ndarray
    baseline: int | np.ndarray | None = None
    base_part: np.ndarray | None = None
    increment: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    pool_in: np.ndarray | None = None
    parts: list[np.ndarray] = field(default_factory=list)  # each stream's amount, same order


class SplitClause:
    """One ``tax_split`` or ``buffer`` clause, with its cap state across years."""

    def __init__(self, contract: Contract, clause: TaxSplit | Buffer, scenarios: int,
                 equity_ratios: dict[str, list[list[Fraction] | None]],
                 baselines: np.ndarray | None = None):
        self.c = contract
        self.clause = clause
        self.id = clause.id
        self.parties = [p.id for p in contract.parties]
        self.receiving = contract.receiving
        self.is_buffer = isinstance(clause, Buffer)
        self.per_stream = self.is_buffer or clause.timing == "since_relocation"
        self.streams = (buffer_streams(contract, clause) if self.is_buffer
                        else list(clause.streams))
        self.equity_ratios = equity_ratios
        self.basis = clause.basis
        bl = clause.baseline
        self.baseline_owner = (bl.owner or self.receiving) if bl is not None else None
        cap = clause.cap
        self.cap_party = cap.party if cap is not None else None
        self.per_year_cap = (int(cap.per_year * contract.unit_fen)
                             if cap is not None and cap.per_year is not None else None)
        keys = self.streams if self.per_stream else [self.id]
        self.cap_got = {key: np.zeros(scenarios, dtype=np.int64) for key in keys}
        self.cap_done = {key: np.zeros(scenarios, dtype=bool) for key in keys}
        self._totals: dict[str | None, np.ndarray] = {}  # see _added
        self._shares_memo: dict[tuple[Fraction, ...], Shares] = {}
        static = derived(contract, f"split:{self.id}", lambda: self._static(keys))
        self.cum_cap: dict[str, int] = static["cum_cap"]
        self.life_start: dict[str, int] = static["life_start"]
        self._excess_shares: dict[tuple[int, int], tuple[Shares, str]] = static["excess"]
        self._claims: list[list[tuple[list[str], int, Shares, str]]] = static["claims"]
        self._baselines: list[int] | list[np.ndarray] | None = static["baselines"]
        if baselines is not None:  # one per scenario (S, Y): a varied or drawn baseline
            self._baselines = [baselines[:, k] for k in range(contract.years)]

    def _static(self, keys: list[str]) -> dict[str, Any]:
        """What this clause derives from the contract alone, once per contract: cumulative
        caps, life starts, each year's claims with their shares, baselines (§3.1, §3.2)."""
        contract, clause = self.c, self.clause
        cap = clause.cap
        cum_cap: dict[str, int] = {}
        if cap is not None and cap.cumulative is not None:
            for key in keys:
                if cap.cumulative == "pre_relocation_total":
                    ids = [key] if self.per_stream else self.streams
                    total = sum((v for sid in ids
                                 for v in contract.stream(sid).pre_relocation_tax or []),
                                Fraction(0))
                    cum_cap[key] = int(total * contract.unit_fen)
                else:
                    cum_cap[key] = int(cap.cumulative * contract.unit_fen)
        self.life_start = {sid: life_start(contract, contract.stream(sid))
                           for sid in self.streams}
        bl = clause.baseline
        return {
            "cum_cap": cum_cap,
            "life_start": self.life_start,
            "excess": {},
            "claims": [self._claims_in(t) for t in range(1, contract.years + 1)],
            "baselines": ([baseline_fen(bl.amount, bl.growth, contract.unit_fen, k)
                           for k in range(1, contract.years + 1)] if bl is not None else None),
        }

    # ---- the schedule --------------------------------------------------------------------
    def _segment(self, t: int, life_year: int) -> tuple[Shares, str] | None:
        """Shares by party order and a label, for a year the clause claims; None otherwise."""
        if self.is_buffer:
            b = self.clause
            if not 1 <= life_year <= b.years:
                return None
            s = b.share_in_life_year(life_year)
            to = b.to or self.receiving
            shares = self._memo([s if p == b.party else (1 - s if p == to else Fraction(0))
                                 for p in self.parties])
            label = xpl.why("period.buffer", k=xpl.num(life_year), n=xpl.num(b.years),
                          shape=xpl.word(b.shape))
            return shares, label
        i = segment_at(self.clause.schedule, life_year)
        if i is None:
            return None
        seg = self.clause.schedule[i]
        a, z = seg.years
        span = xpl.period(a, z)
        label = (span if not self.per_stream else
                 xpl.why("period.life_year", k=xpl.num(life_year), span=span))
        if isinstance(seg.shares, FromEquity):
            ratios = self.equity_ratios[seg.shares.from_equity][t - 1]
            assert ratios is not None, "validated: equity exists when from_equity is used"
            return self._memo(ratios), xpl.why("period.from_equity", period=label,
                                             clause=xpl.clause(seg.shares.from_equity))
        return self._memo([seg.shares.get(p, Fraction(0)) for p in self.parties]), label

    def _memo(self, fractions: list[Fraction]) -> Shares:
        """One Shares object per distinct share vector, so caches keyed on it hit."""
        key = tuple(fractions)
        hit = self._shares_memo.get(key)
        if hit is None:
            hit = self._shares_memo[key] = Shares(key)
        return hit

    def claims(self, t: int) -> list[tuple[list[str], int, Shares, str]]:
        """The streams this clause claims in contract year t, grouped into units."""
        return self._claims[t - 1]

    def _claims_in(self, t: int) -> list[tuple[list[str], int, Shares, str]]:
        if not self.per_stream:
            seg = self._segment(t, t)
            return [] if seg is None else [(self.streams, t, seg[0], seg[1])]
        out = []
        for sid in self.streams:
            k = t - self.life_start[sid] + 1
            seg = self._segment(t, k)
            if seg is not None:
                out.append(([sid], k, seg[0], seg[1]))
        return out

    def claimed_streams(self, t: int) -> list[str]:
        return [sid for unit in self.claims(t) for sid in unit[0]]

    # ---- step 3: baselines and increments ------------------------------------------------
    def prepare(self, t: int, shareable: dict[str, np.ndarray], active: np.ndarray,
                ledger: Ledger) -> list[Unit]:
        y = t - 1
        units = []
        claims = self.claims(t)
        if not claims:
            return units
        for streams, k, shares, label in claims:
            amount = self._added(shareable, streams)[:, y] * active
            stream = streams[0] if len(streams) == 1 else None
            unit = Unit(streams, stream, k, shares, label,
                        streams[0] if self.per_stream else self.id, amount)
            if len(streams) > 1:
                unit.parts = [shareable[sid][:, y] * active for sid in streams]
            if self.basis == "increment":
                bl = self.clause.baseline
                base = self._baselines[k - 1] if self._baselines is not None else 0
                unit.baseline = base
                # A baseline above any amount (past int64 even) takes the whole amount; clamp it
                # for the int64 comparison (the why shows the real figure).
                unit.base_part = np.minimum(amount, base if isinstance(base, np.ndarray)
                                            else min(base, INT64_SAFE))
                unit.increment = amount - unit.base_part
                if bl is not None:
                    ledger.post(y, self.id, stream, self.baseline_owner, "baseline",
                                unit.base_part, lambda s, a=amount, b=base, k=k, u=unit:
                                self._baseline_why(a[s], _at(b, s), k, u.streams,
                                                   [p[s] for p in u.parts]))
            else:
                unit.increment = amount.copy()
            units.append(unit)
        return units

    def _added(self, shareable: dict[str, np.ndarray], streams: list[str]) -> np.ndarray:
        """The unit's streams added up for every year, (S, Y), once per run."""
        key = streams[0] if self.per_stream else None
        hit = self._totals.get(key)
        if hit is None:
            hit = self._totals[key] = (shareable[streams[0]] if len(streams) == 1 else
                                       sum(shareable[sid] for sid in streams))
        return hit

    def _baseline_why(self, amount: int, base: int, k: int, streams: list[str],
                      parts: list[int] | None = None) -> xpl.Record:
        bl = self.clause.baseline
        when = xpl.why("split.baseline.life_year" if self.per_stream else "split.baseline.year",
                     k=xpl.num(k))
        common = dict(amount=xpl.fen(amount), parts=xpl.stream_parts(streams, parts),
                      baseline=xpl.exact(bl.amount * self.c.unit_fen), when=when,
                      part=xpl.fen(min(amount, base)))
        if bl.growth and k > 1:
            return xpl.why("split.baseline_grown", growth=xpl.share(bl.growth), power=xpl.num(k - 1),
                         grown=xpl.fen(base), **common)
        return xpl.why("split.baseline", **common)

    def increment(self, units: list[Unit], scenarios: int) -> np.ndarray:
        """Σ max(0, amount − baseline) over the claimed streams, before pool and caps (§3.6)."""
        if len(units) == 1:
            return units[0].increment.copy()
        return sum((u.increment for u in units), np.zeros(scenarios, dtype=np.int64))

    # ---- step 4: split and caps ----------------------------------------------------------
    def split(self, t: int, units: list[Unit], ledger: Ledger, active: np.ndarray) -> None:
        y = t - 1
        for u in units:
            rest = u.increment - u.pool_in if u.pool_in is not None else u.increment
            parts = allocate(rest, u.shares)
            basis = self._basis_text(u)
            nums = u.shares.nums
            for i, p in enumerate(self.parties):
                if not nums[i] and not np.count_nonzero(parts[i]):  # a zero share
                    continue
                cut = None
                if p == self.cap_party:
                    cut = self._cap(t, u, parts[i], ledger, active)
                    if cut is not None:
                        allowed, excess, why_cap = cut
                        self._post_share(ledger, y, u, p, allowed, rest, u.shares[i], basis,
                                         why_cap)
                        if np.count_nonzero(excess):  # else there is nothing to hand on
                            self._post_excess(ledger, y, u, i, excess)
                        continue
                self._post_share(ledger, y, u, p, parts[i], rest, u.shares[i], basis, None)

    def _basis_text(self, u: Unit):
        def text(s: int) -> xpl.Record:
            if u.parts:
                amount = xpl.why("split.amount_parts", amount=xpl.fen(u.amount[s]),
                               parts=xpl.stream_parts(u.streams, [int(p[s]) for p in u.parts]))
            elif u.stream is not None:
                amount = xpl.why("split.amount_stream", amount=xpl.fen(u.amount[s]),
                               stream=xpl.stream(u.stream))
            else:
                amount = xpl.why("split.amount", amount=xpl.fen(u.amount[s]))
            if self.basis == "increment":
                base = _at(u.baseline, s) if u.baseline is not None else 0
                head = (xpl.why("split.increment", increment=xpl.fen(u.increment[s]), amount=amount,
                                baseline=xpl.fen(base)) if base else
                        xpl.why("split.increment_all", increment=xpl.fen(u.increment[s]),
                                amount=amount))
            else:
                head = amount
            if u.pool_in is not None and u.pool_in[s]:
                head = xpl.why("split.less_pool", basis=head, pool=xpl.fen(u.pool_in[s]))
            return head
        return text

    def _post_share(self, ledger: Ledger, y: int, u: Unit, party: str, amount: np.ndarray,
                    rest: np.ndarray, share: Fraction, basis, why_cap) -> None:
        def why(s: int) -> xpl.Record:
            exact = Fraction(int(rest[s])) * share
            common = dict(basis=basis(s), rest=xpl.fen(rest[s]), share=xpl.share(share),
                          period=u.label, exact=xpl.exact(exact))
            if why_cap is not None:
                return xpl.why("split.share_capped", cap=why_cap(s), **common)
            if exact.denominator != 1:
                tie = tie_at(int(rest[s]), u.shares, self.parties.index(party))
                if tie is None:
                    return xpl.why("split.share_rounded", value=xpl.fen(amount[s]), **common)
                others, won = tie
                names = xpl.join((xpl.party(self.parties[j]) for j in others), sep=",")
                if won:
                    return xpl.why("split.share_tie_won", value=xpl.fen(amount[s]),
                                   others=names, **common)
                winners = [j for j in others if tie_at(int(rest[s]), u.shares, j)[1]]
                return xpl.why("split.share_tie_lost", value=xpl.fen(amount[s]), others=names,
                               winners=xpl.join((xpl.party(self.parties[j]) for j in winners),
                                                sep=","), **common)
            return xpl.why("split.share", **common)
        ledger.post(y, self.id, u.stream, party, "share", amount, why)

    def _cap(self, t: int, u: Unit, x: np.ndarray, ledger: Ledger, active: np.ndarray):
        """Apply the capped party's per-year and cumulative caps; None when there are none."""
        if self.per_year_cap is None and u.cap_key not in self.cum_cap:
            return None
        allowed = x  # each step below makes a new array
        per_year_binds: np.ndarray | None = None  # None: no such cap
        if self.per_year_cap is not None:
            per_year_binds = x > self.per_year_cap
            allowed = np.minimum(allowed, self.per_year_cap)
        got = self.cap_got[u.cap_key]
        before = got.copy()
        reached: np.ndarray | None = None
        cum = self.cum_cap.get(u.cap_key)
        if cum is not None:
            room = np.maximum(cum - got, 0)
            allowed = np.minimum(allowed, room)
            reached = (got + allowed >= cum) & ~self.cap_done[u.cap_key] & active
            self.cap_done[u.cap_key] |= reached
        allowed = np.maximum(allowed, 0)
        got += allowed
        excess = x - allowed
        mask = (per_year_binds if reached is None else reached if per_year_binds is None
                else per_year_binds | reached)
        subject = xpl.stream(u.stream) if u.stream else xpl.clause(self.id)

        def detail(s: int, pb=per_year_binds, r=reached) -> xpl.Record:
            binds = pb is not None and bool(pb[s])
            hit = r is not None and bool(r[s])
            key = ("event.cap_both" if binds and hit else "event.cap_per_year" if binds
                   else "event.cap_cumulative")
            return xpl.why(key, party=xpl.party(self.cap_party), subject=subject)
        ledger.event(t - 1, self.id, "cap_reached", mask, detail)

        def why_cap(s: int) -> xpl.Record:
            if excess[s] == 0:
                if cum is not None:
                    return xpl.why("cap.within", got=xpl.fen(before[s] + allowed[s]), cap=xpl.fen(cum))
                return xpl.why("cap.within_per_year", cap=xpl.fen(self.per_year_cap))
            bits = []
            if self.per_year_cap is not None:
                bits.append(xpl.why("cap.per_year", cap=xpl.fen(self.per_year_cap)))
            if cum is not None:
                bits.append(xpl.why("cap.cumulative", cap=xpl.fen(cum), before=xpl.fen(before[s]),
                                  room=xpl.fen(max(cum - before[s], 0))))
            return xpl.why("cap.cut", allowed=xpl.fen(allowed[s]), caps=xpl.join(bits, "and"),
                         excess=xpl.fen(excess[s]))
        return allowed, excess, why_cap

    def _renormalised(self, shares: Shares, capped: int) -> tuple[Shares, str]:
        """The other parties' shares renormalised to sum to 1, for a cap's excess (§3.1)."""
        key = (id(shares), capped)
        hit = self._excess_shares.get(key)
        if hit is None:
            others = [s if i != capped else Fraction(0) for i, s in enumerate(shares)]
            total = sum(others, Fraction(0))
            if total == 0:
                hit = (Shares([Fraction(int(p == self.receiving)) for p in self.parties]),
                       xpl.why("cap.to_receiving"))
            else:
                hit = (Shares([s / total for s in others]), xpl.why("cap.renormalised"))
            self._excess_shares[key] = hit
        return hit

    def _post_excess(self, ledger: Ledger, y: int, u: Unit, capped: int,
                     excess: np.ndarray) -> None:
        shares, how = self._renormalised(u.shares, capped)
        parts = allocate(excess, shares)
        for i, p in enumerate(self.parties):
            if not shares.nums[i]:  # a zero share
                continue
            ledger.post(y, self.id, u.stream, p, "cap_excess", parts[i],
                        lambda s, sh=shares[i], part=parts[i]:
                        xpl.why("cap.excess", excess=xpl.fen(excess[s]), party=xpl.party(self.cap_party),
                              period=u.label, share=xpl.share(sh), how=how, value=xpl.fen(part[s])))
