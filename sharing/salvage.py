"""Every problem of a contract on one submit: the valid parts of an invalid document (§3.7).

When the models refuse a document, pydantic has already listed every field-level error. The
cross-field and §3.7 checks still apply to the parts that are valid, so this module
validates each party, stream and clause on its own, keeps those that pass, and builds a
partial contract from them. The checks then run on that partial contract; a check whose
inputs are invalid is skipped:

- nothing is checked when ``start_year`` or ``years`` is invalid (almost every rule needs
  the contract's years);
- a refused item is left out, and a reference to its id is not reported as unknown (its id
  exists, only the item is wrong);
- a refused clause with a schedule still has each segment's years checked against the
  contract's years (a segment outside the term is found with the clause's other errors).
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

from pydantic import TypeAdapter, ValidationError

from schemas.checks import _Checker
from schemas.contract import Clause, Contract, Party, Stream, _year_range
from schemas.errors import Issue

#: Issue codes that say an id names nothing; dropped when the id is that of a refused item.
REFERENCE_CODES = frozenset({"unknown_party", "unknown_stream", "from_equity_target",
                             "funded_by_kind", "counts_kind", "trigger_clause_kind"})
_ITEMS = {"parties": Party, "streams": Stream, "clauses": Clause}


@cache
def _adapter(kind: Any) -> TypeAdapter:
    return TypeAdapter(kind)


def _valid(kind: Any, value: Any, context: dict[str, Any]) -> Any | None:
    try:
        return _adapter(kind).validate_python(value, context=context)
    except (ValidationError, ValueError, TypeError):
        return None


def salvage_issues(doc: Any, context: dict[str, Any]) -> list[Issue]:
    """The cross-field and §3.7 issues of the valid parts of a refused document."""
    if not isinstance(doc, dict):
        return []
    header: dict[str, Any] = {}
    for name in ("start_year", "years", "unit", "discount_rate", "name", "description"):
        if name not in doc:
            continue
        field = Contract.model_fields[name]
        value = _valid(field.annotation if not field.metadata else
                       _annotated(field), doc[name], context)
        if value is None:
            if name in ("start_year", "years"):
                return []
            continue
        header[name] = value
    if "start_year" not in header or "years" not in header:
        return []
    kept: dict[str, list[Any]] = {}
    refused: set[str] = set()
    refused_clauses: list[tuple[int, Any]] = []
    for what, kind in _ITEMS.items():
        items = doc.get(what)
        kept[what] = []
        if not isinstance(items, list):
            continue
        for i, raw in enumerate(items):
            item = _valid(kind, raw, context)
            if item is not None:
                kept[what].append(item)
                continue
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                refused.add(raw["id"])
            if what == "clauses":
                refused_clauses.append((i, raw))
    contract = Contract.model_construct(**header, **kept)
    checker = _Checker(contract)
    issues = [i for i in checker.run() if not (i.code in REFERENCE_CODES
                                               and i.params.get("value") in refused)]
    issues = [_repath(i, kept, doc) for i in issues]
    for i, raw in refused_clauses:
        issues += _segment_years(checker, i, raw)
    return issues


def _annotated(field: Any) -> Any:
    from typing import Annotated

    return Annotated[(field.annotation, *field.metadata)]


def _repath(found: Issue, kept: dict[str, list[Any]], doc: dict[str, Any]) -> Issue:
    """An issue's path in the partial contract, pointed back at the document's item."""
    path = found.path
    for what in _ITEMS:
        prefix = f"{what}["
        if not path.startswith(prefix):
            continue
        end = path.index("]")
        k = int(path[len(prefix):end])
        raw_items = doc.get(what) or []
        item = kept[what][k]
        where = _position(raw_items, item)
        if where is not None and where != k:
            return Issue(f"{what}[{where}]{path[end + 1:]}", found.template, found.params,
                         found.code)
    return found


def _position(raw_items: list[Any], item: Any) -> int | None:
    ident = getattr(item, "id", None)
    for j, raw in enumerate(raw_items):
        if isinstance(raw, dict) and raw.get("id") == ident:
            return j
    return None


def _segment_years(checker: _Checker, index: int, raw: Any) -> list[Issue]:
    """A refused clause's segments whose years are readable, checked against the term."""
    if not isinstance(raw, dict) or not isinstance(raw.get("schedule"), list):
        return []
    segments = []
    for seg in raw["schedule"]:
        try:
            years = _year_range(seg.get("years")) if isinstance(seg, dict) else None
        except Exception:  # an unreadable range (its error is listed already): skipped
            years = None
        segments.append(SimpleNamespace(years=years))
    before = len(checker.issues)
    usable = [s if s.years is not None else SimpleNamespace(years=(0, -1)) for s in segments]
    checker.schedule_years(f"clauses[{index}].schedule", usable)
    return [i for i in checker.issues[before:] if i.code == "segment_range"]
