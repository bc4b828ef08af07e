"""Every worked example of docs/semantics.md runs and gives the figures its `expect` block states.

The figures were worked by hand in the prose beside each example; this test keeps the page and
the engine in step.
"""

from __future__ import annotations

import pathlib
import re
from fractions import Fraction

import pytest
import yaml

from sharing.api import parse_contract, run_contract

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "semantics.md"
BLOCK = re.compile(r"```yaml\n(.*?)```\s*```expect\n(.*?)```", re.S)


def _fen(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    whole, _, cents = text.lstrip("-").replace(",", "").partition(".")
    assert len(cents) == 2, text
    return sign * (int(whole) * 100 + int(cents))


def _examples() -> list[tuple[str, str, str]]:
    found = BLOCK.findall(DOC.read_text("utf-8"))
    return [(yaml.safe_load(y)["name"], y, e) for y, e in found]


EXAMPLES = _examples()


def test_the_page_has_worked_examples():
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("name,contract,expect", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_worked_example(name: str, contract: str, expect: str):
    result = run_contract(parse_contract(yaml.safe_load(contract)))
    years = result["years"]
    for line in expect.strip().splitlines():
        word, *args = line.split()
        if word == "entry":
            year, clause, party, kind, amount = args
            got = sum(_fen(e["amount"]) for e in result["entries"]
                      if e["year"] == int(year) and e["party"] == party and e["kind"] == kind
                      and e["clause"] == (None if clause == "-" else clause))
            assert got == _fen(amount), line
        elif word == "net":
            year, party, amount = args
            got = result["parties"][party]["net_by_year"][years.index(int(year))]
            assert _fen(got) == _fen(amount), line
        elif word == "event":
            year, clause, kind = args
            assert any(ev["year"] == int(year) and ev["clause"] == clause and ev["kind"] == kind
                       for ev in result["events"]), line
        elif word == "pool":
            clause, *balances = args
            got = result["clauses"][clause]["pool_balances"]
            assert [_fen(b) for b in got] == [_fen(b) for b in balances], line
        elif word == "ratio":
            clause, year, party, ratio = args
            got = result["clauses"][clause]["equity_ratios"][party][years.index(int(year))]
            assert Fraction(got) == Fraction(ratio), line
        elif word == "deficit":
            clause, year, amount = args
            got = result["clauses"][clause]["deficits"][years.index(int(year))]
            assert _fen(got) == _fen(amount), line
        elif word == "indicator":
            year, party, amount = args
            got = result["indicators"][party]["net_by_year"][years.index(int(year))]
            assert _fen(got) == _fen(amount), line
        elif word == "last_year":
            assert result["last_year"] == int(args[0]), line
        else:
            raise AssertionError(f"unknown expect line: {line}")
