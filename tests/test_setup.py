"""The set-up the README's two commands promise (issue 14): the test command installs every
program the tests call, .ci/run is that command and nothing else, and a built wheel carries what
the running app needs (examples, the PDF font, the catalog)."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Programs outside Python that a test may call, and how a test names them.
PROGRAMS = ("chromium", "pdftotext", "pdftoppm", "initdb", "pg_ctl", "soffice", "libreoffice",
            "psql", "xvfb-run")


def _declared() -> dict[str, str]:
    """program -> Debian package, from scripts/system-packages."""
    text = (ROOT / "scripts" / "system-packages").read_text(encoding="utf-8")
    out = {}
    for pkg, progs in re.findall(r'^\s*"(\S+)\s+([^"]+)"', text, flags=re.M):
        for prog in progs.split():
            out[prog] = pkg
    return out


def _called() -> set[str]:
    found = set()
    for path in (ROOT / "tests").rglob("*.py"):
        if path.name == "test_setup.py":
            continue
        text = path.read_text(encoding="utf-8")
        for prog in PROGRAMS:
            if re.search(rf'["\'/]{re.escape(prog)}["\']', text):
                found.add(prog)
    return found


def test_the_test_command_installs_every_program_the_tests_call():
    called, declared = _called(), _declared()
    assert {"chromium", "pdftotext", "initdb"} <= called  # the scan itself works
    missing = sorted(called - declared.keys())
    assert not missing, f"tests call {missing}, which scripts/system-packages does not install"


def test_ci_runs_the_readme_test_command_and_nothing_else():
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()
             if ln.strip() and not ln.strip().startswith("#")]
    assert lines[-1] == "exec ./scripts/test"
    assert all(ln.startswith(("set ", "cd ")) for ln in lines[:-1]), lines
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./scripts/test" in readme.split("\n## ")[0]
    assert "./scripts/serve" in readme.split("\n## ")[0]


def test_without_root_the_test_command_names_the_install_command(tmp_path):
    """Not root and a package missing: the one command that installs it, exit non-zero, and
    nothing run (the venv is not even created)."""
    script = ROOT / "scripts" / "system-packages"
    probe = tmp_path / "probe.sh"
    probe.write_text(f'. "{script}"\nSYSTEM_PACKAGES+=("no-such-package-xyz  no-such-program-xyz")\n'
                     'missing_system_packages\n')
    out = subprocess.run(["bash", str(probe)], capture_output=True, text=True, check=True)
    assert "no-such-package-xyz" in out.stdout.split()
    test = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    head = test.split(".venv/bin/pip")[0]
    assert "apt-get install -y ${need[*]}" in head and "exit 3" in head


@pytest.mark.slow
def test_a_built_wheel_carries_examples_font_and_catalog(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    examples = sorted(p.name for p in (ROOT / "examples").glob("*.yaml"))
    assert examples and all(f"sharing/examples/{n}" in names for n in examples)
    assert "sharing/fonts/NotoSansSC-Subset.otf" in names
    assert "sharing/fonts/OFL.txt" in names
    assert "web/translations/zh/LC_MESSAGES/messages.mo" in names
