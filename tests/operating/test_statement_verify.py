"""``sharing verify STATEMENT.json CONTRACT --actuals … --transfers …``: a statement is
recomputed from its inputs; the input whose §6.5 hash differs is named, or the figures are
said to differ (semantics §6.4, §6.5; issue 20 point 4). Conformance case 01: Zhangjiakou
pays Beijing 7,000,000.00 (tests/conformance/settle/README.md)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from sharing.cli import main

from .conftest import CASE01

CONTRACT = str(CASE01 / "contract.yaml")


def _inputs(actuals=None, transfers=None) -> list[str]:
    return ["--register", str(CASE01 / "register.csv"),
            "--actuals", str(actuals or CASE01 / "actuals.csv"),
            "--transfers", str(transfers or CASE01 / "transfers.csv")]


@pytest.fixture
def stored(tmp_path, capsys):
    path = tmp_path / "statement.json"
    assert main(["settle", CONTRACT, "--year", "2023", "--format", "json", "-o", str(path)]
                + _inputs()) == 0
    capsys.readouterr()
    return path


def _verify(capsys, path, *extra: str, lang: str = "en") -> tuple[int, str]:
    code = main(["verify", str(path), CONTRACT, "--lang", lang, *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_statement_verifies(stored, capsys):
    code, out = _verify(capsys, stored, *_inputs())
    assert code == 0
    assert "the statement verifies" in out


def test_a_changed_actual_amount_names_the_actuals(stored, capsys, tmp_path):
    changed = tmp_path / "actuals.csv"
    text = (CASE01 / "actuals.csv").read_text("utf-8")
    changed.write_text(text.replace("ZJK001/vat,2023,6400", "ZJK001/vat,2023,6500"), "utf-8")
    assert changed.read_text("utf-8") != text
    code, out = _verify(capsys, stored, *_inputs(actuals=changed))
    assert code == 1
    assert "actual figures differs from the one the statement was computed from" in out
    assert "transfers differs" not in out and "contract differs" not in out


def test_a_changed_transfer_names_the_transfers(stored, capsys, tmp_path):
    changed = tmp_path / "transfers.csv"
    text = (CASE01 / "transfers.csv").read_text("utf-8")
    changed.write_text(text.replace("15000000.00", "14000000.00"), "utf-8")
    code, out = _verify(capsys, stored, *_inputs(transfers=changed))
    assert code == 1
    assert "transfers differs from the one the statement was computed from" in out
    assert "actual figures differs" not in out
    # transfers −14,000,000.00 now: balance −22,000,000 + 14,000,000 = −8,000,000.00
    assert "balance due: -7000000.00 on the statement, -8000000.00 recomputed" in out


def test_a_missing_input_is_named(stored, capsys):
    code, out = _verify(capsys, stored, "--register", str(CASE01 / "register.csv"),
                        "--actuals", str(CASE01 / "actuals.csv"))
    assert code == 1
    assert "transfers: the statement was computed with it, but none was given" in out


def test_a_tampered_figure_says_the_figures_differ(stored, capsys):
    doc = json.loads(stored.read_text("utf-8"))
    doc["settlement"]["pairs"][0]["amount_due"] = "6000000.00"
    stored.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    code, out = _verify(capsys, stored, *_inputs())
    assert code == 1
    assert "every input's SHA-256 agrees, but the figures differ" in out
    assert "amount due (yuan): 6000000.00 on the statement, 7000000.00 recomputed" in out


def test_zh_output_has_no_english_sentence(stored, capsys, tmp_path):
    doc = json.loads(stored.read_text("utf-8"))
    doc["settlement"]["pairs"][0]["amount_due"] = "6000000.00"
    stored.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    code, out = _verify(capsys, stored, *_inputs(), lang="zh")
    assert code == 1
    assert "各输入文件哈希值一致，但金额不同" in out
    assert "北京市（迁出地） → 河北省张家口市（迁入地） · 应付金额（元）" in out
    assert not re.search(r"[A-Za-z]{2,}", out), out
    changed = tmp_path / "transfers.csv"
    changed.write_text((CASE01 / "transfers.csv").read_text("utf-8").replace(
        "15000000.00", "14000000.00"), "utf-8")
    code, out = _verify(capsys, stored, *_inputs(transfers=changed), lang="zh")
    assert code == 1 and "划转记录与结算单计算时所用的不同" in out
    assert not re.search(r"[A-Za-z]{2,}", re.sub(r"\b[0-9a-f]{64}\b", "", out)), out


def test_an_unreadable_input_exits_2(stored, capsys, tmp_path):
    code, out = _verify(capsys, stored, "--register", str(CASE01 / "register.csv"),
                        "--actuals", str(tmp_path / "missing.csv"))
    assert code == 2
    assert "missing.csv" in out


def test_a_changed_previous_statement_is_named(capsys, tmp_path):
    from .conftest import CASE02

    args = ["--actuals", str(CASE02 / "actuals.csv"), "--transfers",
            str(CASE02 / "transfers.csv")]
    path = tmp_path / "statement-2023.json"
    assert main(["settle", str(CASE02 / "contract.yaml"), "--year", "2023", "--format", "json",
                 "-o", str(path), "--previous", str(CASE02 / "previous.json"), *args]) == 0
    capsys.readouterr()
    prev = json.loads((CASE02 / "previous.json").read_text("utf-8"))
    # the 2022 statement with 2022's share 3,700,000.00 instead of 3,600,000.00: cumulative
    # −6,700,000.00; with the balance kept consistent (§6.4a) the file is usable
    pair = prev["settlement"]["pairs"]["guangzhou->qingyuan"]
    pair["cumulative_entitlement"] = "-6700000.00"
    pair["balance_due"] = str(Decimal(pair["balance_due"]) - 100000)
    edited = tmp_path / "previous.json"
    edited.write_text(json.dumps(prev, ensure_ascii=False), "utf-8")
    code = main(["verify", str(path), str(CASE02 / "contract.yaml"), "--lang", "en",
                 "--previous", str(edited), *args])
    out = capsys.readouterr().out
    assert code == 1
    assert "previous statement differs from the one the statement was computed from" in out
    # adjustment now (−3,000,000 − 2,400,000) − (−6,700,000) = +1,300,000.00
    assert "adjustment against the previous statement: 1200000.00 on the statement, " \
           "1300000.00 recomputed" in out
