"""The audit log: an append-only table whose rows are chained by hash and authenticated by
a key the database does not hold (SQLAlchemy; SQLite or PostgreSQL). Threat model and
procedures: docs/audit.md, "The audit log".

Every run and every save in the web app is one row: when (UTC), what (``action``), who
(``user``; "local" without sign-in), the contract's and the result's SHA-256 and a free
``detail`` (JSON text). Each row stores the previous row's hash (``prev_hash``; the first row
stores 64 zeros), its own ``row_hash`` (SHA-256 of its canonical content) and ``mac``, the
HMAC-SHA256 of that content under the key ``key_id`` (:mod:`sharing.audit.logkey`). The
log's signed head (count, head hash, HMAC) is kept outside the database in a **witness** file,
rewritten after each append; downloaded, it is a **checkpoint** an auditor keeps.

    append(engine, "run", contract_sha, result_sha, {"scenario": 3}, user="local")
    verify(engine)            # -> LogCheck: ok, rows, head, problems naming each row
    verify(engine, checkpoint=Checkpoint.parse(text))

``verify`` names: an **edited** row (content no longer matches its hash), a **deleted** row
(a broken link), **reordered** rows, rows **re-chained** (hashes consistent, MACs not: re-hashed
without the key), **forged** rows appended after the witness without the key, a log
**truncated** or **emptied** or **rewritten** against the witness or a checkpoint, and a table
**unprotected** by its append-only triggers. ``append`` refuses (:class:`LogRefused`) to add to
a log that does not verify against its witness.
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
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from . import logkey
from .i18n import N_, ntr, tr
from .logkey import Checkpoint, Keyring

GENESIS = "0" * 64
TABLE = "audit_log"
LOCAL_USER = "local"

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
    # added by the keyed log (issue 18); NULL in rows written before it (legacy rows)
    Column("user", Text, nullable=True),
    Column("key_id", String(16), nullable=True),
    Column("mac", String(64), nullable=True),
)
_KEYED_COLUMNS = {"user": "TEXT", "key_id": "VARCHAR(16)", "mac": "VARCHAR(64)"}

_SQLITE_TRIGGER_NAMES = (f"{TABLE}_no_update", f"{TABLE}_no_delete")
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END",
]
_PG_TRIGGER_NAMES = (f"{TABLE}_append_only", f"{TABLE}_no_truncate")
_PG_TRIGGERS = [
    f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$ BEGIN "
    f"RAISE EXCEPTION '{TABLE} is append-only'; END; $$ LANGUAGE plpgsql",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()",
]


@event.listens_for(audit_log, "after_create")
def _append_only(target: Any, connection: Connection, **kw: Any) -> None:
    _create_triggers(connection)


def _create_triggers(connection: Connection) -> None:
    name = connection.dialect.name
    stmts = _SQLITE_TRIGGERS if name == "sqlite" else _PG_TRIGGERS if name == "postgresql" else []
    for stmt in stmts:
        connection.execute(text(stmt))


def _missing_triggers(conn: Connection) -> list[str]:
    """The append-only triggers that are not on the table."""
    if conn.dialect.name == "sqlite":
        have = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                     "AND tbl_name = :t"), {"t": TABLE}).scalars())
        want: tuple[str, ...] = _SQLITE_TRIGGER_NAMES
    elif conn.dialect.name == "postgresql":
        have = set(conn.execute(text("SELECT tgname FROM pg_trigger WHERE tgrelid = "
                                     "CAST(:t AS regclass) AND tgenabled <> 'D'"),
                                {"t": TABLE}).scalars())
        want = _PG_TRIGGER_NAMES
    else:
        return []
    return [n for n in want if n not in have]


# ---- where the key and the witness live -----------------------------------------------------

def default_instance() -> Path:
    """The web app's instance folder (``instance/`` of a checkout, else ``<prefix>/var``)."""
    import importlib.util

    spec = importlib.util.find_spec("web")
    if spec is not None and spec.origin:
        root = Path(spec.origin).resolve().parent.parent
        if "site-packages" in root.parts:
            return Path(sys.prefix) / "var" / "web-instance"
        return root / "instance"
    return Path.cwd() / "instance"


