"""From a scenario file to numbered scenarios: grid points, draws, and their contracts.

Scenario i (0-based) is grid point ``g = i // n`` and draw ``j = i % n`` (n = 1 without
draws). Grid points count through the ``vary`` axes with the last axis fastest, like nested
loops in the order written. Draw j is the same for every grid point (common random numbers),
so differences between grid points are not noise.

**Draws are exact and reproducible.** The draws of scenarios j = 4096·b … 4096·b + 4095 come
from their own generator, PCG64 seeded with ``SeedSequence(seed, spawn_key=(b,))``; within a
block each drawn parameter takes 4096 numbers in the order the file lists them. A number x is
made exact by ``rint(x · 10^decimals)`` (IEEE double, ties to even) over ``10^decimals``. So
scenario j's draws never depend on n, on how the scenarios are cut into chunks, or on which
machine computes them: ``--n 1000`` gives the first thousand scenarios of ``--n 1000000``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

from schemas.errors import InvalidContract, issue
from schemas.scenario import Draw, ScenarioFile, Vary
from sharing.loader import read_file

from .exact import ExactArray
from .paths import (
    ParamPath,
    PathError,
    ProjectionParam,
    parse_path,
    projection_param,
    resolve,
    set_value,
)

BLOCK = 4096
#: Fields holding money: drawn values are rounded to the fen by default.
AMOUNT_FIELDS = frozenset({"first", "series", "amount", "cumulative", "per_year", "floor",
                           "value", "price_per_mu", "threshold", "pre_relocation_tax"})
INT_FIELDS = frozenset({"years", "year", "term_years", "consecutive_years", "notice_years",
                        "start_year", "relocated_year"})


class ScenarioFileError(InvalidContract):
    """The scenario file itself is wrong (not one scenario): exit status 2, like a contract."""


@dataclass(frozen=True)
class Param:
    """A varied or drawn parameter, as found in the base contract."""

    path: ParamPath
    balance: str | None
    projection: ProjectionParam | None  # None: it changes the contract's structure
    field: str  # the last named step, e.g. "growth", "shenzhen"
    #: (clause id, "amount" | "growth") for a split's baseline: a value, not structure
    baseline: tuple[str, str] | None = None

    @property
    def structural(self) -> bool:
        return self.projection is None and self.baseline is None


@dataclass
class Axis:
    param: Param
    values: list[Any]

    @cached_property
    def exact(self) -> ExactArray | None:
        """The axis's values as one exact array (projection parameters only)."""
        if self.param.structural:
            return None
        return ExactArray.of([Fraction(v) for v in self.values])


@dataclass
class DrawSpec:
    param: Param
    draw: Draw
    decimals: int

    @property
    def den(self) -> int:
        return 10**self.decimals

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        d = self.draw
        f = float
        if d.dist == "normal":
            return f(d.mean) + f(d.sd) * rng.standard_normal(size)
        if d.dist == "lognormal":
            return f(d.median) * np.exp(f(d.sigma) * rng.standard_normal(size))
        if d.dist == "uniform":
            return f(d.low) + (f(d.high) - f(d.low)) * rng.random(size)
        return rng.triangular(f(d.low), f(d.mode), f(d.high), size)


