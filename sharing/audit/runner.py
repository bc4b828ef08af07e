"""Run auditor-written ``.feature`` files against a contract through pytest-bdd.

    report = run_audit(contract, {"my-checks.feature": text})
    report.passed            # every scenario passed (and there was at least one)
    print(report.format())   # each scenario passed/failed, actual next to expected

The features are written to a temporary folder with a generated test module that binds them
(``scenarios("features")``) and run by pytest in a process of its own, with the step
vocabulary of :mod:`sharing.audit.vocab` loaded as a plugin (:mod:`sharing.audit.steps`).
A process of its own keeps pytest's global state (imports, logging capture, plugins) out of
the caller: the web app calls this from a request. Features may be English or
``# language: zh-CN``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RUN_TIMEOUT = 600


@dataclass
class StepResult:
    keyword: str
    text: str
    line: int
    status: str  # passed, failed, error, unknown, skipped
    expected: str | None = None
    actual: str | None = None
    message: str = ""


@dataclass
class ScenarioResult:
    feature: str
    feature_name: str
    scenario: str
    line: int
    status: str  # passed, failed, error, unknown step
    language: str = "en"
    example: dict[str, str] = field(default_factory=dict)
    steps: list[StepResult] = field(default_factory=list)
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class AuditReport:
    contract_name: str
    contract_sha256: str
    result_sha256: str
    engine_version: str
    features: list[str]
    scenarios: list[ScenarioResult]
    errors: list[dict[str, str]]
    output: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.scenarios) and not self.errors and all(s.passed for s in self.scenarios)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.scenarios:
            out[s.status] = out.get(s.status, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("output", None)
        d["passed"] = self.passed
        d["counts"] = self.counts
        return d

    def format(self, verbose: bool = True) -> str:
        lines = [f"audit of {self.contract_name}" if self.contract_name else "audit",
                 f"contract sha256 {self.contract_sha256}",
                 f"result sha256   {self.result_sha256}",
                 f"engine          benefit-sharing {self.engine_version}",
                 "features        " + ", ".join(self.features), ""]
        for sc in self.scenarios:
            ex = (" [" + ", ".join(f"{k}={v}" for k, v in sc.example.items()) + "]"
                  if sc.example else "")
            lines.append(f"{sc.status.upper():8} {sc.feature}:{sc.line}  {sc.scenario}{ex}")
            for st in sc.steps:
                mark = {"passed": "✓", "failed": "✗", "error": "!", "unknown": "?",
                        "skipped": "-"}.get(st.status, " ")
                if st.status == "skipped":
                    if verbose:
                        lines.append(f"  {mark} {st.keyword} {st.text}   (not run)")
                    continue
                if not verbose and st.status == "passed" and st.expected is None:
                    continue
                head = f"  {mark} {st.keyword} {st.text}"
                if st.expected is not None:
                    head += f"\n      expected {st.expected}\n      actual   {st.actual}"
                lines.append(head)
                if st.status in ("error", "unknown") and st.message:
                    lines += ["      " + m for m in st.message.splitlines()]
            if sc.status == "error" and sc.message and not any(
                    st.status == "error" for st in sc.steps):
                lines += ["      " + m for m in sc.message.splitlines()[-12:]]
        for err in self.errors:
            lines.append(f"ERROR    {err.get('where', '')}")
            lines += ["      " + m for m in str(err.get("message", "")).splitlines()[-20:]]
        c = self.counts
        total = len(self.scenarios)
        summary = ", ".join(f"{n} {k}" for k, n in sorted(c.items())) or "none run"
        lines += ["", f"{total} scenario{'s' if total != 1 else ''} — {summary}"
                  + (f"; {len(self.errors)} feature error(s)" if self.errors else ""),
                  "AUDIT PASSED" if self.passed else "AUDIT FAILED"]
        return "\n".join(lines) + "\n"


def _as_contract(contract: Any) -> Any:
    from sharing.api import load_file

    if isinstance(contract, (str, Path)):
        return load_file(str(contract))
    return contract


def _as_features(feature_texts: Any) -> list[tuple[str, str]]:
    if isinstance(feature_texts, str):
        return [("audit.feature", feature_texts)]
    if isinstance(feature_texts, dict):
        return [(str(k), str(v)) for k, v in feature_texts.items()]
    out = []
    for i, item in enumerate(feature_texts, start=1):
        if isinstance(item, tuple):
            out.append((str(item[0]), str(item[1])))
        else:
            out.append((f"audit-{i}.feature", str(item)))
    return out


def _safe_name(name: str, i: int) -> str:
    base = re.sub(r"[^\w.\-]+", "_", Path(name).name) or "audit"
    if not base.endswith(".feature"):
        base += ".feature"
    return f"{i:02d}_{base}"


def run_audit(contract: Any, feature_texts: Any, *, cwd: str | None = None,
              timeout: float = RUN_TIMEOUT) -> AuditReport:
    """Run feature texts against a contract (a Contract or a contract file's path).

    ``feature_texts``: one text, a list of texts, a list of (name, text), or {name: text}.
    Raises :class:`schemas.errors.InvalidContract` for an invalid contract file.
    """
    from sharing import __version__
    from sharing.api import run_contract
    from sharing.result import canonical_json, contract_sha256

    c = _as_contract(contract)
    result = run_contract(c)
    features = _as_features(feature_texts)
    root_pkg = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory(prefix="sharing-audit-") as tmp:
        t = Path(tmp)
        (t / "features").mkdir()
        names = {}
        for i, (name, text) in enumerate(features, start=1):
            safe = _safe_name(name, i)
            names[safe] = Path(name).name
            (t / "features" / safe).write_text(text, encoding="utf-8")
        (t / "contract.json").write_text(canonical_json(c), encoding="utf-8")
        # One test module per feature, so a feature that does not parse is reported on its
        # own and the others still run.
        for i, safe in enumerate(names, start=1):
            (t / f"test_audit_{i:02d}.py").write_text(
                '"""Generated by sharing audit: binds a feature to the audit vocabulary."""\n'
                "from pytest_bdd import scenarios\n\n"
                f"scenarios({('features/' + safe)!r})\n", encoding="utf-8")
        (t / "pytest.ini").write_text(
            "[pytest]\n"
            f"bdd_features_base_dir = {t}\n"
            "addopts =\n"
            "python_files = test_audit_*.py\n"
            "filterwarnings = ignore\n", encoding="utf-8")
        report_path = t / "report.json"
        env = dict(os.environ)
        env.update({
            "SHARING_AUDIT_CONTRACT": str(t / "contract.json"),
            "SHARING_AUDIT_REPORT": str(report_path),
            "SHARING_AUDIT_CWD": str(Path(cwd or os.getcwd()).resolve()),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": os.pathsep.join([str(root_pkg)] + (
                [env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])),
        })
        env.pop("PYTEST_ADDOPTS", None)
        cmd = [sys.executable, "-m", "pytest", "-c", str(t / "pytest.ini"), "--rootdir", str(t),
               "-p", "pytest_bdd.plugin", "-p", "sharing.audit.steps", "-p", "no:cacheprovider",
               "--continue-on-collection-errors", "-q", "--no-header", "-rN", "--tb=line",
               str(t)]
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True,
                              timeout=timeout)
        data = (json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists()
                else {"scenarios": [], "errors": []})
    scenarios = []
    for rec in data["scenarios"]:
        steps = [StepResult(keyword=s["keyword"], text=s["text"], line=s["line"],
                            status=s["status"], expected=s.get("expected"),
                            actual=s.get("actual"), message=s.get("message", ""))
                 for s in rec["steps"]]
        scenarios.append(ScenarioResult(
            feature=names.get(rec["feature"], rec["feature"]), feature_name=rec["feature_name"],
            scenario=rec["scenario"], line=rec["line"], status=rec["status"],
            language=rec["language"], example=rec.get("example") or {}, steps=steps,
            message=rec.get("message", "")))
    order = {safe: i for i, safe in enumerate(names)}
    scenarios.sort(key=lambda s: (order.get(next((k for k, v in names.items()
                                                  if v == s.feature), ""), 0), s.line))
    errors = []
    modules = {f"test_audit_{i:02d}.py": orig for i, orig in enumerate(names.values(), start=1)}
    for err in data["errors"]:
        msg, where = err["message"], err.get("where", "")
        for safe, orig in names.items():
            msg = msg.replace(safe, orig)
        where = modules.get(where, where)
        msg = msg.replace(str(t), "")
        errors.append({"where": where, "message": msg})
    if not data["scenarios"] and not errors and proc.returncode not in (0, 5):
        errors.append({"where": "pytest", "message": (proc.stdout + proc.stderr)[-4000:]})
    return AuditReport(contract_name=c.name, contract_sha256=contract_sha256(c),
                       result_sha256=result["result_sha256"], engine_version=__version__,
                       features=[Path(n).name for n, _ in features], scenarios=scenarios,
                       errors=errors, output=proc.stdout + proc.stderr)
