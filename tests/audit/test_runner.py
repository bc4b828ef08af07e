"""The audit runner fails correctly, in English and in Chinese (issue 7, acceptance 2).

A wrong amount, a wrong year and an unknown step each fail their scenario with what was
expected next to what the contract gives (or, for an unknown step, the phrases that exist),
and the command exits non-zero. The contract is preset bth-92hao; its figures are worked by
hand in its header (Beijing 10,500,000.00 in 2018, cap first reached in 2022).
"""

from __future__ import annotations

import pytest

from sharing.audit import vocab
from sharing.audit.runner import run_audit

from ._paths import PRESETS, sharing

CONTRACT = PRESETS / "bth-92hao.yaml"

EN = """Feature: auditor's own checks
  Scenario: right amount
    Given the contract under audit
    Then beijing receives 10,500,000.00 from sanshui_92 in 2018

  Scenario: wrong amount
    Then beijing receives 10,500,000.01 from sanshui_92 in 2018

  Scenario: wrong year for an amount
    Then beijing receives 9,000,000.00 from sanshui_92 in 2021

  Scenario: wrong year for the cap
    Then the cap of sanshui_92 is first reached in 2021

  Scenario: unknown step
    Then beijing is paid generously in 2018

  Scenario: a year outside the contract
    Then beijing receives 0.00 from sanshui_92 in 2030
"""

ZH = """# language: zh-CN
功能: 审计员自己的检查
  场景: 金额正确
    假如 待审计的合同
    那么 beijing在2018年从sanshui_92分得10,500,000.00元

  场景: 金额错误
    那么 beijing在2018年从sanshui_92分得1050万零1分

  场景: 金额写错一分
    那么 beijing在2018年从sanshui_92分得10,500,000.01元

  场景: 年份错误
    那么 beijing在2021年从sanshui_92分得9,000,000.00元

  场景: 上限年份错误
    那么 sanshui_92的上限在2021年首次达到

  场景: 未知步骤
    那么 北京分得很多
"""


@pytest.fixture(scope="module")
def en_report():
    return run_audit(CONTRACT, {"en.feature": EN})


@pytest.fixture(scope="module")
def zh_report():
    return run_audit(CONTRACT, {"zh.feature": ZH})


def _by_name(report):
    return {s.scenario: s for s in report.scenarios}


def _failed_step(sc):
    return next(st for st in sc.steps if st.status not in ("passed", "skipped"))


def test_english_right_amount_passes_and_the_report_fails(en_report):
    sc = _by_name(en_report)
    assert sc["right amount"].passed
    assert sc["right amount"].steps[1].actual == "10,500,000.00"
    assert not en_report.passed
    assert "AUDIT FAILED" in en_report.format()


def test_english_wrong_amount_shows_expected_and_actual(en_report):
    sc = _by_name(en_report)["wrong amount"]
    assert sc.status == "failed"
    st = _failed_step(sc)
    assert st.expected == "10,500,000.01"
    assert st.actual == "10,500,000.00 (difference -0.01)"
    text = en_report.format()
    assert "expected 10,500,000.01" in text and "actual   10,500,000.00" in text


def test_english_wrong_year_fails_with_the_actual_year_amount(en_report):
    sc = _by_name(en_report)
    amount = _failed_step(sc["wrong year for an amount"])
    assert sc["wrong year for an amount"].status == "failed"
    # 9,000,000.00 is Beijing's 2022 share (the cap year); in 2021 it got 17,000,000.00
    assert amount.actual.startswith("17,000,000.00")
    cap = _failed_step(sc["wrong year for the cap"])
    assert (cap.expected, cap.actual) == ("first reached in 2021", "first reached in 2022")


def test_english_unknown_step_lists_the_phrases(en_report):
    sc = _by_name(en_report)["unknown step"]
    assert sc.status == "unknown step"
    st = _failed_step(sc)
    assert "unknown step: Then beijing is paid generously in 2018" in st.message
    assert "the phrases that exist" in st.message
    for phrase in vocab.phrase_list("en"):
        assert phrase in st.message


def test_a_year_outside_the_contract_is_an_error_that_says_why(en_report):
    sc = _by_name(en_report)["a year outside the contract"]
    assert sc.status == "error"
    assert "2030 is outside the contract (2018–2025)" in sc.message


