"""``sharing verify RESULT.json CONTRACT``: recompute a result and compare it byte for byte.

The stored result is compared with the one this engine computes from the contract: first as
bytes (the file exactly as ``sharing run --format json`` writes it), then, if the bytes differ,
as content (canonical JSON: sorted keys, no spaces), so a result saved with other formatting
is still recognised; if the content differs, **every** difference is listed (up to a limit,
with the count) by its path in the JSON and what it is: an amount by its year, party, clause,
stream and kind (ledger entries are matched by those, not by position), a party's or a
stream's yearly figure by its year. Given the contract the result was computed from
(``--contract-was``), every differing contract field is listed by its path and the name of
the clause, party or stream it belongs to. The stored ``result_sha256`` is also checked
against the file's own content, which shows a file edited after it was computed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .i18n import N_

#: Differences listed by default; the count of all is always given.
LIMIT = 20


#: A result's fields in words, for a person reading a difference.
RESULT_FIELDS = {
    "contract_sha256": N_("contract SHA-256"), "result_sha256": N_("result SHA-256"),
    "net_by_year": N_("net cash flow by year"), "net_total": N_("net total"),
    "npv": N_("NPV"), "irr": N_("IRR"), "amount": N_("amount"), "why": N_("explanation"),
    "explanation": N_("explanation"), "series": N_("series"),
    "shareable_by_year": N_("shareable amount by year"),
}


@dataclass
class Difference:
    path: str  # where in the JSON (entries are named by their key, not their index)
    what: str  # what it is, in words: "2022 · party beijing · clause sanshui_92 · share"
    stored: Any
    recomputed: Any
    entry: dict[str, Any] | None = None  # the ledger entry it is in, to name it in any language

    def label(self, lang: str, names: Any, document: dict[str, Any] | None) -> str:
        """What it is in ``lang``, by names: 2022 年 · 北京市 · 增量分成 · 增值税 · 分成;
        a contract field through sharing.field_names."""
        from sharing.explain_text import kind_label
        from sharing.field_names import field_name

        from .i18n import tr

        if self.entry is not None:
            e = self.entry
            parts = [tr(lang, "year %(year)s", year=e.get("year")),
                     names.name("party", e.get("party"))]
            parts += [names.name(w, e[w]) for w in ("clause", "stream") if e.get(w)]
            parts.append(kind_label(str(e.get("kind")), lang))
            key = self.path.rsplit(".", 1)[-1]
            if key in RESULT_FIELDS:
                parts.append(tr(lang, RESULT_FIELDS[key]))
            return " · ".join(parts)
        if document is not None:
            return field_name(self.path, document, lang)
        import re

        head, _, rest = self.path.partition(".")
        key = re.sub(r"\[\d+\]$", "", self.path.rsplit(".", 1)[-1])
        figure = tr(lang, RESULT_FIELDS[key]) if key in RESULT_FIELDS else None
        if ".totals_by_kind." in self.path:
            figure = tr(lang, "total of %(kind)s", kind=kind_label(key, lang))
        year = re.search(r"· (\d{4})$", self.what or "")
        if head in ("parties", "streams", "clauses", "indicators") and rest:
            ident = rest.split(".")[0].split("[")[0]
            what = {"parties": "party", "streams": "stream", "clauses": "clause",
                    "indicators": "party"}[head]
            parts = [names.name(what, ident), figure or tr(lang, "another figure")]
            if year:
                parts.append(tr(lang, "year %(year)s", year=year.group(1)))
            return " · ".join(parts)
        return figure or tr(lang, "another part of the result")


@dataclass
class VerifyOutcome:
    identical: bool  # same content (canonical JSON)
    byte_identical: bool  # same bytes as `sharing run --format json` writes
    contract_sha256: str
    stored_contract_sha256: str | None
    result_sha256: str
    stored_result_sha256: str | None
    stored_hash_ok: bool  # the stored result_sha256 matches the stored content
    engine_version: str
    stored_engine_version: str | None
    difference: tuple[str, Any, Any] | None  # (path, stored, recomputed): the first
    differences: list[Difference] = field(default_factory=list)  # all of them
    contract_changes: list[Difference] | None = None  # with the contract it was computed from
    limit: int = LIMIT
    document: dict[str, Any] | None = None  # the contract (canonical JSON), to name its fields
    names: Any = None  # sharing.explain_text.Names of the recomputed result

    def format(self, lang: str = "en") -> str:
        """The outcome as the CLI prints it; in Chinese by names, never by JSON paths."""
        if lang != "en":
            return self._format_local(lang)
        lines = [f"contract sha256   {self.contract_sha256}",
                 f"result sha256     {self.result_sha256} (recomputed)",
                 f"stored result     {self.stored_result_sha256}",
                 f"engine            benefit-sharing {self.engine_version}"
                 + (f" (the file says {self.stored_engine_version})"
                    if self.stored_engine_version != self.engine_version else "")]
        if not self.stored_hash_ok:
            lines.append("the stored result_sha256 does not match the file's own content: the "
                         "file was edited after it was computed")
        if self.stored_contract_sha256 not in (None, self.contract_sha256):
            lines.append(f"the result was computed from another contract "
                         f"(its contract_sha256 is {self.stored_contract_sha256})")
        if self.byte_identical:
            lines.append("VERIFIED: the result is byte-identical to the one recomputed now")
        elif self.identical:
            lines.append("VERIFIED: the content is identical to the one recomputed now (the "
                         "file's formatting differs from `sharing run --format json`)")
        else:
            path, a, b = self.difference or ("", None, None)
            lines.append("DIFFERS: first difference at " + (path or "(the document)"))
            lines.append(f"  in the file:  {json.dumps(a, ensure_ascii=False)}")
            lines.append(f"  recomputed:   {json.dumps(b, ensure_ascii=False)}")
            if self.contract_changes is not None:
                lines.append(_listing("contract field", "changed", self.contract_changes,
                                      self.limit, "in the old contract", "in this one"))
            elif self.stored_contract_sha256 not in (None, self.contract_sha256):
                lines.append("give the contract the result was computed from "
                             "(--contract-was FILE) to list the contract fields that changed")
            lines.append(_listing("difference", "in the result", self.differences, self.limit,
                                  "in the file", "recomputed"))
        return "\n".join(lines) + "\n"


    def _format_local(self, lang: str) -> str:
        from sharing.explain_text import Names

        from .i18n import ntr, tr

        names = self.names or Names()
        lines = [tr(lang, "contract sha256 %(hash)s", hash=self.contract_sha256),
                 tr(lang, "result sha256 %(hash)s (recomputed)", hash=self.result_sha256),
                 tr(lang, "stored result sha256 %(hash)s", hash=self.stored_result_sha256),
                 tr(lang, "engine          %(engine)s",
                    engine=f"benefit-sharing {self.engine_version}")]
        if self.stored_engine_version != self.engine_version:
            lines.append(tr(lang, "the file says engine %(version)s",
                            version=self.stored_engine_version))
        if not self.stored_hash_ok:
            lines.append(tr(lang, "the stored result SHA-256 does not match the file's own "
                            "content: the file was edited after it was computed"))
        if self.stored_contract_sha256 not in (None, self.contract_sha256):
            lines.append(tr(lang, "the result was computed from another contract (its "
                            "contract SHA-256 is %(hash)s)", hash=self.stored_contract_sha256))
        if self.byte_identical:
            lines.append(tr(lang, "verified: the result is byte-identical to the one recomputed "
                            "now") + "（VERIFIED）")
            return "\n".join(lines) + "\n"
        if self.identical:
            lines.append(tr(lang, "verified: the content is identical to the one recomputed now "
                            "(only the file's formatting differs)") + "（VERIFIED）")
            return "\n".join(lines) + "\n"
        lines.append(tr(lang, "differs") + "（DIFFERS）")
        sections = []
        if self.contract_changes is not None:
            sections.append((self.contract_changes, self.document,
                             ntr(lang, "%(num)d contract field changed",
                                 "%(num)d contract fields changed", len(self.contract_changes)),
                             tr(lang, "in the old contract"), tr(lang, "in this one")))
        elif self.stored_contract_sha256 not in (None, self.contract_sha256):
            lines.append(tr(lang, "give the contract the result was computed from "
                            "(--contract-was FILE) to list the contract fields that changed"))
        # an entry's English ``why`` text differs exactly when its explanation record does,
        # which is listed rendered in the reader's language
        shown = [d for d in self.differences if not d.path.endswith(".why")]
        sections.append((shown, None,
                         ntr(lang, "%(num)d difference in the result",
                             "%(num)d differences in the result", len(shown)),
                         tr(lang, "in the file"), tr(lang, "recomputed")))
        for diffs, doc, head, a_name, b_name in sections:
            if len(diffs) > self.limit:
                head += tr(lang, " (the first %(limit)s shown)", limit=self.limit)
            lines.append(head + tr(lang, ":"))
            for d in diffs[:self.limit]:
                lines.append("  " + d.label(lang, names, doc))
                lines.append(f"      {a_name}{tr(lang, ':')} {_shown(d, d.stored, lang, names)}"
                             f"{tr(lang, ';')}  {b_name}{tr(lang, ':')} "
                             f"{_shown(d, d.recomputed, lang, names)}")
        return "\n".join(lines) + "\n"


def _shown(d: Difference, value: Any, lang: str, names: Any) -> str:
    """A differing value for a person: an explanation record rendered in ``lang``."""
    from sharing.explain_text import render

    if d.path.endswith(".explanation") and isinstance(value, dict) and "key" in value:
        try:
            return render(value, lang, names)
        except (KeyError, ValueError, TypeError):
            pass
    return json.dumps(value, ensure_ascii=False)


def _listing(noun: str, where: str, diffs: list[Difference], limit: int, a_name: str,
             b_name: str) -> str:
    n = len(diffs)
    out = [f"{n} {noun}{'s' if n != 1 else ''} {where}"
           + (f" (the first {limit} shown)" if n > limit else "") + ":"]
    for d in diffs[:limit]:
        out.append(f"  {d.path}  [{d.what}]" if d.what else f"  {d.path}")
        out.append(f"      {a_name}: {json.dumps(d.stored, ensure_ascii=False)};  "
                   f"{b_name}: {json.dumps(d.recomputed, ensure_ascii=False)}")
    return "\n".join(out)


def _entry_key(e: dict[str, Any]) -> tuple[Any, ...]:
    return (e.get("year"), e.get("clause"), e.get("stream"), e.get("party"), e.get("kind"))


def _entry_label(e: dict[str, Any]) -> str:
    parts = [str(e.get("year")), f"party {e.get('party')}"]
    if e.get("clause"):
        parts.append(f"clause {e['clause']}")
    if e.get("stream"):
        parts.append(f"stream {e['stream']}")
    parts.append(str(e.get("kind")))
    return " · ".join(parts)


def _all(a: Any, b: Any, path: str, label: str, out: list[Difference],
         years: list[Any] | None = None) -> None:
    """Every difference between two JSON values, in document order."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(b) + [k for k in a if k not in b]:
            sub = f"{path}.{k}" if path else str(k)
            if k not in a or k not in b:
                out.append(Difference(sub, label, a.get(k), b.get(k)))
                continue
            _all(a[k], b[k], sub, label, out, years)
        return
    if isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            sub = f"{path}[{i}]"
            what = label
            if years and len(a) == len(years) and path.endswith("_by_year"):
                what = f"{label} · {years[i]}".strip(" ·")
            if i >= len(a) or i >= len(b):
                out.append(Difference(sub, what, a[i] if i < len(a) else None,
                                      b[i] if i < len(b) else None))
                continue
            _all(a[i], b[i], sub, what, out, years)
        return
    if type(a) is not type(b) or a != b:
        out.append(Difference(path, label, a, b))


