"""The contract document (semantics §1–§3, §5) as pydantic v2 models.

Clauses are a union discriminated on ``kind``, so a wrong field is reported once, at
``clauses[2].schedule[0].shares``, not once per clause kind. Every model forbids unknown
fields: a typo must never be silently ignored. Checks that span several parts of the
document (ids that must exist, claims that must not overlap) are in :mod:`schemas.checks`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    PrivateAttr,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .errors import rule
from .numbers import (
    Area,
    Money,
    NonNegMoney,
    PosMoney,
    Rate,
    Ratio,
    Share,
    Weight,
    exact_text,
)

# ---- limits: absurd sizes are refused with the limit in the message -----------------------
MAX_YEARS = 200
MAX_PARTIES = 50
MAX_STREAMS = 100
MAX_CLAUSES = 100
MAX_SEGMENTS = 200
MAX_CONTRIBUTIONS = 500
MAX_LIST = 200

_ID = re.compile(r"^[^\W\d][\w\-]{0,63}$")


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise rule("id_syntax", "{value} is not a valid id: start with a letter, then letters, "
                   "digits, _ or -, at most 64 characters", value=value)
    if value == "from_equity":
        raise rule("id_reserved", "{value} is reserved and cannot be an id", value=value)
    return value


Id = Annotated[str, BeforeValidator(_identifier),
               WithJsonSchema({"type": "string", "pattern": _ID.pattern})]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---- segments --------------------------------------------------------------------------------

_SEGMENT = re.compile(r"^\s*(\d{1,4})\s*(?:[-–~]\s*(\d{1,4}))?\s*$")


def _year_range(value: Any) -> tuple[int, int]:
    if isinstance(value, bool):
        raise rule("segment_syntax", "{value} is not a year range like \"1-5\" or 3", value=value)
    if isinstance(value, int):
        a = b = value
    elif isinstance(value, str) and (m := _SEGMENT.match(value)):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
    elif isinstance(value, (list, tuple)) and len(value) == 2 and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        a, b = value
    else:
        raise rule("segment_syntax", "{value} is not a year range like \"1-5\" or 3", value=value)
    if a < 1:
        raise rule("segment_start", "{value} starts before year 1", value=value)
    if b < a:
        raise rule("segment_backwards", "{value} ends before it starts", value=value)
    return (a, b)


def _year_range_text(r: tuple[int, int]) -> str | int:
    return r[0] if r[0] == r[1] else f"{r[0]}-{r[1]}"


YearRange = Annotated[
    tuple[int, int],
    BeforeValidator(_year_range),
    PlainSerializer(_year_range_text, when_used="always"),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1},
                              {"type": "string", "pattern": r"^\d+(-\d+)?$"}]}),
]


def sum_to_one(shares: dict[str, Fraction]) -> dict[str, Fraction]:
    """Shares of one allocation must sum to exactly 1 (§1, §3.1)."""
    total = sum(shares.values(), Fraction(0))
    if total != 1:
        raise rule("shares_sum", "shares sum to {total}; they must sum to exactly 1",
                   total=exact_text(total))
    return shares


class FromEquity(Model):
    """Shares taken from an equity clause's ratios of the year the amount is booked (§3.3)."""

    from_equity: Id


def _shares_tag(value: Any) -> str:
    if isinstance(value, FromEquity) or (isinstance(value, dict) and "from_equity" in value):
        return "from_equity"
    return "map"


def _shares_map(value: Any) -> Any:
    if not isinstance(value, dict):
        raise rule("shares_type", "{value} is not a map of party: share", value=value)
    return value


SharesMap = Annotated[dict[Id, Share], BeforeValidator(_shares_map)]


class Segment(Model):
    """``{years: "1-5", shares: {party: share}}``: shares ≥ 0 summing to exactly 1 (§3.1)."""

    years: YearRange
    shares: Annotated[
        Annotated[FromEquity, Tag("from_equity")] | Annotated[SharesMap, Tag("map")],
        Discriminator(_shares_tag),
    ]

    @field_validator("shares")
    @classmethod
    def _sum_to_one(cls, shares: Any) -> Any:
        if isinstance(shares, FromEquity):
            return shares
        if len(shares) > MAX_PARTIES:
            raise rule("too_many", "{count} entries; the limit is {limit}", count=len(shares),
                       limit=MAX_PARTIES)
        return sum_to_one(shares)


Schedule = Annotated[list[Segment], Field(min_length=1, max_length=MAX_SEGMENTS)]


# ---- parties and streams (§2) --------------------------------------------------------------

