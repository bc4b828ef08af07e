"""NPV and IRR of a party's yearly net cash flows (semantics §4).

Flows are end-of-year amounts in whole fen for contract years 1..Y, discounted to the start
of year 1: NPV = Σ CF_t / (1 + r)^t, t = 1..Y. (numpy-financial's ``npv`` starts at t = 0;
ours does not.) Both are computed exactly, on Python integers, so the same flows always give
the same figures, byte for byte.
"""

from __future__ import annotations

from fractions import Fraction

from .money import round_half_up

IRR_DIGITS = 6
_SCALE = 10**IRR_DIGITS


def npv(flows: list[int], rate: Fraction) -> int:
    """Net present value in fen, exact, rounded once half up."""
    # With 1 + r = b/q: NPV = Σ CF_t·q^t·b^(Y−t) / b^Y, summed on integers (Horner).
    q, b = rate.denominator, rate.denominator + rate.numerator
    acc, power = 0, 1
    for cf in flows:
        power *= q
        acc = acc * b + cf * power
    return round_half_up(Fraction(acc, b ** len(flows)))


def _npv_sign(flows: list[int], k: int, scale: int) -> int:
    """Sign of the NPV at rate k/scale, exactly: Σ CF_t·scale^t·(scale+k)^(Y−t) (Horner)."""
    base = scale + k  # (1 + r) × scale, > 0
    acc, power = 0, 1
    for cf in flows:
        power *= scale
        acc = acc * base + cf * power
    return (acc > 0) - (acc < 0)


def irr(flows: list[int]) -> Fraction | None:
    """The internal rate of return, rounded half up to 6 decimals, or None.

    None where the flows never change sign. With one change of sign the root is unique
    (Descartes' rule) and is found by exact bisection over (−100 %, 1,000 %]. With several,
    the lowest rate at which the NPV changes sign on a 1 % grid is refined the same way;
    None if there is no such rate in that range.
    """
    nonzero = [cf for cf in flows if cf != 0]
    changes = sum(1 for a, b in zip(nonzero, nonzero[1:], strict=False) if (a > 0) != (b > 0))
    if changes == 0:
        return None
    scale2 = 2 * _SCALE  # bisect on a grid twice as fine, so the result rounds half up
    lo, hi = -scale2 + 1, 10 * scale2
    if changes > 1:
        step = scale2 // 100
        k, s_prev = lo, _npv_sign(flows, lo, scale2)
        found = False
        while k + step <= hi:
            s_next = _npv_sign(flows, k + step, scale2)
            if s_next != s_prev or s_next == 0:
                lo, hi, found = k, k + step, True
                break
            k += step
        if not found:
            return None
    s_lo = _npv_sign(flows, lo, scale2)
    if s_lo == 0:
        return Fraction(round_half_up(Fraction(lo, 2)), _SCALE)
    if _npv_sign(flows, hi, scale2) == s_lo:
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        s_mid = _npv_sign(flows, mid, scale2)
        if s_mid == 0:
            lo = hi = mid
            break
        if s_mid == s_lo:
            lo = mid
        else:
            hi = mid
    return Fraction(round_half_up(Fraction(hi, 2)), _SCALE)


def format_rate(r: Fraction | None) -> str | None:
    if r is None:
        return None
    n = round_half_up(r * _SCALE)
    sign = "-" if n < 0 else ""
    whole, frac = divmod(abs(n), _SCALE)
    return f"{sign}{whole}.{frac:06d}"
