"""A split's baseline amount and growth drawn per scenario stay on the vector path (§3.1).

The vector path (one ``evaluate`` over every scenario, with the baselines as arrays) must
give, scenario by scenario, what the single-scenario engine gives for that scenario's own
contract: checked on the 30-year every-clause contract (split with a cap and a baseline,
buffer, equity with ``from_equity`` shares, cost share, pool, indicator, exit with an NPV
price whose counterfactual run uses the same baselines), with the baseline's amount and
growth and two stream parameters drawn.
"""

from __future__ import annotations

import pathlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.scenario import ScenarioFile
from sharing.api import evaluate_contract, parse_contract
from sharing.loader import read_file
from sharing.scenarios.plan import build_plan
from sharing.scenarios.runner import evaluate_range, run_plan

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONTRACT = read_file(str(ROOT / "benchmarks" / "data" / "thirty-years-all-clauses.yaml"))


def _plan(seed: int, median: int, sigma: float, growth: float, n: int = 24):
    doc = {"name": "baseline drawn", "contract": CONTRACT,
           "draws": {"seed": seed, "n": n, "params": [
               {"path": "clauses.split.baseline.amount", "dist": "lognormal",
                "median": median, "sigma": sigma},
               {"path": "clauses.split.baseline.growth", "dist": "normal", "mean": growth,
                "sd": 0.02},
               {"path": "streams.vat.first", "dist": "lognormal", "median": 36000000,
                "sigma": 0.4},
               {"path": "streams.cit.growth", "dist": "uniform", "low": -0.05,
                "high": 0.1}]}}
    return build_plan(ScenarioFile.model_validate(doc), dict(CONTRACT), "(test)", n=n)


def _single(plan, i: int) -> np.ndarray:
    run = evaluate_contract(parse_contract(plan.document(i)))
    return np.asarray(run.ledger.net)[:, 0, :]


def test_a_drawn_baseline_is_not_structure():
    """No grouping by the baseline: the drawn parameters are values (no per-scenario run)."""
    plan = _plan(7, 6500000, 0.5, 0.04)
    assert not any(d.param.structural for d in plan.draws)
    assert [d.param.baseline for d in plan.draws[:2]] == [("split", "amount"),
                                                          ("split", "growth")]


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), median=st.integers(10**5, 10**9),
       sigma=st.sampled_from([0.1, 0.8, 2.0]), growth=st.sampled_from([-0.3, 0.0, 0.04, 0.5]))
def test_vector_path_equals_single_scenario_engine(seed, median, sigma, growth):
    plan = _plan(seed, median, sigma, growth)
    res = run_plan(plan, keep_years=True)
    for i in range(plan.total):
        if res.valid[i]:
            assert (res.net[i] == _single(plan, i)).all(), i
        else:  # refused on the vector path: refused alone too (a growth ≤ −1, say)
            try:
                _single(plan, i)
            except Exception:  # noqa: BLE001 - any refusal (InvalidContract)
                continue
            raise AssertionError(f"scenario {i} refused only on the vector path")


def test_a_negative_drawn_baseline_is_refused_with_its_field():
    doc = {"name": "baseline drawn", "contract": CONTRACT,
           "draws": {"seed": 1, "n": 50, "params": [
               {"path": "clauses.split.baseline.amount", "dist": "normal", "mean": 0,
                "sd": 1000000}]}}
    plan = build_plan(ScenarioFile.model_validate(doc), dict(CONTRACT), "(test)", n=50)
    out = evaluate_range(plan, 0, 50)
    nums, _ = plan.draw_nums(0, 50)
    negative = nums[0] < 0
    assert negative.any() and (~negative).any()
    assert (out.valid == ~negative).all()
    reason = out.reason_of(int(np.flatnonzero(negative)[0]))
    assert "clauses.split.baseline.amount" in reason and "out of range" in reason
