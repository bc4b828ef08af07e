"""The audit log: an append-only table whose rows are chained by hash (SQLAlchemy).

Every run and every save in the web app is one row: when (UTC), what (``action``), the
contract's and the result's SHA-256 and a free ``detail`` (JSON text). Each row stores the
previous row's hash (``prev_hash``; the first row stores 64 zeros) and its own ``row_hash``,
the SHA-256 of its canonical content (sorted-key JSON of at, action, contract_sha256,
result_sha256, detail and prev_hash). ``prev_hash`` is unique, so two writers can never fork
the chain: the second insert fails and is retried on the new head.

    append(engine, "run", contract_sha, result_sha, {"scenario": 3})   # -> the new row
    verify(engine)   # -> LogCheck: ok, rows, head, problems naming each row

``verify`` detects a row whose content was **edited** (its hash no longer matches), a
**deleted** row (the next row is chained to a hash that is no longer in the log) and
**reordered** rows (the chain's order differs from the table's order), and names the rows.
Deleting the newest rows leaves a shorter chain that is still consistent: compare the head
that ``verify`` reports with one written down earlier (``expect_head``) to detect that.

On SQLite and PostgreSQL, triggers refuse UPDATE and DELETE on the table, so the app itself
cannot change history; someone with direct access to the database file can drop them, which
is what ``verify`` is for.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sys
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

GENESIS = "0" * 64
TABLE = "audit_log"

metadata = MetaData()
audit_log = Table(
    TABLE, metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("action", String(64), nullable=False),
    Column("contract_sha256", String(64), nullable=True),
    Column("result_sha256", String(64), nullable=True),
    Column("detail", Text, nullable=False, default=""),
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("row_hash", String(64), nullable=False, unique=True),
)

_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END",
]
_PG_TRIGGERS = [
    f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$ BEGIN "
    f"RAISE EXCEPTION '{TABLE} is append-only'; END; $$ LANGUAGE plpgsql",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
]


@event.listens_for(audit_log, "after_create")
def _append_only(target: Any, connection: Connection, **kw: Any) -> None:
    name = connection.dialect.name
    stmts = _SQLITE_TRIGGERS if name == "sqlite" else _PG_TRIGGERS if name == "postgresql" else []
    for stmt in stmts:
        connection.execute(text(stmt))


def default_database_url() -> str:
    """``$DATABASE_URL``, else the web app's SQLite file: ``instance/sharing.sqlite3``."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    import importlib.util

    spec = importlib.util.find_spec("web")
    if spec is not None and spec.origin:
        root = Path(spec.origin).resolve().parent.parent
        if "site-packages" in root.parts:
            instance = Path(sys.prefix) / "var" / "web-instance"
        else:
            instance = root / "instance"
    else:
        instance = Path.cwd() / "instance"
    return f"sqlite:///{instance / 'sharing.sqlite3'}"


def now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")


