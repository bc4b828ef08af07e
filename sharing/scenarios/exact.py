"""Exact arithmetic over the scenario axis: projections with per-scenario parameters, NPV.

Both are exact to the fen and fast, by one method: compute in binary floating point, bound
the error rigorously, and redo exactly, on Python integers, only the elements whose rounding
the bound cannot decide (within the bound of a half fen). The float part is therefore only
a fast way of finding the answer; the answer is always the exact one, on any machine and any
BLAS, and the scenarios redone exactly are a small fraction (about |value| · 10⁻¹⁴ of them).

Projection (semantics §2): year k of a stream's life is ``first × (1 + g)^(k−1) × ramp[k−1]``
rounded half up to the fen, then × ``local_retention`` rounded again. In floats the factor is
built by repeated multiplication, so its relative error is at most (3k + 9)·u (u the unit
roundoff); the bound used is (4k + 32)·u·|V|.

NPV (semantics §4): Σ CF_t / (1 + r)^t, t = 1..Y, rounded half up once. In doubles, with
(1 + r)^−t correctly rounded, the error is at most (Y + 3)·u·Σ|CF_t|·(1 + r)^−t in any order
of summation; the bound used is (Y + 4)·u·Σ|CF_t|·(1 + r)^−t · 1.01.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np

from schemas.contract import Contract, Stream
from sharing.money import round_div, round_half_up, rounding_overflows
from sharing.streams import MAX_FEN, life_start

SAFE = 2**62
U = 2.0**-53  # unit roundoff of an IEEE double


@dataclass(frozen=True)
class ExactArray:
    """Exact numbers over the scenario axis: ``num[s] / den`` (den > 0, num int64 or object)."""

    num: np.ndarray
    den: int

    @classmethod
    def of(cls, values: list[Fraction] | np.ndarray, den: int | None = None) -> ExactArray:
        vals = [Fraction(v) for v in values]
        d = den if den is not None else lcm(*(v.denominator for v in vals)) if vals else 1
        nums = [int(v * d) for v in vals]
        big = any(abs(n) >= SAFE for n in nums)
        return cls(np.array(nums, dtype=object if big else np.int64), d)

    def __len__(self) -> int:
        return len(self.num)

    def at(self, s: int) -> Fraction:
        return Fraction(int(self.num[s]), self.den)

    def take(self, idx: np.ndarray) -> ExactArray:
        return ExactArray(self.num[idx], self.den)

    def compare(self, bound: Fraction) -> np.ndarray:
        """Sign of (value − bound) per scenario, exactly: −1, 0 or 1."""
        lhs = self.num.astype(object) * bound.denominator if self.num.dtype == object or \
            _too_big(self.num, bound.denominator) else self.num * bound.denominator
        rhs = bound.numerator * self.den
        return np.sign(lhs - rhs).astype(np.int64)


Value = Fraction | ExactArray


def _too_big(arr: np.ndarray, factor: int) -> bool:
    if arr.size == 0:
        return False
    return int(np.abs(arr).max()) * abs(factor) >= SAFE


def mul_round_each(amount: np.ndarray, rate: Value) -> np.ndarray:
    """amount × rate rounded half up to the fen, per scenario; rate a Fraction or an
    ExactArray. On Python integers wherever int64 could overflow."""
    if isinstance(rate, Fraction):
        num, den, biggest = rate.numerator, rate.denominator, abs(rate.numerator)
        exact = rounding_overflows(amount, biggest, den)
    else:
        num, den = rate.num, rate.den
        biggest = int(np.abs(num).max()) if len(num) else 0
        exact = num.dtype == object or rounding_overflows(amount, biggest, den)
        if exact:
            num = num.astype(object)
    a = amount.astype(object) if exact else amount
    return round_div(a * num, den)


# ---- projections ---------------------------------------------------------------------------

@dataclass
class StreamParams:
    """A stream's projection inputs over m scenarios: each one exact, fixed or per scenario."""

    first: Value | None
    growth: Value
    ramp: list[Value]
    series: list[Value] | None
    retention: Value


