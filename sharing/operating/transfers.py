"""The transfers file (semantics §6.4): money actually paid between parties."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .case import Case
from .errors import FileErrors
from .readers import cell, decimals, match_columns, parse_date, parse_number, parse_year, read_table

COLUMNS = {
    "date": ["日期", "付款日期"],
    "from": ["付款方"],
    "to": ["收款方"],
    "amount": ["金额(元)"],
    "year": ["结算年度", "年度"],
    "reference": ["凭证号"],
}
REQUIRED = ("date", "from", "to", "amount", "year")


@dataclass(frozen=True)
class Transfer:
    date: str
    payer: str
    payee: str
    amount: int  # fen, > 0
    year: int  # the calendar year it settles
    reference: str
    row: int

    def canonical(self) -> dict:
        out = {"date": self.date, "from": self.payer, "to": self.payee, "amount": self.amount,
               "year": self.year}
        if self.reference:
            out["reference"] = self.reference
        return out


def read_transfers(case: Case, path: str, data: bytes | None = None,
                   display: str | None = None) -> tuple[list[Transfer], list[dict], FileErrors]:
    errors = FileErrors(display or path)
    table = read_table(path, errors, data)
    if table is None:
        return [], [], errors
    cols, _ = match_columns(table, errors, COLUMNS)
    missing = [n for n in REQUIRED if n not in cols]
    for name in missing:
        errors.add(None, (None, name), "the column {name} is missing", name=name)
    if missing:
        return [], [], errors
    c = case.base
    out: list[Transfer] = []
    for row in table.rows:
        text = cell(row, cols["date"])
        date = parse_date(text)
        if date is None:
            errors.add(row.number, cols["date"].where, "{value} is not a date (YYYY-MM-DD)",
                       value=text)
        parties = []
        for key in ("from", "to"):
            text = cell(row, cols[key])
            p = case.party(text)
            if p is None:
                errors.add(row.number, cols[key].where, "{value} is not a party of the contract "
                           "(its id or its exact name)", value=text)
            parties.append(p)
        if parties[0] is not None and parties[0] == parties[1]:
            errors.add(row.number, cols["to"].where, "a transfer is between two different "
                       "parties; {value} pays itself", value=parties[0])
        text = cell(row, cols["amount"])
        amount = parse_number(text)
        fen = None
        if amount is None:
            errors.add(row.number, cols["amount"].where, "{value} is not a number (plain digits, "
                       "an optional leading -, a decimal point and thousands separators only)",
                       value=text)
        elif decimals(amount) > 2:
            errors.add(row.number, cols["amount"].where, "{value} has more than {n} decimals",
                       value=text, n=2)
        elif amount <= 0:
            errors.add(row.number, cols["amount"].where, "{value}: a transfer is more than 0 "
                       "(the payer is in from)", value=text)
        else:
            fen = int(Fraction(amount) * 100)
        text = cell(row, cols["year"])
        year = parse_year(text)
        if year is None:
            errors.add(row.number, cols["year"].where, "{value} is not a year (four digits, "
                       "e.g. 2023)", value=text)
        elif not c.start_year <= year <= c.calendar(c.years):
            errors.add(row.number, cols["year"].where, "{value} lies outside the contract's "
                       "years {first}-{last}", value=year, first=c.start_year,
                       last=c.calendar(c.years))
            year = None
        if None in (date, parties[0], parties[1], fen, year) or parties[0] == parties[1]:
            continue
        out.append(Transfer(date, parties[0], parties[1], fen, year,  # type: ignore[arg-type]
                            cell(row, cols.get("reference")), row.number))
    if errors:
        return [], [], errors
    canonical = sorted((t.canonical() for t in out),
                       key=lambda d: (d["year"], d["date"], d["from"], d["to"], d["amount"],
                                      d.get("reference", "")))
    return out, canonical, errors