def result_differences(stored: Any, fresh: Any) -> list[Difference]:
    """Every difference between a stored result and a recomputed one; ledger entries are
    matched by (year, clause, stream, party, kind) and named by them."""
    if not (isinstance(stored, dict) and isinstance(fresh, dict)):
        out: list[Difference] = []
        _all(stored, fresh, "", "", out)
        return out
    years = fresh.get("years") if isinstance(fresh.get("years"), list) else None
    out = []
    for k in list(fresh) + [k for k in stored if k not in fresh]:
        if k not in stored or k not in fresh:
            out.append(Difference(k, "", stored.get(k), fresh.get(k)))
        elif k == "entries" and isinstance(stored[k], list) and isinstance(fresh[k], list):
            out += _entry_differences(stored[k], fresh[k])
        elif k in ("parties", "streams", "indicators", "clauses") and isinstance(stored[k], dict):
            for name in list(fresh[k]) + [n for n in stored[k] if n not in fresh[k]]:
                label = f"{k[:-1] if k != 'indicators' else 'indicator'} {name}"
                sub = f"{k}.{name}"
                if name not in stored[k] or name not in fresh[k]:
                    out.append(Difference(sub, label, stored[k].get(name), fresh[k].get(name)))
                else:
                    _all(stored[k][name], fresh[k][name], sub, label, out, years)
        else:
            _all(stored[k], fresh[k], k, "", out, years)
    return out


