"""An independent, plain reading of ``shared/spec/semantics.md``: the exact path.

This module computes a contract's results one year at a time with Python ``int`` (whole fen)
and ``fractions.Fraction`` only: no numpy, nothing from ``sharing``. It reads the validated
``schemas.contract.Contract`` models and nothing else, so it is a second, independent reading
of the semantics against which the vectorised engine is compared to the fen
(tests/test_properties.py). It is written for clarity, not speed: each paragraph of the
semantics is a small function or a commented block, in the yearly order of §3.

Choices where the semantics leave room (each one tested against the engine):

- A buffer's default streams are the streams with a ``relocated_year`` whose kind a buffer can
  divide (tax, fee, land), in the contract's order (§3.2 with §3).
- ``cap_reached`` is one event per cap and year: a cap is the clause's (``timing: contract``)
  or one stream's (``since_relocation``, buffers); it is raised when the capped party's share
  exceeds the per-year cap, or when its cumulative share first reaches the cumulative cap,
  once even when both happen in the same year. A cap is looked at only in the years in which
  the capped party has a share > 0 in the segment: a cumulative cap of 0 is "first reached" in
  the first such year, never while the party takes no part in the split.
- A guarantee without ``years`` applies in every year 1..L (the years in which the clauses
  apply, §3.6).
- ``pool_in`` entries carry the funding clause's id, ``pool_out``, ``backstop`` and
  ``residual`` the pool's, ``buyout``, ``penalty`` and ``handover`` the exit clause's;
  ``contribution``, ``dividend``, ``loss`` and ``retained`` the equity clause's; ``unclaimed``
  none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from schemas.contract import (
    BookPrice,
    Buffer,
    Contract,
    CostShare,
    CumulativeReached,
    Equity,
    Exit,
    FixedPrice,
    FloorOfContributions,
    FromEquity,
    IncrementBelow,
    IndicatorSplit,
    InYear,
    MaxOfPrice,
    NpvPrice,
    RiskPool,
    TaxSplit,
)

RECEIPT_KINDS = ("baseline", "share", "cap_excess", "dividend", "loss")
STREAM_KINDS = ("baseline", "share", "cap_excess", "unclaimed", "dividend", "retained", "loss",
                "cost", "pool_in", "handover")
TRANSFER_KINDS = ("backstop", "buyout", "penalty")
SPLIT_STREAM_KINDS = ("tax", "fee", "land")


# ---- §1 money ---------------------------------------------------------------------------------

def round_half_up(x: Fraction | int) -> int:
    """An exact amount of fen to whole fen: halves away from zero (四舍五入, §1)."""
    x = Fraction(x)
    magnitude = abs(x)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return whole if x >= 0 else -whole


def allocate(amount: int, shares: list[Fraction]) -> list[int]:
    """Divide ``amount`` fen by ``shares`` (summing to 1, listed in the contract's party
    order): floor(X·s) each, the fen left over one each to the largest remainders, ties to
    the party listed first; a negative amount as its absolute value, every part signed (§1)."""
    assert sum(shares, Fraction(0)) == 1, shares
    x = abs(amount)
    exact = [x * s for s in shares]
    parts = [math.floor(e) for e in exact]
    left = x - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    assert sum(parts) == x
    return parts if amount >= 0 else [-p for p in parts]


def yuan(fen: int) -> str:
    """Whole fen as a yuan string with two decimals, "-" only for a negative amount."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def ratio_text(r: Fraction) -> str:
    return str(r.numerator) if r.denominator == 1 else f"{r.numerator}/{r.denominator}"


# ---- results ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    year: int  # contract year
    clause: str | None
    stream: str | None
    party: str | None
    kind: str
    amount: int  # fen


