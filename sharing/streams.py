"""Projections and local retention (semantics §1, §2).

A stream's projection in year t of its life (t = 1 in contract year 1, or in its relocation
year) is ``first × (1 + growth)^(t−1) × ramp[t−1]``, computed exactly and rounded once, half
up, to the fen; growth is never compounded on last year's rounded figure. The shareable amount
of a tax stream is the rounded projection times ``local_retention``, rounded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from schemas.contract import Contract, Stream
from schemas.errors import Issue, issue
from schemas.numbers import MAX_YUAN

from . import explain as xpl
from .amounts import format_yuan, round_half_up

MAX_FEN = int(MAX_YUAN) * 100


@dataclass(frozen=True)
class Projection:
    """One stream's yearly figures in whole fen, index 0 = contract year 1."""

    stream: Stream
    projected: list[int]  # rounded projection
    shareable: list[int]  # after local retention (rounded again)
    life_start: int  # contract year of life year 1
    unit_fen: int

    def why(self, t: int) -> xpl.Record:
        """How contract year t's shareable amount was reached, as a record (§2)."""
        s = self.stream
        if t < self.life_start:
            return xpl.why("projection.before", year=xpl.year(s.relocated_year))
        p = self.projected[t - 1]
        if s.series is not None:
            how = xpl.why("projection.series", value=xpl.exact(s.series[t - 1] * self.unit_fen))
        else:
            assert s.first is not None
            k = t - self.life_start + 1
            ramp = s.ramp[k - 1] if s.ramp and k <= len(s.ramp) else Fraction(1)
            exact = grown(s.first * self.unit_fen, s.growth, k) * ramp
            how = xpl.why("projection.first", value=xpl.exact(s.first * self.unit_fen))
            if s.growth and k > 1:
                how = xpl.why("projection.growth", how=how, growth=xpl.share(s.growth),
                            power=xpl.num(k - 1))
            if ramp != 1:
                how = xpl.why("projection.ramp", how=how, ramp=xpl.share(ramp))
            if exact.denominator != 1:
                how = xpl.why("projection.rounded", how=how, exact=xpl.exact(exact), value=xpl.fen(p))
            elif (s.growth and k > 1) or ramp != 1:
                how = xpl.why("projection.equals", how=how, value=xpl.fen(p))
        if s.local_retention is not None and s.local_retention != 1:
            kept = p * s.local_retention
            if kept.denominator == 1:
                how = xpl.why("projection.retention", how=how, retention=xpl.share(s.local_retention),
                            value=xpl.fen(kept.numerator))
            else:
                how = xpl.why("projection.retention_rounded", how=how,
                            retention=xpl.share(s.local_retention), exact=xpl.exact(kept),
                            value=xpl.fen(self.shareable[t - 1]))
        return how


def life_start(contract: Contract, stream: Stream) -> int:
    """Contract year in which a stream's life year 1 falls (§2)."""
    if stream.relocated_year is None:
        return 1
    return stream.relocated_year - contract.start_year + 1


def grown(amount: Fraction, growth: Fraction, t: int) -> Fraction:
    """amount × (1 + growth)^(t−1), exact."""
    return amount * (1 + growth) ** (t - 1)


def _round_ratio(num: int, den: int) -> int:
    """num/den (den > 0) rounded half away from zero, on integers."""
    if num >= 0:
        return (2 * num + den) // (2 * den)
    return -((-2 * num + den) // (2 * den))


def project(contract: Contract, stream: Stream) -> Projection:
    """Project one stream over the contract's years; exact, one rounding per rule.

    The growth factor is carried as an exact integer numerator and denominator, multiplied
    once a year, so year t is computed from the inputs directly (never from last year's
    rounded figure) without normalising a Fraction every year.
    """
    unit = contract.unit_fen
    start = life_start(contract, stream)
    ret = stream.local_retention if stream.local_retention is not None else Fraction(1)
    projected: list[int] = []
    shareable: list[int] = []
    if stream.series is None:
        assert stream.first is not None
        first = stream.first * unit
        g = 1 + stream.growth
        num, den = first.numerator, first.denominator  # first × g^(k−1), exact
        ramp = stream.ramp or []
    for t in range(1, contract.years + 1):
        if t < start:
            projected.append(0)
            shareable.append(0)
            continue
        if stream.series is not None:
            exact = stream.series[t - 1] * unit
            p = _round_ratio(exact.numerator, exact.denominator)
        else:
            k = t - start + 1
            if k > 1:
                num *= g.numerator
                den *= g.denominator
            r = ramp[k - 1] if k <= len(ramp) else None
            p = (_round_ratio(num * r.numerator, den * r.denominator) if r is not None
                 else _round_ratio(num, den))
        projected.append(p)
        shareable.append(p if ret == 1 else _round_ratio(p * ret.numerator, ret.denominator))
    return Projection(stream, projected, shareable, start, unit)


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