class Party(Model):
    id: Id
    name: str = Field(default="", max_length=200)
    role: Literal["sending", "receiving", "other"] = "other"
    discount_rate: Rate | None = None


class Stream(Model):
    """What the park generates each year: an explicit ``series`` or ``first``/``growth``/``ramp``."""

    id: Id
    name: str = Field(default="", max_length=200)
    kind: Literal["tax", "fee", "land", "profit", "cost", "indicator"]
    series: Annotated[list[Money], Field(max_length=MAX_YEARS)] | None = None
    first: Money | None = None
    growth: Rate = Fraction(0)
    ramp: Annotated[list[Ratio], Field(max_length=MAX_YEARS)] | None = None
    local_retention: Ratio | None = None
    relocated_year: int | None = None
    pre_relocation_tax: Annotated[list[NonNegMoney], Field(max_length=50)] | None = None

    @model_validator(mode="after")
    def _projection(self) -> Stream:
        if (self.series is None) == (self.first is None):
            raise rule("stream_projection", "give either series or first (with growth), "
                       "not {given}", given="both" if self.series is not None else "neither")
        if self.series is not None and ("growth" in self.model_fields_set or self.ramp):
            raise rule("stream_projection_mixed",
                       "growth and ramp apply to first, not to an explicit series")
        return self


# ---- clauses (§3) --------------------------------------------------------------------------

class Baseline(Model):
    amount: NonNegMoney
    growth: Rate = Fraction(0)
    owner: Id | None = None


class Cap(Model):
    """``{party, cumulative, per_year}``: both limits may be given; both hold (§3.1)."""

    party: Id
    cumulative: Literal["pre_relocation_total"] | NonNegMoney | None = None
    per_year: NonNegMoney | None = None

    @model_validator(mode="after")
    def _one_limit(self) -> Cap:
        if self.cumulative is None and self.per_year is None:
            raise rule("cap_empty", "a cap needs cumulative, per_year or both")
        return self


class TaxSplit(Model):
    """Incremental-revenue split (§3.1)."""

    id: Id
    kind: Literal["tax_split"]
    name: str = ""
    streams: Annotated[list[Id], Field(min_length=1, max_length=MAX_STREAMS)]
    basis: Literal["increment", "total"] = "increment"
    baseline: Baseline | None = None
    schedule: Schedule
    timing: Literal["contract", "since_relocation"] = "contract"
    cap: Cap | None = None

    @model_validator(mode="after")
    def _baseline(self) -> TaxSplit:
        if self.basis == "total" and self.baseline is not None:
            raise rule("baseline_total", "a baseline is carved out only under basis increment")
        return self


class Buffer(Model):
    """Buffer years after relocation (缓冲期, §3.2)."""

    id: Id
    kind: Literal["buffer"]
    name: str = ""
    streams: Annotated[list[Id], Field(max_length=MAX_STREAMS)] | None = None
    party: Id
    to: Id | None = None
    years: Annotated[int, Field(ge=1, le=MAX_YEARS)]
    shape: Literal["step", "linear", "flat"]
    shares: Annotated[list[Share], Field(max_length=MAX_YEARS)] | None = None
    start: Share | None = None
    cap: Cap | None = None
    basis: Literal["increment", "total"] = "total"
    baseline: Baseline | None = None

    @field_validator("shares")
    @classmethod
    def _step_shares(cls, shares: list[Fraction] | None, info: ValidationInfo):
        shape, years = info.data.get("shape"), info.data.get("years")
        if shares is not None and shape not in (None, "step"):
            raise rule("buffer_shares_shape", "shape {shape} takes start, not shares",
                       shape=shape)
        if shares is not None and years is not None and len(shares) != years:
            raise rule("buffer_step_len", "shape step has {n} shares for {years} years; "
                       "give one share per buffer year", n=len(shares), years=years)
        return shares

    @field_validator("start")
    @classmethod
    def _start_shape(cls, start: Fraction | None, info: ValidationInfo):
        if start is not None and info.data.get("shape") == "step":
            raise rule("buffer_start_shape", "shape step takes shares: [s1, ..., sB], not start")
        return start

    @model_validator(mode="after")
    def _shape(self) -> Buffer:
        if self.shape == "step" and self.shares is None:
            raise rule("buffer_step", "shape step needs shares: [s1, ..., sB]")
        if self.shape != "step" and self.start is None:
            raise rule("buffer_start", "shape {shape} needs start", shape=self.shape)
        if self.basis == "total" and self.baseline is not None:
            raise rule("baseline_total", "a baseline is carved out only under basis increment")
        return self

    def share_in_life_year(self, k: int) -> Fraction:
        """s_k, the party's share in the k-th year since relocation (1 ≤ k ≤ B)."""
        if self.shape == "step":
            assert self.shares is not None
            return self.shares[k - 1]
        assert self.start is not None
        if self.shape == "flat":
            return self.start
        return self.start * (self.years - k + 1) / self.years


