"""The hash-chained audit log (issue 7, build 5): tampered three ways, verify names the row."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError

from sharing.audit import log

from ._paths import sharing

SHA = "ab" * 32


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'sharing.sqlite3'}"
    engine = create_engine(url)
    for i in range(1, 6):
        log.append(engine, "run" if i % 2 else "save", SHA, f"{i:064x}", {"scenario": i})
    yield url, engine
    engine.dispose()


def _drop_guards(engine):
    """What someone with the database file in hand can do: remove the append-only triggers."""
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_an_untouched_log_verifies(db):
    url, engine = db
    check = log.verify(engine)
    assert check.ok and check.rows == 5
    rows = log.rows(engine)
    assert rows[0]["prev_hash"] == log.GENESIS
    assert all(b["prev_hash"] == a["row_hash"] for a, b in zip(rows, rows[1:], strict=False))
    assert check.head == rows[-1]["row_hash"]
    proc = sharing("audit-log", "verify", "--database", url)
    assert proc.returncode == 0 and "AUDIT LOG INTACT" in proc.stdout


def test_the_table_refuses_update_and_delete(db):
    _, engine = db
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET action = 'x' WHERE id = 2"))
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    assert log.verify(engine).ok


def test_an_edited_row_is_named(db):
    url, engine = db
    _drop_guards(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET result_sha256 = :r WHERE id = 3"), {"r": SHA})
    check = log.verify(engine)
    assert [(p.row, p.kind) for p in check.problems] == [(3, "edited")]
    proc = sharing("audit-log", "verify", "--database", url)
    assert proc.returncode == 1
    assert "row 3: edited" in proc.stdout and "AUDIT LOG TAMPERED WITH" in proc.stdout


def test_an_edited_and_rehashed_row_is_named_by_the_broken_link(db):
    _, engine = db
    _drop_guards(engine)
    row = log.rows(engine)[2]
    row["detail"] = '{"scenario":99}'
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = :d, row_hash = :h WHERE id = 3"),
                     {"d": row["detail"], "h": log.row_hash(row)})
    check = log.verify(engine)
    assert [(p.row, p.kind) for p in check.problems] == [(4, "deleted")]
    assert "row 3 was changed and re-hashed" in check.problems[0].message


def test_a_deleted_row_is_named(db):
    url, engine = db
    _drop_guards(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 3"))
    check = log.verify(engine)
    assert [(p.row, p.kind) for p in check.problems] == [(3, "deleted")]
    assert "row 3 was deleted" in check.problems[0].message
    proc = sharing("audit-log", "verify", "--database", url)
    assert proc.returncode == 1 and "row 3: deleted" in proc.stdout


def test_reordered_rows_are_named(db):
    url, engine = db
    _drop_guards(engine)
    with engine.begin() as conn:  # swap rows 2 and 4 in the table's order
        conn.execute(text("UPDATE audit_log SET id = -4 WHERE id = 4"))
        conn.execute(text("UPDATE audit_log SET id = 4 WHERE id = 2"))
        conn.execute(text("UPDATE audit_log SET id = 2 WHERE id = -4"))
    check = log.verify(engine)
    assert {(p.row, p.kind) for p in check.problems} == {(2, "reordered"), (4, "reordered")}
    assert not any(p.kind == "edited" for p in check.problems)
    proc = sharing("audit-log", "verify", "--database", url)
    assert proc.returncode == 1
    assert "row 2: reordered" in proc.stdout and "row 4: reordered" in proc.stdout


def test_rows_cut_from_the_end_are_caught_against_a_noted_head(db):
    _, engine = db
    noted = log.verify(engine).head
    _drop_guards(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 5"))
    assert log.verify(engine).ok  # a shorter chain is consistent in itself
    check = log.verify(engine, expect_head=noted)
    assert [p.kind for p in check.problems] == ["head_missing"]


def test_append_joins_a_callers_transaction_and_the_chain_never_forks(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as conn:
        a = log.append(conn, "save", None, None, "first")
        b = log.append(conn, "run", SHA, SHA, {"k": "v"})
    assert b["prev_hash"] == a["row_hash"] and a["prev_hash"] == log.GENESIS
    with engine.begin() as conn:  # a second row claiming the same predecessor is refused
        row = {"at": log.now(), "action": "x", "contract_sha256": None, "result_sha256": None,
               "detail": "", "prev_hash": a["row_hash"]}
        row["row_hash"] = log.row_hash(row)
        with pytest.raises(Exception, match="UNIQUE"):
            conn.execute(log.audit_log.insert().values(**row))
    assert log.verify(engine).ok
    engine.dispose()


def test_default_database_is_the_web_apps_instance_file(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert log.default_database_url().endswith("instance/sharing.sqlite3")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.db")
    assert log.default_database_url() == "sqlite:///elsewhere.db"


def _append_concurrently(url: str, engines: int = 3, threads: int = 4, rows: int = 15) -> None:
    """What the web app under load does: several processes (one engine each) with several
    threads each append at the same time."""
    import threading

    pool = [create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}
                          if url.startswith("sqlite") else {}) for _ in range(engines)]
    errors: list[BaseException] = []

    def work(engine, k):
        try:
            for i in range(rows):
                log.append(engine, "run", SHA, SHA, {"thread": k, "row": i})
        except BaseException as e:  # reported below, never lost
            errors.append(e)

    ts = [threading.Thread(target=work, args=(pool[k % engines], k))
          for k in range(engines * threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check = log.verify(pool[0])
    count = pool[0].connect().execute(text("SELECT count(*) FROM audit_log")).scalar()
    for e in pool:
        e.dispose()
    assert not errors, errors[:3]
    assert check.ok, check.problems[:3]
    assert count == engines * threads * rows


def test_concurrent_appenders_never_fail_and_never_fork_the_chain(tmp_path):
    _append_concurrently(f"sqlite:///{tmp_path / 'busy.sqlite3'}", engines=2, threads=10, rows=20)
