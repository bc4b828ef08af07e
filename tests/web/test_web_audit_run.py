"""A feature run against a saved scenario on the web page (issue 18, builds 2 and 3): every
check evaluated, the same counts as the CLI, and the page and the log row say what was
covered. tests/web/data/audit-upload.yaml: north gets 1/4 of 1, 2 and 3 million yuan in
2030–2032 (250,000.00, 500,000.00, 750,000.00), south 3/4."""

from __future__ import annotations

import hashlib
import json
import re

from test_web_auditor import _audit_scenario, _upload
from webhelpers import DATA

from sharing.audit import log
from sharing.audit.runner import run_audit
from web import storage

FEATURE = """Feature: three wrong figures and one right
  Background:
    Given the contract under audit

  Scenario: north, year by year
    Then north receives 250,000.00 from split in 2030
    And north receives 500,000.01 from split in 2031
    And north receives 700,000.00 from split in 2032
    And north receives 1,500,000.00 from split in total

  Scenario: south
    Then south's net total is 4,500,000.00
    And south receives 1.00 from split in 2030
    And south is paid a lot
"""


def test_the_page_reports_every_check_and_the_same_counts_as_the_cli(app, client):
    sid = _audit_scenario(client)
    r = _upload(client, sid, FEATURE, lang="zh_CN")
    assert r.status_code == 200
    html = r.data.decode()
    # the same figures as run_audit (what the CLI prints), computed here independently
    report = run_audit(DATA / "audit-upload.yaml", {"checks.feature": FEATURE})
    s = report.summary
    assert s["check_counts"] == {"passed": 3, "failed": 3, "not applicable": 0, "error": 0,
                                 "unknown": 1}
    assert s["scenario_counts"] == {"passed": 0, "failed": 1, "error": 0, "unknown step": 1}
    m = re.search(r'<span id="audit-summary" ([^>]*)>([^<]*)</span>', html)
    attrs = dict(re.findall(r'data-([\w-]+)="(\d+)"', m.group(1)))
    assert attrs == {"scenarios": "2", "checks": "7", "scenarios-passed": "0",
                     "scenarios-failed": "1", "scenarios-error": "0",
                     "scenarios-unknown-step": "1", "checks-passed": "3", "checks-failed": "3",
                     "checks-not-applicable": "0", "checks-error": "0", "checks-unknown": "1"}
    assert m.group(2) == ("场景 2 个（通过 0，未通过 1，出错 0，含未知步骤 1）；检查 7 项（通过 3，"
                          "未通过 3，不适用 0，出错 0，未知步骤 1）。")
    assert "2 scenarios: 1 failed, 1 unknown step; 7 checks: 3 passed, 3 failed, 1 unknown" \
        in report.format()
    # every wrong figure is on the page, with expected and actual
    assert html.count('class="step step-failed"') == 3
    assert "500,000.01" in html and "700,000.00" in html and "750,000.00 (difference 50,000.00)" \
        in html
    # what was covered: the feature's hash, the date, each scenario's contract
    sha = hashlib.sha256(FEATURE.encode()).hexdigest()
    assert f'data-name="checks.feature">{sha}</code>' in html
    assert 'id="audit-date">20' in html
    contracts = re.findall(r'class="muted scenario-contract" data-kind="(\w+)" '
                           r'data-contract-sha256="(\w+)" data-result-sha256="(\w+)"', html)
    assert contracts == [("argument", report.contract_sha256, report.result_sha256)] * 2
    # the log row stores the feature file's hash and the counts
    with app.app_context():
        row = log.rows(storage.db())[-1]
    detail = json.loads(row["detail"])
    assert row["action"] == "audit" and detail["feature_sha256"] == sha
    assert detail["summary"] == s
    assert detail["contracts"] == [report.contract_sha256]
