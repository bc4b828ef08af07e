"""Typed step arguments and the scenario state shared by the English and Chinese steps.

``Yuan`` reads an amount written with two decimals ("1,500,000.00", "-0.01") as whole fen;
``Amount`` keeps an input amount exact, in the file's unit ("1,458.1256" in 万元); shares and
rates stay text ("0.3", "1/3", "5%") and are read exactly by the engine. Never a float.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import yaml
from pytest_bdd import parsers

from schemas.errors import InvalidContract
from sharing.api import parse_contract, run_contract

# ---- typed step arguments ---------------------------------------------------------------------

_YUAN = r"[-−]?\d{1,3}(?:,\d{3})*\.\d{2}"
_AMOUNT = r"[-−]?\d{1,3}(?:,\d{3})*(?:\.\d+)?"
_SHARE = r"\d+(?:\.\d+)?(?:/\d+)?%?"
_ID = r"[^\W\d][\w\-]*"


def _with_pattern(pattern: str):
    def deco(fn):
        fn.pattern = pattern
        return fn
    return deco


def fen(text: str) -> int:
    """ "1,500,000.00" → 150000000, "-0.01" → -1: exactly two decimals, no float."""
    text = text.strip().replace("−", "-").replace(",", "")
    if not re.fullmatch(r"-?\d+\.\d{2}", text):
        raise ValueError(f"{text!r} is not a yuan amount with two decimals")
    return int(Decimal(text) * 100)


def show(f: int) -> str:
    """Whole fen → "1,234.50" (for messages)."""
    sign = "-" if f < 0 else ""
    y, c = divmod(abs(f), 100)
    return f"{sign}{y:,}.{c:02d}"


@_with_pattern(_YUAN)
def Yuan(text: str) -> int:
    return fen(text)


@_with_pattern(rf"{_YUAN}(?:; {_YUAN})*")
def YuanList(text: str) -> list[int]:
    return [fen(t) for t in text.split("; ")]


def amount_text(text: str) -> str:
    """An input amount in the file's unit, exact: "1,458.1256" → "1458.1256"."""
    return text.strip().replace("−", "-").replace(",", "")


@_with_pattern(_AMOUNT)
def Amount(text: str) -> str:
    return amount_text(text)


@_with_pattern(rf"{_AMOUNT}(?:; {_AMOUNT})*")
def AmountList(text: str) -> list[str]:
    return [amount_text(t) for t in text.split("; ")]


@_with_pattern(_SHARE)
def Share(text: str) -> str:
    return text


@_with_pattern(rf"{_SHARE}(?:; {_SHARE})*")
def ShareList(text: str) -> list[str]:
    return text.split("; ")


