"""Load test of the web app: form -> results for a 30-year contract with every clause kind.

Starts the app with gunicorn (the production server of ./scripts/serve) on 127.0.0.1 with a
fresh SQLite database, then runs a loopback load generator: CLIENTS concurrent clients, each
with its own session and CSRF token, post the contract from the form (POST /run, 303) and load
the results page it redirects to (GET /results/<sha>). Latency is measured from the post to
the last byte of the results page. The request count is bounded and every loop stops by
itself; only 127.0.0.1 is contacted.

    .venv/bin/python benchmarks/web_load.py                  # both scenarios below
    .venv/bin/python benchmarks/web_load.py --requests 400 --clients 20 --mode same

Scenarios:
  same      every client posts the same contract (the usual case: an officer computes,
            downloads, comes back; the result is computed once and then served from the
            app's cache and runs table);
  distinct  every request posts a different contract (discount rate varied), so every
            request runs the engine in full: the worst case.

Target (issue 5): p95 < 150 ms form -> results.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "tests" / "web" / "data" / "thirty-years-every-clause.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, folder: str, threads: int | None = None,
                 workers: int | None = None) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
               SECRET_KEY="benchmark", PYTHONPATH=str(ROOT))
    log = open(os.path.join(folder, "server.log"), "w")  # never a pipe: a full pipe blocks
    proc = subprocess.Popen([sys.executable, "-m", "web.serve", "--host", "127.0.0.1",
                             "--port", str(port)]
                            + (["--threads", str(threads)] if threads else [])
                            + (["--workers", str(workers)] if workers else []),
                            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start; see " + log.name)


class Client:
    """One browser: its own connection, session cookie and CSRF token."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        body = self.request("GET", "/form")[1]
        m = re.search(rb'name="csrf_token" value="([^"]+)"', body)
        assert m, "no CSRF token"
        self.token = m.group(1).decode()

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return r.status, data, {k.lower(): v for k, v in r.getheaders()}

    def body(self, document: str) -> bytes:
        """The form post, encoded as the browser encodes it (done before timing starts)."""
        return urlencode({"csrf_token": self.token, "document": document}).encode()

    def form_to_results(self, body: bytes) -> float:
        t0 = time.perf_counter()
        status, data, headers = self.request(
            "POST", "/run", body,
            {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 303:
            raise RuntimeError(f"POST /run answered {status}: {data[:300]!r}")
        status, data, _ = self.request("GET", headers["location"])
        if status != 200 or b'id="year-table"' not in data:
            raise RuntimeError(f"GET results answered {status}")
        return time.perf_counter() - t0


def documents(mode: str, count: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from web.contracts import document_from_upload, form_document

    base = form_document(document_from_upload(CONTRACT.read_bytes(), CONTRACT.name))
    if mode == "same":
        return [json.dumps(base, ensure_ascii=False)] * count
    out = []
    for i in range(count):
        doc = json.loads(json.dumps(base))
        doc["discount_rate"] = f"0.05{i:05d}"  # a different contract each time
        out.append(json.dumps(doc, ensure_ascii=False))
    return out


def load(port: int, mode: str, clients: int, requests: int,
         time_limit: float) -> dict[str, float]:
    docs = documents(mode, requests)
    pool = [Client(port) for _ in range(clients)]
    if mode == "same":
        # warm-up, not measured: the first computation, and each worker's first page
        bodies = [c.body(docs[0]) for c in pool]
        for c, b in zip(pool, bodies, strict=True):
            for _ in range(3):
                c.form_to_results(b)
    else:
        bodies = []
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    next_i = [0]
    deadline = time.time() + time_limit

    def worker(c: Client) -> None:
        while time.time() < deadline:
            with lock:
                i = next_i[0]
                if i >= requests:
                    return
                next_i[0] += 1
            body = bodies[pool.index(c)] if mode == "same" else c.body(docs[i])
            try:
                dt = c.form_to_results(body)
            except Exception as e:  # counted and reported, never hidden
                with lock:
                    errors.append(str(e)[:200])
                continue
            with lock:
                lat.append(dt)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(c,)) for c in pool]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for c in pool:
        c.conn.close()
    lat.sort()

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] * 1000

    return {"mode": mode, "clients": clients, "completed": len(lat), "errors": len(errors),
            "first_error": errors[0] if errors else "", "wall_s": wall,
            "throughput_rps": len(lat) / wall if wall else 0.0,
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "mean_ms": statistics.fmean(lat) * 1000 if lat else 0.0}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=400, help="per scenario (bounded)")
    p.add_argument("--mode", choices=["same", "distinct", "both"], default="both")
    p.add_argument("--distinct-requests", type=int, default=60,
                   help="requests of the distinct scenario (each runs the engine in full)")
    p.add_argument("--threads", type=int, default=None,
                   help="threads per worker (default: serve's, 1)")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes (default: serve's, 2 per core, at most 8)")
    p.add_argument("--time-limit", type=float, default=300.0, help="seconds per scenario")
    p.add_argument("--target-p95-ms", type=float, default=150.0)
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="sharing-bench-")
    port = free_port()
    server = start_server(port, folder, args.threads, args.workers)
    results = []
    try:
        modes = ["same", "distinct"] if args.mode == "both" else [args.mode]
        for mode in modes:
            n = args.requests if mode == "same" else args.distinct_requests
            results.append(load(port, mode, args.clients, n, args.time_limit))
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print(f"form -> results, {CONTRACT.name} (30 years, every clause kind), "
              f"gunicorn {args.workers or 'default'} workers x {args.threads or 1} thread(s), "
              f"{os.cpu_count()} cores")
        for r in results:
            verdict = "meets" if r["p95_ms"] < args.target_p95_ms else "MISSES"
            print(f"  {r['mode']:8s} clients {r['clients']:3d}  requests {r['completed']:4d}  "
                  f"errors {r['errors']}  p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  "
                  f"p99 {r['p99_ms']:7.1f} ms  {r['throughput_rps']:6.1f} req/s  "
                  f"({verdict} the p95 target of {args.target_p95_ms:g} ms)")
            if r["first_error"]:
                print("    first error:", r["first_error"])
    return 0 if all(r["errors"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
