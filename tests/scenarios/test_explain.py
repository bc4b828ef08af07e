"""explain: the formulas worked out at the contract's values equal the engine's ledger, to
the fen, for every example and conformance contract; and at other values they equal the
modified contract run alone (the formulas are right as functions, not only at one point)."""

from __future__ import annotations

import pathlib

import pytest
import sympy as sp

from sharing.api import parse_contract, run_contract
from sharing.loader import read_file
from sharing.scenarios.explain import explain, render, symbolic_params
from sharing.scenarios.paths import apply, parse_path
from sharing.scenarios.symbolic import SymbolicRun, evaluate

from .conftest import EXAMPLES, ROOT, fen

CONFORMANCE = ROOT / "tests" / "conformance"
CONTRACTS = sorted(EXAMPLES.glob("*.yaml")) + sorted(CONFORMANCE.glob("*.yaml"))


def auto_params(doc: dict) -> list[str]:
    """A two-party share, a buffer's start and a stream's projection, where the contract
    has them."""
    out = []
    for c in doc.get("clauses", []):
        shares = c.get("schedule", [{}])[0].get("shares") if c.get("kind") in (
            "tax_split", "cost_share") else None
        if isinstance(shares, dict) and "from_equity" not in shares and len(shares) == 2:
            out.append(f"clauses.{c['id']}.schedule[0].shares.{next(iter(shares))}")
            break
    out += [f"clauses.{c['id']}.start" for c in doc.get("clauses", [])
            if c.get("kind") == "buffer" and c.get("start") is not None][:1]
    s = next(s for s in doc["streams"] if s["kind"] != "indicator")
    out.append(f"streams.{s['id']}." + ("first" if "first" in s else "series[2]"))
    return out


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_substitution_equals_the_ledger(path: pathlib.Path):
    doc = read_file(str(path))
    out = explain(doc, parse_contract(doc), auto_params(doc))
    for pid, figures in out["parties"].items():
        for what, fig in figures.items():
            assert fig["equal"], (path.name, pid, what, fig["value"], fig["ledger"])
            assert fig["value"] == fig["ledger"]


CASES = [
    # cap on a buffer (Piecewise), the share and the growth of a relocated stream
    ("bth-92hao-relocation.yaml", ["clauses.bth_92.start", "streams.firm_vat.growth"],
     [[0.37, 0.02], [0.9, 0.12]]),
    # pool funding rate and a contribution (equity ratios, floors of contributions, backstop)
    ("zhejiang-mountain-sea-guarantee.yaml",
     ["clauses.guarantee_pool.funded_by[0].rate", "clauses.holdco.contributions[0].value"],
     [[0.05, 45000000], [0.3, 10000000]]),
    # an exit trigger's threshold and a year's amount (trigger, notice, npv buyout, penalty)
    ("early-exit-npv-buyout.yaml",
     ["clauses.exit.triggers[0].threshold", "streams.park_vat.series[3]"],
     [[1000000, 28000000], [6000000, 15000000], [3000000, 40000000]]),
]


@pytest.mark.parametrize("name,paths,points", CASES, ids=[c[0] for c in CASES])
def test_formulas_at_other_values_equal_the_contract_run_alone(name, paths, points):
    doc = read_file(str(EXAMPLES / name))
    contract = parse_contract(doc)
    values, params = symbolic_params(doc, contract, paths)
    run = SymbolicRun(contract, values)
    for point in points:
        env = {p.symbol: sp.nsimplify(str(v), rational=True)
               for p, v in zip(params, point, strict=True)}
        alone = run_contract(parse_contract(apply(doc, [
            (parse_path(path), str(v), None) for path, v in zip(paths, point, strict=True)])))
        for i, pid in enumerate(run.parties):
            assert evaluate(run.net_total(i), run.tape, dict(env)) == fen(
                alone["parties"][pid]["net_total"]), (name, point, pid)
            assert evaluate(run.npv(i), run.tape, dict(env)) == fen(
                alone["parties"][pid]["npv"]), (name, point, pid)


def test_caps_appear_as_piecewise_in_text_and_latex():
    doc = read_file(str(EXAMPLES / "bth-92hao-relocation.yaml"))
    out = explain(doc, parse_contract(doc), ["clauses.bth_92.start"], party="beijing")
    text, latex = render(out, "text"), render(out, "latex")
    assert "Piecewise((" in text and "round(" in text and "bth_92_start" in text
    assert r"\begin{cases}" in latex
    assert "= the ledger ✓" in text
    assert list(out["parties"]) == ["beijing"]


def test_a_share_of_a_two_party_map_moves_the_other_share():
    doc = read_file(str(EXAMPLES / "incremental-step-split.yaml"))
    out = explain(doc, parse_contract(doc),
                  ["clauses.increment_split.schedule[0].shares.suzhou"])
    text = render(out)
    assert "1 - increment_split_0_suzhou" in text


@pytest.mark.parametrize("params,message", [
    (["clauses.nosuch.start"], "no entry with id"),
    (["clauses.increment_split.schedule[0].years"], "count of years"),
    (["clauses.increment_split.schedule[0].shares"], "not a number"),
    ([], "at least one"),
])
def test_bad_parameters_are_explained(params, message):
    doc = read_file(str(EXAMPLES / "incremental-step-split.yaml"))
    with pytest.raises(ValueError, match=message):
        explain(doc, parse_contract(doc), params)
