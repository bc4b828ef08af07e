"""Saved scenarios, runs and the audit trail, through SQLAlchemy.

SQLite under the instance folder by default, PostgreSQL with ``DATABASE_URL``. The schema is
created and migrated by Alembic (``web/migrations``) when the app starts. Every write is one
transaction (``engine.begin()``): a request stopped half way leaves either the whole change
or none of it, and nothing saved before it is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import (
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
    select,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update

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

#: Every run and every save (see web.audit.record).
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


def now() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
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


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    migrate(engine)
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


def _scenario(row: Any) -> Scenario:
    return Scenario(row.id, row.name, loads(row.document), row.contract_sha256,
                    row.created_at, row.updated_at)


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    return name[:NAME_MAX]


def save_scenario(engine: Engine, name: str, document: dict[str, Any], sha: str) -> int:
    t = now()
    with engine.begin() as conn:
        res = conn.execute(insert(scenarios).values(
            name=clean_name(name), document=dumps(document),
            contract_sha256=sha, created_at=t, updated_at=t))
        return int(res.inserted_primary_key[0])


def update_scenario(engine: Engine, sid: int, document: dict[str, Any], sha: str) -> bool:
    with engine.begin() as conn:
        res = conn.execute(sql_update(scenarios).where(scenarios.c.id == sid).values(
            document=dumps(document), contract_sha256=sha,
            updated_at=now()))
        return res.rowcount == 1


def list_scenarios(engine: Engine) -> list[Scenario]:
    with engine.connect() as conn:
        rows = conn.execute(select(scenarios).order_by(scenarios.c.updated_at.desc(),
                                                       scenarios.c.id.desc()))
        return [_scenario(r) for r in rows]


def get_scenario(engine: Engine, sid: int) -> Scenario | None:
    with engine.connect() as conn:
        row = conn.execute(select(scenarios).where(scenarios.c.id == sid)).first()
        return _scenario(row) if row is not None else None


def rename_scenario(engine: Engine, sid: int, name: str) -> bool:
    with engine.begin() as conn:
        res = conn.execute(sql_update(scenarios).where(scenarios.c.id == sid).values(
            name=clean_name(name), updated_at=now()))
        return res.rowcount == 1


def duplicate_scenario(engine: Engine, sid: int, name: str) -> int | None:
    with engine.begin() as conn:
        row = conn.execute(select(scenarios).where(scenarios.c.id == sid)).first()
        if row is None:
            return None
        t = now()
        res = conn.execute(insert(scenarios).values(
            name=clean_name(name), document=row.document, contract_sha256=row.contract_sha256,
            created_at=t, updated_at=t))
        return int(res.inserted_primary_key[0])


def delete_scenario(engine: Engine, sid: int) -> bool:
    with engine.begin() as conn:
        return conn.execute(sql_delete(scenarios).where(scenarios.c.id == sid)).rowcount == 1


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
    values = dict(document=dumps(document),
                  result=dumps(result),
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
                 result_sha: str | None, detail: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(audit_events).values(at=now(), action=action,
                                                 contract_sha256=contract_sha,
                                                 result_sha256=result_sha, detail=detail))


def audit_trail(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_events).order_by(audit_events.c.id.desc())
                            .limit(limit))
        return [dict(r._mapping) for r in rows]
