"""The enterprise register (企业名单, semantics §6.1, §6.4a), read and checked.

One row per enterprise, in file order (it decides pool order). Every error of the file is
collected; a register with errors yields no enterprises and nothing is computed from it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from .case import Case
from .enterprise import Enterprise
from .errors import FileErrors
from .readers import (
    Column,
    Row,
    cell,
    match_columns,
    parse_number,
    parse_year,
    read_table,
)

COLUMNS = {
    "enterprise": ["企业代码"],
    "name": ["企业名称"],
    "from": ["迁出方"],
    "relocation_year": ["迁入年份"],
    "production_year": ["达产年份"],
    "baseline": ["基数"],
}
REQUIRED = ("enterprise", "name", "from", "relocation_year")
_PRE_EN = re.compile(r"^pre_(\d{4})$", re.IGNORECASE)
_PRE_ZH = re.compile(r"^迁移前(\d{4})年$")


def _computed(case: Case):
    def resolve(head: str) -> str | None:
        h = head.strip()
        m = _PRE_EN.match(h) or _PRE_ZH.match(h)
        if m:
            return f"pre_{m.group(1)}"
        for prefix, en in (("first_", "first"), ("growth_", "growth")):
            if h.lower().startswith(prefix):
                t = case.template(h[len(prefix):])
                if t is not None:
                    return f"{en}_{t.id}"
        for suffix, en in (("首年", "first"), ("增长率", "growth")):
            if h.endswith(suffix):
                t = case.template(h[: -len(suffix)])
                if t is not None:
                    return f"{en}_{t.id}"
        return None
    return resolve


def _money(errors: FileErrors, row: Row, col: Column, unit_fen: int, *,
           nonneg: bool = True) -> Fraction | None:
    """A money cell of the register in the contract's unit; whole fen once scaled (§6.4a)."""
    text = cell(row, col)
    value = parse_number(text)
    if value is None:
        errors.add(row.number, col.where, "{value} is not a number (plain digits, an optional "
                   "leading -, a decimal point and thousands separators only)", value=text)
        return None
    if nonneg and value < 0:
        errors.add(row.number, col.where, "{value} is negative; this amount must be 0 or more",
                   value=text)
        return None
    exact = Fraction(value)
    if (exact * unit_fen).denominator != 1:
        errors.add(row.number, col.where, "{value} is not a whole number of fen in the "
                   "contract's unit", value=text)
        return None
    return exact


