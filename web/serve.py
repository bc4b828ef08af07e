"""Start the app with waitress, the production WSGI server (``./scripts/serve``).

    python -m web.serve [--host 127.0.0.1] [--port 8000] [--threads 8]

The database is SQLite under the instance folder unless ``DATABASE_URL`` says otherwise; its
schema is created or migrated before the first request. The bundled examples are listed on
the home page.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="serve", description=__doc__.splitlines()[0])
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--threads", type=int, default=int(os.environ.get("SHARING_THREADS", "8")))
    args = p.parse_args(argv)

    from waitress import serve

    from web import create_app

    app = create_app()
    db = app.config["DATABASE_URL"]
    shown = db if db.startswith("sqlite") else db.split("@")[-1]
    host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::") else args.host
    print(f"benefit-sharing web app: http://{host}:{args.port}/", flush=True)
    print(f"  database: {shown}", flush=True)
    print("  stop with Ctrl+C", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="benefit-sharing",
          max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024,
          clear_untrusted_proxy_headers=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
