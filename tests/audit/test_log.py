"""The keyed, hash-chained audit log (issue 18, build 1) on SQLite, without the web app: the
key and the witness, migration of a log made before the key, key rotation, the CLI. Every
tamper kind on SQLite and PostgreSQL, through the CLI and the /audit page:
tests/web/test_web_audit_log.py."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import create_engine, insert, text
from sqlalchemy.exc import DatabaseError

from sharing.audit import log, logkey

from ._paths import sharing

SHA = "ab" * 32


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("SHARING_AUDIT_KEY", raising=False)
    monkeypatch.delenv("SHARING_AUDIT_DIR", raising=False)
    url = f"sqlite:///{tmp_path / 'sharing.sqlite3'}"
    engine = create_engine(url)
    log.open_log(engine)
    for i in range(1, 6):
        log.append(engine, "run" if i % 2 else "save", SHA, f"{i:064x}", {"scenario": i})
    yield url, engine
    engine.dispose()


def as_database_user(engine, *statements, params=None):
    """What someone with the database (not the app's key) can do: drop the append-only
    triggers, change the table, and put the triggers back to cover the tracks."""
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        for s in statements:
            conn.execute(text(s), params or {})
        log._create_triggers(conn)


def test_an_untouched_log_verifies_and_every_row_is_authenticated(db, tmp_path):
    url, engine = db
    check = log.verify(engine)
    assert check.ok and check.rows == 5, check.format()
    rows = log.rows(engine)
    assert rows[0]["prev_hash"] == log.GENESIS
    assert all(b["prev_hash"] == a["row_hash"] for a, b in zip(rows, rows[1:], strict=False))
    assert check.head == rows[-1]["row_hash"]
    assert {r["user"] for r in rows} == {"local"}
    # the key is in the folder beside the database, mode 0600, and is not in the database
    keyfile = tmp_path / "audit_key"
    assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
    key = bytes.fromhex(keyfile.read_text().strip())
    import hashlib
    import hmac

    for r in rows:
        assert r["mac"] == hmac.new(key, log.row_content(r).encode(), hashlib.sha256).hexdigest()
        assert key.hex() not in json.dumps(r)
    # the witness beside it names the head, with the count
    witness = json.loads((tmp_path / "sharing.sqlite3.audit-witness.json").read_text())
    assert (witness["rows"], witness["head"], witness["last_id"]) == (5, check.head, 5)
    proc = sharing("audit-log", "verify", "--database", url)
    assert proc.returncode == 0 and "AUDIT LOG INTACT" in proc.stdout, proc.stdout


def test_the_user_is_part_of_the_authenticated_content(db):
    _, engine = db
    row = log.append(engine, "save", SHA, SHA, "x", user="王会计")
    assert log.rows(engine)[-1]["user"] == "王会计"
    as_database_user(engine, "UPDATE audit_log SET \"user\" = 'local' WHERE id = :i",
                     params={"i": row["id"]})
    assert [(p.row, p.kind) for p in log.verify(engine).problems] == [(6, "edited")]


def test_the_table_refuses_update_and_delete(db):
    _, engine = db
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET action = 'x' WHERE id = 2"))
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    assert log.verify(engine).ok


def _rehash_from_row_3(engine) -> None:
    """Change row 3, recompute its public hash and every later row's link and hash (and, not
    having the key, sign them with a key of its own)."""
    table = log.rows(engine)
    own_key = logkey.Keyring({"f" * 16: b"\x01" * 32}, "attacker")
    table[2]["detail"] = '{"scenario":99}'
    stmts, params = [], {}
    for k in range(2, 5):
        if k > 2:
            table[k]["prev_hash"] = table[k - 1]["row_hash"]
        table[k]["row_hash"] = log.row_hash(table[k])
        mac = own_key.mac(log.row_content(table[k]), "f" * 16)
        stmts.append(f"UPDATE audit_log SET detail = :d{k}, prev_hash = :p{k}, row_hash = :h{k}, "
                     f"mac = :m{k} WHERE id = {k + 1}")
        params.update({f"d{k}": table[k]["detail"], f"p{k}": "tmp" + str(k),
                       f"h{k}": table[k]["row_hash"], f"m{k}": mac})
    # prev_hash is unique: set placeholders first, then the real links
    stmts += [f"UPDATE audit_log SET prev_hash = :q{k} WHERE id = {k + 1}" for k in range(2, 5)]
    params.update({f"q{k}": table[k]["prev_hash"] for k in range(2, 5)})
    as_database_user(engine, *stmts, params=params)


def test_an_attacker_who_rehashes_the_chain_without_the_key_is_caught(db):
    """The attack the unkeyed log missed."""
    _, engine = db
    _rehash_from_row_3(engine)
    check = log.verify(engine)
    kinds = [(p.row, p.kind) for p in check.problems]
    assert kinds == [(3, "rechained"), (5, "rewritten")], check.format()
    assert "rows 3–5" in check.problems[0].message
    with pytest.raises(log.LogRefused):
        log.append(engine, "run", SHA, SHA, "on top of a rewritten log")
    assert len(log.rows(engine)) == 5


def test_an_expected_head_lost_to_a_rewrite_is_not_called_a_deletion(db):
    """--expect-head on a re-hashed log: the old head is gone because rows 3-5 were rewritten,
    not because rows were deleted from the end; the message says so, in both languages."""
    _, engine = db
    old_head = log.rows(engine)[-1]["row_hash"]
    _rehash_from_row_3(engine)
    check = log.verify(engine, expect_head=old_head)
    kinds = [p.kind for p in check.problems]
    assert "rechained" in kinds and "head_changed" in kinds and "head_missing" not in kinds
    text = check.format()
    assert "deleted from its end" not in text and "rewritten or removed" in text
    assert "上文所列各行被改写或删除" in check.format("zh")


def test_a_lost_head_on_an_otherwise_sound_log_is_a_deletion_from_the_end(db):
    """The same option on a log with nothing else wrong: the noted head is simply not there
    (here a head from another log), which reads as rows deleted from the end."""
    _, engine = db
    check = log.verify(engine, expect_head="0" * 64)
    assert [p.kind for p in check.problems] == ["head_missing"]
    assert "deleted from its end" in check.format()


def test_a_log_made_before_the_key_is_migrated(tmp_path, monkeypatch):
    """A log of the old, unkeyed kind (hash chain only, no user/key_id/mac columns)."""
    monkeypatch.delenv("SHARING_AUDIT_KEY", raising=False)
    import hashlib

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                          "at VARCHAR(40) NOT NULL, action VARCHAR(64) NOT NULL, "
                          "contract_sha256 VARCHAR(64), result_sha256 VARCHAR(64), "
                          "detail TEXT NOT NULL, prev_hash VARCHAR(64) NOT NULL UNIQUE, "
                          "row_hash VARCHAR(64) NOT NULL UNIQUE)"))
        prev = "0" * 64
        for i in range(3):
            body = {"at": f"2025-01-0{i + 1}T00:00:00+00:00", "action": "run",
                    "contract_sha256": SHA, "result_sha256": SHA, "detail": str(i),
                    "prev_hash": prev}
            h = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"))
                               .encode()).hexdigest()
            conn.execute(text("INSERT INTO audit_log (at, action, contract_sha256, "
                              "result_sha256, detail, prev_hash, row_hash) VALUES (:at, "
                              ":action, :contract_sha256, :result_sha256, :detail, "
                              ":prev_hash, :h)"), {**body, "h": h})
            prev = h
        log._create_triggers(conn)  # the old table had its append-only triggers too
    legacy_head = prev
    check = log.open_log(engine)  # what the app does on its first start with the key
    assert check.ok, check.format()
    table = log.rows(engine)
    assert [r["action"] for r in table] == ["run"] * 3 + ["key_adopted"]
    assert json.loads(table[3]["detail"]) == {"legacy_rows": 3, "legacy_head": legacy_head}
    assert table[3]["prev_hash"] == legacy_head and table[3]["mac"]
    assert check.legacy_rows == 3 and "3 rows written before the key" in check.format()
    log.append(engine, "run", SHA, SHA, "after")
    assert log.verify(engine).ok
    # a legacy row changed after the migration breaks the keyed row's link to it
    as_database_user(engine, "UPDATE audit_log SET detail = 'x' WHERE id = 2")
    assert [(p.row, p.kind) for p in log.verify(engine).problems] == [(2, "edited")]
    engine.dispose()


def test_key_rotation_keeps_old_rows_verifiable(db, tmp_path):
    url, engine = db
    old_id = log._state(engine).keyring.current
    proc = sharing("audit-log", "rotate-key", "--database", url)
    assert proc.returncode == 0, proc.stderr
    assert "key_rotated" in proc.stdout
    keyfile = tmp_path / "audit_key"
    assert len(keyfile.read_text().split()) == 2
    assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
    engine2 = create_engine(url)  # a fresh process's view: both keys from the file
    row = log.append(engine2, "run", SHA, SHA, "signed with the new key")
    rows = log.rows(engine2)
    assert rows[5]["action"] == "key_rotated"
    assert json.loads(rows[5]["detail"])["old_key"] == old_id
    assert row["key_id"] == json.loads(rows[5]["detail"])["new_key"] != old_id
    assert rows[0]["key_id"] == old_id
    assert log.verify(engine2).ok
    proc = sharing("audit-log", "verify", "--database", url)
    assert proc.returncode == 0, proc.stdout
    engine2.dispose()


def test_the_key_may_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARING_AUDIT_KEY", "11" * 32)
    engine = create_engine(f"sqlite:///{tmp_path / 'e.sqlite3'}")
    log.open_log(engine)
    row = log.append(engine, "run", SHA, SHA, "")
    assert row["key_id"] == logkey.key_id(b"\x11" * 32)
    assert not (tmp_path / "audit_key").exists()
    assert log.verify(engine).ok
    monkeypatch.setenv("SHARING_AUDIT_KEY", "22" * 32)  # the wrong key
    log.attach(engine)
    kinds = {p.kind for p in log.verify(engine).problems}
    assert kinds == {"rechained", "checkpoint_invalid"}
    engine.dispose()


def test_a_checkpoint_kept_by_the_auditor_catches_a_rewrite_by_the_operator(db, tmp_path):
    """The operator holds the key and can re-sign everything, witness included; the
    checkpoint the auditor took earlier is outside their reach."""
    url, engine = db
    kept = tmp_path / "kept.json"
    proc = sharing("audit-log", "checkpoint", "--database", url, "--out", str(kept))
    assert proc.returncode == 0, proc.stderr
    assert logkey.Checkpoint.parse(kept.read_text()).rows == 5
    # the operator rebuilds the whole log with the key, row 2 changed, and a fresh witness
    table = log.rows(engine)
    table[1]["detail"] = '{"scenario":20}'
    as_database_user(engine, "DELETE FROM audit_log")
    (tmp_path / "sharing.sqlite3.audit-witness.json").unlink()
    log.attach(engine)
    for r in table:
        log.append(engine, r["action"], r["contract_sha256"], r["result_sha256"], r["detail"],
                   at=r["at"])
    assert log.verify(engine).ok  # consistent with its own (new) witness
    proc = sharing("audit-log", "verify", "--database", url, "--checkpoint", str(kept))
    assert proc.returncode == 1
    assert "rewritten" in proc.stdout, proc.stdout


def test_rewitness_after_a_lost_witness(db, tmp_path):
    url, engine = db
    (tmp_path / "sharing.sqlite3.audit-witness.json").unlink()
    log.attach(engine)
    with pytest.raises(log.LogRefused, match="witness"):
        log.append(engine, "run", SHA, SHA, "")
    proc = sharing("audit-log", "rewitness", "--database", url, "--reason", "restored backup")
    assert proc.returncode == 0, proc.stderr
    log.attach(engine)
    log.append(engine, "run", SHA, SHA, "")
    check = log.verify(engine)
    assert check.ok and check.rows == 7
    assert json.loads(log.rows(engine)[5]["detail"])["reason"] == "restored backup"


def test_verify_without_the_key_says_so(db, tmp_path):
    url, _ = db
    (tmp_path / "audit_key").rename(tmp_path / "elsewhere")
    proc = sharing("audit-log", "verify", "--database", url)
    assert proc.returncode == 1 and "no_key" in proc.stdout
    assert not (tmp_path / "audit_key").exists()  # verify never invents a key


def test_append_joins_a_callers_transaction_and_the_chain_never_forks(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    log.open_log(engine)
    with engine.begin() as conn:
        a = log.append(conn, "save", None, None, "first")
        b = log.append(conn, "run", SHA, SHA, {"k": "v"})
    log.advance_witness(engine)
    assert b["prev_hash"] == a["row_hash"] and a["prev_hash"] == log.GENESIS
    with engine.begin() as conn:  # a second row claiming the same predecessor is refused
        row = {"at": log.now(), "action": "x", "contract_sha256": None, "result_sha256": None,
               "detail": "", "prev_hash": a["row_hash"]}
        row["row_hash"] = log.row_hash(row)
        with pytest.raises(Exception, match="UNIQUE"):
            conn.execute(insert(log.audit_log).values(**row))
    check = log.verify(engine)
    assert check.ok and check.against.rows == 2, check.format()
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
    log.open_log(pool[0])
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
    assert check.against.rows == count


def test_concurrent_appenders_never_fail_and_never_fork_the_chain(tmp_path):
    _append_concurrently(f"sqlite:///{tmp_path / 'busy.sqlite3'}", engines=2, threads=10, rows=20)



def test_workers_making_the_key_at_the_same_first_start_share_one_key(tmp_path, monkeypatch):
    """16 threads start at once on a folder with no key: each sees the whole key, the same one,
    and exactly one of them made it (a reader never sees a half-written file)."""
    import threading

    from sharing.audit.logkey import load_keyring

    monkeypatch.delenv("SHARING_AUDIT_KEY", raising=False)
    for attempt in range(5):
        folder = tmp_path / f"instance{attempt}"
        got, errors = [], []
        start = threading.Barrier(16)

        def work(folder=folder, got=got, errors=errors, start=start):
            start.wait()
            try:
                ring = load_keyring(folder)
                got.append((ring.current, ring.created))
            except BaseException as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[:3]
        assert len({kid for kid, _ in got}) == 1
        assert sum(created for _, created in got) == 1
        assert not list(folder.glob(".*.tmp"))
