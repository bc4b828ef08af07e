"""The explanation of a ledger entry as data: a template key and typed parameters (§4).

A ``why`` is a function of the scenario index returning such a record (a plain dict, the
JSON form of :class:`schemas.result.Explanation`), so a run of many scenarios builds none
until one is shown. Amounts are exact fen (ints, or ``"n/d"`` when not yet rounded), shares
and rates exact fractions ``"n/d"``, years calendar years, and parties, streams and clauses
their ids; :mod:`sharing.explain_text` turns a record into text in the reader's language.

Every template is declared here once, by key, with its English text (the gettext msgid).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

Record = dict[str, Any]
Why = Callable[[int], Record]

#: key -> English template (the msgid the catalog translates); ``{name}`` is a parameter.
TEMPLATES: dict[str, str] = {
    # §2 stream projections
    "projection.before": "before relocation in {year}",
    "projection.series": "series {value}",
    "projection.first": "{value}",
    "projection.growth": "{how} × (1 + {growth})^{power}",
    "projection.ramp": "{how} × ramp {ramp}",
    "projection.rounded": "{how} = {exact} → {value}",
    "projection.equals": "{how} = {value}",
    "projection.retention": "{how}; × local retention {retention} = {value}",
    "projection.retention_rounded": "{how}; × local retention {retention} = {exact} → {value}",
    # periods of a schedule (§3.1, §3.2)
    "period.year": "year {a}",
    "period.years": "years {a}-{z}",
    "period.life_year": "life year {k} ({span})",
    "period.buffer": "buffer year {k} of {n}, {shape}",
    "period.from_equity": "{period}, equity ratios of {clause}",
    # §3.1 tax split
    "split.part": "{stream} {value}",
    "split.amount": "amount {amount}",
    "split.amount_parts": "amount {amount} ({parts})",
    "split.amount_stream": "amount {amount} ({stream})",
    "split.increment": "increment {increment} = {amount} − baseline {baseline}",
    "split.increment_all": "increment {increment} = {amount}",
    "split.less_pool": "{basis}, less {pool} into the risk pool",
    "split.baseline": "amount {amount} ({parts}); baseline {baseline} ({when}); the part up "
                      "to the baseline, {part}, to the baseline owner",
    "split.baseline_grown": "amount {amount} ({parts}); baseline {baseline} × (1 + {growth})"
                            "^{power} = {grown} ({when}); the part up to the baseline, {part}, "
                            "to the baseline owner",
    "split.baseline.year": "year {k}",
    "split.baseline.life_year": "life year {k}",
    "split.share": "{basis}: {rest} × share {share} ({period}) = {exact}",
    "split.share_rounded": "{basis}: {rest} × share {share} ({period}) = {exact} → {value} "
                           "(largest remainder, §1)",
    "split.share_tie_won": "{basis}: {rest} × share {share} ({period}) = {exact} → {value} "
                           "(largest remainder, §1: a tie, its remainder equals {others}'s, and "
                           "a tie goes to the party listed first in the contract, so it gets "
                           "the leftover fen)",
    "split.share_tie_lost": "{basis}: {rest} × share {share} ({period}) = {exact} → {value} "
                            "(largest remainder, §1: a tie, its remainder equals {others}'s, and "
                            "a tie goes to the party listed first in the contract, so "
                            "{winners} get the leftover fen first, one fen each at most)",
    "split.share_capped": "{basis}: {rest} × share {share} ({period}) = {exact}; {cap}",
    "cap.within": "within the caps (cumulative {got} of {cap})",
    "cap.within_per_year": "within the per-year cap {cap}",
    "cap.per_year": "per-year cap {cap}",
    "cap.cumulative": "cumulative cap {cap} with {before} received before, room {room}",
    "cap.cut": "cut to {allowed} by the {caps}; excess {excess} to the others",
    "cap.excess": "excess {excess} over {party}'s cap ({period}) × {share} ({how}) → {value}",
    "cap.renormalised": "shares renormalised over the other parties",
    "cap.to_receiving": "the other parties' shares are all 0, so to the receiving party",
    "unclaimed": "{stream} {value}: no clause claims it in {year}, so it stays with the "
                 "receiving party",
    "unclaimed.indicator": "{stream} {value}: no clause claims it, so it counts for the "
                           "receiving party",
    # §3.3 equity
    "equity.contribution": "{kind} contribution {how} to {clause} (contract year {k}), "
                           "weight {weight}",
    "equity.land": "{area} mu × {price} per mu = {value}",
    "equity.dividend": "profit {profit}; dividends {dividends} = payout {payout} × {base}; "
                       "× equity ratio {ratio} → {value}",
    "equity.dividend_covered": "profit {profit}, less {covered} making good the deficit "
                               "{deficit}; dividends {dividends} = payout {payout} × {base}; "
                               "× equity ratio {ratio} → {value}",
    "equity.loss": "loss {loss} called from the parties (cash_call) × {what} {share} → {value}",
    "equity.loss_shares": "loss_shares",
    "equity.ratio": "equity ratio",
    "equity.retained_loss": "loss {loss} kept by the company, deficit now {deficit}",
    "equity.retained": "profit {profit} − dividends {dividends} kept by the company",
    "equity.retained_covered": "profit {profit} − dividends {dividends} kept by the company "
                               "({covered} of it making good the deficit)",
    # §3.4 cost sharing
    "cost.share": "cost {value} ({streams}) × share {share} ({period}) = {exact} → {part}",
    "cost.refund": "refund {value} ({streams}) × share {share} ({period}) = {exact} → {part}",
    # §3.5 indicators
    "indicator.full_each": "{value} counted in full for each party named ({period}, full_each)",
    "indicator.share": "{value} × share {share} ({period}) → {part}",
    # §3.6 risk pool
    "pool.in": "into pool {pool}: rate {rate} × {increment} = {value}",
    "pool.in_cut": "into pool {pool}: rate {rate} × {increment} = {wanted}, cut to {value} by "
                   "the pool cap {cap}",
    "pool.floor": "floor {value}",
    "pool.floor_contributions": "floor {rate} × {party}'s contributions {base} = {value}",
    "pool.out": "guarantee {n}: {floor} against receipts from {counts} {receipts}; shortfall "
                "{shortfall}; the pool (balance {balance}) pays {value}",
    "pool.backstop": "guarantee {n} for {party}: shortfall {shortfall}, pool paid {paid}, "
                     "backstop {backstop} pays the remaining {value}",
    "pool.residual": "pool {pool} closes: balance {balance} × residual share {share} → {value}",
    # §3.6 exit
    "exit.buyout": "exit in {year}: {buyer} buys {exiting}'s position; {how} → {value}",
    "exit.buyout_term_end": "term end in {year}: {buyer} buys {exiting}'s position; {how} → "
                            "{value}",
    "price.book_term": "{value} × (1 + {index})^{power}",
    "price.book": "book value {terms} = {value}",
    "price.book_none": "book value 0 = {value}",
    "price.fixed": "fixed price {value}",
    "price.npv_none": "npv price 0 (no years left)",
    "price.npv": "npv at {rate} of {party}'s receipts and costs {first}–{last} in the run with "
                 "no exit",
    "price.max": "the largest of: {prices}",
    "exit.penalty": "{payer} at fault (trigger {n}) pays {payee}: penalty {amount} → {value}",
    "exit.penalty_rate": "{payer} at fault (trigger {n}) pays {payee}: penalty {rate} × the "
                         "price {price} → {value}",
    "exit.handover": "{stream} {value}: after the last year {year}, handed over whole to "
                     "{party}",
    # events of the year (§4), each with the numbers that explain it
    "event.cap_per_year": "{party}'s per-year cap on {subject} binds",
    "event.cap_cumulative": "{party}'s cumulative cap on {subject} reached",
    "event.cap_both": "{party}'s per-year cap on {subject} binds and its cumulative cap is "
                      "reached",
    "event.handover": "from {year} every stream goes to {party}",
    "event.exit_triggered": "trigger {n} ({when}) fired; exit year {year} (contract year {k})",
    "event.pool_full": "pool cap {cap} reached: {wanted} wanted from {clause}, {fits} fits",
    "event.guarantee_backstopped": "guarantee {n} ({party}): {backstop} paid {value}",
    "event.guarantee_unpaid": "guarantee {n} ({party}): {value} unpaid, the pool is empty and "
                              "there is no backstop",
    "event.pool_exhausted": "the pool could not pay every shortfall this year",
}
#: Parameters that name a fixed phrase by its key: the phrase, not the key, is translated.
#: Translated with the message context WORD_CONTEXT (a contract's own vocabulary, which may
#: read differently elsewhere in the catalog).
WORDS: dict[str, str] = {
    "linear": "linear", "step": "step", "flat": "flat",
    "cash": "cash", "land": "land", "project": "project", "tax_stock": "tax_stock",
    "intangible": "intangible",
    "increment_below": "increment below its threshold",
    "cumulative_reached": "cumulative receipts reached",
    "in_year": "in a set year",
}
WORD_CONTEXT = "explanation"


def why(key: str, **params: Any) -> Record:
    """A record; ``params`` already typed by the helpers below."""
    assert key in TEMPLATES, key
    return {"key": key, "params": params}


def fen(v: Any) -> dict[str, int]:
    return {"fen": int(v)}


def exact(v: Fraction | int) -> dict[str, Any]:
    """Exact fen not yet rounded: whole fen as an int, else ``"n/d"``."""
    v = Fraction(v)
    return {"fen": v.numerator} if v.denominator == 1 else {"exact_fen": f"{v.numerator}/{v.denominator}"}


def share(v: Fraction | int) -> dict[str, str]:
    v = Fraction(v)
    return {"share": f"{v.numerator}/{v.denominator}"}


def year(v: int) -> dict[str, int]:
    return {"year": int(v)}


def num(v: int) -> dict[str, int]:
    return {"int": int(v)}


def party(pid: str | None) -> dict[str, str | None]:
    return {"party": pid}


def stream(sid: str) -> dict[str, str]:
    return {"stream": sid}


def clause(cid: str) -> dict[str, str]:
    return {"clause": cid}


def word(key: str) -> dict[str, str]:
    return {"word": key}


def join(items: Iterable[Any], sep: str = "+") -> dict[str, Any]:
    return {"join": list(items), "sep": sep}


def period(a: int, z: int) -> Record:
    return why("period.years", a=num(a), z=num(z)) if a != z else why("period.year", a=num(a))


def stream_parts(streams: list[str], parts: list[int] | None) -> dict[str, Any]:
    """The streams added up into one amount: ``tax 1.00 + fee 2.00`` (or their names)."""
    if parts:
        return join(why("split.part", stream=stream(s), value=fen(p))
                    for s, p in zip(streams, parts, strict=True))
    return join(stream(s) for s in streams)
