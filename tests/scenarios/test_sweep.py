"""Sweeps: every grid point equals its contract run alone, to the fen.

tiny.yaml: one stream of 1,000,000.00 a year growing at g, split a : b, contract discount
rate 5 %. Worked by an independent exact calculation (Fractions, Σ CF_t / 1.05^t):

| scenario | share a | g   | a total      | a NPV        | b total      | b NPV        |
|----------|---------|-----|--------------|--------------|--------------|--------------|
| 0        | 0.3     | 0   |   900,000.00 |   816,974.41 | 2,100,000.00 | 1,906,273.62 |
| 1        | 0.3     | 0.1 |   993,000.00 |   898,607.06 | 2,317,000.00 | 2,096,749.81 |
| 2        | 0.5     | 0   | 1,500,000.00 | 1,361,624.01 | 1,500,000.00 | 1,361,624.01 |
| 3        | 0.5     | 0.1 | 1,655,000.00 | 1,497,678.44 | 1,655,000.00 | 1,497,678.44 |
| 4, 5     | 1.5     |     | invalid: b's share would be 1 − 1.5 = −0.5                        |

e.g. scenario 1, a: 300,000/1.05 + 330,000/1.05² + 363,000/1.05³ = 285,714.2857 +
299,319.7279 + 313,573.0483 = 898,607.0619 → 898,607.06.
"""

from __future__ import annotations

import pytest

from schemas.scenario import ScenarioFile, Vary
from sharing.scenarios.plan import ScenarioFileError, build_plan, load_plan
from sharing.scenarios.runner import run_plan

from .conftest import DATA, EXAMPLES, assert_matches_single_runs

EXPECTED = {  # scenario: (a total, a NPV, b total, b NPV), fen
    0: (90_000_000, 81_697_441, 210_000_000, 190_627_362),
    1: (99_300_000, 89_860_706, 231_700_000, 209_674_981),
    2: (150_000_000, 136_162_401, 150_000_000, 136_162_401),
    3: (165_500_000, 149_767_844, 165_500_000, 149_767_844),
}


def test_tiny_grid_figures_worked_by_hand():
    plan = load_plan(str(DATA / "tiny-grid.yaml"))
    assert plan.total == 6
    res = run_plan(plan, keep_years=True)
    for i, (at, an, bt, bn) in EXPECTED.items():
        assert res.valid[i]
        assert list(res.net_total[i]) == [at, bt]
        assert list(res.npv[i]) == [an, bn]
    assert list(res.net[1, 0]) == [30_000_000, 33_000_000, 36_300_000]
    for i in (4, 5):
        assert not res.valid[i]
        assert "shares.b" in res.reason_of(i)
    assert_matches_single_runs(plan, res, range(6))


def test_grid_of_a_thirty_year_contract_equals_single_runs():
    """Shares (structure) × buffer years (structure) × growth (projection): six structures,
    each one engine call over its growth values."""
    doc = {"contract": str(EXAMPLES / "scenarios" / "shenshan-30y.yaml"), "vary": [
        {"path": "clauses.park_split.schedule[0].shares.shenzhen", "values": [0.3, 0.45]},
        {"path": "clauses.moved_buffer.years", "values": [3, 5, 7]},
        {"path": "streams.park_vat.growth", "values": [-0.02, 0.05, 0.11]},
        {"path": "streams.moved_vat.first", "values": [15000000, "31000000.005"]},
    ]}
    spec = ScenarioFile.model_validate(doc)
    from sharing.loader import read_file

    plan = build_plan(spec, read_file(doc["contract"]))
    res = run_plan(plan, keep_years=True, chunk=7)  # chunks cut across structures
    assert res.size == 36
    assert res.valid.all()
    assert res.flags["cap_reached"].any() and not res.flags["cap_reached"].all()
    assert assert_matches_single_runs(plan, res, range(0, 36, 5)) == 8


def test_bad_path_and_bad_value_are_reported_per_scenario_and_the_run_goes_on():
    spec = ScenarioFile.model_validate({"contract": "x", "vary": [
        {"path": "clauses.nosuch.schedule[0].shares.a", "values": [0.3]},
    ]})
    from sharing.loader import read_file

    base = read_file(str(DATA / "tiny.yaml"))
    res = run_plan(build_plan(spec, base))
    assert not res.valid[0]
    assert "no entry with id 'nosuch'" in res.reason_of(0)

    spec = ScenarioFile.model_validate({"contract": "x", "vary": [
        {"path": "streams.vat.growth", "values": [-1, -0.5, 11, 0.2]},
        {"path": "streams.vat.first", "values": [-5, 100]},
    ]})
    res = run_plan(build_plan(spec, base))
    valid = [bool(v) for v in res.valid]
    # growth −1 and 11 are out of range; first −5 is negative on a tax stream
    assert valid == [False, False, False, True, False, False, False, True]
    assert "growth" in res.reason_of(0) and "first" in res.reason_of(2)
    plan = build_plan(spec, base)
    assert_matches_single_runs(plan, res, range(8))


def test_share_in_a_three_party_map_needs_a_balance():
    from sharing.loader import read_file

    base = read_file(str(DATA / "three.yaml"))
    spec = ScenarioFile.model_validate({"contract": "x", "vary": [
        {"path": "clauses.split.schedule[0].shares.a", "values": [0.4]}]})
    res = run_plan(build_plan(spec, base))
    assert not res.valid[0] and "balance" in res.reason_of(0)
    spec = ScenarioFile(contract="x", vary=[Vary(path="clauses.split.schedule[0].shares.a",
                                                 values=[0.4], balance="c")])
    plan = build_plan(spec, base)
    res = run_plan(plan)
    # a 0.4, b 0.5, c 0.3 − 0.2 = 0.1: 2 years × 1,000.00 → 800.00, 1,000.00, 200.00
    assert list(res.net_total[0]) == [80_000, 100_000, 20_000]
    assert plan.document(0)["clauses"][0]["schedule"][0]["shares"] == {
        "a": "0.4", "b": 0.5, "c": "0.1"}


def test_a_scenario_file_that_is_wrong_is_refused_whole(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("contract: tiny.yaml\nvary:\n  - {path: streams.vat.growth}\n")
    with pytest.raises(ScenarioFileError) as e:
        load_plan(str(bad))
    assert "values" in str(e.value)
    bad.write_text(f"contract: {DATA / 'tiny.yaml'}\nvary:\n  - {{path: 'a..b', values: [1]}}\n")
    with pytest.raises(ScenarioFileError) as e:
        load_plan(str(bad))
    assert "vary[0].path" in str(e.value.issues[0])
