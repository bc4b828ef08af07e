"""The `sharing` command: formats, files, exit codes (issue 3, item 4)."""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import subprocess
import sys

import pytest

from sharing.cli import _width, render_table

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARING = pathlib.Path(sys.executable).with_name("sharing")
CONF = ROOT / "tests" / "conformance"
HANGZHOU = CONF / "01-hangzhou-quzhou-increment-baseline.yaml"


def run(*args: str) -> subprocess.CompletedProcess:
    # English unless asked otherwise, whatever the machine's locale
    return subprocess.run([str(SHARING), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})


@pytest.fixture(scope="module")
def result() -> dict:
    done = run("run", str(HANGZHOU), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_json_follows_the_shape_of_section_4(result):
    assert result["engine"]["name"] == "benefit-sharing"
    assert len(result["contract_sha256"]) == 64 and len(result["result_sha256"]) == 64
    assert result["years"] == list(range(2021, 2030))
    hz = result["parties"]["hangzhou"]
    assert set(hz) >= {"net_by_year", "net_total", "npv", "irr", "totals_by_kind"}
    assert hz["net_by_year"][0] == "1110000.00"  # 0.30 × (10,200,000 − 6,500,000), by hand
    assert hz["irr"] is None  # receipts only: the flows never change sign
    entry = result["entries"][0]
    assert set(entry) == {"year", "clause", "stream", "party", "kind", "amount", "explanation",
                          "why"}
    assert all(isinstance(e["amount"], str) and e["amount"].split(".")[1].__len__() == 2
               for e in result["entries"])
    assert set(result["indicators"]) == {"hangzhou", "quzhou", "zhejiang"}
    assert result["indicators"]["hangzhou"]["net_by_year"][1] == "1452108000.00"


def test_why_names_the_rule_and_the_numbers(result):
    share = next(e for e in result["entries"] if e["year"] == 2021 and e["party"] == "hangzhou")
    assert share["why"].startswith(
        "increment 3,700,000.00 = amount 10,200,000.00 (park_vat 7,200,000.00 + park_cit "
        "3,000,000.00) − baseline 6,500,000.00")
    assert "× share 0.30 (years 1-4)" in share["why"]


def test_npv_discounts_end_of_year_flows_to_the_start_of_year_1():
    # Worked by hand: a two-year contract paying the sending party 1,050.00 then 1,102.50 at
    # 5 %: NPV = 1,050/1.05 + 1,102.50/1.05² = 1,000 + 1,000 = 2,000.00.
    doc = {"start_year": 2025, "years": 2, "discount_rate": 0.05,
           "parties": [{"id": "a", "role": "sending"}, {"id": "b", "role": "receiving"}],
           "streams": [{"id": "fee", "kind": "fee", "series": [2100, 2205]}],
           "clauses": [{"id": "s", "kind": "tax_split", "basis": "total", "streams": ["fee"],
                        "schedule": [{"years": "1-2", "shares": {"a": 0.5, "b": 0.5}}]}]}
    from sharing.api import parse_contract, run_contract

    got = run_contract(parse_contract(doc))["parties"]["a"]
    assert got["net_by_year"] == ["1050.00", "1102.50"]
    assert got["npv"] == "2000.00"


def test_irr_of_a_contribution_repaid_with_interest():
    # −1,000,000 in year 1, then 1,100,000 in year 2: IRR = 10 % exactly.
    from sharing.finance import format_rate, irr

    assert format_rate(irr([-100_000_000, 110_000_000])) == "0.100000"
    assert irr([100, 200]) is None


def test_table_and_csv_and_output_file(tmp_path):
    table = run("run", str(HANGZHOU))
    assert table.returncode == 0
    assert "total" in table.stdout and "NPV" in table.stdout and "IRR" in table.stdout
    assert "contract sha256" in table.stdout and "result sha256" in table.stdout
    out = tmp_path / "ledger.csv"
    done = run("run", str(HANGZHOU), "--format", "csv", "--lang", "en", "--output", str(out))
    assert done.returncode == 0 and done.stdout == ""
    text = out.read_text("utf-8")
    # the header is the first row; the provenance follows the table as "#" lines
    table, _, provenance = text.partition("\n\n# ")
    assert "contract SHA-256 " in provenance and "result SHA-256 " in provenance
    rows = list(csv.reader(io.StringIO(table)))
    assert not any(r and r[0].startswith("#") for r in rows)
    assert rows[0] == ["year", "clause", "stream", "party", "kind", "amount (yuan)",
                       "explanation"]
    # the party by its name as the contract gives it; the clause has none, so its id
    assert ["2021", "increment_split", "", "杭州市（飞出地）", "share", "1110000.00"] in [
        r[:6] for r in rows]


def test_csv_in_chinese_explains_in_chinese_with_names(tmp_path):
    done = run("run", str(HANGZHOU), "--format", "csv", "--lang", "zh")
    assert done.returncode == 0
    table, _, provenance = done.stdout.partition("\n\n# ")
    assert "合同 SHA-256 " in provenance
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[0] == ["年度", "条款", "收入流", "参与方", "类型", "金额（元）", "依据"]
    share = next(r for r in rows[1:] if r[0] == "2021" and r[3] == "杭州市（飞出地）")
    # 0.30 × (10,200,000 − 6,500,000) = 1,110,000, worked by hand
    assert share[4] == "分成" and share[5] == "1110000.00"
    assert share[6] == ("增量 3,700,000.00 元 = 收入 10,200,000.00 元（park_vat 7,200,000.00 元 + "
                        "park_cit 3,000,000.00 元） − 基数 6,500,000.00 元；3,700,000.00 元 × "
                        "分成比例 30%（第 1–4 年）= 1,110,000.00 元")


def test_the_table_in_chinese():
    done = run("run", str(HANGZHOU), "--lang", "zh")
    lines = done.stdout.splitlines()
    assert lines[1] == "逐年净现金流（元）"
    assert lines[6].split()[0] == "年度" and "杭州市（飞出地）" in lines[6]
    total = next(line for line in lines if line.startswith("合计"))
    assert "total" not in done.stdout and total.split()[0] == "合计"


def test_lang_defaults_to_the_locale(tmp_path):
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "LC_ALL": ""}
    done = subprocess.run([str(SHARING), "run", str(HANGZHOU), "--format", "csv"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert "年度,条款" in done.stdout


def test_chinese_names_align_in_the_table(result):
    lines = render_table(result).splitlines()
    header = next(line for line in lines if line.startswith("year"))
    body = [line for line in lines if line[:4].isdigit()]
    assert {_width(line) for line in body} == {_width(header)}


def test_schema_prints_the_json_schema():
    done = run("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert "clauses" in schema["properties"]


def test_validate_says_valid():
    done = run("validate", str(HANGZHOU))
    assert done.returncode == 0 and "valid" in done.stdout


def test_missing_file_is_an_invalid_contract_not_a_traceback(tmp_path):
    done = run("run", str(tmp_path / "nope.yaml"))
    assert done.returncode == 2
    assert "(file): cannot read the file" in done.stderr and "Traceback" not in done.stderr


def test_internal_error_exits_1_without_a_result(monkeypatch, capsys):
    from sharing import cli, ledger

    def broken(*args, **kwargs):
        raise ledger.ConservationError("2021: test of the internal-error path")

    monkeypatch.setattr(ledger.Ledger, "check_year", broken)
    status = cli.main(["run", str(HANGZHOU), "--format", "json"])
    out = capsys.readouterr()
    assert status == 1 and out.out == ""
    assert "internal error (ConservationError)" in out.err
