"""One two-party incremental split, 30 years: the project against OpenFisca-core and a floor.

    .venv/bin/python benchmarks/openfisca_split.py [--sizes 100000,1000000] [--sample 4000]

The rule (semantics §3.1 with one stream, local retention 100 %, no ramp): revenue in year t
is ``first × (1 + growth)^(t−1)`` rounded half up to the fen, the baseline ``amount × (1 +
0.03)^(t−1)`` likewise; the increment ``max(0, revenue − baseline)`` is split ``share :
1 − share`` (largest remainder, §1: for two parties the sending party's part is its exact part
rounded half up), the baseline goes to the receiving party. Drawn per scenario: first
(lognormal), growth (normal) and the sending party's share (uniform, whole per cent: 2
decimals); in the "drawn" case also the baseline amount (lognormal). The inputs are the project's own draws
(``sharing.scenarios.plan``, exact fractions), written once and read by every contender:

- **project**: ``run_plan`` on the scenario plan, exactly as ``sharing montecarlo`` runs it
  (the drawn baseline is an array over the scenarios, like the stream's first and growth);
- **openfisca**: OpenFisca-core 46 with one person entity, yearly variables and the same
  formulas (its default ``float`` value type, float32), in a separate venv that this script
  creates on first use: ``benchmarks/.venv-openfisca`` (gitignored; never a dependency of
  the project);
- **floor**: plain numpy int64, a year at a time (float64 powers rounded to the fen, then the
  split in integers).

Each contender runs in its own fresh process, interleaved size by size and case by case, and
reports scenario-years per second, its peak resident memory and its figures for the first
``--sample`` scenarios; the parent counts the sampled scenario-years (both parties' nets)
that differ from an exact reference in Python integers and ``Fraction``.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

ROOT = pathlib.Path(__file__).resolve().parents[1]
OF_VENV = ROOT / "benchmarks" / ".venv-openfisca"
OF_PY = OF_VENV / "bin" / "python"
YEARS = 30
START = 2025
BASE_AMOUNT = 10_000_000  # yuan
BASE_GROWTH = Fraction(3, 100)
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                               "NUMEXPR_NUM_THREADS")}


def contract_doc() -> dict:
    return {
        "name": "two-party incremental split / 两方增量分成",
        "start_year": START, "years": YEARS, "discount_rate": 0.05,
        "parties": [{"id": "a", "name": "A", "role": "sending"},
                    {"id": "b", "name": "B", "role": "receiving"}],
        "streams": [{"id": "rev", "kind": "tax", "local_retention": 1,
                     "first": 30_000_000, "growth": 0.06}],
        "clauses": [{"id": "split", "kind": "tax_split", "streams": ["rev"],
                     "baseline": {"amount": BASE_AMOUNT, "growth": "0.03", "owner": "b"},
                     "schedule": [{"years": f"1-{YEARS}", "shares": {"a": 0.4, "b": 0.6}}]}],
    }


def scenario_doc(case: str, n: int) -> dict:
    params = [
        {"path": "streams.rev.first", "dist": "lognormal", "median": 30_000_000, "sigma": 0.3},
        {"path": "streams.rev.growth", "dist": "normal", "mean": 0.06, "sd": 0.03,
         "decimals": 6},
        {"path": "clauses.split.schedule[0].shares.a", "dist": "uniform", "low": 0.3,
         "high": 0.5, "decimals": 2, "balance": "b"},
    ]
    if case == "drawn":
        params.append({"path": "clauses.split.baseline.amount", "dist": "lognormal",
                       "median": BASE_AMOUNT, "sigma": 0.3})
    return {"name": f"split, {case} baseline", "contract": contract_doc(),
            "draws": {"seed": 20251203, "n": n, "params": params}}


def _plan(case: str, n: int):
    sys.path.insert(0, str(ROOT))
    from schemas.scenario import ScenarioFile
    from sharing.scenarios.plan import build_plan

    doc = scenario_doc(case, n)
    spec = ScenarioFile.model_validate(doc)
    return build_plan(spec, doc["contract"], "(benchmark)", n=n)


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pin() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


# ---- inputs --------------------------------------------------------------------------------

def write_inputs(case: str, n: int, path: str) -> None:
    """The plan's draws as exact numerators and denominators, one .npz for every contender."""
    import numpy as np

    plan = _plan(case, n)
    nums, bad = plan.draw_nums(0, n)
    assert not bad.any()
    out = {}
    names = ["first", "growth", "share", "base"]
    for spec, x, name in zip(plan.draws, nums, names, strict=False):
        out[name + "_num"] = x
        out[name + "_den"] = np.int64(spec.den)
    if case != "drawn":
        out["base_num"] = np.full(n, BASE_AMOUNT, dtype=np.int64)
        out["base_den"] = np.int64(1)
    np.savez(path, **out)


