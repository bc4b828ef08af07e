"""Start the app with gunicorn, the production WSGI server (``./scripts/serve``).

    python -m web.serve [--host 127.0.0.1] [--port 8000] [--workers N] [--threads 1]

Pre-forked worker processes, by default two per core (at most 8), each serving one request at
a time (gunicorn's ``sync`` workers; ``--threads`` above 1 gives each worker threads,
``gthread``). Python runs one thread at a time, so processes are what use the cores; and a
sync worker closes the connection after each response, so every request goes to a free
worker. Measured with ``benchmarks/web_load.py`` (20 loopback clients, 2 cores): p95 107 ms
with four sync workers against 170–260 ms with pre-forked waitress processes, whose
keep-alive connections stayed with whichever process had accepted them, busy or not.

The app is built once, before the fork (``preload_app``): the instance folder, the secret
key and the database schema exist before any worker starts. The database is SQLite under the
instance folder unless ``DATABASE_URL`` says otherwise. The bundled examples are listed on the
home page.

On 127.0.0.1 (the default) the app runs in local mode, as the user ``local`` without a
password; on any other address it requires sign-in (``SHARING_AUTH=required``, set here) and
refuses to start if the environment says otherwise or no administrator can sign in yet
(``sharing users add --role admin NAME``; see web.auth).

Sync workers suit the offline network of a finance bureau (few users, no slow links); where
the app faces the internet, put a buffering proxy (nginx) in front, as gunicorn's
documentation advises.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

#: Bodies up to this size are read to the end even when the app refuses them (see DrainOversize)
DRAIN_LIMIT = 64 * 1024 * 1024


class DrainOversize:
    """WSGI middleware: when the app refuses a body as too large (413, without reading it),
    read the rest of the body before the answer goes out. A sync worker closes the socket
    after the answer; with unread bytes still arriving, the kernel would reset the
    connection and the browser would show "connection reset" instead of the app's message
    (size, limit, what to check). Bodies over DRAIN_LIMIT are not read: they are cut off."""

    def __init__(self, app: Callable[..., Iterable[bytes]], limit: int | None):
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        result = self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if self.limit is not None and self.limit < length <= DRAIN_LIMIT:
            stream = environ["wsgi.input"]
            while stream.read(1 << 16):
                pass
        return result


def build_app() -> Any:
    from web import create_app

    app = create_app()  # creates the instance folder, the secret key and the schema
    app.wsgi_app = DrainOversize(app.wsgi_app, app.config.get("MAX_CONTENT_LENGTH"))
    return app


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any address


def require_sign_in(host: str) -> str | None:
    """Off loopback, sign-in is required: set ``SHARING_AUTH=required`` for the app, or the
    refusal (text) when the environment asks for the app to run open."""
    mode = os.environ.get("SHARING_AUTH", "required")
    if mode != "required":
        return (f"refusing to listen on {host} with SHARING_AUTH={mode}: beyond this machine "
                "every visitor must sign in. Unset SHARING_AUTH (or set it to required), or "
                "serve on 127.0.0.1.\n")
    os.environ["SHARING_AUTH"] = "required"
    return None


def check_signed_in_app(app: Any, host: str) -> str | None:
    """The refusal (text) when the built app would not ask for sign-in, or nobody could sign
    in as an administrator; None when it may listen on ``host``."""
    from web import users

    if app.config.get("AUTH_MODE") != "required":
        return f"refusing to listen on {host}: the app was built without sign-in\n"
    if users.count_admins_with_password(app.extensions["sharing_db"]) == 0:
        return (f"refusing to listen on {host}: sign-in is required there, and no "
                "administrator can sign in yet. Create the first one with\n"
                "    sharing users add --role admin NAME\n"
                "(the same DATABASE_URL as the app), then start again.\n")
    return None


def main(argv: list[str] | None = None) -> int:
    from gunicorn.app.base import BaseApplication

    p = argparse.ArgumentParser(prog="serve", description=__doc__.splitlines()[0])
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--workers", type=int, default=int(os.environ.get(
        "SHARING_WORKERS", min(2 * (os.cpu_count() or 1), 8))))
    p.add_argument("--threads", type=int, default=int(os.environ.get("SHARING_THREADS", "1")))
    args = p.parse_args(argv)
    open_network = not is_loopback(args.host)
    if open_network:
        refused = require_sign_in(args.host)
        if refused:
            sys.stderr.write(refused)
            return 2

    app = build_app()
    if open_network:
        refused = check_signed_in_app(app, args.host)
        if refused:
            sys.stderr.write(refused)
            return 2
    db = app.config["DATABASE_URL"]
    app.extensions["sharing_db"].dispose()  # each worker opens its own connections
    host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::", "::1") else args.host
    shown = db if db.startswith("sqlite") else db.split("@")[-1]
    print(f"benefit-sharing web app: http://{host}:{args.port}/", flush=True)
    print(f"  database: {shown}", flush=True)
    print("  sign-in: required (sharing users add|list|remove|reset-password|token)"
          if app.config.get("AUTH_MODE") == "required" else
          "  sign-in: none, local mode (this machine only, as the user 'local')", flush=True)
    print(f"  gunicorn: {args.workers} worker(s) x {args.threads} thread(s); stop with Ctrl+C",
          flush=True)
    bind = f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}"
    options = {
        "bind": bind,
        "workers": args.workers,
        "threads": args.threads,
        "worker_class": "gthread" if args.threads > 1 else "sync",
        "preload_app": True,
        # the backstop for a request that runs too long (WORKER_TIMEOUT, web/config.py)
        "timeout": int(app.config.get("WORKER_TIMEOUT", 150)),
        "graceful_timeout": 10,
        "backlog": 1024,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "benefit-sharing",
    }

    class Server(BaseApplication):  # gunicorn's documented "custom application"
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Server().run()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
