"""Exact money: fen, rounding half up, largest-remainder allocation (semantics §1).

Every ledger amount is a whole number of fen. Arrays of amounts are numpy int64 with a
leading scenario axis (shape ``(S,)`` for one year of one stream), so the same code serves
one contract (S = 1) and thousands of scenarios at once.

numpy int64 wraps silently. Products of an amount and a share's numerator can pass 2**63
(10**14 fen × a 10**10 numerator), so every product here is bounded first and, where the
bound does not fit, divided limb by limb (:func:`mul_divmod`: the amount split into base-2**k
digits small enough that every partial product fits), still in int64. Python integers (an
``object`` array) remain only for denominators of more than 61 bits, which no contract the
schema allows produces in practice: slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from math import lcm

import numpy as np

from .amounts import (  # noqa: F401 - re-exported: money is the one place for amounts
    FEN_PER_YUAN,
    format_exact_yuan,
    format_share,
    format_yuan,
    round_half_up,
)

INT64_SAFE = 2**62  # headroom below 2**63 for sums of two safe products

FenArray = np.ndarray  # int64, shape (S,)


def rounding_overflows(amount: np.ndarray, factor: int, den: int) -> bool:
    """Whether 2·|amount·factor| + den, what :func:`round_div` computes, could pass 2**63:
    then the product must be taken on Python integers (an ``object`` array)."""
    if amount.dtype == object:
        return True
    if amount.size == 0:
        return False
    return 2 * int(np.abs(amount).max()) * abs(factor) + den >= 2**63


def limb_bits(den: int) -> int:
    """The width k of the digits :func:`mul_divmod` splits an amount into for denominator
    ``den``: carry·2**k + digit·b stays below 2**63 when carry, b < den and digit < 2**k.
    0 when ``den`` is too wide for any digit (more than 61 bits)."""
    return max(0, 62 - int(den).bit_length())


def mul_divmod(mag: np.ndarray, num: int | np.ndarray, den: int) -> tuple[np.ndarray, np.ndarray]:
    """floor(mag·num / den) and the remainder, exactly, in int64 whatever the product's size.

    ``mag`` ≥ 0 int64 (any shape), ``num`` ≥ 0 an int or an int64 array broadcasting against
    it (each below 2**62), ``den`` > 0 with :func:`limb_bits` > 0, and the quotient itself
    must fit in int64 (it is an amount). Schoolbook long division in base 2**k, from the
    highest digit down: with prefix·num = q·den + carry, the next digit d gives
    (prefix·2**k + d)·num = q·2**k·den + (carry·2**k + d·num), so the quotient gains
    q·2**k + (carry·2**k + d·num) // den. The whole part of num/den (num ≥ den) is taken
    first as an ordinary product.
    """
    k = limb_bits(den)
    whole, num = np.divmod(num, den) if isinstance(num, np.ndarray) else divmod(int(num), den)
    top = int(mag.max()).bit_length() if mag.size else 0
    mask = (1 << k) - 1
    quot = np.zeros(np.broadcast_shapes(np.shape(mag), np.shape(num)), dtype=np.int64)
    carry = np.zeros_like(quot)
    for i in reversed(range(max(1, -(-top // k)))):
        t = (carry << k) + ((mag >> (i * k)) & mask) * num
        q = t // den
        carry = t - q * den
        quot = (quot << k) + q
    if np.any(whole):
        quot = quot + mag * whole
    return quot, carry


def round_div(num: np.ndarray, den: int) -> np.ndarray:
    """num / den rounded half away from zero, elementwise, exactly (int64 or object in);
    int64 out. den > 0."""
    if num.dtype != object and (num.size == 0 or num.min() >= 0):
        return (2 * num + den) // (2 * den)  # the usual case, in four passes
    mag = (2 * np.abs(num) + den) // (2 * den)
    return to_int64(np.where(num < 0, -mag, mag))


def to_int64(arr: np.ndarray) -> np.ndarray:
    """Back to int64 after exact work; every result here is a bounded amount of fen."""
    if arr.dtype == object:
        return np.array([int(v) for v in arr.ravel()], dtype=np.int64).reshape(arr.shape)
    return arr.astype(np.int64, copy=False)


def mul_round(amount: np.ndarray, rate: Fraction) -> np.ndarray:
    """rate × amount, computed exactly and rounded once, half up, to the fen (§1)."""
    if rate == 1:
        return amount.astype(np.int64, copy=True)
    if rate == 0:
        return np.zeros_like(amount, dtype=np.int64)
    p, q = rate.numerator, rate.denominator
    if amount.size == 1:
        # one scenario, the common case: the same rounding on Python integers (exact at any
        # size), where numpy's per-call cost would dominate an array of one
        x = int(amount.reshape(-1)[0]) * p
        mag = (2 * abs(x) + q) // (2 * q)
        return np.array([-mag if x < 0 else mag], dtype=np.int64).reshape(amount.shape)
    if not rounding_overflows(amount, p, q):
        return round_div(amount * p, q)
    if amount.dtype != object and abs(p) < INT64_SAFE and limb_bits(q):
        # the product would pass 2**63: long division in int64 (half up on the magnitude)
        quot, rem = mul_divmod(np.abs(amount), abs(p), q)
        mag = quot + (2 * rem >= q)
        return np.where((amount < 0) != (p < 0), -mag, mag)
    return round_div(amount.astype(object) * p, q)


class Shares:
    """Allocation shares over a common denominator, prepared once: s_i = nums[i] / den.

    Clauses build these when they read the contract, so the yearly loop never normalises a
    Fraction. ``fractions`` keeps the exact shares for ``why`` texts.
    """

    __slots__ = ("fractions", "den", "nums", "_col", "_max")

    def __init__(self, fractions: Sequence[Fraction]):
        self.fractions = tuple(fractions)
        self.den = lcm(*(f.denominator for f in self.fractions)) if self.fractions else 1
        self.nums = [f.numerator * (self.den // f.denominator) for f in self.fractions]
        self._max = max(self.nums, default=0)
        self._col = np.array(self.nums, dtype=object if self._max >= INT64_SAFE else np.int64)

    def __len__(self) -> int:
        return len(self.fractions)

    def __getitem__(self, i: int) -> Fraction:
        return self.fractions[i]

    def __iter__(self):
        return iter(self.fractions)


@lru_cache(maxsize=4096)
def _prepared(shares: tuple[Fraction, ...]) -> Shares:
    return Shares(shares)


def _floors(mag: int, shares: Shares) -> tuple[list[int], list[int], set[int]]:
    """The §1 rule on one non-negative amount in Python integers: each party's floor, its
    remainder (in units of 1/den fen), and the parties that get one of the leftover fen
    (largest remainders first, ties to the party listed first: a stable sort)."""
    den = shares.den
    parts, rems = [], []
    for n in shares.nums:
        q, r = divmod(mag * n, den)
        parts.append(q)
        rems.append(r)
    left = mag - sum(parts)
    gets = set(sorted(range(len(parts)), key=rems.__getitem__, reverse=True)[:left]) if left else set()
    return parts, rems, gets


def _allocate_one(x: int, shares: Shares) -> np.ndarray:
    """The same rule for a single amount, on Python integers (exact at any size): one
    scenario is the common case, and numpy's per-call cost dominates arrays of one."""
    if not x:
        return np.zeros(len(shares.nums), dtype=np.int64)
    parts, _rems, gets = _floors(abs(x), shares)
    parts = [p + (i in gets) for i, p in enumerate(parts)]
    if x < 0:
        parts = [-p for p in parts]
    return np.array(parts, dtype=np.int64)


