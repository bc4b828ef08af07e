"""Cases (项目) of the operating years and everything they keep (semantics §6; issue 20.5).

A case is a contract under way: its contract documents (the newest is in force; earlier ones
are its history), the register and actuals files accepted for it, the transfers recorded by
form or file, and each settlement statement stored (the next year's ``--previous``). Stored
through the same SQLAlchemy engine as scenarios (web.storage), each write one transaction with
its audit-log row (``log``), as scenario saves are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
)
from sqlalchemy.engine import Connection

from .jsonexact import dumps, loads
from .storage import LogRow, _write, clean_name, metadata, now

#: A case: a name, an owner and a sharing flag (the same rights as scenarios, web.auth).
cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("owner_id", Integer, nullable=True),
    Column("shared", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

#: Every accepted file of a case, never replaced: ``kind`` contract (``document`` holds the
#: contract as read, JSON), register, actuals or transfers (``data`` the file as uploaded,
#: ``rows`` its canonical rows, §6.5). Files with errors are never stored.
case_files = Table(
    "case_files", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=True),
    Column("document", Text, nullable=True),
    Column("rows", Text, nullable=True),
    Column("user", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: Transfers actually made (§6.4), by the form (``source`` "form") or from a file.
case_transfers = Table(
    "case_transfers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("date", String(10), nullable=False),
    Column("payer", String(100), nullable=False),
    Column("payee", String(100), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("year", Integer, nullable=False),
    Column("reference", String(200), nullable=False, default=""),
    Column("source", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: Each settlement statement computed (its JSON); the newest of a year is that year's.
case_settlements = Table(
    "case_settlements", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("statement", Text, nullable=False),
    Column("user", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class CaseRow:
    id: int
    name: str
    owner_id: int | None
    shared: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CaseFile:
    id: int
    kind: str
    filename: str
    sha256: str
    data: bytes | None
    document: dict[str, Any] | None
    rows: list[dict[str, Any]] | None
    user: str | None
    created_at: datetime


@dataclass(frozen=True)
class StoredTransfer:
    id: int
    date: str
    payer: str
    payee: str
    amount_fen: int
    year: int
    reference: str
    source: str


@dataclass(frozen=True)
class Settlement:
    id: int
    year: int
    statement: dict[str, Any]
    user: str | None
    created_at: datetime


def _case(r: Any) -> CaseRow:
    return CaseRow(r.id, r.name, r.owner_id, bool(r.shared), r.created_at, r.updated_at)


def create_case(engine: Engine, name: str, document: dict[str, Any], filename: str, sha: str,
                owner_id: int | None, user: str | None, log: LogRow | None = None) -> int:
    """A new case with its first contract document."""
    def work(conn: Connection) -> int:
        t = now()
        cid = int(conn.execute(insert(cases).values(
            name=clean_name(name), owner_id=owner_id, shared=False, created_at=t,
            updated_at=t)).inserted_primary_key[0])
        _add_file(conn, cid, "contract", filename, sha, document=document, user=user)
        if log is not None:
            log(conn, cid)
        return cid

    return _write(engine, work)


def _add_file(conn: Connection, cid: int, kind: str, filename: str, sha: str, *,
              data: bytes | None = None, document: dict[str, Any] | None = None,
              rows: list[dict[str, Any]] | None = None, user: str | None = None) -> int:
    return int(conn.execute(insert(case_files).values(
        case_id=cid, kind=kind, filename=filename[:200], sha256=sha, data=data,
        document=dumps(document) if document is not None else None,
        rows=dumps(rows) if rows is not None else None, user=user,
        created_at=now())).inserted_primary_key[0])


def add_file(engine: Engine, cid: int, kind: str, filename: str, sha: str, *,
             data: bytes | None = None, document: dict[str, Any] | None = None,
             rows: list[dict[str, Any]] | None = None, user: str | None = None,
             transfers: list[dict[str, Any]] | None = None, log: LogRow | None = None) -> int:
    """Keep an accepted file (and, for a transfers file, its transfers), with its log row."""
    def work(conn: Connection) -> int:
        fid = _add_file(conn, cid, kind, filename, sha, data=data, document=document,
                        rows=rows, user=user)
        for t in transfers or []:
            _add_transfer(conn, cid, t, filename)
        conn.execute(cases.update().where(cases.c.id == cid).values(updated_at=now()))
        if log is not None:
            log(conn, fid)
        return fid

    return _write(engine, work)


def _add_transfer(conn: Connection, cid: int, t: dict[str, Any], source: str) -> int:
    return int(conn.execute(insert(case_transfers).values(
        case_id=cid, date=t["date"], payer=t["from"], payee=t["to"], amount_fen=t["amount"],
        year=t["year"], reference=t.get("reference", ""), source=source[:200],
        created_at=now())).inserted_primary_key[0])


def add_transfer(engine: Engine, cid: int, t: dict[str, Any], log: LogRow | None = None) -> int:
    """One transfer recorded by the form (canonical keys: date, from, to, amount fen, year)."""
    def work(conn: Connection) -> int:
        tid = _add_transfer(conn, cid, t, "form")
        if log is not None:
            log(conn, tid)
        return tid

    return _write(engine, work)


def add_settlement(engine: Engine, cid: int, year: int, statement: dict[str, Any],
                   user: str | None, log: LogRow | None = None) -> int:
    def work(conn: Connection) -> int:
        sid = int(conn.execute(insert(case_settlements).values(
            case_id=cid, year=year, statement=dumps(statement), user=user,
            created_at=now())).inserted_primary_key[0])
        if log is not None:
            log(conn, sid)
        return sid

    return _write(engine, work)


def share_case(engine: Engine, cid: int, shared: bool, log: LogRow | None = None) -> bool:
    """Share the case with every signed-in user (read only), or stop sharing it."""
    def work(conn: Connection) -> bool:
        res = conn.execute(cases.update().where(cases.c.id == cid).values(shared=shared))
        if res.rowcount == 1 and log is not None:
            log(conn, cid)
        return res.rowcount == 1

    return _write(engine, work)


def delete_case(engine: Engine, cid: int, log: LogRow | None = None) -> bool:
    """Delete a case with its files, transfers and settlements, in one transaction (the
    audit log keeps what was done to it)."""
    def work(conn: Connection) -> bool:
        for child in (case_files, case_transfers, case_settlements):
            conn.execute(delete(child).where(child.c.case_id == cid))
        gone = conn.execute(delete(cases).where(cases.c.id == cid)).rowcount == 1
        if gone and log is not None:
            log(conn, cid)
        return gone

    return _write(engine, work)


def get_case(engine: Engine, cid: int) -> CaseRow | None:
    with engine.connect() as conn:
        r = conn.execute(select(cases).where(cases.c.id == cid)).first()
    return _case(r) if r is not None else None


def list_cases(engine: Engine, reader: int | None = None) -> list[CaseRow]:
    q = select(cases).order_by(cases.c.updated_at.desc(), cases.c.id.desc())
    if reader is not None:
        q = q.where(or_(cases.c.owner_id == reader, cases.c.shared.is_(True)))
    with engine.connect() as conn:
        return [_case(r) for r in conn.execute(q)]


def files(engine: Engine, cid: int, kind: str | None = None) -> list[CaseFile]:
    """The case's files, oldest first."""
    q = select(case_files).where(case_files.c.case_id == cid)
    if kind is not None:
        q = q.where(case_files.c.kind == kind)
    with engine.connect() as conn:
        rows = list(conn.execute(q.order_by(case_files.c.id)))
    return [CaseFile(r.id, r.kind, r.filename, r.sha256, r.data,
                     loads(r.document) if r.document else None,
                     loads(r.rows) if r.rows else None, r.user, r.created_at) for r in rows]


def transfers(engine: Engine, cid: int) -> list[StoredTransfer]:
    with engine.connect() as conn:
        rows = list(conn.execute(select(case_transfers).where(
            case_transfers.c.case_id == cid).order_by(case_transfers.c.id)))
    return [StoredTransfer(r.id, r.date, r.payer, r.payee, int(r.amount_fen), int(r.year),
                           r.reference or "", r.source) for r in rows]


def settlements(engine: Engine, cid: int) -> list[Settlement]:
    """Every stored settlement of the case, oldest first."""
    with engine.connect() as conn:
        rows = list(conn.execute(select(case_settlements).where(
            case_settlements.c.case_id == cid).order_by(case_settlements.c.id)))
    return [Settlement(r.id, int(r.year), loads(r.statement), r.user, r.created_at)
            for r in rows]