def _entry_differences(a: list[Any], b: list[Any]) -> list[Difference]:
    def keyed(rows: list[Any]) -> dict[tuple[Any, ...], tuple[int, dict[str, Any]]]:
        seen: dict[tuple[Any, ...], int] = {}
        out = {}
        for i, e in enumerate(rows):
            if not isinstance(e, dict):
                continue
            k = _entry_key(e)
            n = seen.get(k, 0)
            seen[k] = n + 1
            out[k + (n,)] = (i, e)
        return out

    ka, kb = keyed(a), keyed(b)
    out: list[Difference] = []
    for k in list(kb) + [k for k in ka if k not in kb]:
        if k not in ka:
            i, e = kb[k]
            out.append(Difference(f"entries[{i}]", _entry_label(e) + " (missing from the file)",
                                  None, e.get("amount"), e))
        elif k not in kb:
            i, e = ka[k]
            out.append(Difference(f"entries[{i}]", _entry_label(e) + " (not recomputed)",
                                  e.get("amount"), None, e))
        else:
            (i, ea), (_j, eb) = ka[k], kb[k]
            for field_name in list(eb) + [f for f in ea if f not in eb]:
                if ea.get(field_name) != eb.get(field_name):
                    out.append(Difference(f"entries[{i}].{field_name}", _entry_label(ea),
                                          ea.get(field_name), eb.get(field_name), ea))
    return out


