"""Every check evaluated, and reports that say what they covered (issue 18, builds 2 and 3).

The contract is preset bth-92hao, whose figures are worked by hand in its header: Beijing
receives half of the shareable 三税: 10,500,000.00 in 2018, 14,000,000.00 in 2019,
15,500,000.00 in 2020, 17,000,000.00 in 2021, and in 2022 only 9,000,000.00, what is left
of its cap of 66,000,000 after 57,000,000 (10.5 + 14 + 15.5 + 17 million); the cap is first
reached in 2022.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

from sharing.audit.runner import run_audit
from sharing.result import contract_sha256

from ._paths import PRESETS, sharing

CONTRACT = PRESETS / "bth-92hao.yaml"

THREE_WRONG = """Feature: three wrong figures in one scenario
  Scenario: six figures, three of them wrong
    Given the contract under audit
    Then beijing receives 10,500,000.00 from sanshui_92 in 2018
    And beijing receives 14,000,000.01 from sanshui_92 in 2019
    And beijing receives 17,000,000.00 from sanshui_92 in 2021
    And beijing receives 17,000,000.00 from sanshui_92 in 2022
    And the cap of sanshui_92 is first reached in 2021
    And beijing receives 15,500,000.00 from sanshui_92 in 2020
"""

SOURCES = """Feature: contracts from several places
  Scenario: the contract under audit
    Given the contract under audit
    Then beijing receives 10,500,000.00 from sanshui_92 in 2018

  Scenario: a preset
    Given the preset bth-92hao
    Then beijing receives 10,500,000.00 from sanshui_92 in 2018

  Scenario: a preset that does not exist
    Given the preset no-such-preset
    Then beijing receives 10,500,000.00 from sanshui_92 in 2018
    And beijing receives 14,000,000.00 from sanshui_92 in 2019
"""


def test_three_wrong_figures_in_one_scenario_are_all_reported():
    report = run_audit(CONTRACT, {"three.feature": THREE_WRONG})
    (sc,) = report.scenarios
    assert sc.status == "failed"
    checks = [(st.line, st.status) for st in sc.checks]
    assert checks == [(4, "passed"), (5, "failed"), (6, "passed"), (7, "failed"), (8, "failed"),
                      (9, "passed")]
    wrong_2019, wrong_2022, wrong_cap = [st for st in sc.checks if st.status == "failed"]
    assert (wrong_2019.expected, wrong_2019.difference) == ("14,000,000.01", "-0.01")
    assert (wrong_2022.expected, wrong_2022.actual) == (
        "17,000,000.00", "9,000,000.00 (difference -8,000,000.00)")
    assert wrong_2022.difference == "-8,000,000.00"
    # the explanation of the entry that was cut: the cap of 66,000,000.00 is reached
    assert any("2022" in w and "cap" in w for w in wrong_2022.explanation), wrong_2022.explanation
    assert (wrong_cap.expected, wrong_cap.actual) == ("first reached in 2021",
                                                      "first reached in 2022")
    assert report.summary["check_counts"] == {"passed": 3, "failed": 3, "not applicable": 0,
                                              "error": 0, "unknown": 0}
    text = report.format()
    assert text.count("✗") == 3 and "(not run)" not in text
    assert "because  2022 sanshui_92" in text
    assert "1 scenario: 1 failed; 6 checks: 3 passed, 3 failed" in text


def test_each_scenario_names_the_contract_it_ran_against():
    from sharing.api import load_file, run_contract

    report = run_audit(CONTRACT, {"sources.feature": SOURCES})
    by = {s.scenario: s for s in report.scenarios}
    c = load_file(str(CONTRACT))
    want_contract = contract_sha256(c)
    want_result = run_contract(c)["result_sha256"]
    given = by["the contract under audit"].contract
    assert (given["kind"], given["contract_sha256"], given["result_sha256"]) == (
        "argument", want_contract, want_result)
    preset = by["a preset"].contract
    assert (preset["kind"], preset["name"]) == ("preset", "bth-92hao")
    assert preset["contract_sha256"] == want_contract  # the same file
    assert preset["text_sha256"] == hashlib.sha256(CONTRACT.read_bytes()).hexdigest()
    missing = by["a preset that does not exist"]
    assert missing.status == "error"
    assert [st.status for st in missing.steps] == ["error", "not applicable", "not applicable"]
    assert "no preset 'no-such-preset'" in missing.steps[0].message
    assert missing.steps[1].message.startswith("not checked: the step on line 11")
    assert report.summary["check_counts"]["not applicable"] == 2
    assert report.feature_files == [{"name": "sources.feature", "sha256": hashlib.sha256(
        SOURCES.encode()).hexdigest()}]
    import datetime

    assert datetime.datetime.fromisoformat(report.at).utcoffset() == datetime.timedelta(0)
    assert missing.contract is None  # its Given failed: it ran against nothing


def test_the_cli_text_and_json_say_what_was_covered(tmp_path):
    feature = tmp_path / "sources.feature"
    feature.write_text(SOURCES, encoding="utf-8")
    out = tmp_path / "r.json"
    proc = sharing("audit", str(CONTRACT), str(feature), "--json", str(out))
    assert proc.returncode == 1
    sha = hashlib.sha256(SOURCES.encode()).hexdigest()
    assert f"feature         sources.feature  sha256 {sha}" in proc.stdout
    assert "against preset bth-92hao: contract sha256 " in proc.stdout
    assert "against the contract under audit: contract sha256 " in proc.stdout
    assert "date            20" in proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["feature_files"][0]["sha256"] == sha
    assert [s["contract"] and s["contract"]["kind"] for s in data["scenarios"]] == [
        "argument", "preset", None]
    assert data["summary"] == {"scenarios": 3,
                               "scenario_counts": {"passed": 2, "failed": 0, "error": 1,
                                                   "unknown step": 0},
                               "checks": 4, "check_counts": {"passed": 2, "failed": 0,
                                                             "not applicable": 2, "error": 0,
                                                             "unknown": 0},
                               "feature_errors": 0}
    assert "3 scenarios: 2 passed, 1 error; 4 checks: 2 passed, 2 not applicable" in proc.stdout


def test_a_header_whose_contract_no_scenario_used_says_so(tmp_path):
    """Every scenario audits a preset: the header's hashes are of the file on the command line,
    which nothing used, and the header says so (in English and in Chinese)."""
    presets_only = SOURCES.split("  Scenario: a preset\n", 1)[1]
    feature = tmp_path / "presets.feature"
    feature.write_text("Feature: presets only\n  Scenario: a preset\n" + presets_only,
                       encoding="utf-8")
    proc = sharing("audit", str(CONTRACT), str(feature))
    assert "no scenario ran against this contract" in proc.stdout
    assert "against preset bth-92hao: contract sha256 " in proc.stdout
    zh = run_audit(CONTRACT, {"p.feature": feature.read_text(encoding="utf-8")})
    assert "没有场景针对此合同" in zh.format(lang="zh")
    both = run_audit(CONTRACT, {"s.feature": SOURCES})  # one scenario used it: no such line
    assert "no scenario ran against this contract" not in both.format(lang="en")


def test_the_runner_needs_no_pytest():
    """pytest and pytest-bdd are test dependencies only: the runner works without them."""
    code = ("import sys; sys.modules['pytest'] = None; sys.modules['pytest_bdd'] = None\n"
            "from sharing.audit.runner import run_audit\n"
            f"r = run_audit({str(CONTRACT)!r}, {{'t.feature': {THREE_WRONG!r}}})\n"
            "print(r.summary['check_counts']['failed'])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "3"
