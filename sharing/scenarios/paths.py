"""Parameter paths into a contract document: ``clauses.split.schedule[0].shares.beijing``.

A path names one value of the contract file. It starts at a top-level field; an item of
``parties``, ``streams`` or ``clauses`` is named by its ``id`` (``streams.vat``) or by its
place (``streams[0]``); then mapping keys (``.shares.beijing``) and list places (``[0]``)
lead to the value. The last key may be absent from the file (``streams.vat.growth`` where
growth is left at its default): setting it adds it, and the contract's own validation says
whether that field exists there.

Setting one party's share in a shares map (``shares``, ``residual_shares``, ``loss_shares``)
moves the difference to one other party of the same map, so the shares still sum to 1: the
one named by ``balance``, or, in a map of exactly two parties, the other one. A share that
the balancing party would need below 0 makes that scenario's contract invalid, and it is
reported as such.

Projection parameters (``streams.ID.first``, ``.growth``, ``.local_retention``,
``.ramp[i]``, ``.series[i]``) change only a stream's amounts, never the contract's
structure, so scenarios that differ only there share one engine run.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from schemas.numbers import exact, exact_text

MAX_PATH = 200
_NAME = r"[^\W\d][\w\-]{0,63}"
_STEP = re.compile(rf"\.({_NAME})|\[(\d{{1,4}})\]")
_HEAD = re.compile(f"({_NAME})")
ID_LISTS = ("parties", "streams", "clauses")
SHARE_MAPS = ("shares", "residual_shares", "loss_shares")
PROJECTION_FIELDS = ("first", "growth", "local_retention")
PROJECTION_LISTS = ("ramp", "series")


class PathError(ValueError):
    """A path that does not parse, or does not lead to a value of this contract."""


@dataclass(frozen=True)
class ParamPath:
    """A parsed path: its text and its steps (str keys/ids, int places)."""

    text: str
    steps: tuple[str | int, ...]

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ProjectionParam:
    """Where a projection parameter sits: stream (by place), field, and list place if any."""

    stream: int
    field: str
    index: int | None = None


def parse_path(text: str) -> ParamPath:
    """Parse a path's text; raise PathError with what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise PathError("a path is a text like clauses.split.schedule[0].shares.beijing")
    text = text.strip()
    if len(text) > MAX_PATH:
        raise PathError(f"the path is longer than {MAX_PATH} characters")
    m = _HEAD.match(text)
    if m is None:
        raise PathError(f"{text!r} must start with a field name")
    steps: list[str | int] = [m.group(1)]
    pos = m.end()
    while pos < len(text):
        m = _STEP.match(text, pos)
        if m is None:
            raise PathError(f"cannot read {text!r} from character {pos + 1}: write .name or [n]")
        steps.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        pos = m.end()
    return ParamPath(text, tuple(steps))


def _describe(steps: tuple[str | int, ...]) -> str:
    out = ""
    for s in steps:
        out += f"[{s}]" if isinstance(s, int) else ("." if out else "") + s
    return out or "(contract)"


def _child(node: Any, step: str | int, where: tuple[str | int, ...], top: bool) -> Any:
    """The value at one step below node; PathError naming the place when there is none."""
    here = _describe(where)
    if isinstance(step, int):
        if not isinstance(node, list):
            raise PathError(f"{here} is not a list, so [{step}] does not exist")
        if step >= len(node):
            raise PathError(f"{here} has {len(node)} entries; there is no [{step}]")
        return node[step]
    if isinstance(node, list):
        if top and where and where[-1] in ID_LISTS:
            for item in node:
                if isinstance(item, dict) and item.get("id") == step:
                    return item
            known = ", ".join(str(i.get("id")) for i in node if isinstance(i, dict))
            raise PathError(f"{here} has no entry with id {step!r} (ids: {known})")
        raise PathError(f"{here} is a list; name an entry by its place, e.g. {here}[0]")
    if not isinstance(node, dict):
        raise PathError(f"{here} is a single value, so .{step} does not exist")
    if step not in node:
        raise PathError(f"{here} has no field {step!r}")
    return node[step]


