"""Reading contract files safely: YAML or JSON, with limits (semantics §3.7).

YAML is loaded with the safe loader (a ``!!python/object`` tag is refused, never built),
duplicate keys are refused (the second would silently win), aliases are expanded under a node
budget (a "billion laughs" document is refused, not expanded), and size and nesting depth
are limited. Every refusal is an :class:`~schemas.errors.InvalidContract` with path ``(file)``.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
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


#: A number literal longer than this is not converted at all: it is kept as its text, which
#: the schema refuses with its own message ("… is longer than 40 characters") at its field.
#: ``int("1" * 10**6)`` would stop at Python's int-str limit with a message about
#: ``sys.set_int_max_str_digits``; a float's exponent is bounded later, by schemas.numbers.
MAX_NUMBER_TEXT = 64


def _long(text: str) -> str | None:
    return text if len(text) > MAX_NUMBER_TEXT else None


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | str:
    text = loader.construct_scalar(node)
    if (long := _long(text)) is not None:
        return long
    return loader.construct_yaml_int(node)


def _json_int(text: str) -> int | str:
    return text if len(text) > MAX_NUMBER_TEXT else int(text)


def _json_float(text: str) -> Decimal | str:
    return text if len(text) > MAX_NUMBER_TEXT else Decimal(text)


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal | str:
    """A YAML float as the exact decimal the user wrote, never a binary float (§1):
    0.50000000000000001 stays 0.50000000000000001 and is refused if shares then miss 1."""
    text = loader.construct_scalar(node).replace("_", "")
    if (long := _long(text)) is not None:
        return long
    lowered = text.lower()
    if lowered in (".nan", ".inf", "+.inf", "-.inf"):
        return Decimal("NaN") if lowered == ".nan" else Decimal(lowered.replace(".inf", "Infinity"))
    return Decimal(text)


_Loader.construct_mapping_plain = yaml.SafeLoader.construct_mapping  # type: ignore[attr-defined]
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (json.loads would keep the last silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _refuse("duplicate key {key}; a key may appear once", key=key)
        out[key] = value
    return out


def _refuse(template: str, **params: Any) -> InvalidContract:
    return InvalidContract([issue("(file)", "file", template, _width=300, **params)])


def _check_shape(doc: Any) -> None:
    """Refuse documents too deep, or too large once aliases are expanded.

    Sizes are memoised by object identity, so a "billion laughs" document (each level an
    alias list of the one below) is measured in time proportional to what was parsed, not to
    what it would expand to.
    """
    memo: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise _refuse("the document is nested deeper than {limit} levels", limit=MAX_DEPTH)
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in memo:
            return memo[key]
        children = node.values() if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_NODES:
                raise _refuse("the document expands to more than {limit} values (YAML "
                              "aliases?); it is refused", limit=f"{MAX_NODES:,}")
        memo[key] = total
        return total

    size(doc, 0)


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
            doc = json.loads(text, parse_float=_json_float, parse_int=_json_int,
                             parse_constant=_no_constant,
                             object_pairs_hook=_json_object)
        else:
            doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except json.JSONDecodeError as e:
        raise _refuse("not valid JSON: {msg} at line {line}, column {col}", msg=e.msg,
                      line=e.lineno, col=e.colno) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = (e.problem or e.context or "malformed YAML").strip()
        if mark is None:
            raise _refuse("not valid YAML: {msg}", msg=what) from None
        raise _refuse("not valid YAML: {msg} (line {line}, column {col})", msg=what,
                      line=mark.line + 1, col=mark.column + 1) from None
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
