"""Every way of tampering with the audit log (issue 18, build 1), on SQLite and on a real
PostgreSQL server, each caught three ways: by ``log.verify``, by ``sharing audit-log verify``
and on the /audit page (in Chinese); after each the app refuses to append, and says so.

The tampering is done as the threat model's database user: with the database in hand but
not the app's key (docs/audit.md, "Threat model"). Each tamper puts the append-only
triggers back afterwards, so that only the dropped-trigger case reports them missing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from webhelpers import bth_example, csrf_token, form_doc, post_contract

from sharing.audit import log, logkey
from web import storage

SHARING = Path(sys.executable).with_name("sharing")
SHA = "ab" * 32


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path):
    """An app with five log rows; (app, client, engine, url)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
        e = storage.make_engine(url)
        with e.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        e.dispose()
    from web import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": url})
    engine = app.extensions["sharing_db"]
    for i in range(1, 6):
        log.append(engine, "run", SHA, f"{i:064x}", {"scenario": i}, user="local")
    assert log.verify(engine).ok
    yield app, app.test_client(), engine, url
    engine.dispose()


def _drop(conn):
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"))


def as_database_user(engine, work, keep_triggers_off: bool = False):
    with engine.begin() as conn:
        _drop(conn)
        work(conn)
        if not keep_triggers_off:
            log._create_triggers(conn)


def _set_ids(conn, pairs):
    """Renumber rows (old id -> new id) without colliding on the primary key."""
    for old, _new in pairs:
        conn.execute(text("UPDATE audit_log SET id = :t WHERE id = :o"), {"t": -old, "o": old})
    for old, new in pairs:
        conn.execute(text("UPDATE audit_log SET id = :n WHERE id = :t"), {"n": new, "t": -old})


def _rechain(conn, table, start):
    """Re-hash rows from index ``start`` on with the public hash, without the key (the MAC
    is left as it was: the attacker cannot compute it)."""
    for k in range(start, len(table)):
        if k > start:
            table[k]["prev_hash"] = table[k - 1]["row_hash"]
        table[k]["row_hash"] = log.row_hash(table[k])
    for k in range(start, len(table)):  # prev_hash and row_hash are unique: park first
        conn.execute(text("UPDATE audit_log SET prev_hash = :p, row_hash = :h WHERE id = :i"),
                     {"p": f"p{k}", "h": f"h{k}", "i": table[k]["id"]})
    for k in range(start, len(table)):
        conn.execute(text("UPDATE audit_log SET detail = :d, prev_hash = :p, row_hash = :h "
                          "WHERE id = :i"), {"d": table[k]["detail"], "p": table[k]["prev_hash"],
                                             "h": table[k]["row_hash"], "i": table[k]["id"]})


def edit(engine):
    as_database_user(engine, lambda c: c.execute(text(
        "UPDATE audit_log SET detail = :d WHERE id = 3"), {"d": '{"scenario":30}'}))


def delete(engine):
    as_database_user(engine, lambda c: c.execute(text("DELETE FROM audit_log WHERE id = 3")))


def reorder(engine):
    as_database_user(engine, lambda c: _set_ids(c, [(2, 4), (4, 2)]))


def truncate(engine):
    as_database_user(engine, lambda c: c.execute(text("DELETE FROM audit_log WHERE id = 5")))


def empty(engine):
    as_database_user(engine, lambda c: c.execute(text("DELETE FROM audit_log")))


def rechain(engine):
    """Edit row 3, then re-hash it and every later row so that the chain is consistent."""
    table = log.rows(engine)
    table[2]["detail"] = '{"scenario":30}'
    as_database_user(engine, lambda c: _rechain(c, table, 2))


def delete_and_renumber(engine):
    """Delete row 3, re-chain rows 4 and 5 onto row 2 and renumber them 3 and 4."""
    table = log.rows(engine)
    rest = [table[0], table[1], table[3], table[4]]

    def work(c):
        c.execute(text("DELETE FROM audit_log WHERE id = 3"))
        _set_ids(c, [(4, 3), (5, 4)])
        rest[2]["id"], rest[3]["id"] = 3, 4
        rest[2]["prev_hash"] = rest[1]["row_hash"]
        _rechain(c, rest, 2)

    as_database_user(engine, work)


