"""Presets (issue 7, build 1): each quotes its source and assumptions, runs, and passes its feature.

The features' figures are worked by hand in each preset's header, never copied from the
engine's output; here the engine is held to them through the audit runner.
"""

from __future__ import annotations

import re

import pytest

from sharing.audit.presets import ORDER, list_presets, preset_path, write_preset
from sharing.audit.runner import run_audit

from ._paths import PRESETS, sharing

_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_list_presets_gives_names_titles_and_paths_in_the_issue_order():
    presets = list_presets()
    assert [p.name for p in presets] == list(ORDER)
    for p in presets:
        assert _CJK.search(p.title_zh), p.name
        assert not _CJK.search(p.title_en[:1]) and p.title_en != p.title_zh, p.name
        assert p.path.exists() and p.feature_path is not None and p.feature_path.exists()
        assert p.as_dict()["path"].endswith(f"{p.name}.yaml")


@pytest.mark.parametrize("name", ORDER)
def test_preset_quotes_its_source_states_assumptions_and_works_figures_by_hand(name):
    text = (PRESETS / f"{name}.yaml").read_text(encoding="utf-8")
    for heading in ("SOURCE", "ASSUMPTIONS", "WORKED BY HAND"):
        assert f"# {heading}" in text or f"#   {heading}" in text or heading in text, heading
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert re.search(r"\"[^\"]*[\u4e00-\u9fff][^\"]*\" — ", header), "a Chinese quote with a gloss"
    assert re.search(r"20\d\d", header), "a date"
    assert "description:" in text and "来源" in text and "Source" in text


@pytest.mark.parametrize("name", ORDER)
def test_preset_runs_and_its_own_feature_passes(name):
    feature = PRESETS / f"{name}.feature"
    report = run_audit(preset_path(name), {feature.name: feature.read_text(encoding="utf-8")})
    assert report.passed, report.format()
    assert len(report.scenarios) >= 3
    assert report.contract_sha256 and report.result_sha256


def test_sharing_presets_lists_every_preset():
    proc = sharing("presets")
    assert proc.returncode == 0, proc.stderr
    for name in ORDER:
        assert name in proc.stdout
    assert "Beijing–Tianjin–Hebei" in proc.stdout and "京津冀" in proc.stdout
    as_json = sharing("presets", "--json")
    assert as_json.returncode == 0 and '"title_zh"' in as_json.stdout


def test_sharing_new_writes_a_preset_to_edit_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "my-park.yaml"
    proc = sharing("new", "--preset", "kunming-key-enclave", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == (PRESETS / "kunming-key-enclave.yaml").read_text(
        encoding="utf-8")
    assert sharing("validate", str(out)).returncode == 0
    again = sharing("new", "--preset", "kunming-key-enclave", str(out))
    assert again.returncode == 2 and "exists" in again.stderr
    assert sharing("new", "--preset", "kunming-key-enclave", str(out), "--force").returncode == 0


def test_an_unknown_preset_names_the_ones_that_exist(tmp_path):
    proc = sharing("new", "--preset", "nowhere", str(tmp_path / "x.yaml"))
    assert proc.returncode == 2
    assert "no preset 'nowhere'" in proc.stderr and "bth-92hao" in proc.stderr
    with pytest.raises(KeyError):
        preset_path("nowhere")
    with pytest.raises(FileExistsError):
        write_preset("bth-92hao", PRESETS / "bth-92hao.yaml")
