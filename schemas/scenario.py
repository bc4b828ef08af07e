"""Scenario files for the negotiation tools (``sharing sweep``, ``sharing montecarlo``).

A scenario file names a base contract and says what changes between scenarios:

```yaml
name: share and buffer options, growth uncertain
contract: ../shenshan-30y.yaml          # a path (relative to this file) or an inline mapping
vary:                                   # a grid: every combination of the values below
  - path: clauses.park_split.schedule[0].shares.shenzhen
    values: [0.3, 0.4, 0.5]
    balance: shanwei                    # who gives up / takes the difference (shares maps)
  - path: streams.park_vat.growth
    range: {from: 0.02, to: 0.08, step: 0.01}
draws:                                  # Monte Carlo: n scenarios per grid point
  seed: 20250101
  n: 10000
  params:
    - {path: streams.park_vat.growth, dist: normal, mean: 0.06, sd: 0.02}
    - {path: streams.park_vat.first, dist: lognormal, median: 60000000, sigma: 0.15}
    - {path: streams.park_cit.growth, dist: triangular, low: 0.0, mode: 0.05, high: 0.08}
    - {path: streams.moved_vat.first, dist: uniform, low: 20000000, high: 28000000}
```

Values and distribution parameters are exact numbers, read like the contract's (``0.35``,
``"1/3"``, ``"35%"``). A drawn number is made exact by rounding it to ``decimals`` decimal
places (in the file's unit for amounts): the default is 4 for rates and shares, and the fen
for amounts (2 decimals in yuan, 6 in 万元). See docs/negotiation.md.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import rule
from .numbers import Exact, exact, exact_text

MAX_VARY = 12  # axes of a grid
MAX_VALUES = 10_000  # values on one axis
MAX_GRID = 1_000_000  # grid points
MAX_DRAWS = 50
MAX_N = 10_000_000  # Monte Carlo scenarios per grid point
MAX_DECIMALS = 12


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _value(v: Any) -> Any:
    """A grid value: an exact number (kept as a Fraction, ints stay ints) or a plain word."""
    if isinstance(v, bool) or v is None:
        raise rule("scenario_value", "{value} is not a value a contract field takes", value=v)
    if isinstance(v, int):
        exact(v)  # bounded in digits, like every number
        return v
    if isinstance(v, (float, Fraction, Decimal)):
        return exact(v)
    if isinstance(v, str):
        try:
            return exact(v)
        except Exception:
            if len(v) > 200:
                raise rule("scenario_value", "{value} is longer than 200 characters",
                           value=v) from None
            return v  # a word, e.g. a buffer shape: the contract says if it is allowed
    raise rule("scenario_value", "{value} is not a number or a word", value=v)


class Range(Model):
    """``{from: a, to: b, step: s}``: a, a+s, a+2s, … up to b (included when reached)."""

    start: Annotated[Exact, Field(alias="from")]
    to: Exact
    step: Exact

    @model_validator(mode="after")
    def _count(self) -> Range:
        if self.step <= 0:
            raise rule("range_step", "step {step} must be > 0", step=exact_text(self.step))
        if self.to < self.start:
            raise rule("range_backwards", "to {to} is below from {start}",
                       to=exact_text(self.to), start=exact_text(self.start))
        n = (self.to - self.start) // self.step + 1
        if n > MAX_VALUES:
            raise rule("range_size", "{count} values; the limit is {limit} on one axis",
                       count=n, limit=MAX_VALUES)
        return self

    def values(self) -> list[Fraction]:
        n = int((self.to - self.start) // self.step) + 1
        return [self.start + i * self.step for i in range(n)]


class Vary(Model):
    """One axis of the grid: a parameter path and its values (a list or a range)."""

    path: Annotated[str, Field(min_length=1, max_length=200)]
    values: Annotated[list[Any], Field(min_length=1, max_length=MAX_VALUES)] | None = None
    range: Range | None = None
    balance: str | None = None

    @field_validator("values")
    @classmethod
    def _exact_values(cls, values: list[Any] | None) -> list[Any] | None:
        return None if values is None else [_value(v) for v in values]

    @model_validator(mode="after")
    def _one(self) -> Vary:
        if (self.values is None) == (self.range is None):
            raise rule("vary_values", "give values: [...] or range: {{from, to, step}}, "
                       "exactly one")
        return self

    def points(self) -> list[Any]:
        return list(self.values) if self.values is not None else self.range.values()


Real = Exact


class Draw(Model):
    """One drawn parameter: ``{path, dist, ...}`` with the distribution's parameters.

    - ``normal``: ``mean``, ``sd``;
    - ``lognormal``: ``median``, ``sigma`` (x = median · exp(sigma · Z));
    - ``uniform``: ``low``, ``high``;
    - ``triangular``: ``low``, ``mode``, ``high``.
    """

    path: Annotated[str, Field(min_length=1, max_length=200)]
    dist: Literal["normal", "lognormal", "uniform", "triangular"]
    mean: Real | None = None
    sd: Real | None = None
    median: Real | None = None
    sigma: Real | None = None
    low: Real | None = None
    mode: Real | None = None
    high: Real | None = None
    decimals: Annotated[int, Field(ge=0, le=MAX_DECIMALS)] | None = None
    balance: str | None = None

    @model_validator(mode="after")
    def _params(self) -> Draw:
        need = {"normal": ("mean", "sd"), "lognormal": ("median", "sigma"),
                "uniform": ("low", "high"), "triangular": ("low", "mode", "high")}[self.dist]
        given = {k for k in ("mean", "sd", "median", "sigma", "low", "mode", "high")
                 if getattr(self, k) is not None}
        if given != set(need):
            raise rule("draw_params", "a {dist} draw takes {need}; got {given}",
                       dist=self.dist, need=", ".join(need),
                       given=", ".join(sorted(given)) or "none")
        for k in need:
            if abs(getattr(self, k)) > 10**15:
                raise rule("draw_range", "{key} {value} is out of range", key=k,
                           value=exact_text(getattr(self, k)))
        if self.dist == "normal" and self.sd < 0:
            raise rule("draw_sd", "sd {value} must be ≥ 0", value=exact_text(self.sd))
        if self.dist == "lognormal" and (self.sigma < 0 or self.median <= 0):
            raise rule("draw_lognormal", "a lognormal draw needs median > 0 and sigma ≥ 0")
        if self.dist == "uniform" and self.high < self.low:
            raise rule("draw_order", "high must be ≥ low")
        if self.dist == "triangular" and not (self.low <= self.mode <= self.high
                                              and self.low < self.high):
            raise rule("draw_order", "a triangular draw needs low ≤ mode ≤ high, low < high")
        return self


class Draws(Model):
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    n: Annotated[int, Field(ge=1, le=MAX_N)] = 10_000
    params: Annotated[list[Draw], Field(min_length=1, max_length=MAX_DRAWS)]


class ScenarioFile(Model):
    """A whole scenario file (module docstring)."""

    name: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=20000)
    contract: Annotated[str, Field(min_length=1, max_length=1000)] | dict[str, Any]
    vary: Annotated[list[Vary], Field(max_length=MAX_VARY)] = []
    draws: Draws | None = None

    @model_validator(mode="after")
    def _distinct(self) -> ScenarioFile:
        paths = [v.path for v in self.vary] + [d.path for d in (self.draws.params
                                                                if self.draws else [])]
        seen: set[str] = set()
        for p in paths:
            key = "".join(p.split())
            if key in seen:
                raise rule("path_twice", "{path} is varied or drawn twice; give it once",
                           path=p)
            seen.add(key)
        size = 1
        for v in self.vary:
            size *= len(v.points())
        if size > MAX_GRID:
            raise rule("grid_size", "the grid has {count} points; the limit is {limit}",
                       count=f"{size:,}", limit=f"{MAX_GRID:,}")
        return self
