"""Big share products in int64 (issue 16 point 2): long division against Python integers.

    .venv/bin/python benchmarks/money_int64.py [--scenarios 16384] [--rounds 20]

``from_equity`` shares are ratios of contributions, with denominators of ten digits or more;
an amount of fen times such a numerator passes 2**63 for any amount above ~17.7 million yuan.
``sharing.money`` divides such products limb by limb in int64 (``mul_divmod``); before, it
fell back to Python integers (``object`` arrays). This prints, in one run and for one chunk
of scenarios (amounts up to 10**10 yuan), the time of ``allocate`` and ``mul_round`` by the
int64 long division, by the Python-integer fallback (the same rule on ``object`` arrays), and
of the plain int64 path on amounts small enough for it, with a check that all agree.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
from fractions import Fraction

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from sharing.money import Shares, allocate, mul_round, round_div  # noqa: E402


def python_int_allocate(amount: np.ndarray, shares: Shares) -> np.ndarray:
    """The §1 rule on object arrays: what ``allocate`` did for big products before."""
    mag = np.abs(amount).astype(object)
    prod = np.array(shares.nums, dtype=object).reshape(-1, 1) * mag
    parts, rems = prod // shares.den, prod % shares.den
    left = mag - parts.sum(axis=0)
    order = np.argsort(-rems.astype(float), axis=0, kind="stable")  # exact: remainders < den < 2**53
    rank = np.argsort(order, axis=0, kind="stable")
    return np.array((parts + (rank < left)).tolist(), dtype=np.int64)


def per_call(f, rounds: int) -> float:
    f()
    t0 = time.perf_counter()
    for _ in range(rounds):
        f()
    return (time.perf_counter() - t0) / rounds * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", type=int, default=16384)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    big = rng.integers(0, 10**12, args.scenarios, dtype=np.int64)  # fen: up to 10**10 yuan
    small = big % 10**8  # below 10**6 yuan: the products fit in int64
    shares = Shares([Fraction(3_000_000_017, 9_876_543_211), Fraction(6_876_543_194, 9_876_543_211)])
    rate = shares.fractions[0]
    assert (allocate(big, shares) == python_int_allocate(big, shares)).all()
    exact = round_div(big.astype(object) * rate.numerator, rate.denominator)
    assert (mul_round(big, rate) == exact).all()
    rows = [
        ("allocate, int64 long division", per_call(lambda: allocate(big, shares), args.rounds)),
        ("allocate, Python integers", per_call(lambda: python_int_allocate(big, shares), args.rounds)),
        ("allocate, plain int64 (small amounts)", per_call(lambda: allocate(small, shares), args.rounds)),
        ("mul_round, int64 long division", per_call(lambda: mul_round(big, rate), args.rounds)),
        ("mul_round, Python integers", per_call(
            lambda: round_div(big.astype(object) * rate.numerator, rate.denominator), args.rounds)),
        ("mul_round, plain int64 (small amounts)", per_call(lambda: mul_round(small, rate), args.rounds)),
    ]
    print(f"{args.scenarios:,} scenarios, shares over {shares.den:,}; ms per call (mean of {args.rounds}):")
    for name, ms in rows:
        print(f"  {name:<40} {ms:8.2f}")
    print(f"  allocate: {rows[1][1] / rows[0][1]:.1f}x faster than Python integers; "
          f"mul_round: {rows[4][1] / rows[3][1]:.1f}x")


if __name__ == "__main__":
    main()
