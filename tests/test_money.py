"""Unit tests of sharing/money.py: rounding, allocation, mul_round, format_yuan (semantics §1).

Every expected figure is worked by hand in the table or comment beside it; the big-number
cases are checked against plain Python int arithmetic (``reference.allocate`` and exact
``Fraction``s), never against the engine's own output.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import allocate as exact_allocate
from reference import round_half_up as exact_round

from sharing.money import Shares, allocate, format_yuan, mul_round, round_half_up, tie_at

F = Fraction

# ---- rounding: half away from zero, to the fen (四舍五入) ---------------------------------------

#: (exact amount in yuan, rounded amount in fen): amounts are given in yuan as the contract
#: writes them, and rounded to whole fen. Worked by hand: look at the third decimal of yuan
#: (the tenth of a fen) and beyond; a half goes away from zero, whatever the sign.
ROUNDING = [
    ("0.005", 1),           # half a fen up
    ("-0.005", -1),         # half a fen, negative: away from zero
    ("0.0049", 0),          # 0.49 fen down
    ("-0.0049", 0),         # -0.49 fen: 0 (and shows as "0.00", never "-0.00")
    ("0.0051", 1),
    ("-0.0051", -1),
    ("0.015", 2),           # 1.5 fen: up, not to even (not banker's rounding)
    ("0.025", 3),           # 2.5 fen: up to 3, not down to the even 2
    ("-0.025", -3),
    ("1.005", 101),         # the binary-float trap: 1.005 is 1.00499999… as a float
    ("2.675", 268),         # another one: 267.5 fen
    ("-2.675", -268),
    ("0.004999999999", 0),
    ("1234567.125", 123456713),    # 123,456,712.5 fen
    ("1234567.124999", 123456712),
    ("1000000000000.005", 100000000000001),    # 10**14 + 1/2 fen: the largest amount, up
    ("-1000000000000.005", -100000000000001),
    ("0", 0),
]


@pytest.mark.parametrize(("yuan", "fen"), ROUNDING)
def test_round_half_up_table(yuan: str, fen: int):
    assert round_half_up(F(yuan) * 100) == fen


@pytest.mark.parametrize(("exact", "fen"), [
    (F(1, 3), 0), (F(2, 3), 1), (F(-2, 3), -1), (F(-1, 3), 0), (F(5, 3), 2), (F(7, 2), 4),
    (F(-7, 2), -4), (F(1, 2), 1), (F(-1, 2), -1), (F(3, 2), 2), (F(-3, 2), -2),
    (F(999, 1000), 1), (F(-1001, 2000), -1), (F(-999, 2000), 0),
])
def test_round_half_up_fractions_of_a_fen(exact: Fraction, fen: int):
    assert round_half_up(exact) == fen


@pytest.mark.parametrize(("amount", "rate", "fen"), [
    (1, F(1, 2), 1),        # 0.5 → 1
    (-1, F(1, 2), -1),      # -0.5 → -1
    (3, F(1, 2), 2),        # 1.5 → 2
    (5, F(1, 2), 3),        # 2.5 → 3 (not 2)
    (-5, F(1, 2), -3),
    (1, F(49, 100), 0),     # 0.49 → 0
    (-1, F(49, 100), 0),    # -0.49 → 0
    (100, F(1, 3), 33),     # 33.33… → 33
    (200, F(1, 3), 67),     # 66.66… → 67
    (-200, F(1, 3), -67),
    (1_234_567, F(15, 100), 185_185),   # 185,185.05 → 185,185
    (1_234_570, F(15, 100), 185_186),   # 185,185.5 → 185,186
    (7, F(0), 0),
    (7, F(1), 7),
])
def test_mul_round_rounds_once_half_away_from_zero(amount: int, rate: Fraction, fen: int):
    got = mul_round(np.array([amount], dtype=np.int64), rate)
    assert got.dtype == np.int64
    assert got.tolist() == [fen]


def test_mul_round_over_scenarios():
    # 0.15 × [1,000,000.10; 0.10; -0.10; 0] in fen: 15,000,001.5 → 15,000,002; 1.5 → 2; -1.5 → -2
    got = mul_round(np.array([100_000_010, 10, -10, 0], dtype=np.int64), F(15, 100))
    assert got.tolist() == [15_000_002, 2, -2, 0]


# ---- mul_round with huge values: exact, never wrapped ----------------------------------------

@pytest.mark.parametrize(("amount", "rate", "fen"), [
    # 10**14 fen × 0.999999999999 = 99,999,999,999,900 exactly
    (10**14, F(999999999999, 10**12), 99_999_999_999_900),
    # 4.5·10**13 fen × 100001/10**18 = 4.500045 fen → 5: 2·|x·p| + q passes 2**63 here
    (45 * 10**12, F(100001, 10**18), 5),
    (-45 * 10**12, F(100001, 10**18), -5),
    # 4.5·10**13 × 1/10**13 = 4.5 exactly → 5 (half away from zero), -4.5 → -5
    (45 * 10**12, F(1, 10**13), 5),
    (-45 * 10**12, F(1, 10**13), -5),
    # 10**14 × (2**61 − 1)/2**61 = 10**14 − 10**14/2**61 = 10**14 − 0.0000434… → 10**14
    (10**14, F(2**61 - 1, 2**61), 10**14),
    # 10**14 × 1/(2**62) = 0.0000216… → 0; a numerator near 2**62 times 10**14 passes 2**106
    (10**14, F(1, 2**62), 0),
    (10**14, F(2**62 - 1, 2**62), 10**14),
    # 10**14 × 10000000/19218107 = 10**21/19218107 = 52,034,261,230,827 rest 15,015,511,
    # i.e. …827.78 → 52,034,261,230,828
    (10**14, F(10000000, 19218107), 52_034_261_230_828),
])
def test_mul_round_with_huge_values(amount: int, rate: Fraction, fen: int):
    assert fen == exact_round(F(amount) * rate)  # the hand figure, checked with Python ints
    assert mul_round(np.array([amount], dtype=np.int64), rate).tolist() == [fen]


def test_mul_round_at_the_int64_boundary():
    # amounts for which 2·|x·p| + q lands just below and just above 2**62 and 2**63
    p, q = 3, 7
    for x in ((2**62 - q) // (2 * p) - 1, (2**62 - q) // (2 * p), (2**62 - q) // (2 * p) + 1,
              (2**63 - q) // (2 * p), (2**63 - q) // (2 * p) + 1, 2**61 // p):
        for sign in (1, -1):
            got = mul_round(np.array([sign * x], dtype=np.int64), F(p, q))
            assert got.tolist() == [exact_round(F(sign * x * p, q))], x


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**14, 10**14),
       st.integers(1, 2**62).flatmap(lambda q: st.tuples(st.integers(0, q), st.just(q))))
def test_mul_round_is_the_exact_product_rounded_once(amount, pq):
    rate = F(*pq)
    assert mul_round(np.array([amount], dtype=np.int64), rate).tolist() == \
        [exact_round(amount * rate)]


# ---- allocation: largest remainder, ties to the party listed first ---------------------------

def alloc(amount, shares) -> list:
    out = allocate(np.array([amount], dtype=np.int64), [F(s) for s in shares])
    assert out.dtype == np.int64 and out.shape == (len(shares), 1)
    return out[:, 0].tolist()


@pytest.mark.parametrize(("amount", "shares", "parts"), [
    # 1 fen by halves: 0.5 and 0.5, equal remainders → the first listed
    (1, ["1/2", "1/2"], [1, 0]),
    # 3 fen by halves: 1.5, 1.5 → floors 1, 1, one fen left → first
    (3, ["1/2", "1/2"], [2, 1]),
    # 10 fen in thirds: 3.33 each → 3, 3, 3 and one fen left → first
    (10, ["1/3", "1/3", "1/3"], [4, 3, 3]),
    # 100 fen in thirds: 33.33 → 34, 33, 33
    (100, ["1/3", "1/3", "1/3"], [34, 33, 33]),
    # 2 fen in thirds: 0.67 each → floors 0, two fen left → the first two listed
    (2, ["1/3", "1/3", "1/3"], [1, 1, 0]),
    # 0.10 yuan by 1/3, 2/3: 3.33, 6.67 → 3, 6 and one fen left to the larger remainder .67
    (10, ["1/3", "2/3"], [3, 7]),
    # 10 fen by 0.13, 0.27, 0.6: 1.3, 2.7, 6.0 → 1, 2, 6; the fen left goes to .7 (not first)
    (10, ["0.13", "0.27", "0.6"], [1, 3, 6]),
    # a party with share 0 never gets a fen: 1 fen by 0, 1/2, 1/2 → the first with a remainder
    (1, ["0", "1/2", "1/2"], [0, 1, 0]),
    # negative amounts are allocated as their absolute value, every part signed
    (-1, ["1/2", "1/2"], [-1, 0]),
    (-10, ["1/3", "1/3", "1/3"], [-4, -3, -3]),
    (-10, ["0.13", "0.27", "0.6"], [-1, -3, -6]),
    # 1,500,000.00 yuan: increment 500,000.00 split 0.3/0.7 → 150,000.00 and 350,000.00
    (50_000_000, ["0.3", "0.7"], [15_000_000, 35_000_000]),
    (0, ["1/3", "1/3", "1/3"], [0, 0, 0]),
    (7, ["1"], [7]),
])
def test_allocation_table(amount: int, shares: list[str], parts: list[int]):
    assert alloc(amount, shares) == parts
    assert sum(parts) == amount


def test_allocation_over_scenarios_keeps_each_scenario_apart():
    # by halves: 1 → (1, 0); 2 → (1, 1); -1 → (-1, 0); 0 → (0, 0)
    got = allocate(np.array([1, 2, -1, 0], dtype=np.int64), [F(1, 2), F(1, 2)])
    assert got.tolist() == [[1, 1, -1, 0], [0, 1, 0, 0]]


def test_ties_go_to_the_party_listed_first_whatever_its_share():
    # 5 fen by 0.1, 0.5, 0.4: 0.5, 2.5, 2.0 → floors 0, 2, 2, one fen left; remainders .5, .5, 0:
    # a tie between the first and the second → the first listed
    assert alloc(5, ["0.1", "0.5", "0.4"]) == [1, 2, 2]
    # listed the other way round, the tie goes to the party now first
    assert alloc(5, ["0.5", "0.1", "0.4"]) == [3, 0, 2]


def test_prepared_shares_allocate_like_fractions():
    shares = [F(1, 3), F(1, 3), F(1, 3)]
    assert allocate(np.array([10]), Shares(shares)).tolist() == [[4], [3], [3]]


BIG = [F(10000000, 19218107), F(9218107, 19218107)]


@pytest.mark.parametrize("amount", [10**14, 10**14 - 1, -10**14, 99_999_999_999_999, 1, 3])
def test_allocation_of_the_largest_amounts_by_big_numerators_does_not_wrap(amount: int):
    # 10**14 × 10,000,000 = 10**21 > 2**63: the products need more than int64
    parts = alloc(amount, BIG)
    assert parts == exact_allocate(amount, BIG)
    assert sum(parts) == amount
    for part, s in zip(parts, BIG, strict=True):
        assert abs(part - amount * s) < 1


def test_allocation_of_10_to_the_14_by_10000000_over_19218107_worked_by_hand():
    # Long division: 10**14 × 10,000,000 = 10**21 = 19,218,107 × 52,034,261,230,827
    # + 15,015,511 (a remainder of .78 of a fen); 10**14 × 9,218,107 = 19,218,107 ×
    # 47,965,738,769,172 + 4,202,596 (.22). The floors sum to 99,999,999,999,999: the one fen
    # left goes to the larger remainder, .78, the first party.
    assert 19218107 * 52_034_261_230_827 + 15_015_511 == 10**21
    assert 19218107 * 47_965_738_769_172 + 4_202_596 == 9218107 * 10**14
    assert alloc(10**14, BIG) == [52_034_261_230_828, 47_965_738_769_172]
    assert alloc(-10**14, BIG) == [-52_034_261_230_828, -47_965_738_769_172]


def test_allocation_with_huge_denominators_three_parties():
    # shares over a common denominator near 2**62: numerators alone almost fill int64
    d = 2**62 - 57
    shares = [F(d // 3, d), F(d // 3, d), F(d - 2 * (d // 3), d)]
    for amount in (10**14, 10**14 - 7, -10**14, 12345):
        assert alloc(amount, shares) == exact_allocate(amount, shares)


def test_a_huge_and_a_small_scenario_together():
    got = allocate(np.array([10**14, 1, -3], dtype=np.int64), BIG)
    assert got.dtype == np.int64
    assert got[:, 0].tolist() == exact_allocate(10**14, BIG)
    assert got[:, 1].tolist() == [1, 0]    # 0.52 and 0.48 → the larger remainder
    assert got[:, 2].tolist() == [-2, -1]  # 1.56, 1.44 → 1, 1; one left → .56


@st.composite
def share_lists(draw):
    n = draw(st.integers(1, 5))
    weights = draw(st.lists(st.one_of(st.integers(0, 10), st.integers(0, 10**12),
                                      st.sampled_from([10000000, 19218107, 2**61])),
                            min_size=n, max_size=n))
    if not any(weights):
        weights[0] = 1
    return [F(w, sum(weights)) for w in weights]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-10**14, 10**14), min_size=1, max_size=4), share_lists())
def test_allocation_is_the_plain_largest_remainder(amounts, shares):
    """Against a plain Python allocation (floor, then the largest remainders, ties first):
    the same parts, summing exactly to each amount."""
    got = allocate(np.array(amounts, dtype=np.int64), shares)
    for s, amount in enumerate(amounts):
        assert got[:, s].tolist() == exact_allocate(amount, shares)
        assert int(got[:, s].sum()) == amount


# ---- format_yuan: two decimals, "-" only below zero, never "-0.00" -----------------------

@pytest.mark.parametrize(("fen", "text", "grouped"), [
    (0, "0.00", "0.00"),
    (1, "0.01", "0.01"),
    (-1, "-0.01", "-0.01"),
    (-5, "-0.05", "-0.05"),
    (10, "0.10", "0.10"),
    (123450, "1234.50", "1,234.50"),
    (-123450, "-1234.50", "-1,234.50"),
    (123456789, "1234567.89", "1,234,567.89"),
    (10**14, "1000000000000.00", "1,000,000,000,000.00"),
    (-10**14, "-1000000000000.00", "-1,000,000,000,000.00"),
])
def test_format_yuan(fen: int, text: str, grouped: str):
    assert format_yuan(fen) == text
    assert format_yuan(fen, grouped=True) == grouped
    assert format_yuan(np.int64(fen)) == text


@pytest.mark.parametrize("exact", [F(-49, 100), F(-1, 3), F(-1, 2) + F(1, 10**9), F(0)])
def test_minus_zero_never_appears(exact: Fraction):
    # a negative amount that rounds to 0 fen shows as 0.00
    assert format_yuan(round_half_up(exact)) == "0.00"
    assert format_yuan(-0) == "0.00"
    assert format_yuan(np.int64(0) * -1) == "0.00"


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**16, 10**16))
def test_format_yuan_reads_back_and_never_shows_minus_zero(fen: int):
    text = format_yuan(fen)
    assert re.fullmatch(r"-?\d+\.\d{2}", text)
    assert text != "-0.00"
    whole, cents = text.lstrip("-").split(".")
    assert (-1 if text.startswith("-") else 1) * (int(whole) * 100 + int(cents)) == fen


@settings(max_examples=300, deadline=None)
@given(x=st.integers(-10**6, 10**6), nums=st.lists(st.integers(0, 6), min_size=2, max_size=5))
def test_a_tie_is_reported_exactly_where_the_listed_order_decided(x, nums):
    """tie_at against the independent reference allocation: a party is in a deciding tie iff
    another party with the same remainder was treated differently; "won" iff it got the fen."""
    if not sum(nums):
        nums = nums[:-1] + [1]
    shares = [Fraction(n, sum(nums)) for n in nums]
    parts = exact_allocate(x, shares)
    mag = abs(x)
    rems = [(mag * s) - int(mag * s) for s in shares]
    extra = [abs(p) - int(mag * s) for p, s in zip(parts, shares, strict=True)]
    for i in range(len(shares)):
        deciding = [j for j in range(len(shares)) if j != i and rems[j] == rems[i] != 0
                    and extra[j] != extra[i]]
        got = tie_at(x, shares, i)
        if not deciding:
            assert got is None
        else:
            assert got is not None and got[1] == bool(extra[i])
            assert set(deciding) <= set(got[0])


# ---- long division in int64 (issue 16 point 2): big products without Python integers ----------

def _no_object_arrays(monkeypatch) -> list[str]:
    """Record every time allocate or mul_round falls back to Python integers (object arrays)."""
    import sharing.money as money

    seen: list[str] = []
    real_to_int64, real_round_div = money.to_int64, money.round_div

    def to_int64(arr):
        if arr.dtype == object:
            seen.append("to_int64")
        return real_to_int64(arr)

    def round_div(num, den):
        if num.dtype == object:
            seen.append("round_div")
        return real_round_div(num, den)

    monkeypatch.setattr(money, "to_int64", to_int64)
    monkeypatch.setattr(money, "round_div", round_div)
    return seen


def test_mul_divmod_worked_by_hand():
    from sharing.money import mul_divmod

    # 10**14 × 10,000,000 = 10**21 = 19,218,107 × 52,034,261,230,827 + 15,015,511 (the long
    # division of the test above), far past 2**63 ≈ 9.2 × 10**18 as one product
    q, r = mul_divmod(np.array([10**14], dtype=np.int64), 10_000_000, 19_218_107)
    assert (q.tolist(), r.tolist()) == ([52_034_261_230_827], [15_015_511])
    # a numerator at least the denominator: 7/3 of 10 = 23 rem 1 (70 = 3 × 23 + 1)
    q, r = mul_divmod(np.array([10], dtype=np.int64), 7, 3)
    assert (q.tolist(), r.tolist()) == ([23], [1])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 2**62), min_size=1, max_size=5), st.data())
def test_mul_divmod_is_python_divmod(mags, data):
    from sharing.money import mul_divmod

    den = data.draw(st.integers(1, 2**61 - 1))
    num = data.draw(st.integers(0, den))  # a share at most 1: the quotient fits
    q, r = mul_divmod(np.array(mags, dtype=np.int64), num, den)
    assert q.dtype == np.int64 and r.dtype == np.int64
    assert list(zip(q.tolist(), r.tolist(), strict=True)) == [divmod(m * num, den) for m in mags]


def test_from_equity_like_shares_allocate_big_amounts_in_int64(monkeypatch):
    """Ratios of contributions (10-digit denominators) on the largest amounts stay in int64
    and agree with the exact Python allocation."""
    seen = _no_object_arrays(monkeypatch)
    shares = [F(3_000_000_017, 9_876_543_211), F(6_876_543_194, 9_876_543_211)]
    amounts = [10**14, 10**14 - 1, 1_770_000_001, -99_999_999_999_999, 0, 1]
    got = allocate(np.array(amounts, dtype=np.int64), shares)
    assert got.dtype == np.int64
    for s, amount in enumerate(amounts):
        assert got[:, s].tolist() == exact_allocate(amount, shares)
    assert seen == []


@pytest.mark.parametrize("rate", [F(3_000_000_017, 9_876_543_211), F(-7, 3), F(19218107, 10**7)])
def test_mul_round_of_big_products_stays_in_int64(monkeypatch, rate):
    seen = _no_object_arrays(monkeypatch)
    amounts = [10**14, -10**14, 123_456_789_012, -1, 0]
    got = mul_round(np.array(amounts, dtype=np.int64), rate)
    assert got.dtype == np.int64
    assert got.tolist() == [exact_round(a * rate) for a in amounts]
    assert seen == []
