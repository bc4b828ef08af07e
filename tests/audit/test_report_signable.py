"""A PDF an auditor can sign (issue 18, build 5), read back with poppler.

bth-92hao (figures in its header): VAT 3,000, 4,000, 4,400, 4,800, 5,000, 5,200, 5,400,
5,600万 with local retention 0.5, CIT 1,500, 2,000, 2,250, 2,500, 2,600, 2,700, 2,800,
2,900万 with 0.4; the cap is the pre-move 三税, 6,600万 = 66,000,000.00 yuan; the split is
basis: total. Every figure below is computed here from those inputs with exact integers.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from sharing.api import load_file, run_contract
from sharing.audit.presets import preset_path
from sharing.report import render_pdf


@pytest.fixture(autouse=True)
def _poppler():
    """A missing poppler is a failure with its install command, never a skip."""
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils is not installed: apt-get install -y poppler-utils "
                    "(./scripts/test installs it as root)")

VAT_WAN = [3000, 4000, 4400, 4800, 5000, 5200, 5400, 5600]
CIT_WAN = [1500, 2000, 2250, 2500, 2600, 2700, 2800, 2900]


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


@pytest.fixture(scope="module")
def bth(tmp_path_factory):
    contract = load_file(str(preset_path("bth-92hao")))
    result = run_contract(contract)
    pdf = render_pdf(contract, result, lang="zh", report_date="2026-12-03")
    folder = tmp_path_factory.mktemp("pdf")
    path = folder / "r.pdf"
    path.write_bytes(pdf)
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                         check=True).stdout.decode("utf-8")
    return contract, result, pdf, path, [p for p in raw.split("\f") if p.strip()]


def test_every_year_of_every_input_series_gross_and_after_retention(bth):
    _c, _r, _pdf, _path, pages = bth
    whole = "\n".join(pages)
    for wan, retention in ((VAT_WAN, (1, 2)), (CIT_WAN, (2, 5))):
        for v in wan:
            gross = v * 10_000 * 100  # fen
            shareable = gross * retention[0] // retention[1]  # exact here: whole 万
            assert _yuan(gross) in whole, _yuan(gross)
            assert _yuan(shareable) in whole, _yuan(shareable)
    assert "…" not in whole.split("输入数据")[1].split("二、各方汇总")[0]


def test_no_number_is_broken_across_lines(bth):
    *_, pages = bth
    for page in pages:
        lines = page.splitlines()
        for a, b in zip(lines, lines[1:], strict=False):
            # a line ending inside a number (digit then , or .) or a line starting with the
            # rest of one (digits right after a break that ended in a digit or separator)
            assert not re.search(r"\d[,.]$", a), (a, b)
            # (a line ending in a whole amount, "10,500,000.00", is the amount cell, and the
            # next cell's explanation may begin with an amount: not a broken number)
            assert not (re.search(r"\d$", a) and not re.search(r"\d\.\d\d$", a)
                        and re.match(r"^[\d,.]*\d\s*元", b)), (a, b)


def test_the_cap_is_stated_and_the_heading_is_true_to_the_basis(bth):
    contract, *_rest, pages = bth
    whole = "\n".join(pages)
    assert "66,000,000.00" in whole  # 6,600万: the cap, stated in the terms' parameters
    clause = contract.clauses[0]
    assert clause.kind == "tax_split" and clause.basis == "total"
    assert f"{clause.id}（总额分成）" in whole
    assert f"{clause.id}（增量收益分成）" not in whole


def test_pages_are_numbered_n_of_m_and_the_sign_off_block_is_there(bth):
    *_, pages = bth
    m = len(pages)
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {m} 页" in page, n
    last = pages[-1]
    for label in ("签核", "编制人", "复核人", "日期", "报告日期", "2026-12-03"):
        assert label in last, label


def test_page_one_carries_the_cover_and_the_terms_and_explains_no_last_year(bth):
    _c, result, _pdf, _path, pages = bth
    assert result["last_year"] is None
    first = pages[0]
    assert "—（未触发退出：条款适用至合同最后一年 2025 年）" in first
    assert "一、合同条款" in first  # the terms start on page 1: it is not left mostly empty
    assert "报告日期" in first and "2026-12-03" in first


def test_the_report_date_is_outside_the_hashes_and_rendering_is_reproducible(bth):
    contract, result, pdf, *_ = bth
    again = render_pdf(contract, run_contract(contract), lang="zh", report_date="2026-12-03")
    assert again == pdf
    other = render_pdf(contract, result, lang="zh", report_date="2027-01-05")
    assert other != pdf
    assert result["contract_sha256"].encode() in other and result["result_sha256"].encode() in other


def test_the_pages_as_pictures(bth, tmp_path):
    *_, path, pages = bth
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == len(pages)
    assert all(p.stat().st_size > 3000 for p in pngs)  # every page has something drawn


def test_english_report_states_the_same():
    contract = load_file(str(preset_path("bth-92hao")))
    pdf = render_pdf(contract, run_contract(contract), lang="en", report_date="2026-12-03")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "e.pdf"
        p.write_bytes(pdf)
        raw = subprocess.run(["pdftotext", str(p), "-"], capture_output=True,
                             check=True).stdout.decode("utf-8")
    pages = [x for x in raw.split("\f") if x.strip()]
    assert f"page 1 of {len(pages)}" in pages[0]
    assert "revenue split (basis: total)" in raw and "Prepared by" in pages[-1]
    assert "no exit triggered" in pages[0]
