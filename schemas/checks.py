"""Checks that span the document (semantics §3.7), each naming the field path it concerns.

pydantic validates each part on its own; what needs the whole contract — ids that must exist,
claims that must not overlap, a buyer who is not the exiting party — is checked here, after
the models, and reported with the same :class:`~schemas.errors.Issue` shape.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Any

from .claims import MONEY_SPLIT_KINDS, buffer_streams, claims
from .contract import (
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
    RiskPool,
    Segment,
    TaxSplit,
)
from .errors import Issue, issue
from .numbers import MAX_YUAN, exact_text

SPLIT = (TaxSplit, Buffer)


class _Checker:
    def __init__(self, contract: Contract):
        self.c = contract
        self.issues: list[Issue] = []
        self.parties = {p.id for p in contract.parties}
        self.streams = {s.id: s for s in contract.streams}
        self.clauses = {cl.id: cl for cl in contract.clauses}

    def add(self, path: str, code: str, template: str, **params: Any) -> None:
        self.issues.append(issue(path, code, template, **params))

    # ---- helpers ------------------------------------------------------------------------
    def party(self, path: str, pid: str | None) -> None:
        if pid is not None and pid not in self.parties:
            self.add(path, "unknown_party", "{value} is not a party of this contract "
                     "(parties: {known})", value=pid, known=", ".join(sorted(self.parties)))

    def money(self, path: str, value: Fraction | None) -> None:
        """A money field used as it stands must be whole fen after unit scaling (§1)."""
        if value is None:
            return
        fen = value * self.c.unit_fen
        if fen.denominator != 1:
            self.add(path, "money_fen", "{value} {unit} is not a whole number of fen "
                     "({fen} fen); amounts used as they stand must be", value=exact_text(value),
                     unit=self.c.unit, fen=exact_text(fen))
        if abs(fen) > MAX_YUAN * 100:
            self.add(path, "money_range", "{value} {unit} is over the limit of "
                     "1,000,000,000,000 yuan", value=exact_text(value), unit=self.c.unit)

    def schedule_years(self, path: str, schedule: list[Segment]) -> None:
        spans = []
        for i, seg in enumerate(schedule):
            a, b = seg.years
            if b > self.c.years:
                self.add(f"{path}[{i}].years", "segment_range", "{value} reaches past the "
                         "contract's {years} years", value=f"{a}-{b}", years=self.c.years)
            spans.append((a, b, i))
        spans.sort()
        for (a1, b1, i1), (a2, b2, i2) in zip(spans, spans[1:], strict=False):
            if a2 <= b1:
                self.add(f"{path}[{i2}].years", "segment_overlap", "{value} overlaps segment "
                         "{other} ({other_years}); segments of one schedule may not overlap",
                         value=f"{a2}-{b2}", other=f"{path}[{i1}]", other_years=f"{a1}-{b1}")

    def shares(self, path: str, seg_shares: Any, *, from_equity_ok: bool) -> None:
        if isinstance(seg_shares, FromEquity):
            target = self.clauses.get(seg_shares.from_equity)
            if not from_equity_ok:
                self.add(f"{path}.from_equity", "from_equity_place", "from_equity is allowed "
                         "only in tax_split and cost_share schedules")
            elif not isinstance(target, Equity):
                self.add(f"{path}.from_equity", "from_equity_target", "{value} is not an "
                         "equity clause of this contract", value=seg_shares.from_equity)
            return
        for pid in seg_shares:
            self.party(f"{path}.{pid}", pid)

    def stream_refs(self, path: str, ids: list[str], kinds: tuple[str, ...], what: str) -> None:
        for i, sid in enumerate(ids):
            s = self.streams.get(sid)
            if s is None:
                self.add(f"{path}[{i}]", "unknown_stream", "{value} is not a stream of this "
                         "contract", value=sid)
            elif s.kind not in kinds:
                self.add(f"{path}[{i}]", "stream_kind", "{value} is a {kind} stream; {what} "
                         "takes streams of kind {kinds}", value=sid, kind=s.kind, what=what,
                         kinds=" or ".join(kinds))
        dup = [sid for sid, n in Counter(ids).items() if n > 1]
        for sid in dup:
            self.add(path, "duplicate_ref", "{value} is listed twice", value=sid)

    # ---- the checks ---------------------------------------------------------------------
    def run(self) -> list[Issue]:
        self.ids()
        self.roles()
        for i, s in enumerate(self.c.streams):
            self.stream(i, s)
        if any(i.code in ("duplicate_id", "receiving_count") for i in self.issues):
            return self.issues  # later checks look parties, streams, clauses up by id
        for i, cl in enumerate(self.c.clauses):  # a stream's own errors do not stop these
            getattr(self, f"clause_{cl.kind}")(f"clauses[{i}]", cl)
        if not self.issues:
            self.overlapping_claims()
            self.pools()
            self.exits()
        return self.issues

    def ids(self) -> None:
        for what, items in (("parties", self.c.parties), ("streams", self.c.streams),
                            ("clauses", self.c.clauses)):
            seen: dict[str, int] = {}
            for i, item in enumerate(items):
                if item.id in seen:
                    self.add(f"{what}[{i}].id", "duplicate_id", "{value} is used twice "
                             "(also {what}[{first}]); ids must be unique", value=item.id,
                             what=what, first=seen[item.id])
                seen.setdefault(item.id, i)

    def roles(self) -> None:
        receiving = [i for i, p in enumerate(self.c.parties) if p.role == "receiving"]
        if len(receiving) != 1:
            self.add("parties", "receiving_count", "{count} parties have role receiving; "
                     "exactly one must (it owns what no clause hands elsewhere)",
                     count=len(receiving))

    def stream(self, i: int, s: Any) -> None:
        path = f"streams[{i}]"
        n = self.c.years
        if s.local_retention is not None and s.kind != "tax":
            self.add(f"{path}.local_retention", "retention_kind", "local_retention {value} is "
                     "given on a {kind} stream; only tax streams have a local retention",
                     value=exact_text(s.local_retention), kind=s.kind)
        signed = s.kind in ("profit", "cost")
        if s.series is not None:
            if len(s.series) != n:
                self.add(f"{path}.series", "series_length", "has {count} entries; it must have "
                         "exactly one per contract year ({years})", count=len(s.series), years=n)
            for j, v in enumerate(s.series):
                if v < 0 and not signed:
                    self.add(f"{path}.series[{j}]", "negative_amount", "{value} is negative; a "
                             "{kind} stream's amounts are ≥ 0", value=exact_text(v), kind=s.kind)
        if s.first is not None and s.first < 0 and not signed:
            self.add(f"{path}.first", "negative_amount", "{value} is negative; a {kind} "
                     "stream's amounts are ≥ 0", value=exact_text(s.first), kind=s.kind)
        if s.ramp is not None and len(s.ramp) > n:
            self.add(f"{path}.ramp", "ramp_length", "has {count} entries for a {years}-year "
                     "contract", count=len(s.ramp), years=n)
        if s.relocated_year is not None:
            last = self.c.start_year + n - 1
            if not self.c.start_year <= s.relocated_year <= last:
                self.add(f"{path}.relocated_year", "relocation_range", "{value} is outside the "
                         "contract ({first}–{last})", value=s.relocated_year,
                         first=self.c.start_year, last=last)
            elif s.series is not None:
                for j in range(s.relocated_year - self.c.start_year):
                    if j < len(s.series) and s.series[j] != 0:
                        self.add(f"{path}.series[{j}]", "series_before_relocation", "{value} "
                                 "in {year}, before the relocation year {reloc}; a relocated "
                                 "stream has no amount before it moves", value=exact_text(
                                     s.series[j]), year=self.c.start_year + j,
                                 reloc=s.relocated_year)
        for j, v in enumerate(s.pre_relocation_tax or []):
            self.money(f"{path}.pre_relocation_tax[{j}]", v)

    def clause_tax_split(self, path: str, cl: TaxSplit) -> None:
        self.stream_refs(f"{path}.streams", cl.streams, MONEY_SPLIT_KINDS, "tax_split")
        self.split_common(path, cl)
        self.schedule_years(f"{path}.schedule", cl.schedule)
        for i, seg in enumerate(cl.schedule):
            self.shares(f"{path}.schedule[{i}].shares", seg.shares, from_equity_ok=True)

    def clause_buffer(self, path: str, cl: Buffer) -> None:
        if cl.streams is not None:
            self.stream_refs(f"{path}.streams", cl.streams, MONEY_SPLIT_KINDS, "buffer")
            for i, sid in enumerate(cl.streams):
                if sid in self.streams and self.streams[sid].relocated_year is None:
                    self.add(f"{path}.streams[{i}]", "buffer_not_relocated", "{value} has no "
                             "relocated_year; a buffer applies to relocated streams",
                             value=sid)
        elif not buffer_streams(self.c, cl):
            self.add(f"{path}.streams", "buffer_no_streams", "no stream has a relocated_year, "
                     "so the buffer has nothing to apply to")
        if cl.years > self.c.years:
            self.add(f"{path}.years", "segment_range", "{value} buffer years exceed the "
                     "contract's {years} years", value=cl.years, years=self.c.years)
        self.party(f"{path}.party", cl.party)
        self.party(f"{path}.to", cl.to)
        if (cl.to or self.c.receiving) == cl.party:
            self.add(f"{path}.to", "buffer_same_party", "the buffer party {value} would hand "
                     "the rest to itself; name another party in to", value=cl.party)
        self.split_common(path, cl)

    def split_common(self, path: str, cl: Any) -> None:
        if cl.baseline is not None:
            self.party(f"{path}.baseline.owner", cl.baseline.owner)
        if cl.cap is not None:
            self.party(f"{path}.cap.party", cl.cap.party)
            if isinstance(cl.cap.cumulative, Fraction):
                self.money(f"{path}.cap.cumulative", cl.cap.cumulative)
            elif cl.cap.cumulative == "pre_relocation_total":
                ids = cl.streams if isinstance(cl, TaxSplit) else buffer_streams(self.c, cl)
                missing = [sid for sid in ids or [] if sid in self.streams
                           and not self.streams[sid].pre_relocation_tax]
                for sid in missing:
                    self.add(f"{path}.cap.cumulative", "cap_pre_relocation", "pre_relocation_"
                             "total needs pre_relocation_tax on stream {value}", value=sid)
            self.money(f"{path}.cap.per_year", cl.cap.per_year)

    def clause_equity(self, path: str, cl: Equity) -> None:
        self.stream_refs(f"{path}.profit_streams", cl.profit_streams, ("profit",), "equity")
        for i, k in enumerate(cl.contributions):
            p = f"{path}.contributions[{i}]"
            self.party(f"{p}.party", k.party)
            self.money(f"{p}.value", k.value)
            if k.year > self.c.years:
                self.add(f"{p}.year", "contribution_year", "{value} is outside the contract's "
                         "years 1..{years}", value=k.year, years=self.c.years)
        if cl.loss_shares is not None:
            if cl.losses != "cash_call":
                self.add(f"{path}.loss_shares", "loss_shares_mode", "loss_shares is given but "
                         "losses is {value}; loss_shares applies only with losses: cash_call",
                         value=cl.losses)
            for pid in cl.loss_shares:
                self.party(f"{path}.loss_shares.{pid}", pid)

    def clause_cost_share(self, path: str, cl: CostShare) -> None:
        self.stream_refs(f"{path}.streams", cl.streams, ("cost",), "cost_share")
        self.schedule_years(f"{path}.schedule", cl.schedule)
        for i, seg in enumerate(cl.schedule):
            self.shares(f"{path}.schedule[{i}].shares", seg.shares, from_equity_ok=True)

    def clause_indicator_split(self, path: str, cl: IndicatorSplit) -> None:
        self.stream_refs(f"{path}.streams", cl.streams, ("indicator",), "indicator_split")
        self.schedule_years(f"{path}.schedule", cl.schedule)
        for i, seg in enumerate(cl.schedule):
            self.shares(f"{path}.schedule[{i}].shares", seg.shares, from_equity_ok=False)

    def clause_risk_pool(self, path: str, cl: RiskPool) -> None:
        self.money(f"{path}.cap", cl.cap)
        self.party(f"{path}.backstop", cl.backstop)
        for pid in cl.residual_shares or {}:
            self.party(f"{path}.residual_shares.{pid}", pid)
        for i, f in enumerate(cl.funded_by):
            target = self.clauses.get(f.clause)
            if not isinstance(target, SPLIT):
                self.add(f"{path}.funded_by[{i}].clause", "funded_by_kind", "{value} is "
                         "{what}; a pool is funded only by tax_split or buffer clauses",
                         value=f.clause, what=f"a {target.kind} clause" if target else "not a clause of this contract")
        for i, g in enumerate(cl.guarantees):
            p = f"{path}.guarantees[{i}]"
            self.party(f"{p}.party", g.party)
            if not isinstance(g.floor, FloorOfContributions):
                self.money(f"{p}.floor", g.floor)
            if g.years is not None and g.years[1] > self.c.years:
                self.add(f"{p}.years", "segment_range", "{value} reaches past the contract's "
                         "{years} years", value=f"{g.years[0]}-{g.years[1]}", years=self.c.years)
            for j, cid in enumerate(g.counts):
                target = self.clauses.get(cid)
                if not isinstance(target, (TaxSplit, Buffer, Equity)):
                    self.add(f"{p}.counts[{j}]", "counts_kind", "{value} is {what}; a guarantee "
                             "counts receipts from split or equity clauses", value=cid,
                             what=f"a {target.kind} clause" if target else "not a clause of this contract")
            if cl.backstop is not None and g.party == cl.backstop:
                self.add(f"{path}.backstop", "backstop_guaranteed", "{value} backs the pool and "
                         "is also guaranteed by it ({where})", value=cl.backstop, where=p)

    def clause_exit(self, path: str, cl: Exit) -> None:
        term = cl.term_years if cl.term_years is not None else self.c.years
        if not 1 <= term <= self.c.years:
            self.add(f"{path}.term_years", "term_range", "{value} is outside 1..{years} (the "
                     "contract's years)", value=term, years=self.c.years)
        for pid, name in ((cl.successor, "successor"), (cl.exiting, "exiting"),
                          (cl.buyer, "buyer")):
            self.party(f"{path}.{name}", pid)
        for i, tr in enumerate(cl.triggers):
            p = f"{path}.triggers[{i}]"
            self.party(f"{p}.at_fault", tr.at_fault)
            if isinstance(tr, InYear) and tr.year > term:
                self.add(f"{p}.year", "in_year_range", "{value} lies after the term ({term})",
                         value=tr.year, term=term)
            if isinstance(tr, IncrementBelow):
                self.money(f"{p}.threshold", tr.threshold)
                target = self.clauses.get(tr.clause)
                if not isinstance(target, SPLIT):
                    self.add(f"{p}.clause", "trigger_clause_kind", "{value} is {what}; "
                             "increment_below watches a tax_split or buffer", value=tr.clause,
                             what=f"a {target.kind} clause" if target else "not a clause of this contract")
            if isinstance(tr, CumulativeReached):
                self.party(f"{p}.party", tr.party)
                self.money(f"{p}.amount", tr.amount)
                target = self.clauses.get(tr.clause)
                if not isinstance(target, (TaxSplit, Buffer, Equity)):
                    self.add(f"{p}.clause", "trigger_clause_kind", "{value} is {what}; "
                             "cumulative_reached counts a tax_split, buffer or equity clause",
                             value=tr.clause, what=f"a {target.kind} clause" if target else
                             "not a clause of this contract")
        for name in ("price", "price_at_term_end"):
            price = getattr(cl, name)
            if price is not None:
                self.prices(f"{path}.{name}", price)
        if cl.penalty is not None:
            self.money(f"{path}.penalty.amount", cl.penalty.amount)
            if cl.penalty.rate_of_price is not None and cl.price is None:
                self.add(f"{path}.penalty.rate_of_price", "penalty_without_price",
                         "rate_of_price is given but the exit has no price")
        if (cl.price is not None or cl.penalty is not None or cl.price_at_term_end is not None
                ) and cl.exiting is None:
            self.add(f"{path}.exiting", "exiting_missing", "a price or penalty is given, so the "
                     "exit must name the exiting party")
        if cl.exiting is not None:
            buyer = cl.buyer or self.c.receiving
            if buyer == cl.exiting:
                self.add(f"{path}.buyer", "buyer_is_exiting", "the buyer {value} is the exiting "
                         "party; name another party as buyer", value=buyer)

    def prices(self, path: str, price: Any) -> None:
        if isinstance(price, FixedPrice):
            self.money(f"{path}.amount", price.amount)
        elif isinstance(price, MaxOfPrice):
            for i, p in enumerate(price.of):
                self.prices(f"{path}.of[{i}]", p)

    # ---- whole-contract rules -----------------------------------------------------------
    def overlapping_claims(self) -> None:
        groups = {"split": SPLIT, "equity": (Equity,), "cost": (CostShare,),
                  "indicator": (IndicatorSplit,)}
        reported: set[tuple[str, str, str]] = set()
        for (sid, t), found in sorted(claims(self.c).items(), key=lambda kv: (kv[0][1],)):
            for group, kinds in groups.items():
                mine = [cl for cl in found if isinstance(self.clauses[cl.clause], kinds)]
                if len(mine) < 2:
                    continue
                a, b = mine[0], mine[1]
                key = (sid, a.clause, b.clause)
                if key in reported:
                    continue
                reported.add(key)
                self.add(b.path, "claim_overlap", "stream {stream} is claimed by {first} and "
                         "{second} in {year} (contract year {t}); a stream may be claimed by "
                         "one {group} clause a year", stream=sid, first=a.clause,
                         second=b.clause, year=self.c.calendar(t), t=t, group=group)

    def pools(self) -> None:
        funder: dict[str, str] = {}
        for i, cl in enumerate(self.c.clauses):
            if not isinstance(cl, RiskPool):
                continue
            for j, f in enumerate(cl.funded_by):
                if f.clause in funder:
                    self.add(f"clauses[{i}].funded_by[{j}].clause", "funds_two_pools", "{value} "
                             "already funds pool {other}; a clause funds at most one pool",
                             value=f.clause, other=funder[f.clause])
                funder.setdefault(f.clause, cl.id)
        # A floor is made good once: no two guarantees, in one pool or in two, may cover the
        # same party, a common counted clause and a common year (§3.7).
        seen: list[tuple[str, Any]] = []
        for i, cl in enumerate(self.c.clauses):
            if not isinstance(cl, RiskPool):
                continue
            for b, gb in enumerate(cl.guarantees):
                here = f"clauses[{i}].guarantees[{b}]"
                yb = gb.years or (1, self.c.years)
                for other, ga in seen:
                    ya = ga.years or (1, self.c.years)
                    if (ga.party == gb.party and set(ga.counts) & set(gb.counts)
                            and ya[0] <= yb[1] and yb[0] <= ya[1]):
                        self.add(here, "guarantee_overlap", "{value} is already guaranteed by "
                                 "{other} for a common clause and year; a floor is made good "
                                 "once", value=gb.party, other=other)
                        break
                seen.append((here, gb))

    def exits(self) -> None:
        idx = [i for i, cl in enumerate(self.c.clauses) if isinstance(cl, Exit)]
        for i in idx[1:]:
            self.add(f"clauses[{i}]", "two_exits", "a second exit clause ({value}); a contract "
                     "has at most one", value=self.c.clauses[i].id)


def check(contract: Contract) -> list[Issue]:
    """Every §3.7 rule that needs more than one field; empty when the contract passes."""
    return _Checker(contract).run()