def default_database_url() -> str:
    """``$DATABASE_URL``, else the web app's SQLite file: ``instance/sharing.sqlite3``."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{default_instance() / 'sharing.sqlite3'}"


def audit_folder(engine: Engine) -> Path:
    """``$SHARING_AUDIT_DIR``, else the SQLite file's folder, else the instance folder."""
    env = os.environ.get("SHARING_AUDIT_DIR")
    if env:
        return Path(env)
    db = engine.url.database
    if engine.dialect.name == "sqlite" and db and db != ":memory:":
        return Path(db).resolve().parent
    return default_instance()


def witness_path(engine: Engine, folder: Path) -> Path:
    """``$SHARING_AUDIT_WITNESS``, else ``<folder>/<database>.audit-witness.json``."""
    env = os.environ.get("SHARING_AUDIT_WITNESS")
    if env:
        return Path(env)
    db = engine.url.database or "memory"
    if engine.dialect.name == "sqlite":
        name = Path(db).name
    else:
        where = hashlib.sha256(f"{engine.url.host}:{engine.url.port}:"
                               f"{engine.url.query.get('host', '')}".encode()).hexdigest()[:8]
        name = f"{engine.dialect.name}-{db}-{where}"
    return folder / f"{name}.audit-witness.json"


class LogRefused(RuntimeError):
    """The log does not verify against its witness: nothing more is appended to it."""

    def __init__(self, check: LogCheck):
        self.check = check
        super().__init__("the audit log does not verify against its witness; nothing is "
                         "appended until it is resolved (docs/audit.md):\n" + check.format())


@dataclass
class _State:
    keyring: Keyring | None  # None: no key here (verify then reports no_key)
    witness: Path
    refused: LogCheck | None = None  # the failed check that stops appends


_states: weakref.WeakKeyDictionary[Engine, _State] = weakref.WeakKeyDictionary()
_states_guard = threading.Lock()


def attach(engine: Engine, *, folder: Path | str | None = None,
           keyring: Keyring | None = None, witness: Path | str | None = None,
           create: bool = True) -> _State:
    """Tell the log where this engine's key and witness are (defaults: :func:`audit_folder`
    and :func:`witness_path`); the key is created there on first use unless not ``create``
    (a verifier that must not invent a key)."""
    base = Path(folder) if folder is not None else audit_folder(engine)
    ring = keyring or logkey.load_keyring(base, create=create)
    state = _State(ring, Path(witness) if witness is not None else witness_path(engine, base))
    with _states_guard:
        _states[engine] = state
    return state


def _state(bind: Engine | Connection) -> _State:
    engine = bind.engine if isinstance(bind, Connection) else bind
    with _states_guard:
        st = _states.get(engine)
    return st if st is not None else attach(engine)


def now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")


def _keyed(row: dict[str, Any]) -> bool:
    return row.get("key_id") is not None or row.get("mac") is not None


def row_content(row: dict[str, Any]) -> str:
    """The canonical content that ``row_hash`` and ``mac`` cover (not the id: the chain
    gives the order). Rows written before the key (legacy) lack user and key_id."""
    names = ["at", "action", "contract_sha256", "result_sha256", "detail", "prev_hash"]
    if _keyed(row):
        names += ["user", "key_id"]
    body = {k: row.get(k) for k in names}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(row: dict[str, Any]) -> str:
    return hashlib.sha256(row_content(row).encode("utf-8")).hexdigest()


#: Engines whose database is known to have the table (weakly held: an engine that is gone
#: is forgotten, and a new one is never mistaken for it).
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


def _add_keyed_columns(conn: Connection) -> None:
    have = {c["name"] for c in inspect(conn).get_columns(TABLE)}
    q = conn.dialect.identifier_preparer.quote
    missing = [n for n in _KEYED_COLUMNS if n not in have]
    for name in missing:
        conn.execute(text(f"ALTER TABLE {TABLE} ADD COLUMN {q(name)} {_KEYED_COLUMNS[name]}"))
    if missing:  # a table of before the key: it gets the triggers of now (TRUNCATE on PG)
        _create_triggers(conn)


def ensure_schema(bind: Engine | Connection, *, recheck: bool = False) -> None:
    """Create the table (and its append-only triggers) when it is missing, and add the keyed
    columns (user, key_id, mac) to a table made before them.

    Once done for an engine it is not checked again, unless ``recheck`` (a migration: the
    database may have been emptied under the same engine)."""
    engine = bind.engine if isinstance(bind, Connection) else bind
    if engine in _ready and not recheck:
        return

    def work(conn: Connection) -> None:
        metadata.create_all(conn, checkfirst=True)
        _add_keyed_columns(conn)

    try:
        if isinstance(bind, Connection):
            work(bind)
        else:
            with bind.begin() as conn:
                work(conn)
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


