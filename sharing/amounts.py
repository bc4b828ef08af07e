"""Exact scalar money: rounding half up and display of fen, shares and rates (§1).

Kept free of numpy so that validating a contract, and refusing a broken file, start fast.
:mod:`sharing.money` builds the array operations on these.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

FEN_PER_YUAN = 100


def round_half_up(x: Fraction) -> int:
    """Round an exact amount of fen to a whole fen, half away from zero (四舍五入, §1).

    >>> round_half_up(Fraction(-1, 2)), round_half_up(Fraction(5, 2)), round_half_up(Fraction(249, 100))
    (-1, 3, 2)
    """
    n, d = x.numerator, x.denominator
    if n >= 0:
        return (2 * n + d) // (2 * d)
    return -((-2 * n + d) // (2 * d))


def to_fen_exact(value: Fraction, unit_fen: int) -> Fraction:
    """A money field in the file's unit as an exact amount of fen (not yet rounded)."""
    return value * unit_fen


def format_yuan(fen: int, grouped: bool = False) -> str:
    """Whole fen as yuan with two decimals: 123450 -> "1234.50"; never "-0.00"."""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    body = f"{whole:,}" if grouped else str(whole)
    return f"{sign}{body}.{cents:02d}"


def format_exact_yuan(fen: Fraction | int, grouped: bool = True) -> str:
    """An exact, not yet rounded, amount of fen for a ``why`` text: 1,379,700.0945.

    Up to six decimals of yuan; an amount that needs more is cut there and marked "…".
    """
    if isinstance(fen, int):
        return format_yuan(fen, grouped)
    num, den = fen.numerator, fen.denominator
    if den == 1:
        return format_yuan(num, grouped)
    sign = "-" if num < 0 else ""
    num = abs(num)
    digits, approx = 6, "…"
    for d in range(2, 7):  # decimals of yuan; fen × 10^(d−2) must be whole
        if (num * 10 ** (d - 2)) % den == 0:
            digits, approx = d, ""
            break
    n = num * 10 ** (digits - 2) // den
    whole, frac = divmod(n, 10**digits)
    body = f"{whole:,}" if grouped else str(whole)
    return f"{sign}{body}.{frac:0{digits}d}{approx}"


@lru_cache(maxsize=4096)
def format_share(s: Fraction) -> str:
    """A share or rate as a short exact decimal when it has one, else as a fraction."""
    d = s.denominator
    k = 0
    while d % 2 == 0 or d % 5 == 0:
        if d % 2 == 0:
            d //= 2
        if d % 5 == 0:
            d //= 5
        k += 1
    if d != 1 or k > 8:
        return f"{s.numerator}/{s.denominator}"
    digits = max(2, k) if s.denominator != 1 else 0
    if digits == 0:
        return str(s.numerator)
    n = s * 10**digits
    whole, frac = divmod(abs(int(n)), 10**digits)
    sign = "-" if s < 0 else ""
    return f"{sign}{whole}.{frac:0{digits}d}"