@dataclass
class Plan:
    """Everything needed to compute any scenario; picklable (it travels to dask workers)."""

    name: str
    source: str
    base: dict[str, Any]
    axes: list[Axis]
    draws: list[DrawSpec]
    seed: int
    n: int  # draws per grid point (1 without draws)
    unit_fen: int
    parties: list[str] = field(default_factory=list)
    calendar: list[int] = field(default_factory=list)  # calendar years of the contract
    token: str = ""  # identifies the plan's content (caches key on it)

    @property
    def grid_size(self) -> int:
        size = 1
        for a in self.axes:
            size *= len(a.values)
        return size

    @property
    def total(self) -> int:
        return self.grid_size * self.n

    def projection_params(self) -> list[Param]:
        return [a.param for a in self.axes if a.param.projection is not None] + [
            d.param for d in self.draws if d.param.projection is not None]

    # ---- grid points ---------------------------------------------------------------------
    def digits(self, g: np.ndarray) -> list[np.ndarray]:
        """Each axis's value index for grid points g (last axis fastest)."""
        out = []
        rest = np.asarray(g, dtype=np.int64)
        for a in reversed(self.axes):
            out.append(rest % len(a.values))
            rest = rest // len(a.values)
        return out[::-1]

    def grid_values(self, g: int) -> list[Any]:
        return [a.values[int(d[0])] for a, d in zip(self.axes, self.digits(np.array([g])),
                                                    strict=True)]

    # ---- draws ---------------------------------------------------------------------------
    def draw_nums(self, j0: int, j1: int) -> tuple[list[np.ndarray], np.ndarray]:
        """Numerators (over 10^decimals) of every drawn parameter for draws j0..j1−1, and a
        mask of the draws with a number too large to be made exact (|x·10^decimals| ≥ 2^53),
        which are reported invalid."""
        m = max(j1 - j0, 0)
        if not self.draws or m == 0:
            return [np.zeros(m, dtype=np.int64) for _ in self.draws], np.zeros(m, dtype=bool)
        b0, b1 = j0 // BLOCK, (j1 - 1) // BLOCK
        parts: list[list[np.ndarray]] = [[] for _ in self.draws]
        bad: list[np.ndarray] = []
        for b in range(b0, b1 + 1):
            rng = np.random.Generator(np.random.PCG64(
                np.random.SeedSequence(self.seed, spawn_key=(b,))))
            bad_b = np.zeros(BLOCK, dtype=bool)
            for k, spec in enumerate(self.draws):
                r = np.rint(spec.sample(rng, BLOCK) * float(spec.den))
                ok = np.isfinite(r) & (np.abs(r) < 2.0**53)
                parts[k].append(np.where(ok, r, 0).astype(np.int64))
                bad_b |= ~ok
            bad.append(bad_b)
        lo = j0 - b0 * BLOCK
        return ([np.concatenate(p)[lo:lo + m] for p in parts],
                np.concatenate(bad)[lo:lo + m])

    def drawn_value(self, k: int, num: int) -> Fraction | int:
        v = Fraction(int(num), self.draws[k].den)
        return int(v) if v.denominator == 1 and self.draws[k].param.field in INT_FIELDS else v

    # ---- one scenario's contract document ------------------------------------------------
    def assignments(self, i: int) -> list[tuple[Param, Any]]:
        """(parameter, value) of scenario i, axes first, then draws, in file order."""
        g, j = divmod(i, self.n)
        out: list[tuple[Param, Any]] = [(a.param, v) for a, v in zip(self.axes,
                                                                      self.grid_values(g),
                                                                      strict=True)]
        if self.draws:
            nums, bad = self.draw_nums(j, j + 1)
            for k, spec in enumerate(self.draws):
                out.append((spec.param, None if bad[0] else self.drawn_value(k, int(nums[k][0]))))
        return out

    def document(self, i: int) -> dict[str, Any]:
        """Scenario i's whole contract document: run it alone with ``sharing run``.

        Raises PathError when a parameter cannot be set in it.
        """
        if not 0 <= i < self.total:
            raise IndexError(f"scenario {i} does not exist (0 … {self.total - 1})")
        doc = copy.deepcopy(self.base)
        for param, value in self.assignments(i):
            if value is None:
                raise PathError(f"{param.path}: the drawn number is too large to be made exact")
            set_value(doc, param.path, value, param.balance)
        return doc

    def describe(self, i: int) -> dict[str, str]:
        """Scenario i's parameter values as text, by path."""
        from schemas.numbers import exact_text

        return {str(p.path): (str(exact_text(v)) if isinstance(v, Fraction) else str(v))
                for p, v in self.assignments(i)}


