"""The audit step vocabulary: every phrase an auditor may write, in English and Chinese.

Each :class:`Phrase` has a template in each language (``{party} receives {amount} from
{clause} in {year}`` / ``{party}在{year}年从{clause}分得{amount}``), the regular expression
made from it, and a check: a plain function of the contract under audit that returns what
was expected and what the contract gives. :mod:`sharing.audit.steps` runs them (in process,
for :mod:`sharing.audit.runner`); ``docs/audit-steps.md`` documents them (a test keeps the two in step); an
unknown step is answered with the list of templates of its language.

Placeholders: ``{party}``, ``{clause}``, ``{pool}``, ``{stream}`` are ids (write an id that is
not plain ASCII in quotes: 「北京」 or "北京"; a party may also be named by its display name);
``{year}`` is a calendar year (2018); ``{amount}`` and ``{tolerance}`` are yuan with up to two
decimals, commas allowed, optionally followed by 元 / yuan, or by 万元 / wan (×10,000);
``{ratio}`` and ``{rate}`` are exact: ``3/5``, ``0.6`` or ``60%``; ``{kind}`` is an entry,
event or warning kind (``share``, ``cap_reached``, ``schedule_gap``; Chinese entry and event
names such as 分成, 达到上限 are accepted too); ``{path}`` is a field path; ``{name}`` a preset.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from schemas.numbers import MAX_DIGITS, decimal_in_bounds

from ..explain_text import EVENT_NAMES, KIND_NAMES

RECEIPT_KINDS = ("baseline", "share", "cap_excess", "dividend", "loss")
ENTRY_KINDS = ("baseline", "share", "cap_excess", "unclaimed", "contribution", "dividend",
               "retained", "loss", "cost", "pool_in", "pool_out", "backstop", "buyout",
               "penalty", "residual", "handover")
EVENT_KINDS = ("cap_reached", "pool_full", "pool_exhausted", "guarantee_backstopped",
               "guarantee_unpaid", "exit_triggered", "handover")
KIND_ZH = {"基数": "baseline", "分成": "share", "超上限转分": "cap_excess", "未认领": "unclaimed",
           "出资": "contribution", "分红": "dividend", "公司留存": "retained", "亏损分担": "loss",
           "成本": "cost", "划入资金池": "pool_in", "资金池支付": "pool_out", "兜底": "backstop",
           "回购价款": "buyout", "违约金": "penalty", "资金池余额分配": "residual", "期满移交": "handover",
           "移交": "handover"}
EVENT_ZH = {"达到上限": "cap_reached", "资金池满": "pool_full", "资金池不足": "pool_exhausted",
            "兜底支付": "guarantee_backstopped", "保底未付": "guarantee_unpaid",
            "触发退出": "exit_triggered", "退出": "exit_triggered", "移交": "handover"}


def _shown_words(names: dict[str, str]) -> dict[str, str]:
    """The Chinese words the pages, downloads and PDF show for each kind (the one catalog),
    so an auditor can copy a kind from a page into a step."""
    from ..explain_text import gettext

    return {gettext("zh", text): kind for kind, text in names.items()}


KIND_ZH |= {w: k for w, k in _shown_words(KIND_NAMES).items() if w not in KIND_ZH}
EVENT_ZH |= {w: k for w, k in _shown_words(EVENT_NAMES).items() if w not in EVENT_ZH}


class AuditError(Exception):
    """A step that cannot be checked as written (unknown party, year outside the contract…)."""


@dataclass
class Outcome:
    expected: str
    actual: str
    ok: bool
    note: str = ""


# ---- reading the arguments ------------------------------------------------------------------

def show(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    y, c = divmod(abs(fen), 100)
    return f"{sign}{y:,}.{c:02d}"


def parse_amount(text: str) -> int:
    """"1,234.50" / "1234.5元" / "-0.01 yuan" / "1050万元" -> whole fen; never a float."""
    t = text.strip().replace("−", "-").replace(",", "").replace("，", "")
    scale = 100
    for unit, s in (("万元", 1_000_000), ("wan", 1_000_000), ("元", 100), ("yuan", 100)):
        if t.endswith(unit):
            t, scale = t[: -len(unit)].strip(), s
            break
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise AuditError(f"{text!r} is not an amount (write 1,234.56 or 1,234.56 元)") from None
    if not d.is_finite() or not decimal_in_bounds(d):  # int(Decimal("1e999999999")) never ends
        raise AuditError(f"{text[:40]!r} is out of range")
    fen = d * scale
    if fen != fen.to_integral_value():
        raise AuditError(f"{text!r} is not a whole number of fen")
    return int(fen)


def parse_ratio(text: str) -> Fraction:
    t = text.strip().replace(" ", "")
    try:
        if len(t) > 2 * MAX_DIGITS:
            raise ValueError(t)
        if "/" in t and not t.endswith("%"):
            return Fraction(t)
        d = Decimal(t[:-1] if t.endswith("%") else t)
        if not d.is_finite() or not decimal_in_bounds(d):  # before Fraction(Decimal)
            raise ValueError(t)
        return Fraction(d) / 100 if t.endswith("%") else Fraction(d)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        raise AuditError(f"{text!r} is not a ratio (write 3/5, 0.6 or 60%)") from None


def show_ratio(r: Fraction) -> str:
    if r.denominator == 1:
        return str(r.numerator)
    pct = r * 100
    return f"{r.numerator}/{r.denominator} ({float(pct):.4f}%)"


def unquote(text: str) -> str:
    t = text.strip()
    for a, b in (("「", "」"), ("“", "”"), ('"', '"'), ("'", "'")):
        if len(t) >= 2 and t.startswith(a) and t.endswith(b):
            return t[1:-1].strip()
    return t


def _by_name(items: Any, name: str) -> list[str]:
    """The ids of the parties, clauses or streams a display name (or its Chinese or English
    part, or the start of the Chinese part) names."""
    from .terms import split_bilingual

    exact, start = [], []
    for it in items:
        full = getattr(it, "name", None)
        if not full:
            continue
        parts = split_bilingual(full)
        if name == full or name in parts:
            exact.append(it.id)
        elif parts[0].startswith(name):
            start.append(it.id)
    return exact or start


# ---- the contract under audit ----------------------------------------------------------------

class Subject:
    """A contract and, computed when first needed, its result and its static-check warnings."""

    def __init__(self, contract: Any, origin: str = "the contract under audit"):
        self.contract = contract
        self.origin = origin
        self._result: dict[str, Any] | None = None
        self._warnings: list[Any] | None = None

    @property
    def result(self) -> dict[str, Any]:
        if self._result is None:
            from sharing.api import run_contract

            self._result = run_contract(self.contract)
        return self._result

    @property
    def warnings(self) -> list[Any]:
        if self._warnings is None:
            from .check import check_contract

            self._warnings = check_contract(self.contract)
        return self._warnings

    # ids and years
    def party(self, text: str) -> str:
        name = unquote(text)
        ids = [p.id for p in self.contract.parties]
        if name in ids:
            return name
        hits = _by_name(self.contract.parties, name)
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise AuditError(f"{name!r} could be any of the parties {', '.join(hits)}: write "
                             f"the id, or the full name in quotes (「…」)")
        raise AuditError(f"unknown party {name!r}; the parties are: {', '.join(ids)}")

    def clause(self, text: str, kinds: tuple[str, ...] | None = None) -> str:
        cid = unquote(text)
        clauses = {c.id: c.kind for c in self.contract.clauses}
        if cid not in clauses:
            hits = _by_name(self.contract.clauses, cid)
            if len(hits) > 1:
                raise AuditError(f"{cid!r} could be any of the clauses {', '.join(hits)}: write "
                                 f"the id, or the full name in quotes (「…」)")
            if hits:
                cid = hits[0]
        if cid not in clauses:
            raise AuditError(f"unknown clause {cid!r}; the clauses are: "
                             f"{', '.join(clauses) or '(none)'}")
        if kinds and clauses[cid] not in kinds:
            raise AuditError(f"clause {cid!r} is a {clauses[cid]}, not a {' or '.join(kinds)}")
        return cid

    def stream(self, text: str) -> str:
        sid = unquote(text)
        ids = [s.id for s in self.contract.streams]
        if sid not in ids:
            hits = _by_name(self.contract.streams, sid)
            if len(hits) > 1:
                raise AuditError(f"{sid!r} could be any of the streams {', '.join(hits)}: write "
                                 f"the id, or the full name in quotes (「…」)")
            if hits:
                return hits[0]
            raise AuditError(f"unknown stream {sid!r}; the streams are: {', '.join(ids)}")
        return sid

    def year(self, text: str) -> int:
        y = int(text)
        first = self.contract.start_year
        last = first + self.contract.years - 1
        if not first <= y <= last:
            raise AuditError(f"{y} is outside the contract ({first}–{last}); years are calendar "
                             f"years")
        return y

    def index(self, year: int) -> int:
        return year - self.contract.start_year

    # sums over the ledger
    def entries(self, *, party: str | None = None, clause: str | None = None,
                kinds: tuple[str, ...] | None = None, years: Callable[[int], bool] | None = None,
                stream: str | None = None) -> int:
        total = 0
        self.last_entries: list[dict[str, Any]] = []  # what the last check added up
        for e in self.result["entries"]:
            if party is not None and e["party"] != party:
                continue
            if clause is not None and e["clause"] != clause:
                continue
            if kinds is not None and e["kind"] not in kinds:
                continue
            if stream is not None and e["stream"] != stream:
                continue
            if years is not None and not years(e["year"]):
                continue
            total += parse_amount(e["amount"])
            self.last_entries.append(e)
        return total

    def events(self, kind: str, clause: str | None = None) -> list[dict[str, Any]]:
        return [ev for ev in self.result["events"]
                if ev["kind"] == kind and (clause is None or ev["clause"] == clause)]


def _money(expected: int, actual: int, note: str = "") -> Outcome:
    diff = actual - expected
    extra = f" (difference {show(diff)})" if diff else ""
    return Outcome(show(expected), show(actual) + extra, diff == 0, note)


def _entry_kind(text: str) -> str:
    k = unquote(text)
    k = KIND_ZH.get(k, k)
    if k not in ENTRY_KINDS:
        raise AuditError(f"unknown entry kind {text!r}; the kinds are: {', '.join(ENTRY_KINDS)}")
    return k


def _event_kind(text: str) -> str:
    k = unquote(text)
    k = EVENT_ZH.get(k, k)
    if k not in EVENT_KINDS:
        raise AuditError(f"unknown event kind {text!r}; the kinds are: {', '.join(EVENT_KINDS)}")
    return k


# ---- the checks ------------------------------------------------------------------------------

def receives_year(s: Subject, party: str, amount: str, clause: str, year: str) -> Outcome:
    p, c, y = s.party(party), s.clause(clause), s.year(year)
    got = s.entries(party=p, clause=c, kinds=RECEIPT_KINDS, years=lambda v: v == y)
    return _money(parse_amount(amount), got, "receipts: baseline, share, cap_excess, dividend, loss")


def receives_total(s: Subject, party: str, amount: str, clause: str) -> Outcome:
    p, c = s.party(party), s.clause(clause)
    return _money(parse_amount(amount), s.entries(party=p, clause=c, kinds=RECEIPT_KINDS))


def receives_by(s: Subject, party: str, amount: str, clause: str, year: str) -> Outcome:
    p, c, y = s.party(party), s.clause(clause), s.year(year)
    got = s.entries(party=p, clause=c, kinds=RECEIPT_KINDS, years=lambda v: v <= y)
    return _money(parse_amount(amount), got)


def kind_year(s: Subject, party: str, amount: str, kind: str, year: str) -> Outcome:
    p, k, y = s.party(party), _entry_kind(kind), s.year(year)
    return _money(parse_amount(amount), s.entries(party=p, kinds=(k,), years=lambda v: v == y))


def kind_total(s: Subject, party: str, amount: str, kind: str) -> Outcome:
    p, k = s.party(party), _entry_kind(kind)
    return _money(parse_amount(amount), s.entries(party=p, kinds=(k,)))


def net_year(s: Subject, party: str, year: str, amount: str) -> Outcome:
    p, y = s.party(party), s.year(year)
    got = parse_amount(s.result["parties"][p]["net_by_year"][s.index(y)])
    return _money(parse_amount(amount), got)


def net_total(s: Subject, party: str, amount: str) -> Outcome:
    p = s.party(party)
    return _money(parse_amount(amount), parse_amount(s.result["parties"][p]["net_total"]))


def net_by(s: Subject, party: str, year: str, amount: str) -> Outcome:
    p, y = s.party(party), s.year(year)
    flows = s.result["parties"][p]["net_by_year"][: s.index(y) + 1]
    return _money(parse_amount(amount), sum(parse_amount(v) for v in flows))


def _cap_years(s: Subject, clause: str, stream: str | None) -> list[int]:
    c = s.clause(clause, ("tax_split", "buffer"))
    cl = s.contract.clause(c)
    if cl.cap is None:
        raise AuditError(f"clause {c!r} has no cap")
    evs = s.events("cap_reached", c)
    if stream is not None:
        sid = s.stream(stream)
        evs = [ev for ev in evs
               if (ev.get("explanation") or {}).get("params", {}).get("subject") == {"stream": sid}]
    return sorted(ev["year"] for ev in evs)


def cap_first(s: Subject, clause: str, year: str) -> Outcome:
    y = s.year(year)
    ys = _cap_years(s, clause, None)
    return Outcome(f"first reached in {y}", f"first reached in {ys[0]}" if ys else "never reached",
                   bool(ys) and ys[0] == y)


def cap_stream_first(s: Subject, clause: str, stream: str, year: str) -> Outcome:
    y = s.year(year)
    ys = _cap_years(s, clause, stream)
    return Outcome(f"first reached in {y}", f"first reached in {ys[0]}" if ys else "never reached",
                   bool(ys) and ys[0] == y)


def cap_by(s: Subject, clause: str, year: str) -> Outcome:
    y = s.year(year)
    ys = _cap_years(s, clause, None)
    return Outcome(f"reached in {y} or earlier",
                   f"first reached in {ys[0]}" if ys else "never reached", bool(ys) and ys[0] <= y)


def cap_never(s: Subject, clause: str) -> Outcome:
    ys = _cap_years(s, clause, None)
    return Outcome("never reached", f"first reached in {ys[0]}" if ys else "never reached", not ys)


def cap_stream_never(s: Subject, clause: str, stream: str) -> Outcome:
    ys = _cap_years(s, clause, stream)
    return Outcome("never reached", f"first reached in {ys[0]}" if ys else "never reached", not ys)


def equity(s: Subject, party: str, clause: str, year: str, ratio: str) -> Outcome:
    p, c, y = s.party(party), s.clause(clause, ("equity",)), s.year(year)
    want = parse_ratio(ratio)
    got_text = s.result["clauses"][c]["equity_ratios"][p][s.index(y)]
    if got_text is None:
        return Outcome(show_ratio(want), "no equity in that year", False)
    got = Fraction(got_text)
    return Outcome(show_ratio(want), show_ratio(got), got == want)


def pool_balance(s: Subject, pool: str, year: str, amount: str) -> Outcome:
    c, y = s.clause(pool, ("risk_pool",)), s.year(year)
    got = parse_amount(s.result["clauses"][c]["pool_balances"][s.index(y)])
    return _money(parse_amount(amount), got)


def _exit_year(s: Subject) -> int | None:
    evs = s.events("exit_triggered")
    return s.result["last_year"] if evs else None


def exits_in(s: Subject, year: str) -> Outcome:
    y = s.year(year)
    got = _exit_year(s)
    return Outcome(f"exit in {y}", f"exit in {got}" if got else "no exit", got == y)


def no_exit(s: Subject) -> Outcome:
    got = _exit_year(s)
    return Outcome("no exit", f"exit in {got}" if got else "no exit", got is None)


def last_year(s: Subject, year: str) -> Outcome:
    y = int(year)
    got = s.result["last_year"]
    if got is None:
        got = s.contract.start_year + s.contract.years - 1
    return Outcome(str(y), str(got), got == y)


def exit_price(s: Subject, amount: str) -> Outcome:
    got = sum(parse_amount(e["amount"]) for e in s.result["entries"]
              if e["kind"] == "buyout" and parse_amount(e["amount"]) > 0)
    return _money(parse_amount(amount), got)


def _npv_outcome(want: int, got: int, tol: int) -> Outcome:
    return Outcome(f"{show(want)} ± {show(tol)}", f"{show(got)} (difference {show(got - want)})",
                   abs(got - want) <= tol)


def npv(s: Subject, party: str, amount: str, tolerance: str) -> Outcome:
    p = s.party(party)
    got = parse_amount(s.result["parties"][p]["npv"])
    return _npv_outcome(parse_amount(amount), got, abs(parse_amount(tolerance)))


def npv_at(s: Subject, party: str, rate: str, amount: str, tolerance: str) -> Outcome:
    from sharing.finance import npv as _npv

    p = s.party(party)
    flows = [parse_amount(v) for v in s.result["parties"][p]["net_by_year"]]
    got = _npv(flows, parse_ratio(rate))
    return _npv_outcome(parse_amount(amount), got, abs(parse_amount(tolerance)))


def event_in(s: Subject, kind: str, year: str) -> Outcome:
    k, y = _event_kind(kind), s.year(year)
    ys = sorted({ev["year"] for ev in s.events(k)})
    return Outcome(f"{k} in {y}", f"{k} in {', '.join(map(str, ys))}" if ys else f"no {k}",
                   y in ys)


def event_by_clause(s: Subject, kind: str, clause: str, year: str) -> Outcome:
    k, c, y = _event_kind(kind), s.clause(clause), s.year(year)
    ys = sorted({ev["year"] for ev in s.events(k, c)})
    return Outcome(f"{k} from {c} in {y}",
                   f"{k} from {c} in {', '.join(map(str, ys))}" if ys else f"no {k} from {c}",
                   y in ys)


def no_event(s: Subject, kind: str) -> Outcome:
    k = _event_kind(kind)
    ys = sorted({ev["year"] for ev in s.events(k)})
    return Outcome(f"no {k}", f"{k} in {', '.join(map(str, ys))}" if ys else f"no {k}", not ys)


def indicator_year(s: Subject, party: str, amount: str, year: str) -> Outcome:
    p, y = s.party(party), s.year(year)
    ind = s.result.get("indicators") or {}
    if p not in ind:
        raise AuditError("the contract has no indicator streams")
    return _money(parse_amount(amount), parse_amount(ind[p]["net_by_year"][s.index(y)]))


def indicator_stream_year(s: Subject, party: str, amount: str, stream: str, year: str) -> Outcome:
    p, sid, y = s.party(party), s.stream(stream), s.year(year)
    entries = s.result.get("indicator_entries", [])
    got = sum(parse_amount(e["amount"]) for e in entries
              if e["party"] == p and e["stream"] == sid and e["year"] == y)
    if got == 0:
        pooled = [c.id for c in s.contract.clauses if c.kind == "indicator_split"
                  and sid in c.streams and len(c.streams) > 1]
        if pooled:
            raise AuditError(f"clause {pooled[0]} adds {sid} up with its other streams, so the "
                             f"indicator ledger has no amount of {sid} alone: check the "
                             f"party's indicator total instead")
    return _money(parse_amount(amount), got)


def _warning_kind(text: str) -> str:
    from .check import WARNING_KINDS

    k = unquote(text)
    if k not in WARNING_KINDS:
        raise AuditError(f"unknown warning kind {k!r}; the kinds are: {', '.join(WARNING_KINDS)}")
    return k


def _warnings_text(ws: list[Any]) -> str:
    return "; ".join(f"{w.kind} at {w.path}" for w in ws) or "no warning"


def _path_matches(given: str, path: str) -> bool:
    return path == given or path.startswith(given + ".") or path.startswith(given + "[")


def warns(s: Subject, kind: str) -> Outcome:
    k = _warning_kind(kind)
    ws = s.warnings
    return Outcome(f"a {k} warning", _warnings_text(ws), any(w.kind == k for w in ws))


def warns_at(s: Subject, kind: str, path: str) -> Outcome:
    k = _warning_kind(kind)
    given = unquote(path)
    ws = s.warnings
    return Outcome(f"{k} at {given}", _warnings_text(ws),
                   any(w.kind == k and _path_matches(given, w.path) for w in ws))


def no_warning(s: Subject) -> Outcome:
    ws = s.warnings
    return Outcome("no warning", _warnings_text(ws), not ws)


def no_warning_kind(s: Subject, kind: str) -> Outcome:
    k = _warning_kind(kind)
    ws = [w for w in s.warnings if w.kind == k]
    return Outcome(f"no {k} warning", _warnings_text(ws), not ws)


# ---- streams, equity, pools, one clause on one stream, IRR, explanations, conservation --------

def _projection(s: Subject, sid: str) -> Any:
    from sharing.streams import project

    return project(s.contract, s.contract.stream(sid))


def stream_gross(s: Subject, stream: str, year: str, amount: str) -> Outcome:
    sid, y = s.stream(stream), s.year(year)
    return _money(parse_amount(amount), _projection(s, sid).projected[s.index(y)])


def stream_shareable(s: Subject, stream: str, year: str, amount: str) -> Outcome:
    sid, y = s.stream(stream), s.year(year)
    got = parse_amount(s.result["streams"][sid]["shareable_by_year"][s.index(y)])
    return _money(parse_amount(amount), got, s.result["streams"][sid]["why"][s.index(y)])


def deficit(s: Subject, clause: str, year: str, amount: str) -> Outcome:
    c, y = s.clause(clause, ("equity",)), s.year(year)
    got = parse_amount(s.result["clauses"][c]["deficits"][s.index(y)])
    return _money(parse_amount(amount), got)


def retained(s: Subject, clause: str, year: str, amount: str) -> Outcome:
    c, y = s.clause(clause, ("equity",)), s.year(year)
    return _money(parse_amount(amount), s.entries(clause=c, kinds=("retained",),
                                                  years=lambda v: v == y))


def pool_in(s: Subject, amount: str, pool: str, year: str) -> Outcome:
    c, y = s.clause(pool, ("risk_pool",)), s.year(year)
    funders = {f.clause for f in s.contract.clause(c).funded_by}
    return _money(parse_amount(amount), sum(
        s.entries(clause=f, kinds=("pool_in",), years=lambda v: v == y) for f in sorted(funders)))


def receives_stream_year(s: Subject, party: str, amount: str, clause: str, stream: str,
                         year: str) -> Outcome:
    p, c, sid, y = s.party(party), s.clause(clause), s.stream(stream), s.year(year)
    if not any(e["clause"] == c and e["stream"] for e in s.result["entries"]):
        raise AuditError(f"clause {c!r} splits its streams together (timing: contract): its "
                         f"entries name no stream; check its receipts without 'on {sid}'")
    got = s.entries(party=p, clause=c, kinds=RECEIPT_KINDS, stream=sid, years=lambda v: v == y)
    return _money(parse_amount(amount), got)


def kind_clause_year(s: Subject, party: str, amount: str, kind: str, clause: str,
                     year: str) -> Outcome:
    p, k, c, y = s.party(party), _entry_kind(kind), s.clause(clause), s.year(year)
    return _money(parse_amount(amount), s.entries(party=p, clause=c, kinds=(k,),
                                                  years=lambda v: v == y))


def _written_precision(text: str) -> Fraction:
    """Half a unit of the last digit written: 18.92% -> 0.005%; 0.1892 -> 0.00005."""
    t = text.strip().replace(" ", "")
    pct = t.endswith("%")
    digits = t.rstrip("%").split(".")[1] if "." in t else ""
    half = Fraction(1, 2 * 10 ** len(digits))
    return half / 100 if pct else half


def irr(s: Subject, party: str, rate: str) -> Outcome:
    p = s.party(party)
    want = parse_ratio(rate)
    got = s.result["parties"][p]["irr"]
    if got is None:
        return Outcome(rate.strip(), "no IRR (the flows never change sign)", False)
    g = Fraction(Decimal(got))
    tol = _written_precision(rate)
    shown = f"{float(g * 100):.4f}%"
    return Outcome(f"{rate.strip()} (± {float(tol * 100):g}%)", shown, abs(g - want) <= tol)


def no_irr(s: Subject, party: str) -> Outcome:
    got = s.result["parties"][s.party(party)]["irr"]
    return Outcome("no IRR", "no IRR" if got is None else f"{float(Decimal(got) * 100):.4f}%",
                   got is None)


def why_says(s: Subject, party: str, kind: str, clause: str, year: str, text: str) -> Outcome:
    p, k, c, y = s.party(party), _entry_kind(kind), s.clause(clause), s.year(year)
    s.entries(party=p, clause=c, kinds=(k,), years=lambda v: v == y)
    whys = [str(e.get("why") or "") for e in s.last_entries]
    if not whys:
        raise AuditError(f"{p} has no {k} entry from {c} in {y}")
    want = unquote(text)
    return Outcome(f"says “{want}”", " | ".join(whys), any(want in w for w in whys))


def conservation(s: Subject, year: str) -> Outcome:
    """§1: each stream's shareable amount is handed out exactly once (receipts, unclaimed,
    handover, into a pool, retained by a company); a cost stream's amount is borne as cost."""
    y = s.year(year)
    i = s.index(y)
    kinds = ("baseline", "share", "cap_excess", "unclaimed", "handover", "pool_in", "retained",
             "dividend", "loss")
    money = cost = 0
    for st in s.result["streams"].values():
        v = parse_amount(st["shareable_by_year"][i])
        if st["kind"] == "cost":
            cost += v
        elif st["kind"] != "indicator":
            money += v
    parts = s.entries(kinds=kinds, years=lambda v: v == y)
    borne = -s.entries(kinds=("cost",), years=lambda v: v == y)
    return Outcome(f"streams {show(money)}, costs {show(cost)}",
                   f"parts {show(parts)}, costs borne {show(borne)}",
                   parts == money and borne == cost)


