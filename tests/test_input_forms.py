"""Issue 17 point 4: amounts and shares as finance officers type them, read exactly.

Worked by hand: 1 亿 = 10^8 yuan, 1 万 = 10^4 yuan; so 0.35亿 = 35,000,000 元 = 3,500 万元,
1000万 = 10,000,000 元 = 1,000 万元, 1000元 = 0.1 万元; 35% = 35/100 = 7/20.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from pydantic_core import PydanticCustomError

from schemas.numbers import exact, money
from sharing.validate import parse_contract

YUAN, WAN = 100, 1_000_000  # fen per unit of the field


@pytest.mark.parametrize(("text", "unit", "expected"), [
    ("0.35亿", YUAN, Fraction(35_000_000)),
    ("0.35亿", WAN, Fraction(3_500)),
    ("0.35亿元", WAN, Fraction(3_500)),
    ("1000万", YUAN, Fraction(10_000_000)),
    ("1,000万元", YUAN, Fraction(10_000_000)),
    ("１０００万", YUAN, Fraction(10_000_000)),
    ("１，０００万元", WAN, Fraction(1_000)),
    ("1000元", WAN, Fraction(1, 10)),
    ("1000元", YUAN, Fraction(1_000)),
    ("1000", WAN, Fraction(1_000)),  # no unit word: the field's own unit
    ("-2.5万", YUAN, Fraction(-25_000)),
])
def test_money_with_unit_words_is_converted_exactly(text, unit, expected):
    assert money(text, unit) == expected


@pytest.mark.parametrize("text", ["35%", "３５％", "1000美元", "万", "1000 万 5"])
def test_money_refuses_what_is_not_an_amount_and_says_what_is(text):
    with pytest.raises(PydanticCustomError) as e:
        money(text, YUAN)
    message = str(e.value)
    assert "1000万" in message and "0.35亿" in message
    assert "35%" not in message.replace(text, "")  # never suggests a share's form


@pytest.mark.parametrize(("text", "expected"), [
    ("35%", Fraction(7, 20)), ("３５％", Fraction(7, 20)), ("８％", Fraction(2, 25)),
    ("0.35", Fraction(7, 20)), ("０．３５", Fraction(7, 20)), ("1/3", Fraction(1, 3)),
    ("１／３", Fraction(1, 3)),
])
def test_shares_in_every_form_officers_type(text, expected):
    assert exact(text) == expected


def test_the_digit_and_exponent_bounds_still_hold_with_unit_words():
    with pytest.raises(PydanticCustomError):
        money("1e999999999万", YUAN)
    with pytest.raises(PydanticCustomError):
        money("1" * 41 + "万", YUAN)


def _contract(unit: str, first, shares=("0.4", "0.6"), years="1-3", start="2025"):
    return {"start_year": start, "years": 3, "unit": unit,
            "parties": [{"id": "shanghai", "role": "sending"},
                        {"id": "anhui", "role": "receiving"}],
            "streams": [{"id": "vat", "kind": "tax", "first": first}],
            "clauses": [{"id": "split", "kind": "tax_split", "streams": ["vat"],
                         "schedule": [{"years": years, "shares": {
                             "shanghai": shares[0], "anhui": shares[1]}}]}]}


def test_a_wan_contract_reads_yi_and_yuan_in_its_own_unit():
    assert parse_contract(_contract("wan", "0.35亿")).streams[0].first == 3_500
    assert parse_contract(_contract("wan", "1000元")).streams[0].first == Fraction(1, 10)
    assert parse_contract(_contract("yuan", "1,000万元")).streams[0].first == 10_000_000


def test_full_width_everywhere_in_a_contract():
    c = parse_contract(_contract("yuan", "１０００万", shares=("４０％", "６０％"),
                                 years="１－３", start="２０２５"))
    assert c.start_year == 2025
    assert c.streams[0].first == 10_000_000
    assert c.clauses[0].schedule[0].years == (1, 3)
    assert c.clauses[0].schedule[0].shares == {"shanghai": Fraction(2, 5),
                                               "anhui": Fraction(3, 5)}


def test_a_full_width_growth_rate_in_a_contract():
    """"８％" growth, as an officer types it in Chinese input mode: 8/100."""
    doc = _contract("yuan", "１０００万")
    doc["streams"][0]["growth"] = "８％"
    assert parse_contract(doc).streams[0].growth == Fraction(8, 100)


def test_the_same_contract_typed_two_ways_has_one_hash():
    from sharing.api import contract_sha256

    a = parse_contract(_contract("yuan", "1000万"))
    b = parse_contract(_contract("yuan", 10_000_000))
    assert contract_sha256(a) == contract_sha256(b)
