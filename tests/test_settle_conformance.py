"""Every worked case of conformance/settle, settled through ``sharing settle`` and compared
to the fen (semantics §6; the cases' README).

The expected figures come from an independent exact calculation; a mismatch is a bug to find
or a reading of §6 to raise, never an expected figure to edit. The statement's ``pairs`` list
is mapped to the README's ``"a->b"`` keys; identity hashes are not compared (README).
"""

from __future__ import annotations

import json
import pathlib
import shlex
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent
SETTLE = ROOT / "conformance" / "settle"
SHARING = pathlib.Path(sys.executable).with_name("sharing")
CASES = sorted(p for p in SETTLE.iterdir() if p.is_dir() and p.name[:2].isdigit())


def test_the_cases_are_there():
    assert len(CASES) >= 3


def _year(case: pathlib.Path) -> int:
    args = shlex.split((case / "args").read_text("utf-8"))
    return int(args[args.index("--through") + 1])


def settle_command(case: pathlib.Path, fmt: str = "json") -> list[str]:
    cmd = [str(SHARING), "settle", str(case / "contract.yaml"), "--year", str(_year(case)),
           "--actuals", str(case / "actuals.csv"), "--format", fmt]
    for flag, name in (("--register", "register.csv"), ("--transfers", "transfers.csv"),
                       ("--previous", "previous.json")):
        if (case / name).exists():
            cmd += [flag, str(case / name)]
    return cmd


def conformance_shape(doc: dict) -> dict:
    """A statement mapped to the keys of conformance/settle/expected (its README)."""
    out = {
        "versions": {"by_year": doc["versions"]["by_year"]},
        "parties": {p: {k: v[k] for k in ("net_by_year", "net_total", "totals_by_kind")}
                    for p, v in doc["parties"].items()},
        "indicators": doc["indicators"],
        "events": sorted([e["year"], e["clause"], e["kind"]] for e in doc["events"]),
    }
    for key in ("enterprises", "not_by_enterprise", "ineligible", "plan_against_actual"):
        if key in doc:
            out[key] = doc[key]
    st = dict(doc["settlement"])
    st["pairs"] = {f"{p['a']}->{p['b']}": {k: v for k, v in p.items() if k not in ("a", "b")}
                   for p in st["pairs"]}
    out["settlement"] = st
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_settles_to_the_fen(case: pathlib.Path):
    run = subprocess.run(settle_command(case), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    got = conformance_shape(json.loads(run.stdout))
    expected = json.loads((SETTLE / "expected" / f"{case.name}.json").read_text("utf-8"))
    expected["versions"] = {"by_year": expected["versions"]["by_year"]}
    expected["events"] = sorted(expected["events"])
    for key in ("versions", "parties", "indicators", "events", "enterprises",
                "not_by_enterprise", "ineligible", "settlement", "plan_against_actual"):
        assert got.get(key) == expected.get(key), key
