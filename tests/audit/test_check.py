"""Static check (issue 7, build 3): each warning kind has a feature scenario, and passes."""

from __future__ import annotations

import json

from sharing.api import load_document, parse_contract
from sharing.audit.check import WARNING_KINDS, check_contract
from sharing.audit.runner import run_audit

from ._paths import FEATURES, PRESETS, sharing

GAP = """
start_year: 2020
years: 6
parties: [{id: a, role: sending}, {id: b, role: receiving}]
streams: [{id: t, kind: tax, series: [100, 100, 100, 100, 100, 100]}]
clauses:
  - id: split
    kind: tax_split
    basis: total
    streams: [t]
    schedule:
      - {years: "1-2", shares: {a: 0.5, b: 0.5}}
      - {years: "5-6", shares: {a: 0.5, b: 0.5}}
"""


def _features() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(FEATURES.glob("check_*.feature"))}


def test_every_warning_kind_has_a_scenario_and_every_scenario_passes():
    texts = _features()
    joined = "\n".join(texts.values())
    for kind in WARNING_KINDS:
        assert f"warns {kind} at" in joined, kind
    report = run_audit(PRESETS / "bth-92hao.yaml", texts)
    assert report.passed, report.format()
    assert len(report.scenarios) >= len(WARNING_KINDS)


def test_check_contract_gives_kind_path_and_messages_in_both_languages():
    warnings = check_contract(parse_contract(load_document(GAP, "gap.yaml")))
    assert [(w.kind, w.path) for w in warnings] == [("schedule_gap", "clauses[0].schedule")]
    w = warnings[0]
    assert "years 3–4 (2022–2023)" in w.message
    assert "第3–4年（2022–2023）" in w.text("zh")
    assert w.as_dict()["kind"] == "schedule_gap"
    assert w.field("zh") == "条款 1 · 分段" and w.field("en") == "clause 1 · schedule"
    assert w.as_dict("zh")["message"] == w.text("zh")


def test_presets_are_clean_except_the_documented_floor_guarantee():
    from sharing.api import load_file
    from sharing.audit.presets import list_presets

    found = {p.name: [(w.kind, w.path) for w in check_contract(load_file(str(p.path)))]
             for p in list_presets()}
    assert found.pop("zhejiang-xiaobo-floor") == [("guarantee_unfundable",
                                                    "clauses[1].guarantees[0]")]
    assert all(v == [] for v in found.values()), found


def test_a_party_with_nothing_and_a_baseline_above_every_amount_are_warned_with_paths():
    doc = {"start_year": 2020, "years": 3,
           "parties": [{"id": "a", "role": "sending"}, {"id": "b", "role": "receiving"}],
           "streams": [{"id": "t", "kind": "tax", "series": [100, 120, 150]}],
           "clauses": [{"id": "split", "kind": "tax_split", "streams": ["t"],
                        "baseline": {"amount": 150},
                        "schedule": [{"years": "1-3", "shares": {"a": 0.5, "b": 0.5}}]}]}
    found = check_contract(parse_contract(doc))
    assert [(w.kind, w.path) for w in found] == [("baseline_above_amount", "clauses[0].baseline"),
                                                  ("party_receives_nothing", "parties[0]")]
    assert "every year it claims (2020–2022)" in found[0].message
    assert "a receives nothing in any year (2020–2022)" in found[1].message
    assert "在任何一年（2020–2022）都没有任何所得" in found[1].text("zh")
    doc["clauses"][0]["baseline"] = {"amount": 149}  # 150 > 149 in 2022: 1 yuan is split
    assert check_contract(parse_contract(doc)) == []


def test_sharing_check_warns_of_the_party_with_nothing_and_the_baseline_from_the_cli(tmp_path):
    """The same contract through `sharing check`: both warnings, each with its field path in
    English (and as names in Chinese, no path)."""
    import yaml

    doc = {"start_year": 2020, "years": 3,
           "parties": [{"id": "a", "role": "sending"}, {"id": "b", "role": "receiving"}],
           "streams": [{"id": "t", "kind": "tax", "series": [100, 120, 150]}],
           "clauses": [{"id": "split", "kind": "tax_split", "streams": ["t"],
                        "baseline": {"amount": 150},
                        "schedule": [{"years": "1-3", "shares": {"a": 0.5, "b": 0.5}}]}]}
    f = tmp_path / "nothing.yaml"
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    proc = sharing("check", str(f), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "warning clauses[0].baseline [baseline_above_amount]" in proc.stdout
    assert "warning parties[0] [party_receives_nothing]" in proc.stdout
    zh = sharing("check", str(f), "--lang", "zh")
    assert "在任何一年（2020–2022）都没有任何所得" in zh.stdout
    assert "parties[0]" not in zh.stdout and "clauses[0]" not in zh.stdout


def test_sharing_check_prints_hashes_and_warnings_with_paths(tmp_path):
    f = tmp_path / "gap.yaml"
    f.write_text(GAP, encoding="utf-8")
    proc = sharing("check", str(f))
    assert proc.returncode == 0, proc.stderr
    assert "contract sha256" in proc.stdout and "result sha256" in proc.stdout
    assert "engine          benefit-sharing" in proc.stdout
    assert "warning clauses[0].schedule [schedule_gap] (clause 1 · schedule)" in proc.stdout
    zh = sharing("check", str(f), "--lang", "zh")
    assert "没有 split 的分段覆盖" in zh.stdout  # the clause has no name: its id
    assert "警告：条款 1 · 分段（分段未覆盖的年份）" in zh.stdout
    assert "clauses[0]" not in zh.stdout and "schedule_gap" not in zh.stdout
    as_json = sharing("check", str(f), "--json")
    assert json.loads(as_json.stdout)[0]["path"] == "clauses[0].schedule"
    assert sharing("check", str(f), "--strict").returncode == 1
    assert sharing("check", str(PRESETS / "bth-92hao.yaml"), "--strict").returncode == 0
