"""sharing verify (issue 7, build 4): byte-identical, or the first difference with both values."""

from __future__ import annotations

import json

from sharing.api import load_file
from sharing.audit.verify import first_difference, verify_result

from ._paths import PRESETS, sharing

CONTRACT = PRESETS / "zhongguancun-operated.yaml"


def _result_file(tmp_path):
    out = tmp_path / "result.json"
    proc = sharing("run", str(CONTRACT), "--format", "json", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def test_a_result_written_by_sharing_run_verifies_byte_for_byte(tmp_path):
    out = _result_file(tmp_path)
    proc = sharing("verify", str(out), str(CONTRACT))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "VERIFIED: the result is byte-identical" in proc.stdout
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["contract_sha256"] in proc.stdout and doc["result_sha256"] in proc.stdout
    assert "engine            benefit-sharing" in proc.stdout


def test_an_edited_amount_is_shown_at_its_path_with_both_values(tmp_path):
    out = _result_file(tmp_path)
    doc = json.loads(out.read_text(encoding="utf-8"))
    i = next(k for k, e in enumerate(doc["entries"]) if e["year"] == 2025 and e["party"] == "zgc")
    assert doc["entries"][i]["amount"] == "3215383.22"  # worked by hand in the preset
    doc["entries"][i]["amount"] = "3215383.23"
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    proc = sharing("verify", str(out), str(CONTRACT))
    assert proc.returncode == 1
    assert f"DIFFERS: first difference at entries[{i}].amount" in proc.stdout
    assert '"3215383.23"' in proc.stdout and '"3215383.22"' in proc.stdout
    assert "the file was edited after it was computed" in proc.stdout


def test_other_formatting_of_the_same_content_still_verifies(tmp_path):
    out = _result_file(tmp_path)
    doc = json.loads(out.read_text(encoding="utf-8"))
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(doc, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    proc = sharing("verify", str(compact), str(CONTRACT))
    assert proc.returncode == 0
    assert "the content is identical" in proc.stdout


def test_a_result_of_another_contract_is_recognised(tmp_path):
    out = _result_file(tmp_path)
    proc = sharing("verify", str(out), str(PRESETS / "bth-92hao.yaml"))
    assert proc.returncode == 1
    assert "computed from another contract" in proc.stdout
    assert "first difference at contract_sha256" in proc.stdout


def test_first_difference_in_document_order():
    a = {"x": 1, "y": [1, 2, {"z": "a"}]}
    assert first_difference(a, {"x": 1, "y": [1, 2, {"z": "b"}]}) == ("y[2].z", "a", "b")
    assert first_difference(a, {"x": 1, "y": [1, 2]}) == ("y[2]", {"z": "a"}, None)
    assert first_difference(a, a) is None


def test_verify_result_in_process():
    contract = load_file(str(CONTRACT))
    from sharing.api import run_contract

    fresh = run_contract(contract)
    outcome = verify_result(fresh, contract)
    assert outcome.identical and outcome.stored_hash_ok and not outcome.byte_identical
    edited = json.loads(json.dumps(fresh))
    edited["parties"]["zgc"]["net_total"] = "0.00"
    outcome = verify_result(edited, contract)
    assert not outcome.identical and not outcome.stored_hash_ok
    assert outcome.difference[0] == "parties.zgc.net_total"


def test_every_differing_amount_is_named_by_year_party_clause_and_stream(tmp_path):
    out = _result_file(tmp_path)
    doc = json.loads(out.read_text(encoding="utf-8"))
    edited = [k for k, e in enumerate(doc["entries"]) if e["party"] == "zgc"][:3]
    for k in edited:
        doc["entries"][k]["amount"] = "1.00"
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    proc = sharing("verify", str(out), str(CONTRACT), "--limit", "2")
    assert proc.returncode == 1
    assert "3 differences in the result (the first 2 shown):" in proc.stdout, proc.stdout
    e = doc["entries"][edited[0]]
    label = " · ".join([str(e["year"]), "party zgc"] + ([f"clause {e['clause']}"] if e["clause"]
                       else []) + ([f"stream {e['stream']}"] if e["stream"] else [])
                       + [e["kind"]])
    assert f"entries[{edited[0]}].amount  [{label}]" in proc.stdout
    outcome = verify_result(out.read_bytes(), load_file(str(CONTRACT)))
    assert [d.path for d in outcome.differences] == [f"entries[{k}].amount" for k in edited]


def test_a_changed_contract_lists_every_changed_field_by_path_and_name(tmp_path):
    import yaml

    out = _result_file(tmp_path)
    doc = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    doc["streams"][1]["series"][1] = -1000001  # operator_profit's 2nd year, was -1000000
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    proc = sharing("verify", str(out), str(changed), "--contract-was", str(CONTRACT))
    assert proc.returncode == 1
    sid = "operator_profit"
    assert "1 contract field changed:" in proc.stdout, proc.stdout
    assert f"streams[1].series[1]  [stream {sid} «园区运营公司净利润 / operating company profit»]" \
        in proc.stdout
    assert "in the old contract: -1000000;  in this one: -1000001" in proc.stdout
    proc = sharing("verify", str(out), str(changed))
    assert "give the contract the result was computed from (--contract-was FILE)" in proc.stdout
    # the recomputed result differs in that stream's year-2 figure, named by its year
    assert f"streams.{sid}.shareable_by_year[1]  [stream {sid} · " in proc.stdout
