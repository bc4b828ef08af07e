"""Reading contract files safely: YAML or JSON, with limits (semantics §3.7).

YAML is loaded with the safe loader (a ``!!python/object`` tag is refused, never built),
duplicate keys are refused (the second would silently win), aliases are expanded under a node
budget (a "billion laughs" document is refused, not expanded), and size and nesting depth
are limited. Every refusal is an :class:`~schemas.errors.InvalidContract` with path ``(file)``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import yaml

from schemas.errors import InvalidContract, issue

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

try:  # the C parser is much faster where libyaml is present
    _Base = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader that refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key] + 1}); a key may "
                "appear once", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping_plain(node, deep=deep)


_Loader.construct_mapping_plain = yaml.SafeLoader.construct_mapping  # type: ignore[attr-defined]
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _refuse(template: str, **params: Any) -> InvalidContract:
    return InvalidContract([issue("(file)", "file", template, **params)])


def _check_shape(doc: Any) -> None:
    """Refuse documents too deep or too large once aliases are expanded."""
    budget = MAX_NODES
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise _refuse("the document expands to more than {limit} values (YAML aliases?); "
                          "it is refused", limit=f"{MAX_NODES:,}")
        if depth > MAX_DEPTH:
            raise _refuse("the document is nested deeper than {limit} levels", limit=MAX_DEPTH)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
            stack.extend((k, depth + 1) for k in node if not isinstance(k, (str, int)))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def _nesting(text: str) -> int:
    """A cheap upper bound on bracket nesting, checked before any parser recurses."""
    depth = peak = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            peak = max(peak, depth)
        elif ch in "]}":
            depth -= 1
    return peak


def parse_text(text: str, filename: str = "contract.yaml") -> dict[str, Any]:
    """Parse a contract document (JSON if the name ends in .json, else YAML) to a dict."""
    if len(text) > MAX_BYTES:
        raise _refuse("the file is {size} bytes; the limit is {limit} bytes",
                      size=f"{len(text):,}", limit=f"{MAX_BYTES:,}")
    if "\x00" in text:
        raise _refuse("the file is binary, not a YAML or JSON text")
    if not text.strip():
        raise _refuse("the file is empty; a contract needs start_year, years, parties, "
                      "streams and clauses")
    if _nesting(text) > MAX_DEPTH:
        raise _refuse("the document is nested deeper than {limit} levels", limit=MAX_DEPTH)
    try:
        if filename.lower().endswith(".json"):
            doc = json.loads(text, parse_float=str, parse_constant=_no_constant)
        else:
            doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except json.JSONDecodeError as e:
        raise _refuse("not valid JSON: {msg} at line {line}, column {col}", msg=e.msg,
                      line=e.lineno, col=e.colno) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = (e.problem or e.context or "malformed YAML").strip()
        raise _refuse("not valid YAML: {msg}{where}", msg=what, where=where) from None
    except yaml.YAMLError as e:
        raise _refuse("not valid YAML: {msg}", msg=str(e)) from None
    except RecursionError:
        raise _refuse("the document is nested deeper than {limit} levels",
                      limit=MAX_DEPTH) from None
    except ValueError as e:  # NaN / Infinity in JSON
        raise _refuse("{msg}", msg=str(e)) from None
    _check_shape(doc)
    if not isinstance(doc, dict):
        raise _refuse("the top level is a {kind}; a contract is a mapping of fields "
                      "(start_year, years, parties, …)", kind=type(doc).__name__)
    return doc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def read_bytes(data: bytes, filename: str = "contract.yaml") -> dict[str, Any]:
    if len(data) > MAX_BYTES:
        raise _refuse("the file is {size} bytes; the limit is {limit} bytes",
                      size=f"{len(data):,}", limit=f"{MAX_BYTES:,}")
    if b"\x00" in data:
        raise _refuse("the file is binary, not a YAML or JSON text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _refuse("the file is not UTF-8 text (byte {pos})", pos=e.start) from None
    return parse_text(text, filename)


def read_file(path: str) -> dict[str, Any]:
    """Read a contract file, refusing an oversize one before reading it."""
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise _refuse("cannot read the file: {msg}", msg=e.strerror or str(e)) from None
    if size > MAX_BYTES:
        raise _refuse("the file is {size} bytes; the limit is {limit} bytes",
                      size=f"{size:,}", limit=f"{MAX_BYTES:,}")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise _refuse("cannot read the file: {msg}", msg=e.strerror or str(e)) from None
    return read_bytes(data, path)
