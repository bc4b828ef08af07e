"""Static check: what is legal in a contract but probably unintended (``sharing check``).

``check_contract(contract)`` returns :class:`Warning` objects, each with a kind, the field path
it concerns and a catalog message naming parties, streams and clauses by name, in the
reader's language (``Warning.text(lang)``); the web results page shows them in a panel.
A valid contract is never refused for a warning: these are questions for the negotiators.

Kinds (each has a scenario in ``tests/audit/features/check_warnings.feature``):

``schedule_gap``
    Years of the term in which a clause's schedule has no segment and no other clause claims
    the stream either, so the receiving party takes it as ``unclaimed``.
``unclaimed_stream``
    A stream that no clause claims in any year.
``cap_never_binds``
    A cap that cannot bind: the capped party has no share in any segment, or, under the
    contract's own projections, its receipts never come near the cap.
``cap_binds_year_1``
    A cap already reached in the first year the clause claims anything.
``buffer_before_relocation``
    A buffer (or a split with contract timing on relocated streams) whose years are over
    before its streams relocate or before they yield anything, or whose streams relocate after
    the term, so the sending side is protected in years with nothing to protect.
``guarantee_unfundable``
    A guarantee whose pool can never be funded: no funding clause, a zero rate or a zero cap,
    or no contribution at all in the guarantee's years under the projections.
``trigger_never_fires``
    An exit trigger that cannot fire: ``increment_below`` with threshold 0 or needing more
    consecutive years than the clause claims in the term; ``cumulative_reached`` whose amount
    the party's receipts never reach under the projections (computed with no trigger).
``term_shorter_than_buffer``
    A term (or contract) that ends before a buffer's last year.
``party_receives_nothing``
    A party that, under the projections, receives nothing (no baseline, share, cap_excess,
    dividend or loss receipt other than zero) in any year of the contract.
``baseline_above_amount``
    A ``tax_split`` whose baseline is, under the projections, at or above its streams'
    amount in every year it claims: the increment is always 0, so nothing is ever split.

"Under the projections" means: with the contract's own projected streams. A projection is an
estimate; a warning that depends on one says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any

from .i18n import N_, tr

WARNING_KINDS = ("schedule_gap", "unclaimed_stream", "cap_never_binds", "cap_binds_year_1",
                 "buffer_before_relocation", "guarantee_unfundable", "trigger_never_fires",
                 "term_shorter_than_buffer", "party_receives_nothing", "baseline_above_amount")


#: Each kind in words, for a person (the code stays in ``kind``, the JSON and the web's data).
KIND_LABELS = {
    "schedule_gap": N_("years no segment covers"),
    "unclaimed_stream": N_("a stream no clause claims"),
    "cap_never_binds": N_("a cap that never binds"),
    "cap_binds_year_1": N_("a cap reached in the first year"),
    "buffer_before_relocation": N_("a buffer with nothing to protect"),
    "guarantee_unfundable": N_("a guarantee that cannot be funded"),
    "trigger_never_fires": N_("a trigger that never fires"),
    "term_shorter_than_buffer": N_("a term shorter than the buffer"),
    "party_receives_nothing": N_("a party that receives nothing"),
    "baseline_above_amount": N_("a baseline above every year's amount"),
}


@dataclass(frozen=True)
class Msg:
    """A catalog message and its parameters, rendered in the reader's language by
    :func:`sharing.explain_text.tr`; a parameter is a str or int (names, amounts, years,
    shown as they are), a :class:`Span` or another :class:`Msg`."""

    msgid: str
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str) -> str:
        return tr(lang, self.msgid, **{k: _value(v, lang) for k, v in self.params})


@dataclass(frozen=True)
class Span:
    """Years of the contract, in ranges: "years 3–4 (2022–2023)" / "第3–4年（2022–2023）"."""

    ranges: tuple[tuple[int, int, int, int], ...]  # (first, last, first calendar, last calendar)

    def text(self, lang: str) -> str:
        parts = [tr(lang, "year %(a)s (%(ca)s)", a=a, ca=ca) if a == b else
                 tr(lang, "years %(a)s–%(b)s (%(ca)s–%(cb)s)", a=a, b=b, ca=ca, cb=cb)
                 for a, b, ca, cb in self.ranges]
        return tr(lang, ", ").join(parts)


def _value(v: Any, lang: str) -> Any:
    return v.text(lang) if isinstance(v, (Msg, Span)) else v


def _msg(msgid: str, **params: Any) -> Msg:
    return Msg(msgid, tuple(params.items()))


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the domain word; never raised
    """One warning: its kind, the field path it concerns and its message (a catalog message
    naming parties, streams and clauses by their names), in any language by :meth:`text`."""

    kind: str
    path: str
    msg: Msg
    document: dict[str, Any] | None = dc_field(default=None, compare=False, repr=False)

    @property
    def message(self) -> str:
        """The message in English."""
        return self.msg.text("en")

    def text(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return self.msg.text(lang)

    def field(self, lang: str) -> str:
        """The field as a person reads it: 条款 1「增量分成」· 时段 (sharing.field_names)."""
        from sharing.field_names import field_name

        return field_name(self.path, self.document, lang)

    def label(self, lang: str) -> str:
        """The kind in words."""
        return tr(lang, KIND_LABELS[self.kind])

    def __str__(self) -> str:
        return f"{self.path}: [{self.kind}] {self.message}"

    def as_dict(self, lang: str = "en") -> dict[str, str]:
        return {"kind": self.kind, "path": self.path, "field": self.field(lang),
                "label": self.label(lang), "message": self.text(lang), "lang": lang}


_RECEIPTS = ("baseline", "share", "cap_excess", "dividend", "loss")


def _fen(amount: str) -> int:
    return int(Decimal(amount) * 100)


def _y(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    a, b = divmod(abs(fen), 100)
    return f"{sign}{a:,}.{b:02d}"


def _ranges(years: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for y in sorted(set(years)):
        if out and y == out[-1][1] + 1:
            out[-1] = (out[-1][0], y)
        else:
            out.append((y, y))
    return out


def _span(c: Any, years: list[int]) -> Span:
    return Span(tuple((a, b, c.calendar(a), c.calendar(b)) for a, b in _ranges(years)))


class _Checker:
    def __init__(self, contract: Any, result: dict[str, Any] | None = None):
        from schemas.claims import claims

        self.c = contract
        self.T = contract.term()
        self.claims = claims(contract)
        self.out: list[Warning] = []
        self._result: dict[str, Any] | None = result
        self._free: dict[str, Any] | None = None
        self._shareable: dict[str, Any] | None = None
        self._doc: dict[str, Any] | None = None
        from sharing.explain_text import Names

        self._names = Names.of_contract(contract)

    def warn(self, kind: str, path: str, msgid: str, **params: Any) -> None:
        if self._doc is None:
            import json

            from sharing.result import canonical_json

            self._doc = json.loads(canonical_json(self.c))
        self.out.append(Warning(kind, path, _msg(msgid, **params), self._doc))

    def name(self, what: str, ident: str | None) -> str:
        """A party's, stream's or clause's name (its id where the contract gives none)."""
        return self._names.name(what, ident)

    @property
    def result(self) -> dict[str, Any]:
        if self._result is None:
            self._result = _amounts(self.c)
        return self._result

    @property
    def free_result(self) -> dict[str, Any]:
        """The result of the same contract with no exit trigger (L = T)."""
        if self._free is None:
            ex = self.c.exit_clause()
            if ex is None or not ex.triggers:
                self._free = self.result
            else:
                import json

                from sharing.api import parse_contract
                from sharing.result import canonical_json

                doc = json.loads(canonical_json(self.c))
                for cl in doc.get("clauses", []):
                    if cl.get("kind") == "exit":
                        cl.pop("triggers", None)
                        cl.pop("penalty", None)
                        cl.pop("notice_years", None)
                self._free = _amounts(parse_contract(doc))
        return self._free

    def shareable(self, sid: str) -> list[int]:
        if self._shareable is None:
            from sharing.api import shareable_arrays

            self._shareable = {k: [int(v) for v in a[0]] for k, a in
                               shareable_arrays(self.c).items()}
        return self._shareable[sid]

    def life_start(self, sid: str) -> int:
        s = self.c.stream(sid)
        return 1 if s.relocated_year is None else s.relocated_year - self.c.start_year + 1

    # ---- the checks ----------------------------------------------------------------------
    def run(self) -> list[Warning]:
        from schemas.contract import Buffer, CostShare, Exit, IndicatorSplit, RiskPool, TaxSplit

        self.unclaimed_streams()
        for i, cl in enumerate(self.c.clauses):
            if isinstance(cl, (TaxSplit, CostShare, IndicatorSplit)):
                self.schedule_gap(i, cl)
            if isinstance(cl, (TaxSplit, Buffer)) and cl.cap is not None:
                self.cap(i, cl)
            if isinstance(cl, (TaxSplit, Buffer)):
                self.before_relocation(i, cl)
            if isinstance(cl, Buffer):
                self.term_vs_buffer(i, cl)
            if isinstance(cl, RiskPool):
                self.pool(i, cl)
            if isinstance(cl, Exit):
                self.triggers(i, cl)
            if isinstance(cl, TaxSplit) and cl.baseline is not None:
                self.baseline_above(i, cl)
        self.parties_without_receipts()
        return self.out

    def parties_without_receipts(self) -> None:
        """§3: a party's receipts are its baseline, share, cap_excess, dividend and loss."""
        got: dict[str, bool] = {p.id: False for p in self.c.parties}
        for e in self.result["entries"]:
            if e["kind"] in _RECEIPTS and e["party"] in got and _fen(e["amount"]) != 0:
                got[e["party"]] = True
        c = self.c
        for i, p in enumerate(c.parties):
            if not got[p.id]:
                self.warn("party_receives_nothing", f"parties[{i}]",
                          "under the contract's projections %(party)s receives nothing in any "
                          "year (%(first)s–%(last)s): no clause gives it a baseline, share, "
                          "cap excess, dividend or loss receipt",
                          party=self.name("party", p.id), first=c.calendar(1),
                          last=c.calendar(c.years))

    def baseline_above(self, i: int, cl: Any) -> None:
        """§3.1: increment = max(0, amount − baseline); only the increment is split."""
        if cl.basis != "increment":
            return
        shared = baseline = 0
        years: set[int] = set()
        for e in self.result["entries"]:
            if e["clause"] != cl.id:
                continue
            if e["kind"] in ("share", "cap_excess"):
                shared += abs(_fen(e["amount"]))
            elif e["kind"] == "baseline":
                baseline += _fen(e["amount"])
                years.add(e["year"])
        if baseline > 0 and shared == 0:
            c = self.c
            self.warn("baseline_above_amount", f"clauses[{i}].baseline",
                      "under the contract's projections the baseline of %(clause)s is at or "
                      "above its streams' amount in every year it claims (%(first)s–%(last)s): "
                      "the increment is always 0 and nothing is ever split; %(owner)s takes it "
                      "all as baseline", clause=self.name("clause", cl.id), first=min(years),
                      last=max(years), owner=self.name("party", cl.baseline.owner or c.receiving))

    def unclaimed_streams(self) -> None:
        claimed = {sid for (sid, _t) in self.claims}
        for i, s in enumerate(self.c.streams):
            if s.id not in claimed:
                self.warn("unclaimed_stream", f"streams[{i}]",
                          "no clause claims stream %(stream)s: every year its whole amount goes "
                          "to the receiving party %(party)s as unclaimed",
                          stream=self.name("stream", s.id),
                          party=self.name("party", self.c.receiving))

    def schedule_gap(self, i: int, cl: Any) -> None:
        since = getattr(cl, "timing", "contract") == "since_relocation"
        gap: list[int] = []
        for sid in cl.streams:
            start = self.life_start(sid)
            for t in range(max(1, start), self.T + 1):
                if (sid, t) in self.claims:
                    continue
                if since and t < start:
                    continue
                gap.append(t)
        if gap:
            c = self.c
            self.warn("schedule_gap", f"clauses[{i}].schedule",
                      "%(span)s of the term are covered by no segment of %(clause)s and no other "
                      "clause claims its streams then: %(party)s takes the whole amount as "
                      "unclaimed", span=_span(c, gap), clause=self.name("clause", cl.id),
                      party=self.name("party", c.receiving))

    def cap(self, i: int, cl: Any) -> None:
        from schemas.claims import buffer_streams
        from schemas.contract import Buffer, FromEquity

        c = self.c
        cap = cl.cap
        path = f"clauses[{i}].cap"
        if isinstance(cl, Buffer):
            to = cl.to or c.receiving
            has_share = (cap.party == cl.party and any(
                cl.share_in_life_year(k) > 0 for k in range(1, cl.years + 1))) or (
                cap.party == to and any(cl.share_in_life_year(k) < 1
                                        for k in range(1, cl.years + 1)))
            streams = buffer_streams(c, cl)
        else:
            has_share = any(isinstance(seg.shares, FromEquity) or seg.shares.get(cap.party, 0) > 0
                            for seg in cl.schedule)
            streams = list(cl.streams)
        who, what = self.name("party", cap.party), self.name("clause", cl.id)
        if not has_share:
            self.warn("cap_never_binds", path,
                      "the cap limits %(party)s, who has no share in any segment of %(clause)s: "
                      "it can never bind", party=who, clause=what)
            return
        r = self.result
        events = sorted(ev["year"] for ev in r["events"]
                        if ev["kind"] == "cap_reached" and ev["clause"] == cl.id)
        got = sum(_fen(e["amount"]) for e in r["entries"]
                  if e["clause"] == cl.id and e["party"] == cap.party and e["kind"] == "share")
        if not events:
            limit = []
            if cap.cumulative is not None:
                limit.append(_msg("cumulative: the amount before relocation")
                             if cap.cumulative == "pre_relocation_total" else
                             _msg("cumulative %(amount)s",
                                  amount=_y(int(cap.cumulative * c.unit_fen))))
            if cap.per_year is not None:
                limit.append(_msg("per year %(amount)s", amount=_y(int(cap.per_year * c.unit_fen))))
            limits = limit[0] if len(limit) == 1 else _msg("%(a)s, %(b)s", a=limit[0], b=limit[1])
            self.warn("cap_never_binds", path,
                      "under the contract's projections the cap of %(clause)s (%(limit)s) never "
                      "binds: %(party)s receives %(got)s in shares in all",
                      clause=what, limit=limits, party=who, got=_y(got))
            return
        # first claimed year: the earliest year any of its streams is claimed by this clause
        first = min((t for (sid, t), cls in self.claims.items() if sid in streams
                     for cm in cls if cm.clause == cl.id), default=None)
        if first is not None and c.calendar(first) == events[0]:
            self.warn("cap_binds_year_1", path,
                      "the cap of %(clause)s is reached in its first year (%(year)s): %(party)s "
                      "gets only what fits under it from the start",
                      clause=what, year=events[0], party=who)

    def before_relocation(self, i: int, cl: Any) -> None:
        from schemas.claims import buffer_streams
        from schemas.contract import Buffer

        c = self.c
        what = self.name("clause", cl.id)
        if isinstance(cl, Buffer):
            for j, sid in enumerate(buffer_streams(c, cl)):
                start = self.life_start(sid)
                path = (f"clauses[{i}].streams[{j}]" if cl.streams is not None
                        else f"clauses[{i}].years")
                stream = self.name("stream", sid)
                if start > self.T:
                    self.warn("buffer_before_relocation", path,
                              "stream %(stream)s relocates in %(year)s, after the term ends "
                              "(%(end)s): the buffer %(clause)s never applies", stream=stream,
                              year=c.calendar(start), end=c.calendar(self.T), clause=what)
                    continue
                years = range(start, min(start + cl.years - 1, self.T, c.years) + 1)
                amounts = self.shareable(sid)
                inside = [amounts[t - 1] for t in years]
                later = [t for t in range(years[-1] + 1, c.years + 1) if amounts[t - 1] != 0]
                if not any(inside) and later:
                    self.warn("buffer_before_relocation", path,
                              "the buffer %(clause)s on %(stream)s is over in %(end)s, before "
                              "the stream yields anything (first amount in %(first)s): it "
                              "protects nothing", clause=what, stream=stream,
                              end=c.calendar(years[-1]), first=c.calendar(later[0]))
            return
        if cl.timing != "contract":
            return
        covered = [t for seg in cl.schedule for t in range(seg.years[0], seg.years[1] + 1)]
        if not covered:
            return
        for j, sid in enumerate(cl.streams):
            s = c.stream(sid)
            if s.relocated_year is None:
                continue
            start = self.life_start(sid)
            if max(covered) < start:
                self.warn("buffer_before_relocation", f"clauses[{i}].streams[{j}]",
                          "the segments of %(clause)s end in %(end)s, before stream %(stream)s "
                          "relocates (%(year)s): they never see it", clause=what,
                          end=c.calendar(max(covered)), stream=self.name("stream", sid),
                          year=s.relocated_year)

    def term_vs_buffer(self, i: int, cl: Any) -> None:
        from schemas.claims import buffer_streams

        c = self.c
        ex = c.exit_clause()
        if ex is not None:
            ei = c.clauses.index(ex)
            path = f"clauses[{ei}].term_years" if ex.term_years is not None else "years"
        else:
            path = "years"
        for sid in buffer_streams(c, cl):
            start = self.life_start(sid)
            end = start + cl.years - 1
            if start <= self.T < end:
                self.warn("term_shorter_than_buffer", path,
                          "the term ends in %(term)s, before the %(years)s-year buffer %(clause)s "
                          "on %(stream)s ends (%(end)s): its last %(lost)s buffer year(s) never "
                          "happen", term=c.calendar(self.T), years=cl.years,
                          clause=self.name("clause", cl.id), stream=self.name("stream", sid),
                          end=c.calendar(end), lost=end - self.T)

    def pool(self, i: int, cl: Any) -> None:
        c = self.c
        if not cl.guarantees:
            return
        reason = None
        if not cl.funded_by:
            reason = _msg("the pool has no funding clause")
        elif all(f.rate == 0 for f in cl.funded_by):
            reason = _msg("every funding rate is 0")
        elif cl.cap is not None and cl.cap == 0:
            reason = _msg("the pool's cap is 0")
        who = (_msg("%(party)s (backstop) pays every shortfall",
                    party=self.name("party", cl.backstop)) if cl.backstop else
               _msg("no one pays the shortfalls (no backstop)"))
        what = self.name("clause", cl.id)
        if reason is not None:
            for j, g in enumerate(cl.guarantees):
                self.warn("guarantee_unfundable", f"clauses[{i}].guarantees[{j}]",
                          "%(reason)s: the pool %(clause)s can never fund the guarantee of "
                          "%(party)s; %(who)s", reason=reason, clause=what,
                          party=self.name("party", g.party), who=who)
            return
        funders = {f.clause for f in cl.funded_by}
        r = self.result
        for j, g in enumerate(cl.guarantees):
            last = g.years[1] if g.years else c.years
            inflow = sum(_fen(e["amount"]) for e in r["entries"]
                         if e["kind"] == "pool_in" and e["clause"] in funders
                         and e["year"] <= c.calendar(last))
            if inflow == 0:
                self.warn("guarantee_unfundable", f"clauses[{i}].guarantees[{j}]",
                          "under the contract's projections nothing goes into the pool "
                          "%(clause)s by %(year)s: it can never fund the guarantee of %(party)s; "
                          "%(who)s", clause=what, year=c.calendar(last),
                          party=self.name("party", g.party), who=who)

    def triggers(self, i: int, cl: Any) -> None:
        from schemas.contract import CumulativeReached, IncrementBelow

        c = self.c
        for j, trig in enumerate(cl.triggers):
            path = f"clauses[{i}].triggers[{j}]"
            clause = self.name("clause", trig.clause)
            if isinstance(trig, IncrementBelow):
                if trig.threshold == 0:
                    self.warn("trigger_never_fires", path,
                              "trigger %(n)s fires when the increment of %(clause)s is strictly "
                              "below 0, which it never is", n=j + 1, clause=clause)
                    continue
                claimed = sorted({t for (_sid, t), cls in self.claims.items()
                                  for cm in cls if cm.clause == trig.clause and t <= self.T})
                run = best = 0
                prev = None
                for t in claimed:
                    run = run + 1 if prev is not None and t == prev + 1 else 1
                    best, prev = max(best, run), t
                if best < trig.consecutive_years:
                    self.warn("trigger_never_fires", path,
                              "trigger %(n)s needs %(need)s consecutive years of %(clause)s, "
                              "which claims at most %(best)s in a row within the term",
                              n=j + 1, need=trig.consecutive_years, clause=clause, best=best)
            elif isinstance(trig, CumulativeReached):
                amount = int(trig.amount * c.unit_fen)
                r = self.free_result
                last = c.calendar(self.T)
                got = sum(_fen(e["amount"]) for e in r["entries"]
                          if e["clause"] == trig.clause and e["party"] == trig.party
                          and e["kind"] in ("baseline", "share", "cap_excess", "dividend", "loss")
                          and e["year"] <= last)
                if got < amount:
                    self.warn("trigger_never_fires", path,
                              "under the contract's projections the receipts of %(party)s from "
                              "%(clause)s add up to %(got)s by %(year)s, short of %(amount)s: "
                              "trigger %(n)s never fires", party=self.name("party", trig.party),
                              clause=clause, got=_y(got), year=last, amount=_y(amount), n=j + 1)


def _amounts(contract: Any) -> dict[str, Any]:
    """The result of a contract with its amounts and events but no ``why`` texts: the checks
    read only amounts, and rendering the texts was most of a check's time."""
    from sharing.api import evaluate_contract
    from sharing.result import to_json

    return to_json(evaluate_contract(contract), explain=False)


def check_contract(contract: Any, result: dict[str, Any] | None = None) -> list[Warning]:
    """Warnings (kind, path, message in any language) for a valid contract, in clause order.

    ``result``: the contract's §4 result when the caller has it already (it is not computed
    again)."""
    return _Checker(contract, result).run()
