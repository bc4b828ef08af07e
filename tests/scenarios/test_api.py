"""The functions a web page calls: documents in, JSON-ready data and escaped SVG out."""

from __future__ import annotations

import copy

import pytest

from schemas.errors import InvalidContract
from sharing.loader import read_file
from sharing.scenarios import api

from .conftest import DATA


@pytest.fixture
def tiny() -> dict:
    return read_file(str(DATA / "tiny.yaml"))


def test_sweep_with_an_inline_contract_and_its_chart(tiny):
    tiny["parties"][0]["name"] = "<script>alert(1)</script>"
    tiny["parties"][0]["id"] = "a"
    doc = api.sweep({"contract": tiny, "vary": [
        {"path": "clauses.split.schedule[0].shares.a", "values": [0.3, 0.5]},
        {"path": "streams.vat.growth", "values": [0.1]}]})
    assert [r["parties"]["a"]["npv"] for r in doc["rows"]] == ["898607.06", "1497678.44"]
    svg = doc["charts"]["npv_by_value"]
    assert svg.startswith("<svg") and "<script" not in svg


def test_a_contract_named_by_path_is_not_read(tiny):
    with pytest.raises(InvalidContract, match="inline"):
        api.sweep({"contract": "/etc/passwd", "vary": []})
    with pytest.raises(InvalidContract, match="at most"):
        api.montecarlo({"contract": tiny, "draws": {"n": 5000, "params": [
            {"path": "streams.vat.growth", "dist": "uniform", "low": 0, "high": 0.1}]}},
            max_scenarios=1000)


def test_montecarlo_histograms(tiny):
    doc = api.montecarlo({"contract": tiny, "draws": {"seed": 3, "n": 200, "params": [
        {"path": "streams.vat.growth", "dist": "uniform", "low": 0, "high": 0.1}]}})
    point = doc["grid_points"][0]
    assert point["valid"] == 200
    assert set(point["charts"]) == {"a", "b"} and "P50" in point["charts"]["a"]


def test_sensitivity_worked_by_hand(tiny):
    """Share a 0.3 → 0.2 / 0.4 at g = 0.1: a's NPV 898,607.06 becomes 599,071.37
    (200,000/1.05 + 220,000/1.05² + 242,000/1.05³ = 599,071.3746) and 1,198,142.75."""
    out = api.sensitivity(tiny, [("clauses.split.schedule[0].shares.a", 0.2, 0.4),
                                 ("streams.vat.growth", 0, 0.2)])
    assert out["base_npv"]["a"] == "898607.06"
    share = next(r for r in out["rows"] if r["path"].startswith("clauses"))
    assert share["parties"]["a"] == {"low": "-299535.69", "high": "299535.69"}
    assert share["parties"]["b"] == {"low": "299535.69", "high": "-299535.69"}
    assert out["charts"]["a"].startswith("<svg")


def test_compare_names_the_refused_contract(tiny):
    bad = copy.deepcopy(tiny)
    bad["years"] = 0
    with pytest.raises(InvalidContract) as e:
        api.compare([("ok", tiny), ("bad", bad)])
    assert e.value.issues[0].path.startswith("contracts[1].")
    out = api.compare([("A", tiny), ("B", tiny)])
    assert out["parties"]["a"]["diff_total"] == ["0.00", "0.00"]


def test_explain_through_the_api(tiny):
    out = api.explain(tiny, ["clauses.split.schedule[0].shares.a"], party="a")
    assert out["parties"]["a"]["npv"]["equal"]
    assert out["parties"]["a"]["npv"]["ledger"] == "898607.06"  # 0.3 at 10 % growth
