"""The §4 result document as pydantic models, with the explanation record of its entries.

An entry's ``explanation`` is a template key (``sharing.explain.TEMPLATES``) and typed
parameters: amounts as exact fen (``{"fen": 123}``, or ``{"exact_fen": "n/d"}`` before
rounding), shares and rates as exact fractions (``{"share": "3/5"}``), calendar years,
counts, the ids of parties, streams and clauses, fixed words, nested records and joined
lists. The ``why`` beside it is that record rendered in the document's ``lang``; the result
hash leaves the texts out (sharing.result.structured), so a language never changes it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _fraction(text: str) -> str:
    Fraction(text)  # "n/d" or "n": raises ValueError otherwise
    return text


FractionText = Annotated[str, AfterValidator(_fraction)]


class _Param(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FenParam(_Param):
    fen: int


class ExactFenParam(_Param):
    exact_fen: FractionText


class ShareParam(_Param):
    share: FractionText


class YearParam(_Param):
    year: int


class IntParam(_Param):
    int_: int = Field(alias="int")


class PartyParam(_Param):
    party: str | None


class StreamParam(_Param):
    stream: str


class ClauseParam(_Param):
    clause: str


class WordParam(_Param):
    word: str


class JoinParam(_Param):
    join: list[Param]
    sep: Literal["+", ";", ",", "and"]


class Explanation(_Param):
    """One explanation: the template's key and its parameters by name."""

    key: str
    params: dict[str, Param]


Param = (FenParam | ExactFenParam | ShareParam | YearParam | IntParam | PartyParam | StreamParam
         | ClauseParam | WordParam | JoinParam | Explanation)
JoinParam.model_rebuild()
Explanation.model_rebuild()


class Entry(BaseModel):
    """A ledger entry of the result (§4)."""

    year: int
    clause: str | None
    stream: str | None
    party: str | None
    kind: str
    amount: str  # yuan, two decimals
    explanation: Explanation | None
    why: str
    mode: str | None = None


class StreamResult(BaseModel):
    kind: str
    shareable_by_year: list[str]
    explanation: list[Explanation] | None
    why: list[str] | None


class Names(BaseModel):
    parties: dict[str, str]
    streams: dict[str, str]
    clauses: dict[str, str]


class Result(BaseModel):
    """The parts of the §4 document a reader of explanations relies on; other fields pass."""

    model_config = ConfigDict(extra="allow")

    contract_sha256: str
    result_sha256: str
    lang: Literal["zh", "en"]
    names: Names
    years: list[int]
    streams: dict[str, StreamResult]
    entries: list[Entry]
    indicator_entries: list[Entry]
