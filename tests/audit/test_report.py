"""The PDF report of each preset renders (issue 7, build 6 and acceptance 4).

Each preset is rendered in Chinese; one in English. Where poppler-utils is installed (.ci/run
installs it), the text layer is read back with pdftotext: every page carries the contract
hash, the result hash and the engine version in its footer, and the Chinese headings come out
as text (no missing glyphs); the first page is rasterised with pdftoppm.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sharing import __version__
from sharing.api import load_file, run_contract
from sharing.audit.presets import ORDER, preset_path
from sharing.report import find_fonts, render_pdf

from ._paths import sharing

HANGZHOU = (Path(__file__).resolve().parents[1] / "conformance"
            / "01-hangzhou-quzhou-increment-baseline.yaml")

POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdftoppm") is not None


def _text(pdf: bytes, tmp_path) -> list[str]:
    src = tmp_path / "r.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True,
                         check=True).stdout.decode("utf-8")
    return [p for p in out.split("\f") if p.strip()]


@pytest.mark.parametrize("name", ORDER)
def test_each_preset_report_renders_in_chinese(name, tmp_path):
    contract = load_file(str(preset_path(name)))
    result = run_contract(contract)
    pdf = render_pdf(contract, result, lang="zh")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert result["contract_sha256"].encode() in pdf  # document properties
    assert POPPLER, "poppler-utils is missing: ./scripts/test installs it (apt-get install poppler-utils)"
    pages = _text(pdf, tmp_path)
    assert len(pages) >= 5
    for page in pages:
        assert result["contract_sha256"] in page and result["result_sha256"] in page
        assert f"benefit-sharing {__version__}" in page
    whole = "\n".join(pages)
    for heading in ("利益分享测算报告", "合同条款", "各方汇总", "逐年净现金流", "各条款明细"):
        assert heading in whole, heading
    for cl in contract.clauses:
        assert cl.id in whole
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(tmp_path / "r.pdf"),
                    str(png)], check=True)
    assert any(p.stat().st_size > 2000 for p in tmp_path.glob("page*.png"))


def test_english_report_and_the_command(tmp_path):
    out = tmp_path / "report.pdf"
    proc = sharing("report", str(preset_path("jiangsu-south-north")), "--pdf", str(out),
                   "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "contract sha256" in proc.stdout and "result sha256" in proc.stdout
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    if POPPLER:
        whole = "\n".join(_text(pdf, tmp_path))
        for heading in ("Benefit-sharing report", "The terms", "Per-party summary",
                        "Each clause's trace", "equity ratios of the year"[:12]):
            assert heading in whole, heading
        assert "Suzhou Industrial Park" in whole


def test_the_terms_in_words_come_from_the_contract():
    from sharing.audit.terms import describe

    contract = load_file(str(preset_path("bth-92hao")))
    zh = "\n".join(p for s in describe(contract, "zh") for p in s.paragraphs)
    en = "\n".join(p for s in describe(contract, "en") for p in s.paragraphs)
    assert "第1–5年（2018–2022年）：北京市（迁出地）（beijing） 50%" in zh
    assert "累计上限为迁移前三税之和" in zh
    assert "years 1–5 (2018–2022): Beijing (sending region) (beijing) 50%" in en
    assert "cumulative cap equal to the taxes paid before the move" in en


def test_a_bad_language_is_refused():
    contract = load_file(str(preset_path("bth-92hao")))
    with pytest.raises(ValueError):
        render_pdf(contract, run_contract(contract), lang="fr")


def test_a_cjk_font_is_found():
    (path, _index), _bold, _fallback = find_fonts()
    assert path


def test_the_bundled_font_prints_chinese_with_no_system_font(tmp_path, monkeypatch):
    """With every system font hidden and no SHARING_PDF_FONT, the PDF uses the font shipped in
    the package, and its Chinese comes back out of the text layer."""
    from sharing import report

    monkeypatch.delenv("SHARING_PDF_FONT", raising=False)
    monkeypatch.setattr(report, "FONT_CANDIDATES", [])
    monkeypatch.setattr(report, "_DEJAVU", str(tmp_path / "none.ttf"))
    monkeypatch.setattr(report, "_DROID", str(tmp_path / "none.ttf"))
    (path, _index), _bold, _fallback = report.find_fonts()
    assert path == report.BUNDLED_FONT
    contract = load_file(str(preset_path(ORDER[0])))
    pdf = render_pdf(contract, run_contract(contract), lang="zh")
    assert POPPLER, "poppler-utils is missing: ./scripts/test installs it"
    whole = "\n".join(_text(pdf, tmp_path))
    for heading in ("利益分享测算报告", "合同条款", "各方汇总"):
        assert heading in whole, heading
    for party in contract.parties:
        assert party.name.split("/")[0].strip()[:3] in whole


def test_the_pdf_ledger_explains_in_chinese_with_names(tmp_path):
    """The ledger section renders each entry's explanation record in Chinese, with the
    parties' names (issue 15)."""
    assert POPPLER, "poppler-utils is missing: ./scripts/test installs it"
    contract = load_file(str(HANGZHOU))
    result = run_contract(contract)  # an English document: the PDF renders from the records
    whole = "".join(_text(render_pdf(contract, result, lang="zh"), tmp_path))
    # 0.30 × (10,200,000 − 6,500,000) = 1,110,000.00, worked by hand (cells wrap in the
    # text layer, so the pieces are looked for one by one)
    assert "增量 3,700,000.00 元 = 收入 10,200,000.00 元" in whole
    assert "3,700,000.00 元 × 分成比例 30%（第 1–4" in whole
    assert "基数以内部分 6,500,000.00 元 归基数所有方" in whole
    assert "杭州市（飞出地" in whole
    assert "× share" not in whole and "the baseline owner" not in whole


def test_the_pdf_names_a_tie_as_a_tie(tmp_path):
    """100.01 yuan split 1/2 : 1/2 (worked by hand): 5,000.5 fen each, a tie on the remainder,
    the leftover fen to 甲市, listed first; the PDF ledger says so in both languages."""
    assert POPPLER, "poppler-utils is missing: ./scripts/test installs it"
    from sharing.api import load_document, parse_contract
    from tests.test_explain import TIE_CONTRACT

    contract = parse_contract(load_document(TIE_CONTRACT % ("100.01", "{a: 0.5, b: 0.5, c: 0}")))
    result = run_contract(contract)
    zh = "".join("".join(_text(render_pdf(contract, result, lang="zh"), tmp_path)).split())
    assert "余数与乙市相同，属并列" in zh and "列在前的一方，故本方得余下的1分" in zh
    en = " ".join(_text(render_pdf(contract, result, lang="en"), tmp_path)).replace("\n", " ")
    assert "a tie" in en
