"""``sharing explain``: each party's net total and NPV as formulas of named parameters.

The parameters are paths into the contract (:mod:`.paths`): shares, rates, amounts. The
formulas come from :mod:`.symbolic`; they are printed in plain text and LaTeX, then worked
out at the contract's own values and set beside the engine's ledger, which they must equal
to the fen. A share named in a two-party shares map takes the other party's share with it
(the other party gets the rest); in a larger map, ``balance`` names the party that does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from schemas.contract import Contract
from schemas.numbers import exact_text

from .paths import SHARE_MAPS, PathError, parse_path, resolve

MAX_PARAMS = 8
INLINE_LIMIT = 400  # print a formula whole when it has at most this many parts
INT_FIELDS = ("years", "year", "term_years", "consecutive_years", "notice_years",
              "start_year", "relocated_year")


@dataclass
class Param:
    path: str
    steps: tuple  # concrete: ids replaced by places
    symbol: Any
    value: Fraction
    latex: str


def model_value(contract: Contract, steps: list[str | int] | tuple) -> Any:
    """The parsed contract's value at a concrete path (defaults included)."""
    node: Any = contract
    for s in steps:
        if isinstance(s, int):
            node = node[s]
        elif isinstance(node, dict):
            node = node.get(s)
        else:
            node = getattr(node, s, None)
        if node is None:
            return None
    return node


def _symbol_name(path_steps: tuple, taken: set[str]) -> str:
    """A readable name from a path's own steps (ids, not places): park_vat_growth."""
    drop = {"clauses", "streams", "parties", "shares", "schedule", "contributions"}
    words = [str(s) for s in path_steps if str(s) not in drop]
    name = re.sub(r"\W", "_", "_".join(words)) or "x"
    if not name[0].isalpha():
        name = "p_" + name
    base, k = name, 2
    while name in taken:
        name = f"{base}_{k}"
        k += 1
    taken.add(name)
    return name


def symbolic_params(doc: dict[str, Any], contract: Contract, paths: list[str],
                    balance: str | None = None):
    """The named parameters as sympy symbols: (Values for the symbolic run, [Param])."""
    import sympy as sp

    from .symbolic import Values

    if not paths:
        raise ValueError("name at least one parameter with --params (a path such as "
                         "clauses.split.schedule[0].shares.beijing or streams.vat.growth)")
    if len(paths) > MAX_PARAMS:
        raise ValueError(f"{len(paths)} parameters; the limit is {MAX_PARAMS}")
    values = Values()
    params: list[Param] = []
    taken: set[str] = set()
    for text in paths:
        try:
            path = parse_path(text)
            concrete, _ = resolve(doc, path)
        except PathError as e:
            raise ValueError(str(e)) from None
        steps = tuple(concrete)
        if any(p.steps == steps for p in params):
            raise ValueError(f"{text} is named twice")
        if steps and steps[-1] in INT_FIELDS:
            raise ValueError(f"{text} is a count of years; formulas vary shares, rates and "
                             "amounts (try sweep for years)")
        value = model_value(contract, steps)
        if value is None and steps[-1] in ("growth",):
            value = Fraction(0)
        if not isinstance(value, (Fraction, int)) or isinstance(value, bool):
            raise ValueError(f"{text} is not a number of this contract (it is "
                             f"{type(value).__name__ if value is not None else 'absent'}); "
                             "formulas vary shares, rates and amounts")
        name = _symbol_name(path.steps, taken)
        sym = sp.Symbol(name, real=True)
        latex = r"\mathit{" + name.replace("_", r"\_") + "}"
        params.append(Param(text, steps, sym, Fraction(value), latex))
        values.exprs[steps] = sym
        if len(steps) >= 2 and steps[-2] in SHARE_MAPS:
            shares = model_value(contract, steps[:-1])
            others = [p for p in shares if p != steps[-1]]
            other = balance if balance is not None else (others[0] if len(others) == 1
                                                          else None)
            if other is None or other not in shares or other == steps[-1]:
                raise ValueError(f"{text}: the shares map has {len(shares)} parties; say "
                                 "which one takes the difference with --balance PARTY")
            rest = shares[other] + Fraction(value)
            values.exprs[steps[:-1] + (other,)] = sp.Rational(rest.numerator,
                                                              rest.denominator) - sym
    return values, params


