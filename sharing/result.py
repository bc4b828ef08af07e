"""The result of one scenario as the §4 JSON document.

Amounts are decimal strings in yuan with two decimals (``"1234.50"``), never floats; NPV to
the fen; IRR to six places; years are calendar years. The contract's SHA-256 is taken over
its canonical JSON (sorted keys, no spaces, exact numbers written canonically), so the same
contract and engine version reproduce the same result byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from schemas.contract import Contract

from . import __version__
from .engine import Run
from .explain_text import Names, render
from .finance import format_rate, irr, npv
from .ledger import ENTRY_KINDS
from .money import format_yuan

ENGINE_NAME = "benefit-sharing"


def canonical_json(contract: Contract) -> str:
    doc = contract.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def contract_sha256(contract: Contract) -> str:
    return hashlib.sha256(canonical_json(contract).encode("utf-8")).hexdigest()


def _ratio(x) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


#: Fields holding text rendered from an explanation record, in the document's language:
#: left out of the result hash, so a language never changes it (schemas.result).
TEXT_FIELDS = ("why", "detail", "lang")


def to_json(run: Run, s: int = 0, *, explain: bool = True, lang: str = "en") -> dict[str, Any]:
    """Scenario s of a run as the §4 document (a plain dict, ready for json.dumps).

    Each entry carries its ``explanation`` record (sharing.explain) and its ``why``, the
    record rendered in ``lang`` ("zh" or "en"). ``explain=False`` leaves every record and
    ``why`` empty: for a program that reads only the amounts (the static check), where
    building thousands of records would be most of the work. Such a document is not the §4
    result; never show it."""
    c = run.contract
    names = Names.of_contract(c)
    led = run.ledger
    L = int(run.last[s])
    years = [c.calendar(t) for t in range(1, c.years + 1)]
    parties: dict[str, Any] = {}
    for i, p in enumerate(c.parties):
        flows = [int(v) for v in led.net[i, s]]
        rate = p.discount_rate if p.discount_rate is not None else c.discount_rate
        totals = {}
        for kind in ENTRY_KINDS:
            acc = led.by_kind.get(kind)
            if acc is not None:
                v = int(acc[i, s].sum())
                if v:
                    totals[kind] = format_yuan(v)
        parties[p.id] = {
            "name": p.name,
            "role": p.role,
            "net_by_year": [format_yuan(v) for v in flows],
            "net_total": format_yuan(sum(flows)),
            "npv": format_yuan(npv(flows, rate)),
            "discount_rate": str(rate),
            "irr": format_rate(irr(flows)),
            "totals_by_kind": totals,
        }
    has_indicators = any(st.kind == "indicator" for st in c.streams)
    indicators: dict[str, Any] = {}
    if has_indicators:
        for i, p in enumerate(c.parties):
            vals = [int(v) for v in led.indicators[i, s]]
            indicators[p.id] = {"net_by_year": [format_yuan(v) for v in vals],
                                "net_total": format_yuan(sum(vals))}

    def entry(e, with_mode: bool = False) -> dict[str, Any] | None:
        amount = int(e.amount[s])
        if amount == 0:
            return None
        record = e.why(s) if explain else None
        out = {"year": c.calendar(e.year + 1), "clause": e.clause, "stream": e.stream,
               "party": e.party, "kind": e.kind, "amount": format_yuan(amount),
               "explanation": record, "why": render(record, lang, names)}
        if with_mode:
            out["mode"] = e.mode
        return out

    entries = [x for x in (entry(e) for e in led.entries) if x is not None]
    ind_entries = [x for x in (entry(e, True) for e in led.indicator_entries) if x is not None]
    def event(ev) -> dict[str, Any]:
        record = ev.detail(s)
        return {"year": c.calendar(ev.year + 1), "clause": ev.clause, "kind": ev.kind,
                "explanation": record, "detail": render(record, lang, names)}

    events = [event(ev) for ev in led.events if ev.mask[s]]
    events.sort(key=lambda ev: ev["year"])
    streams: dict[str, Any] = {}
    projections = c._derived.get("projections", {})
    for st in c.streams:
        values = [int(v) for v in run.shareable[st.id][s]]
        proj = projections.get(st.id)
        same = proj is not None and proj.shareable == values
        records = ([proj.why(t) for t in range(1, c.years + 1)] if same and explain else None)
        streams[st.id] = {
            "kind": st.kind,
            "shareable_by_year": [format_yuan(v) for v in values],
            "explanation": records,
            "why": None if records is None else [render(r, lang, names) for r in records],
        }
    clauses: dict[str, Any] = {}
    for cid, eq in run.equity.items():
        ratios = {p: [] for p in led.parties}
        for t, row in enumerate(eq.ratios, start=1):
            for i, p in enumerate(led.parties):
                ratios[p].append(None if row is None or t > L else _ratio(row[i]))
        clauses[cid] = {
            "kind": "equity",
            "equity_ratios": ratios,
            "deficits": [None if t > L else format_yuan(int(d[s]))
                         for t, d in enumerate(eq.deficits, start=1)],
        }
    for cid, pool in run.pools.items():
        clauses[cid] = {"kind": "risk_pool",
                        "pool_balances": [format_yuan(int(b[s])) for b in pool.balances]}
    doc = {
        "engine": {"name": ENGINE_NAME, "version": __version__},
        "contract_sha256": contract_sha256(c),
        "name": c.name,
        "lang": lang,
        "names": {"parties": {p.id: p.name for p in c.parties},
                  "streams": {st.id: st.name for st in c.streams},
                  "clauses": {cl.id: cl.name for cl in c.clauses}},
        "start_year": c.start_year,
        "unit": "yuan",
        "years": years,
        "last_year": c.calendar(L) if run.exit is not None else None,
        "parties": parties,
        "indicators": indicators,
        "streams": streams,
        "entries": entries,
        "indicator_entries": ind_entries,
        "events": events,
        "clauses": clauses,
    }
    doc["result_sha256"] = result_sha256(doc)
    return doc


def structured(doc: dict[str, Any]) -> dict[str, Any]:
    """A result without its rendered texts (TEXT_FIELDS) and its hash: what the hash is
    taken over, the same in every language."""
    body = {k: v for k, v in doc.items() if k != "result_sha256" and k not in TEXT_FIELDS}
    for key in ("entries", "indicator_entries", "events"):
        if key in body:
            body[key] = [{k: v for k, v in e.items() if k not in TEXT_FIELDS}
                         for e in body[key]]
    if "streams" in body:
        body["streams"] = {sid: {k: v for k, v in st.items() if k not in TEXT_FIELDS}
                           for sid, st in body["streams"].items()}
    return body


def result_sha256(doc: dict[str, Any]) -> str:
    """SHA-256 of a result's canonical JSON over its structured part (:func:`structured`):
    the explanation records, never their text, so a language never changes it."""
    body = structured(doc)
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def conformance_shape(result: dict[str, Any]) -> dict[str, Any]:
    """Map a §4 result to the keys of shared/conformance/expected/*.json."""
    out: dict[str, Any] = {
        "parties": {p: {"net_by_year": v["net_by_year"], "net_total": v["net_total"],
                        "totals_by_kind": v["totals_by_kind"]}
                    for p, v in result["parties"].items()},
        "indicators": result["indicators"],
        "events": sorted([ev["year"], ev["clause"], ev["kind"]] for ev in result["events"]),
    }
    pools = {cid: v["pool_balances"] for cid, v in result["clauses"].items()
             if v["kind"] == "risk_pool"}
    if pools:
        out["pool_balances"] = pools
    equity = {cid: v for cid, v in result["clauses"].items() if v["kind"] == "equity"}
    if equity:
        out["equity_ratios"] = {cid: v["equity_ratios"] for cid, v in equity.items()}
        out["deficits"] = {cid: v["deficits"] for cid, v in equity.items()}
    if result["last_year"] is not None:
        out["last_year"] = result["last_year"]
    return out

