"""The contract fields of the operating years (semantics §6.1, §6.3, §6.4).

These models hold what a *case* contract adds to a §5 contract: enterprise stream templates,
amendments and the collector, and the two fields a per-enterprise clause adds
(``per_enterprise``, ``eligibility``). They are kept apart from :mod:`schemas.contract`:
the case layer (:mod:`sharing.operating.case`) reads them, takes them out, and hands the
engine plain §1–5 contracts, so a contract that uses none of §6 is read exactly as before.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from .contract import MAX_CLAUSES, MAX_STREAMS, MAX_YEARS, Clause, Contract, Id, Model, Stream
from .numbers import NonNegMoney, Ratio

MAX_TEMPLATES = 20
MAX_AMENDMENTS = 50


class EnterpriseStream(Model):
    """A stream template without a projection, e.g. ``{id: vat, name: 增值税, kind: tax}``."""

    id: Id
    name: str = Field(default="", max_length=200)
    kind: Literal["tax", "fee"]
    local_retention: Ratio | None = None


class Eligibility(Model):
    """``{pre_years: n, min_average: AMOUNT}`` on a per-enterprise clause (§6.1)."""

    pre_years: Annotated[int, Field(ge=1, le=50)] = 3
    min_average: NonNegMoney | None = None


class Amendment(Model):
    """A supplementary agreement (补充协议, §6.3): version k + 1 for the k-th in the list."""

    id: Id
    name: str = Field(default="", max_length=500)
    signed: Annotated[int, Field(ge=1900, le=2300)]
    effective_from: Annotated[int, Field(ge=1, le=MAX_YEARS)]
    clauses: Annotated[list[dict[str, Any]], Field(max_length=MAX_CLAUSES)] = []
    remove: Annotated[list[Id], Field(max_length=MAX_CLAUSES)] = []


class CaseFields(Model):
    """The §6 fields of a contract file; everything else is the §5 contract."""

    enterprise_streams: Annotated[list[EnterpriseStream],
                                  Field(max_length=MAX_TEMPLATES)] = []
    amendments: Annotated[list[Amendment], Field(max_length=MAX_AMENDMENTS)] = []
    collector: Id | None = None


class PerEnterprise(Model):
    """The two fields a ``tax_split`` or ``buffer`` with ``per_enterprise: true`` adds."""

    per_enterprise: bool = False
    eligibility: Eligibility | None = None


CASE_FIELDS = ("enterprise_streams", "amendments", "collector")
CLAUSE_FIELDS = ("per_enterprise", "eligibility")


# ---- a version expanded with its register (sharing.operating.case.expand) -----------------

MAX_ENTERPRISES = 20_000


class ExpandedContract(Contract):
    """A version with one stream per enterprise and template and one clause instance per
    eligible enterprise: the §5 contract's limits on streams and clauses, widened by the
    register's size (the contract file itself keeps its limits)."""

    streams: Annotated[list[Stream], Field(min_length=1, max_length=MAX_STREAMS
                                           + MAX_ENTERPRISES * MAX_TEMPLATES)]
    clauses: Annotated[list[Clause], Field(max_length=MAX_CLAUSES * (1 + MAX_ENTERPRISES))] = []