class Contribution(Model):
    party: Id
    kind: Literal["cash", "land", "project", "tax_stock", "intangible"]
    value: PosMoney | None = None
    area_mu: Area | None = None
    price_per_mu: PosMoney | None = None
    year: Annotated[int, Field(ge=1, le=MAX_YEARS)] = 1

    @model_validator(mode="after")
    def _value(self) -> Contribution:
        by_area = self.area_mu is not None or self.price_per_mu is not None
        if by_area and self.kind != "land":
            raise rule("contribution_area_kind", "area_mu and price_per_mu are for land only")
        if by_area and self.value is not None:
            raise rule("contribution_both", "give value or area_mu with price_per_mu, not both")
        if by_area and (self.area_mu is None or self.price_per_mu is None):
            raise rule("contribution_area", "a land contribution by area needs both area_mu "
                       "and price_per_mu")
        if not by_area and self.value is None:
            raise rule("contribution_value", "a contribution needs a value > 0")
        return self


class Equity(Model):
    """Stakes in a joint development company (§3.3)."""

    id: Id
    kind: Literal["equity"]
    name: str = ""
    contributions: Annotated[list[Contribution], Field(min_length=1, max_length=MAX_CONTRIBUTIONS)]
    weights: dict[Literal["cash", "land", "project", "tax_stock", "intangible"], Weight] | None = None
    profit_streams: Annotated[list[Id], Field(max_length=MAX_STREAMS)] = []
    losses: Literal["carry_forward", "cash_call"] = "carry_forward"
    loss_shares: dict[Id, Share] | None = None
    payout_ratio: Ratio = Fraction(1)

    @field_validator("loss_shares")
    @classmethod
    def _sum_to_one(cls, shares: dict[str, Fraction] | None) -> dict[str, Fraction] | None:
        return None if shares is None else sum_to_one(shares)

    def weight(self, kind: str) -> Fraction:
        return (self.weights or {}).get(kind, Fraction(1))


class CostShare(Model):
    """Costs allocated by a schedule, fixed or ``from_equity`` (§3.4)."""

    id: Id
    kind: Literal["cost_share"]
    name: str = ""
    streams: Annotated[list[Id], Field(min_length=1, max_length=MAX_STREAMS)]
    schedule: Schedule


class Funding(Model):
    clause: Id
    rate: Ratio


class FloorOfContributions(Model):
    rate: Ratio
    of: Literal["contributions"]


class Guarantee(Model):
    party: Id
    floor: FloorOfContributions | NonNegMoney
    counts: Annotated[list[Id], Field(min_length=1, max_length=MAX_CLAUSES)]
    years: YearRange | None = None


class RiskPool(Model):
    """Risk-compensation pool (风险补偿资金池, §3.4)."""

    id: Id
    kind: Literal["risk_pool"]
    name: str = ""
    funded_by: Annotated[list[Funding], Field(max_length=MAX_CLAUSES)] = []
    cap: NonNegMoney | None = None
    guarantees: Annotated[list[Guarantee], Field(max_length=MAX_LIST)] = []
    backstop: Id | None = None
    residual_shares: dict[Id, Share] | None = None

    @field_validator("residual_shares")
    @classmethod
    def _sum_to_one(cls, shares: dict[str, Fraction] | None) -> dict[str, Fraction] | None:
        return Equity._sum_to_one(shares)


class IndicatorSplit(Model):
    """GDP and statistics (GDP指标分解, §3.5)."""

    id: Id
    kind: Literal["indicator_split"]
    name: str = ""
    streams: Annotated[list[Id], Field(min_length=1, max_length=MAX_STREAMS)]
    schedule: Schedule
    mode: Literal["split", "full_each"] = "split"


class IncrementBelow(Model):
    when: Literal["increment_below"]
    clause: Id
    threshold: NonNegMoney
    consecutive_years: Annotated[int, Field(ge=1, le=MAX_YEARS)] = 1
    at_fault: Id | None = None


class CumulativeReached(Model):
    when: Literal["cumulative_reached"]
    party: Id
    clause: Id
    amount: Money
    at_fault: Id | None = None


class InYear(Model):
    when: Literal["in_year"]
    year: Annotated[int, Field(ge=1, le=MAX_YEARS)]
    at_fault: Id | None = None


