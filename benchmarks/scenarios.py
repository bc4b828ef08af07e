"""Scenario benchmark: the vectorised engine against a loop of single-contract runs.

    .venv/bin/python benchmarks/scenarios.py [--sizes 1000,100000,1000000] [--sample 200]
                                             [--profile N]

On one core (the process is pinned to one CPU and BLAS to one thread), for a 30-year
contract with a tax split over a growing baseline, a buffer with a cumulative cap and a risk
pool with a guarantee and a backstop (examples/scenarios/shenshan-30y.yaml), Monte Carlo
draws of two growth rates and two first-year amounts (examples/scenarios/benchmark.yaml):

(a) the vectorised engine: ``sharing montecarlo``'s own path (draws, exact projections,
    one ``evaluate`` per chunk of 16,384 scenarios, exact NPVs, events), scenario-years per
    second and the peak memory (resident set) of a fresh process;
(b) a Python loop of single-contract runs: each scenario's contract parsed, validated and
    run alone (``parse_contract`` + ``evaluate_contract`` + ``finance.npv``), measured on a
    sample of scenarios and extrapolated to the size (stated in the output);
floor: plain numpy ``a * b + c`` over as many int64 elements as the result has
    scenario-party-years, in chunks of the same size, and (a)'s time as a multiple of it.

``--profile N`` prints where the time of (a) goes for N scenarios (cProfile).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "examples" / "scenarios" / "benchmark.yaml"
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                               "NUMEXPR_NUM_THREADS")}


def _pin() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child_engine(n: int) -> dict:
    """(a) in this (fresh) process: time and peak memory of n scenarios."""
    _pin()
    sys.path.insert(0, str(ROOT))
    from sharing.scenarios.plan import load_plan
    from sharing.scenarios.runner import run_plan

    plan = load_plan(str(SCENARIOS), n=n)
    run_plan(load_plan(str(SCENARIOS), n=64))  # warm up imports and caches
    before = _peak_mb()
    t0 = time.perf_counter()
    res = run_plan(plan)
    dt = time.perf_counter() - t0
    return {"seconds": dt, "peak_mb": _peak_mb(), "before_mb": before,
            "valid": int(res.valid.sum()), "years": len(res.years),
            "parties": len(res.parties)}


def child_loop(n: int, sample: int) -> dict:
    """(b) in this process: single-contract runs of a sample of the n scenarios."""
    _pin()
    sys.path.insert(0, str(ROOT))
    from sharing.api import evaluate_contract, parse_contract
    from sharing.finance import npv
    from sharing.scenarios.plan import load_plan

    plan = load_plan(str(SCENARIOS), n=n)
    step = max(n // sample, 1)
    idx = list(range(0, n, step))[:sample]
    docs = [plan.document(i) for i in idx]
    t0 = time.perf_counter()
    for doc in docs:
        c = parse_contract(doc)
        run = evaluate_contract(c)
        for i, p in enumerate(c.parties):
            npv([int(v) for v in run.ledger.net[i, 0]],
                p.discount_rate if p.discount_rate is not None else c.discount_rate)
    per = (time.perf_counter() - t0) / len(docs)
    t0 = time.perf_counter()
    contracts = [parse_contract(doc) for doc in docs]
    t0 = time.perf_counter()
    for c in contracts:
        evaluate_contract(c)
    per_eval = (time.perf_counter() - t0) / len(docs)
    return {"per_scenario": per, "per_scenario_evaluate_only": per_eval, "sample": len(docs)}


def child_floor(elements: int, chunk: int) -> dict:
    """The floor: a * b + c over `elements` int64 values, in chunks of `chunk` of them."""
    _pin()
    import numpy as np

    rng = np.random.default_rng(0)
    size = min(chunk, elements)
    a = rng.integers(-10**9, 10**9, size, dtype=np.int64)
    b = rng.integers(-10**3, 10**3, size, dtype=np.int64)
    c = rng.integers(-10**9, 10**9, size, dtype=np.int64)
    t0 = time.perf_counter()
    done = 0
    while done < elements:
        k = min(size, elements - done)
        _ = a[:k] * b[:k] + c[:k]
        done += k
    return {"seconds": time.perf_counter() - t0}


def _child(kind: str, *args: int) -> dict:
    env = dict(os.environ, **ONE_THREAD)
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
            f"from benchmarks.scenarios import child_{kind}; "
            f"print(json.dumps(child_{kind}(*{args!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def profile(n: int) -> None:
    import cProfile
    import pstats

    _pin()
    sys.path.insert(0, str(ROOT))
    from sharing.scenarios.plan import load_plan
    from sharing.scenarios.runner import run_plan

    plan = load_plan(str(SCENARIOS), n=n)
    run_plan(load_plan(str(SCENARIOS), n=64))
    prof = cProfile.Profile()
    prof.enable()
    run_plan(plan)
    prof.disable()
    stats = pstats.Stats(prof)
    print(f"profile of (a), {n:,} scenarios: by own time")
    stats.sort_stats("tottime").print_stats(20)
    print("by cumulative time")
    stats.sort_stats("cumtime").print_stats(25)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--sample", type=int, default=200, help="scenarios run alone for (b)")
    ap.add_argument("--profile", type=int, metavar="N", help="profile (a) on N scenarios")
    args = ap.parse_args()
    if args.profile:
        os.environ.update(ONE_THREAD)
        profile(args.profile)
        return
    from sharing.scenarios.runner import CHUNK

    sizes = [int(s) for s in args.sizes.split(",")]
    print("benchmark: examples/scenarios/benchmark.yaml on the 30-year contract "
          "examples/scenarios/shenshan-30y.yaml; one core, BLAS single-threaded")
    loop = _child("loop", max(sizes), args.sample)
    print(f"(b) single-contract runs, measured on a sample of {loop['sample']} scenarios and "
          f"extrapolated: {loop['per_scenario'] * 1e3:.1f} ms a scenario (parse + validate + "
          f"evaluate + NPV; evaluate alone {loop['per_scenario_evaluate_only'] * 1e3:.1f} ms)")
    head = (f"{'scenarios':>10} {'(a) s':>9} {'(a) scen-yr/s':>14} {'(b) s (extrap.)':>16} "
            f"{'(b) scen-yr/s':>14} {'a/b speed':>10} {'floor s':>9} {'a/floor':>8} "
            f"{'peak MB':>8}")
    print(head)
    print("-" * len(head))
    for n in sizes:
        a = _child("engine", n)
        Y, P = a["years"], a["parties"]
        floor = _child("floor", n * P * Y, CHUNK * P * Y)
        b_seconds = loop["per_scenario"] * n
        print(f"{n:>10,} {a['seconds']:>9.2f} {n * Y / a['seconds']:>14,.0f} "
              f"{b_seconds:>16,.1f} {n * Y / b_seconds:>14,.0f} "
              f"{b_seconds / a['seconds']:>9.0f}x {floor['seconds']:>9.3f} "
              f"{a['seconds'] / floor['seconds']:>7.0f}x {a['peak_mb']:>8.0f}",
              flush=True)
    print("targets: (a) ≥ 100× (b) at 100,000 scenarios; 1,000,000 scenarios in under 10 s; "
          "peak memory under 1 GB (chunks of 16,384 scenarios)")


if __name__ == "__main__":
    main()
