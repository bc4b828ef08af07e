"""Engine benchmark: in-process time per contract, and the CLI's cold start.

    .venv/bin/python benchmarks/engine.py [--repeat N]

Prints, for each benchmark contract, the median and best in-process time of
parse + evaluate + result document (what `sharing run` does after reading the file), and the
median wall time of `sharing run FILE --format json` as a fresh process (cold start).
Targets (issues 3 and 4): 30 years, 5 streams, 3 clauses < 20 ms (aim 5 ms); every clause
kind < 40 ms; CLI cold start < 400 ms.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sharing.api import evaluate_contract, parse_contract  # noqa: E402
from sharing.loader import read_file  # noqa: E402
from sharing.result import to_json  # noqa: E402

CASES = {
    "30 years, 5 streams, 3 clauses": ROOT / "benchmarks/data/thirty-years-5-streams.yaml",
    "30 years, every clause kind": ROOT / "benchmarks/data/thirty-years-all-clauses.yaml",
}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    sharing = pathlib.Path(sys.executable).with_name("sharing")
    print(f"{'contract':34} {'stage':28} {'median':>9} {'best':>9}")
    for name, path in CASES.items():
        doc = read_file(str(path))
        contract = parse_contract(doc)
        stages = {
            "validate (parse_contract)": lambda doc=doc: parse_contract(doc),
            "evaluate (engine)": lambda contract=contract: evaluate_contract(contract),
            "evaluate + result document":
                lambda contract=contract: to_json(evaluate_contract(contract)),
            "all in-process": lambda doc=doc: to_json(evaluate_contract(parse_contract(doc))),
        }
        for stage, fn in stages.items():
            fn()  # warm up
            ts = timed(fn, args.repeat)
            print(f"{name:34} {stage:28} {statistics.median(ts) * 1e3:8.2f}ms "
                  f"{min(ts) * 1e3:8.2f}ms")
        argv = [str(sharing), "run", str(path), "--format", "json"]
        cold = timed(lambda argv=argv: subprocess.run(argv, check=True, capture_output=True), 7)
        print(f"{name:34} {'CLI cold start (sharing run)':28} "
              f"{statistics.median(cold) * 1e3:8.1f}ms {min(cold) * 1e3:8.1f}ms")


if __name__ == "__main__":
    main()
