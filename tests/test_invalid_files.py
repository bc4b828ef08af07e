"""Broken contract files: `sharing validate` and `sharing run` refuse every one, cleanly.

The corpus is tests/data/invalid/. Each file is a small contract, derived from the conformance
contracts, that breaks exactly one rule. Its header says what to look for:

    # expect: <substring that must appear in stderr>     (line 1, required)
    # breaks <the rule, citing shared/spec/semantics.md>  (line 2)
    # expect-limit: <number>                              (optional, any later header line)

`expect-limit` marks a limit case (huge `years`, too many parties): besides the expected
substring, the message must name the limit, i.e. a number other than the offending value.

JSON cannot carry comments, so a `.json` file keeps the same header and the test hands the CLI a
copy in tmp_path with the leading `#` lines stripped; YAML files are run where they are.

Files that cannot sensibly be committed (50 MiB, random bytes, 10,000-deep nesting, a zero-byte
file, a tag that would touch a file) are generated into a temporary directory.

The CLI contract tested (on an invalid contract): exit status 2, nothing on stdout, one line
per problem on stderr of the form `FILE: PATH: MESSAGE` (PATH `(file)` for a file-level
problem), never a Python traceback. (How fast the answer comes is measured by benchmarks/, not here.)
"""

import random
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "data" / "invalid"
PROJECT = HERE.parent
VALID_CONTROL = PROJECT / "tests" / "conformance" / "01-hangzhou-quzhou-increment-baseline.yaml"
SHARING = Path(sys.executable).with_name("sharing")
COMMANDS = ("validate", "run")
#: A hang guard, not a speed test (speed is measured by benchmarks/): a refusal that never
#: comes fails instead of blocking the suite; generous, so a busy machine never trips it.
TIMEOUT = 120
EXIT_INVALID = 2


# ------------------------------------------------------------------------------------ helpers


def corpus_files() -> list[Path]:
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json"))
    return files


def read_header(path: Path) -> tuple[str, list[str], list[float]]:
    """(expected substring, all header lines, offending values of an `expect-limit`)."""
    header = []
    with path.open("rb") as fh:
        for raw in fh:
            line = raw.decode("utf-8").rstrip("\r\n")
            if not line.startswith("#"):
                break
            header.append(line)
    assert header and header[0].startswith("# expect: "), (
        f"{path.name}: the first line must be '# expect: <substring>'"
    )
    expect = header[0][len("# expect: ") :]
    limits = [
        float(line.split(":", 1)[1].strip().replace(",", "").replace("_", ""))
        for line in header[1:]
        if line.startswith("# expect-limit:")
    ]
    return expect, header, limits