@_with_pattern(rf"{_ID} {_SHARE}(?:, {_ID} {_SHARE})*")
def Shares(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(", "):
        party, share = part.rsplit(" ", 1)
        out[party] = share
    return out


@_with_pattern(rf"{_ID}(?:(?:, | and ){_ID})*")
def Names(text: str) -> list[str]:
    return re.split(r", | and ", text)


@_with_pattern(r"\d+(?:-\d+)?")
def Years(text: str) -> str:
    return text


@_with_pattern(r"\d{4}(?:(?:, | and )\d{4})*")
def YearList(text: str) -> list[int]:
    return [int(y) for y in re.split(r", | and ", text)]


_ROLE = r"\((?:sending|receiving|other)\)"


@_with_pattern(rf"{_ID} {_ROLE}(?:(?:, | and ){_ID} {_ROLE})*")
def Parties(text: str) -> list[dict[str, str]]:
    out = []
    for part in re.split(r", | and ", text):
        pid, role = re.fullmatch(rf"({_ID}) \((\w+)\)", part).groups()
        out.append({"id": pid, "name": pid, "role": role})
    return out


_PRICE = (r"(?:book value(?: indexed " + _SHARE + r")?|the NPV at " + _SHARE
          + r"|a fixed " + _AMOUNT + r")")


def price_of(text: str) -> dict[str, Any]:
    """ "book value indexed 3%", "the NPV at 6%", "a fixed 500,000.00" or
    "the largest of <price> and <price>" → the price document of §3.6."""
    text = text.strip()
    if m := re.fullmatch(r"the largest of (.+)", text):
        return {"method": "max_of", "of": [price_of(p) for p in re.split(r", | and ", m[1])]}
    if m := re.fullmatch(rf"book value(?: indexed ({_SHARE}))?", text):
        return {"method": "book", **({"index": m[1]} if m[1] else {})}
    if m := re.fullmatch(rf"the NPV at ({_SHARE})", text):
        return {"method": "npv", "rate": m[1]}
    if m := re.fullmatch(rf"a fixed ({_AMOUNT})", text):
        return {"method": "fixed", "amount": amount_text(m[1])}
    raise ValueError(f"not a price: {text!r}")


@_with_pattern(rf"(?:the largest of {_PRICE}(?:(?:, | and ){_PRICE})+|{_PRICE})")
def Price(text: str) -> dict[str, Any]:
    return price_of(text)


@_with_pattern(_ID)
def Id(text: str) -> str:
    return text


KINDS = ("baseline", "share", "cap_excess", "unclaimed", "contribution", "dividend", "retained",
         "loss", "cost", "pool_in", "pool_out", "backstop", "buyout", "penalty", "residual",
         "handover")


@_with_pattern("|".join(sorted(KINDS, key=len, reverse=True)))
def Kind(text: str) -> str:
    return text


EVENT_KINDS = ("cap_reached", "pool_full", "pool_exhausted", "guarantee_backstopped",
               "guarantee_unpaid", "exit_triggered", "handover")


@_with_pattern("|".join(EVENT_KINDS))
def EventKind(text: str) -> str:
    return text


@_with_pattern(r"[\w.\[\]]+")
def Path(text: str) -> str:
    return text


TYPES = {
    "Yuan": Yuan, "YuanList": YuanList, "Amount": Amount, "AmountList": AmountList,
    "Share": Share, "ShareList": ShareList, "Shares": Shares, "Names": Names,
    "Years": Years, "YearList": YearList, "Parties": Parties, "Price": Price,
    "Id": Id, "Kind": Kind, "EventKind": EventKind, "Path": Path,
}


def step(text: str):
    """A step pattern with our typed arguments."""
    return parsers.parse(text, extra_types=TYPES)


# ---- the scenario's state -----------------------------------------------------------------------

class Scenario:
    """The contract document being built, and what running or checking it gave."""

    def __init__(self) -> None:
        self.doc: dict[str, Any] = {}
        self.result: dict[str, Any] | None = None
        self.error: InvalidContract | None = None
        self.runs: list[dict[str, Any]] = []
        self.alternative: dict[str, Any] | None = None

    # lookups on the document
    def stream(self, sid: str) -> dict[str, Any]:
        for s in self.doc["streams"]:
            if s["id"] == sid:
                return s
        raise KeyError(f"no stream {sid!r} in the scenario")

    def clause(self, cid: str) -> dict[str, Any]:
        for c in self.doc["clauses"]:
            if c["id"] == cid:
                return c
        raise KeyError(f"no clause {cid!r} in the scenario")

    def add_stream(self, s: dict[str, Any]) -> None:
        self.doc.setdefault("streams", []).append(s)

    def add_clause(self, c: dict[str, Any]) -> dict[str, Any]:
        self.doc.setdefault("clauses", []).append(c)
        return c

    # results
    @property
    def res(self) -> dict[str, Any]:
        assert self.error is None, f"the contract was refused: {self.error.issues}"
        assert self.result is not None, "the contract has not been run"
        return self.result

    def entries(self, **match: Any) -> list[dict[str, Any]]:
        return [e for e in self.res["entries"]
                if all(e[k] == v for k, v in match.items())]

    def total(self, **match: Any) -> int:
        return sum(fen(e["amount"]) for e in self.entries(**match))

    def year_index(self, year: int) -> int:
        i = year - self.res["start_year"]
        assert 0 <= i < len(self.res["years"]), f"{year} is not a year of the contract"
        return i


def yaml_value(text: str) -> Any:
    """A YAML flow value written in a step: 0.3, "1/3", {a: 1}, [x, y]."""
    return yaml.safe_load(text)




def run_document(sc: Scenario) -> None:
    """Parse and run the scenario's document; a refusal fails the scenario with its issues."""
    try:
        sc.result = run_contract(parse_contract(copy.deepcopy(sc.doc)))
    except InvalidContract as err:
        raise AssertionError(f"the contract was refused: {err}") from err
    sc.runs.append(sc.result)


def check_document(sc: Scenario) -> None:
    """Parse the scenario's document, keeping the refusal (if any) for the Then steps."""
    try:
        parse_contract(copy.deepcopy(sc.doc))
    except InvalidContract as err:
        sc.error = err
