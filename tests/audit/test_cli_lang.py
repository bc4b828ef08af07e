"""Every auditor command speaks the reader's language (issue 18 point 4, issue 15 point 4):
``--lang zh`` prints every line in Chinese — names, never ids or dotted field paths — and
``--lang en`` in English. Run in-process through ``sharing.cli.main``.

The contract: 北京市 (a) and 河北省 (b) split 增值税 (t) by 总额分成 (split), 0.4 / 0.6 in
years 1–2 (2020–2021); year 3 (2022) is covered by no segment, so 河北省 takes all of it as
unclaimed. By hand:
  2020: amount 100.00 → 北京市 100 × 0.4 = 40.00, 河北省 100 × 0.6 = 60.00
  2021: amount 200.00 → 北京市 200 × 0.4 = 80.00, 河北省 200 × 0.6 = 120.00
  2022: amount 300.00 → 河北省 300.00 (unclaimed)
"""

from __future__ import annotations

import json
import re

import pytest

from sharing.audit import log
from sharing.cli import main

CONTRACT = """\
name: 京冀共建园区
start_year: 2020
years: 3
parties: [{id: a, name: 北京市, role: sending}, {id: b, name: 河北省, role: receiving}]
streams: [{id: t, name: 增值税, kind: tax, series: [100, 200, 300]}]
clauses:
  - {id: split, name: 总额分成, kind: tax_split, basis: total, streams: [t],
     schedule: [{years: "1-2", shares: {a: 0.4, b: 0.6}}]}
"""

FEATURE = """\
# language: zh-CN
功能: 京冀分成的核对
  场景: 北京市与河北省的所得
    那么 北京市在2020年的净现金流为40.00元
    而且 北京市在2021年从总额分成分得80.00元
    而且 河北省在2021年的净现金流为99.00元
"""

#: What may stand in Chinese output although it is ASCII: the program's name, units and
#: formats, the verdict tokens kept for scripts, and option names.
ALLOWED = ("benefit-sharing", "SHA-256", "AUDIT PASSED", "AUDIT FAILED", "AUDIT LOG INTACT",
           "AUDIT LOG TAMPERED WITH", "VERIFIED", "DIFFERS", "UTC", "JSON", "PDF", "IRR", "NPV")
_ENGLISH = re.compile(r"[A-Za-z]{3,}(?:[ \t,;:()'\"-]+[A-Za-z]{3,})+")
_PATH = re.compile(r"\b[a-z_]+(?:\[\d+\])+|\b[a-z_]+\.[a-z_]+\b")
_IDS = re.compile(r"\b(?:split|schedule_gap|unclaimed|tax_split|run|rename|key_rotated)\b")


def chinese_only(text: str) -> list[str]:
    """Runs of English words, dotted field paths and raw ids left in ``text`` once hashes,
    file paths, URLs and the allowed words are taken out (empty: all Chinese)."""
    t = re.sub(r"\b[0-9a-f]{16,}\b", " ", text)  # hashes, key ids
    t = re.sub(r"sqlite:///\S+|/\S+", " ", t)  # the database URL, file paths
    t = re.sub(r"\b[\w-]+\.(?:yaml|feature|json|pdf)\b", " ", t)  # file names
    t = re.sub(r"\d{4}-\d\d-\d\dT[\d:+]+", " ", t)  # ISO times
    for word in ALLOWED:
        t = t.replace(word, " ")
    return _ENGLISH.findall(t) + _PATH.findall(t) + _IDS.findall(t)