def row_content(row: dict[str, Any]) -> str:
    body = {k: row.get(k) for k in ("at", "action", "contract_sha256", "result_sha256",
                                    "detail", "prev_hash")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(row: dict[str, Any]) -> str:
    return hashlib.sha256(row_content(row).encode("utf-8")).hexdigest()


#: Engines whose database is known to have the table (weakly held: an engine that is gone
#: is forgotten, and a new one is never mistaken for it).
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


def ensure_schema(bind: Engine | Connection, *, recheck: bool = False) -> None:
    """Create the table (and its append-only triggers) when it is missing.

    Once done for an engine it is not checked again, unless ``recheck`` (a migration: the
    database may have been emptied under the same engine)."""
    engine = bind.engine if isinstance(bind, Connection) else bind
    if engine in _ready and not recheck:
        return
    try:
        if isinstance(bind, Connection):
            metadata.create_all(bind, checkfirst=True)
        else:
            with bind.begin() as conn:
                metadata.create_all(conn, checkfirst=True)
    except DBAPIError:
        # another process created it between the check and the create: fine if it exists
        if not inspect(engine).has_table(audit_log.name):
            raise
    _ready.add(engine)


def _detail_text(detail: Any) -> str:
    if detail is None:
        return ""
    if isinstance(detail, str):
        return detail
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _head(conn: Connection) -> str:
    last = conn.execute(select(audit_log.c.row_hash).order_by(audit_log.c.id.desc())
                        .limit(1)).scalar()
    return last or GENESIS


def _insert(conn: Connection, action: str, contract_sha256: str | None,
            result_sha256: str | None, detail: Any, at: str | None) -> dict[str, Any]:
    row = {"at": at or now(), "action": action, "contract_sha256": contract_sha256,
           "result_sha256": result_sha256, "detail": _detail_text(detail),
           "prev_hash": _head(conn)}
    row["row_hash"] = row_hash(row)
    res = conn.execute(insert(audit_log).values(**row))
    row["id"] = res.inserted_primary_key[0]
    return row


def append(bind: Engine | Connection, action: str, contract_sha256: str | None,
           result_sha256: str | None, detail: Any = "", *, at: str | None = None) -> dict[str, Any]:
    """Append one row and return it (with ``id`` and ``row_hash``).

    With an Engine the row is written in a transaction of its own, retried if another writer
    took the head first; with a Connection it joins the caller's transaction.
    """
    if not action:
        raise ValueError("an audit log row needs an action")
    ensure_schema(bind)
    if isinstance(bind, Connection):
        if bind.in_transaction():
            with bind.begin_nested():
                return _insert(bind, action, contract_sha256, result_sha256, detail, at)
        with bind.begin():
            return _insert(bind, action, contract_sha256, result_sha256, detail, at)
    with _writer_lock(bind):
        for attempt in range(10):
            try:
                with bind.begin() as conn:
                    _lock_head(conn)
                    return _insert(conn, action, contract_sha256, result_sha256, detail, at)
            except IntegrityError:
                if attempt == 9:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover


_writer_locks: dict[int, threading.Lock] = {}
_writer_locks_guard = threading.Lock()


def _writer_lock(engine: Engine) -> threading.Lock:
    """One appender at a time per engine in this process: threads wait on a lock, which
    wakes them at once, rather than on the database's busy handler, which sleeps."""
    with _writer_locks_guard:
        return _writer_locks.setdefault(id(engine), threading.Lock())


#: Any fixed number: the key of the PostgreSQL advisory lock that serialises appenders.
_PG_LOCK_KEY = 0x5348415245  # "SHARE"


def _lock_head(conn: Connection) -> None:
    """Hold the database's write lock from reading the chain's head until the row is
    inserted, so that two appenders (other processes too) never both chain to the same
    head. Without it, concurrent web requests raced for the head and a run failed."""
    if conn.dialect.name == "sqlite":
        # pysqlite opens a transaction only before a write; take the write lock now
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")


@dataclass
class Problem:
    row: int  # the row's id
    kind: str  # edited, deleted, reordered, head_missing
    message: str


@dataclass
class LogCheck:
    rows: int
    head: str  # the last row's hash in chain order (GENESIS for an empty log)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def format(self) -> str:
        lines = [f"{self.rows} row{'s' if self.rows != 1 else ''}; head {self.head}"]
        for p in self.problems:
            lines.append(f"row {p.row}: {p.kind}: {p.message}")
        lines.append("AUDIT LOG INTACT" if self.ok else
                     f"AUDIT LOG TAMPERED WITH ({len(self.problems)} problem"
                     f"{'s' if len(self.problems) != 1 else ''})")
        return "\n".join(lines) + "\n"


def rows(bind: Engine | Connection, limit: int | None = None) -> list[dict[str, Any]]:
    """The rows in table order (oldest first); the newest ``limit`` if given."""
    q = select(audit_log).order_by(audit_log.c.id)
    if isinstance(bind, Connection):
        out = [dict(r._mapping) for r in bind.execute(q)]
    else:
        with bind.connect() as conn:
            out = [dict(r._mapping) for r in conn.execute(q)]
    return out[-limit:] if limit else out


def verify(bind: Engine | Connection, expect_head: str | None = None) -> LogCheck:
    """Check every row's hash and the chain; name each edited, deleted or reordered row."""
    ensure_schema(bind)
    table = rows(bind)
    problems: list[Problem] = []
    by_hash = {r["row_hash"]: r for r in table}
    ids = [r["id"] for r in table]
    for r in table:
        if row_hash(r) != r["row_hash"]:
            problems.append(Problem(r["id"], "edited", "its content no longer matches its hash "
                                    "(action, contract or result hash, detail or time changed)"))
    # Follow the chain: from the first row (prev = GENESIS), then from each row whose
    # predecessor is missing (a break), each time as far as the links go.
    by_prev = {r["prev_hash"]: r for r in table}
    order: list[dict[str, Any]] = []
    seen: set[int] = set()

    def follow(start: dict[str, Any]) -> None:
        cur: dict[str, Any] | None = start
        while cur is not None and cur["id"] not in seen:
            seen.add(cur["id"])
            order.append(cur)
            cur = by_prev.get(cur["row_hash"])

    if GENESIS in by_prev:
        follow(by_prev[GENESIS])
    for pos, r in enumerate(table):
        if r["id"] in seen:
            continue
        if r["prev_hash"] != GENESIS and r["prev_hash"] not in by_hash:
            before = table[pos - 1]["id"] if pos > 0 else None
            gap = [i for i in range((before or 0) + 1, r["id"])]
            if gap:
                what = (f"row{'s' if len(gap) > 1 else ''} {', '.join(map(str, gap))} "
                        f"{'were' if len(gap) > 1 else 'was'} deleted")
                problems.append(Problem(gap[0], "deleted", f"{what}: row {r['id']} is chained to "
                                        "a hash that is no longer in the log"))
            else:
                who = f"row {before}" if before is not None else "the first row"
                problems.append(Problem(r["id"], "deleted", f"row {r['id']} is chained to a hash "
                                        f"that is no longer in the log: a row before it was "
                                        f"deleted, or {who} was changed and re-hashed"))
            follow(r)
    for r in table:  # rows on no chain at all (cycles made by hand)
        if r["id"] not in seen:
            follow(r)
    chain_ids = [r["id"] for r in order]
    for i, (a, b) in enumerate(zip(ids, chain_ids, strict=False)):
        if a != b:
            r = next(x for x in table if x["id"] == a)
            prev = by_hash.get(r["prev_hash"])
            after = (f"it was written after row {prev['id']}" if prev is not None else
                     "it was written first" if r["prev_hash"] == GENESIS else "")
            problems.append(Problem(a, "reordered", f"the table puts it at position {i + 1}, but "
                                    f"{after}"))
    head = order[-1]["row_hash"] if order else GENESIS
    if expect_head and expect_head not in by_hash:
        problems.append(Problem(ids[-1] if ids else 0, "head_missing",
                                f"the head noted earlier, {expect_head}, is not in the log: "
                                f"rows were deleted from its end (or the log was replaced)"))
    problems.sort(key=lambda p: (p.row, p.kind))
    return LogCheck(rows=len(table), head=head, problems=problems)


def engine_for(url: str | None = None) -> Engine:
    return create_engine(url or default_database_url())
