"""Bounded work for every number on every path (issue 19, point 1; schemas/numbers.py).

Each path gets generated extreme numbers (huge or tiny exponents, long mantissas, long
integers); the ``fraction_budget`` fixture fails the test if any conversion is handed a number
over the budget (before it is built: a bomb fails instead of hanging). Every number must come
back refused with the schema's own message at its field, or accepted.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.errors import InvalidContract
from sharing.api import load_document, parse_contract

BASE = {"name": "x", "start_year": 2021, "years": 3}
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# a float literal: mantissa digits, an exponent anywhere in what Decimal accepts
exponents = st.one_of(st.integers(-10**9, 10**9), st.integers(-60, 60))
mantissas = st.text("0123456789", min_size=1, max_size=90)
floats = st.builds(lambda m, e, s: f"{s}{m[0]}.{m[1:] or '0'}e{e:+d}", mantissas, exponents,
                   st.sampled_from(["", "-"]))
ints = st.builds(lambda n: "1" + "0" * n, st.integers(0, 20_000))

BOMBS = ["1e999999999", "1.0e-999999999", "-1e+999999999", "0.0e-999999999",
         "1" + "0" * 1_000_000, "9" * 5000]


def _refused_or_fine(text: bytes, name: str) -> list[str]:
    try:
        parse_contract(load_document(text, name))
    except InvalidContract as e:
        return [i.message for i in e.issues]
    return []


def _json(literal: str, field: str = "discount_rate") -> bytes:
    body = json.dumps({**BASE, field: "@"}).replace('"@"', literal)
    return body.encode()


def _yaml(literal: str, field: str = "discount_rate") -> bytes:
    return ("\n".join(f"{k}: {v}" for k, v in BASE.items()) + f"\n{field}: {literal}\n").encode()


@pytest.mark.parametrize("literal", BOMBS)
@pytest.mark.parametrize("fmt", [_json, _yaml])
def test_the_bombs_are_refused_at_their_field(fraction_budget, fmt, literal):
    messages = _refused_or_fine(fmt(literal), "c.json" if fmt is _json else "c.yaml")
    bad = [m for m in messages if literal[:20] in m or "out of range" in m or "digits" in m
           or "longer than" in m]
    assert bad, messages
    assert all(len(m) < 200 for m in messages)  # the value shortened, never a million digits


def test_the_message_is_the_schemas_own_at_its_path(fraction_budget):
    with pytest.raises(InvalidContract) as e:
        parse_contract(load_document(_json("1e999999999"), "c.json"))
    issue = next(i for i in e.value.issues if i.path == "discount_rate")
    assert issue.code == "number_range"
    assert issue.message == "1E+999999999 is out of range"


@SETTINGS
@given(literal=floats)
def test_json_floats(fraction_budget, literal):
    _refused_or_fine(_json(literal), "c.json")


@SETTINGS
@given(literal=floats)
def test_yaml_floats(fraction_budget, literal):
    _refused_or_fine(_yaml(literal), "c.yaml")


@SETTINGS
@given(literal=ints)
def test_yaml_and_json_ints(fraction_budget, literal):
    _refused_or_fine(_yaml(literal), "c.yaml")
    _refused_or_fine(_json(literal), "c.json")


@SETTINGS
@given(literal=floats)
def test_quoted_strings_and_percentages(fraction_budget, literal):
    _refused_or_fine(_json(json.dumps(literal)), "c.json")
    _refused_or_fine(_json(json.dumps(literal + "%")), "c.json")


@SETTINGS
@given(literal=st.one_of(floats, ints), depth=st.integers(1, 30))
def test_numbers_nested_in_lists(fraction_budget, literal, depth):
    """Deep inside a clause's schedule: a share list nested as far as the loader allows."""
    inner = "[" * depth + literal + "]" * depth
    doc = {**BASE, "parties": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
           "streams": [{"id": "s", "name": "S", "base": "@"}]}
    body = json.dumps(doc).replace('"@"', inner)
    _refused_or_fine(body.encode(), "c.json")


@SETTINGS
@given(literal=floats)
def test_api_validate_json_and_yaml(fraction_budget, client, literal):
    r = client.post("/api/validate", data=_json(literal), content_type="application/json")
    assert r.status_code in (200, 422)
    r = client.post("/api/validate", data=_yaml(literal), content_type="application/yaml")
    assert r.status_code in (200, 422)


@pytest.mark.parametrize("literal", BOMBS)
def test_api_validate_bombs(fraction_budget, client, literal):
    r = client.post("/api/validate", data=_json(literal), content_type="application/json")
    assert r.status_code == 422
    assert any(i["path"] == "discount_rate" for i in r.get_json()["issues"])


def _token(client) -> str:
    import re

    html = client.get("/form").data.decode()
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("literal", BOMBS)
@pytest.mark.parametrize("route", ["/run", "/form/yaml"])
def test_form_field_bombs(fraction_budget, client, route, literal):
    """The form posts its contract as JSON text: the same bounds, the same message."""
    body = _json(literal).decode()
    r = client.post(route, data={"csrf_token": _token(client), "document": body})
    assert r.status_code in (200, 400, 422)


@pytest.mark.parametrize("literal", ["1e999999999", "1.0e-999999999", "1" + "0" * 100_000])
def test_scenario_file_values(fraction_budget, tmp_path, literal):
    """Refused when read, or kept as a word that the contract refuses at its field."""
    import shutil

    from sharing.scenarios.plan import ScenarioFileError, load_plan

    shutil.copy("examples/scenarios/shenshan-30y.yaml", tmp_path / "c.yaml")
    (tmp_path / "s.yaml").write_text(
        "contract: c.yaml\nvary:\n  - path: streams.park_vat.growth\n"
        f"    values: [0.05, {literal}]\n", encoding="utf-8")
    try:
        load_plan(str(tmp_path / "s.yaml"))
    except (ScenarioFileError, InvalidContract) as e:
        assert all(len(str(i)) < 300 for i in e.issues)


@SETTINGS
@given(literal=floats)
def test_audit_feature_numbers(fraction_budget, literal):
    from sharing.audit.vocab import AuditError, parse_amount, parse_ratio

    for parse in (parse_ratio, parse_amount):
        try:
            parse(literal)
        except AuditError:
            pass


def test_sharing_run_refuses_the_bomb_with_exit_2(fraction_budget, tmp_path, capsys):
    from sharing.cli import main

    path = tmp_path / "bomb.yaml"
    path.write_bytes(_yaml("1.0e-999999999"))
    assert main(["run", str(path)]) == 2
    assert "discount_rate: 1.0E-999999999 is out of range" in capsys.readouterr().err
