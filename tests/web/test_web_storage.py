"""Storage against SQLite and a real PostgreSQL server: schema on first start, every
operation, transactions, and nothing saved lost when the process is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import inspect, text
from webhelpers import ROOT, bth_example, form_doc

from web import storage


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 's.sqlite3'}"
    url = request.getfixturevalue("postgres_url")
    engine = storage.make_engine(url)  # a clean schema for each test
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url):
    engine = storage.make_engine(db_url)
    storage.migrate(engine)
    yield engine
    engine.dispose()


def test_schema_created_on_first_start_and_migration_is_idempotent(engine):
    names = set(inspect(engine).get_table_names())
    assert {"scenarios", "runs", "audit_events", "alembic_version", "users",
            "api_tokens", "cases", "case_files", "case_transfers", "case_settlements"} <= names
    storage.migrate(engine)  # a second start changes nothing
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"


def test_scenario_lifecycle(engine):
    doc = form_doc(bth_example())
    sid = storage.save_scenario(engine, "  京津冀  方案 ", doc, "a" * 64)
    sc = storage.get_scenario(engine, sid)
    assert sc.name == "京津冀 方案" and sc.document == doc and sc.contract_sha256 == "a" * 64
    assert storage.rename_scenario(engine, sid, "改名")
    new = storage.duplicate_scenario(engine, sid, "副本")
    assert new != sid and storage.get_scenario(engine, new).document == doc
    assert [s.name for s in storage.list_scenarios(engine)][:2] in (["副本", "改名"],
                                                                   ["改名", "副本"])
    doc2 = dict(doc, discount_rate="0.07")
    assert storage.update_scenario(engine, sid, doc2, "b" * 64)
    assert storage.get_scenario(engine, sid).document["discount_rate"] == "0.07"
    assert storage.delete_scenario(engine, sid)
    assert storage.get_scenario(engine, sid) is None
    assert not storage.delete_scenario(engine, sid)
    assert not storage.rename_scenario(engine, 999, "x")
    assert storage.duplicate_scenario(engine, 999, "x") is None
    assert storage.count_scenarios(engine) == 1


def test_long_names_are_cut_and_html_is_stored_as_text(engine):
    sid = storage.save_scenario(engine, "<b>" + "名" * 500, {}, "c" * 64)
    name = storage.get_scenario(engine, sid).name
    assert len(name) == storage.NAME_MAX and name.startswith("<b>")


def test_runs_are_stored_once_and_replaced_by_a_newer_engine(engine):
    from sharing.api import load_file, run_contract

    res = run_contract(load_file(str(bth_example())))
    sha = res["contract_sha256"]
    storage.store_run(engine, sha, {"v": 1}, res, "0.1.0")
    storage.store_run(engine, sha, {"v": 2}, res, "0.1.0")  # same engine: kept as first
    assert storage.get_run(engine, sha).document == {"v": 1}
    storage.store_run(engine, sha, {"v": 3}, res, "9.9.9")
    run = storage.get_run(engine, sha)
    assert run.document == {"v": 3} and run.engine_version == "9.9.9"
    assert run.result == res
    assert storage.get_run(engine, "0" * 64) is None


def test_audit_events(engine):
    storage.append_audit(engine, "run", "a" * 64, "b" * 64, json.dumps({"k": "值"}))
    storage.append_audit(engine, "save", "a" * 64, None, "")
    trail = storage.audit_trail(engine)
    assert [e["action"] for e in trail] == ["save", "run"]
    assert json.loads(trail[1]["detail"]) == {"k": "值"}


def test_a_failed_transaction_leaves_nothing(engine):
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            conn.execute(storage.scenarios.insert().values(
                name="half", document="{}", contract_sha256="d" * 64,
                created_at=storage.now(), updated_at=storage.now()))
            raise RuntimeError("stopped mid-request")
    assert storage.count_scenarios(engine) == 0


def test_saved_scenarios_survive_a_killed_process(db_url):
    """A process saves, then is killed with SIGKILL mid-way through the next save."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from web import storage
        engine = storage.make_engine({db_url!r})
        storage.migrate(engine)
        sid = storage.save_scenario(engine, "kept", {{"a": 1}}, "e" * 64)
        print(sid, flush=True)
        with engine.begin() as conn:
            conn.execute(storage.scenarios.insert().values(
                name="lost", document="{{}}", contract_sha256="f" * 64,
                created_at=storage.now(), updated_at=storage.now()))
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    sid = int(proc.stdout.split()[0])
    engine = storage.make_engine(db_url)
    try:
        names = [s.name for s in storage.list_scenarios(engine)]
        assert names == ["kept"]
        assert storage.get_scenario(engine, sid).document == {"a": 1}
    finally:
        engine.dispose()


def test_the_app_on_postgresql(postgres_url, monkeypatch, tmp_path):
    """The whole app with DATABASE_URL pointing at PostgreSQL."""
    engine = storage.make_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    raw = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    monkeypatch.setenv("DATABASE_URL", raw)
    from web import create_app

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "pg"})
    assert app.config["DATABASE_URL"].startswith("postgresql+psycopg://")
    client = app.test_client()
    doc = form_doc(bth_example())
    r = client.post("/scenarios", data={"document": json.dumps(doc), "name": "在 PostgreSQL"})
    assert r.status_code == 303
    assert "在 PostgreSQL" in client.get("/scenarios").data.decode()
    assert client.get(r.headers["Location"]).status_code == 200
    app.extensions["sharing_db"].dispose()


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from web.config import from_environment

    cfg = from_environment(str(tmp_path))
    assert cfg["DATABASE_URL"] == f"sqlite:///{tmp_path / 'sharing.sqlite3'}"
    assert (tmp_path / "secret_key").exists()
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert from_environment(str(tmp_path))["SECRET_KEY"] == cfg["SECRET_KEY"]
    assert os.environ.get("DATABASE_URL") is None


def test_concurrent_runs_append_to_the_audit_log_without_failing(db_url):
    """Under load (several worker processes, several threads each) every appended row
    lands and the hash chain stays one line, on SQLite and on PostgreSQL alike."""
    import threading

    from sharing.audit import log

    engines = [storage.make_engine(db_url) for _ in range(2)]
    storage.migrate(engines[0])
    errors: list[BaseException] = []

    def work(engine, k):
        try:
            for i in range(15):
                log.append(engine, "run", "ab" * 32, "cd" * 32, {"thread": k, "row": i})
        except BaseException as e:  # reported below, never lost
            errors.append(e)

    threads = [threading.Thread(target=work, args=(engines[k % 2], k)) for k in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = log.verify(engines[0])
    with engines[0].connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
    for e in engines:
        e.dispose()
    assert not errors, errors[:3]
    assert check.ok, check.problems[:3]
    assert count == 12 * 15
