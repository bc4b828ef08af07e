"""Issue 17 point 1: every problem of a contract on the first check, in the CLI and the API.

tests/data/four_mistakes.yaml makes the four mistakes of the issue together: an empty clause
id (clauses[0].id), shares 0.3 + 0.6 = 0.9 (clauses[0].schedule[0].shares), a negative tax
amount -1000 (streams[0].first) and a segment 6-12 in a 10-year contract
(clauses[0].schedule[1].years). Before, three submits were needed to learn the four.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from schemas.errors import InvalidContract
from sharing.validate import parse_contract

ROOT = Path(__file__).resolve().parent.parent
FOUR = ROOT / "tests" / "data" / "four_mistakes.yaml"
EXPECTED = {("clauses[0].id", "id_syntax"), ("clauses[0].schedule[0].shares", "shares_sum"),
            ("streams[0].first", "negative_amount"),
            ("clauses[0].schedule[1].years", "segment_range")}


def _issues(doc):
    with pytest.raises(InvalidContract) as e:
        parse_contract(doc)
    return e.value.issues


def test_the_four_mistakes_are_all_found_at_once():
    issues = _issues(yaml.safe_load(FOUR.read_text(encoding="utf-8")))
    assert {(i.path, i.code) for i in issues} == EXPECTED
    assert len(issues) == 4
    by_path = {i.path: i for i in issues}
    assert by_path["clauses[0].schedule[0].shares"].params["total"] == "0.9"
    assert by_path["streams[0].first"].params["value"] == "-1000"


def test_a_reference_to_a_refused_item_is_not_called_unknown():
    doc = yaml.safe_load(FOUR.read_text(encoding="utf-8"))
    doc["streams"][0]["growth"] = "lots"  # the stream is refused ...
    issues = _issues(doc)
    assert ("streams[0].growth", "number_syntax") in {(i.path, i.code) for i in issues}
    assert not [i for i in issues if i.code == "unknown_stream"]  # ... but it exists


def test_a_valid_clause_after_a_refused_one_is_still_checked():
    doc = yaml.safe_load(FOUR.read_text(encoding="utf-8"))
    doc["clauses"].append({"id": "gdp", "kind": "tax_split", "streams": ["nope"],
                           "schedule": [{"years": "1-10", "shares": {"anhui": 1}}]})
    paths = {(i.path, i.code) for i in _issues(doc)}
    assert ("clauses[1].streams[0]", "unknown_stream") in paths
    assert EXPECTED <= paths


def _cli(*args, lang="en"):
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "sharing", "validate", str(FOUR), *args,
                           "--lang", lang], capture_output=True, text=True, cwd=ROOT, env=env)


def test_cli_lists_all_four_with_the_count_in_english():
    out = _cli()
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 5
    for path, _code in EXPECTED:
        assert any(f": {path}: " in line for line in lines), path
    assert lines[-1] == f"{FOUR}: (contract): 4 problems"


def test_cli_count_in_chinese():
    out = _cli(lang="zh")
    lines = out.stderr.strip().splitlines()
    assert lines[-1] == f"{FOUR}: (contract): 4 个问题"
    assert "份额合计" in out.stderr or "合计" in out.stderr  # the messages are translated


def test_api_issues_hold_all_four(client):
    r = client.post("/api/validate", data=FOUR.read_bytes(),
                    content_type="application/yaml")
    assert r.status_code == 422
    body = r.get_json()
    assert body["valid"] is False
    assert {(i["path"], i["code"]) for i in body["issues"]} == EXPECTED
    assert len(body["issues"]) == 4


@pytest.fixture
def client(tmp_path):
    from web import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    return app.test_client()