# ---- phrases -------------------------------------------------------------------------------

_ID = (r"「[^」]+」|“[^”]+”|\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_\-]*"
       r"|[\u4e00-\u9fff][\u4e00-\u9fff（）()·]*?")
_AMOUNT = r"[-−]?\d[\d,]*(?:\.\d+)?(?:\s*(?:万元|元|yuan|wan))?"
PLACEHOLDERS = {
    "party": _ID, "clause": _ID, "pool": _ID, "stream": _ID,
    "year": r"\d{4}",
    "amount": _AMOUNT, "tolerance": _AMOUNT,
    "ratio": r"\d+(?:\.\d+)?(?:\s*/\s*\d+)?\s*%?", "rate": r"\d+(?:\.\d+)?(?:\s*/\s*\d+)?\s*%?",
    "kind": r"[a-z_][a-z0-9_]*|" + "|".join(
        re.escape(k) for k in sorted(set(KIND_ZH) | set(EVENT_ZH), key=len, reverse=True)),
    "path": r"\S+", "name": r"\S+",
    "text": r"「[^」]+」|“[^”]+”|\"[^\"]+\"",
}
_SLOT = re.compile(r"\{(\w+)\}")


def template_regex(template: str, lang: str) -> str:
    """A template as a regular expression: spaces are flexible; Chinese allows none."""
    out, pos = [], 0
    for m in _SLOT.finditer(template):
        out.append(_literal(template[pos:m.start()], lang))
        out.append(f"(?P<{m.group(1)}>{PLACEHOLDERS[m.group(1)]})")
        pos = m.end()
    out.append(_literal(template[pos:], lang))
    tail = r"\s*[。.]?" if lang == "zh" else r"\s*\.?"
    return r"\s*" + "".join(out) + tail