def test_the_checker_finds_english_paths_and_ids():
    assert chinese_only("没有警告") == []
    assert chinese_only("合同 SHA-256  " + "ab" * 32) == []
    assert chinese_only("the log was emptied") == ["the log was emptied"]
    assert chinese_only("警告：clauses[0].schedule") != []
    assert chinese_only("条款 split 的分段") == ["split"]


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.delenv("SHARING_AUDIT_KEY", raising=False)
    monkeypatch.delenv("SHARING_AUDIT_DIR", raising=False)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "c.yaml").write_text(CONTRACT, encoding="utf-8")
    (tmp_path / "a.feature").write_text(FEATURE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_check_in_chinese_names_the_clause_and_the_years(files, capsys):
    code, out = run(capsys, "check", "c.yaml", "--lang", "zh")
    assert code == 0
    assert "警告：条款 1「总额分成」· 分段（分段未覆盖的年份）" in out
    # year 3 is 2020 + 2 = 2022; the receiving party 河北省 takes its 300.00
    assert "第3年（2022）没有 总额分成 的分段覆盖" in out and "归 河北省" in out
    assert "共 1 条警告" in out and "合同 SHA-256" in out
    assert chinese_only(out) == [], out


def test_check_in_english_and_from_the_locale(files, capsys, monkeypatch):
    code, out = run(capsys, "check", "c.yaml", "--lang", "en")
    assert "warning clauses[0].schedule [schedule_gap] (clause 1 “总额分成” · schedule)" in out
    assert "year 3 (2022) of the term are covered by no segment of 总额分成" in out
    assert "1 warning" in out
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    _, out = run(capsys, "check", "c.yaml")
    assert "共 1 条警告" in out


def test_audit_in_chinese_and_in_english(files, capsys):
    code, out = run(capsys, "audit", "c.yaml", "a.feature", "--lang", "zh")
    assert code == 1  # 河北省 in 2021 received 120.00, not 99.00
    assert "未通过" in out and "预期       99.00" in out
    assert "实际       120.00（差额 21.00）" in out  # 120.00 − 99.00 = 21.00
    assert "检查 3 项（通过 2，未通过 1" in out
    assert chinese_only(out) == [], out
    code, out = run(capsys, "audit", "c.yaml", "a.feature", "--lang", "en")
    assert "FAILED" in out and "actual   120.00 (difference 21.00)" in out
    assert "3 checks: 2 passed, 1 failed" in out


def test_verify_in_chinese_names_each_changed_field_and_amount(files, capsys):
    assert main(["run", "c.yaml", "--format", "json", "-o", "r.json"]) == 0
    code, out = run(capsys, "verify", "r.json", "c.yaml", "--lang", "zh")
    assert code == 0 and "核验通过" in out and chinese_only(out) == [], out
    (files / "d.yaml").write_text(CONTRACT.replace("a: 0.4, b: 0.6", "a: 0.5, b: 0.5"),
                                  encoding="utf-8")
    code, out = run(capsys, "verify", "r.json", "d.yaml", "--lang", "zh", "--contract-was",
                    "c.yaml")
    assert code == 1 and "不一致" in out
    assert "合同中有 2 个字段改动" in out
    assert "条款 1「总额分成」· 时段 1 · 北京市 的分成比例" in out
    assert '原合同： "0.4"；  本合同： "0.5"' in out
    # 2020: 北京市 100 × 0.4 = 40.00 before, 100 × 0.5 = 50.00 now
    assert "2020 年 · 北京市 · 总额分成 · 增值税 · 分成 · 金额" in out
    assert '文件中： "40.00"；  重新计算： "50.00"' in out
    assert chinese_only(out) == [], out
    code, out = run(capsys, "verify", "r.json", "d.yaml", "--lang", "en")
    assert "DIFFERS: first difference at" in out


def test_report_line_in_chinese(files, capsys):
    code, out = run(capsys, "report", "c.yaml", "--pdf", "r.pdf", "--lang", "zh")
    assert code == 0 and (files / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert "已写入 r.pdf（" in out and "字节，中文）" in out
    assert chinese_only(out) == [], out
    code, out = run(capsys, "report", "c.yaml", "--pdf", "r.pdf", "--lang", "en")
    assert "bytes, in English)" in out


@pytest.fixture
def database(files):
    url = f"sqlite:///{files / 'sharing.sqlite3'}"
    engine = log.engine_for(url)
    log.open_log(engine)
    log.append(engine, "run", "ab" * 32, "cd" * 32, {"source": "form", "computed": True})
    log.append(engine, "rename", None, None, {"scenario": 3, "from": "甲方案", "to": "乙方案"})
    engine.dispose()
    return url


def test_audit_log_commands_in_chinese(database, files, capsys):
    code, out = run(capsys, "audit-log", "verify", "--database", database, "--lang", "zh")
    assert code == 0 and "共 2 行；链头" in out and "审计日志完整" in out
    assert chinese_only(out) == [], out
    code, out = run(capsys, "audit-log", "show", "--database", database, "--lang", "zh")
    assert "计算" in out and "提交方式：表单" in out
    assert "改名" in out and "方案：3；原为：甲方案；改为：乙方案" in out
    assert chinese_only(out) == [], out
    code, out = run(capsys, "audit-log", "checkpoint", "--database", database, "--out",
                    "cp.json", "--lang", "zh")
    assert code == 0 and "检查点已写入 cp.json：共 2 行" in out
    assert json.loads((files / "cp.json").read_text())["rows"] == 2
    code, out = run(capsys, "audit-log", "rewitness", "--database", database, "--reason",
                    "复核", "--lang", "zh")
    assert code == 0 and "第 3 行：新见证文件；原因：复核；原见证：共 2 行，链头" in out
    code, out = run(capsys, "audit-log", "rotate-key", "--database", database, "--lang", "zh")
    assert code == 0 and "第 4 行：更换密钥；" in out
    assert "原密钥" in out and "新密钥" in out and chinese_only(out) == [], out
    code, out = run(capsys, "audit-log", "migrate", "--database", database, "--lang", "zh")
    assert code == 1 and "日志中已有带密钥的行：无需迁移" in out


def test_a_tampered_log_in_chinese_and_english(database, files, capsys):
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    with engine.begin() as conn:  # a database user, without the app's key
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET detail = '{}' WHERE id = 2"))
    engine.dispose()
    code, out = run(capsys, "audit-log", "verify", "--database", database, "--lang", "zh")
    assert code == 1
    assert "第 2 行被修改：其内容与其哈希不再相符" in out
    assert "审计日志已被篡改（2 个问题）" in out  # the edited row and the dropped trigger
    assert chinese_only(out) == [], out
    code, out = run(capsys, "audit-log", "verify", "--database", database, "--lang", "en")
    assert "row 2: edited" in out and "AUDIT LOG TAMPERED WITH (2 problems)" in out
