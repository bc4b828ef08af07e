"""Saved scenarios, runs and the audit trail, through SQLAlchemy.

SQLite under the instance folder by default, PostgreSQL with ``DATABASE_URL``. The schema is
created and migrated by Alembic (``web/migrations``) when the app starts. Every write is one
transaction (``engine.begin()``): a request stopped half way leaves either the whole change
or none of it, and nothing saved before it is touched.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from sharing.audit import log as audit_log

from .jsonexact import dumps, loads

metadata = MetaData()

#: A contract saved under a name. ``document`` is the contract as entered (JSON text).
scenarios = Table(
    "scenarios", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("document", Text, nullable=False),
    Column("contract_sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # who saved it (users.id; web.users) and whether every signed-in user may read it
    Column("owner_id", Integer, nullable=True),
    Column("shared", Boolean, nullable=False, default=False),
)

#: Each distinct contract that was run, with its result: what a results page shows.
runs = Table(
    "runs", metadata,
    Column("contract_sha256", String(64), primary_key=True),
    Column("document", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("result_sha256", String(64), nullable=False),
    Column("engine_version", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: The app's first audit table, kept for old databases; runs and saves now go to the
#: hash-chained ``audit_log`` of :mod:`sharing.audit.log` (see web.audit.record).
audit_events = Table(
    "audit_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(40), nullable=False),
    Column("contract_sha256", String(64)),
    Column("result_sha256", String(64)),
    Column("detail", Text, nullable=False, default=""),
)

NAME_MAX = 200

#: Called inside a write's transaction with its connection and the scenario's id: writes the
#: audit log row, so the change and its row are committed together.
LogRow = Callable[[Connection, int], Any]
T = TypeVar("T")


def _write(engine: Engine, work: Callable[[Connection], T]) -> T:
    """One transaction; retried when another writer took the audit log's head first. After
    the commit the audit log's witness is moved to the new head."""
    for attempt in range(10):
        try:
            with engine.begin() as conn:
                out = work(conn)
            audit_log.advance_witness(engine)
            return out
        except IntegrityError as e:
            if attempt == 9 or ("prev_hash" not in str(e.orig) and "audit_log" not in str(e)):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def now() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            from .security import private_file

            Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            private_file(path)  # 0600 before SQLite creates it with the umask's 0644
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            # NORMAL under WAL: a commit is in the WAL when it returns, so it survives the app
            # being stopped or killed at any point; only a power cut may lose the last ones
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates it on first start)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        # The hash-chained audit log lives in the same database; its module creates its
        # table (and the triggers that refuse UPDATE and DELETE), checked again here since a
        # migration may run on a database emptied under the same engine.
        audit_log.ensure_schema(conn, recheck=True)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    migrate(engine)
    # The audit log's key and witness live outside the database: AUDIT_DIR (or
    # $SHARING_AUDIT_DIR), else beside the SQLite file, else in the instance folder. Opening
    # the log makes the key on first start, migrates a log made before the key, and
    # verifies it against its witness (a log that does not verify is refused appends).
    folder = app.config.get("AUDIT_DIR") or os.environ.get("SHARING_AUDIT_DIR")
    if not folder and engine.dialect.name != "sqlite":
        folder = app.instance_path
    audit_log.attach(engine, folder=folder)
    app.extensions["sharing_audit_open"] = audit_log.open_log(engine)
    app.extensions["sharing_db"] = engine


def db() -> Engine:
    return current_app.extensions["sharing_db"]


# ---- scenarios ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    id: int
    name: str
    document: dict[str, Any]
    contract_sha256: str
    created_at: datetime
    updated_at: datetime
    owner_id: int | None = None
    shared: bool = False


def _scenario(row: Any) -> Scenario:
    return Scenario(row.id, row.name, loads(row.document), row.contract_sha256,
                    row.created_at, row.updated_at, row.owner_id, bool(row.shared))


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    return name[:NAME_MAX]


def save_scenario(engine: Engine, name: str, document: dict[str, Any], sha: str,
                  log: LogRow | None = None, owner_id: int | None = None) -> int:
    def work(conn: Connection) -> int:
        t = now()
        res = conn.execute(insert(scenarios).values(
            name=clean_name(name), document=dumps(document), owner_id=owner_id,
            shared=False, contract_sha256=sha, created_at=t, updated_at=t))
        sid = int(res.inserted_primary_key[0])
        if log is not None:
            log(conn, sid)
        return sid

    return _write(engine, work)


def update_scenario(engine: Engine, sid: int, document: dict[str, Any], sha: str,
                    log: LogRow | None = None) -> bool:
    def work(conn: Connection) -> bool:
        res = conn.execute(sql_update(scenarios).where(scenarios.c.id == sid).values(
            document=dumps(document), contract_sha256=sha,
            updated_at=now()))
        if res.rowcount == 1 and log is not None:
            log(conn, sid)
        return res.rowcount == 1

    return _write(engine, work)


