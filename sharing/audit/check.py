"""Static check: what is legal in a contract but probably unintended (``sharing check``).

``check_contract(contract)`` returns :class:`Warning` objects, each with a kind, the field path
it concerns and a message in English and Chinese; the web results page shows them in a panel.
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
from decimal import Decimal
from typing import Any

WARNING_KINDS = ("schedule_gap", "unclaimed_stream", "cap_never_binds", "cap_binds_year_1",
                 "buffer_before_relocation", "guarantee_unfundable", "trigger_never_fires",
                 "term_shorter_than_buffer", "party_receives_nothing", "baseline_above_amount")


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the domain word; never raised
    kind: str
    path: str
    message: str
    message_zh: str

    def __str__(self) -> str:
        return f"{self.path}: [{self.kind}] {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "path": self.path, "message": self.message,
                "message_zh": self.message_zh}


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


def _span(c: Any, years: list[int], zh: bool = False) -> str:
    parts = []
    for a, b in _ranges(years):
        if zh:
            parts.append(f"第{a}年（{c.calendar(a)}）" if a == b else
                         f"第{a}–{b}年（{c.calendar(a)}–{c.calendar(b)}）")
        else:
            parts.append(f"year {a} ({c.calendar(a)})" if a == b else
                         f"years {a}–{b} ({c.calendar(a)}–{c.calendar(b)})")
    return ("、" if zh else ", ").join(parts)


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

    def warn(self, kind: str, path: str, en: str, zh: str) -> None:
        self.out.append(Warning(kind, path, en, zh))

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
        span = f"{c.calendar(1)}–{c.calendar(c.years)}"
        for i, p in enumerate(c.parties):
            if not got[p.id]:
                self.warn("party_receives_nothing", f"parties[{i}]",
                          f"under the contract's projections {p.id} receives nothing in any "
                          f"year ({span}): no clause gives it a baseline, share, cap_excess, "
                          f"dividend or loss receipt",
                          f"按合同自身的预测，{p.id} 在任何一年（{span}）都没有任何所得："
                          f"没有条款给予其基数、分成、超上限转分、分红或亏损分担")

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
                      f"under the contract's projections the baseline of {cl.id} is at or above "
                      f"its streams' amount in every year it claims ({min(years)}–{max(years)}): "
                      f"the increment is always 0 and nothing is ever split; "
                      f"{cl.baseline.owner or c.receiving} takes it all as baseline",
                      f"按合同自身的预测，{cl.id} 的基数在其认领的每一年（{min(years)}–{max(years)}）"
                      f"都不低于税源金额：增量始终为 0，从未分成；全部作为基数归 "
                      f"{cl.baseline.owner or c.receiving}")

    def unclaimed_streams(self) -> None:
        claimed = {sid for (sid, _t) in self.claims}
        for i, s in enumerate(self.c.streams):
            if s.id not in claimed:
                self.warn("unclaimed_stream", f"streams[{i}]",
                          f"no clause claims stream {s.id}: every year its whole amount goes to "
                          f"the receiving party {self.c.receiving} as unclaimed",
                          f"没有任何条款认领 {s.id}：每年全额作为未认领金额归飞入地 {self.c.receiving}")

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
                      f"{_span(c, gap)} of the term are covered by no segment of {cl.id} and no "
                      f"other clause claims its streams then: {c.receiving} takes the whole "
                      f"amount as unclaimed",
                      f"{_span(c, gap, True)}没有 {cl.id} 的分段覆盖，也没有其他条款认领："
                      f"全额作为未认领金额归 {c.receiving}")

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
        if not has_share:
            self.warn("cap_never_binds", path,
                      f"the cap limits {cap.party}, who has no share in any segment of {cl.id}: "
                      f"it can never bind",
                      f"上限针对 {cap.party}，但其在 {cl.id} 的任何分段中都没有分成比例：上限永远不会起作用")
            return
        r = self.result
        events = sorted(ev["year"] for ev in r["events"]
                        if ev["kind"] == "cap_reached" and ev["clause"] == cl.id)
        got = sum(_fen(e["amount"]) for e in r["entries"]
                  if e["clause"] == cl.id and e["party"] == cap.party and e["kind"] == "share")
        if not events:
            limit = []
            if cap.cumulative is not None:
                limit.append("cumulative " + ("pre_relocation_total" if cap.cumulative ==
                                              "pre_relocation_total" else
                                              _y(int(cap.cumulative * c.unit_fen))))
            if cap.per_year is not None:
                limit.append("per year " + _y(int(cap.per_year * c.unit_fen)))
            self.warn("cap_never_binds", path,
                      f"under the contract's projections the cap of {cl.id} ({', '.join(limit)}) "
                      f"never binds: {cap.party} receives {_y(got)} in shares in all",
                      f"按合同自身的预测，{cl.id} 的上限（{', '.join(limit)}）从未起作用："
                      f"{cap.party} 共分得 {_y(got)}")
            return
        # first claimed year: the earliest year any of its streams is claimed by this clause
        first = min((t for (sid, t), cls in self.claims.items() if sid in streams
                     for cm in cls if cm.clause == cl.id), default=None)
        if first is not None and c.calendar(first) == events[0]:
            self.warn("cap_binds_year_1", path,
                      f"the cap of {cl.id} is reached in its first year ({events[0]}): "
                      f"{cap.party} gets only what fits under it from the start",
                      f"{cl.id} 的上限在其第一年（{events[0]}）即已达到：{cap.party} 从一开始就只能分得上限以内的部分")

    def before_relocation(self, i: int, cl: Any) -> None:
        from schemas.claims import buffer_streams
        from schemas.contract import Buffer

        c = self.c
        if isinstance(cl, Buffer):
            for j, sid in enumerate(buffer_streams(c, cl)):
                start = self.life_start(sid)
                path = (f"clauses[{i}].streams[{j}]" if cl.streams is not None
                        else f"clauses[{i}].years")
                if start > self.T:
                    self.warn("buffer_before_relocation", path,
                              f"stream {sid} relocates in {c.calendar(start)}, after the term ends "
                              f"({c.calendar(self.T)}): the buffer {cl.id} never applies",
                              f"{sid} 于 {c.calendar(start)} 年迁入，晚于期限结束（{c.calendar(self.T)}）："
                              f"缓冲期 {cl.id} 永远不会适用")
                    continue
                years = range(start, min(start + cl.years - 1, self.T, c.years) + 1)
                amounts = self.shareable(sid)
                inside = [amounts[t - 1] for t in years]
                later = [t for t in range(years[-1] + 1, c.years + 1) if amounts[t - 1] != 0]
                if not any(inside) and later:
                    self.warn("buffer_before_relocation", path,
                              f"the buffer {cl.id} on {sid} is over in {c.calendar(years[-1])}, "
                              f"before the stream yields anything (first amount in "
                              f"{c.calendar(later[0])}): it protects nothing",
                              f"{cl.id} 对 {sid} 的缓冲期在 {c.calendar(years[-1])} 年结束，"
                              f"而该税源到 {c.calendar(later[0])} 年才有收入：缓冲期形同虚设")
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
                          f"the segments of {cl.id} end in {c.calendar(max(covered))}, before "
                          f"stream {sid} relocates ({s.relocated_year}): they never see it",
                          f"{cl.id} 的分段在 {c.calendar(max(covered))} 年结束，早于 {sid} 迁入"
                          f"（{s.relocated_year} 年）：分段从未覆盖该税源")

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
                          f"the term ends in {c.calendar(self.T)}, before the {cl.years}-year "
                          f"buffer {cl.id} on {sid} ends ({c.calendar(end)}): its last "
                          f"{end - self.T} buffer year(s) never happen",
                          f"期限在 {c.calendar(self.T)} 年结束，早于 {cl.id} 对 {sid} 的 {cl.years} 年"
                          f"缓冲期结束（{c.calendar(end)} 年）：最后 {end - self.T} 个缓冲年不会发生")

    def pool(self, i: int, cl: Any) -> None:
        c = self.c
        if not cl.guarantees:
            return
        reason_en = reason_zh = None
        if not cl.funded_by:
            reason_en, reason_zh = "the pool has no funding clause", "资金池没有任何资金来源"
        elif all(f.rate == 0 for f in cl.funded_by):
            reason_en, reason_zh = "every funding rate is 0", "所有划入比例均为 0"
        elif cl.cap is not None and cl.cap == 0:
            reason_en, reason_zh = "the pool's cap is 0", "资金池上限为 0"
        who = (f"{cl.backstop} (backstop) pays every shortfall" if cl.backstop else
               "no one pays the shortfalls (no backstop)")
        who_zh = (f"全部差额由兜底方 {cl.backstop} 支付" if cl.backstop else "差额无人支付（没有兜底方）")
        if reason_en is not None:
            for j, g in enumerate(cl.guarantees):
                self.warn("guarantee_unfundable", f"clauses[{i}].guarantees[{j}]",
                          f"{reason_en}: the pool {cl.id} can never fund the guarantee of "
                          f"{g.party}; {who}",
                          f"{reason_zh}：资金池 {cl.id} 永远无法支付 {g.party} 的保底；{who_zh}")
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
                          f"under the contract's projections nothing goes into the pool {cl.id} "
                          f"by {c.calendar(last)}: it can never fund the guarantee of {g.party}; "
                          f"{who}",
                          f"按合同自身的预测，到 {c.calendar(last)} 年资金池 {cl.id} 没有任何资金划入："
                          f"无法支付 {g.party} 的保底；{who_zh}")

    def triggers(self, i: int, cl: Any) -> None:
        from schemas.contract import CumulativeReached, IncrementBelow

        c = self.c
        for j, tr in enumerate(cl.triggers):
            path = f"clauses[{i}].triggers[{j}]"
            if isinstance(tr, IncrementBelow):
                if tr.threshold == 0:
                    self.warn("trigger_never_fires", path,
                              f"trigger {j + 1} fires when the increment of {tr.clause} is "
                              f"strictly below 0, which it never is",
                              f"触发条件 {j + 1} 要求 {tr.clause} 的增量严格低于 0，这不可能发生")
                    continue
                claimed = sorted({t for (_sid, t), cls in self.claims.items()
                                  for cm in cls if cm.clause == tr.clause and t <= self.T})
                run = best = 0
                prev = None
                for t in claimed:
                    run = run + 1 if prev is not None and t == prev + 1 else 1
                    best, prev = max(best, run), t
                if best < tr.consecutive_years:
                    self.warn("trigger_never_fires", path,
                              f"trigger {j + 1} needs {tr.consecutive_years} consecutive years of "
                              f"{tr.clause}, which claims at most {best} in a row within the term",
                              f"触发条件 {j + 1} 需要 {tr.clause} 连续 {tr.consecutive_years} 年，"
                              f"但期限内该条款最多连续认领 {best} 年")
            elif isinstance(tr, CumulativeReached):
                amount = int(tr.amount * c.unit_fen)
                r = self.free_result
                last = c.calendar(self.T)
                got = sum(_fen(e["amount"]) for e in r["entries"]
                          if e["clause"] == tr.clause and e["party"] == tr.party
                          and e["kind"] in ("baseline", "share", "cap_excess", "dividend", "loss")
                          and e["year"] <= last)
                if got < amount:
                    self.warn("trigger_never_fires", path,
                              f"under the contract's projections {tr.party}'s receipts from "
                              f"{tr.clause} add up to {_y(got)} by {last}, short of "
                              f"{_y(amount)}: trigger {j + 1} never fires",
                              f"按合同自身的预测，到 {last} 年 {tr.party} 从 {tr.clause} 累计所得为 "
                              f"{_y(got)}，不足 {_y(amount)}：触发条件 {j + 1} 永远不会触发")


def _amounts(contract: Any) -> dict[str, Any]:
    """The result of a contract with its amounts and events but no ``why`` texts: the checks
    read only amounts, and rendering the texts was most of a check's time."""
    from sharing.api import evaluate_contract
    from sharing.result import to_json

    return to_json(evaluate_contract(contract), explain=False)


def check_contract(contract: Any, result: dict[str, Any] | None = None) -> list[Warning]:
    """Warnings (kind, path, message, message_zh) for a valid contract, in clause order.

    ``result``: the contract's §4 result when the caller has it already (it is not computed
    again)."""
    return _Checker(contract, result).run()
