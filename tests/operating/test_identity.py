"""The same inputs in CSV or XLSX, with Chinese or English headers, in UTF-8 (with or without a
BOM) or GB18030, read the same and give the same hashes and figures (semantics §6.0, §6.5)."""

from __future__ import annotations

import pytest

from sharing.operating.pipeline import read_inputs, statement

from .conftest import CASE01

EN = [["enterprise", "name", "from", "relocation_year", "production_year", "pre_2020",
       "pre_2021", "first_vat", "growth_vat", "note"]]
ZH = [["企业代码", "企业名称", "迁出方", "迁入年份", "达产年份", "迁移前2020年", "迁移前2021年",
       "增值税首年", "增值税增长率", "备注"]]
ROWS = [["91110000MA01ZJK001", "北京冬奥装备制造有限公司", "beijing", 2022, 2022, 1000, 1200,
         5000, 0.1, "首批签约"],
        ["91110000MA01ZJK002", "北京冰雪运动器材有限公司", "北京市（迁出地）", 2022, 2023, 900,
         1050, 1600, 0.1, ""]]
ACT_EN = [["stream", "enterprise", "year", "amount"]]
ACT_ZH = [["税种", "企业代码", "年度", "金额(元)"]]
ACT_ROWS = [["vat", "91110000MA01ZJK001", 2022, 60000000], ["增值税", "91110000MA01ZJK001", 2023,
            "64,000,000.00"], ["vat", "91110000MA01ZJK002", 2022, 2000000],
            [" vat ", "91110000MA01ZJK002", 2023, 18000000.0], ["", "", "", ""]]


def _settle(reg, act):
    inputs = read_inputs(str(CASE01 / "contract.yaml"), register=str(reg), actuals=str(act),
                         transfers=str(CASE01 / "transfers.csv"), through=2023)
    return statement(inputs, 2023)


@pytest.mark.parametrize("fmt, head, act_head, encoding, bom", [
    ("csv", EN, ACT_EN, "utf-8", False), ("csv", ZH, ACT_ZH, "utf-8", True),
    ("csv", ZH, ACT_ZH, "gb18030", False), ("xlsx", ZH, ACT_EN, None, False),
    ("xlsx", EN, ACT_ZH, None, False)])
def test_same_inputs_same_hashes_and_figures(tables, fmt, head, act_head, encoding, bom):
    kw = {} if fmt == "xlsx" else {"encoding": encoding, "bom": bom}
    reg = tables("register", head + ROWS, fmt, **kw)
    act = tables("actuals", act_head + ACT_ROWS, fmt, **kw)
    doc = _settle(reg, act)
    reference = _settle(CASE01 / "register.csv", CASE01 / "actuals.csv")
    assert doc["identity"] == reference["identity"]
    pair = doc["settlement"]["pairs"][0]
    # README case 01: balance due -7,000,000.00 (Zhangjiakou pays Beijing)
    assert (pair["balance_due"], pair["payer"], pair["amount_due"]) == \
        ("-7000000.00", "zhangjiakou", "7000000.00")


def test_a_changed_input_changes_its_hash_only(tables):
    reg = tables("register", EN + ROWS, "csv")
    act = tables("actuals", ACT_EN + [r[:] for r in ACT_ROWS[:3]] +
                 [["vat", "91110000MA01ZJK002", 2023, 18000000.01]], "csv")
    doc = _settle(reg, act)
    reference = _settle(CASE01 / "register.csv", CASE01 / "actuals.csv")
    assert doc["identity"]["actuals"] != reference["identity"]["actuals"]
    assert {k: v for k, v in doc["identity"].items() if k != "actuals"} == \
        {k: v for k, v in reference["identity"].items() if k != "actuals"}