def read_register(case: Case, path: str, data: bytes | None = None,
                  display: str | None = None) -> tuple[list[Enterprise], list[dict], FileErrors]:
    """The register's enterprises in file order, its canonical rows (§6.5) and its errors."""
    errors = FileErrors(display or path)
    table = read_table(path, errors, data)
    if table is None:
        return [], [], errors
    cols, extra = match_columns(table, errors, COLUMNS, _computed(case),
                                hint=", ".join(COLUMNS) + ", pre_YYYY, first_S, growth_S, note")
    for name in REQUIRED:
        if name not in cols:
            errors.add(None, (None, name), "the column {name} is missing", name=name)
    needs_baseline = any(c.get("basis", "increment" if c.get("kind") == "tax_split" else "total")
                         == "increment" for _v, c in case.per_enterprise_clauses())
    if needs_baseline and "baseline" not in cols:
        errors.add(None, (None, "baseline"), "the column {name} is missing (a per-enterprise "
                   "clause with basis increment takes its baseline from it)", name="baseline")
    unit = case.base.unit_fen
    last_year = case.base.calendar(case.years)
    pre_cols = [(c, int(n[4:])) for c, n in extra if n.startswith("pre_")]
    first_cols = [(c, n[6:]) for c, n in extra if n.startswith("first_")]
    growth_cols = [(c, n[7:]) for c, n in extra if n.startswith("growth_")]
    enterprises: list[Enterprise] = []
    rows: list[dict] = []
    seen: dict[str, int] = {}
    pe_clauses = case.per_enterprise_clauses()
    if errors and not table.rows:
        return [], [], errors
    for row in table.rows:
        code = cell(row, cols.get("enterprise"))
        if "enterprise" in cols:
            if not code:
                errors.add(row.number, cols["enterprise"].where, "the enterprise code is empty")
            elif "/" in code:
                errors.add(row.number, cols["enterprise"].where, "{value}: an enterprise code "
                           "may not contain /", value=code)
            elif code in seen:
                errors.add(row.number, cols["enterprise"].where, "{value} is registered twice "
                           "(first in row {first})", value=code, first=seen[code])
            else:
                seen[code] = row.number
        name = cell(row, cols.get("name"))
        if "name" in cols and not name:
            errors.add(row.number, cols["name"].where, "the enterprise name is empty")
        party = None
        if "from" in cols:
            text = cell(row, cols["from"])
            party = case.party(text)
            if party is None:
                errors.add(row.number, cols["from"].where, "{value} is not a party of the "
                           "contract (its id or its exact name)", value=text)
            elif next(p.role for p in case.base.parties if p.id == party) == "receiving":
                errors.add(row.number, cols["from"].where, "{value} is the receiving party; an "
                           "enterprise moves from a sending or other party", value=text)
                party = None
        reloc = _year(errors, row, cols.get("relocation_year"), required=True)
        if reloc is not None and reloc > last_year:
            errors.add(row.number, cols["relocation_year"].where, "{value} follows the "
                       "contract's last year {last}", value=reloc, last=last_year)
            reloc = None
        prod = _year(errors, row, cols.get("production_year"), required=False)
        if prod is not None and reloc is not None and prod < reloc:
            errors.add(row.number, cols["production_year"].where, "the production year {value} "
                       "precedes the relocation year {reloc}", value=prod, reloc=reloc)
        ent = Enterprise(code, name, party or "", reloc or 0, prod or reloc or 0, row.number)
        for col, year in pre_cols:
            text = cell(row, col)
            if not text:
                continue
            if reloc is not None and year >= reloc:
                errors.add(row.number, col.where, "a pre-move value for {year} must be empty: "
                           "the enterprise moved in {reloc}", year=year, reloc=reloc)
                continue
            v = _money(errors, row, col, unit)
            if v is not None:
                ent.pre[year] = v
        for col, tid in first_cols:
            if cell(row, col):
                v = _money(errors, row, col, unit)
                if v is not None:
                    ent.first[tid] = v
        for col, tid in growth_cols:
            text = cell(row, col)
            if not text:
                continue
            v = parse_number(text)
            if v is None or v <= -1:
                errors.add(row.number, col.where, "{value} is not a growth rate (a decimal "
                           "above -1, e.g. 0.05)", value=text)
            else:
                ent.growth[tid] = Fraction(v)
        if cols.get("baseline") is not None and cell(row, cols["baseline"]):
            ent.baseline = _money(errors, row, cols["baseline"], unit)
        elif needs_baseline and "baseline" in cols:
            errors.add(row.number, cols["baseline"].where, "the baseline is empty; a "
                       "per-enterprise clause with basis increment needs it")
        if reloc is not None:
            for _v, cl in pe_clauses:
                elig = cl.get("eligibility") or {}
                n = int(elig.get("pre_years", 3)) if isinstance(elig, dict) else 3
                needs = (isinstance(elig, dict) and elig.get("min_average") is not None) or (
                    isinstance(cl.get("cap"), dict)
                    and cl["cap"].get("cumulative") == "pre_relocation_total")
                if not needs:
                    continue
                for y in range(reloc - n, reloc):
                    col = next((c for c, yy in pre_cols if yy == y), None)
                    if y not in ent.pre and not (col is not None and cell(row, col)):
                        where = col.where if col is not None else (None, f"pre_{y}")
                        errors.add(row.number, where, "the pre-move value for {year} is missing; "
                                   "clause {clause} needs the {n} years before the move",
                                   year=y, clause=cl.get("id"), n=n)
        enterprises.append(ent)
        rows.append(_canonical(ent, unit))
    if errors:
        return [], [], errors
    return enterprises, rows, errors


def _year(errors: FileErrors, row: Row, col: Column | None, *, required: bool) -> int | None:
    if col is None:
        return None
    text = cell(row, col)
    if not text:
        if required:
            errors.add(row.number, col.where, "the year is empty")
        return None
    year = parse_year(text)
    if year is None:
        errors.add(row.number, col.where, "{value} is not a year (four digits, e.g. 2023)",
                   value=text)
    return year


def _canonical(e: Enterprise, unit_fen: int) -> dict:
    """The row as §6.5 canonical content: English names, money in integer fen, rates as
    their exact decimal, parties by id, empty cells left out."""
    def fen(v: Fraction) -> int:
        return int(v * unit_fen)

    out: dict = {"enterprise": e.code, "name": e.name, "from": e.from_party,
                 "relocation_year": e.relocation_year, "production_year": e.production_year}
    for y, v in sorted(e.pre.items()):
        out[f"pre_{y}"] = fen(v)
    for t, v in e.first.items():
        out[f"first_{t}"] = fen(v)
    for t, v in e.growth.items():
        out[f"growth_{t}"] = str(Decimal(v.numerator) / Decimal(v.denominator))
    if e.baseline is not None:
        out["baseline"] = fen(e.baseline)
    return out

