"""The steps issue 18 adds (build 4), in English and Chinese; unquoted Chinese names; the
quoting hint; Chinese labels in zh-CN output. Figures are worked by hand in the features."""

from __future__ import annotations

import re
from fractions import Fraction

from sharing.audit.runner import run_audit

from ._paths import FEATURES, PRESETS

CONTRACT = PRESETS / "bth-92hao.yaml"


def _run(name: str):
    path = FEATURES / name
    return run_audit(CONTRACT, {name: path.read_text(encoding="utf-8")})


def test_the_new_steps_pass_in_english():
    report = _run("more_steps.feature")
    assert report.passed, report.format()
    assert report.summary["checks"] == 22


def test_the_new_steps_pass_in_chinese_with_unquoted_names():
    report = _run("more_steps_zh.feature")
    assert report.passed, report.format()
    assert report.summary["checks"] == 13


def test_a_wrong_figure_in_a_new_step_fails_with_both_values():
    report = run_audit(PRESETS / "jiangsu-south-north.yaml", {"x.feature": """Feature: x
  Scenario: wrong
    Then the shareable amount of park_vat in 2025 is 20,000,000.00
    And the loss of devco still to make good at the end of 2026 is 15,000,000.00
    And suzhou's IRR is 18.90%
"""})
    checks = report.scenarios[0].checks
    assert [c.status for c in checks] == ["failed", "failed", "failed"]
    assert checks[0].actual == "10,000,000.00 (difference -10,000,000.00)"
    assert "local retention 0.50" in " ".join(checks[0].explanation)
    assert checks[1].actual == "20,000,000.00 (difference 5,000,000.00)"
    assert checks[2].expected == "18.90% (± 0.005%)"


def test_the_irr_is_where_the_npv_changes_sign():
    """An independent check of 18.92 %: suzhou's flows (jiangsu-south-north) discounted
    exactly at 18.915 % and 18.925 % have NPVs of opposite signs."""
    flows = [Fraction(v) for v in ("-294000000.00", "44400000.00", "70800000.00", "-20200000.00",
                                   "93666666.67", "97333333.33", "101000000.00",
                                   "114666666.67", "127000000.00", "139333333.33")]

    def npv(r):
        return sum(f / (1 + r) ** (t + 1) for t, f in enumerate(flows))

    assert npv(Fraction(18915, 100000)) > 0 > npv(Fraction(18925, 100000))


def test_an_ambiguous_name_asks_for_the_id_or_quotes():
    report = run_audit(CONTRACT, {"x.feature": """# language: zh-CN
功能: x
  场景: 含糊
    假如 合同如下：
      \"\"\"yaml
      start_year: 2020
      years: 1
      parties: [{id: a, name: "北京市东城区 / Dongcheng", role: sending}, {id: b, name: "北京市西城区 / Xicheng", role: receiving}]
      streams: [{id: t, kind: tax, series: [100]}]
      clauses:
        - {id: s, kind: tax_split, basis: total, streams: [t], schedule: [{years: "1-1", shares: {a: 0.5, b: 0.5}}]}
      \"\"\"
    那么 北京市在2020年的净现金流为50.00元
    而且 北京市东城区在2020年的净现金流为50.00元
"""})
    steps = report.scenarios[0].steps
    assert steps[1].status == "error"
    assert "'北京市' could be any of the parties a, b" in steps[1].message
    assert "quotes" in steps[1].message
    assert steps[2].status == "passed"


def test_an_unknown_chinese_step_gets_a_quoting_hint_not_itself_as_the_closest():
    report = run_audit(CONTRACT, {"x.feature": """# language: zh-CN
功能: x
  场景: 未知
    那么 北京市 2019 年的现金流大约是很多
"""})
    st = report.scenarios[0].steps[0]
    assert st.status == "unknown"
    assert "closest phrase: 北京市 2019 年的现金流大约是很多" not in st.message
    assert "「北京市」" in st.message


def test_every_gherkin_example_in_the_steps_guide_passes():
    import re

    from ._paths import ROOT

    text = (ROOT / "docs" / "audit-steps.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```gherkin\n(.*?)```", text, re.S)
    assert len(blocks) >= 4
    for i, block in enumerate(blocks):
        if not block.lstrip().startswith(("Feature", "# language", "功能")):
            block = "Feature: an excerpt\n" + block
        report = run_audit(CONTRACT, {f"doc-{i}.feature": block})
        assert report.passed, report.format()


def test_conservation_fails_when_a_part_is_off_by_one_fen():
    """The conservation step can fail: a result with one share entry raised by 0.01 no longer
    adds up to its streams in that year (§1), and the step says parts ≠ streams."""
    import copy
    from decimal import Decimal

    from sharing.api import load_file
    from sharing.audit.vocab import Subject, conservation

    s = Subject(load_file(str(PRESETS / "jiangsu-south-north.yaml")))
    assert conservation(s, "2026").ok  # untouched: every fen handed out once
    tampered = copy.deepcopy(s.result)
    e = next(e for e in tampered["entries"] if e["kind"] == "share" and e["year"] == 2026)
    e["amount"] = f"{Decimal(e['amount']) + Decimal('0.01'):.2f}"
    bad = Subject(s.contract)
    bad._result = tampered
    out = conservation(bad, "2026")
    assert not out.ok

    def first_amount(text: str) -> Decimal:
        return Decimal(re.search(r"-?[\d,]+\.\d\d", text).group(0).replace(",", ""))

    # parts − streams = the one fen added
    assert first_amount(out.actual) - first_amount(out.expected) == Decimal("0.01")
