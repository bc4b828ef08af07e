"""The contract workbook's layout: its sheets, their columns and the words of their lists.

One layout serves the blank template (downloaded from the form) and the input sheets of the
results workbook, and the one reader (:mod:`web.workbook_read`) reads both: a workbook
downloaded from a results page is a contract file. Every sheet has its header in row 1 and one
item per row below; headers and list values are in the reader's language, and the reader
accepts either language (and the schema's own words, ``tax_split``, ``sending``).

Sheets (title ``输入·参与方`` / ``Input · Parties``):

- **Contract**: one field per row (label, value).
- **Parties**: id, name, role, own discount rate.
- **Streams**: id, name, kind, first-year amount, growth, ramp, retention, relocation, the
  taxes paid before relocation, then one column per contract year for an explicit series.
- **Clauses**: one row per clause, one column per simple term of any kind (blank where the
  kind has no such term).
- **Schedule**: one row per segment: clause, years, ``from equity`` or one share per party
  (the party columns' headers are the parties' ids or names).
- **Contributions**: one row per contribution to an equity clause.
- **Other terms**: clause, term, value, for the terms that are structures (price, triggers,
  guarantees, funding, weights, loss and residual shares), the value written as a YAML flow
  (``{method: npv, rate: 0.08}``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext


@dataclass(frozen=True)
class Col:
    """One column: the document key (a dotted path inside the row's item), its label and
    how its cells are read: text, id, ids (a list of ids), int, num (an exact number, also
    written as 35% or 1/3), nums (a list of numbers), enum:<list>, flow (YAML flow)."""

    key: str
    label: object  # a lazy gettext string
    type: str = "text"
    fmt: str | None = None  # number format of its cells
    width: int = 14


MONEY_FMT = "#,##0.00######"
RATE_FMT = "0.00##%"

CONTRACT = [
    Col("name", lazy_gettext("Contract name"), width=40),
    Col("description", lazy_gettext("Description"), width=40),
    Col("start_year", lazy_gettext("First calendar year"), "int"),
    Col("years", lazy_gettext("Contract years"), "int"),
    Col("unit", lazy_gettext("Unit of amounts"), "enum:unit"),
    Col("discount_rate", lazy_gettext("Discount rate"), "num", RATE_FMT),
]

PARTIES = [
    Col("id", lazy_gettext("ID"), "id"),
    Col("name", lazy_gettext("Name"), width=36),
    Col("role", lazy_gettext("Role"), "enum:role", width=18),
    Col("discount_rate", lazy_gettext("Own discount rate"), "num", RATE_FMT),
]

STREAMS = [
    Col("id", lazy_gettext("ID"), "id"),
    Col("name", lazy_gettext("Name"), width=30),
    Col("kind", lazy_gettext("Kind"), "enum:stream_kind", width=18),
    Col("first", lazy_gettext("Amount in year 1"), "num", MONEY_FMT, 16),
    Col("growth", lazy_gettext("Growth per year"), "num", RATE_FMT),
    Col("ramp", lazy_gettext("Ramp-up fractions"), "nums"),
    Col("local_retention", lazy_gettext("Local retention (tax)"), "num", RATE_FMT),
    Col("relocated_year", lazy_gettext("Relocated in (calendar year)"), "int"),
    Col("pre_relocation_tax", lazy_gettext("Taxes paid before relocation"), "nums", width=20),
]
#: How many contract-year columns the blank template offers for a series.
TEMPLATE_YEARS = 30

CLAUSES = [
    Col("id", lazy_gettext("ID"), "id"),
    Col("kind", lazy_gettext("Clause kind"), "enum:clause_kind", width=26),
    Col("name", lazy_gettext("Name"), width=26),
    Col("streams", lazy_gettext("Streams"), "ids", width=18),
    Col("basis", lazy_gettext("Basis"), "enum:basis"),
    Col("timing", lazy_gettext("Timing"), "enum:timing"),
    Col("mode", lazy_gettext("Indicator mode"), "enum:mode"),
    Col("baseline.amount", lazy_gettext("Baseline amount in year 1"), "num", MONEY_FMT, 16),
    Col("baseline.growth", lazy_gettext("Baseline growth per year"), "num", RATE_FMT),
    Col("baseline.owner", lazy_gettext("Baseline owner"), "id"),
    Col("cap.party", lazy_gettext("Capped party"), "id"),
    Col("cap.cumulative", lazy_gettext("Cumulative cap"), "cumulative", MONEY_FMT, 16),
    Col("cap.per_year", lazy_gettext("Cap per year"), "num", MONEY_FMT, 16),
    Col("party", lazy_gettext("Buffered party"), "id"),
    Col("to", lazy_gettext("Passes to"), "id"),
    Col("years", lazy_gettext("Buffer years"), "int"),
    Col("shape", lazy_gettext("Buffer shape"), "enum:shape"),
    Col("start", lazy_gettext("Starting share"), "num", RATE_FMT),
    Col("shares", lazy_gettext("Share in each buffer year"), "nums", width=18),
    Col("profit_streams", lazy_gettext("Profit streams"), "ids"),
    Col("losses", lazy_gettext("Losses"), "enum:losses"),
    Col("payout_ratio", lazy_gettext("Payout ratio"), "num", RATE_FMT),
    Col("pool_cap", lazy_gettext("Pool cap"), "num", MONEY_FMT, 16),
    Col("backstop", lazy_gettext("Backstop party"), "id"),
    Col("term_years", lazy_gettext("Term in years"), "int"),
    Col("successor", lazy_gettext("Successor clause"), "id"),
    Col("notice_years", lazy_gettext("Notice years"), "int"),
    Col("exiting", lazy_gettext("Exiting party"), "id"),
    Col("buyer", lazy_gettext("Buyer"), "id"),
]

SCHEDULE = [
    Col("clause", lazy_gettext("Clause"), "id"),
    Col("years", lazy_gettext("Years (e.g. 1-5)"), "years"),
    Col("from_equity", lazy_gettext("Shares from equity clause"), "id", width=18),
]

CONTRIBUTIONS = [
    Col("clause", lazy_gettext("Clause"), "id"),
    Col("party", lazy_gettext("Party"), "id"),
    Col("kind", lazy_gettext("Contribution kind"), "enum:contribution_kind", width=20),
    Col("value", lazy_gettext("Value"), "num", MONEY_FMT, 16),
    Col("area_mu", lazy_gettext("Area (mu)"), "num"),
    Col("price_per_mu", lazy_gettext("Price per mu"), "num", MONEY_FMT, 16),
    Col("year", lazy_gettext("Contract year"), "int"),
]

TERMS = [
    Col("clause", lazy_gettext("Clause"), "id"),
    Col("term", lazy_gettext("Term"), "enum:term", width=24),
    Col("value", lazy_gettext("Value (YAML, e.g. {method: npv, rate: 0.08})"), "flow", width=70),
]

#: The clause fields written in the Other terms sheet (structures, not one cell).
FLOW_TERMS = ("weights", "loss_shares", "funded_by", "guarantees", "residual_shares",
              "triggers", "price", "penalty", "price_at_term_end")


def sheet_titles() -> dict[str, str]:
    """Sheet key -> title in the current language (at most 31 characters)."""
    prefix = _("Input · ")
    return {key: (prefix + str(label))[:31] for key, label in (
        ("contract", _("Contract")), ("parties", _("Parties")), ("streams", _("Streams")),
        ("clauses", _("Clauses")), ("schedule", _("Schedule")),
        ("contributions", _("Contributions")), ("terms", _("Other terms")))}


COLUMNS = {"parties": PARTIES, "streams": STREAMS, "clauses": CLAUSES, "schedule": SCHEDULE,
           "contributions": CONTRIBUTIONS, "terms": TERMS}


def year_header(t: int, start_year: int | None = None) -> str:
    """The header of a series column: contract year t (and its calendar year)."""
    if start_year is None:
        return _("Year %(n)s", n=t)
    return _("Year %(n)s (%(year)s)", n=t, year=start_year + t - 1)


def enum_labels(name: str) -> list[tuple[str, str]]:
    """(code, label) of one list, in the current language."""
    lists: dict[str, list[tuple[str, str]]] = {
        "unit": [("yuan", _("yuan (元)")), ("wan", _("ten thousand yuan (万元)"))],
        "role": [("sending", _("sending (飞出地)")), ("receiving", _("receiving (飞入地)")),
                 ("other", _("other"))],
        "stream_kind": [("tax", _("tax")), ("fee", _("fee")), ("land", _("land revenue")),
                        ("profit", _("company profit")), ("cost", _("cost")),
                        ("indicator", _("indicator (GDP, output; not money)"))],
        "clause_kind": [("tax_split", _("Tax split (incremental revenue)")),
                        ("buffer", _("Buffer years after relocation (缓冲期)")),
                        ("equity", _("Equity in a joint development company")),
                        ("cost_share", _("Cost sharing")),
                        ("risk_pool", _("Risk pool and guarantees")),
                        ("indicator_split", _("Indicator split (GDP, statistics)")),
                        ("exit", _("Term, exit and settlement"))],
        "basis": [("increment", _("increment over the baseline")),
                  ("total", _("total amount"))],
        "timing": [("contract", _("contract years")),
                   ("since_relocation", _("years since relocation"))],
        "mode": [("split", _("split between the parties")),
                 ("full_each", _("counted in full by each"))],
        "shape": [("step", _("step (a share per year)")), ("linear", _("linear decline")),
                  ("flat", _("flat"))],
        "losses": [("carry_forward", _("carried forward")), ("cash_call", _("cash call"))],
        "contribution_kind": [("cash", _("cash")), ("land", _("land")),
                              ("project", _("project")),
                              ("tax_stock", _("tax base (existing taxes)")),
                              ("intangible",
                               _("intangible (technology, brand, management)"))],
        "term": [("weights", _("Contribution weights")), ("loss_shares", _("Loss shares")),
                 ("funded_by", _("Pool funding")), ("guarantees", _("Guarantees")),
                 ("residual_shares", _("Residual shares")), ("triggers", _("Exit triggers")),
                 ("price", _("Exit price")), ("penalty", _("Penalty")),
                 ("price_at_term_end", _("Price at term end"))],
    }
    return lists[name]


def pre_relocation_label() -> str:
    """The word for ``cap.cumulative: pre_relocation_total``."""
    return _("taxes paid before relocation")