def forged_append(engine):
    """A row with a valid hash chained on the head, signed with a key that is not the log's."""
    head = log.rows(engine)[-1]
    row = {"at": log.now(), "action": "save", "user": "local", "contract_sha256": SHA,
           "result_sha256": SHA, "detail": '{"scenario":6}', "prev_hash": head["row_hash"],
           "key_id": head["key_id"]}
    row["row_hash"] = log.row_hash(row)
    row["mac"] = logkey.Keyring({"x": b"\0" * 32}, "guess").mac(log.row_content(row), "x")
    with engine.begin() as conn:  # no trigger stops an insert: no need to drop them
        conn.execute(insert(log.audit_log).values(**row))


def drop_triggers(engine):
    as_database_user(engine, lambda c: None, keep_triggers_off=True)


# (tamper, the problems verify names as (row, kind), a phrase of the CLI's line, a phrase
# of the Chinese page)
CASES = {
    "edit": (edit, [(3, "edited")], "row 3: edited", "第 3 行被修改"),
    "delete": (delete, [(3, "deleted")], "row 3 was deleted", "第 3 行被删除"),
    "reorder": (reorder, [(2, "reordered"), (4, "reordered")], "row 4: reordered",
                "第 4 行被移动"),
    "truncate": (truncate, [(5, "truncated")], "rows after row 4 were removed",
                 "日志被截断：哈希链只有 4 行"),
    "empty": (empty, [(0, "emptied")], "log: emptied", "日志被清空"),
    "rechain": (rechain, [(3, "rechained"), (5, "rewritten")],
                "rows 3–5: hashes consistent but no valid MAC: re-hashed without the log's key",
                "第 3–5 行的哈希自洽，但没有有效的消息认证码"),
    "delete_and_renumber": (delete_and_renumber, [(3, "rechained"), (5, "truncated")],
                            "rows 3–4: hashes consistent but no valid MAC",
                            "日志被截断：哈希链只有 4 行"),
    "forged_append": (forged_append, [(6, "forged")],
                      "row 6: hash consistent but no valid MAC: appended after the witness",
                      "第 6 行的哈希自洽，但没有有效的消息认证码：它们是在没有日志密钥的情况下追加的"),
    "drop_triggers": (drop_triggers, [(0, "unprotected")], "log: unprotected",
                      "只允许追加的触发器"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_tamper_is_named_by_verify_the_cli_and_the_audit_page(site, case, tmp_path):
    app, client, engine, url = site
    tamper, expected, cli_phrase, page_phrase = CASES[case]
    tamper(engine)
    check = log.verify(engine)
    assert [(p.row, p.kind) for p in check.problems] == expected, check.format()

    proc = subprocess.run([str(SHARING), "audit-log", "verify", "--database", url],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert cli_phrase in proc.stdout and "AUDIT LOG TAMPERED WITH" in proc.stdout, proc.stdout

    page = client.get("/audit?lang=zh_CN").data.decode()
    assert 'id="audit-log-check" data-ok="false"' in page
    kinds = re.findall(r'<li data-kind="(\w+)" data-row="(\d+)">', page)
    assert [(int(r), k) for k, r in kinds] == expected
    assert page_phrase in page
    assert 'id="audit-log-refused"' in page

    # the app refuses to append on top of it, and says so
    before = len(log.rows(engine))
    r = post_contract(client, form_doc(bth_example()))
    assert r.status_code == 503
    body = r.data.decode()
    assert "审计日志未通过验证" in body and "/audit" in body
    assert len(log.rows(engine)) == before


def test_the_audit_page_verifies_a_pasted_or_uploaded_checkpoint(site):
    app, client, engine, url = site
    r = client.get("/audit/checkpoint")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    kept = logkey.Checkpoint.parse(r.data)
    assert (kept.rows, kept.head) == (5, log.verify(engine).head)
    token = csrf_token(client, "/audit")
    ok = client.post("/audit/verify?lang=en", data={"csrf_token": token,
                                                    "checkpoint_text": r.data.decode()})
    assert ok.status_code == 200
    assert "The log verifies against the checkpoint of" in ok.data.decode()
    # rows appended since the checkpoint are fine; a rewrite before it is not, even when the
    # witness was rewritten with the key (the operator): the kept checkpoint catches it
    log.append(engine, "run", SHA, SHA, "later")
    assert 'data-ok="true"' in client.post(
        "/audit/verify", data={"csrf_token": token, "checkpoint_text": r.data.decode()}
    ).data.decode()
    table = log.rows(engine)
    table[1]["detail"] = "changed"
    as_database_user(engine, lambda c: c.execute(text("DELETE FROM audit_log")))
    log._state(engine).witness.unlink()
    log._state(engine).refused = None
    for row in table:
        log.append(engine, row["action"], row["contract_sha256"], row["result_sha256"],
                   row["detail"], at=row["at"])
    assert log.verify(engine).ok  # its own witness was rebuilt
    from io import BytesIO

    bad = client.post("/audit/verify?lang=zh_CN", data={
        "csrf_token": token, "checkpoint": (BytesIO(r.data), "kept.json")},
        content_type="multipart/form-data").data.decode()
    assert 'data-ok="false"' in bad and 'data-kind="rewritten"' in bad
    assert "审计日志与" in bad and "日志被改写" in bad
    junk = client.post("/audit/verify?lang=zh_CN", data={"csrf_token": token,
                                                         "checkpoint_text": "{}"})
    assert junk.status_code == 400 and "这不是检查点" in junk.data.decode()


def test_the_page_shows_the_full_head_and_the_witness_moves_with_each_append(site, tmp_path):
    app, client, engine, url = site
    post_contract(client, form_doc(bth_example()))
    check = log.verify(engine)
    witness = json.loads(log._state(engine).witness.read_text())
    assert (witness["rows"], witness["head"]) == (6, check.head)
    page = client.get("/audit?lang=en").data.decode()
    assert f'<code id="audit-head-hash">{check.head}</code>' in page
    assert '<dd id="audit-head-rows">6</dd>' in page


def test_the_table_refuses_update_delete_and_truncate(site):
    app, client, engine, url = site
    from sqlalchemy.exc import DatabaseError

    statements = ["UPDATE audit_log SET action = 'x' WHERE id = 2",
                  "DELETE FROM audit_log WHERE id = 2"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_log")
    for stmt in statements:
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(stmt))
    assert log.verify(engine).ok


def test_the_log_page_names_actions_and_details_in_the_readers_language(client):
    """A save and a rename read as 保存 / 改名 with 名称：…, 原为：… 改为：…, not as the codes and
    JSON the database stores (issue 18 point 4: zh-CN output entirely in Chinese)."""
    doc = form_doc(bth_example())
    r = client.post("/scenarios", data={"csrf_token": csrf_token(client), "name": "甲方案",
                                        "document": json.dumps(doc, ensure_ascii=False)})
    sid = int(r.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/scenarios/{sid}/rename", data={"csrf_token": csrf_token(client),
                                                  "name": "乙方案"})
    html = client.get("/audit", headers={"Accept-Language": "zh-CN"}).data.decode()
    rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", html)
    assert len(rows) == 2
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]
    assert [c[2] for c in cells] == ["改名", "保存"]  # newest first
    assert cells[0][6] == f"方案：{sid}；原为：甲方案；改为：乙方案"
    assert cells[1][6] == f"方案：{sid}；名称：甲方案"
    html = client.get("/audit?lang=en").data.decode()
    assert ">renamed<" in html and f"scenario: {sid}; was: 甲方案; now: 乙方案" in html