def run_cli(command: str, file: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run the CLI on one file, with a hang guard."""
    if not SHARING.exists():
        pytest.fail(f"console script not found: {SHARING} (pip install -e '.[test]')")
    argv = [str(SHARING), command, str(file)]
    try:
        result = subprocess.run(
            argv,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`sharing {command} {file.name}` did not finish within {TIMEOUT} s")
    return result


NUMBER = re.compile(r"\d+(?:[.,_]\d+)*")


def names_a_limit(stderr: str, file: Path, offending: list[float]) -> bool:
    """True when a message names a number other than the offending value(s).

    The file path and list indexes (`parties[499]`) are removed first; a number within 2 % of
    an offending value counts as that value (so `50.0 MiB` is the file's size, not a limit).
    """
    text = stderr.replace(str(file), " ")
    text = re.sub(r"\[\d+\]", "[]", text)
    for token in NUMBER.findall(text):
        try:
            value = float(token.replace(",", "").replace("_", ""))
        except ValueError:
            continue
        if all(abs(value - bad) > 0.02 * max(abs(bad), 1.0) for bad in offending):
            return True
    return False


def check_refused(
    command: str,
    file: Path,
    expect: str,
    result: subprocess.CompletedProcess,
    limits: Sequence[float] = (),
) -> None:
    shown = f"`sharing {command} {file.name}`\n--- stderr ---\n{result.stderr[:3000]}"
    assert "Traceback" not in result.stderr, f"Python traceback from {shown}"
    assert result.returncode == EXIT_INVALID, (
        f"exit status {result.returncode}, expected {EXIT_INVALID}, from {shown}"
    )
    assert result.stdout == "", f"stdout not empty ({result.stdout[:500]!r}) from {shown}"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, f"nothing on stderr from `sharing {command} {file.name}`"
    assert lines[0].startswith(f"{file}: "), (
        f"first stderr line does not start with '{file}: ' in {shown}"
    )
    malformed = [
        line
        for line in lines
        if not line.startswith(f"{file}: ") or ": " not in line[len(f"{file}: ") :]
    ]
    assert not malformed, (
        f"stderr lines not of the form 'FILE: PATH: MESSAGE': {malformed[:3]!r} in {shown}"
    )
    assert expect in result.stderr, f"expected {expect!r} in the message of {shown}"
    if limits:
        assert names_a_limit(result.stderr, file, limits), (
            f"the message does not name the limit (a number besides {limits}) in {shown}"
        )


# ------------------------------------------------------------------------------------ corpus

CORPUS_FILES = corpus_files()


def test_corpus_is_complete():
    """The corpus is there, every file has its header, and ids (file stems) are unique."""
    assert len(CORPUS_FILES) >= 30
    stems = [p.stem for p in CORPUS_FILES]
    assert len(stems) == len(set(stems)), "two corpus files share a stem"
    for path in CORPUS_FILES:
        expect, header, _ = read_header(path)
        assert expect.strip(), f"{path.name}: empty expectation"
        assert len(header) >= 2 and header[1].startswith("# breaks "), (
            f"{path.name}: the second line must say which rule it breaks ('# breaks §...')"
        )


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])
def test_invalid_file_refused(path: Path, command: str, tmp_path: Path):
    expect, header, limits = read_header(path)
    target = path
    if path.suffix == ".json":  # strip the comment header: JSON has no comments
        raw = path.read_bytes().split(b"\n")
        target = tmp_path / path.name
        target.write_bytes(b"\n".join(raw[len(header) :]))
    result = run_cli(command, target, cwd=tmp_path)
    check_refused(command, target, expect, result, limits)
    assert not (tmp_path / "hacked").exists()


# ------------------------------------------------------------------------------------ generated

BIG_SIZE = 50 * 2**20  # 50 MiB


def _contract_text() -> str:
    """The valid control contract, or a small valid contract if the shared tree is absent."""
    if VALID_CONTROL.exists():
        return VALID_CONTROL.read_text("utf-8")
    return (
        'name: "small valid contract"\nstart_year: 2021\nyears: 5\nparties:\n'
        "  - {id: a, name: A, role: sending}\n  - {id: b, name: B, role: receiving}\n"
        "streams:\n  - {id: vat, kind: tax, local_retention: 0.5, first: 1000000, growth: 0.05}\n"
        "clauses:\n  - id: split\n    kind: tax_split\n    basis: total\n    streams: [vat]\n"
        '    schedule:\n      - {years: "1-5", shares: {a: 0.3, b: 0.7}}\n'
    )


def _write_big(path: Path) -> None:
    """A valid contract padded with comment lines to exactly 50 MiB."""
    head = _contract_text().encode("utf-8")
    if not head.endswith(b"\n"):
        head += b"\n"
    line = b"# " + b"padding " * 9 + b"\n"  # 75 bytes
    count, rest = divmod(BIG_SIZE - len(head), len(line))
    with path.open("wb") as fh:
        fh.write(head)
        chunk = line * 10_000
        for _ in range(count // 10_000):
            fh.write(chunk)
        fh.write(line * (count % 10_000))
        if rest:
            fh.write(b"#" + b" " * (rest - 2) + b"\n" if rest >= 2 else b"\n" * rest)
    assert path.stat().st_size == BIG_SIZE


def _write_binary(path: Path) -> None:
    rng = random.Random(20240601)
    data = bytearray(rng.randbytes(64 * 1024))
    for i in range(0, len(data), 97):
        data[i] = 0
    path.write_bytes(bytes(data))


def _write_deep_yaml(path: Path) -> None:
    path.write_text("[" * 10_000 + "]" * 10_000 + "\n", "ascii")


def _write_deep_json(path: Path) -> None:
    path.write_text('{"a":' * 10_000 + "1" + "}" * 10_000 + "\n", "ascii")


def _write_zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _write_python_tag_touch(path: Path) -> None:
    text = _contract_text()
    text = re.sub(
        r"^name:.*$",
        'name: !!python/object/apply:os.system ["touch hacked"]',
        text,
        count=1,
        flags=re.M,
    )
    path.write_text(text, "utf-8")


# name -> (file name, writer, expected substring, offending values for a limit)
GENERATED = {
    "size-50mib": ("big-50mib.yaml", _write_big, "(file)", [BIG_SIZE]),
    "binary-random-bytes": ("binary.yaml", _write_binary, "(file)", []),
    "deep-yaml-list-10000": ("deep.yaml", _write_deep_yaml, "(file)", []),
    "deep-json-object-10000": ("deep.json", _write_deep_json, "(file)", []),
    "zero-bytes": ("zero.yaml", _write_zero_bytes, "(file)", []),
    "python-tag-touch": ("tag.yaml", _write_python_tag_touch, "python/object/apply", []),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("generated-invalid")
    files = {}
    for name, (file_name, writer, _, _) in GENERATED.items():
        path = base / file_name
        writer(path)
        files[name] = path
    return files


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_file_refused(name: str, command: str, generated, tmp_path: Path):
    path = generated[name]
    _, _, expect, offending = GENERATED[name]
    if name == "size-50mib":
        # the limit may be stated in bytes, kB/KiB or MB/MiB: none of those is the file's size
        offending = [BIG_SIZE, BIG_SIZE / 1e3, BIG_SIZE / 2**10, BIG_SIZE / 1e6, BIG_SIZE / 2**20]
    result = run_cli(command, path, cwd=tmp_path)
    check_refused(command, path, expect, result, offending)
    assert not (tmp_path / "hacked").exists(), "the YAML tag was executed"


# ------------------------------------------------------------------------------------ control


@pytest.mark.parametrize("command", COMMANDS)
def test_valid_control_accepted(command: str, tmp_path: Path):
    """The same harness on a valid contract: exit 0, no traceback (the refusals are not blanket)."""
    result = run_cli(command, VALID_CONTROL, cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr[:3000]
    assert result.returncode == 0, (
        f"`sharing {command}` on a valid contract exited {result.returncode}\n{result.stderr[:3000]}"
    )