def tie_at(x: int, shares: Shares | Sequence[Fraction], i: int) -> tuple[list[int], bool] | None:
    """Whether party ``i``'s part of ``x`` was decided by a tie (§1), for its explanation.

    A tie decides when parties with the same remainder straddle the cut-off: some of them get
    a leftover fen and some do not, and the listed order chose. Returns the other parties of
    the tie (their indices) and whether ``i`` got the fen; None when no tie decided its part.
    """
    if not isinstance(shares, Shares):
        shares = _prepared(tuple(shares))
    _parts, rems, gets = _floors(abs(int(x)), shares)
    if not gets or not rems[i]:
        return None
    tied = [j for j in range(len(rems)) if rems[j] == rems[i]]
    if len({j in gets for j in tied}) < 2:  # all of the tie or none of it got a fen
        return None
    return [j for j in tied if j != i], i in gets


def allocate(amount: np.ndarray, shares: Shares | Sequence[Fraction]) -> np.ndarray:
    """Divide ``amount`` (fen, shape (S,)) among parties by ``shares`` summing to 1 (§1).

    Returns an int64 array of shape (P, S), parties in the order given (the contract's
    ``parties`` order, which decides ties). Each party first gets floor(X·s); the fen left
    over go one each to the largest remainders, ties to the party listed first. A negative
    amount is allocated as its absolute value and every part takes its sign. The parts sum
    to X exactly.
    """
    if not isinstance(shares, Shares):
        shares = _prepared(tuple(shares))
    amount = np.asarray(amount)
    if amount.size == 1:
        return _allocate_one(int(amount.item()), shares).reshape(
            (len(shares),) + amount.shape)
    mag = np.abs(amount)
    col = shares._col
    big = int(mag.max()) * shares._max >= INT64_SAFE if mag.size else False
    if (big and col.dtype != object and mag.dtype != object and limb_bits(shares.den)
            and min(shares.nums) >= 0):
        # the products would pass 2**63 (big amounts by big numerators, e.g. from_equity
        # ratios): the same floors and remainders by long division, still in int64
        parts, rems = mul_divmod(mag, col.reshape((-1,) + (1,) * mag.ndim), shares.den)
    else:
        if big or col.dtype == object:
            mag = mag.astype(object)
            col = col.astype(object)
        prod = col.reshape((-1,) + (1,) * mag.ndim) * mag  # (P, S)
        # floor division by one integer, then the remainder by multiplying back: numpy
        # divides int64 by a scalar with a precomputed reciprocal, ~10x faster than divmod
        parts = prod // shares.den
        rems = prod - parts * shares.den
    left = mag - parts.sum(axis=0)  # fen still to hand out: 0 <= left < P
    if np.count_nonzero(left):
        # Each party's place when remainders are ranked high to low, ties to the party listed
        # first: the parties before it with a remainder at least as large, plus those after
        # it with a strictly larger one. P² comparisons, cheaper than sorting for few parties.
        if len(rems) <= 8:
            rank = np.zeros(rems.shape, dtype=np.int64)
            for i in range(len(rems)):
                for j in range(len(rems)):
                    if j < i:
                        rank[i] += rems[j] >= rems[i]
                    elif j > i:
                        rank[i] += rems[j] > rems[i]
        else:  # a stable sort on descending remainder keeps the listed order on ties
            order = np.argsort(-rems, axis=0, kind="stable")
            rank = np.argsort(order, axis=0, kind="stable")
        parts = parts + (rank < left)
    parts = to_int64(parts)
    negative = amount < 0
    return np.where(negative, -parts, parts) if np.count_nonzero(negative) else parts


