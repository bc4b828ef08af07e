"""A generated park of 1,000 enterprises × 20 years settled through the web app (issue 20,
Tests: "through CLI and web"). The register, actuals and transfer come from the benchmark's
generator (benchmarks/settle_register.py); the web statement must equal the pipeline's on the
same files, and its figures must satisfy the §6.4 identities."""

from __future__ import annotations

import importlib.util
import io
import json
import re
from decimal import Decimal

import pytest
from webhelpers import ROOT


def _generator():
    spec = importlib.util.spec_from_file_location("settle_register",
                                                  ROOT / "benchmarks" / "settle_register.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_a_thousand_enterprises_settle_through_the_web(client, tmp_path):
    from sharing.operating.pipeline import read_inputs, statement

    _generator().write_case(tmp_path, 1000)
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/cases").data.decode()).group(1)
    r = client.post("/cases", data={
        "csrf_token": token, "source": "upload", "name": "1000 enterprises",
        "file": (io.BytesIO((tmp_path / "contract.yaml").read_bytes()), "contract.yaml")},
        content_type="multipart/form-data")
    assert r.status_code == 303
    url = r.headers["Location"]
    for kind, name in (("register", "register.csv"), ("actuals", "actuals.csv"),
                       ("transfers-file", "transfers.csv")):
        r = client.post(f"{url}/{kind}", data={
            "csrf_token": token, "file": (io.BytesIO((tmp_path / name).read_bytes()), name)},
            content_type="multipart/form-data")
        assert r.status_code == 303, r.data.decode()[:2000]
    r = client.post(f"{url}/settle", data={"csrf_token": token, "year": "2022"})
    assert r.status_code == 303, r.data.decode()[:2000]
    web = json.loads(client.get(f"{url}/settlements/2022/statement.json").data)
    cli = statement(read_inputs(str(tmp_path / "contract.yaml"),
                                register=str(tmp_path / "register.csv"),
                                actuals=str(tmp_path / "actuals.csv"),
                                transfers=str(tmp_path / "transfers.csv"), through=2022), 2022)
    assert web["settlement"]["pairs"] == cli["settlement"]["pairs"]
    assert len(web["enterprises"]) == 1000
    (pair,) = web["settlement"]["pairs"]
    # the one transfer: Hebei → Beijing 1,000,000.00 for 2021 (b → a: negative)
    assert pair["cumulative_transfers"] == "-1000000.00"
    assert Decimal(pair["balance_due"]) == (Decimal(pair["cumulative_entitlement"])
                                            - Decimal(pair["cumulative_transfers"]))
    assert Decimal(pair["cumulative_entitlement"]) == sum(
        Decimal(v) for v in pair["entitlement_by_year"])
