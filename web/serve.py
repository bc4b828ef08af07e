"""Start the app with waitress, the production WSGI server (``./scripts/serve``).

    python -m web.serve [--host 127.0.0.1] [--port 8000] [--workers N] [--threads 8]

waitress serves from threads of one process, and Python runs one thread at a time; so on a
machine with several cores the listening socket is opened once and shared by ``--workers``
forked processes (default: one per core, at most 4), each a waitress server with its own
threads. The database is SQLite under the instance folder unless ``DATABASE_URL`` says
otherwise; its schema is created or migrated before any worker starts. The bundled examples
are listed on the home page.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import time


def _serve(sock: socket.socket, threads: int) -> None:
    from waitress import serve

    from web import create_app

    app = create_app()
    # waitress refuses bodies over its own limit with a bare page; the app's limit is lower,
    # so an oversize upload gets the app's message (size, limit, what to check)
    serve(app, sockets=[sock], threads=threads, ident="benefit-sharing",
          max_request_body_size=max(64 * 1024 * 1024, 4 * app.config["MAX_CONTENT_LENGTH"]),
          clear_untrusted_proxy_headers=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="serve", description=__doc__.splitlines()[0])
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--workers", type=int,
                   default=int(os.environ.get("SHARING_WORKERS", min(os.cpu_count() or 1, 4))))
    p.add_argument("--threads", type=int, default=int(os.environ.get("SHARING_THREADS", "6")))
    args = p.parse_args(argv)

    from web import create_app

    app = create_app()  # creates the instance folder, the secret key and the schema
    db = app.config["DATABASE_URL"]
    app.extensions["sharing_db"].dispose()
    del app
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(1024)
    host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::", "::1") else args.host
    shown = db if db.startswith("sqlite") else db.split("@")[-1]
    print(f"benefit-sharing web app: http://{host}:{args.port}/", flush=True)
    print(f"  database: {shown}", flush=True)
    print(f"  waitress: {args.workers} worker(s) x {args.threads} threads; stop with Ctrl+C",
          flush=True)
    if args.workers <= 1 or not hasattr(os, "fork"):
        _serve(sock, args.threads)
        return 0

    children: set[int] = set()
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                _serve(sock, args.threads)
            finally:
                os._exit(0)
        children.add(pid)

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for _ in range(args.workers):
        spawn()
    while children:
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        children.discard(pid)
        if not stopping:  # a worker died: start another one
            time.sleep(0.5)
            spawn()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
