"""PDF page 1 is a one-page summary (issue 17 point 8): the contract's name, each party with
its net total over the term and its NPV, the hashes, and the last year of the clauses in
words. Read back with pdftotext (poppler-utils, installed by ./scripts/test).

The contract: 1, 2 million yuan in 2030, 2031, split 1/4 north, 3/4 south, discount 25 %.
  north: 250,000.00 + 500,000.00 = 750,000.00;
         NPV 250,000 / 1.25 + 500,000 / 1.5625 = 200,000 + 320,000 = 520,000.00
  south: 750,000.00 + 1,500,000.00 = 2,250,000.00;
         NPV 750,000 / 1.25 + 1,500,000 / 1.5625 = 600,000 + 960,000 = 1,560,000.00
  all parties: 750,000.00 + 2,250,000.00 = 3,000,000.00 (= 1,000,000 + 2,000,000)
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from sharing.api import load_file, run_contract
from sharing.report import render_pdf

CONTRACT = """name: "封面测试 / cover test"
start_year: 2030
years: 2
discount_rate: 0.25
parties:
  - {id: north, name: "北方县 / northern county", role: sending}
  - {id: south, name: "南方区 / southern district", role: receiving}
streams:
  - {id: tax, name: 园区税收 / park tax, kind: tax, series: [1000000, 2000000]}
clauses:
  - id: split
    kind: tax_split
    basis: total
    streams: [tax]
    schedule:
      - {years: "1-2", shares: {north: 0.25, south: 0.75}}
"""


def page_one(tmp_path, lang: str) -> tuple[str, dict]:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed: apt-get install -y poppler-utils "
                    "(./scripts/test does)")
    src = tmp_path / "cover.yaml"
    src.write_text(CONTRACT, encoding="utf-8")
    contract = load_file(str(src))
    result = run_contract(contract)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_pdf(contract, result, lang, report_date="2030-01-01"))
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    return re.sub(r"[ \t]+", " ", text), result


def test_page_one_in_chinese_is_the_summary_worked_by_hand(tmp_path):
    text, result = page_one(tmp_path, "zh")
    assert "封面测试" in text and "利益分享测算报告" in text
    assert "北方县 (north) 飞出地 750,000.00 520,000.00 (25%)" in text
    assert "南方区 (south) 飞入地 2,250,000.00 1,560,000.00 (25%)" in text
    assert "各方合计 3,000,000.00" in text
    assert "合同期合计 2030–2031" in text
    assert result["contract_sha256"] in text and result["result_sha256"] in text
    # no exit: the last year of the clauses is explained, not a bare dash
    assert "条款最后适用年份 —（未触发退出：条款适用至合同最后一年 2031 年）" in text
    assert "净现值：各年末现金流按该方贴现率折现至第 1 年年初" in text


def test_page_one_in_english(tmp_path):
    text, result = page_one(tmp_path, "en")
    assert "northern county (north) sending 750,000.00 520,000.00 (25%)" in text
    assert "southern district (south) receiving 2,250,000.00 1,560,000.00 (25%)" in text
    assert "all parties 3,000,000.00" in text
    assert "no exit triggered: the clauses apply to the contract's last year, 2031" in text


def test_an_exit_says_when_it_fired_and_until_when_the_clauses_apply(tmp_path):
    """examples/early-exit-npv-buyout.yaml, worked by hand in its header: the increment is
    below 3,000,000 in 2023, 2024 and 2025 (three in a row), so the trigger fires in 2025;
    two years' notice: exit year E = 2025 + 2 = 2027, the result's last_year."""
    from pathlib import Path

    from sharing.report import _Report

    path = Path(__file__).resolve().parents[2] / "examples" / "early-exit-npv-buyout.yaml"
    contract = load_file(str(path))
    result = run_contract(contract)
    assert result["last_year"] == 2027
    rep = _Report(contract, result, "zh", "2030-01-01")
    assert rep.last_year_text() == "2027（2025 年触发退出，条款适用至 2027 年；此后各来源全额移交承继方）"