def _needed(exprs: list[Any], defs: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """The definitions the expressions depend on, in definition order."""
    by_sym = dict(defs)
    need: set[Any] = set()
    stack = [s for e in exprs for s in e.free_symbols if s in by_sym]
    while stack:
        s = stack.pop()
        if s in need:
            continue
        need.add(s)
        stack.extend(x for x in by_sym[s].free_symbols if x in by_sym and x not in need)
    return [(s, e) for s, e in defs if s in need]


def _inline(expr: Any, defs: list[tuple[Any, Any]], limit: int = INLINE_LIMIT) -> Any | None:
    """expr with every definition substituted, if that stays within limit parts."""
    from .symbolic import _size

    by_sym = dict(defs)
    for _ in range(len(defs) + 1):
        syms = [s for s in expr.free_symbols if s in by_sym]
        if not syms:
            return expr
        expr = expr.xreplace({s: by_sym[s] for s in syms})
        if _size(expr, limit) > limit:
            return None
    return None


def explain(doc: dict[str, Any], contract: Contract, paths: list[str],
            party: str | None = None, balance: str | None = None) -> dict[str, Any]:
    """The explain document: formulas, their values at the contract's own figures and the
    ledger's, per party (amounts as yuan strings)."""
    import sympy as sp

    from sharing.api import evaluate_contract
    from sharing.finance import npv as npv_exact
    from sharing.money import format_yuan

    from .symbolic import SymbolicRun, evaluate

    values, params = symbolic_params(doc, contract, paths, balance)
    pids = [p.id for p in contract.parties]
    if party is not None and party not in pids:
        raise ValueError(f"{party} is not a party of this contract ({', '.join(pids)})")
    run = SymbolicRun(contract, values)
    ledger = evaluate_contract(contract).ledger
    env = {p.symbol: sp.Rational(p.value.numerator, p.value.denominator) for p in params}
    names = {p.symbol: p.latex for p in params}
    names.update({s: r"\mathit{" + str(s).replace("_", r"\_") + "}" for s, _ in run.tape.defs})
    out_parties: dict[str, Any] = {}
    finals = []
    for i, pid in enumerate(pids):
        if party is not None and pid != party:
            continue
        flows = [int(v) for v in ledger.net[i, 0]]
        p = contract.parties[i]
        rate = p.discount_rate if p.discount_rate is not None else contract.discount_rate
        figures = {}
        for what, expr, ledger_value in (("net_total", run.net_total(i), sum(flows)),
                                         ("npv", run.npv(i), npv_exact(flows, rate))):
            value = evaluate(expr, run.tape, env)
            finals.append(expr)
            ok = value.is_Integer and int(value) == ledger_value
            figures[what] = {"expr": expr, "value": format_yuan(int(value)) if value.is_Integer
                             else str(value), "ledger": format_yuan(ledger_value), "equal": ok}
        out_parties[pid] = figures
    defs = _needed(finals, run.tape.defs)
    for figures in out_parties.values():
        for fig in figures.values():
            whole = _inline(fig["expr"], defs)
            fig["inlined"] = whole is not None
            shown = whole if whole is not None else fig["expr"]
            fig["text"] = sp.sstr(shown)
            fig["latex"] = sp.latex(shown, symbol_names=names)
            del fig["expr"]
    all_inlined = all(f["inlined"] for fs in out_parties.values() for f in fs.values())
    return {
        "contract": contract.name,
        "params": [{"path": p.path, "symbol": str(p.symbol), "value": str(exact_text(p.value))}
                   for p in params],
        "parties": out_parties,
        "definitions": [] if all_inlined else [
            {"symbol": str(s), "text": sp.sstr(e), "latex": sp.latex(e, symbol_names=names)}
            for s, e in defs],
    }


def explain_file(path: str, party: str | None = None, params: str = "",
                 balance: str | None = None) -> dict[str, Any]:
    from sharing.api import parse_contract
    from sharing.loader import read_file

    doc = read_file(path)
    contract = parse_contract(doc)
    paths = [p.strip() for p in params.split(",") if p.strip()]
    return explain(doc, contract, paths, party, balance)


def render(doc: dict[str, Any], fmt: str = "text") -> str:
    """The explain document as plain text (``fmt="text"``) or LaTeX (``"latex"``)."""
    key = "latex" if fmt == "latex" else "text"
    out = [f"{doc['contract']}", "",
           "parameters (the value in the contract):"]
    out += [f"  {p['symbol']} = {p['path']} ({p['value']})" for p in doc["params"]]
    out += ["",
            "round(x) rounds half away from zero to the fen; alloc_k(X; s_1, …, s_n) is the "
            "k-th party's part of X by shares s (largest remainder, semantics §1); amounts in "
            "fen"]
    for pid, figures in doc["parties"].items():
        out.append("")
        out.append(f"party {pid}")
        for what, label in (("net_total", "net total"), ("npv", "NPV")):
            f = figures[what]
            mark = "= the ledger ✓" if f["equal"] else f"≠ the ledger {f['ledger']} ✗"
            out.append(f"  {label} = {f[key]}")
            out.append(f"    at the contract's values: {f['value']} yuan, {mark}")
    if doc["definitions"]:
        out += ["", "where (in order):"]
        out += [f"  {d['symbol']} = {d[key]}" for d in doc["definitions"]]
    return "\n".join(out) + "\n"
