"""JSON with exact numbers: a Decimal is written as the number it is, never rounded through a
binary float, and read back as a Decimal. Used for everything the app stores or hashes."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any


def dumps(value: Any) -> str:
    out: list[str] = []
    _write(value, out)
    return "".join(out)


def _write(v: Any, out: list[str]) -> None:
    if isinstance(v, bool) or v is None:
        out.append(json.dumps(v))
    elif isinstance(v, Decimal):
        out.append(str(v) if v.is_finite() else json.dumps(str(v)))
    elif isinstance(v, float):
        out.append(repr(v) if v == v and v not in (float("inf"), float("-inf"))
                   else json.dumps(repr(v)))
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, Fraction):
        out.append(json.dumps(str(v)))
    elif isinstance(v, str):
        if type(v) is not str and getattr(v, "exact_number", False):
            out.append(str.__str__(v))
        else:
            out.append(json.dumps(v, ensure_ascii=False))
    elif isinstance(v, dict):
        out.append("{")
        for i, (k, x) in enumerate(v.items()):
            if i:
                out.append(",")
            out.append(json.dumps(str(k), ensure_ascii=False))
            out.append(":")
            _write(x, out)
        out.append("}")
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _write(x, out)
        out.append("]")
    else:
        out.append(json.dumps(str(v), ensure_ascii=False))


def loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)
