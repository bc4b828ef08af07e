"""Paths and the ``sharing`` runner shared by the auditor tools' tests."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PRESETS = ROOT / "sharing" / "presets"
FEATURES = pathlib.Path(__file__).resolve().parent / "features"
SHARING = pathlib.Path(sys.executable).with_name("sharing")


def sharing(*args: str, cwd: pathlib.Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``sharing`` console script; returns the completed process (text)."""
    return subprocess.run([str(SHARING), *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=600)
