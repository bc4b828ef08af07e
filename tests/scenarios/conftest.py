"""Shared helpers for the negotiation tools' tests."""

from __future__ import annotations

import pathlib
from decimal import Decimal

import pytest

from schemas.errors import InvalidContract
from sharing.api import parse_contract, run_contract
from sharing.scenarios.paths import PathError

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = pathlib.Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples"


def fen(text: str) -> int:
    """"1234.50" -> 123450."""
    return int(Decimal(text) * 100)


def single_run(plan, i: int) -> dict | None:
    """Scenario i's contract run alone through the engine (None when it is refused)."""
    try:
        return run_contract(parse_contract(plan.document(i)))
    except (InvalidContract, PathError):
        return None


def assert_matches_single_runs(plan, results, sample) -> int:
    """Every sampled scenario's figures equal its contract run alone, to the fen."""
    checked = 0
    for i in sample:
        s = i - results.start
        alone = single_run(plan, i)
        if alone is None:
            assert not results.valid[s], f"scenario {i}: valid in the run, refused alone"
            continue
        assert results.valid[s], f"scenario {i}: {results.reason_of(s)}, but it runs alone"
        for p, pid in enumerate(plan.parties):
            party = alone["parties"][pid]
            assert int(results.net_total[s, p]) == fen(party["net_total"]), (i, pid)
            assert int(results.npv[s, p]) == fen(party["npv"]), (i, pid)
            if results.net is not None:
                assert [int(v) for v in results.net[s, p]] == [
                    fen(v) for v in party["net_by_year"]], (i, pid)
        kinds = {ev["kind"] for ev in alone["events"]}
        assert bool(results.flags["cap_reached"][s]) == ("cap_reached" in kinds), i
        assert bool(results.flags["pool_exhausted"][s]) == ("pool_exhausted" in kinds), i
        assert bool(results.flags["exit_triggered"][s]) == ("exit_triggered" in kinds), i
        called = ("guarantee_backstopped" in kinds or "guarantee_unpaid" in kinds or any(
            "pool_out" in p["totals_by_kind"] for p in alone["parties"].values()))
        assert bool(results.flags["guarantee_called"][s]) == called, i
        if alone["last_year"] is not None:
            assert results.years[int(results.last[s]) - 1] == alone["last_year"], i
        checked += 1
    return checked


@pytest.fixture
def data_dir() -> pathlib.Path:
    return DATA