def reference(inp: dict, s: int) -> list[tuple[int, int]]:
    """Scenario s exactly, in Python integers and fractions: (a, b) fen for each year."""
    def half_up(x: Fraction) -> int:
        return (x.numerator * 2 + x.denominator) // (2 * x.denominator)

    first = Fraction(int(inp["first_num"][s]), int(inp["first_den"]))
    g = Fraction(int(inp["growth_num"][s]), int(inp["growth_den"]))
    share = Fraction(int(inp["share_num"][s]), int(inp["share_den"]))
    base = Fraction(int(inp["base_num"][s]), int(inp["base_den"]))
    out = []
    for k in range(YEARS):
        rev = half_up(first * 100 * (1 + g) ** k)
        bl = half_up(base * 100 * (1 + BASE_GROWTH) ** k)
        inc = max(0, rev - bl)
        a = half_up(inc * share)
        out.append((a, rev - a))
    return out


# ---- contenders (each in a fresh process) --------------------------------------------------

def child_project(case: str, n: int, sample: int) -> dict:
    _pin()
    import numpy as np

    from sharing.scenarios import runner

    runner.run_plan(_plan(case, 64))  # warm up imports and caches
    plan = _plan(case, n)
    before = _peak_mb()
    t0 = time.perf_counter()
    res = runner.run_plan(plan)
    dt, note = time.perf_counter() - t0, ""
    assert res.valid.all(), "every scenario valid"
    peak = _peak_mb()
    few = runner.run_plan(_plan(case, sample), keep_years=True)
    net = few.net  # (S, P, Y)
    return {"seconds": dt, "peak_mb": peak, "before_mb": before, "note": note,
            "a": np.asarray(net[:, 0, :]).tolist(), "b": np.asarray(net[:, 1, :]).tolist()}


def child_floor(inputs: str, sample: int) -> dict:
    _pin()
    import numpy as np

    inp = dict(np.load(inputs))
    before = _peak_mb()
    t0 = time.perf_counter()
    first = inp["first_num"] * (100 / inp["first_den"])
    x = 1.0 + inp["growth_num"] / inp["growth_den"]
    base = inp["base_num"] * (100 / inp["base_den"])
    num, den = inp["share_num"], int(inp["share_den"])
    n = len(num)
    a_out = np.empty((YEARS, n), dtype=np.int64)
    b_out = np.empty((YEARS, n), dtype=np.int64)
    gr = np.ones(n)
    bg = 1.0
    for k in range(YEARS):
        rev = np.floor(first * gr + 0.5).astype(np.int64)
        bl = np.int64(0) + np.floor(base * bg + 0.5).astype(np.int64)
        inc = np.maximum(rev - bl, 0)
        a = (2 * inc * num + den) // (2 * den)
        a_out[k] = a
        b_out[k] = rev - a
        gr *= x
        bg *= 1.03
    dt = time.perf_counter() - t0
    return {"seconds": dt, "peak_mb": _peak_mb(), "before_mb": before, "note": "",
            "a": a_out[:, :sample].T.tolist(), "b": b_out[:, :sample].T.tolist()}