def _witness_holds(conn: Connection, st: _State) -> None:
    """Before an append: the row the witness names as the head is still where it says
    (cheap; :func:`verify` checks everything). Raises LogRefused otherwise."""
    if st.refused is not None:
        raise LogRefused(st.refused)
    cp = logkey.read_witness(st.witness)
    if cp is None:
        if conn.execute(select(func.count()).select_from(audit_log)).scalar():
            check = LogCheck(rows=0, head=GENESIS, problems=[_witness_missing(st)])
            st.refused = check
            raise LogRefused(check)
        with logkey.witness_lock(st.witness):  # a new log: its witness starts empty
            if logkey.read_witness(st.witness) is None:
                logkey.write_witness(st.witness, logkey.sign(st.keyring, 0, GENESIS, None))
        return
    if cp.rows == 0:
        return
    at = conn.execute(select(audit_log.c.row_hash).order_by(audit_log.c.id)
                      .offset(cp.rows - 1).limit(1)).scalar()
    if at != cp.head:
        check = verify(conn, checkpoint=cp, keyring=st.keyring)
        if not check.ok:
            st.refused = check
            raise LogRefused(check)


def _no_key() -> Problem:
    return Problem(0, "no_key", "the log's key is not available here (audit_key in the audit "
                   "folder, or $SHARING_AUDIT_KEY): the MACs were not checked", {})


def _witness_missing(st: _State) -> Problem:
    return Problem(0, "witness_missing", f"the log has rows but its witness {st.witness} is "
                   "missing: restore it from the backup, or check the log against a kept "
                   "checkpoint and run `sharing audit-log rewitness`", {"path": str(st.witness)})


def _insert(conn: Connection, st: _State, action: str, contract_sha256: str | None,
            result_sha256: str | None, detail: Any, at: str | None, user: str) -> dict[str, Any]:
    if st.keyring is None:
        raise LogRefused(LogCheck(0, GENESIS, [_no_key()]))
    _witness_holds(conn, st)
    row = {"at": at or now(), "action": action, "user": user,
           "contract_sha256": contract_sha256, "result_sha256": result_sha256,
           "detail": _detail_text(detail), "prev_hash": _head(conn),
           "key_id": st.keyring.current}
    content = row_content(row)
    row["row_hash"] = hashlib.sha256(content.encode("utf-8")).hexdigest()
    row["mac"] = st.keyring.mac(content, row["key_id"])
    res = conn.execute(insert(audit_log).values(**row))
    row["id"] = res.inserted_primary_key[0]
    return row


def append(bind: Engine | Connection, action: str, contract_sha256: str | None,
           result_sha256: str | None, detail: Any = "", *, at: str | None = None,
           user: str | None = None) -> dict[str, Any]:
    """Append one row and return it (with ``id``, ``row_hash`` and ``mac``); ``user`` is who
    did it (``"local"`` when there is no sign-in).

    With an Engine the row is written in a transaction of its own, retried if another writer
    took the head first, and the witness is advanced; with a Connection it joins the
    caller's transaction, and the caller calls :func:`advance_witness` after committing (a
    witness that lags behind is safe: the rows after it are checked by their MACs).
    Raises :class:`LogRefused` when the log does not verify against its witness.
    """
    if not action:
        raise ValueError("an audit log row needs an action")
    who = user if user else LOCAL_USER
    ensure_schema(bind)
    st = _state(bind)
    if isinstance(bind, Connection):
        if bind.in_transaction():
            with bind.begin_nested():
                return _insert(bind, st, action, contract_sha256, result_sha256, detail, at, who)
        with bind.begin():
            row = _insert(bind, st, action, contract_sha256, result_sha256, detail, at, who)
        advance_witness(bind.engine)
        return row
    with _writer_lock(bind):
        for attempt in range(10):
            try:
                with bind.begin() as conn:
                    _lock_head(conn)
                    row = _insert(conn, st, action, contract_sha256, result_sha256, detail,
                                  at, who)
                break
            except IntegrityError:
                if attempt == 9:
                    raise
        advance_witness(bind)
        return row


