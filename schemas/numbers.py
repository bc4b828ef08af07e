"""Exact numbers in contract files: shares, rates and money, never binary floats (§1).

A share may be written ``0.35``, ``"0.35"``, ``"1/3"`` or ``"35%"``. YAML reads ``0.35`` as a
float; its shortest repr is ``"0.35"``, which is what the user typed, so floats go through
``repr`` before :class:`fractions.Fraction` (``Fraction(0.35)`` would take the binary value
bit for bit).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic_core import core_schema

from .errors import rule

MAX_TEXT = 40
#: Bounds on every number before it becomes exact, whatever it arrived as (JSON or YAML
#: float, int, text): at most MAX_DIGITS significant digits and a decimal exponent of at most
#: MAX_EXPONENT either way. ``Fraction(Decimal("1e999999999"))`` would build a billion-digit
#: integer; with these bounds a numerator or denominator has at most
#: MAX_DIGITS + MAX_EXPONENT digits, so reading a number is a fixed amount of work.
MAX_DIGITS = 40
MAX_EXPONENT = 30
#: The largest integer magnitude taken as it is (a bit over 10**40).
_MAX_INT_BITS = 133
#: The largest amount of money a field or a yearly projection may hold: 10**12 yuan
#: (一万亿元). In fen that is 10**14; a hundred streams over two hundred years still sum
#: below 2**63 fen.
MAX_YUAN = Fraction(10**12)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_RATIO = re.compile(r"^[+-]?\d+\s*/\s*[+-]?\d+$")


def nfkc(text: str) -> str:
    """Full-width digits and punctuation as officers type them (１０００, ３５％, １－５) in
    their ASCII form; applied to every number before it is read."""
    return unicodedata.normalize("NFKC", text)


def exact(value: Any) -> Fraction:
    """Read one exact number; raise a rule error naming the value otherwise."""
    if isinstance(value, bool) or value is None:
        raise rule("number_type", "{value} is not a number", value=value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            raise rule("number_digits", "the number has more than {limit} digits",
                       limit=MAX_DIGITS)
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise rule("number_finite", "{value} is not a finite number", value=value)
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, str):
        if len(value) > 4 * MAX_TEXT:  # before any copy or strip of a huge text
            raise rule("number_long", "{value} is longer than {limit} characters",
                       value=value[:MAX_TEXT + 1], limit=MAX_TEXT)
        text = nfkc(value).strip().replace(",", "")
        if len(text) > MAX_TEXT:
            raise rule("number_long", "{value} is longer than {limit} characters",
                       value=value, limit=MAX_TEXT)
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        if _NUMBER.match(text):
            exp = re.search(r"[eE]([+-]?\d+)$", text)
            if exp and abs(int(exp.group(1))) > 30:
                raise rule("number_range", "{value} is out of range", value=value)
            f = Fraction(text)
        elif _RATIO.match(text):
            num, den = (int(p) for p in text.split("/"))
            if den == 0:
                raise rule("number_zero_division", "{value} divides by zero", value=value)
            f = Fraction(num, den)
        else:
            raise rule("number_syntax",
                       "{value} is not a number (write 0.35, \"1/3\" or \"35%\")", value=value)
        return f / 100 if percent else f
    raise rule("number_type", "{value} is not a number", value=value)


#: Unit words a money field accepts after the number, and their size in yuan.
MONEY_UNITS: dict[str, int] = {"亿元": 10**8, "万元": 10**4, "亿": 10**8, "万": 10**4, "元": 1}
_MONEY_UNIT = re.compile(r"(亿元|万元|亿|万|元)$")


def money(value: Any, unit_fen: int = 100) -> Fraction:
    """An amount in the field's unit (``unit_fen`` fen per unit: 100 yuan, 1,000,000 万元).

    Text may carry a unit word, converted exactly: ``"1000万"`` and ``"1,000万元"`` are
    10,000,000 yuan, ``"0.35亿"`` is 35,000,000 yuan (3,500 万元), ``"1000元"`` is 0.1 万元 in
    a 万元 contract. Full-width digits are read (``"１０００万"``). A percentage or any other
    word is refused with the forms an amount takes (never a share's "35%").
    """
    if not isinstance(value, str):
        return exact(value)
    if len(value) > 4 * MAX_TEXT:
        raise rule("number_long", "{value} is longer than {limit} characters",
                   value=value[:MAX_TEXT + 1], limit=MAX_TEXT)
    text = nfkc(value).strip().replace(",", "").replace(" ", "")
    m = _MONEY_UNIT.search(text)
    yuan_per = MONEY_UNITS[m.group(1)] if m else None
    number = text[: m.start()] if m else text
    if "%" in number or not (_NUMBER.match(number) or _RATIO.match(number)):
        raise rule("amount_syntax", "{value} is not a number (an amount: write 1000, "
                   "1,000.50, 1000万, 1,000万元, 0.35亿 or 1000元)", value=value)
    f = exact(number)
    if yuan_per is None:
        return f
    return f * yuan_per * 100 / unit_fen


def _decimal(value: Decimal) -> Fraction:
    """A Decimal as a Fraction, after bounding its digits and exponent (never before)."""
    if not value.is_finite():
        raise rule("number_finite", "{value} is not a finite number", value=value)
    if len(value.as_tuple().digits) > MAX_DIGITS:
        raise rule("number_digits", "the number has more than {limit} digits",
                   limit=MAX_DIGITS)
    if not decimal_in_bounds(value):
        raise rule("number_range", "{value} is out of range", value=_short(value))
    return Fraction(value)


def decimal_in_bounds(value: Decimal) -> bool:
    """Whether a finite Decimal is small enough to make exact: at most MAX_DIGITS digits, its
    leading digit (``adjusted()``) and its last digit (the exponent) near the decimal point."""
    _sign, digits, exponent = value.as_tuple()
    return (isinstance(exponent, int) and len(digits) <= MAX_DIGITS
            and abs(exponent) <= MAX_EXPONENT + MAX_DIGITS
            and abs(value.adjusted()) <= MAX_EXPONENT)


def _short(value: Decimal) -> str:
    """A Decimal in scientific notation (1E+999999999), never expanded to its digits."""
    return f"{value:E}" if abs(value.as_tuple().exponent) > 60 else str(value)  # type: ignore[arg-type]


def exact_text(f: Fraction) -> str | int:
    """The canonical way to write an exact number: an int, a terminating decimal, or "p/q"."""
    if f.denominator == 1:
        return f.numerator
    d = f.denominator
    for prime in (2, 5):
        while d % prime == 0:
            d //= prime
    if d == 1:
        digits = 1
        while (f * 10**digits).denominator != 1:
            digits += 1
        if digits <= 30:
            n = abs(f.numerator * 10**digits // f.denominator)
            whole, frac = divmod(n, 10**digits)
            return ("-" if f < 0 else "") + f"{whole}.{frac:0{digits}d}"
    return f"{f.numerator}/{f.denominator}"


_SCHEMA = {"anyOf": [{"type": "number"}, {"type": "integer"},
                     {"type": "string", "pattern": r"^\s*[+-]?[0-9.eE+-]+\s*(%|/\s*[0-9]+)?\s*$"}]}

_MONEY_SCHEMA = {"anyOf": [{"type": "number"}, {"type": "integer"},
                           {"type": "string", "description": "an amount in the contract's "
                            "unit, or with a unit word: 1000万, 1,000万元, 0.35亿, 1000元"}]}


class _ExactNumber:
    """pydantic marker: validate with ``check``, write with :func:`exact_text`.

    One plain core schema per field (no before-validator chain around a Fraction schema),
    which keeps the models quick to build: the CLI's cold start counts.
    """

    __slots__ = ("check", "with_info")

    def __init__(self, check: Any, with_info: bool = False):
        self.check = check
        self.with_info = with_info  # a money field reads the contract's unit from the context

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        make = (core_schema.with_info_plain_validator_function if self.with_info
                else core_schema.no_info_plain_validator_function)
        return make(
            self.check,
            serialization=core_schema.plain_serializer_function_ser_schema(
                exact_text, when_used="always"))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return dict(_MONEY_SCHEMA if self.with_info else _SCHEMA)


Exact = Annotated[Fraction, _ExactNumber(exact)]


def _between(lo: Fraction | None, hi: Fraction | None, *, lo_open: bool = False,
             what: str = "value", is_money: bool = False):
    def check(value: Any, info: Any = None) -> Fraction:
        if is_money:
            context = getattr(info, "context", None) or {}
            f = money(value, context.get("unit_fen", 100))
        else:
            f = exact(value)
        if lo is not None and (f < lo or (lo_open and f == lo)):
            if lo_open:
                raise rule(f"{what}_gt", "{value} is out of range: the " + what +
                           " must be greater than {bound}", value=value, bound=exact_text(lo))
            raise rule(f"{what}_min", "{value} is out of range: the " + what +
                       " must be at least {bound}", value=value, bound=exact_text(lo))
        if hi is not None and f > hi:
            raise rule(f"{what}_max", "{value} is out of range: the " + what +
                       " must be at most {bound}", value=value, bound=exact_text(hi))
        return f
    return check


def bounded(lo: Fraction | int | None, hi: Fraction | int | None, *, lo_open: bool = False,
            what: str = "value") -> Any:
    """An exact number in [lo, hi]; an ``amount`` also takes unit words (:func:`money`)."""
    lo_f = None if lo is None else Fraction(lo)
    hi_f = None if hi is None else Fraction(hi)
    is_money = what == "amount"
    return Annotated[Fraction, _ExactNumber(_between(lo_f, hi_f, lo_open=lo_open, what=what,
                                                     is_money=is_money), with_info=is_money)]


Share = bounded(0, 1, what="share")
Rate = bounded(-1, 10, lo_open=True, what="rate")  # growth, discount and index rates
Ratio = bounded(0, 1, what="ratio")
Weight = bounded(0, 1000, what="weight")
Money = bounded(-MAX_YUAN, MAX_YUAN, what="amount")  # in the file's unit; range re-checked in yuan
NonNegMoney = bounded(0, MAX_YUAN, what="amount")
PosMoney = bounded(0, MAX_YUAN, lo_open=True, what="amount")
Area = bounded(0, 10**9, lo_open=True, what="area")