Trigger = Annotated[IncrementBelow | CumulativeReached | InYear, Field(discriminator="when")]


class BookPrice(Model):
    method: Literal["book"]
    index: Rate = Fraction(0)


class NpvPrice(Model):
    method: Literal["npv"]
    rate: Rate


class FixedPrice(Model):
    method: Literal["fixed"]
    amount: NonNegMoney


class MaxOfPrice(Model):
    method: Literal["max_of"]
    of: Annotated[list[Price], Field(min_length=1, max_length=20)]


Price = Annotated[BookPrice | NpvPrice | FixedPrice | MaxOfPrice, Field(discriminator="method")]
MaxOfPrice.model_rebuild()


class Penalty(Model):
    amount: NonNegMoney | None = None
    rate_of_price: Ratio | None = None

    @model_validator(mode="after")
    def _one(self) -> Penalty:
        if (self.amount is None) == (self.rate_of_price is None):
            raise rule("penalty_form", "a penalty gives amount or rate_of_price, exactly one")
        return self


class Exit(Model):
    """Term, triggers and settlement (§3.6)."""

    id: Id
    kind: Literal["exit"]
    name: str = ""
    term_years: int | None = None
    successor: Id | None = None
    triggers: Annotated[list[Trigger], Field(max_length=20)] = []
    notice_years: Annotated[int, Field(ge=0, le=MAX_YEARS)] = 0
    exiting: Id | None = None
    buyer: Id | None = None
    price: Price | None = None
    penalty: Penalty | None = None
    price_at_term_end: Price | None = None


#: The schema model of every clause kind, in the order the docs list them; the kinds' one
#: registry (sharing.kinds) names the rest of each kind's handlers.
CLAUSE_MODELS: tuple[type[Model], ...] = (TaxSplit, Buffer, Equity, CostShare, RiskPool,
                                          IndicatorSplit, Exit)


def _tag(model: type[Model], field: str) -> str:
    """The one value of a model's ``Literal`` discriminator field."""
    (value,) = get_args(model.model_fields[field].annotation)
    return value


Clause = Annotated[Union[CLAUSE_MODELS], Field(discriminator="kind")]  # noqa: UP007
#: Derived from the models' ``kind`` literals: one declaration per kind.
CLAUSE_KINDS = tuple(_tag(m, "kind") for m in CLAUSE_MODELS)
#: Tags that pydantic's discriminated unions add to an error's location; paths drop them.
UNION_TAGS = frozenset(CLAUSE_KINDS + ("from_equity", "map")
                       + tuple(_tag(m, "when") for m in get_args(get_args(Trigger)[0]))
                       + tuple(_tag(m, "method") for m in get_args(get_args(Price)[0])))


class Contract(Model):
    """A whole contract file (semantics §5)."""

    #: Derived data computed once per contract (projections, claims), never serialised.
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Contract:
        """A copy that derives its own data: pydantic would share ``_derived`` with the
        original, whose projections and schedules belong to the original's fields."""
        copy = super().model_copy(update=update, deep=deep)
        copy._derived = {}
        return copy

    name: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=20000)
    start_year: Annotated[int, Field(ge=1900, le=2300)]
    years: Annotated[int, Field(ge=1, le=MAX_YEARS)]
    unit: Literal["yuan", "wan"] = "yuan"
    discount_rate: Rate = Fraction(0)
    parties: Annotated[list[Party], Field(min_length=2, max_length=MAX_PARTIES)]
    streams: Annotated[list[Stream], Field(min_length=1, max_length=MAX_STREAMS)]
    clauses: Annotated[list[Clause], Field(max_length=MAX_CLAUSES)] = []

    # ---- lookups used by the checks and the engine --------------------------------------
    @property
    def unit_fen(self) -> int:
        """Fen per unit of the file's money fields: 100 (yuan) or 1,000,000 (万元)."""
        return 1_000_000 if self.unit == "wan" else 100

    def party_index(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.parties)}

    def stream(self, sid: str) -> Stream:
        return next(s for s in self.streams if s.id == sid)

    def clause(self, cid: str) -> Any:
        return next(c for c in self.clauses if c.id == cid)

    @property
    def receiving(self) -> str:
        return next(p.id for p in self.parties if p.role == "receiving")

    def calendar(self, t: int) -> int:
        """Calendar year of contract year t (contract year 1 is ``start_year``)."""
        return self.start_year + t - 1

    def exit_clause(self) -> Exit | None:
        return next((c for c in self.clauses if isinstance(c, Exit)), None)

    def term(self) -> int:
        ex = self.exit_clause()
        return ex.term_years if ex is not None and ex.term_years is not None else self.years