def advance_witness(engine: Engine) -> Checkpoint | None:
    """Move the witness to the log's head, after checking that the rows since the witness
    follow its head and carry valid MACs (so only rows written with the key move it). Never
    moves it back. Returns the new witness, or None when the rows do not check (the log is
    then refused)."""
    st = _state(engine)
    if st.keyring is None:
        return None
    with logkey.witness_lock(st.witness):
        cp = logkey.read_witness(st.witness)
        start = cp.rows if cp is not None else 0
        if cp is None:
            with engine.connect() as conn:
                if conn.execute(select(func.count()).select_from(audit_log)).scalar():
                    st.refused = LogCheck(rows=0, head=GENESIS, problems=[_witness_missing(st)])
                    return None
        q = select(audit_log).order_by(audit_log.c.id).offset(max(start - 1, 0))
        with engine.connect() as conn:
            tail = [dict(r._mapping) for r in conn.execute(q)]
        head, last_id = GENESIS, None
        if start > 0:
            if not tail or tail[0]["row_hash"] != cp.head:  # type: ignore[union-attr]
                return None
            head, last_id = tail[0]["row_hash"], tail[0]["id"]
            tail = tail[1:]
        for r in tail:
            if (r["prev_hash"] != head or row_hash(r) != r["row_hash"]
                    or not st.keyring.check(row_content(r), r["mac"], r["key_id"])):
                return None
            head, last_id = r["row_hash"], r["id"]
        if cp is not None and not tail:
            return cp
        new = logkey.sign(st.keyring, start + len(tail), head, last_id)
        logkey.write_witness(st.witness, new)
        return new


def checkpoint(engine: Engine) -> Checkpoint:
    """The current signed head, for an auditor to keep (the witness, brought up to date)."""
    cp = advance_witness(engine) or logkey.read_witness(_state(engine).witness)
    if cp is None:
        raise LogRefused(verify(engine))
    return cp


def open_log(engine: Engine) -> LogCheck:
    """At the app's start: make the key (first start) and the witness; migrate a log made
    before the key (its rows stay as they were, anchored by a first keyed row); then verify
    everything against the witness. A log that does not verify is refused appends."""
    ensure_schema(engine, recheck=True)
    st = _state(engine)
    with logkey.witness_lock(st.witness):
        have = logkey.read_witness(st.witness)
    if have is None:
        table = rows(engine)
        if not table:
            with logkey.witness_lock(st.witness):
                logkey.write_witness(st.witness, logkey.sign(st.keyring, 0, GENESIS, None))
        elif not any(_keyed(r) for r in table):
            migrate(engine)
    check = verify(engine)
    st.refused = None if check.ok else check
    return check


def migrate(engine: Engine) -> dict[str, Any]:
    """Adopt a log made before the key: check its hash chain, write the witness at its head
    and append a first keyed row (``key_adopted``) recording the legacy rows' count and
    head, which anchors them (changing one of them later breaks that row's link)."""
    ensure_schema(engine, recheck=True)
    st = _state(engine)
    table = rows(engine)
    if any(_keyed(r) for r in table):
        raise ValueError(N_("the log already has keyed rows: nothing to migrate"))
    legacy = verify(engine, keyring=st.keyring, witness=False)
    bad = [p for p in legacy.problems if p.kind != "unprotected"]
    if bad:
        raise LogRefused(legacy)
    with logkey.witness_lock(st.witness):
        logkey.write_witness(st.witness, logkey.sign(
            st.keyring, len(table), legacy.head, table[-1]["id"] if table else None))
    st.refused = None
    return append(engine, "key_adopted", None, None,
                  {"legacy_rows": len(table), "legacy_head": legacy.head}, user="system")


def rewitness(engine: Engine, reason: str) -> dict[str, Any]:
    """After an operator has resolved a refusal (restored the database from its backup, or
    checked the log against a kept checkpoint): write a new witness at the current head and
    append a ``rewitness`` row saying why and what the old witness said. Refused while any
    row fails its hash or MAC."""
    st = _state(engine)
    check = verify(engine, keyring=st.keyring, witness=False)
    bad = [p for p in check.problems if p.kind != "unprotected"]
    if bad:
        raise LogRefused(check)
    with logkey.witness_lock(st.witness):
        old = logkey.read_witness(st.witness)
        table = rows(engine)
        logkey.write_witness(st.witness, logkey.sign(
            st.keyring, check.rows, check.head, table[-1]["id"] if table else None))
    st.refused = None
    return append(engine, "rewitness", None, None,
                  {"reason": reason, "previous": None if old is None else
                   {"rows": old.rows, "head": old.head}}, user="system")