@dataclass
class Result:
    """Everything the semantics says a result reports, in fen, by contract year (index 0 =
    contract year 1)."""

    contract: Contract
    parties: list[str]
    entries: list[Entry] = field(default_factory=list)
    indicator_entries: list[Entry] = field(default_factory=list)
    events: list[tuple[int, str, str]] = field(default_factory=list)  # calendar year
    pool_balances: dict[str, list[int]] = field(default_factory=dict)
    equity_ratios: dict[str, dict[str, list[Fraction | None]]] = field(default_factory=dict)
    deficits: dict[str, list[int | None]] = field(default_factory=dict)
    last: int = 0  # L, contract year
    shareable: dict[str, list[int]] = field(default_factory=dict)
    #: what each clause took in, by (contract year, clause): the splittable amount of a split
    #: clause, the profit P of an equity clause, −C of a cost share (§1 conservation)
    intake: dict[tuple[int, str], int] = field(default_factory=dict)
    _receipts: dict[tuple[str, str, int], int] = field(default_factory=dict)

    @property
    def years(self) -> int:
        return self.contract.years

    def net_by_year(self) -> dict[str, list[int]]:
        out = {p: [0] * self.years for p in self.parties}
        for e in self.entries:
            if e.party is not None:
                out[e.party][e.year - 1] += e.amount
        return out

    def totals_by_kind(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {p: {} for p in self.parties}
        for e in self.entries:
            if e.party is not None:
                out[e.party][e.kind] = out[e.party].get(e.kind, 0) + e.amount
        return {p: {k: v for k, v in kinds.items() if v} for p, kinds in out.items()}

    def indicators(self) -> dict[str, list[int]]:
        if not any(s.kind == "indicator" for s in self.contract.streams):
            return {}
        out = {p: [0] * self.years for p in self.parties}
        for e in self.indicator_entries:
            out[e.party][e.year - 1] += e.amount
        return out

    def last_year(self) -> int | None:
        if self.contract.exit_clause() is None:
            return None
        return self.contract.calendar(self.last)

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        if entry.kind in RECEIPT_KINDS and entry.party is not None and entry.clause is not None:
            key = (entry.clause, entry.party, entry.year)
            self._receipts[key] = self._receipts.get(key, 0) + entry.amount

    def receipts(self, clause: str, party: str, year: int) -> int:
        """A party's receipts (§3) from a clause in one contract year."""
        return self._receipts.get((clause, party, year), 0)

    def conformance(self) -> dict:
        """The keys of shared/conformance/expected/*.json (see its README)."""
        out: dict = {
            "parties": {},
            "indicators": {},
            "events": sorted([y, c, k] for y, c, k in self.events),
        }
        net = self.net_by_year()
        kinds = self.totals_by_kind()
        for p in self.parties:
            out["parties"][p] = {"net_by_year": [yuan(v) for v in net[p]],
                                 "net_total": yuan(sum(net[p])),
                                 "totals_by_kind": {k: yuan(v) for k, v in kinds[p].items()}}
        for p, vals in self.indicators().items():
            out["indicators"][p] = {"net_by_year": [yuan(v) for v in vals],
                                    "net_total": yuan(sum(vals))}
        if self.pool_balances:
            out["pool_balances"] = {k: [yuan(v) for v in vals]
                                    for k, vals in self.pool_balances.items()}
        if self.equity_ratios:
            out["equity_ratios"] = {c: {p: [None if r is None else ratio_text(r) for r in rs]
                                        for p, rs in by_party.items()}
                                    for c, by_party in self.equity_ratios.items()}
            out["deficits"] = {c: [None if d is None else yuan(d) for d in ds]
                               for c, ds in self.deficits.items()}
        if self.last_year() is not None:
            out["last_year"] = self.last_year()
        return out


# ---- §2 streams -------------------------------------------------------------------------------

def life_start(c: Contract, sid: str) -> int:
    """Contract year of a stream's life year 1: its relocation year, else contract year 1."""
    s = c.stream(sid)
    return 1 if s.relocated_year is None else s.relocated_year - c.start_year + 1


def shareable_amounts(c: Contract) -> dict[str, list[int]]:
    """Every stream's shareable amount by contract year: the projection rounded, then the
    local retention of that rounded figure rounded (§1, §2)."""
    unit = c.unit_fen
    out = {}
    for s in c.streams:
        start = life_start(c, s.id)
        retention = s.local_retention if s.local_retention is not None else Fraction(1)
        values = []
        for t in range(1, c.years + 1):
            if t < start:
                values.append(0)
                continue
            if s.series is not None:
                projected = round_half_up(s.series[t - 1] * unit)
            else:
                k = t - start + 1  # life year: growth and ramp count from it
                ramp = s.ramp[k - 1] if s.ramp and k <= len(s.ramp) else Fraction(1)
                projected = round_half_up(s.first * unit * (1 + s.growth) ** (k - 1) * ramp)
            values.append(round_half_up(projected * retention))
        out[s.id] = values
    return out


# ---- the run ------------------------------------------------------------------------------------

@dataclass
class Unit:
    """What one split clause divides in one year: its streams added up (timing contract) or
    one stream (since_relocation, buffers)."""

    streams: list[str]
    life_year: int
    shares: list[Fraction]  # by party order
    cap_key: str
    amount: int = 0
    increment: int = 0
    pool_in: int = 0


class _Run:
    def __init__(self, c: Contract, triggers_enabled: bool = True):
        self.c = c
        self.unit = c.unit_fen
        self.parties = [p.id for p in c.parties]
        self.receiving = c.receiving
        self.shareable = shareable_amounts(c)
        self.kind = {s.id: s.kind for s in c.streams}
        self.triggers_enabled = triggers_enabled
        self.result = Result(c, self.parties, shareable=self.shareable)
        self.exit: Exit | None = c.exit_clause()
        self.T = c.term()
        self.L = self.T
        self.fired = False
        self.winner: int | None = None
        self.trigger_counts: list[int] = [0] * (len(self.exit.triggers) if self.exit else 0)
        self.splits = [cl for cl in c.clauses if isinstance(cl, (TaxSplit, Buffer))]
        self.equities = [cl for cl in c.clauses if isinstance(cl, Equity)]
        self.cost_shares = [cl for cl in c.clauses if isinstance(cl, CostShare)]
        self.indicator_splits = [cl for cl in c.clauses if isinstance(cl, IndicatorSplit)]
        self.pools = [cl for cl in c.clauses if isinstance(cl, RiskPool)]
        # state carried across years
        self.cap_got: dict[tuple[str, str], int] = {}
        self.cap_done: set[tuple[str, str]] = set()
        self.deficit = {e.id: 0 for e in self.equities}
        self.balance = {p.id: 0 for p in self.pools}
        self.pool_full_seen: set[str] = set()
        self.counterfactual: list[int] | None = None  # the exiting party's R_y (npv price)
        for e in self.equities:
            self.result.equity_ratios[e.id] = {p: [] for p in self.parties}
            self.result.deficits[e.id] = []
        for p in self.pools:
            self.result.pool_balances[p.id] = []

    # ---- bookkeeping ----------------------------------------------------------------------
    def post(self, t: int, clause: str | None, stream: str | None, party: str | None,
             kind: str, amount: int) -> None:
        if amount != 0:
            self.result.add(Entry(t, clause, stream, party, kind, amount))

    def post_indicator(self, t: int, clause: str | None, stream: str, party: str,
                       amount: int) -> None:
        if amount != 0:
            self.result.indicator_entries.append(Entry(t, clause, stream, party, "indicator",
                                                       amount))

    def take(self, t: int, clause: str, amount: int) -> None:
        key = (t, clause)
        self.result.intake[key] = self.result.intake.get(key, 0) + amount

    def event(self, t: int, clause: str, kind: str) -> None:
        self.result.events.append((self.c.calendar(t), clause, kind))

    def fen(self, money: Fraction) -> int:
        """A money field used as it stands, in fen (whole by validation, §1)."""
        value = money * self.unit
        assert value.denominator == 1, value
        return value.numerator

    def shares_of(self, shares, t: int) -> list[Fraction]:
        """A segment's shares by party order; ``from_equity`` takes that clause's ratios of
        contract year t, the year the amount is booked (§3.3)."""
        if isinstance(shares, FromEquity):
            ratios = self.ratios(self.c.clause(shares.from_equity), t)
            assert ratios is not None, "validated: equity exists where from_equity is used"
            return ratios
        return [shares.get(p, Fraction(0)) for p in self.parties]

    @staticmethod
    def segment(schedule, year: int):
        for seg in schedule:
            if seg.years[0] <= year <= seg.years[1]:
                return seg
        return None

    # ---- §3.3 equity ratios -----------------------------------------------------------------
    def contribution_fen(self, k) -> int:
        """Stated value in fen; land by area: area_mu × price_per_mu, in fen, rounded."""
        if k.value is not None:
            return self.fen(k.value)
        return round_half_up(k.area_mu * k.price_per_mu * self.unit)

    def ratios(self, eq: Equity, t: int) -> list[Fraction] | None:
        """Σ weight × value of each party's contributions made in years ≤ t over the same sum
        for all parties; None before the weighted sum is positive."""
        weighted = {p: Fraction(0) for p in self.parties}
        for k in eq.contributions:
            if k.year <= t:
                weighted[k.party] += eq.weight(k.kind) * self.contribution_fen(k)
        total = sum(weighted.values(), Fraction(0))
        if total == 0:
            return None
        return [weighted[p] / total for p in self.parties]

    def contributions_of(self, party: str, through: int) -> list[tuple[int, int]]:
        """(year, fen) of a party's contributions to all equity clauses in years ≤ through."""
        return [(k.year, self.contribution_fen(k)) for e in self.equities
                for k in e.contributions if k.party == party and k.year <= through]

    # ---- §3.1, §3.2 which streams a split clause divides this year --------------------------
    def buffer_streams(self, b: Buffer) -> list[str]:
        if b.streams is not None:
            return list(b.streams)
        return [s.id for s in self.c.streams
                if s.relocated_year is not None and s.kind in SPLIT_STREAM_KINDS]

    def units(self, cl, t: int) -> list[Unit]:
        if isinstance(cl, Buffer):
            out = []
            for sid in self.buffer_streams(cl):
                k = t - life_start(self.c, sid) + 1
                if 1 <= k <= cl.years:
                    s = cl.share_in_life_year(k)
                    to = cl.to or self.receiving
                    shares = [s if p == cl.party else (1 - s if p == to else Fraction(0))
                              for p in self.parties]
                    out.append(Unit([sid], k, shares, sid))
            return out
        if cl.timing == "contract":
            seg = self.segment(cl.schedule, t)
            if seg is None:
                return []
            return [Unit(list(cl.streams), t, self.shares_of(seg.shares, t), cl.id)]
        out = []
        for sid in cl.streams:
            k = t - life_start(self.c, sid) + 1
            seg = self.segment(cl.schedule, k) if k >= 1 else None
            if seg is not None:
                out.append(Unit([sid], k, self.shares_of(seg.shares, t), sid))
        return out

    def cumulative_cap(self, cl, key: str) -> int | None:
        cap = cl.cap
        if cap is None or cap.cumulative is None:
            return None
        if cap.cumulative != "pre_relocation_total":
            return self.fen(cap.cumulative)
        per_stream = isinstance(cl, Buffer) or cl.timing == "since_relocation"
        covered = [key] if per_stream else list(cl.streams)
        return self.fen(sum((v for sid in covered
                             for v in self.c.stream(sid).pre_relocation_tax or []),
                            Fraction(0)))

    # ---- one year ---------------------------------------------------------------------------
    def year(self, t: int) -> None:
        c = self.c
        if t > self.L:
            self.after_last_year(t)
            return
        claimed: set[str] = set()

        # Step 3: baselines and increments, then pool funding.
        units: dict[str, list[Unit]] = {}
        for cl in self.splits:
            units[cl.id] = self.units(cl, t)
            for u in units[cl.id]:
                claimed.update(u.streams)
                u.amount = sum(self.shareable[sid][t - 1] for sid in u.streams)
                self.take(t, cl.id, u.amount)
                if cl.basis == "increment":
                    base = 0
                    if cl.baseline is not None:
                        bl = cl.baseline
                        base = round_half_up(bl.amount * self.unit
                                             * (1 + bl.growth) ** (u.life_year - 1))
                    base_part = min(u.amount, base)
                    owner = (cl.baseline.owner if cl.baseline and cl.baseline.owner
                             else self.receiving)
                    self.post(t, cl.id, self.stream_name(u), owner, "baseline", base_part)
                    u.increment = u.amount - base_part
                else:
                    u.increment = u.amount
        for pool in self.pools:
            for f in pool.funded_by:
                for u in units[f.clause]:
                    wanted = round_half_up(f.rate * u.increment)
                    fit = wanted
                    if pool.cap is not None:
                        room = max(0, self.fen(pool.cap) - self.balance[pool.id])
                        fit = min(wanted, room)
                        if fit < wanted and pool.id not in self.pool_full_seen:
                            self.pool_full_seen.add(pool.id)
                            self.event(t, pool.id, "pool_full")
                    self.balance[pool.id] += fit
                    u.pool_in = fit
                    self.post(t, f.clause, self.stream_name(u), None, "pool_in", fit)

        # Step 4: split what is left; caps.
        for cl in self.splits:
            for u in units[cl.id]:
                self.split(t, cl, u)

        # Streams of equity and cost-sharing clauses are claimed by them this year.
        for eq in self.equities:
            claimed.update(eq.profit_streams)
        for cs in self.cost_shares:
            if self.segment(cs.schedule, t) is not None:
                claimed.update(cs.streams)
        for s in c.streams:
            if s.kind != "indicator" and s.id not in claimed:
                sign = -1 if s.kind == "cost" else 1
                self.post(t, None, s.id, self.receiving, "unclaimed",
                          sign * self.shareable[s.id][t - 1])

        # Step 5: equity, then cost sharing.
        for eq in self.equities:
            self.equity_year(t, eq)
        for cs in self.cost_shares:
            seg = self.segment(cs.schedule, t)
            if seg is None:
                continue
            cost = sum(self.shareable[sid][t - 1] for sid in cs.streams)
            self.take(t, cs.id, -cost)
            parts = allocate(cost, self.shares_of(seg.shares, t))
            for p, part in zip(self.parties, parts, strict=True):
                self.post(t, cs.id, None, p, "cost", -part)

        # Indicators: the same rules into their own ledger (§3.5).
        claimed_ind: set[str] = set()
        for ic in self.indicator_splits:
            seg = self.segment(ic.schedule, t)
            if seg is None:
                continue
            claimed_ind.update(ic.streams)
            amount = sum(self.shareable[sid][t - 1] for sid in ic.streams)
            if ic.mode == "full_each":
                for p in self.parties:
                    if p in seg.shares:
                        self.post_indicator(t, ic.id, ic.streams[0], p, amount)
            else:
                parts = allocate(amount, self.shares_of(seg.shares, t))
                for p, part in zip(self.parties, parts, strict=True):
                    self.post_indicator(t, ic.id, ic.streams[0], p, part)
        for s in c.streams:
            if s.kind == "indicator" and s.id not in claimed_ind:
                self.post_indicator(t, None, s.id, self.receiving, self.shareable[s.id][t - 1])

        # Step 6: guarantees.
        for pool in self.pools:
            self.guarantees(t, pool)

        # Step 7: exit triggers.
        if self.exit is not None and self.triggers_enabled and not self.fired and t <= self.T:
            self.triggers(t, units)

        # Step 8: in year L, settlement, then pool residuals.
        if t == self.L:
            if self.exit is not None:
                self.settle(t)
            for pool in self.pools:
                shares_map = pool.residual_shares or {self.receiving: Fraction(1)}
                shares = [shares_map.get(p, Fraction(0)) for p in self.parties]
                parts = allocate(self.balance[pool.id], shares)
                for p, part in zip(self.parties, parts, strict=True):
                    self.post(t, pool.id, None, p, "residual", part)
                self.balance[pool.id] = 0
        for pool in self.pools:
            self.result.pool_balances[pool.id].append(self.balance[pool.id])

    def stream_name(self, u: Unit) -> str | None:
        return u.streams[0] if len(u.streams) == 1 else None

    def split(self, t: int, cl, u: Unit) -> None:
        """§3.1: divide what is left after the pool; the capped party's share cut to its caps,
        the excess to the segment's other parties by their shares renormalised."""
        rest = u.increment - u.pool_in
        parts = allocate(rest, u.shares)
        cap = cl.cap
        per_year = self.fen(cap.per_year) if cap is not None and cap.per_year is not None else None
        cumulative = self.cumulative_cap(cl, u.cap_key)
        stream = self.stream_name(u)
        for i, p in enumerate(self.parties):
            if cap is None or p != cap.party or u.shares[i] == 0:
                self.post(t, cl.id, stream, p, "share", parts[i])
                continue
            x = parts[i]
            allowed = x
            binds = False
            if per_year is not None and x > per_year:
                allowed = per_year
                binds = True
            key = (cl.id, u.cap_key)
            reached = False
            if cumulative is not None:
                got = self.cap_got.get(key, 0)
                allowed = min(allowed, max(0, cumulative - got))
                self.cap_got[key] = got + allowed
                if self.cap_got[key] >= cumulative and key not in self.cap_done:
                    self.cap_done.add(key)
                    reached = True
            if binds or reached:
                self.event(t, cl.id, "cap_reached")
            self.post(t, cl.id, stream, p, "share", allowed)
            excess = x - allowed
            others = [s if j != i else Fraction(0) for j, s in enumerate(u.shares)]
            total = sum(others, Fraction(0))
            if total == 0:
                renormalised = [Fraction(int(q == self.receiving)) for q in self.parties]
            else:
                renormalised = [s / total for s in others]
            for q, part in zip(self.parties, allocate(excess, renormalised), strict=True):
                self.post(t, cl.id, stream, q, "cap_excess", part)

    def equity_year(self, t: int, eq: Equity) -> None:
        """§3.3: contributions, then the year's profit P: dividends, losses, retained."""
        for k in eq.contributions:
            if k.year == t:
                self.post(t, eq.id, None, k.party, "contribution", -self.contribution_fen(k))
        ratios = self.ratios(eq, t)
        P = sum(self.shareable[sid][t - 1] for sid in eq.profit_streams)
        self.take(t, eq.id, P)
        if eq.losses == "carry_forward":
            if P < 0:
                self.post(t, eq.id, None, None, "retained", P)
                self.deficit[eq.id] += -P
            elif P > 0:
                covered = min(P, self.deficit[eq.id])
                self.deficit[eq.id] -= covered
                self.dividends(t, eq, ratios, P, covered)
        else:
            if P < 0:
                if eq.loss_shares is not None:
                    shares = [eq.loss_shares.get(p, Fraction(0)) for p in self.parties]
                else:
                    assert ratios is not None, "validated: equity exists for a cash call"
                    shares = ratios
                for p, part in zip(self.parties, allocate(P, shares), strict=True):
                    self.post(t, eq.id, None, p, "loss", part)
            elif P > 0:
                self.dividends(t, eq, ratios, P, 0)
        self.result.deficits[eq.id].append(self.deficit[eq.id])
        for i, p in enumerate(self.parties):
            self.result.equity_ratios[eq.id][p].append(None if ratios is None else ratios[i])

    def dividends(self, t: int, eq: Equity, ratios, P: int, covered: int) -> None:
        D = round_half_up(eq.payout_ratio * (P - covered))
        if D:
            assert ratios is not None, "validated: equity exists when there is profit"
            for p, part in zip(self.parties, allocate(D, ratios), strict=True):
                self.post(t, eq.id, None, p, "dividend", part)
        self.post(t, eq.id, None, None, "retained", P - D)

    def guarantees(self, t: int, pool: RiskPool) -> None:
        """§3.4: each guarantee in order from what the previous ones left; the backstop pays
        what the pool could not."""
        exhausted = False
        for g in pool.guarantees:
            if g.years is not None and not g.years[0] <= t <= g.years[1]:
                continue
            if isinstance(g.floor, FloorOfContributions):
                made = sum(v for _, v in self.contributions_of(g.party, t))
                floor = round_half_up(g.floor.rate * made)
            else:
                floor = self.fen(g.floor)
            receipts = sum(self.result.receipts(cid, g.party, t) for cid in g.counts)
            shortfall = max(0, floor - receipts)
            pay = min(shortfall, self.balance[pool.id])
            self.balance[pool.id] -= pay
            self.post(t, pool.id, None, g.party, "pool_out", pay)
            rest = shortfall - pay
            if rest > 0:
                exhausted = True
                if pool.backstop is not None:
                    self.post(t, pool.id, None, g.party, "backstop", rest)
                    self.post(t, pool.id, None, pool.backstop, "backstop", -rest)
                    self.event(t, pool.id, "guarantee_backstopped")
                else:
                    self.event(t, pool.id, "guarantee_unpaid")
        if exhausted:
            self.event(t, pool.id, "pool_exhausted")

    # ---- §3.6 exit ------------------------------------------------------------------------
    def triggers(self, t: int, units: dict[str, list[Unit]]) -> None:
        ex = self.exit
        for i, tr in enumerate(ex.triggers):
            if isinstance(tr, IncrementBelow):
                claimed = units[tr.clause]
                if not claimed:
                    self.trigger_counts[i] = 0  # claims nothing: the count starts again
                    continue
                increment = sum(u.increment for u in claimed)  # before pool and caps
                if increment < self.fen(tr.threshold):
                    self.trigger_counts[i] += 1
                else:
                    self.trigger_counts[i] = 0
                fires = self.trigger_counts[i] >= tr.consecutive_years
            elif isinstance(tr, CumulativeReached):
                got = sum(self.result.receipts(tr.clause, tr.party, y) for y in range(1, t + 1))
                fires = got >= self.fen(tr.amount)
            else:
                assert isinstance(tr, InYear)
                fires = t == tr.year
            if fires:
                self.fired = True
                self.winner = i
                self.L = tr.year if isinstance(tr, InYear) else min(t + ex.notice_years, self.T)
                self.event(t, ex.id, "exit_triggered")
                return

    def price(self, price, E: int) -> int:
        """A price for year E, floored at 0 after rounding."""
        if isinstance(price, BookPrice):
            total = sum((v * (1 + price.index) ** (E - y)
                         for y, v in self.contributions_of(self.exit.exiting, E)), Fraction(0))
            return max(0, round_half_up(total))
        if isinstance(price, NpvPrice):
            if E >= self.T:
                return 0
            R = self.counterfactual_receipts()
            total = sum((Fraction(R[y - 1]) / (1 + price.rate) ** (y - E)
                         for y in range(E + 1, self.T + 1)), Fraction(0))
            return max(0, round_half_up(total))
        if isinstance(price, FixedPrice):
            return self.fen(price.amount)
        assert isinstance(price, MaxOfPrice)
        return max(self.price(p, E) for p in price.of)

    def counterfactual_receipts(self) -> list[int]:
        """R_y: the exiting party's receipts from all clauses plus its cost entries, in the
        same contract run with no trigger (L = T there)."""
        if self.counterfactual is None:
            other = _Run(self.c, triggers_enabled=False)
            other.run()
            party = self.exit.exiting
            R = [0] * self.c.years
            for e in other.result.entries:
                if e.party == party and (e.kind in RECEIPT_KINDS and e.clause is not None
                                         or e.kind == "cost"):
                    R[e.year - 1] += e.amount
            self.counterfactual = R
        return self.counterfactual

    def settle(self, t: int) -> None:
        ex = self.exit
        if ex.exiting is None:
            return
        buyer = ex.buyer or self.receiving
        if self.fired:
            price = self.price(ex.price, t) if ex.price is not None else None
            if price:
                self.post(t, ex.id, None, ex.exiting, "buyout", price)
                self.post(t, ex.id, None, buyer, "buyout", -price)
            at_fault = ex.triggers[self.winner].at_fault
            if ex.penalty is not None and at_fault is not None:
                if ex.penalty.amount is not None:
                    penalty = self.fen(ex.penalty.amount)
                else:
                    penalty = round_half_up(ex.penalty.rate_of_price * (price or 0))
                payee = buyer if at_fault == ex.exiting else ex.exiting
                self.post(t, ex.id, None, payee, "penalty", penalty)
                self.post(t, ex.id, None, at_fault, "penalty", -penalty)
        elif ex.price_at_term_end is not None:
            price = (0 if isinstance(ex.price_at_term_end, NpvPrice)
                     else self.price(ex.price_at_term_end, t))
            self.post(t, ex.id, None, ex.exiting, "buyout", price)
            self.post(t, ex.id, None, buyer, "buyout", -price)

    def after_last_year(self, t: int) -> None:
        """After L no clause applies: every stream whole to the successor (§3.6)."""
        ex = self.exit
        successor = ex.successor or self.receiving
        for s in self.c.streams:
            amount = self.shareable[s.id][t - 1]
            if s.kind == "indicator":
                self.post_indicator(t, ex.id, s.id, successor, amount)
            else:
                sign = -1 if s.kind == "cost" else 1
                self.post(t, ex.id, s.id, successor, "handover", sign * amount)
        if t == self.L + 1:
            self.event(t, ex.id, "handover")
        for pool in self.pools:
            self.result.pool_balances[pool.id].append(0)
        for eq in self.equities:
            self.result.deficits[eq.id].append(None)
            for p in self.parties:
                self.result.equity_ratios[eq.id][p].append(None)

    def run(self) -> Result:
        for t in range(1, self.c.years + 1):
            self.year(t)
        self.result.last = self.L
        return self.result


def compute(contract: Contract, triggers: bool = True) -> Result:
    """The whole result of a validated contract, exact, one year at a time; with
    ``triggers=False``, the same contract run with no trigger (L = T), as an npv price sees it."""
    return _Run(contract, triggers_enabled=triggers).run()
