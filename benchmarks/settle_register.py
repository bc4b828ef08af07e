"""Register import and settlement of generated parks (semantics §6; issue 20 point 6).

    python benchmarks/settle_register.py [N ...]      # default 100 1000

Writes a register of N enterprises (92号 per-enterprise buffer with caps and eligibility) and
20 years of contract, actuals for the first two years, one transfer; times reading the files,
computing the case and the statement, and reports peak memory (tracemalloc of Python objects
plus the process's max RSS). Prints figures; no limits are asserted.
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

CONTRACT = """\
name: generated park
start_year: 2021
years: 20
unit: wan
parties:
  - {id: beijing, name: 北京, role: sending}
  - {id: hebei, name: 河北, role: receiving}
enterprise_streams:
  - {id: vat, name: 增值税, kind: tax, local_retention: 0.5}
  - {id: cit, name: 企业所得税, kind: tax, local_retention: 0.4}
clauses:
  - id: bth_92
    kind: buffer
    per_enterprise: true
    streams: [vat, cit]
    party: from
    years: 5
    shape: flat
    start: 0.5
    cap: {party: from, cumulative: pre_relocation_total}
    eligibility: {pre_years: 3, min_average: 2000}
"""


def write_case(folder: Path, n: int) -> None:
    rnd = random.Random(n)
    (folder / "contract.yaml").write_text(CONTRACT, "utf-8")
    years = list(range(2015, 2040))
    with open(folder / "register.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["enterprise", "name", "from", "relocation_year", "production_year"]
                   + [f"pre_{y}" for y in years] + ["first_vat", "growth_vat", "first_cit"])
        for i in range(n):
            reloc = rnd.randint(2018, 2030)
            pre = [str(rnd.randint(1500, 3000)) if reloc - 3 <= y < reloc else ""
                   for y in years]
            w.writerow([f"E{i:06d}", f"企业{i}", "beijing", reloc, reloc + rnd.randint(0, 1)]
                       + pre + [rnd.randint(1000, 9000), "0.05", rnd.randint(0, 900)])
    with open(folder / "actuals.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["stream", "year", "amount_wan"])
        with open(folder / "register.csv", encoding="utf-8") as r:
            for row in list(csv.reader(r))[1:]:
                for y in (2021, 2022):
                    if int(row[3]) <= y:
                        for t in ("vat", "cit"):
                            w.writerow([f"{row[0]}/{t}", y, rnd.randint(0, 9000)])
    (folder / "transfers.csv").write_text(
        "date,from,to,amount,year\n2022-03-20,hebei,beijing,1000000.00,2021\n", "utf-8")


def run(n: int) -> None:
    import tracemalloc

    from sharing.operating.pipeline import read_inputs, statement

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_case(folder, n)
        tracemalloc.start()
        t0 = time.perf_counter()
        inputs = read_inputs(str(folder / "contract.yaml"), register=str(folder / "register.csv"),
                             actuals=str(folder / "actuals.csv"),
                             transfers=str(folder / "transfers.csv"), through=2022)
        t1 = time.perf_counter()
        doc = statement(inputs, 2022)
        t2 = time.perf_counter()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pair = doc["settlement"]["pairs"][0]
    print(f"{n:>6} enterprises x 20 years: read {t1 - t0:6.2f} s, settle {t2 - t1:7.2f} s, "
          f"python peak {peak / 2**20:7.1f} MiB, max RSS {rss:7.1f} MiB; "
          f"entries {len(doc['entries'])}, balance due {pair['balance_due']}")


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["100", "1000"]:
        run(int(arg))
