"""A contract's field path as a person reads it, in the reader's language (§5).

``clauses[1].schedule[0].shares`` (a validation issue's path) and
``clauses.split.schedule[0].shares.sh`` (a negotiation parameter's path) both become
条款 2「增量分成」· 时段 1 · 分成比例 (· 上海市 的分成比例 with the party), or in English
clause 2 “增量分成” · segment 1 · shares. The path itself stays in the JSON API and as a
tooltip; this is the one function that names it for a person.
"""

from __future__ import annotations

import re
from typing import Any

from .explain_text import gettext

#: Collections of a contract and how one item of each is called.
ITEMS = {"parties": "party {n}", "streams": "stream {n}", "clauses": "clause {n}",
         "schedule": "segment {n}", "contributions": "contribution {n}",
         "guarantees": "guarantee {n}", "triggers": "trigger {n}", "funded_by": "funding {n}"}
#: Field names (the schema's keys) in words.
FIELDS = {
    "shares": "shares", "years": "years", "baseline": "baseline", "amount": "amount",
    "growth": "growth", "first": "first-year amount", "series": "series", "ramp": "ramp",
    "local_retention": "local retention", "name": "name", "id": "id", "streams": "streams",
    "cap": "cap", "rate": "rate", "kind": "kind", "value": "value", "year": "year",
    "party": "party", "price": "price", "penalty": "penalty", "term_years": "term",
    "discount_rate": "discount rate", "start_year": "start year", "schedule": "schedule",
    "guarantees": "guarantees", "triggers": "triggers", "contributions": "contributions",
    "funded_by": "funding", "parties": "parties", "clauses": "clauses",
    # more of the schema's keys, for the terms that differ between two contracts (web.compare)
    "owner": "owner", "basis": "basis", "timing": "timing", "to": "to whom",
    "successor": "successor", "shape": "shape", "start": "starting share",
    "cumulative": "cumulative cap", "per_year": "yearly cap", "relocated_year": "relocation year",
    "pre_relocation_tax": "tax paid before relocation", "unit": "unit", "role": "role",
    "threshold": "threshold", "floor": "floor", "method": "method", "weights": "weights",
    "payout_ratio": "payout ratio", "notice_years": "notice years", "term_end": "term end",
    "price_per_mu": "price per mu", "area_mu": "area (mu)", "description": "description",
}
#: The path of an issue about the file as a whole (a loader's or a workbook's).
WHOLE_FILE = {"(file)": "the file"}
_SEGMENT = re.compile(r"([A-Za-z_]+)((?:\[\d+\])*)")


def _quoted(name: str, lang: str) -> str:
    return f"「{name}」" if lang == "zh" else f" “{name}”"


def field_name(path: str, document: dict[str, Any] | None, lang: str) -> str:
    """``path`` in words, with the names the document gives its parties, streams, clauses."""
    if path in WHOLE_FILE:
        return gettext(lang, WHOLE_FILE[path])
    doc = document or {}
    sep = " · "
    out: list[str] = []
    node: Any = doc
    parts = path.split(".") if path else []
    i = 0
    party_names = {p.get("id"): p.get("name") or p.get("id")
                   for p in doc.get("parties", []) if isinstance(p, dict)}
    while i < len(parts):
        m = _SEGMENT.fullmatch(parts[i])
        if m is None:
            out.append(parts[i])
            i += 1
            continue
        key, indices = m.group(1), [int(x) for x in re.findall(r"\d+", m.group(2))]
        child = node.get(key) if isinstance(node, dict) else None
        if key in ITEMS and isinstance(child, list) and not indices and i + 1 == len(parts):
            out.append(gettext(lang, FIELDS.get(key, key)))  # the list as a whole: 分段
            node = child
        elif key in ITEMS and isinstance(child, list):
            if not indices and i + 1 < len(parts):  # by id: clauses.split
                ident = parts[i + 1]
                index = next((k for k, x in enumerate(child)
                              if isinstance(x, dict) and x.get("id") == ident), None)
                i += 1
            else:
                index = indices[0] if indices else None
            item = child[index] if index is not None and index < len(child) else None
            label = gettext(lang, ITEMS[key]).format(n=(index or 0) + 1)
            if isinstance(item, dict) and item.get("name") and key != "schedule":
                label += _quoted(item["name"], lang)
            out.append(label)
            node = item
        elif key == "shares" and i + 1 < len(parts):  # the share of one party
            who = party_names.get(parts[i + 1], parts[i + 1])
            out.append(gettext(lang, "share of {party}").format(party=who))
            i += 1
            node = None
        else:
            label = gettext(lang, FIELDS.get(key, key))
            out.append(label + "".join(f" {n + 1}" for n in indices))
            node = child
        i += 1
    text = sep.join(out)
    return text.replace("」 · ", "」· ") if lang == "zh" else text
