"""Fixtures for the security tests: the app on SQLite in a tmp folder, and a guard on every
conversion to an exact number (the arithmetic budget of tests/security/test_numbers.py)."""

from __future__ import annotations

import fractions
from decimal import Decimal

import pytest

#: The largest number any conversion during validation may be handed: 200 digits either
#: way. The bombs of issue 19 hand Fraction 10**999999999; a contract's real numbers have
#: at most 40 digits and an exponent of 30 (schemas.numbers).
BUDGET_DIGITS = 200


class OverBudget(AssertionError):
    pass


@pytest.fixture
def app(tmp_path):
    from web import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}"})
    yield app
    app.extensions["sharing_db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def _check(value: object) -> None:
    if isinstance(value, Decimal) and value.is_finite():
        t = value.as_tuple()
        if len(t.digits) > BUDGET_DIGITS or abs(int(t.exponent)) > BUDGET_DIGITS:
            raise OverBudget(f"Fraction handed a Decimal with exponent {t.exponent}")
    elif isinstance(value, str):
        if len(value) > BUDGET_DIGITS:
            raise OverBudget(f"Fraction handed a text of {len(value)} characters")
        low = value.lower()
        if "e" in low:
            exp = low.rsplit("e", 1)[1].strip()
            if exp.lstrip("+-").isdigit() and abs(int(exp)) > BUDGET_DIGITS:
                raise OverBudget(f"Fraction handed {value!r}")
    elif isinstance(value, int) and value.bit_length() > BUDGET_DIGITS * 4:
        raise OverBudget(f"Fraction handed an int of {value.bit_length()} bits")


@pytest.fixture
def fraction_budget(monkeypatch):
    """Every Fraction built while the test runs is checked BEFORE it is built: a number
    over the budget fails the test at once (instead of hanging it), naming what it was."""
    original = fractions.Fraction.__new__
    calls = {"n": 0}

    def guarded(cls, numerator=0, denominator=None, **kw):
        calls["n"] += 1
        _check(numerator)
        if denominator is not None:
            _check(denominator)
        return original(cls, numerator, denominator, **kw)

    monkeypatch.setattr(fractions.Fraction, "__new__", guarded)
    return calls
