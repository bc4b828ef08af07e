"""The clause kinds' one registry: each kind's schema model, engine class and other handlers
(§3). ``schemas.contract.CLAUSE_MODELS`` declares the models (CLAUSE_KINDS and the union tags
are derived from them); this module names, for each kind, where the rest of its knowledge
lives, and refuses at import a kind that lacks a handler, so no surface can silently skip one.

How to add a clause kind: docs/clause-kinds.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.contract import (
    CLAUSE_KINDS,
    CLAUSE_MODELS,
    Buffer,
    CostShare,
    Equity,
    Exit,
    IndicatorSplit,
    RiskPool,
    TaxSplit,
)

from .clauses.cost_share import CostShareClause
from .clauses.equity import EquityClause
from .clauses.exit import ExitClause
from .clauses.indicator_split import IndicatorClause
from .clauses.risk_pool import PoolClause
from .clauses.split import SplitClause

#: Declared, not omitted: the symbolic explain writes the money ledger, and indicators are not
#: money (§3.5), so an indicator clause has no symbolic form.
NOT_MONEY = "not money: no symbolic form"


@dataclass(frozen=True)
class ClauseKind:
    """Where one clause kind's knowledge lives."""

    kind: str
    model: type  # schemas.contract model
    engine: type  # sharing.clauses.* class the engine runs
    step: str  # the step of the year (§3) in which the engine runs it
    explain_prefix: str  # its explanation templates in sharing.explain.TEMPLATES
    terms: str  # sharing.audit.terms.Words method writing its terms in words
    form_section: str  # key of web.formspec's clause_variants
    symbolic: str  # sharing.scenarios.symbolic handler of the symbolic explain
    audit_steps: tuple[str, ...]  # sharing.audit.vocab steps that name it


KINDS: dict[str, ClauseKind] = {k.kind: k for k in (
    ClauseKind("tax_split", TaxSplit, SplitClause, "3-4 baselines, increments, split, caps",
               "split.", "clause_lines", "tax_split", "_SplitState", ("share", "cap")),
    ClauseKind("buffer", Buffer, SplitClause, "3-4 as a generated tax_split schedule",
               "split.", "clause_lines", "buffer", "_SplitState", ("share",)),
    ClauseKind("equity", Equity, EquityClause, "5 contributions, dividends, losses",
               "equity.", "clause_lines", "equity", "Equity", ("dividend",)),
    ClauseKind("cost_share", CostShare, CostShareClause, "5 costs allocated",
               "cost.", "clause_lines", "cost_share", "CostShare", ("cost",)),
    ClauseKind("risk_pool", RiskPool, PoolClause, "3 funding, 6 guarantees, 8 residual",
               "pool.", "clause_lines", "risk_pool", "_PoolState", ("pool",)),
    ClauseKind("indicator_split", IndicatorSplit, IndicatorClause, "indicator ledger",
               "indicator.", "clause_lines", "indicator_split", NOT_MONEY,
               ("indicator",)),
    ClauseKind("exit", Exit, ExitClause, "1-2 last year, handover; 7 settlement",
               "exit.", "exit_lines", "exit", "exit_clause", ("buyout", "penalty")),
)}


def check_registry() -> None:
    """Every schema kind is registered, with the model that declares it (import-time check)."""
    models = dict(zip(CLAUSE_KINDS, CLAUSE_MODELS, strict=True))
    missing = [k for k in CLAUSE_KINDS if k not in KINDS]
    extra = [k for k in KINDS if k not in models]
    wrong = [k for k, ck in KINDS.items() if k in models and models[k] is not ck.model]
    if missing or extra or wrong:
        raise RuntimeError(f"clause-kind registry out of step with the schema: missing "
                           f"{missing}, unknown {extra}, wrong model {wrong}")


check_registry()
