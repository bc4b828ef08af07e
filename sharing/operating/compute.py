"""The result of a case (semantics §6.1–6.3): every year under the version in force.

Each version in force in some year is expanded with the register (:func:`.case.expand`),
checked as a plain contract and run by the existing engine on the case's stream amounts: the
projection, replaced by the actual figure in every year that has one (§6.2), local retention
applied and rounded (§2). Contract year t is taken from the run of the version in force in t.
Entries and events are mapped back to §6 names: ``E/S`` streams, clause ids, the enterprise
code and the version.

State across an amendment (§6.3): the run of a version that comes into force in year m > 1
sees the stream amounts of years ≥ m only (earlier years are zero), and each cumulative cap
(key: clause id and enterprise) starts with the room the cap amount of that version leaves
after what its party already received under the earlier versions (never below 0: a party past
a lowered cap gets nothing more, and nothing is taken back). A pool removed by the amendment
pays its residual at the end of year m − 1 (:func:`_removed_pool_residuals`). What this first
implementation does not carry is refused with a message rather than computed wrongly: a pool
kept across the change with a balance, an equity clause with a deficit, an exit with
triggers, or a per-stream cap of a buffer or ``since_relocation`` split that has counted
something (:func:`_refuse_uncarried`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from pydantic import ValidationError

from schemas.case import ExpandedContract
from schemas.checks import check
from schemas.contract import UNION_TAGS
from schemas.errors import InvalidContract, from_pydantic, issue
from schemas.numbers import exact

from ..amounts import format_yuan, round_half_up
from ..engine import evaluate
from ..money import allocate
from ..result import to_json
from ..streams import projection_issues
from ..validate import equity_issues, project_all
from .case import Case, Expansion, Version, _ratio_text, expand
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
         actuals: dict[tuple[str, int], int], from_year: int = 1,
         counted: dict[tuple[str, str | None], int] | None = None
         ) -> tuple[Expansion, dict[str, Any]]:
    """Run one version; from_year > 1: amounts of earlier years zero, cumulative caps reduced
    by ``counted`` (fen received so far, by clause id and enterprise)."""
    ex = expand(case, version, register)
    if counted:
        _carry_caps(case, ex, counted)
    try:
        contract = parse_expanded(ex.doc)
    except InvalidContract as e:  # a clause instance an enterprise makes invalid
        raise InvalidContract([issue(f"(version {version.number} with the register)",
                                     "case_instance", "{message}", message=str(i))
                               for i in e.issues]) from None
    amounts = stream_amounts(case, ex, contract, register, actuals)
    if from_year > 1:
        for arr in amounts.values():
            arr[:, : from_year - 1] = 0
    doc = to_json(evaluate(contract, amounts))
    return ex, doc


def parse_expanded(doc: dict[str, Any]) -> ExpandedContract:
    """The checks of :func:`sharing.validate.parse_contract` (§3.7), on the widened model."""
    try:
        contract = ExpandedContract.model_validate(doc)
    except ValidationError as e:
        raise InvalidContract(from_pydantic(e.errors(include_url=False), UNION_TAGS)) from None
    issues = check(contract)
    if issues:
        raise InvalidContract(issues)
    projections = project_all(contract)
    issues = projection_issues(contract, projections) or equity_issues(contract, projections)
    if issues:
        raise InvalidContract(issues)
    return contract


def _cumulative_cap_fen(case: Case, cl: dict[str, Any]) -> int | None:
    """A timing-contract split's single cumulative cap in fen (None: none or per stream)."""
    cap = cl.get("cap")
    if not isinstance(cap, dict) or cap.get("cumulative") is None:
        return None
    if cl.get("kind") != "tax_split" or cl.get("timing", "contract") != "contract":
        return None
    unit = case.base.unit_fen
    if cap["cumulative"] == "pre_relocation_total":
        streams = {s.id: s for s in case.base.streams}
        total = sum((Fraction(v) for sid in cl.get("streams") or []
                     for v in (streams[sid].pre_relocation_tax or []) if sid in streams),
                    Fraction(0))
        return int(total * unit)
    return int(exact(cap["cumulative"]) * unit)


def _carry_caps(case: Case, ex: Expansion, counted: dict[tuple[str, str | None], int]) -> None:
    """Each cumulative cap of this version starts from what was counted before (§6.3)."""
    unit = case.base.unit_fen
    for cl in ex.doc["clauses"]:
        key = (ex.clause_names.get(cl.get("id"), cl.get("id")),
               ex.clause_enterprise.get(cl.get("id")))
        if key not in counted:
            continue
        cap_fen = _cumulative_cap_fen(case, cl)
        if cap_fen is None:
            continue
        room = max(0, cap_fen - counted[key])
        cl["cap"] = dict(cl["cap"], cumulative=_ratio_text(Fraction(room, unit)))


