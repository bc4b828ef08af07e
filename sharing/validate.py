"""From a parsed document to a valid contract, or every reason it is not (semantics §3.7).

Three layers, each reporting field paths: the pydantic models (types, ranges, sums), the
cross-clause checks of :mod:`schemas.checks`, and the checks that need the projections
(an amount past the ledger's limit, equity needed before it exists).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from schemas.checks import check
from schemas.claims import segment_at
from schemas.contract import UNION_TAGS, Contract, CostShare, Equity, FromEquity, TaxSplit
from schemas.errors import InvalidContract, Issue, from_pydantic, issue
from schemas.numbers import MAX_TEXT, nfkc

from .salvage import salvage_issues
from .stakes import equity_ratios
from .streams import Projection, life_start, project, projection_issues


def parse_contract(doc: dict[str, Any]) -> Contract:
    """Validate a document; raise InvalidContract listing every problem found."""
    doc = ascii_numbers(doc)
    context = {"unit_fen": unit_fen(doc)}
    try:
        contract = Contract.model_validate(doc, context=context)
    except ValidationError as e:
        issues = from_pydantic(e.errors(include_url=False), UNION_TAGS)
        raise InvalidContract(_merged(issues, salvage_issues(doc, context))) from None
    issues = check(contract)
    if issues:
        if not any(i.path.startswith("streams") for i in issues):
            issues += projection_issues(contract, project_all(contract))
        raise InvalidContract(issues)
    projections = project_all(contract)
    issues = projection_issues(contract, projections) or equity_issues(contract, projections)
    if issues:
        raise InvalidContract(issues)
    return contract


_NUMERIC = re.compile(r"^[\s\d+\-.,/%eE万亿元~–]*\d[\s\d+\-.,/%eE万亿元~–]*$")


def ascii_numbers(value: Any) -> Any:
    """The document with every number-like text in NFKC form (１０００ → 1000, ３５％ → 35%,
    １－５ → 1-5), so whole numbers and year ranges typed full-width are read like the
    others; names and other text are left as they were typed."""
    if isinstance(value, str):
        if value.isascii() or len(value) > 4 * MAX_TEXT:
            return value
        folded = nfkc(value)
        return folded if _NUMERIC.match(folded) else value
    if isinstance(value, dict):
        return {k: ascii_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [ascii_numbers(v) for v in value]
    return value


def unit_fen(doc: Any) -> int:
    """Fen per unit of the document's money fields, read before validation so a money field
    can convert 1000万 or 0.35亿 into it (an unreadable unit counts as yuan: it is refused)."""
    unit = doc.get("unit") if isinstance(doc, dict) else None
    return 1_000_000 if unit == "wan" else 100


def _merged(first: list[Issue], more: list[Issue]) -> list[Issue]:
    """Field-level issues, then those of the checks, each (path, code) once."""
    seen = {(i.path, i.code) for i in first}
    return list(first) + [i for i in more if (i.path, i.code) not in seen]


def project_all(contract: Contract) -> dict[str, Projection]:
    """Every stream's projection, computed once per contract object."""
    cached = contract._derived.get("projections")
    if cached is None:
        cached = contract._derived["projections"] = {s.id: project(contract, s)
                                                     for s in contract.streams}
    return cached


def equity_issues(contract: Contract, projections: dict[str, Projection]) -> list[Issue]:
    """Equity must exist wherever a ratio is needed, checked over years 1..T (§3.3)."""
    out: list[Issue] = []
    first: dict[str, int | None] = {}
    for ci, cl in enumerate(contract.clauses):
        if not isinstance(cl, Equity):
            continue
        ratios = equity_ratios(contract, cl)
        start = next((t for t, r in enumerate(ratios, start=1) if r is not None), None)
        first[cl.id] = start
        for t in range(1, contract.term() + 1):
            if ratios[t - 1] is not None:
                break
            profit = sum(projections[sid].shareable[t - 1] for sid in cl.profit_streams)
            if profit > 0:
                out.append(issue(f"clauses[{ci}].profit_streams", "equity_missing_profit",
                                 "profit in {year} (contract year {t}) but {clause} has no "
                                 "equity yet (no contribution made by then)",
                                 year=contract.calendar(t), t=t, clause=cl.id))
                break
            if profit < 0 and cl.losses == "cash_call" and cl.loss_shares is None:
                out.append(issue(f"clauses[{ci}].losses", "equity_missing_loss",
                                 "a loss in {year} (contract year {t}) must be called by "
                                 "equity ratios, but {clause} has no equity yet; give "
                                 "loss_shares", year=contract.calendar(t), t=t, clause=cl.id))
                break
    for ci, cl in enumerate(contract.clauses):
        if not isinstance(cl, (TaxSplit, CostShare)):
            continue
        since = isinstance(cl, TaxSplit) and cl.timing == "since_relocation"
        for si, seg in enumerate(cl.schedule):
            if not isinstance(seg.shares, FromEquity):
                continue
            eq = seg.shares.from_equity
            start = first.get(eq)
            offsets = ([life_start(contract, contract.stream(sid)) - 1 for sid in cl.streams]
                       if since else [0])
            bad = None
            for off in offsets:
                for k in range(seg.years[0], seg.years[1] + 1):
                    t = off + k  # the contract year in which the amount is booked
                    if t > contract.term():
                        break
                    if start is None or t < start:
                        if segment_at(cl.schedule, k) == si:
                            bad = t
                            break
                if bad is not None:
                    break
            if bad is not None:
                out.append(issue(f"clauses[{ci}].schedule[{si}].shares.from_equity",
                                 "equity_missing_shares", "from_equity {clause} is used in {year} "
                                 "(contract year {t}) but {clause} has no equity before "
                                 "{start}", clause=eq, year=contract.calendar(bad), t=bad,
                                 start=("its first contribution" if start is None
                                        else contract.calendar(start))))
    return out
