"""Every worked contract of the conformance suite (tests/conformance, a copy of the shared suite), compared to the fen (its README).

Expected figures come from an independent exact calculation; a mismatch is a bug to find or
a reading of the spec to raise, never an expected figure to edit.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from fractions import Fraction

import pytest

from sharing.api import load_file, run_contract
from sharing.result import conformance_shape

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONF = ROOT / "tests" / "conformance"
SHARING = pathlib.Path(sys.executable).with_name("sharing")

CONTRACTS = sorted(CONF.glob("*.yaml"))
INVALID = sorted((CONF / "invalid").glob("*.yaml"))


def test_the_suite_is_there():
    assert len(CONTRACTS) >= 8, f"no conformance contracts under {CONF}"


def _normalise(shape: dict) -> dict:
    out = json.loads(json.dumps(shape))
    for party in out.get("parties", {}).values():
        party["totals_by_kind"] = {k: v for k, v in party.get("totals_by_kind", {}).items()
                                   if v != "0.00"}
    out["events"] = sorted(tuple(e) for e in out.get("events", []))
    for clause in out.get("equity_ratios", {}).values():
        for party, ratios in clause.items():
            clause[party] = [None if r is None else Fraction(r) for r in ratios]
    return out


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda p: p.stem)
def test_conformance(contract: pathlib.Path):
    expected = _normalise(json.loads((CONF / "expected" / f"{contract.stem}.json")
                                     .read_text("utf-8")))
    got = _normalise(conformance_shape(run_contract(load_file(str(contract)))))
    for key in ("parties", "indicators", "events", "pool_balances", "equity_ratios",
                "deficits", "last_year"):
        assert got.get(key) == expected.get(key), key


@pytest.mark.parametrize("contract", CONTRACTS[:1], ids=lambda p: p.stem)
def test_conformance_through_the_cli(contract: pathlib.Path):
    run = subprocess.run([str(SHARING), "run", str(contract), "--format", "json"],
                         capture_output=True, text=True, check=True)
    expected = _normalise(json.loads((CONF / "expected" / f"{contract.stem}.json")
                                     .read_text("utf-8")))
    got = _normalise(conformance_shape(json.loads(run.stdout)))
    assert got["parties"] == expected["parties"]


@pytest.mark.parametrize("contract", INVALID, ids=lambda p: p.stem)
def test_refused(contract: pathlib.Path):
    run = subprocess.run([str(SHARING), "run", str(contract)], capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(str(contract))
