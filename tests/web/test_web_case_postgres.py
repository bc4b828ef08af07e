"""A case on PostgreSQL (issue 20 point 5): the migration's tables (cases, case_files,
case_transfers, case_settlements) round-trip a case from creation to its stored statement."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import text
from webhelpers import EXAMPLES

OPERATING = EXAMPLES / "operating"


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get(url).data.decode()).group(1)


@pytest.mark.postgres
def test_a_case_round_trips_on_postgresql(postgres_url):
    from web import case_storage, create_app, storage

    engine = storage.make_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"TESTING": True, "SECRET_KEY": "pg", "DATABASE_URL": postgres_url})
    db = app.extensions["sharing_db"]
    client = app.test_client()
    r = client.post("/cases", data={"csrf_token": _token(client, "/cases"),
                                    "source": "example"})
    assert r.status_code == 303
    url = r.headers["Location"]
    cid = int(url.rsplit("/", 1)[1])
    for kind, name in (("register", "register.csv"), ("actuals", "actuals-2022.csv"),
                       ("transfers-file", "transfers.csv")):
        r = client.post(f"{url}/{kind}", data={
            "csrf_token": _token(client, url),
            "file": (io.BytesIO((OPERATING / name).read_bytes()), name)},
            content_type="multipart/form-data")
        assert r.status_code == 303
    r = client.post(f"{url}/settle", data={"csrf_token": _token(client, url), "year": "2022"})
    assert r.status_code == 303
    assert [f.kind for f in case_storage.files(db, cid)] == ["contract", "register", "actuals",
                                                             "transfers"]
    register = case_storage.files(db, cid, "register")[0]
    assert register.data == (OPERATING / "register.csv").read_bytes()  # bytes kept exactly
    (t,) = case_storage.transfers(db, cid)
    # 15,000,000.00 yuan = 1,500,000,000 fen (more than a 32-bit integer holds)
    assert (t.payer, t.payee, t.amount_fen, t.year) == ("hebei", "beijing", 1_500_000_000, 2021)
    (st,) = case_storage.settlements(db, cid)
    (pair,) = st.statement["settlement"]["pairs"]
    # docs/operating.md: −36,500,000.00 owed, −15,000,000.00 paid → −21,500,000.00
    assert (st.year, pair["balance_due"]) == (2022, "-21500000.00")
    db.dispose()