OPENFISCA_CHILD = r'''
import json, os, resource, sys, time
import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
inputs, sample, START, YEARS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
Scenario = build_entity(key="scenario", plural="scenarios", label="scenario", is_person=True)

def var(name, formula=None, period=DateUnit.YEAR):
    ns = {"value_type": float, "entity": Scenario, "definition_period": period,
          "label": name}
    if formula is not None:
        ns["formula"] = formula
    return type(name, (Variable,), ns)

def revenue(s, period):
    return np.round(s("first", period) * (1 + s("growth", period)) ** (period.start.year - START))
def baseline(s, period):
    return np.round(s("base", period) * 1.03 ** (period.start.year - START))
def increment(s, period):
    return np.maximum(s("revenue", period) - s("baseline", period), 0)
def part_a(s, period):
    return np.round(s("increment", period) * s("share", period))
def part_b(s, period):
    return s("revenue", period) - s("part_a", period)

tbs = TaxBenefitSystem([Scenario])
for name in ("first", "growth", "share", "base"):
    tbs.add_variable(var(name, period=DateUnit.ETERNITY))
for f in (revenue, baseline, increment, part_a, part_b):
    tbs.add_variable(var(f.__name__, f))
inp = dict(np.load(inputs))
before = peak()
t0 = time.perf_counter()
n = len(inp["share_num"])
sim = SimulationBuilder().build_default_simulation(tbs, n)
sim.set_input("first", "ETERNITY", inp["first_num"] * (100 / inp["first_den"]))
sim.set_input("growth", "ETERNITY", inp["growth_num"] / inp["growth_den"])
sim.set_input("share", "ETERNITY", inp["share_num"] / inp["share_den"])
sim.set_input("base", "ETERNITY", inp["base_num"] * (100 / inp["base_den"]))
a, b = [], []
for y in range(START, START + YEARS):
    a.append(sim.calculate("part_a", str(y))[:sample].astype(np.int64).tolist())
    b.append(sim.calculate("part_b", str(y))[:sample].astype(np.int64).tolist())
dt = time.perf_counter() - t0
print(json.dumps({"seconds": dt, "peak_mb": peak(), "before_mb": before, "note": "float32",
                  "a": [list(r) for r in zip(*a)], "b": [list(r) for r in zip(*b)]}))
'''


def ensure_openfisca() -> None:
    """Create the benchmark-only venv with OpenFisca-core 46 on first use."""
    if OF_PY.exists():
        return
    print(f"creating {OF_VENV} (OpenFisca-core 46, benchmark only) …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(OF_VENV)], check=True)
    subprocess.run([str(OF_PY), "-m", "pip", "install", "-q", "openfisca-core>=46,<47"],
                   check=True)


def _run(cmd: list[str]) -> dict:
    env = dict(os.environ, **ONE_THREAD)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"{cmd[:3]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _py_child(fn: str, *args) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
            f"from benchmarks.openfisca_split import {fn}; "
            f"print(json.dumps({fn}(*{args!r})))")
    return _run([sys.executable, "-c", code])


def off_count(got: dict, ref: list[list[tuple[int, int]]]) -> tuple[int, int]:
    """(scenario-years where either party's figure differs, largest difference in fen)."""
    bad, worst = 0, 0
    for s, years in enumerate(ref):
        for k, (ra, rb) in enumerate(years):
            da = abs(int(got["a"][s][k]) - ra)
            db = abs(int(got["b"][s][k]) - rb)
            if da or db:
                bad += 1
                worst = max(worst, da, db)
    return bad, worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--cases", default="fixed,drawn")
    ap.add_argument("--sample", type=int, default=4000)
    args = ap.parse_args()
    ensure_openfisca()
    import numpy as np

    print(f"load average {os.getloadavg()[0]:.2f} at start; one core per process")
    print(f"{'case':6} {'scenarios':>10} {'contender':10} {'seconds':>9} {'scen-years/s':>14} "
          f"{'peak MB':>8} {'off':>8} {'max off fen':>11}  note")
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in args.sizes.split(",")]:
            for case in args.cases.split(","):
                path = os.path.join(tmp, f"{case}-{n}.npz")
                _py_child("write_inputs", case, n, path)
                inp = dict(np.load(path))
                sample = min(args.sample, n)
                ref = [reference(inp, s) for s in range(sample)]
                runs = {
                    "project": ("child_project", case, n, sample),
                    "openfisca": [str(OF_PY), "-c", OPENFISCA_CHILD, path, str(sample),
                                  str(START), str(YEARS)],
                    "floor": ("child_floor", path, sample),
                }
                figures = {}
                for name, call in runs.items():
                    r = _run(call) if isinstance(call, list) else _py_child(*call)
                    bad, worst = off_count(r, ref)
                    rate = n * YEARS / r["seconds"]
                    figures[name] = rate
                    print(f"{case:6} {n:>10,} {name:10} {r['seconds']:9.3f} {rate:14,.0f} "
                          f"{r['peak_mb']:8.0f} {bad:>8,} {worst:>11,}  {r['note']}"
                          f"{' of ' + format(sample * YEARS, ',') + ' sampled' if bad else ''}",
                          flush=True)
                print(f"{'':6} {'':>10} project / openfisca = "
                      f"{figures['project'] / figures['openfisca']:.2f}×, project / floor = "
                      f"{figures['project'] / figures['floor']:.2f}×", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