def rotate_key(engine: Engine) -> dict[str, Any]:
    """A new key signs from now on (the old ones stay in the key file to check old rows);
    the ``key_rotated`` row, signed with the new key, names both."""
    st = _state(engine)
    folder = Path(st.keyring.source).parent
    old, new = logkey.rotate_key(folder)
    st.keyring = logkey.load_keyring(folder, create=False) or st.keyring
    return append(engine, "key_rotated", None, None, {"old_key": old, "new_key": new},
                  user="system")


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
    row: int  # the (first) row's id it concerns; 0 for the log as a whole
    kind: str  # see KINDS
    message: str  # in English, with the detail an expert needs (hashes, file paths)
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The problem in the reader's language (the kinds of docs/audit.md), through the
        catalog; a kind without a message of its own is given as ``message``."""
        q = {"row": self.row, **self.params}
        msgid = PROBLEM_TEXTS.get(self.kind)
        if self.kind == "deleted" and not q.get("rows"):
            msgid = PROBLEM_TEXTS["deleted_unknown"]
        if msgid is None:
            return self.message
        try:
            return tr(lang, msgid, **q)
        except (KeyError, ValueError):
            return self.message


#: Each problem kind's message, with the parameters of its Problem (and ``row``).
PROBLEM_TEXTS = {
    "edited": N_("row %(row)s was edited: its content no longer matches its hash"),
    "deleted": N_("row(s) %(rows)s were deleted: row %(next)s is chained to a hash that is no "
                  "longer in the log"),
    "deleted_unknown": N_("row %(next)s is chained to a hash that is no longer in the log: a "
                          "row before it was deleted, or the row before it was changed and "
                          "re-hashed"),
    "reordered": N_("row %(row)s was moved: the table puts it at position %(position)s, but the "
                    "chain does not"),
    "rechained": N_("rows %(rows)s have consistent hashes but no valid MAC: they were re-hashed "
                    "without the log's key (the chain was rewritten)"),
    "forged": N_("rows %(rows)s have consistent hashes but no valid MAC: they were appended "
                 "without the log's key"),
    "truncated": N_("the log was truncated: the chain has %(n)s rows, but the checkpoint of "
                    "%(at)s records %(m)s; rows after row %(after)s were removed"),
    "emptied": N_("the log was emptied: the table has no rows, but the checkpoint of %(at)s "
                  "records %(n)s"),
    "rewritten": N_("the log was rewritten: row %(n)s of the chain is no longer the one the "
                    "checkpoint of %(at)s signed (now row %(row)s)"),
    "head_missing": N_("the head noted earlier is not in the log: rows were deleted from its "
                       "end"),
    "head_changed": N_("the head noted earlier is not in the log: the rows named above were "
                       "rewritten or removed"),
    "unprotected": N_("the append-only triggers %(names)s are missing: someone with direct "
                      "access to the database removed them"),
    "checkpoint_invalid": N_("the checkpoint's MAC does not verify with the log's key: it was "
                             "altered, or made by another instance"),
    "witness_missing": N_("the log has rows but its witness file is missing: restore it from "
                          "the backup, or check the log against a kept checkpoint and run "
                          "“sharing audit-log rewitness”"),
    "no_key": N_("the log's key is not available: the MACs were not checked"),
}

#: A row's action as a person says it (the code stays in the database, the CSV export and
#: ``--json``).
ACTION_TEXTS = {
    "run": N_("computed"), "api_run": N_("computed through the API"), "save": N_("saved"),
    "update": N_("saved again"), "rename": N_("renamed"), "duplicate": N_("duplicated"),
    "delete": N_("deleted"), "share": N_("sharing changed"), "audit": N_("audited"),
    "key_adopted": N_("key adopted"), "key_rotated": N_("key rotated"),
    "rewitness": N_("new witness"),
    "case_create": N_("case created"), "case_contract": N_("case contract uploaded"),
    "case_register": N_("register uploaded"), "case_actuals": N_("actual figures uploaded"),
    "case_transfers": N_("transfers file uploaded"), "case_transfer": N_("transfer recorded"),
    "case_settle": N_("settlement made"), "case_delete": N_("case deleted"),
}
#: The keys of a row's detail, in the order they are shown (the scenario first).
DETAIL_KEYS = {
    "scenario": N_("scenario"), "name": N_("name"), "shared": N_("shared"),
    "source": N_("submitted from"), "feature": N_("feature file"), "passed": N_("passed"),
    "computed": N_("newly computed"), "engine": N_("engine"), "from": N_("was"),
    "to": N_("now"), "feature_sha256": N_("feature file SHA-256"), "summary": N_("counts"),
    "contracts": N_("contracts SHA-256"), "reason": N_("reason"),
    "replaced": N_("replaced an existing scenario"),
    "previous": N_("previous witness"), "legacy_rows": N_("rows before the key"),
    "legacy_head": N_("head before the key"), "old_key": N_("old key"),
    "new_key": N_("new key"),
    "case": N_("case"), "file": N_("file"), "rows": N_("rows"), "year": N_("year"),
    "previous_year": N_("previous statement's year"), "transfer": N_("transfer"),
    "amount": N_("amount"), "versions": N_("versions"), "sha256": N_("SHA-256"),
}
DETAIL_SOURCES = {"form": N_("the form"), "api": N_("the JSON API"),
                  "upload": N_("an uploaded file"), "scenario": N_("a saved scenario"),
                  "example": N_("the bundled example")}


def action_text(action: str, lang: str) -> str:
    """A row's action in ``lang``: save → 保存 / saved; an unknown code as stored."""
    msgid = ACTION_TEXTS.get(action)
    return tr(lang, msgid) if msgid is not None else action