def _float(v: Value) -> np.ndarray | float:
    """v as a double, within 2 units of roundoff."""
    return v.num.astype(np.float64) / v.den if isinstance(v, ExactArray) else float(v)


def project_many(contract: Contract, stream: Stream, p: StreamParams, m: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(projected, shareable, overflow) over m scenarios: int64 (m, Y), (m, Y), bool (m,).

    Identical, scenario by scenario, to :func:`sharing.streams.project` of that scenario's
    contract. ``overflow`` marks scenarios whose projection passes the ledger's limit (their
    figures are then meaningless: the scenario is invalid, semantics §1). The arrays are
    computed year-major and returned as (m, Y) views of (Y, m) memory, the order in which the
    engine reads them (one year of every scenario at a time).
    """
    Y = contract.years
    unit = contract.unit_fen
    start = life_start(contract, stream)
    projected = np.zeros((Y, m), dtype=np.int64)
    overflow = np.zeros(m, dtype=bool)
    if p.series is not None:
        for t in range(start, Y + 1):
            v = p.series[t - 1]
            col = (np.full(m, round_half_up(v * unit), dtype=np.int64) if isinstance(v, Fraction)
                   else mul_round_each(np.full(m, unit, dtype=np.int64), v))
            over = np.abs(col) > MAX_FEN
            overflow |= over
            projected[t - 1] = np.where(over, 0, col)
    elif start <= Y:
        assert p.first is not None
        L = Y - start + 1  # life years within the contract
        g = p.growth
        # 1 + g as (den + num) / den: one rounding when both are exact doubles
        x = ((g.num + g.den).astype(np.float64) / g.den if isinstance(g, ExactArray)
             else float(1 + g))
        # (1 + g)^(k−1) by repeated multiplication, k = 1..L, a year at a time (one
        # vectorised product per year, over every scenario), so each power carries at most
        # 2(k−1) roundings
        V = np.empty((L, m))
        V[0] = 1.0
        for k in range(1, L):
            np.multiply(V[k - 1], x, out=V[k])
        V *= _float(p.first) * unit
        for k in range(min(len(p.ramp), L)):
            V[k] *= _float(p.ramp[k])
        a = np.abs(V)
        # Past 2^50 fen (far beyond MAX_FEN, 10^14 < 2^47) the amount is invalid whatever its
        # rounding: clip, so that what follows stays exact and fits int64.
        clipped = None
        if a.max() >= 2.0**50:
            clipped = a >= 2.0**50
            a[clipped] = 2.0**50
        whole = np.floor(a + 0.5)  # exact below 2^50; a tie (frac = 0.5) is redone below
        # a − whole ∈ [−½, ½]: the rounding is decided unless |a − whole| is within the error
        # bound of ½
        dist = a - whole
        np.abs(dist, out=dist)
        bound = a
        bound *= ((4 * np.arange(1, L + 1) + 32) * U).reshape(-1, 1)
        unsure = dist >= 0.5 - bound
        if clipped is not None:
            unsure &= ~clipped  # over the limit anyway (below)
        mag = whole.astype(np.int64)
        col = np.negative(mag, where=V < 0, out=mag) if (V < 0).any() else mag
        idx = np.flatnonzero(unsure)
        if len(idx):  # exactly, on Python integers: first · unit · (1 + g)^(k−1) · ramp
            ks, rows = np.divmod(idx, m)
            col[ks, rows] = _exact_projection(p, unit, rows, ks)
        over = np.abs(col) > MAX_FEN
        if over.any():
            overflow |= over.any(axis=0)
            col[over] = 0
        projected[start - 1:] = col
    ret = p.retention
    if isinstance(ret, Fraction) and ret == 1:
        shareable = projected.copy()
    elif isinstance(ret, Fraction):
        shareable = mul_round_each(projected, ret)
    else:  # one retention per scenario, broadcast over the years
        shareable = mul_round_each(projected, ExactArray(ret.num.reshape(1, -1), ret.den))
    return projected.T, shareable.T, overflow


def _exact_projection(p: StreamParams, unit: int, rows: np.ndarray, ks: np.ndarray
                      ) -> np.ndarray:
    """first · unit · (1 + g)^k · ramp[k] rounded half up, at the (row, k) pairs, exactly:
    numerators and denominators as Python integers (object arrays)."""
    n = len(rows)

    def num_den(v: Value) -> tuple[np.ndarray, int]:
        if isinstance(v, ExactArray):
            return v.num[rows].astype(object), v.den
        return np.full(n, v.numerator, dtype=object), v.denominator

    fn, fd = num_den(p.first)
    if isinstance(p.growth, ExactArray):
        gn, gd = p.growth.num[rows].astype(object) + p.growth.den, p.growth.den
    else:
        gn, gd = num_den(1 + p.growth)
    k = ks.astype(object)
    num = fn * unit * gn**k
    den = fd * np.full(n, gd, dtype=object) ** k
    for j, r in enumerate(p.ramp):
        sel = ks == j
        if sel.any():
            rn, rd = num_den(r)
            num[sel] *= rn[sel]
            den[sel] *= rd
    mag = (2 * np.abs(num) + den) // (2 * den)
    return np.where(num < 0, -mag, mag).astype(np.int64)


# ---- NPV -----------------------------------------------------------------------------------

def npv_many(flows: np.ndarray, rate: Fraction) -> tuple[np.ndarray, np.ndarray]:
    """Exact NPV in fen of each row of ``flows`` (int64 (m, Y), end-of-year flows of years
    1..Y, discounted to the start of year 1), rounded half up once, as
    :func:`sharing.finance.npv` row by row; and a mask of the rows whose NPV does not fit
    an int64 (beyond ±9.2·10^16 yuan, only with absurd negative rates), left 0."""
    m, Y = flows.shape
    if m == 0 or rate == 0:
        return flows.sum(axis=1), np.zeros(m, dtype=bool)
    base = 1 + rate
    a, q = base.numerator, base.denominator  # 1 / (1 + r) = q / a
    d = np.array([float(Fraction(q**t, a**t)) for t in range(1, Y + 1)])  # u relative each
    cf = flows.astype(np.float64)  # exact below 2^53 fen, else within u
    value = cf @ d  # any summation order: within Y·u of Σ|CF_t|·d_t
    scale = np.abs(cf) @ d
    bound = (Y + 4) * U * scale * 1.01
    mag = np.abs(value)
    whole = np.floor(mag)
    frac = mag - whole
    unsure = (np.abs(frac - 0.5) <= bound) | (mag >= 2.0**50)
    rounded = np.where(unsure, 0, whole + (frac > 0.5)).astype(np.int64)
    out = np.where(value < 0, -rounded, rounded)
    too_big = np.zeros(m, dtype=bool)
    idx = np.flatnonzero(unsure)
    if len(idx):  # exactly: Σ CF_t · q^t · a^(Y−t) / a^Y, on Python integers
        weights = np.array([q**t * a ** (Y - t) for t in range(1, Y + 1)], dtype=object)
        exact = round_div_object(flows[idx].astype(object) @ weights, a**Y)
        for k, v in zip(idx, exact, strict=True):
            if abs(v) < 2**63:
                out[k] = v
            else:
                too_big[k] = True
    return out, too_big


def round_div_object(num: np.ndarray, den: int) -> list[int]:
    """num / den rounded half away from zero, on Python integers."""
    out = []
    for n in num:
        n = int(n)
        mag = (2 * abs(n) + den) // (2 * den)
        out.append(-mag if n < 0 else mag)
    return out
