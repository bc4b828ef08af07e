"""Actual figures (实际入库, semantics §6.2), read and checked.

One row per stream and calendar year. An actual amount is the whole tax (before local
retention) in yuan (``amount``) or 万元 (``amount_wan``, at most six decimals), a whole
number of fen either way; it replaces the projection of its year. With a settlement year Y
every money stream needs a row for every year ≤ Y in which it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .case import Case
from .enterprise import Enterprise
from .errors import NO_CELL, FileErrors
from .readers import cell, decimals, match_columns, parse_number, parse_year, read_table

COLUMNS = {
    "stream": ["税种", "收入项目"],
    "enterprise": ["企业代码"],
    "year": ["年度", "年份"],
    "amount": ["金额(元)"],
    "amount_wan": ["金额(万元)"],
}
SIGNED_KINDS = ("profit", "cost")


@dataclass(frozen=True)
class StreamInfo:
    """What the actuals need to know of a stream: its name, kind and first calendar year."""

    name: str  # aggregate id or "E/S"
    kind: str
    first_year: int


def case_streams(case: Case, register: list[Enterprise]) -> dict[str, StreamInfo]:
    """Every stream of the case by its §6 name, in the order of §6.1."""
    c = case.base
    out: dict[str, StreamInfo] = {}
    templates = {t.id for t in case.templates}
    for s in c.streams:
        if s.id in templates:
            continue
        first = max(s.relocated_year or c.start_year, c.start_year)
        out[s.id] = StreamInfo(s.id, s.kind, first)
    for e in register:
        for t in case.templates:
            name = f"{e.code}/{t.id}"
            out[name] = StreamInfo(name, t.kind, max(e.relocation_year, c.start_year))
    return out


def read_actuals(case: Case, register: list[Enterprise] | None, path: str, through: int | None,
                 data: bytes | None = None, display: str | None = None
                 ) -> tuple[dict[tuple[str, int], int], list[dict], FileErrors]:
    """Actual amounts in fen by (stream name, calendar year), canonical rows, errors.

    ``register`` None means the register had errors: enterprise streams are then not
    checked (§6.0: their names would be reported as unknown)."""
    errors = FileErrors(display or path)
    table = read_table(path, errors, data)
    if table is None:
        return {}, [], errors
    cols, _ = match_columns(table, errors, COLUMNS,
                            informational=("note", "备注", "name", "企业名称"))
    for name in ("stream", "year"):
        if name not in cols:
            errors.add(None, (None, name), "the column {name} is missing", name=name)
    if "amount" in cols and "amount_wan" in cols:
        errors.add(1, cols["amount_wan"].where, "give amount (yuan) or amount_wan (万元), not both")
    elif "amount" not in cols and "amount_wan" not in cols:
        errors.add(None, (None, "amount"), "the column {name} is missing", name="amount")
    if errors.items and any(e.row in (None, 1) for e in errors.items) and (
            "stream" not in cols or "year" not in cols
            or ("amount" not in cols and "amount_wan" not in cols)):
        return {}, [], errors
    wan = "amount_wan" in cols and "amount" not in cols
    amount_col = cols["amount_wan"] if wan else cols.get("amount")
    streams = case_streams(case, register or [])
    codes = {e.code for e in register or []}
    c = case.base
    first_year, last_year = c.start_year, c.calendar(c.years)
    values: dict[tuple[str, int], int] = {}
    first_row: dict[tuple[str, int], int] = {}
    for row in table.rows:
        raw_stream = cell(row, cols["stream"])
        ent = cell(row, cols.get("enterprise"))
        name = _stream_name(case, raw_stream, ent)
        info = streams.get(name)
        skip_stream = False
        if info is None:
            if register is None and (ent or "/" in raw_stream):
                skip_stream = True  # the register had errors: not checked against it
            elif ent and ent not in codes:
                errors.add(row.number, cols["enterprise"].where, "{value} is not an enterprise "
                           "of the register", value=ent)
            elif not ent and "/" in raw_stream and raw_stream.split("/", 1)[0] not in codes:
                errors.add(row.number, cols["stream"].where, "{value}: the enterprise {code} is "
                           "not in the register", value=raw_stream,
                           code=raw_stream.split("/", 1)[0])
            else:
                errors.add(row.number, cols["stream"].where, "{value} is not a stream of the "
                           "case", value=raw_stream)
        year_text = cell(row, cols["year"])
        year = parse_year(year_text)
        if year is None:
            errors.add(row.number, cols["year"].where, "{value} is not a year (four digits, "
                       "e.g. 2023)", value=year_text)
        elif not first_year <= year <= last_year:
            errors.add(row.number, cols["year"].where, "{value} lies outside the contract's "
                       "years {first}-{last}", value=year, first=first_year, last=last_year)
            year = None
        elif through is not None and year > through:
            errors.add(row.number, cols["year"].where, "{value} is after the year settled, "
                       "{through}", value=year, through=through)
            year = None
        elif info is not None and year < info.first_year:
            errors.add(row.number, cols["year"].where, "{value} is before the stream {stream} "
                       "exists (from {first})", value=year, stream=info.name,
                       first=info.first_year)
            year = None
        assert amount_col is not None
        text = cell(row, amount_col)
        amount = parse_number(text)
        fen: int | None = None
        if amount is None:
            errors.add(row.number, amount_col.where, "{value} is not a number (plain digits, an "
                       "optional leading -, a decimal point and thousands separators only)",
                       value=text)
        elif decimals(amount) > (6 if wan else 2):
            errors.add(row.number, amount_col.where, "{value} has more than {n} decimals",
                       value=text, n=6 if wan else 2)
        elif amount < 0 and info is not None and info.kind not in SIGNED_KINDS:
            errors.add(row.number, amount_col.where, "{value} is negative; a {kind} amount is 0 "
                       "or more", value=text, kind=info.kind)
        else:
            exact = Fraction(amount) * (1_000_000 if wan else 100)
            fen = int(exact)
        if year is None or (info is None and not skip_stream):
            continue
        key = (info.name if info is not None else name, year)
        if key in first_row:
            errors.add(row.number, cols["year"].where, "a second row for {stream} in {year} "
                       "(the first is row {first})", stream=key[0], year=year,
                       first=first_row[key])
            continue
        first_row[key] = row.number
        if fen is not None and not skip_stream:
            values[key] = fen
    if through is not None and register is not None:
        for info in streams.values():
            if info.kind == "indicator":
                continue
            for y in range(info.first_year, through + 1):
                if (info.name, y) not in first_row:
                    errors.add(None, NO_CELL, "no row for {stream} in {year}: every money "
                               "stream needs an actual figure for every year settled (write 0 "
                               "for none)", stream=info.name, year=y)
    canonical = [{"stream": s, "year": y, "amount": v} for (s, y), v in sorted(values.items())]
    if errors:
        return {}, [], errors
    return values, canonical, errors


def _stream_name(case: Case, stream: str, enterprise: str) -> str:
    """``E/S`` for an enterprise stream (template by id or name), the id otherwise."""
    if enterprise:
        t = case.template(stream)
        return f"{enterprise}/{t.id if t else stream}"
    if "/" in stream:
        code, _, tname = stream.partition("/")
        t = case.template(tname)
        return f"{code}/{t.id if t else tname}"
    return stream
