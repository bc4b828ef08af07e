"""Run auditor-written ``.feature`` files against a contract, in process, every check evaluated.

    report = run_audit(contract, {"my-checks.feature": text})
    report.passed            # every scenario passed (and there was at least one)
    print(report.format())   # each scenario and check: passed / failed / not applicable

Features are parsed with the official Gherkin parser (``gherkin-official``: the grammar,
``# language: zh-CN`` keywords, Backgrounds, Scenario Outlines with Examples, Rules and
docstrings as Cucumber defines them) and each step is matched against the phrases of
:mod:`sharing.audit.vocab` and run by :mod:`sharing.audit.steps`. A failing Then-step does not
stop its scenario: every check is evaluated and reported **passed**, **failed** (expected,
actual, the difference and the explanation of the entries it added up) or **not applicable**
(an earlier Given or When could not be done, so there is no contract to check). A step the
vocabulary does not know is **unknown** (with the closest phrase and the list); one that
cannot be done as written (a year outside the contract, an unknown party) is an **error**.

Each scenario names the contract it ran against (the contract under audit, a preset, a file
or an inline contract) with its SHA-256 and its result's SHA-256; the report names each
feature file with the SHA-256 of its text, the engine version and the date (docs/audit.md).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Check outcomes, in the order summaries list them.
CHECK_STATUSES = ("passed", "failed", "not applicable", "error", "unknown")
#: Scenario outcomes, in the same order; a scenario takes the first of these its steps have,
#: read from the end: unknown step, error, failed, then passed.
SCENARIO_STATUSES = ("passed", "failed", "error", "unknown step")

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class StepResult:
    keyword: str
    text: str
    line: int
    status: str  # passed, failed, not applicable, error, unknown
    expected: str | None = None
    actual: str | None = None
    message: str = ""
    is_check: bool = False  # a Then-step (a check) rather than a Given/When
    difference: str | None = None
    explanation: list[str] = field(default_factory=list)
    # the outcome as the check states it (English), so any language can be shown later
    expected_en: str | None = field(default=None, repr=False)
    actual_en: str | None = field(default=None, repr=False)

    def outcome_in(self, lang: str) -> tuple[str | None, str | None]:
        """(expected, actual) in ``lang``."""
        from .i18n import outcome

        if self.expected_en is None:
            return outcome(self.expected, lang), outcome(self.actual, lang)
        return outcome(self.expected_en, lang), outcome(self.actual_en, lang)


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
    #: what it ran against: kind (argument, preset, file, inline), name, contract_sha256,
    #: result_sha256 (and text_sha256 for a file or inline text); None if it had none
    contract: dict[str, Any] | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def checks(self) -> list[StepResult]:
        return [s for s in self.steps if s.is_check]


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
    #: each feature file: name and the SHA-256 of its text (UTF-8)
    feature_files: list[dict[str, str]] = field(default_factory=list)
    at: str = ""  # when the audit ran (UTC, ISO 8601)

    @property
    def passed(self) -> bool:
        return bool(self.scenarios) and not self.errors and all(s.passed for s in self.scenarios)

    @property
    def counts(self) -> dict[str, int]:
        """Scenarios by outcome."""
        out: dict[str, int] = {}
        for s in self.scenarios:
            out[s.status] = out.get(s.status, 0) + 1
        return out

    @property
    def check_counts(self) -> dict[str, int]:
        """Checks (Then-steps, and unknown steps) by outcome."""
        out: dict[str, int] = {}
        for sc in self.scenarios:
            for st in sc.steps:
                if st.is_check or st.status == "unknown":
                    out[st.status] = out.get(st.status, 0) + 1
        return out

    @property
    def summary(self) -> dict[str, Any]:
        """The figures every output shows (CLI, JSON, web page): the same numbers."""
        return {"scenarios": len(self.scenarios),
                "scenario_counts": {k: self.counts.get(k, 0) for k in SCENARIO_STATUSES},
                "checks": sum(self.check_counts.values()),
                "check_counts": {k: self.check_counts.get(k, 0) for k in CHECK_STATUSES},
                "feature_errors": len(self.errors)}

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("output", None)
        d["passed"] = self.passed
        d["counts"] = self.counts
        d["check_counts"] = self.check_counts
        d["summary"] = self.summary
        return d

    def summary_line_zh(self) -> str:
        """The same figures as :meth:`summary_line`, in Chinese (the web page's wording)."""
        from .i18n import tr

        sm = self.summary
        return tr("zh", "Scenarios: %(n)s (passed %(passed)s, failed %(failed)s, error "
                  "%(error)s, unknown step %(unknown)s); checks: %(c)s (passed %(cp)s, failed "
                  "%(cf)s, not applicable %(cn)s, error %(ce)s, unknown step %(cu)s).",
                  n=sm["scenarios"], passed=sm["scenario_counts"]["passed"],
                  failed=sm["scenario_counts"]["failed"], error=sm["scenario_counts"]["error"],
                  unknown=sm["scenario_counts"]["unknown step"], c=sm["checks"],
                  cp=sm["check_counts"]["passed"], cf=sm["check_counts"]["failed"],
                  cn=sm["check_counts"]["not applicable"], ce=sm["check_counts"]["error"],
                  cu=sm["check_counts"]["unknown"])

    def summary_line(self) -> str:
        s = self.summary
        sc = ", ".join(f"{n} {k}" for k, n in s["scenario_counts"].items() if n) or "none run"
        ch = ", ".join(f"{n} {k}" for k, n in s["check_counts"].items() if n) or "none"
        return (f"{s['scenarios']} scenario{'s' if s['scenarios'] != 1 else ''}: {sc}; "
                f"{s['checks']} check{'s' if s['checks'] != 1 else ''}: {ch}"
                + (f"; {len(self.errors)} feature error(s)" if self.errors else ""))

    @property
    def language(self) -> str:
        """zh when every scenario is written in Chinese, else en."""
        return "zh" if self.scenarios and all(s.language == "zh" for s in self.scenarios) \
            else "en"

    def format(self, verbose: bool = True, lang: str | None = None) -> str:
        """The report as the CLI prints it, in ``lang`` (default: the features' language)."""
        from .i18n import tr

        shown = lang or self.language
        if shown == "zh":
            z = "zh"
            lines = [tr(z, "audit of %(name)s", name=self.contract_name),
                     f"{tr(z, 'contract SHA-256')}  {self.contract_sha256}",
                     f"{tr(z, 'result SHA-256')}  {self.result_sha256}",
                     f"{tr(z, 'engine')}  benefit-sharing {self.engine_version}",
                     f"{tr(z, 'date (UTC)')}  {self.at}"]
            for f in self.feature_files:
                lines.append(f"{tr(z, 'feature file')}  {f['name']}  SHA-256 {f['sha256']}")
        else:
            lines = [f"audit of {self.contract_name}" if self.contract_name else "audit",
                     f"contract sha256 {self.contract_sha256}",
                     f"result sha256   {self.result_sha256}",
                     f"engine          benefit-sharing {self.engine_version}",
                     f"date            {self.at}"]
            for f in self.feature_files or [{"name": n, "sha256": ""} for n in self.features]:
                lines.append(f"feature         {f['name']}  sha256 {f['sha256']}")
        if self.scenarios and not any(sc.contract and sc.contract.get("kind") == "argument"
                                      for sc in self.scenarios):
            # the hashes above are of the file named on the command line, which no scenario
            # used: each scenario names the contract it ran against below
            lines.append(tr("zh", "no scenario ran against this contract; each scenario names "
                                  "its own below") if shown == "zh" else
                         "no scenario ran against this contract; each scenario names its own "
                         "below")
        lines.append("")

        for sc in self.scenarios:
            lg = lang or sc.language
            ex = (" [" + ", ".join(f"{k}={v}" for k, v in sc.example.items()) + "]"
                  if sc.example else "")
            status = sc.status.upper() if lg == "en" else {
                "passed": "通过", "failed": "未通过", "error": "出错",
                "unknown step": "未知步骤"}.get(sc.status, sc.status)
            lines.append(f"{status:8} {sc.feature}:{sc.line}  {sc.scenario}{ex}")
            if sc.contract is not None:
                c = sc.contract
                what = {"argument": tr(lg, "the contract under audit"),
                        "preset": tr(lg, "preset %(name)s", name=c["name"]),
                        "file": tr(lg, "file %(name)s", name=c["name"]),
                        "inline": tr(lg, "inline contract")}[c["kind"]]
                lines.append("         " + tr(
                    lg, "against %(what)s: contract sha256 %(c)s, result sha256 %(r)s",
                    what=what, c=c["contract_sha256"], r=c["result_sha256"] or "-"))
            for st in sc.steps:
                mark = {"passed": "✓", "failed": "✗", "error": "!", "unknown": "?",
                        "not applicable": "-"}.get(st.status, " ")
                if not verbose and st.status == "passed" and st.expected is None:
                    continue
                head = f"  {mark} {st.keyword} {st.text}"
                if st.status == "not applicable":
                    head += "   (" + tr(lg, "not applicable") + ")"
                if st.expected is not None:
                    expected, actual = st.outcome_in(lg)
                    head += (f"\n      {tr(lg, 'expected'):8} {expected}"
                             f"\n      {tr(lg, 'actual'):8} {actual}")
                lines.append(head)
                if st.status == "failed":
                    lines += [f"      {tr(lg, 'because'):8} {w}" for w in st.explanation]
                if st.status in ("error", "unknown", "not applicable") and st.message:
                    lines += ["      " + m for m in st.message.splitlines()]
        for err in self.errors:
            lines.append(f"{tr(shown, 'ERROR'):8} {err.get('where', '')}")
            lines += ["      " + m for m in str(err.get("message", "")).splitlines()[-20:]]
        if shown == "zh":  # the verdict keeps its English token for scripts
            lines += ["", self.summary_line_zh(),
                      tr("zh", "AUDIT PASSED") + "（AUDIT PASSED）" if self.passed else
                      tr("zh", "AUDIT FAILED") + "（AUDIT FAILED）"]
        else:
            lines += ["", self.summary_line(), "AUDIT PASSED" if self.passed else "AUDIT FAILED"]
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


def _nodes(doc: Any) -> dict[str, dict[str, Any]]:
    """Every node of a Gherkin document that has an id, by id."""
    out: dict[str, dict[str, Any]] = {}

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            if "id" in x and "location" in x:
                out[x["id"]] = x
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(doc)
    return out


def _examples_of(nodes: dict[str, dict[str, Any]], row_id: str) -> dict[str, str]:
    for node in nodes.values():
        body = node.get("tableBody")
        if body and any(r["id"] == row_id for r in body):
            header = [c["value"] for c in node["tableHeader"]["cells"]]
            row = next(r for r in body if r["id"] == row_id)
            return dict(zip(header, [c["value"] for c in row["cells"]], strict=False))
    return {}


def _lang(language: str, text: str = "") -> str:
    return "zh" if language.startswith("zh") or _CJK.search(text) else "en"


def _unknown_message(keyword: str, text: str, lang: str) -> str:
    from . import vocab
    from .i18n import tr

    near = vocab.suggest(text, lang)
    hint = vocab.quoting_hint(text, lang)
    return (tr(lang, "unknown step: %(step)s", step=f"{keyword} {text}") + "\n"
            + (tr(lang, "closest phrase: %(phrase)s", phrase=near) + "\n"
               if near and near != text else "")
            + (f"{hint}\n" if hint else "")
            + tr(lang, "the phrases that exist:") + "\n  "
            + "\n  ".join(vocab.phrase_list(lang)))


def _run_pickle(pickle: dict[str, Any], nodes: dict[str, dict[str, Any]], feature: str,
                feature_name: str, ctx: Any) -> ScenarioResult:
    from . import steps as stepmod
    from . import vocab
    from .i18n import outcome as localise
    from .i18n import tr

    scenario_node = nodes[pickle["astNodeIds"][0]]
    example = _examples_of(nodes, pickle["astNodeIds"][1]) if len(pickle["astNodeIds"]) > 1 \
        else {}
    language = pickle.get("language", "en")
    rec = ScenarioResult(feature=feature, feature_name=feature_name, scenario=pickle["name"],
                         line=scenario_node["location"]["line"], status="passed",
                         language=_lang(language), example=example)
    blocked: str | None = None  # why later checks are not applicable
    last_type = "Context"
    for ps in pickle["steps"]:
        node = nodes[ps["astNodeIds"][0]]
        keyword = node["keyword"].strip()
        kind = ps.get("type", "Unknown")
        if kind == "Unknown":
            kind = last_type
        last_type = kind
        text = ps["text"]
        lang = _lang(language, text)
        doc = (ps.get("argument") or {}).get("docString", {}).get("content")
        found = vocab.match(text, lang) or vocab.match(text, "zh" if lang == "en" else "en")
        st = StepResult(keyword=keyword, text=text, line=node["location"]["line"],
                        status="passed", is_check=(found[0].type == "then" if found else
                                                   kind == "Outcome"))
        rec.steps.append(st)
        if found is None:
            st.status, st.message = "unknown", _unknown_message(keyword, text, lang)
            continue
        phrase, args = found
        if blocked is not None and phrase.type == "then":
            st.status, st.message = "not applicable", blocked
            continue
        if ctx.source is not None:
            ctx.source.subject.last_entries = []  # the explanation is this check's own
        try:
            outcome = stepmod.run_step(ctx, phrase, args, doc)
        except vocab.AuditError as e:
            st.status, st.message = "error", str(e)
            if phrase.type != "then":
                blocked = tr(lang, "not checked: the step on line %(line)s could not be done "
                             "(%(why)s)", line=st.line, why=str(e))
            continue
        except Exception as e:  # noqa: BLE001 - the engine refused: reported, never raised
            st.status, st.message = "error", f"{type(e).__name__}: {e}"
            if phrase.type != "then":
                blocked = tr(lang, "not checked: the step on line %(line)s could not be done "
                             "(%(why)s)", line=st.line, why=type(e).__name__)
            continue
        if outcome is None:
            continue
        diff = re.search(r"\(difference ([^)]+)\)", outcome.actual or "")
        st.difference = diff.group(1) if diff else None
        st.expected, st.actual = localise(outcome.expected, lang), localise(outcome.actual, lang)
        st.expected_en, st.actual_en = outcome.expected, outcome.actual
        if not outcome.ok:
            st.status = "failed"
            st.explanation = stepmod.explanation(ctx.need())
            if outcome.note and not st.explanation:
                st.explanation = [outcome.note]
    statuses = {s.status for s in rec.steps}
    rec.status = ("unknown step" if "unknown" in statuses else
                  "error" if "error" in statuses else
                  "failed" if statuses & {"failed", "not applicable"} else "passed")
    bad = next((s for s in rec.steps if s.status in ("unknown", "error")), None)
    rec.message = bad.message if bad is not None else ""
    rec.contract = None if blocked is not None else stepmod.subject_identity(ctx.source)
    return rec


def run_audit(contract: Any, feature_texts: Any, *, cwd: str | None = None) -> AuditReport:
    """Run feature texts against a contract (a Contract or a contract file's path).

    ``feature_texts``: one text, a list of texts, a list of (name, text), or {name: text}.
    ``cwd`` is where ``Given the contract file …`` looks. Raises
    :class:`schemas.errors.InvalidContract` for an invalid contract file.
    """
    from gherkin.errors import CompositeParserException, ParserError
    from gherkin.parser import Parser
    from gherkin.pickles.compiler import Compiler

    from sharing import __version__
    from sharing.api import run_contract
    from sharing.result import contract_sha256

    from . import steps as stepmod
    from .vocab import Subject

    c = _as_contract(contract)
    result = run_contract(c)
    subject = Subject(c, "the contract under audit")
    subject._result = result
    default = stepmod.Source("argument", c.name or "", subject)
    features = _as_features(feature_texts)
    cache: dict[str, Any] = {}
    scenarios: list[ScenarioResult] = []
    errors: list[dict[str, str]] = []
    files = []
    for name, text in features:
        shown = Path(name).name
        files.append({"name": shown,
                      "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
        try:
            doc = Parser().parse(text)
            doc["uri"] = shown
            pickles = Compiler().compile(doc)
        except (CompositeParserException, ParserError) as e:
            errors.append({"where": shown, "message": str(e)})
            continue
        if doc.get("feature") is None:
            errors.append({"where": shown, "message": "no Feature: line (功能:)"})
            continue
        nodes = _nodes(doc)
        fname = doc["feature"]["name"]
        for pickle in pickles:
            ctx = stepmod.Context(default, cwd=cwd, cache=cache)
            scenarios.append(_run_pickle(pickle, nodes, shown, fname, ctx))
    return AuditReport(contract_name=c.name, contract_sha256=contract_sha256(c),
                       result_sha256=result["result_sha256"], engine_version=__version__,
                       features=[f["name"] for f in files], scenarios=scenarios,
                       errors=errors, feature_files=files,
                       at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
