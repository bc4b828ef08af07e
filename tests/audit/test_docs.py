"""docs/audit-steps.md lists every phrase of the vocabulary; docs/audit.md every command and kind."""

from __future__ import annotations

from sharing.audit.check import WARNING_KINDS
from sharing.audit.presets import ORDER
from sharing.audit.vocab import PHRASES

from ._paths import ROOT


def test_every_phrase_is_documented_in_both_languages():
    text = (ROOT / "docs" / "audit-steps.md").read_text(encoding="utf-8")
    for p in PHRASES:
        assert p.en in text, p.en
        assert p.zh in text, p.zh


def test_the_auditor_guide_names_every_command_warning_kind_and_preset():
    text = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    for cmd in ("sharing presets", "sharing new --preset", "sharing audit ", "sharing check",
                "sharing verify", "sharing report", "sharing audit-log verify"):
        assert cmd in text, cmd
    for kind in WARNING_KINDS:
        assert f"`{kind}`" in text, kind
    for name in ORDER:
        assert f"`{name}`" in text, name


def test_the_auditor_commands_keep_the_cli_light():
    import subprocess
    import sys

    code = ("import sys, sharing.cli as c; c.build_parser();"
            "heavy = [m for m in ('sqlalchemy', 'fpdf', 'pytest_bdd', 'sharing.audit.runner',"
            " 'sharing.audit.check', 'sharing.report', 'sharing.api') if m in sys.modules];"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip()
    assert out == "[]"
