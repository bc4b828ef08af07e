"""Identity of a case (semantics §6.5): SHA-256 of each input's canonical content."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
        return text
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical(value: Any) -> str:
    """Keys sorted, no spaces, UTF-8 with non-ASCII as is (§6.5)."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def identity(contract_doc: dict[str, Any], **inputs: Any) -> dict[str, str]:
    """The contract's hash (all versions) and each given input's (None: not given)."""
    out = {"contract": sha256(contract_doc)}
    for name, rows in inputs.items():
        if rows is not None:
            out[name] = sha256(rows)
    return out
