"""The commands: sweep, montecarlo, compare, explain, solve (in-process through
sharing.cli.main, and once through the console script)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from .conftest import DATA, EXAMPLES, ROOT

SHARING = pathlib.Path(sys.executable).with_name("sharing")


class Done:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def sharing(capsys, monkeypatch):
    """``sharing ARGS`` in this process: (exit status, standard output, standard error)."""
    from sharing.cli import main

    monkeypatch.chdir(ROOT)

    def run(*args: str) -> Done:
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Done(code, out.out, out.err)
    return run


def test_the_console_script_runs_a_sweep():
    p = subprocess.run([str(SHARING), "sweep", str(DATA / "tiny-grid.yaml")],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "898,607.06" in p.stdout


def test_sweep_table_json_csv_and_one_scenario(sharing):
    grid = str(DATA / "tiny-grid.yaml")
    p = sharing("sweep", grid)
    assert p.returncode == 0, p.stderr
    assert "898,607.06" in p.stdout and "invalid" in p.stdout  # scenario 1, a's NPV
    doc = json.loads(sharing("sweep", grid, "--format", "json", "--years").stdout)
    row = doc["rows"][1]
    assert row["params"] == {"clauses.split.schedule[0].shares.a": "0.3",
                             "streams.vat.growth": "0.1"}
    assert row["parties"]["a"]["net_by_year"] == ["300000.00", "330000.00", "363000.00"]
    assert doc["rows"][4]["valid"] is False
    csv = sharing("sweep", grid, "--format", "csv").stdout
    assert "scenario,clauses.split.schedule[0].shares.a,streams.vat.growth" in csv
    alone = json.loads(sharing("sweep", grid, "--scenario", "1", "--show", "contract").stdout)
    assert alone["streams"][0]["growth"] == "0.1"
    res = sharing("sweep", grid, "--scenario", "3", "--format", "json")
    assert json.loads(res.stdout)["parties"]["a"]["npv"] == "1497678.44"


def test_montecarlo_is_reproducible_and_shows_a_progress_bar(sharing):
    mc = str(DATA / "tiny-mc.yaml")
    a = sharing("montecarlo", mc, "--n", "300", "--seed", "9", "--format", "json")
    b = sharing("montecarlo", mc, "--n", "300", "--seed", "9", "--format", "json",
                "--progress", "--chunk", "64")
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert a.stdout == b.stdout
    assert "300/300 scenarios" in b.stderr
    doc = json.loads(a.stdout)
    assert doc["seed"] == 9 and doc["grid_points"][0]["valid"] == 300
    table = sharing("montecarlo", mc, "--n", "300").stdout
    assert "P50" in table and "a guarantee is called" in table


def test_compare_worked_by_hand(sharing, tmp_path):
    """tiny.yaml at a 0.3 against 0.5: a gets 0.2 × (1,000,000, 1,100,000, 1,210,000) more:
    +200,000.00, +220,000.00, +242,000.00, in all +662,000.00; b as much less."""
    other = tmp_path / "half.yaml"
    other.write_text((DATA / "tiny.yaml").read_text().replace("{a: 0.3, b: 0.7}",
                                                              "{a: 0.5, b: 0.5}"))
    doc = json.loads(sharing("compare", str(DATA / "tiny.yaml"), str(other), "--format",
                             "json").stdout)
    a = doc["parties"]["a"]
    assert [row[1] for row in a["diff_by_year"]] == ["200000.00", "220000.00", "242000.00"]
    assert a["diff_total"] == ["0.00", "662000.00"]
    assert doc["parties"]["b"]["diff_total"][1] == "-662000.00"
    text = sharing("compare", str(DATA / "tiny.yaml"), str(other)).stdout
    assert "+662,000.00" in text and "B−A" in text


def test_explain_and_solve_commands(sharing):
    p = sharing("explain", str(EXAMPLES / "incremental-step-split.yaml"), "--params",
                "clauses.increment_split.schedule[0].shares.suzhou", "--party", "suzhou")
    assert p.returncode == 0, p.stderr
    assert "= the ledger ✓" in p.stdout and "≠" not in p.stdout
    s = sharing("solve", str(EXAMPLES / "incremental-step-split.yaml"), "--find",
                "clauses.increment_split.schedule[1].shares.suzhou", "--target",
                "npv(suzhou) = npv(suqian) / 2")
    assert s.returncode == 0 and "✓ met to within one fen" in s.stdout
    bad = sharing("solve", str(EXAMPLES / "incremental-step-split.yaml"), "--find",
                  "clauses.increment_split.schedule[1].shares.suzhou", "--target",
                  "npv(suzhou) == 10000000000")
    assert bad.returncode == 3 and "INFEASIBLE" in bad.stdout


@pytest.mark.parametrize("args,needle", [
    (["sweep", "tests/scenarios/data/nope.yaml"], "cannot read"),
    (["montecarlo", "tests/scenarios/data/tiny-grid.yaml"], "needs draws"),
    (["solve", "examples/incremental-step-split.yaml", "--find", "nosuch.path", "--target",
      "npv(suzhou) == 1"], "no field"),
    (["montecarlo", "tests/scenarios/data/tiny-mc.yaml", "--engine", "dask"], "--scheduler"),
])
def test_refusals_exit_2_with_a_message(sharing, args, needle):
    p = sharing(*args)
    assert p.returncode == 2, p.stdout + p.stderr
    assert needle in p.stderr


def test_the_command_module_imports_nothing_heavy():
    code = ("import sys, sharing.cli; sharing.cli.build_parser(); "
            "print(sorted(m for m in ('numpy', 'sympy', 'dask', 'distributed') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert "sympy" not in out.stdout and "dask" not in out.stdout, out.stdout + out.stderr