def resolve(doc: dict[str, Any], path: ParamPath) -> tuple[list[str | int], Any]:
    """The path with ids replaced by list places, and the value there (None if absent).

    The last step may be a key absent from its mapping; every step before it must exist.
    """
    node: Any = doc
    concrete: list[str | int] = []
    steps = path.steps
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        top = i == 1 and steps[0] in ID_LISTS
        if last and isinstance(step, str) and isinstance(node, dict) and step not in node:
            concrete.append(step)
            return concrete, None
        child = _child(node, step, steps[:i], top)
        if top and isinstance(step, str):
            step = node.index(child)
        concrete.append(step)
        node = child
    return concrete, node


def projection_param(doc: dict[str, Any], path: ParamPath) -> ProjectionParam | None:
    """The stream field a path names, when it is a projection parameter; None otherwise."""
    try:
        concrete, _ = resolve(doc, path)
    except PathError:
        return None
    if len(concrete) < 3 or concrete[0] != "streams" or not isinstance(concrete[1], int):
        return None
    rest = concrete[2:]
    if len(rest) == 1 and rest[0] in PROJECTION_FIELDS:
        return ProjectionParam(concrete[1], str(rest[0]))
    if (len(rest) == 2 and rest[0] in PROJECTION_LISTS and isinstance(rest[1], int)):
        return ProjectionParam(concrete[1], str(rest[0]), rest[1])
    return None


def _container(doc: dict[str, Any], concrete: list[str | int]) -> Any:
    node: Any = doc
    for step in concrete[:-1]:
        node = node[step]
    return node


def written(value: Any) -> Any:
    """How a value is written into a document: exact numbers as their exact text."""
    if isinstance(value, Fraction):
        return exact_text(value)
    return value


def set_value(doc: dict[str, Any], path: ParamPath, value: Any,
              balance: str | None = None) -> None:
    """Set the value at path in doc (in place); balance a shares map (module docstring)."""
    concrete, _ = resolve(doc, path)
    parent = _container(doc, concrete)
    key = concrete[-1]
    if (len(concrete) >= 2 and concrete[-2] in SHARE_MAPS and isinstance(parent, dict)
            and "from_equity" not in parent):
        _set_share(parent, str(key), value, balance, path)
        return
    if balance is not None:
        raise PathError(f"balance is for a party's share in a shares map; {path} is not one")
    parent[key] = written(value)


def _set_share(shares: dict[str, Any], party: str, value: Any, balance: str | None,
               path: ParamPath) -> None:
    others = [p for p in shares if p != party]
    if balance is None:
        if len(others) != 1:
            raise PathError(f"{path}: the shares map has {len(shares)} parties; say which one "
                            "gives up or takes the difference with balance: PARTY")
        balance = others[0]
    if balance == party:
        raise PathError(f"{path}: the balancing party must be another party than {party}")
    if balance not in shares:
        raise PathError(f"{path}: balance {balance} is not in this shares map "
                        f"({', '.join(shares)})")
    try:
        new = exact(value)
        old = exact(shares.get(party, 0))
        old_balance = exact(shares[balance])
    except Exception as e:  # the contract's own validation names a malformed share
        shares[party] = written(value)
        raise PathError(f"{path}: {value!r} is not a share ({e})") from None
    shares[party] = exact_text(new)
    shares[balance] = exact_text(old_balance + old - new)


def apply(doc: dict[str, Any], assignments: list[tuple[ParamPath, Any, str | None]]
          ) -> dict[str, Any]:
    """A deep copy of doc with every (path, value, balance) set, in order."""
    out = copy.deepcopy(doc)
    for path, value, balance in assignments:
        set_value(out, path, value, balance)
    return out
