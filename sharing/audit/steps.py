"""pytest plugin binding the audit vocabulary (:mod:`sharing.audit.vocab`) to pytest-bdd.

Loaded by the audit runner as ``-p sharing.audit.steps`` in a pytest process of its own. The
contract under audit is read from the file named by ``SHARING_AUDIT_CONTRACT``; the outcome of
every scenario (each step with what was expected and what the contract gives) is written as
JSON to ``SHARING_AUDIT_REPORT`` when the session ends.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from . import vocab
from .vocab import AuditError, Subject

_CJK = re.compile(r"[\u4e00-\u9fff]")
_SUBJECTS: dict[str, Subject] = {}
_RECORDS: dict[str, dict[str, Any]] = {}
_ERRORS: list[dict[str, Any]] = []


class Context:
    """What one scenario audits: the contract under audit unless a Given step names another."""

    def __init__(self, default: Subject | None):
        self.subject = default
        self.last: vocab.Outcome | None = None

    def need(self) -> Subject:
        if self.subject is None:
            raise AuditError("no contract: give one on the command line or with a Given step")
        return self.subject


def _load_subject(text: str, filename: str, origin: str) -> Subject:
    from schemas.errors import InvalidContract
    from sharing.api import load_document, parse_contract

    try:
        contract = parse_contract(load_document(text, filename))
    except InvalidContract as e:
        raise AuditError("the contract is invalid: " + "; ".join(str(i) for i in e.issues)) from None
    return Subject(contract, origin)


def _default_subject() -> Subject | None:
    path = os.environ.get("SHARING_AUDIT_CONTRACT")
    if not path:
        return None
    if path not in _SUBJECTS:
        _SUBJECTS[path] = _load_subject(Path(path).read_text(encoding="utf-8"), path,
                                        "the contract under audit")
    return _SUBJECTS[path]


@pytest.fixture
def audit_ctx() -> Context:
    return Context(_default_subject())


# ---- Given / When ----------------------------------------------------------------------------

def _both(decorator: Any, key: str) -> Any:
    phrase = next(p for p in vocab.PHRASES if p.key == key)

    def wrap(fn: Any) -> Any:
        for lang in ("en", "zh"):
            fn = decorator(parsers.re(phrase.regex(lang)), stacklevel=2)(fn)
        return fn
    return wrap


@_both(given, "contract_under_audit")
def _contract_under_audit(audit_ctx: Context) -> None:
    audit_ctx.need()


@_both(given, "preset")
def _preset(audit_ctx: Context, name: str) -> None:
    from .presets import preset_path

    name = vocab.unquote(name)
    key = f"preset:{name}"
    if key not in _SUBJECTS:
        path = preset_path(name)
        _SUBJECTS[key] = _load_subject(path.read_text(encoding="utf-8"), str(path),
                                       f"preset {name}")
    audit_ctx.subject = _SUBJECTS[key]


@_both(given, "contract_file")
def _contract_file(audit_ctx: Context, path: str) -> None:
    p = Path(vocab.unquote(path))
    base = os.environ.get("SHARING_AUDIT_CWD")
    if not p.is_absolute() and base:
        p = Path(base) / p
    if not p.exists():
        raise AuditError(f"no contract file {str(p)!r}")
    key = f"file:{p.resolve()}"
    if key not in _SUBJECTS:
        _SUBJECTS[key] = _load_subject(p.read_text(encoding="utf-8"), str(p), str(p))
    audit_ctx.subject = _SUBJECTS[key]


@_both(given, "contract_doc")
def _contract_doc(audit_ctx: Context, docstring: str | None = None) -> None:
    if not docstring:
        raise AuditError('write the contract as YAML in a docstring (""" … """) under this step')
    audit_ctx.subject = _load_subject(docstring, "inline.yaml", "the inline contract")


@_both(when, "run")
def _run(audit_ctx: Context) -> None:
    audit_ctx.need().result  # noqa: B018 - computed for its errors


@_both(when, "check_runs")
def _check_runs(audit_ctx: Context) -> None:
    audit_ctx.need().warnings  # noqa: B018


# ---- Then: one function per phrase --------------------------------------------------------------

def _make_then(phrase: vocab.Phrase) -> None:
    check = phrase.check
    assert check is not None

    def step(audit_ctx: Context, **kwargs: Any) -> None:
        subject = audit_ctx.need()
        outcome = check(subject, **kwargs)
        audit_ctx.last = outcome
        if not outcome.ok:
            raise AssertionError(f"expected {outcome.expected}, actual {outcome.actual}")

    import inspect

    names = [n for n in inspect.signature(check).parameters if n != "s"]
    params = [inspect.Parameter("audit_ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]
    step.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    step.__name__ = f"then_{phrase.key}"
    for lang in ("en", "zh"):
        then(parsers.re(phrase.regex(lang)), stacklevel=2)(step)


for _p in vocab.PHRASES:
    if _p.type == "then":
        _make_then(_p)


# ---- collecting the outcome ---------------------------------------------------------------------

def _lang_of(feature: Any, text: str = "") -> str:
    lang = getattr(feature, "language", "en") or "en"
    if lang.startswith("zh") or _CJK.search(text):
        return "zh"
    return "en"


def _record(request: Any, feature: Any, scenario: Any) -> dict[str, Any]:
    node = request.node
    rec = _RECORDS.get(node.nodeid)
    if rec is None:
        params = {}
        callspec = getattr(node, "callspec", None)
        if callspec is not None:
            ex = callspec.params.get("_pytest_bdd_example")
            if isinstance(ex, dict):
                params = {str(k): str(v) for k, v in ex.items()}
        rec = {"nodeid": node.nodeid, "feature": Path(feature.filename).name,
               "feature_name": feature.name, "scenario": scenario.name,
               "line": scenario.line_number, "example": params, "language": _lang_of(feature),
               "status": "passed", "steps": [], "message": ""}
        rec["_all_steps"] = [(s.keyword.strip(), s.name, s.line_number) for s in scenario.steps]
        _RECORDS[node.nodeid] = rec
    return rec


def _ctx(request: Any) -> Context | None:
    try:
        return request.getfixturevalue("audit_ctx")
    except Exception:  # pragma: no cover - the fixture always exists here
        return None


def pytest_bdd_before_scenario(request: Any, feature: Any, scenario: Any) -> None:
    _record(request, feature, scenario)


def pytest_bdd_after_step(request: Any, feature: Any, scenario: Any, step: Any, step_func: Any,
                          step_func_args: Any) -> None:
    rec = _record(request, feature, scenario)
    ctx = _ctx(request)
    out = ctx.last if ctx else None
    rec["steps"].append({"keyword": step.keyword.strip(), "text": step.name,
                         "line": step.line_number, "status": "passed",
                         "expected": out.expected if out else None,
                         "actual": out.actual if out else None})
    if ctx:
        ctx.last = None


def pytest_bdd_step_error(request: Any, feature: Any, scenario: Any, step: Any, step_func: Any,
                          step_func_args: Any, exception: BaseException) -> None:
    rec = _record(request, feature, scenario)
    ctx = _ctx(request)
    out = ctx.last if ctx else None
    status = "failed" if isinstance(exception, AssertionError) else "error"
    msg = str(exception) if isinstance(exception, (AssertionError, AuditError)) else \
        f"{type(exception).__name__}: {exception}"
    rec["steps"].append({"keyword": step.keyword.strip(), "text": step.name,
                         "line": step.line_number, "status": status,
                         "expected": out.expected if out else None,
                         "actual": out.actual if out else None, "message": msg})
    rec["status"] = status
    rec["message"] = msg


def pytest_bdd_step_func_lookup_error(request: Any, feature: Any, scenario: Any, step: Any,
                                      exception: BaseException) -> None:
    rec = _record(request, feature, scenario)
    lang = _lang_of(feature, step.name)
    near = vocab.suggest(step.name, lang)
    msg = (f"unknown step: {step.keyword.strip()} {step.name}\n"
           + (f"closest phrase: {near}\n" if near else "")
           + "the phrases that exist:\n  " + "\n  ".join(vocab.phrase_list(lang)))
    rec["steps"].append({"keyword": step.keyword.strip(), "text": step.name,
                         "line": step.line_number, "status": "unknown", "message": msg})
    rec["status"] = "unknown step"
    rec["message"] = msg


def pytest_collectreport(report: Any) -> None:
    if report.failed:
        _ERRORS.append({"where": report.nodeid, "message": str(report.longrepr)})


def pytest_runtest_logreport(report: Any) -> None:
    rec = _RECORDS.get(report.nodeid)
    if report.when == "call" and rec is not None and report.failed and rec["status"] == "passed":
        rec["status"] = "error"
        rec["message"] = str(report.longrepr)[-2000:]
    if report.when == "setup" and report.failed and rec is None:
        _ERRORS.append({"where": report.nodeid, "message": str(report.longrepr)[-4000:]})


def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    out = os.environ.get("SHARING_AUDIT_REPORT")
    if not out:
        return
    scenarios = []
    for rec in _RECORDS.values():
        done = len(rec["steps"])
        for kw, text, line in rec.pop("_all_steps")[done:]:
            rec["steps"].append({"keyword": kw, "text": text, "line": line, "status": "skipped"})
        scenarios.append(rec)
    Path(out).write_text(json.dumps({"scenarios": scenarios, "errors": _ERRORS},
                                    ensure_ascii=False, indent=1), encoding="utf-8")
