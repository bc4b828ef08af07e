"""Configuration from environment variables, with safe defaults.

| variable | default | meaning |
|---|---|---|
| ``SECRET_KEY`` | random per instance, kept in ``instance/secret_key`` | signs sessions and CSRF tokens |
| ``DATABASE_URL`` | ``sqlite:///<instance>/sharing.sqlite3`` | SQLAlchemy URL; ``postgresql+psycopg://…`` for PostgreSQL |
| ``SHARING_MAX_UPLOAD_MB`` | 8 | largest request body accepted, in MiB |
| ``SHARING_EXAMPLES_DIR`` | the bundled ``examples/`` (``sharing/examples``) | contracts listed on the home page |
| ``SHARING_DEFAULT_LOCALE`` | ``zh_CN`` | language when the browser states no preference we have |
| ``SHARING_WORKER_TIMEOUT`` | 150 | seconds a request may take before gunicorn stops its worker |
| ``SHARING_AUTH`` | ``local`` | ``required``: every page needs sign-in (web.serve sets it off loopback) |
| ``SHARING_SESSION_HOURS`` | 8 | how long a sign-in lasts |
| ``SHARING_LOGIN_RATE_LIMIT`` | ``5 per minute`` | failed sign-ins allowed per address and user name |
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The bundled example contracts: examples/ of the repository, linked into the sharing package
#: (sharing/examples), so an installed, non-editable copy finds them too.
BUNDLED_EXAMPLES = Path(__file__).resolve().parent.parent / "sharing" / "examples"


def _secret_key(instance_path: str) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except OSError:
        pass
    key = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
    except FileExistsError:
        return path.read_text().strip()
    except OSError:
        pass  # a read-only instance folder: the key lasts as long as the process
    return key


def from_environment(instance_path: str) -> dict[str, Any]:
    db = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'sharing.sqlite3'}"
    if db.startswith("postgres://"):  # the form many hosts hand out
        db = "postgresql+psycopg://" + db[len("postgres://"):]
    elif db.startswith("postgresql://"):
        db = "postgresql+psycopg://" + db[len("postgresql://"):]
    max_mb = float(os.environ.get("SHARING_MAX_UPLOAD_MB", "8"))
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "DATABASE_URL": db,
        "MAX_CONTENT_LENGTH": int(max_mb * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": int(max_mb * 1024 * 1024),
        "EXAMPLES_DIR": os.environ.get("SHARING_EXAMPLES_DIR", str(BUNDLED_EXAMPLES)),
        "BABEL_DEFAULT_LOCALE": os.environ.get("SHARING_DEFAULT_LOCALE", "zh_CN"),
        "WTF_CSRF_TIME_LIMIT": None,  # a long form may take an afternoon to fill in
        "SESSION_COOKIE_SAMESITE": "Lax",
        # seconds one request may take before gunicorn stops its worker (web/serve.py); every
        # request's work is bounded (numbers, grid sizes, feature steps), this is the backstop
        "WORKER_TIMEOUT": int(os.environ.get("SHARING_WORKER_TIMEOUT", "150")),
        "SESSION_COOKIE_HTTPONLY": True,
        "RESULT_CACHE_SIZE": 256,
        # sign-in (web.auth): "local" = this machine only, everyone is the user "local"
        "AUTH_MODE": os.environ.get("SHARING_AUTH", "local"),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=float(
            os.environ.get("SHARING_SESSION_HOURS", "8"))),
        "LOGIN_RATE_LIMIT": os.environ.get("SHARING_LOGIN_RATE_LIMIT", "5 per minute"),
        # failed sign-ins are counted in each worker's memory (Flask-Limiter's memory://)
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
    }