def _literal(text: str, lang: str) -> str:
    if lang == "zh":
        core = "".join(re.escape(ch) for ch in text if not ch.isspace())
        core = core.replace("：", "[：:]").replace("，", "[，,]?")
        return r"\s*" + core + r"\s*" if core else r"\s*"
    parts = [re.escape(w) for w in text.split(" ")]
    return r"\s+".join(parts) if text.strip() else (r"\s+" if text else "")


@dataclass(frozen=True)
class Phrase:
    key: str
    type: str  # given, when, then
    en: str
    zh: str
    check: Callable[..., Outcome] | None = None
    doc: str = ""
    examples: tuple[str, ...] = field(default=())

    def regex(self, lang: str) -> str:
        return template_regex(self.en if lang == "en" else self.zh, lang)


PHRASES: list[Phrase] = [
    Phrase("contract_under_audit", "given", "the contract under audit", "待审计的合同",
           doc="The contract given on the command line (or the saved scenario in the web app)."),
    Phrase("preset", "given", "the preset {name}", "预设合同{name}",
           doc="One of the bundled presets (`sharing presets` lists them)."),
    Phrase("contract_file", "given", "the contract file {path}", "合同文件{path}",
           doc="A contract file, relative to the working directory."),
    Phrase("contract_doc", "given", "the contract:", "合同如下：",
           doc="The contract written inline as YAML in a docstring (\"\"\" … \"\"\") under the step."),
    Phrase("run", "when", "the contract is run", "运行合同",
           doc="Optional: the contract is computed when a check first needs it."),
    Phrase("check_runs", "when", "the static check runs", "进行静态检查",
           doc="Optional: the static check is made when a check first needs it."),
    Phrase("receives_year", "then", "{party} receives {amount} from {clause} in {year}",
           "{party}在{year}年从{clause}分得{amount}", receives_year,
           "The party's receipts from the clause in that year: its baseline, share, cap_excess, "
           "dividend and loss entries (semantics §3)."),
    Phrase("receives_total", "then", "{party} receives {amount} from {clause} in total",
           "{party}从{clause}共分得{amount}", receives_total,
           "The same receipts over every year."),
    Phrase("receives_by", "then", "{party} has received {amount} from {clause} by {year}",
           "截至{year}年{party}从{clause}累计分得{amount}", receives_by,
           "Cumulative receipts from the first year up to and including that year."),
    Phrase("kind_year", "then", "{party} gets {amount} as {kind} in {year}",
           "{party}在{year}年的{kind}为{amount}", kind_year,
           "The party's ledger entries of one kind in that year, from any clause (e.g. "
           "pool_out, backstop, buyout, handover, contribution)."),
    Phrase("kind_total", "then", "{party} gets {amount} as {kind} in total",
           "{party}的{kind}合计为{amount}", kind_total, "The same over every year."),
    Phrase("net_year", "then", "{party}'s net cash flow in {year} is {amount}",
           "{party}在{year}年的净现金流为{amount}", net_year,
           "The party's net cash flow of the year (all its entries)."),
    Phrase("net_total", "then", "{party}'s net total is {amount}", "{party}的净额合计为{amount}",
           net_total, "The party's net cash flow over the whole contract."),
    Phrase("net_by", "then", "{party}'s cumulative net by {year} is {amount}",
           "截至{year}年{party}的累计净额为{amount}", net_by,
           "Net cash flow added up from the first year to that year."),
    Phrase("cap_first", "then", "the cap of {clause} is first reached in {year}",
           "{clause}的上限在{year}年首次达到", cap_first,
           "The first cap_reached event of the clause (any stream) is in that year."),
    Phrase("cap_stream_first", "then", "the cap of {clause} on {stream} is first reached in {year}",
           "{clause}对{stream}的上限在{year}年首次达到", cap_stream_first,
           "The same for one stream (buffers and since_relocation splits cap stream by stream)."),
    Phrase("cap_by", "then", "the cap of {clause} is reached by {year}",
           "{clause}的上限在{year}年或之前达到", cap_by,
           "The cap is first reached in that year or earlier."),
    Phrase("cap_never", "then", "the cap of {clause} is never reached", "{clause}的上限从未达到",
           cap_never, "No cap_reached event from the clause."),
    Phrase("cap_stream_never", "then", "the cap of {clause} on {stream} is never reached",
           "{clause}对{stream}的上限从未达到", cap_stream_never, "The same for one stream."),
    Phrase("equity", "then", "{party}'s equity in {clause} in {year} is {ratio}",
           "{year}年{party}在{clause}中的股权比例为{ratio}", equity,
           "The party's equity ratio in the equity clause that year, compared exactly "
           "(2/3 is not 66.67%)."),
    Phrase("pool_balance", "then", "the balance of {pool} at the end of {year} is {amount}",
           "{year}年末{pool}的余额为{amount}", pool_balance, "A risk pool's closing balance."),
    Phrase("exits_in", "then", "the contract exits in {year}", "合同在{year}年退出", exits_in,
           "An exit trigger fired and the exit year (the last year of the clauses) is that year."),
    Phrase("no_exit", "then", "no exit is triggered", "没有触发退出", no_exit,
           "No exit trigger fired."),
    Phrase("last_year", "then", "the last year of the clauses is {year}", "条款的最后一年为{year}年",
           last_year, "The last year in which the clauses apply (term end or exit year)."),
    Phrase("exit_price", "then", "the exit price is {amount}", "退出价格为{amount}", exit_price,
           "The buyout paid to the exiting party (the sum of the positive buyout entries)."),
    Phrase("npv", "then", "{party}'s NPV is {amount} within {tolerance}",
           "{party}的净现值为{amount}，误差不超过{tolerance}", npv,
           "The party's NPV at its own discount rate (the contract's if it has none), end-of-"
           "year flows discounted to the start of year 1, within ± the tolerance."),
    Phrase("npv_at", "then", "{party}'s NPV at {rate} is {amount} within {tolerance}",
           "按{rate}折现，{party}的净现值为{amount}，误差不超过{tolerance}", npv_at,
           "The same at a rate the auditor chooses."),
    Phrase("event_in", "then", "an event {kind} is raised in {year}", "{year}年出现{kind}事件",
           event_in, "An event of that kind (cap_reached, pool_full, pool_exhausted, "
           "guarantee_backstopped, guarantee_unpaid, exit_triggered, handover) in that year."),
    Phrase("event_by_clause", "then", "an event {kind} is raised by {clause} in {year}",
           "{year}年{clause}出现{kind}事件", event_by_clause, "The same, from one clause."),
    Phrase("no_event", "then", "no event {kind} is raised", "没有出现{kind}事件", no_event,
           "No event of that kind in any year."),
    Phrase("indicator_year", "then", "{party} is credited {amount} in the indicator ledger in {year}",
           "{year}年{party}在指标账中计入{amount}", indicator_year,
           "The party's indicator total of the year (GDP, output, investment: not money)."),
    Phrase("indicator_stream_year", "then",
           "{party} is credited {amount} of {stream} in the indicator ledger in {year}",
           "{year}年{party}在指标账中计入的{stream}为{amount}", indicator_stream_year,
           "The same for one indicator stream."),
    Phrase("stream_gross", "then", "the gross amount of {stream} in {year} is {amount}",
           "{year}年{stream}的总额为{amount}", stream_gross,
           "The stream's projected amount in that year, before local retention (semantics §2)."),
    Phrase("stream_shareable", "then", "the shareable amount of {stream} in {year} is {amount}",
           "{year}年{stream}的可分享额为{amount}", stream_shareable,
           "The stream's shareable amount that year: the gross amount × its local retention "
           "(the local part, e.g. VAT 50 %), rounded once (semantics §2; 财预〔2015〕92号)."),
    Phrase("deficit", "then", "the loss of {clause} still to make good at the end of {year} is "
           "{amount}", "{year}年末{clause}的待弥补亏损为{amount}", deficit,
           "An equity clause's carried-forward loss (待弥补亏损) at the end of that year."),
    Phrase("retained", "then", "the company of {clause} retains {amount} in {year}",
           "{year}年{clause}的公司留存为{amount}", retained,
           "What the equity clause's company keeps that year (its retained entries; a loss "
           "kept is negative)."),
    Phrase("pool_in", "then", "{amount} goes into {pool} in {year}", "{year}年划入{pool}的资金为{amount}",
           pool_in, "What the pool's funding clauses put into it that year (pool_in entries)."),
    Phrase("receives_stream_year", "then",
           "{party} receives {amount} from {clause} on {stream} in {year}",
           "{party}在{year}年从{clause}就{stream}分得{amount}", receives_stream_year,
           "Receipts from one clause on one stream (clauses that split each stream on its own: "
           "buffers, timing since_relocation)."),
    Phrase("kind_clause_year", "then", "{party} gets {amount} as {kind} from {clause} in {year}",
           "{party}在{year}年从{clause}得到的{kind}为{amount}", kind_clause_year,
           "The party's entries of one kind within one clause that year."),
    Phrase("irr", "then", "{party}'s IRR is {rate}", "{party}的内部收益率为{rate}", irr,
           "The party's internal rate of return, to the precision written (18.92% means "
           "within ± 0.005 %)."),
    Phrase("no_irr", "then", "{party} has no IRR", "{party}没有内部收益率", no_irr,
           "The party's flows have no IRR (they never change sign)."),
    Phrase("why_says", "then",
           "the explanation of {party}'s {kind} from {clause} in {year} says {text}",
           "{year}年{party}从{clause}得到的{kind}的说明包含{text}", why_says,
           "The explanation (why) of that entry contains the quoted text."),
    Phrase("conservation", "then", "the parts add up to the amounts in {year}",
           "{year}年各部分之和等于各税源金额", conservation,
           "Conservation (semantics §1): the year's shareable amounts of every money stream "
           "equal what was handed out (receipts, unclaimed, handover, into pools, retained), "
           "and each cost stream's amount is borne as cost."),
    Phrase("warns", "then", "the static check warns {kind}", "静态检查给出{kind}警告", warns,
           "The static check (`sharing check`) gives a warning of that kind."),
    Phrase("warns_at", "then", "the static check warns {kind} at {path}",
           "静态检查在{path}给出{kind}警告", warns_at,
           "… at that field path (or a path inside it)."),
    Phrase("no_warning", "then", "the static check gives no warning", "静态检查没有警告",
           no_warning, "The static check finds nothing."),
    Phrase("no_warning_kind", "then", "the static check gives no {kind} warning",
           "静态检查没有{kind}警告", no_warning_kind, "No warning of that kind."),
]


