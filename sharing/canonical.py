"""A document with every amount written back in its canonical form (issue 17 point 4).

An officer may type ``1000万`` or ``0.35亿`` in a money field; the contract reads it in the
field's unit, and the form shows back what was read: ``10000000`` in a yuan contract,
``3500`` in a 万元 one. Only texts that are read as amounts are rewritten, found by walking
the document along the pydantic models (so a share's ``35%`` and every name stay as
typed); a value that cannot be read stays as it was, for its error to quote it.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from schemas.contract import Contract
from schemas.numbers import _ExactNumber, exact_text, money

_UNIONS = (typing.Union, types.UnionType)


def canonical_document(doc: Any, unit_fen: int) -> Any:
    """``doc`` with each amount typed as text replaced by the exact number it is read as."""
    return _walk(Contract, doc, unit_fen)


def _walk(kind: Any, value: Any, unit_fen: int) -> Any:
    origin = get_origin(kind)
    if origin is typing.Annotated:
        base, *meta = get_args(kind)
        marker = next((m for m in meta if isinstance(m, _ExactNumber)), None)
        if marker is not None:
            return _amount(value, unit_fen) if marker.with_info else value
        return _walk(base, value, unit_fen)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        if not isinstance(value, dict):
            return value
        fields = kind.model_fields
        out = {}
        for key, item in value.items():
            field = fields.get(key)
            if field is None:
                out[key] = item
                continue
            annotation = (typing.Annotated[(field.annotation, *field.metadata)]
                          if field.metadata else field.annotation)
            out[key] = _walk(annotation, item, unit_fen)
        return out
    if origin is list and isinstance(value, list):
        (item_kind,) = get_args(kind) or (Any,)
        return [_walk(item_kind, v, unit_fen) for v in value]
    if origin is dict and isinstance(value, dict):
        args = get_args(kind)
        return {k: _walk(args[1], v, unit_fen) for k, v in value.items()} if args else value
    if origin in _UNIONS:
        return _union(get_args(kind), value, unit_fen)
    return value


def _union(members: tuple[Any, ...], value: Any, unit_fen: int) -> Any:
    """The member a value belongs to: a model whose literal tag or fields match a map, else
    the first number or list member."""
    members = _flat(members)
    if isinstance(value, dict):
        for m in members:
            model = _model(m)
            if model is not None and _matches(model, value):
                return _walk(m, value, unit_fen)
        return value
    for m in members:
        if _model(m) is None and get_origin(m) is not Literal and m is not type(None):
            return _walk(m, value, unit_fen)
    return value


def _flat(members: tuple[Any, ...]) -> tuple[Any, ...]:
    """Nested unions (an optional discriminated union) as one flat tuple of members."""
    out: list[Any] = []
    for m in members:
        inner = m
        while get_origin(inner) is typing.Annotated and not any(
                isinstance(x, _ExactNumber) for x in get_args(inner)[1:]):
            inner = get_args(inner)[0]
        if get_origin(inner) in _UNIONS:
            out.extend(_flat(get_args(inner)))
        else:
            out.append(m)
    return tuple(out)


def _model(kind: Any) -> type[BaseModel] | None:
    while get_origin(kind) is typing.Annotated:
        kind = get_args(kind)[0]
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _matches(model: type[BaseModel], value: dict[str, Any]) -> bool:
    fields = model.model_fields
    if not set(value) <= set(fields):
        return False
    for name, field in fields.items():  # a literal tag (kind, when, method) must agree
        if get_origin(field.annotation) is Literal and name in value and len(
                get_args(field.annotation)) == 1:
            if value[name] != get_args(field.annotation)[0]:
                return False
    return True


def _amount(value: Any, unit_fen: int) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return exact_text(money(value, unit_fen))
    except Exception:  # unreadable: kept as typed, its error quotes it
        return value
