"""Properties of the operating years (semantics §6.1, §6.2, §6.4), on generated registers.

- actual figures equal to the projection give the projection's amounts;
- conservation: every year the parties receive exactly the shareable amounts (a buffer-only
  case has no pool or company), and settled positions sum to zero;
- per-enterprise results add up, with the rest, to the party totals.

The projection in the test is computed independently: first × (1 + growth)^(c − production
year) in exact fractions, rounded half up to the fen.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharing.operating.compute import compute_case, fen, result_document
from sharing.operating.enterprise import Enterprise
from sharing.operating.pipeline import read_inputs
from sharing.operating.settle import positions

from .conftest import CASE01

CASE = read_inputs(str(CASE01 / "contract.yaml"), register=str(CASE01 / "register.csv")).case


def _half_up(x: Fraction) -> int:
    return int((2 * x.numerator + x.denominator) // (2 * x.denominator)) if x >= 0 else \
        -int((-2 * x.numerator + x.denominator) // (2 * x.denominator))


@st.composite
def registers(draw) -> list[Enterprise]:
    n = draw(st.integers(1, 4))
    out = []
    for i in range(n):
        reloc = draw(st.integers(2019, 2025))
        prod = reloc + draw(st.integers(0, 2))
        pre = {y: Fraction(draw(st.integers(0, 3000))) for y in (reloc - 2, reloc - 1)}
        first = Fraction(draw(st.integers(0, 100_000_000)), 10_000)  # 万元, to the yuan
        growth = draw(st.sampled_from([Fraction(0), Fraction(1, 10), Fraction(-3, 100),
                                       Fraction(7, 3)]))
        out.append(Enterprise(f"E{i}", f"企业{i}", "beijing", reloc, prod, i + 2, pre,
                              {"vat": first}, {"vat": growth}))
    return out


def projection(e: Enterprise, year: int) -> int:
    """Whole tax in fen, before retention, as §6.1 defines it."""
    if year < max(e.relocation_year, 2022) or year < e.production_year:
        return 0
    g = 1 + e.growth["vat"]
    return _half_up(e.first["vat"] * 1_000_000 * g ** (year - e.production_year))


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(registers(), st.integers(2022, 2025))
def test_actuals_equal_to_the_projection_give_the_projection(register, through):
    actuals = {(f"{e.code}/vat", y): projection(e, y) for e in register
               for y in range(max(e.relocation_year, 2022), through + 1)}
    planned = compute_case(CASE, register, {})
    actual = compute_case(CASE, register, actuals)
    assert actual.entries == planned.entries
    assert actual.shareable == planned.shareable


@SETTINGS
@given(registers())
def test_conservation_and_per_enterprise_totals(register):
    result = compute_case(CASE, register, {})
    doc = result_document(result)
    years = len(doc["years"])
    for t in range(years):
        shareable = sum(v[t] for v in result.shareable.values())
        received = sum(fen(p["net_by_year"][t]) for p in doc["parties"].values())
        assert received == shareable
        for p, v in doc["parties"].items():
            parts = [fen(e["parties"][p]["net_by_year"][t]) for e in doc["enterprises"].values()]
            assert sum(parts) + fen(doc["not_by_enterprise"][p]["net_by_year"][t]) == \
                fen(v["net_by_year"][t])
    for values in zip(*positions(result).values(), strict=True):
        assert sum(values) == 0


@SETTINGS
@given(registers())
def test_each_enterprise_alone_gives_its_own_results(register):
    """An enterprise's entries do not depend on the others in the register (no pool here)."""
    together = compute_case(CASE, register, {})
    for e in register:
        alone = compute_case(CASE, [e], {})
        mine = [x for x in together.entries if x["enterprise"] == e.code]
        assert [(x["year"], x["party"], x["kind"], x["amount"]) for x in mine] == \
            [(x["year"], x["party"], x["kind"], x["amount"]) for x in alone.entries]
