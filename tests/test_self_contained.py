"""The repository is self-contained: its tests read the in-repo copy of the conformance suite,
and that copy cannot drift from ``../shared/conformance`` where that folder exists."""

from __future__ import annotations

import filecmp
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
COPY = ROOT / "tests" / "conformance"
SHARED = ROOT.parent / "shared" / "conformance"


def _files(top: pathlib.Path) -> dict[str, bytes]:
    return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


def test_the_copy_is_there():
    assert (COPY / "README.md").is_file()
    assert len(list(COPY.glob("*.yaml"))) >= 8
    assert (COPY / "settle" / "README.md").is_file()


def test_the_copy_has_not_drifted_from_shared():
    """Where ../shared/conformance exists (a developer's machine, CI), the in-repo copy is
    byte for byte the same: a new or changed case there must be copied here."""
    if not SHARED.is_dir():
        return  # a bare clone: the copy is the suite (nothing to compare with)
    ours, theirs = _files(COPY), _files(SHARED)
    missing = sorted(theirs.keys() - ours.keys())
    extra = sorted(ours.keys() - theirs.keys())
    changed = sorted(k for k in ours.keys() & theirs.keys() if ours[k] != theirs[k])
    assert not (missing or extra or changed), (
        f"tests/conformance differs from {SHARED}: missing {missing}, extra {extra}, "
        f"changed {changed}; copy it again: cp -r ../shared/conformance/. tests/conformance/")
    assert filecmp.dircmp(COPY, SHARED).diff_files == []


def test_no_test_reads_outside_the_repository():
    """Collected tests name no path outside the repository ("../", ROOT.parent, parents[2] of a
    top-level test) except this module's drift check."""
    # a path built to the folder beside the repository ("/ 'shared'"), not a form field named shared
    outside = re.compile(r"ROOT\.parent|PROJECT\.parent|\.\./shared|/\s*[\"']shared[\"']")
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.name == "test_self_contained.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if outside.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "tests reading outside the repository:\n" + "\n".join(offenders)
