"""Projections and local retention (semantics §1, §2).

A stream's projection in year t of its life (t = 1 in contract year 1, or in its relocation
year) is ``first × (1 + growth)^(t−1) × ramp[t−1]``, computed exactly and rounded once, half
up, to the fen; growth is never compounded on last year's rounded figure. The shareable amount
of a tax stream is the rounded projection times ``local_retention``, rounded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from schemas.contract import Contract, Stream
from schemas.errors import Issue, issue
from schemas.numbers import MAX_YUAN

from .money import format_exact_yuan, format_share, format_yuan, round_half_up

MAX_FEN = int(MAX_YUAN) * 100


@dataclass(frozen=True)
class Projection:
    """One stream's yearly figures in whole fen, index 0 = contract year 1."""

    stream: Stream
    projected: list[int]  # rounded projection
    shareable: list[int]  # after local retention (rounded again)
    life_start: int  # contract year of life year 1
    why: list[str]  # how each year's shareable amount was reached


def life_start(contract: Contract, stream: Stream) -> int:
    """Contract year in which a stream's life year 1 falls (§2)."""
    if stream.relocated_year is None:
        return 1
    return stream.relocated_year - contract.start_year + 1


def grown(amount: Fraction, growth: Fraction, t: int) -> Fraction:
    """amount × (1 + growth)^(t−1), exact."""
    return amount * (1 + growth) ** (t - 1)


def project(contract: Contract, stream: Stream) -> Projection:
    """Project one stream over the contract's years; exact, one rounding per rule."""
    unit = contract.unit_fen
    start = life_start(contract, stream)
    retention = stream.local_retention if stream.local_retention is not None else Fraction(1)
    projected: list[int] = []
    shareable: list[int] = []
    why: list[str] = []
    for t in range(1, contract.years + 1):
        if t < start:
            projected.append(0)
            shareable.append(0)
            why.append(f"before relocation in {stream.relocated_year}")
            continue
        if stream.series is not None:
            exact = stream.series[t - 1] * unit
            how = f"series {format_exact_yuan(exact)}"
        else:
            assert stream.first is not None
            k = t - start + 1
            ramp = stream.ramp[k - 1] if stream.ramp and k <= len(stream.ramp) else Fraction(1)
            exact = grown(stream.first * unit, stream.growth, k) * ramp
            how = f"{format_yuan(round_half_up(stream.first * unit), True)}"
            if stream.growth and k > 1:
                how += f" × (1 + {format_share(stream.growth)})^{k - 1}"
            if ramp != 1:
                how += f" × ramp {format_share(ramp)}"
            if exact.denominator != 1:
                how += f" = {format_exact_yuan(exact)}"
        p = round_half_up(exact)
        v = round_half_up(p * retention) if retention != 1 else p
        if retention != 1:
            how += f" → {format_yuan(p, True)} × local retention {format_share(retention)}"
        projected.append(p)
        shareable.append(v)
        why.append(how)
    return Projection(stream, projected, shareable, start, why)


def projection_issues(contract: Contract, projections: dict[str, Projection]) -> list[Issue]:
    """Projections that pass the money limit would overflow the ledger: refuse them (§1)."""
    out = []
    for i, s in enumerate(contract.streams):
        p = projections[s.id]
        for t, v in enumerate(p.projected, start=1):
            if abs(v) > MAX_FEN:
                field = "series" if s.series is not None else ("growth" if s.growth else "first")
                out.append(issue(f"streams[{i}].{field}", "projection_overflow",
                                 "the projection for {year} (contract year {t}) is {value} yuan, "
                                 "over the limit of 1,000,000,000,000 yuan a year",
                                 year=contract.calendar(t), t=t, value=format_yuan(v, True)))
                break
    return out


def baseline_fen(amount: Fraction, growth: Fraction, unit_fen: int, t: int) -> int:
    """Baseline in year t (contract or life year): amount × (1+growth)^(t−1), rounded (§3.1)."""
    return round_half_up(grown(amount * unit_fen, growth, t))


def as_array(values: list[int], scenarios: int = 1) -> np.ndarray:
    """One stream's yearly fen as an int64 array of shape (S, Y)."""
    return np.tile(np.asarray(values, dtype=np.int64), (scenarios, 1))
