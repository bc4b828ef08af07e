"""Monte Carlo: exact draws, reproducible by seed, equal to single runs, the same on dask."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from schemas.scenario import ScenarioFile
from sharing.loader import read_file
from sharing.scenarios.plan import BLOCK, build_plan, load_plan
from sharing.scenarios.runner import run_plan
from sharing.scenarios.stats import distribution, monte_carlo, percentile

from .conftest import DATA, EXAMPLES, assert_matches_single_runs


def _arrays(res):
    return (res.valid, res.reason, res.net_total, res.npv, res.last,
            *(res.flags[f] for f in sorted(res.flags)))


def test_same_seed_same_results_and_n_only_adds_scenarios():
    a = run_plan(load_plan(str(DATA / "tiny-mc.yaml")), chunk=1000)
    b = run_plan(load_plan(str(DATA / "tiny-mc.yaml")), chunk=777)
    assert a.digest() == b.digest()
    for x, y in zip(_arrays(a), _arrays(b), strict=True):
        assert np.array_equal(x, y)
    small = run_plan(load_plan(str(DATA / "tiny-mc.yaml"), n=500))
    assert np.array_equal(small.npv, a.npv[:500])
    other = run_plan(load_plan(str(DATA / "tiny-mc.yaml"), seed=43, n=500))
    assert not np.array_equal(other.npv, small.npv)


def test_draws_are_exact_decimals_made_as_documented():
    plan = load_plan(str(DATA / "tiny-mc.yaml"), n=BLOCK + 2)
    nums, bad = plan.draw_nums(BLOCK - 2, BLOCK + 2)  # across two generator blocks
    assert not bad.any()
    for k, j in enumerate(range(BLOCK - 2, BLOCK + 2)):
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(
            42, spawn_key=(j // BLOCK,))))
        z = rng.standard_normal(BLOCK)[j % BLOCK]  # growth: normal, 4 decimals
        assert nums[0][k] == np.rint((0.05 + 0.1 * z) * 10**4)
    growth = plan.drawn_value(0, int(nums[0][0]))
    assert isinstance(growth, Fraction) and (growth * 10**4).denominator == 1
    doc = plan.document(BLOCK - 2)
    assert Fraction(doc["streams"][0]["growth"]) == growth


def test_monte_carlo_scenarios_equal_single_runs():
    plan = load_plan(str(DATA / "tiny-mc.yaml"))
    res = run_plan(plan, keep_years=True)
    assert assert_matches_single_runs(plan, res, range(0, 3000, 97)) > 25


def test_monte_carlo_with_caps_guarantees_and_pool_equals_single_runs():
    base = read_file(str(EXAMPLES / "scenarios" / "shenshan-30y.yaml"))
    spec = ScenarioFile.model_validate({"contract": "x", "draws": {"seed": 5, "n": 1200,
        "params": [
            {"path": "streams.park_vat.growth", "dist": "normal", "mean": 0.05, "sd": 0.04},
            {"path": "streams.moved_vat.first", "dist": "lognormal", "median": 24000000,
             "sigma": 0.3},
            {"path": "clauses.park_split.schedule[1].shares.shenzhen", "dist": "uniform",
             "low": 0.2, "high": 0.3, "decimals": 2}]}})
    plan = build_plan(spec, base)
    res = run_plan(plan, keep_years=True)
    for f in ("cap_reached", "guarantee_called", "pool_exhausted"):
        assert 0 < res.flags[f].sum() < plan.total, f
    assert assert_matches_single_runs(plan, res, range(0, 1200, 61)) == 20


def test_exit_probability_equals_single_runs():
    """In this example years 2, 3, 5, 6 and 7 are weak (increment below 3,000,000): the
    exit fires unless both year 4 (series[3] ≥ about 25,670,000) and year 6 (series[5] ≥
    about 26,870,000) are strong, which the draws make so in roughly one scenario in five."""
    base = read_file(str(EXAMPLES / "early-exit-npv-buyout.yaml"))
    spec = ScenarioFile.model_validate({"contract": "x", "draws": {"seed": 1, "n": 120,
        "params": [{"path": f"streams.park_vat.series[{i}]", "dist": "uniform",
                    "low": 15000000, "high": 35000000} for i in (3, 5)]}})
    plan = build_plan(spec, base)
    res = run_plan(plan)
    assert 0 < res.flags["exit_triggered"].sum() < plan.total
    assert assert_matches_single_runs(plan, res, range(0, 120, 7)) == 18


def test_a_projection_field_that_does_not_belong_is_refused_for_every_scenario():
    base = read_file(str(EXAMPLES / "early-exit-npv-buyout.yaml"))
    spec = ScenarioFile.model_validate({"contract": "x", "draws": {"n": 5, "params": [
        {"path": "streams.park_vat.growth", "dist": "uniform", "low": 0, "high": 0.1}]}})
    plan = build_plan(spec, base)
    res = run_plan(plan)
    assert not res.valid.any()
    assert "growth and ramp apply to first" in res.reason_of(0)
    assert_matches_single_runs(plan, res, range(5))


def test_percentiles_are_nearest_rank_and_the_mean_is_exact():
    v = np.sort(np.array([5, 1, 4, 2, 3, 10, 9, 8, 7, 6], dtype=np.int64))
    # nearest rank: P5 of 10 values is the 1st (⌈0.5⌉), P25 the 3rd, P50 the 5th, P95 the 10th
    assert [percentile(v, p) for p in (5, 25, 50, 75, 95)] == [1, 3, 5, 8, 10]
    d = distribution(np.array([1, 2, 2], dtype=np.int64))  # mean 5/3 = 1.67 → 2 fen
    assert d["mean"] == 2 and d["min"] == 1 and d["max"] == 2


def test_probabilities_count_the_valid_scenarios():
    plan = load_plan(str(DATA / "tiny-mc.yaml"), n=400)
    res = run_plan(plan)
    mc = monte_carlo(res, plan)
    # growth ~ N(5 %, 10 %) rounded to 4 decimals: never ≤ −100 %, so every scenario is valid
    assert mc["valid"] == 400 and mc["invalid"] == {}
    assert mc["probabilities"]["cap_reached"]["probability"] == 0
    npvs = np.sort(res.npv[:, 0])
    assert mc["parties"]["a"]["npv"]["p50"] == int(npvs[199])


@pytest.fixture(scope="module")
def cluster():
    import distributed
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as c:
        yield c


def test_dask_engine_gives_the_same_results_bit_for_bit(cluster):
    plan = load_plan(str(DATA / "tiny-mc.yaml"))
    local = run_plan(plan, chunk=500)
    seen = []
    remote = run_plan(plan, chunk=500, engine="dask", scheduler=cluster.scheduler_address,
                      progress=lambda done, total: seen.append(done))
    assert remote.digest() == local.digest()
    for x, y in zip(_arrays(local), _arrays(remote), strict=True):
        assert np.array_equal(x, y)
    assert seen[-1] == plan.total


def test_dask_sweep_with_structures_and_invalid_scenarios(cluster):
    plan = load_plan(str(DATA / "tiny-grid.yaml"))
    local = run_plan(plan, chunk=2)
    remote = run_plan(plan, chunk=2, engine="dask", scheduler=cluster.scheduler_address)
    assert remote.digest() == local.digest()
    assert remote.reasons == local.reasons
