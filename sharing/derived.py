"""Values that depend only on the contract, computed once per contract object.

A :class:`~schemas.contract.Contract` is frozen, so whatever the engine derives from it alone
(equity ratios §3.3, schedules and baselines §3.1, floors §3.4, share vectors) is the same in
every evaluation of it: the first run stores it in the contract's private ``_derived`` dict
and every later run (another S, the npv price's run with no trigger, §3.6) reads it back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from schemas.contract import Contract

T = TypeVar("T")


def derived(contract: Contract, key: str, build: Callable[[], T]) -> T:
    """``build()`` for this contract, computed on first use and kept under ``key``."""
    cache: dict[str, Any] = contract._derived
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = build()
    return hit
