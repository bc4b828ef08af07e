"""Exact projections and NPV over the scenario axis (sharing.scenarios.exact).

Floats only find the answer; every rounding a float cannot decide is redone on integers, so
the figures equal sharing.streams.project and sharing.finance.npv exactly, ties included.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sharing.api import parse_contract
from sharing.finance import npv
from sharing.scenarios.exact import ExactArray, StreamParams, npv_many, project_many
from sharing.streams import project


def _contract(stream: dict, years: int = 4) -> object:
    return parse_contract({
        "start_year": 2030, "years": years,
        "parties": [{"id": "a", "role": "sending"}, {"id": "b", "role": "receiving"}],
        "streams": [stream], "clauses": []})


def test_ties_round_half_away_from_zero():
    # 0.05 yuan = 5 fen × ramp 0.3 = 1.5 fen → 2 fen; a loss of 5 fen × 0.3 → −2 fen;
    # 5 fen × 0.7 = 3.5 → 4; then × 1.1 (growth 10 %, no ramp) = 5.5 → 6, and 6.05 → 6.
    c = _contract({"id": "p", "kind": "profit", "first": "0.05", "growth": 0.1,
                   "ramp": [0.3, 0.7]})
    s = c.streams[0]
    firsts = ExactArray(np.array([5, -5], dtype=np.int64), 100)
    p = StreamParams(firsts, s.growth, list(s.ramp), None, Fraction(1))
    projected, shareable, over = project_many(c, s, p, 2)
    # year 2: 5 × 1.1 × 0.7 = 3.85 → 4; year 3: 5 × 1.21 = 6.05 → 6; year 4: 6.655 → 7
    assert projected.tolist() == [[2, 4, 6, 7], [-2, -4, -6, -7]]
    assert not over.any()


def test_retention_per_scenario_and_the_projection_limit():
    c = _contract({"id": "v", "kind": "tax", "first": 1001, "local_retention": 0.5})
    s = c.streams[0]
    ret = ExactArray(np.array([5, 25, 3], dtype=np.int64), 10)  # 0.5, 2.5 (too big), 0.3
    big = ExactArray(np.array([100100, 100100, 10**12 * 100 + 1], dtype=np.int64), 100)
    _, shareable, over = project_many(c, s, StreamParams(big, s.growth, [], None, ret), 3)
    assert shareable[0].tolist() == [50050] * 4  # 100,100 fen × 0.5
    assert shareable[1].tolist() == [250250] * 4
    assert over.tolist() == [False, False, True]  # just over 10^12 yuan


@settings(max_examples=60, deadline=None)
@given(first=st.integers(-10**13, 10**13), growth=st.integers(-9999, 30000),
       ramp=st.integers(0, 1000), ret=st.integers(0, 1000), start=st.integers(0, 3))
def test_project_many_equals_project(first, growth, ramp, ret, start):
    kind = "profit" if first < 0 else "tax"
    stream = {"id": "s", "kind": kind, "first": "0", "growth": 0, "ramp": ["0.5"],
              **({"local_retention": "0.5"} if kind == "tax" else {})}
    if start:
        stream["relocated_year"] = 2030 + start
    c = _contract(stream, years=8)
    s = c.streams[0]
    m = 3
    f = ExactArray(np.array([first, first // 7, 1234567], dtype=np.int64), 1000)
    g = ExactArray(np.array([growth, -growth // 3, 500], dtype=np.int64), 10**4)
    r = ExactArray(np.array([ramp, 1000 - ramp, 333], dtype=np.int64), 1000)
    rt = ExactArray(np.array([ret, 1000 - ret, 500], dtype=np.int64), 1000) \
        if kind == "tax" else Fraction(1)
    projected, shareable, over = project_many(c, s, StreamParams(f, g, [r], None, rt), m)
    for i in range(m):
        upd = {"first": f.at(i), "growth": g.at(i), "ramp": [r.at(i)]}
        if kind == "tax":
            upd["local_retention"] = rt.at(i)
        alone = project(c, s.model_copy(update=upd))
        if over[i]:
            assert max(abs(v) for v in alone.projected) > 10**14
            continue
        assert projected[i].tolist() == alone.projected
        assert shareable[i].tolist() == alone.shareable


def test_npv_ties_worked_by_hand():
    # at r = 100 %: 1 fen in year 1 is worth 0.5 fen → 1; −1 → −1 (half away from zero);
    # 2 fen in year 2 is worth 2/4 = 0.5 → 1; [3, −1]: 1.5 − 0.25 = 1.25 → 1
    flows = np.array([[1, 0], [-1, 0], [0, 2], [3, -1]], dtype=np.int64)
    assert npv_many(flows, Fraction(1))[0].tolist() == [1, -1, 1, 1]
    assert npv_many(flows, Fraction(0))[0].tolist() == [1, -1, 2, 2]


@settings(max_examples=40, deadline=None)
@given(flows=st.lists(st.lists(st.integers(-10**15, 10**15), min_size=30, max_size=30),
                      min_size=1, max_size=20),
       rate=st.fractions(min_value=Fraction(-1, 2), max_value=Fraction(1), max_denominator=400))
def test_npv_many_equals_npv(flows, rate):
    arr = np.array(flows, dtype=np.int64)
    values, too_big = npv_many(arr, rate)
    for v, big, row in zip(values.tolist(), too_big, flows, strict=True):
        exact = npv(row, rate)
        assert (big and abs(exact) >= 2**63) or (not big and v == exact)


def test_mul_round_each_near_the_int64_edge_is_exact():
    """2·|amount·p| + q must stay below 2**63 in round_div: a product just under 2**62 with a
    large denominator went past it (worked by hand with Python integers)."""
    from sharing.scenarios.exact import mul_round_each

    q = 10**6
    amount = np.array([2**62 // 7 - 1, 5], dtype=np.int64)
    rate = ExactArray(np.array([7, 7], dtype=np.int64), q)  # 7 / 10^6 each
    got = mul_round_each(amount, rate).tolist()
    want = [(2 * a * 7 + q) // (2 * q) for a in amount.tolist()]
    assert got == want
