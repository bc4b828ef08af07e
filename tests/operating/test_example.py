"""examples/operating/ settles through the README's command (docs/operating.md works every
figure by hand)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "operating"
SHARING = pathlib.Path(sys.executable).with_name("sharing")
FILES = ["--register", str(EXAMPLE / "register.csv"), "--actuals",
         str(EXAMPLE / "actuals-2022.csv"), "--transfers", str(EXAMPLE / "transfers.csv")]


def _settle(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SHARING), "settle", str(EXAMPLE / "contract.yaml"), "--year",
                           "2022", *FILES, *extra], capture_output=True, text=True, check=True)


def test_the_example_statement_in_json():
    doc = json.loads(_settle("--format", "json").stdout)
    (pair,) = doc["settlement"]["pairs"]
    assert (pair["a"], pair["b"]) == ("beijing", "hebei")
    assert pair["entitlement_by_year"] == ["-18000000.00", "-18500000.00"]
    assert pair["cumulative_transfers"] == "-15000000.00"
    assert (pair["balance_due"], pair["payer"], pair["payee"], pair["amount_due"]) == \
        ("-21500000.00", "hebei", "beijing", "21500000.00")
    assert pair["plan"]["cumulative_entitlement"] == "-36000000.00"
    assert [i["enterprise"] for i in doc["ineligible"]] == ["B002"]


def test_the_example_statement_in_chinese_has_no_english_sentence():
    text = _settle().stdout
    assert "2022 年度结算单" in text
    assert "河北省（迁入地） 应向 北京市（迁出地） 支付 21500000.00 元" in text
    for english in ("entitlement", "balance", "collector", "pays", "identity", "contract"):
        assert english not in text


def test_the_example_statement_in_csv():
    lines = _settle("--format", "csv").stdout.splitlines()
    assert lines[1] == ("beijing,hebei,-18500000.00,-36500000.00,-15000000.00,-21500000.00,"
                        "hebei,beijing,21500000.00,,0.00")