def test_chinese_failures(zh_report):
    sc = _by_name(zh_report)
    assert sc["金额正确"].passed
    assert sc["金额写错一分"].status == "failed"
    st = _failed_step(sc["金额写错一分"])
    # a zh-CN feature gets its outcomes in Chinese (issue 18)
    assert (st.expected, st.actual) == ("10,500,000.01", "10,500,000.00（差额 -0.01）")
    assert st.difference == "-0.01"
    wrong_year = _failed_step(sc["年份错误"])
    assert wrong_year.actual.startswith("17,000,000.00")
    cap = _failed_step(sc["上限年份错误"])
    assert (cap.expected, cap.actual) == ("2021年首次达到", "2022年首次达到")
    text = zh_report.format()
    for english in ("expected", "actual", "unknown step", "first reached", "difference",
                    "the phrases that exist", "contract sha256", "result sha256", "engine ",
                    "date", "feature ", "scenario", "check", "passed", "failed"):
        assert english not in text.lower().replace("audit failed", "").replace("zh.feature", ""), \
            english
    assert text.startswith("审计：") and "合同 SHA-256" in text and "特性文件" in text
    assert text.rstrip().endswith("审计未通过（AUDIT FAILED）")
    assert "预期" in text and "实际" in text and "未知步骤：" in text and "可用的写法：" in text
    assert "场景 6 个（通过 1，未通过 3，出错 0，含未知步骤 2）" in text


def test_chinese_unknown_steps_list_the_chinese_phrases(zh_report):
    sc = _by_name(zh_report)
    # "1050万零1分" is not an amount the vocabulary reads, so the step is unknown
    for name in ("未知步骤", "金额错误"):
        assert sc[name].status == "unknown step", name
        msg = _failed_step(sc[name]).message
        assert "那么 {party}在{year}年从{clause}分得{amount}" in msg
        assert "未知步骤：那么" in msg
        for phrase in vocab.phrase_list("zh"):
            assert phrase in msg
    assert zh_report.counts == {"passed": 1, "failed": 3, "unknown step": 2}


def test_the_command_exits_non_zero_on_a_failure_and_zero_when_all_pass(tmp_path):
    bad = tmp_path / "bad.feature"
    bad.write_text(EN, encoding="utf-8")
    proc = sharing("audit", str(CONTRACT), str(bad))
    assert proc.returncode == 1
    assert "FAILED" in proc.stdout and "expected 10,500,000.01" in proc.stdout
    assert "contract sha256" in proc.stdout and "result sha256" in proc.stdout
    good = tmp_path / "good.feature"
    good.write_text(EN.split("  Scenario: wrong amount")[0], encoding="utf-8")
    out = tmp_path / "report.json"
    proc = sharing("audit", str(CONTRACT), str(good), "--json", str(out))
    assert proc.returncode == 0, proc.stdout
    assert '"passed": true' in out.read_text(encoding="utf-8")


def test_a_broken_feature_is_reported_and_the_others_still_run():
    report = run_audit(CONTRACT, {
        "broken.feature": "Scenario: no Feature line\n  Then what\n",
        "ok.feature": EN.split("  Scenario: wrong amount")[0]})
    assert not report.passed
    assert [e["where"] for e in report.errors] == ["broken.feature"]
    assert [s.scenario for s in report.scenarios] == ["right amount"]
    assert report.scenarios[0].passed


def test_an_invalid_contract_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("start_year: 2020\nyears: 0\n", encoding="utf-8")
    feature = tmp_path / "f.feature"
    feature.write_text(EN, encoding="utf-8")
    proc = sharing("audit", str(bad), str(feature))
    assert proc.returncode == 2
    assert "years" in proc.stderr


@pytest.mark.parametrize("text, fen", [
    ("10,500,000.00", 1_050_000_000), ("10500000", 1_050_000_000), ("1050万元", 1_050_000_000),
    ("-0.01", -1), ("−1.50 元", -150), ("12.3 yuan", 1230), ("0.5 wan", 500_000),
])
def test_amounts_are_read_exactly(text, fen):
    assert vocab.parse_amount(text) == fen


@pytest.mark.parametrize("text", ["1.005", "abc", "0.001万元x"])
def test_amounts_that_are_not_whole_fen_are_refused(text):
    with pytest.raises(vocab.AuditError):
        vocab.parse_amount(text)


@pytest.mark.parametrize("text, num, den", [("3/5", 3, 5), ("0.6", 3, 5), ("60%", 3, 5),
                                            ("66.67%", 6667, 10000), ("1", 1, 1)])
def test_ratios_are_exact(text, num, den):
    r = vocab.parse_ratio(text)
    assert (r.numerator, r.denominator) == (num, den)


def test_every_phrase_matches_its_own_template_in_both_languages():
    samples = {"party": "beijing", "clause": "sanshui_92", "pool": "pool", "stream": "vat",
               "year": "2018", "amount": "1,000.00", "tolerance": "0.01", "ratio": "2/3",
               "rate": "5%", "kind": "share", "path": "clauses[0].cap", "name": "bth-92hao",
               "text": "「cap」"}
    for p in vocab.PHRASES:
        for lang, template in (("en", p.en), ("zh", p.zh)):
            text = template.format(**samples)
            found = vocab.match(text, lang)
            assert found is not None and found[0].key == p.key, (lang, text)