def _counted_so_far(case: Case, version: Version, entries: list[dict[str, Any]],
                    register: list[Enterprise]) -> dict[tuple[str, str | None], int]:
    """Fen each capped party received as ``share`` from each capped clause so far."""
    out: dict[tuple[str, str | None], int] = {}
    by_code = {e.code: e for e in register}
    capped = {}
    for cl in version.clauses:
        cap = cl.get("cap")
        if isinstance(cap, dict) and cap.get("cumulative") is not None:
            capped[cl.get("id")] = cap.get("party")
    for e in entries:
        party = capped.get(e["clause"])
        if party is None or e["kind"] != "share":
            continue
        if party == "from" and e["enterprise"]:
            party = by_code[e["enterprise"]].from_party
        if e["party"] == party:
            key = (e["clause"], e["enterprise"])
            out[key] = out.get(key, 0) + e["amount"]
    return out


def compute_case(case: Case, register: list[Enterprise], actuals: dict[tuple[str, int], int],
                 *, as_signed: bool = False) -> CaseResult:
    """The case with these inputs; ``as_signed``: version 1 in every year (§6.3)."""
    by_year = [1] * case.years if as_signed else case.versions_by_year()
    c = case.base
    entries: list[dict[str, Any]] = []
    ind_entries: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    pools: dict[str, list[int]] = {}
    runs: dict[int, tuple[Expansion, dict[str, Any]]] = {}
    many = len(set(by_year)) > 1
    for m, k, end in _segments(by_year):
        version = case.versions[k - 1]
        if m > 1:
            previous = case.versions[by_year[m - 2] - 1]
            _refuse_uncarried(case, previous, version, m, entries, pools)
            entries += _removed_pool_residuals(case, previous, version, m, pools)
            counted = _counted_so_far(case, version, entries, register)
            ex, doc = _run(case, version, register, actuals, m, counted)
        else:
            ex, doc = _run(case, version, register, actuals)
        runs.setdefault(k, (ex, doc))
        rename = _renamer(ex)
        first_cal, last_cal = c.calendar(m), c.calendar(end)
        for src, dst in ((doc["entries"], entries), (doc["indicator_entries"], ind_entries)):
            dst += [_mapped(e, ex, k, many, rename) for e in src
                    if first_cal <= e["year"] <= last_cal]
        for t in range(m, end + 1):
            cal = c.calendar(t)
            for ev in doc["events"]:
                if ev["year"] == cal:
                    out = dict(ev, clause=ex.clause_names.get(ev["clause"], ev["clause"]),
                               version=k, detail=rename(ev["detail"]))
                    if ev["clause"] in ex.clause_enterprise:
                        out["enterprise"] = ex.clause_enterprise[ev["clause"]]
                    events.append(out)
            for cid, cl in doc["clauses"].items():
                if cl["kind"] == "risk_pool":
                    pools.setdefault(cid, [0] * case.years)[t - 1] = fen(cl["pool_balances"][t - 1])
    first_ex, full = runs[by_year[0]]  # never zeroed: the case's stream amounts
    shareable: dict[str, list[int]] = {}
    kinds: dict[str, str] = {}
    templates = {t.id for t in case.templates}
    for sid, st in full["streams"].items():
        name = first_ex.stream_names.get(sid, sid)
        if name in templates:
            continue
        shareable[name] = [fen(v) for v in st["shareable_by_year"]]
        kinds[name] = st["kind"]
    seen = set()
    ineligible = []
    for k in sorted(runs):
        for item in runs[k][0].ineligible:
            key = (item["clause"], item["enterprise"])
            if key not in seen:
                seen.add(key)
                ineligible.append(item)
    return CaseResult(case, register, by_year, entries, ind_entries, events, shareable, kinds,
                      pools, ineligible)


def _segments(by_year: list[int]) -> list[tuple[int, int, int]]:
    """(first contract year, version, last contract year) of each run of equal versions."""
    out: list[tuple[int, int, int]] = []
    for t, k in enumerate(by_year, start=1):
        if out and out[-1][1] == k:
            out[-1] = (out[-1][0], k, t)
        else:
            out.append((t, k, t))
    return out


