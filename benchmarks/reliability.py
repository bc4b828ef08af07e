"""Reliability of the web app under load and under ``kill -9`` (issue 19, point 5).

Against SQLite (a file in a fresh folder) and PostgreSQL (a private server on a unix socket,
Debian's package, as tests/web/conftest.py starts it), each in turn:

1. **Load.** CLIENTS clients for SECONDS seconds, each with its own session and CSRF token,
   mixing reads (the scenario list, a saved scenario, a results page) and saves (POST
   /scenarios, a new row each): requests/s, p50/p95/p99 latency, errors.
2. **kill -9.** ROUNDS times: CLIENTS clients save as fast as they can; after a moment the
   server (gunicorn's master and every worker) is killed with SIGKILL; it is restarted; every
   save that was acknowledged (303 with the new scenario's id) must be in the database, and
   the audit log must verify (``sharing audit-log verify``).

Only 127.0.0.1 is contacted. Every loop stops by itself.

    .venv/bin/python benchmarks/reliability.py                     # both databases
    .venv/bin/python benchmarks/reliability.py --db sqlite --seconds 10 --rounds 1
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_load import Client, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "examples" / "gdp-indicator-split.yaml"


@contextmanager
def postgres():
    """A private PostgreSQL server for the run; its URL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("PostgreSQL is not installed: apt-get install -y postgresql")
    bindir = Path(found[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="sharing-rel-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", free_port()
    subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U",
                             "postgres", "-E", "UTF8", "--locale=C"], check=True,
                   capture_output=True)
    opts = f"-p {port} -k {base} -c listen_addresses=''"  # fsync on: durability is measured
    subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                             str(base / "server.log"), "-w", "-t", "60", "start"], check=True,
                   capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={base}&port={port}"
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def start(url: str, folder: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="benchmark", PYTHONPATH=str(ROOT))
    log = open(os.path.join(folder, "server.log"), "a")
    proc = subprocess.Popen([sys.executable, "-m", "web.serve", "--host", "127.0.0.1",
                             "--port", str(port)], cwd=folder, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            Client(port)
            return proc
        except (OSError, AssertionError):
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("the server did not start; see " + log.name)


def kill9(proc: subprocess.Popen) -> None:
    """SIGKILL to gunicorn's master and all its workers (one process group, ours)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def save_body(c: Client, doc: str, name: str) -> bytes:
    from urllib.parse import urlencode

    return urlencode({"csrf_token": c.token, "name": name, "document": doc}).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def save(c: Client, doc: str, name: str) -> int:
    status, data, headers = c.request("POST", "/scenarios", save_body(c, doc, name), FORM)
    if status != 303:
        raise RuntimeError(f"save answered {status}")
    return int(headers["location"].rstrip("/").split("/")[-1])


def load_phase(port: int, doc: str, clients: int, seconds: float) -> dict:
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    seed = Client(port)
    first = save(seed, doc, "seed")
    status, _d, headers = seed.request("POST", "/run", seed.body(doc), FORM)
    results = headers.get("location", "/scenarios")

    def worker(k: int) -> None:
        rng = random.Random(k)
        c = Client(port)
        n = 0
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                if rng.random() < 0.3:
                    save(c, doc, f"load {k}-{n}")
                else:
                    path = rng.choice(["/scenarios", f"/scenarios/{first}", results])
                    status, _data, _h = c.request("GET", path)
                    if status != 200:
                        raise RuntimeError(f"GET {path} answered {status}")
            except Exception as e:  # counted, never hidden
                with lock:
                    errors.append(f"{type(e).__name__}: {e}")
                c = Client(port)
                continue
            with lock:
                lat.append(time.perf_counter() - t0)
            n += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat.sort()

    def pct(p: float) -> float:
        return 1000 * lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else float("nan")

    return {"requests": len(lat), "rps": len(lat) / wall, "p50_ms": pct(50),
            "p95_ms": pct(95), "p99_ms": pct(99), "errors": len(errors),
            "first_errors": errors[:3]}


def kill_round(url: str, folder: str, port: int, doc: str, clients: int,
               proc: subprocess.Popen, r: int) -> tuple[subprocess.Popen, dict]:
    acked: list[int] = []
    lock = threading.Lock()
    killed = threading.Event()

    def worker(k: int) -> None:
        c = Client(port)
        n = 0
        while not killed.is_set():
            try:
                sid = save(c, doc, f"kill {r}-{k}-{n}")
            except Exception:
                return  # the server is gone: whatever was not acknowledged may be lost
            with lock:
                acked.append(sid)
            n += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    time.sleep(random.uniform(2.0, 4.0))
    kill9(proc)
    killed.set()
    for t in threads:
        t.join()
    proc = start(url, folder, port)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        stored = {row[0] for row in conn.execute(text("SELECT id FROM scenarios"))}
    engine.dispose()
    lost = sorted(set(acked) - stored)
    check = subprocess.run([sys.executable, "-m", "sharing.cli", "audit-log", "verify",
                            "--database", url], capture_output=True, text=True, cwd=str(ROOT),
                           env=dict(os.environ, PYTHONPATH=str(ROOT)))
    out = {"acknowledged": len(acked), "stored_rows": len(stored), "lost": len(lost),
           "log_verifies": check.returncode == 0}
    if url.startswith("sqlite:///"):
        import sqlite3

        db = sqlite3.connect(url[len("sqlite:///"):])
        out["integrity_check"] = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
    if check.returncode != 0:
        out["log_check"] = (check.stdout + check.stderr)[-400:]
    return proc, out


def run_one(db: str, clients: int, seconds: float, rounds: int) -> dict:
    from web.contracts import document_from_upload, form_document

    doc = json.dumps(form_document(document_from_upload(CONTRACT.read_bytes(), CONTRACT.name)),
                     ensure_ascii=False)
    folder = tempfile.mkdtemp(prefix=f"sharing-rel-{db}-")
    port = free_port()

    def body(url: str) -> dict:
        proc = start(url, folder, port)
        try:
            out = {"load": load_phase(port, doc, clients, seconds), "kill_rounds": []}
            for r in range(rounds):
                proc, res = kill_round(url, folder, port, doc, clients, proc, r)
                out["kill_rounds"].append(res)
            return out
        finally:
            kill9(proc)

    try:
        if db == "sqlite":
            return body(f"sqlite:///{folder}/rel.sqlite3")
        with postgres() as url:
            return body(url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    ok = True
    for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        out = run_one(db, args.clients, args.seconds, args.rounds)
        ld = out["load"]
        print(f"{db}: {args.clients} clients x {args.seconds:g} s: {ld['requests']} requests, "
              f"{ld['rps']:.0f}/s, p50 {ld['p50_ms']:.1f} ms, p95 {ld['p95_ms']:.1f} ms, "
              f"p99 {ld['p99_ms']:.1f} ms, errors {ld['errors']} {ld['first_errors'] or ''}")
        for i, k in enumerate(out["kill_rounds"], start=1):
            print(f"{db}: kill -9 round {i}: acknowledged {k['acknowledged']}, rows "
                  f"{k['stored_rows']}, lost {k['lost']}, log verifies {k['log_verifies']}"
                  + (f", integrity_check {k['integrity_check']}" if "integrity_check" in k
                     else "") + (f"\n  {k['log_check']}" if "log_check" in k else ""))
            ok = ok and k["lost"] == 0 and k["log_verifies"]
        ok = ok and ld["errors"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
