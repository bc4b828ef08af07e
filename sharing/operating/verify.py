"""``sharing verify STATEMENT.json CONTRACT [--register F] [--actuals F] [--transfers F]
[--previous F]``: recompute a settlement statement from its inputs and compare (§6.4, §6.5).

The statement is recomputed for the year it settles. Where it differs, the inputs' SHA-256
(§6.5) say which input is not the one it was computed from: the contract, the register, the
actual figures, the transfers or the previous statement, each named; an input given now but
not then (or the reverse) is named too. Where every hash agrees but a figure differs, the
figures are said to differ (the statement was edited, or computed by another engine
version, both versions named), each differing pair figure named by its pair and label.
Exit status as ``sharing verify`` of a result: 0 it verifies, 1 it differs, 2 an input
cannot be used (every error listed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import translate
from .statement_text import input_labels, labels, party_name

#: Keys a statement carries for its reader, not computed figures: not compared.
INFORMATIONAL = ("engine", "stream_names")
INPUTS = ("contract", "register", "actuals", "transfers", "previous")
LIMIT = 20


@dataclass
class StatementCheck:
    """What the comparison found."""

    inputs_differ: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    figures: list[tuple[str, str, str]] = field(default_factory=list)  # (what, stored, now)
    other_figures: int = 0
    stored_engine: str | None = None
    engine: str = ""

    @property
    def verifies(self) -> bool:
        return not self.inputs_differ and not self.figures and not self.other_figures

    def lines(self, lang: str) -> list[str]:
        names = input_labels(lang)
        if self.verifies:
            return [translate("the statement verifies: every input's SHA-256 and every figure "
                              "agree", lang)]
        out = []
        for key, was, now in self.inputs_differ:
            name = names.get(key, key)
            if was is None:
                out.append(translate("{input}: given now, but the statement was computed "
                                     "without it", lang).format(input=name))
            elif now is None:
                out.append(translate("{input}: the statement was computed with it, but none "
                                     "was given", lang).format(input=name))
            else:
                out.append(translate("{input} differs from the one the statement was computed "
                                     "from (SHA-256 {was} on the statement, {now} now)", lang
                                     ).format(input=name, was=was, now=now))
        if not self.inputs_differ:
            out.append(translate("every input's SHA-256 agrees, but the figures differ: the "
                                 "statement was edited or computed by another engine version "
                                 "(statement: {was}; this engine: {now})", lang).format(
                was=self.stored_engine or "—", now=self.engine))
        for what, stored, now in self.figures[:LIMIT]:
            out.append("  " + translate("{what}: {stored} on the statement, {now} recomputed",
                                        lang).format(what=what, stored=stored, now=now))
        rest = self.other_figures + max(len(self.figures) - LIMIT, 0)
        if rest:
            out.append("  " + translate("{n} other figures differ", lang).format(n=rest))
        return out


def _engine(doc: dict[str, Any]) -> str | None:
    e = doc.get("engine")
    return str(e.get("version")) if isinstance(e, dict) else None


def _count_differences(a: Any, b: Any) -> int:
    if isinstance(a, dict) and isinstance(b, dict):
        return sum(_count_differences(a.get(k), b.get(k)) for k in set(a) | set(b))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return sum(_count_differences(x, y) for x, y in zip(a, b, strict=True))
    return 0 if a == b else 1


def compare(stored: dict[str, Any], now: dict[str, Any], lang: str) -> StatementCheck:
    """The stored statement against the one recomputed from the inputs given."""
    check = StatementCheck(stored_engine=_engine(stored), engine=_engine(now) or "")
    was_id, now_id = stored.get("identity") or {}, now.get("identity") or {}
    for key in INPUTS:
        if was_id.get(key) != now_id.get(key):
            check.inputs_differ.append((key, was_id.get(key), now_id.get(key)))
    L = labels(lang)
    keys = ("entitlement", "cumulative_entitlement", "cumulative_transfers", "balance_due",
            "payer", "payee", "amount_due", "adjustment", "advance_payments")
    st_pairs = {(p.get("a"), p.get("b")): p for p in (stored.get("settlement") or {}).get(
        "pairs") or [] if isinstance(p, dict)}
    now_pairs = {(p["a"], p["b"]): p for p in now["settlement"]["pairs"]}
    for pair in list(now_pairs) + [k for k in st_pairs if k not in now_pairs]:
        a, b = pair
        title = f"{party_name(now, a)} → {party_name(now, b)}"
        s, n = st_pairs.get(pair, {}), now_pairs.get(pair, {})
        for k in keys:
            sv, nv = s.get(k), n.get(k)
            if sv != nv:
                show = (lambda v: party_name(now, v)) if k in ("payer", "payee") else (
                    lambda v: "—" if v is None else str(v))
                check.figures.append((f"{title} · {L[k]}", show(sv), show(nv)))
        rest_s = {k: v for k, v in s.items() if k not in keys}
        rest_n = {k: v for k, v in n.items() if k not in keys}
        check.other_figures += _count_differences(rest_s, rest_n)
    skip = {"identity", "settlement", *INFORMATIONAL}
    check.other_figures += _count_differences(
        {k: v for k, v in stored.items() if k not in skip},
        {k: v for k, v in now.items() if k not in skip})
    st_rest = {k: v for k, v in (stored.get("settlement") or {}).items() if k != "pairs"}
    now_rest = {k: v for k, v in now["settlement"].items() if k != "pairs"}
    check.other_figures += _count_differences(st_rest, now_rest)
    return check


def read_statement(path: str) -> dict[str, Any] | None:
    """The statement JSON at ``path``; None when it is not a statement (no ``settlement``)."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return None
    if isinstance(doc, dict) and isinstance(doc.get("settlement"), dict):
        return doc
    return None


def verify_statement(stored: dict[str, Any], contract: str, *, register: str | None = None,
                     actuals: str | None = None, transfers: str | None = None,
                     previous: str | None = None, lang: str = "zh") -> StatementCheck:
    """Recompute ``stored`` from the files given and compare; raises InputFilesInvalid
    (every error of every file) when an input cannot be read, and ValueError when the
    statement names no year."""
    from .pipeline import read_inputs, statement

    try:
        year = int(stored["settlement"]["year"])
    except (KeyError, TypeError, ValueError):
        raise ValueError("settlement.year") from None
    inputs = read_inputs(contract, register=register, actuals=actuals, transfers=transfers,
                         previous=previous, through=year)
    return compare(stored, statement(inputs, year), lang)
