"""The whitelist formula parser: targets parse; nothing else runs.

User text never reaches eval/exec/sympify/parse_expr: it is parsed by ast.parse and walked
node by node, and these payloads must all be refused without effect.
"""

from __future__ import annotations

import pathlib

import pytest
import sympy as sp

from sharing.api import load_file
from sharing.scenarios.formula import FormulaError
from sharing.scenarios.solve import Nash, parse_target

from .conftest import DATA

CANARY = pathlib.Path("/tmp/sharing-formula-canary")


@pytest.fixture(scope="module")
def contract():
    return load_file(str(DATA / "tiny.yaml"))


def test_targets_parse_to_sympy_equations(contract):
    t = parse_target("npv(a) == npv(b)", contract)
    assert t == sp.Eq(sp.Symbol("npv(a)"), sp.Symbol("npv(b)"))
    t = parse_target("npv(a) = 1.2e6 + 0.5", contract)  # a lone = reads as ==
    assert t.rhs == sp.Rational(2400001, 2)
    t = parse_target("total('a') / 2 == -(3 - npv(b)) * 2**3", contract)
    assert t.lhs == sp.Symbol("total(a)") / 2
    assert t.rhs == 8 * sp.Symbol("npv(b)") - 24
    n = parse_target("nash(a=0, b=1000000)", contract)
    assert isinstance(n, Nash) and n.disagreement["b"] == 1000000


INJECTIONS = [
    "__import__('os').system('touch /tmp/sharing-formula-canary')",
    "npv(a).__class__.__bases__[0].__subclasses__()",
    "().__class__",
    "npv(a).real == 1",
    "npv(a)[0] == 1",
    "(lambda: 1)() == 1",
    "[x for x in range(10)] == 1",
    "{x: 1 for x in 'ab'} == 1",
    "1 if npv(a) else 2",
    "npv(a) == 1 and npv(b) == 2",
    "npv(a) == 1 or exec('1')",
    "eval('1') == 1",
    "exec('import os')",
    "open('/etc/passwd') == 1",
    "getattr(npv(a), 'x') == 1",
    "npv(a) < npv(b)",
    "npv(a) == npv(b) == 1",
    "(x := 1) == 1",
    "f'{npv(a)}' == 1",
    "'a' * 10**9 == 1",
    "9**9**9**9 == 1",
    "2**100000 == 1",
    "(2**8)**8**2 == 1",
    "((((((((((((((((((((((((((1))))))))))))))))))))))))) == 1",
    "-" * 400 + "1 == 1",
    "npv(a) " + "+ 1 " * 300 + "== 1",
    "1" * 60 + " == npv(a)",
    "npv(*[a]) == 1",
    "npv(a, b) == 1",
    "npv(1 + 1) == 1",
    "npv(zed) == 1",
    "nash(a=1) == 1",
    "npv(a) == nash(a=0, b=0)",
    "a == 1",
    "1 == 1",
    "npv(a) ^ 2 == 1",
    "npv(a) @ npv(b) == 1",
    "~npv(a) == 1",
    "npv(a) == 1; import os",
    "npv(a) == 1\nimport os",
    "npv(a) == 1 / 0",
    "b'x' == 1",
    "1j == npv(a)",
    "True == npv(a)",
    "None == npv(a)",
    "...",
    "x" * 600,
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_payloads_are_refused(text, contract):
    CANARY.unlink(missing_ok=True)
    with pytest.raises(FormulaError):
        parse_target(text, contract)
    assert not CANARY.exists()


def test_deep_nesting_is_refused_before_parsing(contract):
    with pytest.raises(FormulaError, match="nest"):
        parse_target("(" * 240 + "1" + ")" * 240 + " == npv(a)", contract)


def test_no_eval_exec_or_string_parsers_in_the_package():
    """The pre-stop hook's grep, as a test: none of these is called in sharing/."""
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "sharing"
    bad = re.compile(r"\b(eval|exec)\(|sympify\(|parse_expr\(")
    hits = [f"{p}:{n}" for p in root.rglob("*.py")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if bad.search(line) and not line.lstrip().startswith("#")]
    assert hits == []