def _refuse_uncarried(case: Case, old: Version, new: Version, m: int,
                      entries: list[dict[str, Any]], pools: dict[str, list[int]]) -> None:
    """Refuse what this implementation does not carry across a version change (module doc)."""
    old_ids = {cl.get("id"): cl for cl in old.clauses}
    problems = []
    for cl in new.clauses:
        cid, kind = cl.get("id"), cl.get("kind")
        if kind == "risk_pool" and cid in old_ids and pools.get(cid, [0] * m)[m - 2]:
            problems.append(cid)
        elif kind == "equity" and cid in old_ids and any(
                e["clause"] == cid and e["kind"] == "retained" and e["amount"] < 0
                for e in entries):
            problems.append(cid)
        elif kind == "exit" and any(not (isinstance(tr, dict) and tr.get("when") == "in_year")
                                    for tr in cl.get("triggers") or []):
            problems.append(cid)
        elif (cid in old_ids and isinstance(cl.get("cap"), dict)
              and cl["cap"].get("cumulative") is not None
              and _cumulative_cap_fen(case, cl) is None
              and any(e["clause"] == cid and e["kind"] == "share" for e in entries)):
            problems.append(cid)
    if problems:
        raise InvalidContract([issue("amendments", "amendment_state",
                                     "the version in force from contract year {t} keeps clause "
                                     "{clause}, whose state (a pool balance, an equity deficit, "
                                     "exit trigger counts or per-stream cap counts) cannot be "
                                     "carried across versions yet", t=m, clause=cid)
                               for cid in problems])


def _removed_pool_residuals(case: Case, old: Version, new: Version, m: int,
                            pools: dict[str, list[int]]) -> list[dict[str, Any]]:
    """A pool the new version removes pays its balance at the end of year m − 1 by the
    residual shares of the old version (§6.3, §3.4); its balance is then 0."""
    new_ids = {cl.get("id") for cl in new.clauses}
    out: list[dict[str, Any]] = []
    c = case.base
    for cl in old.clauses:
        cid = cl.get("id")
        if cl.get("kind") != "risk_pool" or cid in new_ids or cid not in pools:
            continue
        balance = pools[cid][m - 2]
        if not balance:
            continue
        shares_map = cl.get("residual_shares") or {c.receiving: 1}
        order = [p.id for p in c.parties if p.id in shares_map]
        parts = allocate(np.asarray([balance], dtype=np.int64),
                         [exact(shares_map[p]) for p in order])
        for p, part in zip(order, parts, strict=True):
            amount = int(np.asarray(part).reshape(-1)[0])
            if amount:
                out.append({"year": c.calendar(m - 1), "clause": cid, "stream": None,
                            "enterprise": None, "party": p, "kind": "residual",
                            "amount": amount, "version": old.number,
                            "why": f"[version {old.number}] pool {cid} is removed from contract "
                                   f"year {m}: balance {format_yuan(balance)} × residual share "
                                   f"{shares_map[p]}"})
        for t in range(m - 1, case.years + 1):
            pools[cid][t - 1] = 0
    return out


_INTERNAL = re.compile(r"\b(x*(?:e\d+_\d+|c\d+_e\d+))\b")


def _renamer(ex: Expansion):
    """Internal stream and instance ids in a text replaced by their §6 names (ids of the
    shapes :func:`.case.expand` makes, looked up; anything else is left as it is)."""
    names = {**ex.stream_names,
             **{i: f"{ex.clause_names[i]} ({ex.clause_enterprise[i]})" for i in ex.clause_names}}
    if not names:
        return lambda text: text

    def rename(text):
        if not text:
            return text
        return _INTERNAL.sub(lambda m: names.get(m.group(1), m.group(1)), text)
    return rename


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
        grouped = by_enterprise(result.entries)
        for ent in result.register:
            mine = grouped.get(ent.code, [])
            doc["enterprises"][ent.code] = {
                "name": ent.name, "from": ent.from_party,
                "parties": {p.id: _net(party_net(result, p.id, mine)) for p in c.parties}}
        rest = [e for e in result.entries if not e["enterprise"]]
        doc["not_by_enterprise"] = {p.id: _net(party_net(result, p.id, rest)) for p in c.parties}
        doc["ineligible"] = [_ineligible(i, c.unit_fen) for i in result.ineligible]
    return doc


def by_enterprise(entries: list[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    """Entries grouped by their enterprise code (None: not from an enterprise)."""
    out: dict[str | None, list[dict[str, Any]]] = {}
    for e in entries:
        out.setdefault(e["enterprise"], []).append(e)
    return out


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