def contract_differences(old: Any, new: Any) -> list[Difference]:
    """Every contract field that differs, by its path and the name of the clause, party or
    stream it is in."""
    from sharing.result import canonical_json

    a, b = json.loads(canonical_json(old)), json.loads(canonical_json(new))
    out: list[Difference] = []
    for k in list(b) + [k for k in a if k not in b]:
        if k in ("clauses", "parties", "streams") and isinstance(a.get(k), list) \
                and isinstance(b.get(k), list):
            for i in range(max(len(a[k]), len(b[k]))):
                ea = a[k][i] if i < len(a[k]) else None
                eb = b[k][i] if i < len(b[k]) else None
                item = eb or ea or {}
                label = f"{k[:-1]} {item.get('id', i)}" + (
                    f" «{item['name']}»" if item.get("name") else "")
                _all(ea, eb, f"{k}[{i}]", label, out)
        elif k not in a or k not in b:
            out.append(Difference(k, "", a.get(k), b.get(k)))
        else:
            _all(a[k], b[k], k, "", out)
    return out


_MISSING = object()


def first_difference(a: Any, b: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first place where two JSON values differ, in document order, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(b) + [k for k in a if k not in b]:
            sub = f"{path}.{k}" if path else str(k)
            av, bv = a.get(k, _MISSING), b.get(k, _MISSING)
            if av is _MISSING or bv is _MISSING:
                return (sub, None if av is _MISSING else av, None if bv is _MISSING else bv)
            d = first_difference(av, bv, sub)
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            sub = f"{path}[{i}]"
            if i >= len(a) or i >= len(b):
                return (sub, a[i] if i < len(a) else None, b[i] if i < len(b) else None)
            d = first_difference(a[i], b[i], sub)
            if d:
                return d
        return None
    if type(a) is not type(b) or a != b:
        return (path, a, b)
    return None


def canonical(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cli_bytes(result: dict[str, Any]) -> bytes:
    """The bytes ``sharing run --format json`` writes for a result."""
    return (json.dumps(result, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def verify_result(stored: Any, contract: Any, contract_was: Any = None,
                  limit: int = LIMIT) -> VerifyOutcome:
    """Compare a stored result (bytes, text or parsed dict) with a fresh run of ``contract``;
    ``contract_was``: the contract the result was computed from, to list what changed."""
    from sharing import __version__
    from sharing.api import run_contract
    from sharing.explain_text import Names
    from sharing.result import canonical_json, contract_sha256, result_sha256

    raw: bytes | None = None
    if isinstance(stored, bytes):
        raw = stored
        doc = json.loads(stored.decode("utf-8"))
    elif isinstance(stored, str):
        raw = stored.encode("utf-8")
        doc = json.loads(stored)
    else:
        doc = stored
    fresh = run_contract(contract)
    byte_identical = raw is not None and raw == cli_bytes(fresh)
    identical = canonical(doc) == canonical(fresh)
    stored_sha = doc.get("result_sha256") if isinstance(doc, dict) else None
    stored_hash_ok = isinstance(doc, dict) and stored_sha == result_sha256(doc)
    engine = doc.get("engine") if isinstance(doc, dict) else None
    return VerifyOutcome(
        identical=identical, byte_identical=byte_identical,
        contract_sha256=contract_sha256(contract),
        stored_contract_sha256=doc.get("contract_sha256") if isinstance(doc, dict) else None,
        result_sha256=fresh["result_sha256"], stored_result_sha256=stored_sha,
        stored_hash_ok=stored_hash_ok, engine_version=__version__,
        stored_engine_version=engine.get("version") if isinstance(engine, dict) else None,
        difference=None if identical else first_difference(doc, fresh),
        differences=[] if identical else result_differences(doc, fresh),
        contract_changes=None if contract_was is None or identical else
        contract_differences(contract_was, contract), limit=limit,
        document=json.loads(canonical_json(contract)), names=Names.of_result(fresh))