def detail_text(detail: str | None, lang: str) -> str:
    """A row's detail (a JSON object) as "方案：3；原为：甲方案；改为：乙方案" / "scenario: 3;
    was: A; now: B": known keys named, values kept; anything else shown as stored."""
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return detail or ""
    if not isinstance(data, dict):
        return detail or ""
    order = list(DETAIL_KEYS)
    parts = []
    for k in sorted(data, key=lambda k: (order.index(k) if k in order else len(order), k)):
        v = data[k]
        value: Any = tr(lang, "yes") if v is True else tr(lang, "no") if v is False else v
        if k == "source" and v in DETAIL_SOURCES:
            value = tr(lang, DETAIL_SOURCES[v])
        elif k == "summary" and isinstance(v, dict) and "scenarios" in v:
            value = tr(lang, "%(scenarios)s scenarios, %(checks)s checks",
                       scenarios=v.get("scenarios"), checks=v.get("checks", "-"))
        elif k == "previous" and isinstance(v, dict):
            value = tr(lang, "%(rows)s rows, head %(head)s", rows=v.get("rows"),
                       head=v.get("head"))
        elif k == "contracts" and isinstance(v, list):
            value = tr(lang, ", ").join(map(str, v))
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        key = tr(lang, DETAIL_KEYS[k]) if k in DETAIL_KEYS else k
        parts.append(tr(lang, "%(key)s: %(value)s", key=key, value=value))
    return tr(lang, "; ").join(parts)


#: Every kind of problem, in the order of docs/audit.md.
KINDS = ("edited", "deleted", "reordered", "rechained", "forged", "truncated", "emptied",
         "rewritten", "head_missing", "head_changed", "unprotected", "checkpoint_invalid", "witness_missing",
         "no_key")