def list_scenarios(engine: Engine, reader: int | None = None) -> list[Scenario]:
    """Every saved scenario, newest first; with ``reader`` (a user id) only those the user
    owns or that are shared with every signed-in user."""
    q = select(scenarios).order_by(scenarios.c.updated_at.desc(), scenarios.c.id.desc())
    if reader is not None:
        q = q.where(or_(scenarios.c.owner_id == reader, scenarios.c.shared.is_(True)))
    with engine.connect() as conn:
        return [_scenario(r) for r in conn.execute(q)]


def share_scenario(engine: Engine, sid: int, shared: bool, log: LogRow | None = None) -> bool:
    """Share the scenario with every signed-in user (read only), or stop sharing it."""
    def work(conn: Connection) -> bool:
        res = conn.execute(sql_update(scenarios).where(scenarios.c.id == sid).values(
            shared=shared))
        if res.rowcount == 1 and log is not None:
            log(conn, sid)
        return res.rowcount == 1

    return _write(engine, work)


def get_scenario(engine: Engine, sid: int) -> Scenario | None:
    with engine.connect() as conn:
        row = conn.execute(select(scenarios).where(scenarios.c.id == sid)).first()
        return _scenario(row) if row is not None else None


def rename_scenario(engine: Engine, sid: int, name: str, log: LogRow | None = None) -> bool:
    def work(conn: Connection) -> bool:
        res = conn.execute(sql_update(scenarios).where(scenarios.c.id == sid).values(
            name=clean_name(name), updated_at=now()))
        if res.rowcount == 1 and log is not None:
            log(conn, sid)
        return res.rowcount == 1

    return _write(engine, work)


def duplicate_scenario(engine: Engine, sid: int, name: str,
                       log: LogRow | None = None, owner_id: int | None = None) -> int | None:
    """The copy's id (owned by ``owner_id``, not shared); ``log`` is called with it."""
    def work(conn: Connection) -> int | None:
        row = conn.execute(select(scenarios).where(scenarios.c.id == sid)).first()
        if row is None:
            return None
        t = now()
        res = conn.execute(insert(scenarios).values(
            name=clean_name(name), document=row.document, contract_sha256=row.contract_sha256,
            owner_id=owner_id, shared=False, created_at=t, updated_at=t))
        new = int(res.inserted_primary_key[0])
        if log is not None:
            log(conn, new)
        return new

    return _write(engine, work)


def delete_scenario(engine: Engine, sid: int, log: LogRow | None = None) -> bool:
    def work(conn: Connection) -> bool:
        gone = conn.execute(sql_delete(scenarios).where(scenarios.c.id == sid)).rowcount == 1
        if gone and log is not None:
            log(conn, sid)
        return gone

    return _write(engine, work)


def count_scenarios(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(scenarios)).scalar_one())


# ---- runs --------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredRun:
    contract_sha256: str
    document: dict[str, Any]
    result: dict[str, Any]
    engine_version: str


def store_run(engine: Engine, sha: str, document: dict[str, Any], result: dict[str, Any],
              version: str) -> None:
    """Keep a run (once per contract and engine version; a newer engine replaces it)."""
    # A result holds only strings, integers and null: the standard library's C encoder
    # writes it exactly as jsonexact would, in a fraction of the time.
    values = dict(document=dumps(document),
                  result=json.dumps(result, ensure_ascii=False, separators=(",", ":")),
                  result_sha256=result["result_sha256"], engine_version=version)
    with engine.begin() as conn:
        row = conn.execute(select(runs.c.engine_version).where(
            runs.c.contract_sha256 == sha)).first()
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(insert(runs).values(contract_sha256=sha, created_at=now(),
                                                     **values))
            except Exception:  # a concurrent request stored the same contract first
                pass
        elif row.engine_version != version:
            conn.execute(sql_update(runs).where(runs.c.contract_sha256 == sha).values(**values))


def get_run(engine: Engine, sha: str) -> StoredRun | None:
    with engine.connect() as conn:
        row = conn.execute(select(runs).where(runs.c.contract_sha256 == sha)).first()
    if row is None:
        return None
    return StoredRun(row.contract_sha256, loads(row.document), loads(row.result),
                     row.engine_version)


# ---- audit -------------------------------------------------------------------------------

def append_audit(engine: Engine, action: str, contract_sha: str | None,
                 result_sha: str | None, detail: str, user: str | None = None) -> None:
    """One row of the hash-chained, keyed audit log (``sharing.audit.log``)."""
    audit_log.append(engine, action, contract_sha, result_sha, detail, user=user)


def audit_trail(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    """The newest ``limit`` rows of the audit log, newest first."""
    return list(reversed(audit_log.rows(engine, limit)))
