"""The case contract: its §6 fields, its versions, and each version as a plain contract.

A case contract is a §5 contract that may add ``enterprise_streams``, ``amendments``,
``collector`` and per-enterprise clauses (semantics §6.1, §6.3, §6.4). This module

- reads and checks those fields (:class:`schemas.case.CaseFields`), builds the clause list of
  every version (§6.3: a clause with an existing id replaces it in its place, a new one is
  added at the end, ``remove`` ends clauses) and checks each version as a contract (§3.7)
  independently of any register ("the register never decides whether a contract is valid");
- expands a version, for a given register, into a plain §1–5 contract the existing engine
  runs unchanged: one stream per enterprise and template (internal id, mapped back to
  ``E/S``) and, for each per-enterprise clause, one ``tax_split`` instance per eligible
  enterprise in register order, in the clause's place (§6.1 order), with ``from`` resolved to
  the enterprise's party, segment years shifted from life years (production year = life
  year 1) to contract years, and the cap's ``pre_relocation_total`` the sum of the
  enterprise's pre-move values. A buffer instance carries its generated schedule (§3.2: a
  buffer is a split with a generated schedule). Years before the production year are not
  covered by any segment, so trial production goes to the receiving party as ``unclaimed``.

Chosen for this first implementation (docs/operating.md): enterprises are expanded into
instances, not a batch axis of the engine.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from pydantic import ValidationError

from schemas.case import CASE_FIELDS, CLAUSE_FIELDS, CaseFields, EnterpriseStream, PerEnterprise
from schemas.contract import UNION_TAGS, Buffer, Contract
from schemas.errors import InvalidContract, Issue, from_pydantic, issue
from schemas.numbers import exact

from ..validate import parse_contract
from .enterprise import Enterprise

PER_ENTERPRISE_KINDS = ("tax_split", "buffer")


@dataclass
class Version:
    number: int  # 1 = as signed
    name: str
    effective_from: int  # contract year
    clauses: list[dict[str, Any]]


@dataclass
class Case:
    """A case contract, checked; ``base`` is version 1 as a plain contract (no register)."""

    doc: dict[str, Any]  # the §5 part of the file (version 1's clauses)
    templates: list[EnterpriseStream]
    versions: list[Version]
    collector: str
    base: Contract
    raw: dict[str, Any] = field(default_factory=dict)  # the file as read, all versions

    @property
    def start_year(self) -> int:
        return self.base.start_year

    @property
    def years(self) -> int:
        return self.base.years

    def version_in_force(self, t: int) -> Version:
        """The last version with effective_from ≤ t (§6.3)."""
        return [v for v in self.versions if v.effective_from <= t][-1]

    def versions_by_year(self) -> list[int]:
        return [self.version_in_force(t).number for t in range(1, self.years + 1)]

    def template(self, name: str) -> EnterpriseStream | None:
        """A template by its id or its exact name (§6.0)."""
        for t in self.templates:
            if t.id == name:
                return t
        for t in self.templates:
            if t.name and t.name == name:
                return t
        return None

    def party(self, name: str) -> str | None:
        """A party by its id or its exact display name (§6.0)."""
        for p in self.base.parties:
            if p.id == name:
                return p.id
        for p in self.base.parties:
            if p.name and p.name == name:
                return p.id
        return None

    def per_enterprise_clauses(self) -> list[tuple[Version, dict[str, Any]]]:
        return [(v, c) for v in self.versions for c in v.clauses if c.get("per_enterprise")]

    def has_register_clauses(self) -> bool:
        return bool(self.templates)


# ---- reading ----------------------------------------------------------------------------------

def load_case(doc: dict[str, Any]) -> Case:
    """Check a case contract document; raise InvalidContract with every problem found."""
    raw = copy.deepcopy(doc)
    doc = copy.deepcopy(doc)
    fields_doc = {k: doc.pop(k) for k in CASE_FIELDS if k in doc}
    try:
        fields = CaseFields.model_validate(fields_doc)
    except ValidationError as e:
        raise InvalidContract(from_pydantic(e.errors(include_url=False), UNION_TAGS)) from None
    if fields.enterprise_streams and not doc.get("streams"):
        doc["streams"] = []
    issues = _template_issues(doc, fields.enterprise_streams)
    versions, more = _versions(doc, fields)
    issues += more
    if issues:
        raise InvalidContract(issues)
    base: Contract | None = None
    for v in versions:
        try:
            contract = parse_contract(template_contract(doc, fields.enterprise_streams,
                                                        v.clauses))
        except InvalidContract as e:
            prefix = "" if v.number == 1 else f"amendments[{v.number - 2}] (version {v.number}): "
            issues += [Issue(prefix + i.path, i.template, i.params, i.code) for i in e.issues]
            continue
        if v.number == 1:
            base = contract
    if issues:
        raise InvalidContract(issues)
    assert base is not None
    collector = fields.collector or base.receiving
    if collector not in base.party_index():
        raise InvalidContract([issue("collector", "unknown_party",
                                     "{value} is not a party of the contract", value=collector)])
    return Case(doc, fields.enterprise_streams, versions, collector, base, raw)


def _template_issues(doc: dict[str, Any], templates: list[EnterpriseStream]) -> list[Issue]:
    out = []
    stream_ids = {s.get("id") for s in doc.get("streams") or [] if isinstance(s, dict)}
    seen: dict[str, int] = {}
    for i, t in enumerate(templates):
        path = f"enterprise_streams[{i}]"
        if t.id in stream_ids:
            out.append(issue(f"{path}.id", "template_id", "{value} is already a stream id; a "
                             "template needs its own id", value=t.id))
        for key in (t.id, t.name):
            if not key:
                continue
            if key in seen and seen[key] != i:
                out.append(issue(path, "template_name", "{value} names two templates; template "
                                 "ids and names must all differ", value=key))
            seen.setdefault(key, i)
        if "/" in t.name:
            out.append(issue(f"{path}.name", "template_slash", "a template name may not contain "
                             "/: {value}", value=t.name))
    parties = doc.get("parties") or []
    names = [p.get("name") for p in parties if isinstance(p, dict) and p.get("name")]
    ids = {p.get("id") for p in parties if isinstance(p, dict)}
    for i, p in enumerate(parties):
        if not isinstance(p, dict) or not p.get("name"):
            continue
        if names.count(p["name"]) > 1 or p["name"] in ids:
            out.append(issue(f"parties[{i}].name", "party_name", "{value}: party display names "
                             "must be unique and differ from every party id", value=p["name"]))
    return out


def _versions(doc: dict[str, Any], fields: CaseFields) -> tuple[list[Version], list[Issue]]:
    clauses = list(doc.get("clauses") or [])
    versions = [Version(1, "as signed", 1, clauses)]
    out: list[Issue] = []
    last = 0
    years = doc.get("years") if isinstance(doc.get("years"), int) else None
    for k, am in enumerate(fields.amendments):
        path = f"amendments[{k}]"
        if am.effective_from <= last:
            out.append(issue(f"{path}.effective_from", "amendment_order", "effective_from "
                             "{value} must be later than the previous amendment's {last}",
                             value=am.effective_from, last=last))
        if years is not None and am.effective_from > years:
            out.append(issue(f"{path}.effective_from", "amendment_year", "effective_from "
                             "{value} lies after the contract's last year {years}",
                             value=am.effective_from, years=years))
        last = am.effective_from
        current = [dict(c) for c in versions[-1].clauses]
        index = {c.get("id"): i for i, c in enumerate(current)}
        for j, cl in enumerate(am.clauses):
            cid = cl.get("id")
            if cid in index:
                old = current[index[cid]]
                if old.get("kind") != cl.get("kind"):
                    out.append(issue(f"{path}.clauses[{j}].kind", "amendment_kind",
                                     "{value} replaces clause {id} of kind {old}; a replacing "
                                     "clause keeps its kind", value=cl.get("kind"), id=cid,
                                     old=old.get("kind")))
                current[index[cid]] = cl
            else:
                index[cid] = len(current)
                current.append(cl)
        for j, rid in enumerate(am.remove):
            if rid not in index:
                out.append(issue(f"{path}.remove[{j}]", "amendment_remove", "{value} is not a "
                                 "clause of the version it amends", value=rid))
                continue
            current = [c for c in current if c.get("id") != rid]
            index = {c.get("id"): i for i, c in enumerate(current)}
        versions.append(Version(k + 2, am.id, am.effective_from, current))
    return versions, out


# ---- expansion ---------------------------------------------------------------------------------

def _ratio_text(f: Fraction) -> str | int:
    return f.numerator if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _segment_years(text: Any) -> tuple[int, int]:
    s = str(text).strip()
    if "-" in s:
        a, b = s.split("-", 1)
        return int(a), int(b)
    return int(s), int(s)


@dataclass
class Expansion:
    """A version as a plain contract document, with the maps back to §6 names."""

    doc: dict[str, Any]
    stream_names: dict[str, str]  # internal stream id -> "E/S"
    stream_enterprise: dict[str, str]  # internal stream id -> enterprise code
    clause_names: dict[str, str]  # instance id -> clause id
    clause_enterprise: dict[str, str]  # instance id -> enterprise code
    ineligible: list[dict[str, Any]]


def template_contract(doc: dict[str, Any], templates: list[EnterpriseStream],
                      clauses: list[dict[str, Any]]) -> dict[str, Any]:
    """A version checked without a register: templates as streams of their own, each
    per-enterprise clause as the instance of a stand-in enterprise of the first sending party
    that starts in year 1 (so every field of the clause is checked where it stands)."""
    parties = [p for p in doc.get("parties") or [] if isinstance(p, dict)]
    stand_in = next((p.get("id") for p in parties if p.get("role") == "sending"),
                    next((p.get("id") for p in parties if p.get("role") == "other"), "from"))
    start = doc.get("start_year") if isinstance(doc.get("start_year"), int) else 0
    ent = Enterprise("template", "", stand_in, start, start, 0)
    ids = {t.id: t.id for t in templates}
    ids.update({t.name: t.id for t in templates if t.name})
    return _expand(doc, templates, clauses, [ent], lambda e, tid: tid, ids,
                   stand_in_check=True).doc


def expand(case: Case, version: Version, register: list[Enterprise]) -> Expansion:
    """Version ``version`` of the case with this register, as a plain contract (§6.1)."""
    used = {s["id"] for s in case.doc.get("streams") or []} | {
        c.get("id") for v in case.versions for c in v.clauses}
    names: dict[tuple[int, str], str] = {}
    for i, _e in enumerate(register):
        for j, t in enumerate(case.templates):
            sid = f"e{i + 1}_{j + 1}"
            while sid in used:
                sid = "x" + sid
            names[(i, t.id)] = sid
    index = {e.code: i for i, e in enumerate(register)}
    ids = {t.id: t.id for t in case.templates}
    ids.update({t.name: t.id for t in case.templates if t.name})
    return _expand(case.doc, case.templates, version.clauses, register,
                   lambda e, tid: names[(index[e.code], tid)], ids, used=used)


def _expand(doc: dict[str, Any], templates: list[EnterpriseStream],
            clauses: list[dict[str, Any]], register: list[Enterprise], stream_id,
            template_ids: dict[str, str], stand_in_check: bool = False,
            used: set[str] | None = None) -> Expansion:
    out = copy.deepcopy({k: v for k, v in doc.items() if k != "clauses"})
    years = out.get("years") if isinstance(out.get("years"), int) else 1
    start = out.get("start_year") if isinstance(out.get("start_year"), int) else 0
    receiving = next((p.get("id") for p in out.get("parties") or []
                      if isinstance(p, dict) and p.get("role") == "receiving"), None)
    streams = list(out.get("streams") or [])
    stream_names: dict[str, str] = {}
    stream_enterprise: dict[str, str] = {}
    for e in register:
        for t in templates:
            sid = stream_id(e, t.id)
            st: dict[str, Any] = {"id": sid, "kind": t.kind, "series": [0] * years}
            if t.local_retention is not None:
                st["local_retention"] = t.local_retention
            streams.append(st)
            stream_names[sid] = f"{e.code}/{t.id}"
            stream_enterprise[sid] = e.code
    out["streams"] = streams
    new_clauses: list[dict[str, Any]] = []
    instances: dict[str, list[str]] = {}
    clause_names: dict[str, str] = {}
    clause_enterprise: dict[str, str] = {}
    ineligible: list[dict[str, Any]] = []
    taken = set(used or ())
    for ci, cl in enumerate(clauses):
        if not isinstance(cl, dict) or not cl.get("per_enterprise"):
            if isinstance(cl, dict):
                extra = [k for k in CLAUSE_FIELDS if k in cl]
                if extra and not stand_in_check:
                    cl = {k: v for k, v in cl.items() if k not in CLAUSE_FIELDS}
                elif extra:
                    cl = _checked_aggregate(cl, ci)
            new_clauses.append(cl)
            continue
        pe = _per_enterprise_fields(cl, ci)
        instances[cl["id"]] = []
        n = pe.eligibility.pre_years if pe.eligibility else 3
        for e in register:
            pre = e.pre_values(n)
            if pe.eligibility and pe.eligibility.min_average is not None and not stand_in_check:
                mean = sum(pre, Fraction(0)) / n if pre is not None else Fraction(0)
                if mean < pe.eligibility.min_average:
                    ineligible.append({"clause": cl["id"], "enterprise": e.code, "name": e.name,
                                       "average": mean, "threshold": pe.eligibility.min_average})
                    continue
            inst = _instance(cl, e, [stream_id(e, template_ids.get(s, s))
                                     for s in cl.get("streams") or []],
                             sum(pre or [], Fraction(0)), start, years, receiving,
                             stand_in_check)
            if inst is None:
                continue
            if not stand_in_check:
                iid = f"c{ci + 1}_e{len(instances[cl['id']]) + 1}"
                while iid in taken:
                    iid = "x" + iid
                taken.add(iid)
                inst["id"] = iid
            clause_names[inst["id"]] = cl["id"]
            clause_enterprise[inst["id"]] = e.code
            instances[cl["id"]].append(inst["id"])
            new_clauses.append(inst)
    if not stand_in_check:
        new_clauses = [_rewrite_references(c, instances) for c in new_clauses]
    out["clauses"] = new_clauses
    return Expansion(out, stream_names, stream_enterprise, clause_names, clause_enterprise,
                     ineligible)


def _checked_aggregate(cl: dict[str, Any], ci: int) -> dict[str, Any]:
    pe = _per_enterprise_fields(cl, ci)
    if pe.eligibility is not None:
        raise InvalidContract([issue(f"clauses[{ci}].eligibility", "eligibility_aggregate",
                                     "eligibility applies only with per_enterprise: true")])
    return {k: v for k, v in cl.items() if k not in CLAUSE_FIELDS}


def _per_enterprise_fields(cl: dict[str, Any], ci: int) -> PerEnterprise:
    try:
        pe = PerEnterprise.model_validate({k: cl[k] for k in CLAUSE_FIELDS if k in cl})
    except ValidationError as e:
        issues = from_pydantic(e.errors(include_url=False), UNION_TAGS)
        raise InvalidContract([Issue(f"clauses[{ci}].{i.path}", i.template, i.params, i.code)
                               for i in issues]) from None
    problems = []
    if pe.per_enterprise and cl.get("kind") not in PER_ENTERPRISE_KINDS:
        problems.append(issue(f"clauses[{ci}].per_enterprise", "per_enterprise_kind",
                              "per_enterprise applies to tax_split and buffer clauses, not to "
                              "{value}", value=cl.get("kind")))
    if pe.per_enterprise and "timing" in cl:
        problems.append(issue(f"clauses[{ci}].timing", "per_enterprise_timing",
                              "a per-enterprise clause counts life years from each enterprise's "
                              "production year; timing is not allowed"))
    if pe.per_enterprise and not cl.get("streams"):
        problems.append(issue(f"clauses[{ci}].streams", "per_enterprise_streams",
                              "a per-enterprise clause must name its enterprise stream templates"))
    if problems:
        raise InvalidContract(problems)
    return pe


def _instance(cl: dict[str, Any], e: Enterprise, streams: list[str], pre_total: Fraction,
              start: int, years: int, receiving: str | None,
              stand_in: bool) -> dict[str, Any] | None:
    """Clause ``cl`` applied to enterprise ``e`` alone, as a timing-contract tax_split."""
    def party(p: Any) -> Any:
        return e.from_party if p == "from" else p

    offset = e.production_year - start  # contract year = offset + life year
    kind = cl.get("kind")
    inst: dict[str, Any] = {"id": cl.get("id"), "kind": "tax_split", "streams": streams}
    if cl.get("name"):
        inst["name"] = cl["name"]
    segments: list[dict[str, Any]] = []
    if kind == "buffer":
        body = {k: v for k, v in cl.items() if k not in CLAUSE_FIELDS}
        body["party"] = party(body.get("party"))
        body["streams"] = None
        body.pop("streams")
        try:
            buf = Buffer.model_validate(body)
        except ValidationError:
            return _stand_in_buffer(cl, streams) if stand_in else None
        to = party(cl.get("to")) or receiving
        for k in range(1, buf.years + 1):
            t = offset + k
            if not 1 <= t <= years:
                continue
            s = buf.share_in_life_year(k)
            shares: dict[str, Fraction] = {}
            shares[buf.party] = shares.get(buf.party, Fraction(0)) + s
            shares[to] = shares.get(to, Fraction(0)) + (1 - s)
            segments.append({"years": str(t), "shares": {p: _ratio_text(v)
                                                         for p, v in shares.items()}})
        inst["basis"] = cl.get("basis", "total")
    else:
        for seg in cl.get("schedule") or []:
            a, b = _segment_years(seg.get("years"))
            a, b = max(a + offset, 1), min(b + offset, years)
            if a > b:
                continue
            raw = seg.get("shares") or {}
            if "from_equity" in raw:
                shares_out: Any = raw
            else:
                merged: dict[str, Fraction] = {}
                for p, v in raw.items():
                    merged[party(p)] = merged.get(party(p), Fraction(0)) + exact(v)
                shares_out = {p: _ratio_text(v) for p, v in merged.items()}
            segments.append({"years": f"{a}-{b}" if a != b else str(a), "shares": shares_out})
        inst["basis"] = cl.get("basis", "increment")
    if not segments:
        if stand_in:
            return {k: v for k, v in cl.items() if k not in CLAUSE_FIELDS} | {"streams": streams}
        return None
    inst["schedule"] = segments
    if "baseline" in cl and isinstance(cl["baseline"], dict):
        bl = dict(cl["baseline"])
        if "owner" in bl:
            bl["owner"] = party(bl["owner"])
        growth = exact(bl.get("growth", 0))
        amount = e.baseline if e.baseline is not None else Fraction(0)
        if offset and growth:
            amount = amount / (1 + growth) ** offset
        bl["amount"] = _ratio_text(amount)
        inst["baseline"] = bl
    elif inst["basis"] == "increment" and e.baseline is not None:
        inst["baseline"] = {"amount": _ratio_text(e.baseline)}
    if isinstance(cl.get("cap"), dict):
        cap = dict(cl["cap"])
        cap["party"] = party(cap.get("party"))
        if cap.get("cumulative") == "pre_relocation_total":
            cap["cumulative"] = _ratio_text(pre_total)
        inst["cap"] = cap
    return inst


def _stand_in_buffer(cl: dict[str, Any], streams: list[str]) -> dict[str, Any]:
    """An invalid buffer is checked as written, so its own errors are reported at its path."""
    body = {k: v for k, v in cl.items() if k not in CLAUSE_FIELDS}
    body["streams"] = streams
    return body


def _rewrite_references(cl: dict[str, Any], instances: dict[str, list[str]]) -> dict[str, Any]:
    """A pool funded by, or a guarantee counting, a per-enterprise clause: its instances,
    in register order (§6.1 order)."""
    if not instances or cl.get("kind") != "risk_pool":
        return cl
    cl = copy.deepcopy(cl)
    funded = []
    for f in cl.get("funded_by") or []:
        if isinstance(f, dict) and f.get("clause") in instances:
            funded += [dict(f, clause=i) for i in instances[f["clause"]]]
        else:
            funded.append(f)
    if "funded_by" in cl:
        cl["funded_by"] = funded
    for g in cl.get("guarantees") or []:
        if isinstance(g, dict) and isinstance(g.get("counts"), list):
            g["counts"] = [i for c in g["counts"] for i in instances.get(c, [c])]
    return cl