@dataclass
class LogCheck:
    rows: int
    head: str  # the last row's hash in chain order (GENESIS for an empty log)
    problems: list[Problem] = field(default_factory=list)
    against: Checkpoint | None = None  # the witness or checkpoint it was checked against
    legacy_rows: int = 0  # rows written before the key (hash-chained, no MAC)

    @property
    def ok(self) -> bool:
        return not self.problems

    def format(self, lang: str = "en") -> str:
        """The check as the CLI prints it, in ``lang``; the verdict keeps its English token
        (AUDIT LOG INTACT / TAMPERED WITH) for scripts, as the audit runner's does."""
        if lang != "en":
            return self._format_local(lang)
        lines = [f"{self.rows} row{'s' if self.rows != 1 else ''}; head {self.head}"]
        if self.legacy_rows:
            lines.append(f"{self.legacy_rows} row{'s' if self.legacy_rows != 1 else ''} "
                         "written before the key (hash chain only)")
        if self.against is not None:
            lines.append(f"checked against the checkpoint of {self.against.at}: "
                         f"{self.against.rows} rows, head {self.against.head}")
        for p in self.problems:
            lines.append(f"row {p.row}: {p.kind}: {p.message}" if p.row else
                         f"log: {p.kind}: {p.message}")
        lines.append("AUDIT LOG INTACT" if self.ok else
                     f"AUDIT LOG TAMPERED WITH ({len(self.problems)} problem"
                     f"{'s' if len(self.problems) != 1 else ''})")
        return "\n".join(lines) + "\n"

    def _format_local(self, lang: str) -> str:
        lines = [ntr(lang, "%(num)d row; head %(head)s", "%(num)d rows; head %(head)s",
                     self.rows, head=self.head)]
        if self.legacy_rows:
            lines.append(ntr(lang, "%(num)d row written before the key (hash chain only)",
                             "%(num)d rows written before the key (hash chain only)",
                             self.legacy_rows))
        if self.against is not None:
            lines.append(tr(lang, "checked against the checkpoint of %(at)s: %(rows)s rows, "
                            "head %(head)s", at=self.against.at, rows=self.against.rows,
                            head=self.against.head))
        lines += [f"  - {p.text(lang)}" for p in self.problems]  # each names its rows
        lines.append(tr(lang, "audit log intact") + "（AUDIT LOG INTACT）" if self.ok else
                     ntr(lang, "audit log tampered with (%(num)d problem)",
                         "audit log tampered with (%(num)d problems)", len(self.problems))
                     + "（AUDIT LOG TAMPERED WITH）")
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


def _span(ids: list[int]) -> str:
    return (f"row {ids[0]}" if len(ids) == 1 else
            f"rows {ids[0]}–{ids[-1]}" if ids == list(range(ids[0], ids[-1] + 1)) else
            "rows " + ", ".join(map(str, ids)))