def phrase_list(lang: str) -> list[str]:
    """Every template of a language, with its keyword, for messages and docs."""
    kw = {"en": {"given": "Given", "when": "When", "then": "Then"},
          "zh": {"given": "假如", "when": "当", "then": "那么"}}[lang]
    return [f"{kw[p.type]} {p.en if lang == 'en' else p.zh}" for p in PHRASES]


def match(text: str, lang: str | None = None) -> tuple[Phrase, dict[str, str]] | None:
    """The phrase a step text matches (any type), with its arguments; None when none does."""
    langs = [lang] if lang else ["en", "zh"]
    for lg in langs:
        found = []
        for p in PHRASES:
            m = re.fullmatch(_compiled(p, lg), text)
            if m:
                found.append((p, m.groupdict()))
        if found:
            # an unquoted Chinese name may swallow a phrase's words ("从{clause}就{stream}分得"
            # also reads as "从{clause}分得"): the phrase that reads more arguments wins
            return max(found, key=lambda f: len(f[1]))
    return None


_REGEX_CACHE: dict[tuple[str, str], re.Pattern[str]] = {}


def _compiled(p: Phrase, lang: str) -> re.Pattern[str]:
    key = (p.key, lang)
    if key not in _REGEX_CACHE:
        _REGEX_CACHE[key] = re.compile(p.regex(lang))
    return _REGEX_CACHE[key]


def quoting_hint(text: str, lang: str) -> str | None:
    """For an unknown step that names something in Chinese without quotes: how to quote it."""
    if re.search(r"「|“|\"", text):
        return None
    m = re.match(r"\s*([\u4e00-\u9fff][\u4e00-\u9fff（）()·]*)", text)
    if not m:
        return None
    name = re.split(r"在|从|的|截至|年", m.group(1))[0] or m.group(1)
    return (f"名称不是纯字母的编号时，可以加引号：「{name}」（或写编号）" if lang == "zh" else
            f"a name that is not a plain ASCII id can be written in quotes: 「{name}」 (or use "
            f"the id)")


def suggest(text: str, lang: str) -> str | None:
    """The template closest to a step text that matches none, to help the auditor."""
    import difflib

    templates = [p.en if lang == "en" else p.zh for p in PHRASES]
    skeleton = re.sub(r"[\d,.]+|「[^」]*」|“[^”]*”|\"[^\"]*\"", "#", text)
    scores = [(difflib.SequenceMatcher(None, skeleton, _SLOT.sub("#", t)).ratio(), t)
              for t in templates]
    best = max(scores)
    return best[1] if best[0] >= 0.5 else None
