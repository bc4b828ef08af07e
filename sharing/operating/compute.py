"""The result of a case (semantics §6.1–6.3): every year under the version in force.

Each version in force in some year is expanded with the register (:func:`.case.expand`),
checked as a plain contract and run by the existing engine on the case's stream amounts: the
projection, replaced by the actual figure in every year that has one (§6.2), local retention
applied and rounded (§2). Contract year t is taken from the run of the version in force in t.
Entries and events are mapped back to §6 names: ``E/S`` streams, clause ids, the enterprise
code and the version.

Limitation of this first implementation (docs/operating.md): each version is run from year 1,
so state that a clause accumulates (a cumulative cap's count, a pool's balance, an equity
deficit) is carried across an amendment only where the earlier years come out the same under
both versions; a case whose amended clause has such state is refused rather than computed
wrongly (:func:`_check_carried_state`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from schemas.errors import InvalidContract, issue

from ..amounts import format_yuan, round_half_up
from ..engine import evaluate
from ..result import to_json
from ..validate import parse_contract, project_all
from .case import Case, Expansion, Version, expand
from .enterprise import Enterprise


def fen(text: str) -> int:
    return int(Decimal(text) * 100)


@dataclass
class CaseResult:
    case: Case
    register: list[Enterprise]
    by_year: list[int]
    entries: list[dict[str, Any]]  # amount as int fen
    indicator_entries: list[dict[str, Any]]
    events: list[dict[str, Any]]
    shareable: dict[str, list[int]]  # §6 stream name -> fen by contract year
    stream_kinds: dict[str, str]
    pools: dict[str, list[int]]
    ineligible: list[dict[str, Any]] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return [self.case.base.calendar(t) for t in range(1, self.case.years + 1)]


def stream_amounts(case: Case, ex: Expansion, contract, register: list[Enterprise],
                   actuals: dict[tuple[str, int], int]) -> dict[str, np.ndarray]:
    """Shareable fen by stream (1, Y): projection or actual, then retention (§2, §6.1, §6.2)."""
    c = contract
    unit = c.unit_fen
    projections = project_all(c)
    by_code = {e.code: e for e in register}
    out: dict[str, np.ndarray] = {}
    for s in c.streams:
        name = ex.stream_names.get(s.id, s.id)
        if s.id in ex.stream_names:
            code, _, tid = name.partition("/")
            e = by_code[code]
            exists = max(e.relocation_year, c.start_year)
            first = e.first.get(tid)
            g = 1 + e.growth.get(tid, Fraction(0))
            projected = []
            for t in range(1, c.years + 1):
                cal = c.calendar(t)
                if cal < exists or cal < e.production_year or first is None:
                    projected.append(0)
                else:
                    projected.append(round_half_up(first * unit * g ** (cal - e.production_year)))
        else:
            projected = list(projections[s.id].projected)
        for t in range(1, c.years + 1):
            v = actuals.get((name, c.calendar(t)))
            if v is not None:
                projected[t - 1] = v
        ret = s.local_retention if s.local_retention is not None else Fraction(1)
        shareable = [p if ret == 1 else round_half_up(p * ret) for p in projected]
        out[s.id] = np.asarray([shareable], dtype=np.int64)
    return out


def _run(case: Case, version: Version, register: list[Enterprise],
         actuals: dict[tuple[str, int], int]) -> tuple[Expansion, dict[str, Any]]:
    ex = expand(case, version, register)
    try:
        contract = parse_contract(ex.doc)
    except InvalidContract as e:  # a clause instance an enterprise makes invalid
        raise InvalidContract([issue(f"(version {version.number} with the register)",
                                     "case_instance", "{message}", message=str(i))
                               for i in e.issues]) from None
    doc = to_json(evaluate(contract, stream_amounts(case, ex, contract, register, actuals)))
    return ex, doc


def compute_case(case: Case, register: list[Enterprise], actuals: dict[tuple[str, int], int],
                 *, as_signed: bool = False) -> CaseResult:
    """The case with these inputs; ``as_signed``: version 1 in every year (§6.3)."""
    by_year = [1] * case.years if as_signed else case.versions_by_year()
    runs = {k: _run(case, case.versions[k - 1], register, actuals) for k in sorted(set(by_year))}
    _check_carried_state(case, by_year, runs)
    c = case.base
    entries: list[dict[str, Any]] = []
    ind_entries: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    pools: dict[str, list[int]] = {}
    renamers: dict[int, Any] = {}
    for t, k in enumerate(by_year, start=1):
        ex, doc = runs[k]
        rename = renamers.setdefault(k, _renamer(ex))
        cal = c.calendar(t)
        for src, dst in ((doc["entries"], entries), (doc["indicator_entries"], ind_entries)):
            for e in src:
                if e["year"] != cal:
                    continue
                dst.append(_mapped(e, ex, k, len(case.versions) > 1, rename))
        for ev in doc["events"]:
            if ev["year"] == cal:
                out = dict(ev, clause=ex.clause_names.get(ev["clause"], ev["clause"]), version=k,
                           detail=rename(ev["detail"]))
                if ev["clause"] in ex.clause_enterprise:
                    out["enterprise"] = ex.clause_enterprise[ev["clause"]]
                events.append(out)
        for cid, cl in doc["clauses"].items():
            if cl["kind"] == "risk_pool":
                pools.setdefault(cid, [0] * case.years)[t - 1] = fen(cl["pool_balances"][t - 1])
    shareable: dict[str, list[int]] = {}
    kinds: dict[str, str] = {}
    for k in sorted(set(by_year)):
        ex, doc = runs[k]
        for sid, st in doc["streams"].items():
            name = ex.stream_names.get(sid, sid)
            if name in {t.id for t in case.templates}:
                continue
            shareable.setdefault(name, [fen(v) for v in st["shareable_by_year"]])
            kinds[name] = st["kind"]
    seen = set()
    ineligible = []
    for k in sorted(set(by_year)):
        for item in runs[k][0].ineligible:
            key = (item["clause"], item["enterprise"])
            if key not in seen:
                seen.add(key)
                ineligible.append(item)
    return CaseResult(case, register, by_year, entries, ind_entries, events, shareable, kinds,
                      pools, ineligible)


def _renamer(ex: Expansion):
    """Internal stream and instance ids in a text replaced by their §6 names."""
    names = {**ex.stream_names,
             **{i: f"{ex.clause_names[i]} ({ex.clause_enterprise[i]})" for i in ex.clause_names}}
    if not names:
        return lambda text: text
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in
                                           sorted(names, key=len, reverse=True)) + r")\b")
    return lambda text: pattern.sub(lambda m: names[m.group(1)], text) if text else text


def _mapped(e: dict[str, Any], ex: Expansion, version: int, many: bool,
            rename=lambda text: text) -> dict[str, Any]:
    out = {"year": e["year"], "clause": ex.clause_names.get(e["clause"], e["clause"]),
           "stream": ex.stream_names.get(e["stream"], e["stream"]) if e["stream"] else None,
           "enterprise": ex.clause_enterprise.get(e["clause"] or "")
           or ex.stream_enterprise.get(e["stream"] or ""),
           "party": e["party"], "kind": e["kind"], "amount": fen(e["amount"]),
           "version": version, "why": rename(e["why"])}
    if many and out["why"] is not None:
        out["why"] = f"[version {version}] {out['why']}"
    if "mode" in e:
        out["mode"] = e["mode"]
    return out


def _check_carried_state(case: Case, by_year: list[int], runs: dict) -> None:
    """Refuse what the splice cannot carry: where a clause with state (a cumulative cap, a
    pool, an equity clause, an exit) is in force on both sides of a version change and its
    entries in the earlier years differ between the two versions' runs, the later version's
    count would start from the wrong figure."""
    for t in range(1, len(by_year)):
        old, new = by_year[t - 1], by_year[t]
        if old == new:
            continue
        stateful = set()
        for v in (case.versions[old - 1], case.versions[new - 1]):
            for cl in v.clauses:
                cap = cl.get("cap") if isinstance(cl.get("cap"), dict) else {}
                if cl.get("kind") in ("risk_pool", "equity", "exit") or cap.get("cumulative"):
                    stateful.add(cl.get("id"))
        if not stateful:
            continue
        cal_limit = case.base.calendar(t)

        def earlier(doc, ex, cal_limit=cal_limit, stateful=stateful):
            return sorted((e["year"], ex.clause_names.get(e["clause"], e["clause"]),
                           e["stream"] or "", e["party"] or "", e["kind"], e["amount"])
                          for e in doc["entries"] if e["year"] <= cal_limit
                          and ex.clause_names.get(e["clause"], e["clause"]) in stateful)

        if earlier(runs[old][1], runs[old][0]) != earlier(runs[new][1], runs[new][0]):
            raise InvalidContract([issue("amendments", "amendment_state",
                                         "an amendment effective from contract year {t} changes "
                                         "a clause that carries state (a cumulative cap, a pool, "
                                         "an equity deficit or an exit) whose earlier years "
                                         "differ; carrying that state across versions is not "
                                         "implemented yet", t=t + 1)])


def party_net(result: CaseResult, party: str, entries=None) -> list[int]:
    c = result.case.base
    out = [0] * c.years
    for e in result.entries if entries is None else entries:
        if e["party"] == party:
            out[e["year"] - c.start_year] += e["amount"]
    return out


def result_document(result: CaseResult) -> dict[str, Any]:
    """The case's result (§4 keys plus §6.1 per-enterprise totals and §6.3 versions)."""
    case = result.case
    c = case.base
    parties: dict[str, Any] = {}
    for p in c.parties:
        net = party_net(result, p.id)
        totals: dict[str, int] = {}
        for e in result.entries:
            if e["party"] == p.id:
                totals[e["kind"]] = totals.get(e["kind"], 0) + e["amount"]
        parties[p.id] = {"name": p.name, "role": p.role,
                         "net_by_year": [format_yuan(v) for v in net],
                         "net_total": format_yuan(sum(net)),
                         "totals_by_kind": {k: format_yuan(v) for k, v in sorted(totals.items())
                                            if v}}
    indicators: dict[str, Any] = {}
    if any(k == "indicator" for k in result.stream_kinds.values()):
        for p in c.parties:
            net = party_net(result, p.id, result.indicator_entries)
            indicators[p.id] = {"net_by_year": [format_yuan(v) for v in net],
                                "net_total": format_yuan(sum(net))}
    doc: dict[str, Any] = {
        "case": c.name,
        "start_year": c.start_year,
        "unit": "yuan",
        "years": result.years,
        "versions": {"by_year": result.by_year,
                     "names": {str(v.number): v.name for v in case.versions
                               if v.number in set(result.by_year)}},
        "parties": parties,
        "indicators": indicators,
        "events": result.events,
        "streams": {s: {"kind": result.stream_kinds[s],
                        "shareable_by_year": [format_yuan(v) for v in vals]}
                    for s, vals in result.shareable.items()},
        "pool_balances": {cid: [format_yuan(v) for v in b] for cid, b in result.pools.items()},
        "entries": [dict(e, amount=format_yuan(e["amount"])) for e in result.entries],
        "indicator_entries": [dict(e, amount=format_yuan(e["amount"]))
                              for e in result.indicator_entries],
    }
    if result.register:
        doc["enterprises"] = {}
        for ent in result.register:
            mine = [e for e in result.entries if e["enterprise"] == ent.code]
            doc["enterprises"][ent.code] = {
                "name": ent.name, "from": ent.from_party,
                "parties": {p.id: _net(party_net(result, p.id, mine)) for p in c.parties}}
        rest = [e for e in result.entries if not e["enterprise"]]
        doc["not_by_enterprise"] = {p.id: _net(party_net(result, p.id, rest)) for p in c.parties}
        doc["ineligible"] = [_ineligible(i, c.unit_fen) for i in result.ineligible]
    return doc


def _net(values: list[int]) -> dict[str, Any]:
    return {"net_by_year": [format_yuan(v) for v in values], "net_total": format_yuan(sum(values))}


def _ineligible(item: dict[str, Any], unit_fen: int) -> dict[str, Any]:
    mean = item["average"] * unit_fen
    exact = (format_yuan(int(mean)) if mean.denominator == 1
             else str(mean / 100))
    return {"clause": item["clause"], "enterprise": item["enterprise"], "name": item["name"],
            "average": format_yuan(round_half_up(mean)),
            "average_exact": exact,
            "threshold": format_yuan(round_half_up(item["threshold"] * unit_fen))}