def verify(bind: Engine | Connection, expect_head: str | None = None, *,
           checkpoint: Checkpoint | None = None, keyring: Keyring | None = None,
           witness: bool = True) -> LogCheck:
    """Check every row's hash, MAC and link, the append-only triggers, and the chain
    against ``checkpoint`` (default: the witness, unless ``witness`` is False); name each
    problem and its rows. ``keyring`` defaults to the engine's key."""
    ensure_schema(bind)
    if keyring is None:
        keyring = _state(bind).keyring
    if keyring is None:
        problems_first = [_no_key()]
    else:
        problems_first = []
    if checkpoint is None and witness:
        checkpoint = logkey.read_witness(_state(bind).witness)
    table = rows(bind)
    problems: list[Problem] = problems_first
    by_hash = {r["row_hash"]: r for r in table}
    ids = [r["id"] for r in table]
    edited: set[int] = set()
    for r in table:
        if row_hash(r) != r["row_hash"]:
            edited.add(r["id"])
            problems.append(Problem(r["id"], "edited", "its content no longer matches its hash "
                                    "(action, user, contract or result hash, detail or time "
                                    "changed)", {"row": r["id"]}))
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
                                        "a hash that is no longer in the log",
                                        {"rows": ", ".join(map(str, gap)), "next": r["id"]}))
            else:
                who = f"row {before}" if before is not None else "the first row"
                problems.append(Problem(r["id"], "deleted", f"row {r['id']} is chained to a hash "
                                        f"that is no longer in the log: a row before it was "
                                        f"deleted, or {who} was changed and re-hashed",
                                        {"rows": "", "next": r["id"]}))
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
                                    f"{after}", {"row": a, "position": i + 1}))
    # The MACs, in chain order: a row whose hash is consistent but whose MAC is not was
    # written or re-hashed without the key; after the witness that is a forged append.
    covered = checkpoint.rows if checkpoint is not None else 0
    legacy = 0
    keyed_seen = False
    bad: list[tuple[int, int]] = []  # (position, id)
    for pos, r in enumerate(order, start=1):
        if r["id"] in edited:
            continue
        if not _keyed(r):
            if keyed_seen:
                bad.append((pos, r["id"]))
            else:
                legacy += 1
            continue
        keyed_seen = True
        if keyring is not None and not keyring.check(row_content(r), r["mac"], r["key_id"]):
            bad.append((pos, r["id"]))
    for kind, group in (("rechained", [i for p, i in bad if p <= covered]),
                        ("forged", [i for p, i in bad if p > covered])):
        if not group:
            continue
        span = _span(group)
        msg = (f"{span}: hash{'es' if len(group) > 1 else ''} consistent but no valid MAC: "
               + ("re-hashed without the log's key (the chain was rewritten from row "
                  f"{group[0]})" if kind == "rechained" else
                  "appended after the witness without the log's key"))
        problems.append(Problem(group[0], kind, msg, {"rows": span[4:].lstrip("s ")}))
    # Against the witness or the auditor's checkpoint.
    if checkpoint is not None:
        cp = checkpoint
        if keyring is not None and not keyring.check(cp.content(), cp.mac, cp.key_id):
            problems.append(Problem(0, "checkpoint_invalid", "the checkpoint's MAC does not "
                                    "verify with the log's key: it was altered, or made by "
                                    "another instance", {}))
        breaks = any(p.kind == "deleted" for p in problems)
        n = len(order)
        where = {r["row_hash"]: k for k, r in enumerate(order, start=1)}
        if cp.rows > 0 and not table:
            problems.append(Problem(0, "emptied", f"the table has no rows, but the checkpoint "
                                    f"of {cp.at} records {cp.rows}: the log was emptied",
                                    {"n": cp.rows, "at": cp.at}))
        elif cp.rows > 0 and cp.head not in where:
            if n < cp.rows:
                last = order[-1]["id"] if order else 0
                problems.append(Problem(last + 1, "truncated", f"the chain has {n} rows, but "
                                        f"the checkpoint of {cp.at} records {cp.rows} ending in "
                                        f"row {cp.last_id} ({cp.head[:16]}…): rows after row "
                                        f"{last} were removed (from the end, or from the "
                                        "middle with the rest re-chained)",
                                        {"n": n, "m": cp.rows, "at": cp.at, "after": last,
                                         "last": cp.last_id}))
            else:
                r = order[cp.rows - 1]
                problems.append(Problem(r["id"], "rewritten", f"the checkpoint of {cp.at} says "
                                        f"row {cp.rows} of the chain has hash {cp.head[:16]}…; "
                                        f"row {r['id']} there has {r['row_hash'][:16]}…: the "
                                        "rows up to it were rewritten",
                                        {"row": r["id"], "at": cp.at, "n": cp.rows}))
        elif cp.rows > 0 and where[cp.head] != cp.rows and not breaks:
            r = by_hash[cp.head]
            problems.append(Problem(r["id"], "rewritten", f"the checkpoint of {cp.at} puts its "
                                    f"head, row {r['id']}, at position {cp.rows}; the chain has "
                                    f"it at {where[cp.head]}: rows were added or removed before it",
                                    {"row": r["id"], "at": cp.at, "n": cp.rows}))
    if expect_head and expect_head not in by_hash and problems:
        # an edited or re-hashed log loses the head too: not "deleted from its end"
        problems.append(Problem(ids[-1] if ids else 0, "head_changed",
                                f"the head noted earlier, {expect_head}, is not in the log: "
                                "the rows named above were rewritten or removed",
                                {"head": expect_head}))
    elif expect_head and expect_head not in by_hash:
        problems.append(Problem(ids[-1] if ids else 0, "head_missing",
                                f"the head noted earlier, {expect_head}, is not in the log: "
                                f"rows were deleted from its end (or the log was replaced)",
                                {"head": expect_head}))
    conn_ctx = bind.connect() if isinstance(bind, Engine) else None
    try:
        missing = _missing_triggers(conn_ctx if conn_ctx is not None else bind)  # type: ignore[arg-type]
    finally:
        if conn_ctx is not None:
            conn_ctx.close()
    if missing:
        problems.append(Problem(0, "unprotected", "the append-only triggers "
                                f"{', '.join(missing)} are missing: someone with direct access "
                                "to the database removed them", {"names": ", ".join(missing)}))
    problems.sort(key=lambda p: (p.row, KINDS.index(p.kind) if p.kind in KINDS else 99))
    head = order[-1]["row_hash"] if order else GENESIS
    return LogCheck(rows=len(table), head=head, problems=problems, against=checkpoint,
                    legacy_rows=legacy)


def engine_for(url: str | None = None) -> Engine:
    return create_engine(url or default_database_url())
