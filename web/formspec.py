"""What the contract form shows: every part of the schema, labelled in the page's language.

The browser's form builder (static/form.js) renders this description; it holds no knowledge
of the schema itself. ``tests/web/test_formspec.py`` walks the pydantic models and checks
that every field of every clause kind appears here, so the form can enter anything a contract
file can say.

Field types: ``text``, ``textarea``, ``int``, ``num`` (exact: ``0.35``, ``"1/3"``, ``"35%"``),
``years`` (a segment ``"1-5"`` or ``3``), ``select``, ``ref`` (an id of a party, stream or
clause), ``refs`` (a list of ids), ``nums`` (a list of numbers), ``shares`` (party -> share,
or ``{from_equity: ID}``), ``weights``, ``object`` (a group, optional when ``opt``),
``list`` (a repeatable group), ``union`` (a group whose fields depend on ``disc``),
``cumulative`` and ``floor`` (a word or an amount / an amount or a rate of contributions).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _


def F(key: str, type_: str, label: str, **kw: Any) -> dict[str, Any]:
    return {"k": key, "t": type_, "l": label, **kw}


def _select(key: str, label: str, options: list[tuple[str, str]], default: str | None = None,
            **kw: Any) -> dict[str, Any]:
    return F(key, "select", label, opt=[list(o) for o in options], default=default, **kw)


def build() -> dict[str, Any]:
    """The whole form description, in the current language."""
    money_help = _("in the contract's unit (yuan or 万元); 1000万, 0.35亿 or 1000元 are "
                   "converted")
    share_help = _("0.35, 1/3 or 35%")

    def id_field(what: str) -> dict[str, Any]:
        return F("id", "text", _("ID"), req=True, cls="id",
                 h=_("letters, digits, _ or -; used to refer to this %(what)s", what=what))

    def name_field() -> dict[str, Any]:
        return F("name", "text", _("Name"), cls="wide")

    stream_kinds = [("tax", _("tax")), ("fee", _("fee")), ("land", _("land revenue")),
                    ("profit", _("company profit")), ("cost", _("cost")),
                    ("indicator", _("indicator (GDP, output; not money)"))]
    contribution_kinds = [("cash", _("cash")), ("land", _("land")), ("project", _("project")),
                          ("tax_stock", _("tax base (existing taxes)")),
                          ("intangible", _("intangible (technology, brand, management)"))]

    baseline = F("baseline", "object", _("Baseline (基数)"), opt=True, fields=[
        F("amount", "num", _("Amount in year 1"), req=True, h=money_help),
        F("growth", "num", _("Growth per year"), h=_("e.g. 0.03")),
        F("owner", "ref", _("Owner"), ref="party", h=_("default: the receiving party")),
    ])
    cap = F("cap", "object", _("Cap"), opt=True, fields=[
        F("party", "ref", _("Capped party"), ref="party", req=True),
        F("cumulative", "cumulative", _("Cumulative cap"),
          h=_("an amount, or the taxes paid before relocation")),
        F("per_year", "num", _("Cap per year"), h=money_help),
    ])
    segment = {"fields": [
        F("years", "years", _("Contract years"), req=True, h=_("e.g. 1-5 or 3")),
        F("shares", "shares", _("Shares"), req=True, equity=True, h=share_help),
    ]}
    schedule = F("schedule", "list", _("Schedule"), item=segment, add=_("Add segment"),
                 item_label=_("Segment"), req=True)

    price_variants = {
        "book": [F("index", "num", _("Yearly index"), h=_("e.g. 0.03"))],
        "npv": [F("rate", "num", _("Discount rate"), req=True)],
        "fixed": [F("amount", "num", _("Amount"), req=True, h=money_help)],
        "max_of": [F("of", "list", _("The largest of"), item={"ref_spec": "price"},
                     add=_("Add price"), item_label=_("Price"), req=True)],
    }
    price_labels = [("book", _("book value of contributions")),
                    ("npv", _("NPV of future receipts")), ("fixed", _("fixed amount")),
                    ("max_of", _("the largest of several"))]
    price_union = {"disc": "method", "labels": [list(x) for x in price_labels],
                   "variants": price_variants}

    triggers = F("triggers", "list", _("Exit triggers"), add=_("Add trigger"),
                 item_label=_("Trigger"), item={"union": {
                     "disc": "when",
                     "labels": [["increment_below", _("increment below a threshold")],
                                ["cumulative_reached", _("cumulative receipts reached")],
                                ["in_year", _("planned exit in a year")]],
                     "variants": {
                         "increment_below": [
                             F("clause", "ref", _("Split clause"), ref="clause", req=True),
                             F("threshold", "num", _("Threshold"), req=True, h=money_help),
                             F("consecutive_years", "int", _("Consecutive years")),
                             F("at_fault", "ref", _("Party at fault"), ref="party")],
                         "cumulative_reached": [
                             F("party", "ref", _("Party"), ref="party", req=True),
                             F("clause", "ref", _("Clause"), ref="clause", req=True),
                             F("amount", "num", _("Amount"), req=True, h=money_help),
                             F("at_fault", "ref", _("Party at fault"), ref="party")],
                         "in_year": [
                             F("year", "int", _("Contract year"), req=True),
                             F("at_fault", "ref", _("Party at fault"), ref="party")],
                     }}})

    clause_variants = {
        "tax_split": [
            id_field(_("clause")), name_field(),
            F("streams", "refs", _("Streams"), ref="stream", req=True),
            _select("basis", _("Basis"), [("increment", _("increment over a baseline")),
                                         ("total", _("total amount"))], "increment"),
            _select("timing", _("Timing"), [("contract", _("contract years")),
                                           ("since_relocation", _("years since relocation"))],
                    "contract"),
            baseline, schedule, cap],
        "buffer": [
            id_field(_("clause")), name_field(),
            F("streams", "refs", _("Streams"), ref="stream",
              h=_("default: every relocated stream")),
            F("party", "ref", _("Party keeping the buffer share"), ref="party", req=True),
            F("to", "ref", _("The rest goes to"), ref="party",
              h=_("default: the receiving party")),
            F("years", "int", _("Buffer years"), req=True),
            _select("shape", _("Shape"), [("step", _("step: one share per year")),
                                         ("linear", _("linear taper")),
                                         ("flat", _("flat"))], req=True),
            F("shares", "nums", _("Shares by year (step)"), h=_("e.g. 0.5, 0.4, 0.3")),
            F("start", "num", _("Starting share (linear, flat)"), h=share_help),
            _select("basis", _("Basis"), [("total", _("total amount")),
                                         ("increment", _("increment over a baseline"))],
                    "total"),
            baseline, cap],
        "equity": [
            id_field(_("clause")), name_field(),
            F("contributions", "list", _("Contributions"), add=_("Add contribution"),
              item_label=_("Contribution"), req=True, item={"fields": [
                  F("party", "ref", _("Party"), ref="party", req=True),
                  _select("kind", _("Kind"), contribution_kinds, req=True),
                  F("value", "num", _("Value"), h=money_help),
                  F("area_mu", "num", _("Land area (mu)"), h=_("land only, with price per mu")),
                  F("price_per_mu", "num", _("Price per mu"), h=money_help),
                  F("year", "int", _("Contract year"), h=_("default 1"))]}),
            F("weights", "weights", _("Weights by kind"), kinds=[list(k) for k in
                                                               contribution_kinds],
              h=_("default 1")),
            F("profit_streams", "refs", _("Profit streams"), ref="stream"),
            _select("losses", _("Losses"), [("carry_forward", _("carried forward")),
                                           ("cash_call", _("made good by the parties"))],
                    "carry_forward"),
            F("loss_shares", "shares", _("Loss shares (cash call)"),
              h=_("default: the equity ratios")),
            F("payout_ratio", "num", _("Payout ratio"), h=_("default 1"))],
        "cost_share": [
            id_field(_("clause")), name_field(),
            F("streams", "refs", _("Cost streams"), ref="stream", req=True), schedule],
        "risk_pool": [
            id_field(_("clause")), name_field(),
            F("funded_by", "list", _("Funded by"), add=_("Add funding"),
              item_label=_("Funding"), item={"fields": [
                  F("clause", "ref", _("Split clause"), ref="clause", req=True),
                  F("rate", "num", _("Rate"), req=True, h=share_help)]}),
            F("cap", "num", _("Pool cap"), h=money_help),
            F("guarantees", "list", _("Guarantees"), add=_("Add guarantee"),
              item_label=_("Guarantee"), item={"fields": [
                  F("party", "ref", _("Guaranteed party"), ref="party", req=True),
                  F("floor", "floor", _("Floor"), req=True),
                  F("counts", "refs", _("Counted clauses"), ref="clause", req=True),
                  F("years", "years", _("Contract years"), h=_("default: every year"))]}),
            F("backstop", "ref", _("Backstop party"), ref="party"),
            F("residual_shares", "shares", _("Residual shares"),
              h=_("default: all to the receiving party"))],
        "indicator_split": [
            id_field(_("clause")), name_field(),
            F("streams", "refs", _("Indicator streams"), ref="stream", req=True),
            _select("mode", _("Mode"), [("split", _("split by shares")),
                                       ("full_each", _("counted in full by each party"))],
                    "split"),
            schedule],
        "exit": [
            id_field(_("clause")), name_field(),
            F("term_years", "int", _("Term (years)"), h=_("default: the contract's years")),
            F("successor", "ref", _("Successor"), ref="party",
              h=_("default: the receiving party")),
            triggers,
            F("notice_years", "int", _("Notice (years)"), h=_("default 0")),
            F("exiting", "ref", _("Exiting party"), ref="party"),
            F("buyer", "ref", _("Buyer"), ref="party", h=_("default: the receiving party")),
            F("price", "price", _("Exit price"), opt=True),
            F("penalty", "object", _("Penalty"), opt=True, fields=[
                F("amount", "num", _("Amount"), h=money_help),
                F("rate_of_price", "num", _("Rate of the price"), h=share_help)]),
            F("price_at_term_end", "price", _("Price at term end"), opt=True)],
    }
    clause_labels = [
        ["tax_split", _("Tax split (incremental revenue)")],
        ["buffer", _("Buffer years after relocation (缓冲期)")],
        ["equity", _("Equity in a joint development company")],
        ["cost_share", _("Cost sharing")],
        ["risk_pool", _("Risk pool and guarantees")],
        ["indicator_split", _("Indicator split (GDP, statistics)")],
        ["exit", _("Term, exit and settlement")],
    ]

    contract = [
        F("name", "text", _("Contract name"), cls="wide", section=_("Contract")),
        F("description", "textarea", _("Description"), cls="wide"),
        F("start_year", "int", _("First calendar year"), req=True, h=_("e.g. 2021")),
        F("years", "int", _("Contract years"), req=True, h=_("1 to 200")),
        _select("unit", _("Unit of amounts"), [("yuan", _("yuan (元)")),
                                               ("wan", _("ten thousand yuan (万元)"))], "yuan"),
        F("discount_rate", "num", _("Discount rate"), h=_("for NPV, e.g. 0.05")),
        F("parties", "list", _("Parties"), section=_("Parties"), add=_("Add party"),
          item_label=_("Party"), req=True, item={"fields": [
              id_field(_("party")), name_field(),
              _select("role", _("Role"), [("sending", _("sending (飞出地)")),
                                         ("receiving", _("receiving (飞入地)")),
                                         ("other", _("other"))], "other"),
              F("discount_rate", "num", _("Own discount rate"),
                h=_("default: the contract's"))]}),
        F("streams", "list", _("Streams"), section=_("Streams"), add=_("Add stream"),
          item_label=_("Stream"), req=True, item={"fields": [
              id_field(_("stream")), name_field(),
              _select("kind", _("Kind"), stream_kinds, req=True),
              F("first", "num", _("Amount in year 1"),
                h=_("with growth and ramp; or give a series instead")),
              F("growth", "num", _("Growth per year"), h=_("e.g. 0.06")),
              F("ramp", "nums", _("Ramp-up fractions"), h=_("e.g. 0.3, 0.6")),
              F("series", "nums", _("Series by contract year"),
                h=_("one amount per contract year, instead of first/growth"), cls="wide"),
              F("local_retention", "num", _("Local retention (tax)"),
                h=_("VAT 0.5, income taxes 0.4")),
              F("relocated_year", "int", _("Relocated in (calendar year)")),
              F("pre_relocation_tax", "nums", _("Taxes paid before relocation"),
                h=_("oldest first, in the contract's unit"))]}),
        F("clauses", "list", _("Clauses"), section=_("Clauses"), add=_("Add clause"),
          item_label=_("Clause"), item={"union": {"disc": "kind", "labels": clause_labels,
                                                  "variants": clause_variants}}),
    ]
    text = {
        "add": _("Add"), "remove": _("Remove"), "up": _("Move up"), "down": _("Move down"),
        "default": _("default"), "choose": _("choose…"), "enabled": _("include"),
        "sum": _("sum"), "from_equity": _("from the equity ratios of clause"),
        "fixed_shares": _("fixed shares"), "pre_relocation_total": _("taxes paid before "
                                                                     "relocation (total)"),
        "amount": _("amount"), "none": _("none"), "rate_of_contributions":
        _("rate of the party's contributions"), "fixed_floor": _("fixed amount per year"),
        "other_fields": _("Fields from the file that the form does not show (kept as they "
                          "are)"),
        "other_party": _("another party id"), "kind": _("Kind"), "method": _("Method"),
        "when": _("When"), "available": _("available:"), "raw": _("value as in the file"),
        "ok": _("sums to 1"), "not_one": _("does not sum to 1"), "item": _("item"),
    }
    return {"contract": contract, "price": price_union, "text": text}