def _param(base: dict[str, Any], path_text: str, balance: str | None, where: str) -> Param:
    try:
        path = parse_path(path_text)
    except PathError as e:
        raise ScenarioFileError([issue(f"{where}.path", "scenario_path", "{msg}",
                                       msg=str(e))]) from None
    proj = projection_param(base, path)
    last = next((s for s in reversed(path.steps) if isinstance(s, str)), "")
    return Param(path, balance, proj, last, _baseline_param(base, path))


def _baseline_param(base: dict[str, Any], path: ParamPath) -> tuple[str, str] | None:
    """(clause id, field) when the path names a clause's baseline amount or growth (§3.1):
    a number the engine takes per scenario, so it never splits scenarios into groups."""
    try:
        concrete, _ = resolve(base, path)
    except PathError:
        return None
    if (len(concrete) == 4 and concrete[0] == "clauses" and isinstance(concrete[1], int)
            and concrete[2] == "baseline" and concrete[3] in ("amount", "growth")):
        clause = base["clauses"][concrete[1]]
        if isinstance(clause, dict) and isinstance(clause.get("baseline"), dict):
            return str(clause.get("id")), str(concrete[3])
    return None


def _default_decimals(param: Param, unit_fen: int) -> int:
    if param.field in INT_FIELDS:
        return 0
    names = {s for s in param.path.steps if isinstance(s, str)}
    if names & AMOUNT_FIELDS:
        return 2 if unit_fen == 100 else 6
    return 4


def build_plan(spec: ScenarioFile, base: dict[str, Any], source: str = "(scenario)",
               n: int | None = None, seed: int | None = None) -> Plan:
    """A plan from a validated scenario file and its base contract document."""
    from sharing.api import parse_contract

    try:
        contract = parse_contract(base)
    except InvalidContract as e:
        raise ScenarioFileError([issue("contract", "scenario_base", "the base contract is "
                                       "invalid: {first}", first=str(e.issues[0]))]
                                + list(e.issues)) from None
    axes = [Axis(_param(base, v.path, v.balance, f"vary[{i}]"), v.points())
            for i, v in enumerate(spec.vary)]
    draws: list[DrawSpec] = []
    if spec.draws is not None:
        for k, d in enumerate(spec.draws.params):
            p = _param(base, d.path, d.balance, f"draws.params[{k}]")
            dec = d.decimals if d.decimals is not None else _default_decimals(p, contract.unit_fen)
            draws.append(DrawSpec(p, d, dec))
    token = hashlib.sha256(json.dumps(
        [spec.model_dump(mode="json", exclude={"contract"}), base, n, seed],
        sort_keys=True, default=str).encode("utf-8")).hexdigest()
    return Plan(
        name=spec.name or contract.name,
        source=source,
        base=base,
        axes=axes,
        draws=draws,
        seed=seed if seed is not None else (spec.draws.seed if spec.draws else 0),
        n=(n if n is not None else spec.draws.n) if spec.draws else 1,
        unit_fen=contract.unit_fen,
        parties=[p.id for p in contract.parties],
        calendar=[contract.calendar(t) for t in range(1, contract.years + 1)],
        token=token,
    )


def load_plan(path: str, n: int | None = None, seed: int | None = None) -> Plan:
    """Read a scenario file (YAML or JSON, read as safely as a contract) and plan it."""
    from pydantic import ValidationError

    from schemas.errors import from_pydantic

    doc = read_file(path)
    try:
        spec = ScenarioFile.model_validate(doc)
    except ValidationError as e:
        raise ScenarioFileError(from_pydantic(e.errors(include_url=False),
                                              frozenset())) from None
    if isinstance(spec.contract, str):
        cpath = os.path.join(os.path.dirname(os.path.abspath(path)), spec.contract)
        base = read_file(cpath)
    else:
        base = dict(spec.contract)
    return build_plan(spec, base, path, n=n, seed=seed)


def plan_from_contract(doc: dict[str, Any], vary: list[Vary] | None = None,
                       source: str = "(contract)") -> Plan:
    """A plan over one contract document with optional axes (used by solve and the web)."""
    spec = ScenarioFile(contract=doc, vary=vary or [])
    return build_plan(spec, doc, source)
