"""Writing a contract into the workbook layout (:mod:`web.workbook_layout`): the input sheets
of the results workbook, and the blank template with its lists and number formats.

Numbers are exact: a number is written as a number cell only when the double read back as its
shortest decimal gives the very same value (4236.57, 0.35); any other (1/3) is written as its
exact text, which the reader and the schema read exactly. User text goes through
:func:`sharing.cells.put`, never as a formula.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _

from sharing.cells import put

from . import workbook_layout as lay

BOLD_FILL = "DDEBF7"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def exact_decimal(x: Fraction) -> str | None:
    """The exact decimal text of a fraction with a finite decimal expansion, else None."""
    d = x.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return None
    places = max(twos, fives)
    text = str(Decimal(x.numerator * 10**places // x.denominator).scaleb(-places))
    if "E" in text:
        text = format(Decimal(text), "f")
    return text


def exact_text(value: Any) -> str:
    """A number as exact text: 0.35, 12, 1/3."""
    x = Fraction(value) if not isinstance(value, Fraction) else value
    return exact_decimal(x) or f"{x.numerator}/{x.denominator}"


def cell_number(value: Any) -> int | float | str:
    """A number for a cell: an int, a double that reads back exactly, or the exact text."""
    x = value if isinstance(value, Fraction) else Fraction(str(value))
    if x.denominator == 1 and abs(x.numerator) < 10**15:
        return int(x.numerator)
    dec = exact_decimal(x)
    if dec is not None and len(dec.replace("-", "").replace(".", "").lstrip("0")) <= 15:
        f = float(dec)
        if Fraction(repr(f)) == x:
            return f
    return exact_text(x)


def _plain(value: Any) -> Any:
    """A model dump with Fractions kept (pydantic may dump them as text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def flow(value: Any) -> str:
    """A structure as one YAML flow text: ``{method: "npv", rate: 0.08}``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()
                               if v is not None) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Fraction, Decimal)):
        value = exact_text(value)
    if _NUMBER.match(str(value)):
        return str(value)  # YAML reads it as a number, the loader as the exact decimal
    import json

    return json.dumps(str(value), ensure_ascii=False)


def _get(item: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        if not isinstance(item, dict):
            return None
        item = item.get(part)
    return item


def _cell(ws: Any, row: int, col: int, value: Any, kind: str, fmt: str | None) -> None:
    """One input value in its column's form."""
    if value is None or (kind != "flow" and value in ([], {})):
        return  # a flow term is only listed when it differs from the default: {} is written
    if kind == "num" or (kind == "cumulative" and value != "pre_relocation_total"):
        cell = put(ws, row, col, cell_number(Fraction(str(value))))
    elif kind == "int":
        cell = put(ws, row, col, int(value))
    elif kind == "nums":
        cell = put(ws, row, col, ", ".join(exact_text(v) for v in value))
    elif kind == "ids":
        cell = put(ws, row, col, ", ".join(value))
    elif kind.startswith("enum:"):
        labels = dict(lay.enum_labels(kind[5:]))
        cell = put(ws, row, col, labels.get(value, str(value)))
    elif kind == "cumulative":
        cell = put(ws, row, col, lay.pre_relocation_label())
    elif kind == "flow":
        cell = put(ws, row, col, flow(value))
    elif kind == "years":
        cell = put(ws, row, col, str(value))
    else:
        cell = put(ws, row, col, str(value))
    if fmt and not isinstance(cell.value, str):
        cell.number_format = fmt


def _header(ws: Any, labels: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    for c, (text, w) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = put(ws, 1, c, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=BOLD_FILL)
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "B2"


def _rows(ws: Any, cols: list[lay.Col], items: list[dict[str, Any]]) -> None:
    _header(ws, [str(c.label) for c in cols], [c.width for c in cols])
    for r, item in enumerate(items, start=2):
        for c, col in enumerate(cols, start=1):
            _cell(ws, r, c, _get(item, col.key), col.type, col.fmt)


def party_header(parties: list[dict[str, Any]], pid: str) -> str:
    """A party's column header in the Schedule sheet: its name when that is unique."""
    names = [p.get("name") or "" for p in parties]
    name = next((p.get("name") or "" for p in parties if p["id"] == pid), "")
    return name if name and names.count(name) == 1 and name != pid else pid


def _default(model: Any, name: str) -> Any:
    """The value ``name`` has on ``model`` when the contract leaves it out: a term equal to it
    is not written (``weights: {}`` differs from no weights in the canonical contract, so it
    is written)."""
    field = type(model).model_fields.get(name)
    return None if field is None else _plain(field.get_default(call_default_factory=True))


def write_inputs(wb: Any, contract: Any | None) -> dict[str, Any]:
    """Add the input sheets of ``contract`` (a schemas Contract; None: the blank template)
    to ``wb``; returns the sheets by key."""
    titles = lay.sheet_titles()
    doc = _plain(contract.model_dump()) if contract is not None else None
    sheets = {key: wb.create_sheet(title) for key, title in titles.items()}

    ws = sheets["contract"]
    _header(ws, [_("Field"), _("Value")], [28, 60])
    for r, col in enumerate(lay.CONTRACT, start=2):
        put(ws, r, 1, str(col.label))
        if doc is not None:
            _cell(ws, r, 2, doc.get(col.key), col.type, col.fmt)
        elif col.fmt:
            ws.cell(row=r, column=2).number_format = col.fmt

    parties = doc["parties"] if doc else []
    _rows(sheets["parties"], lay.PARTIES, parties)

    years = doc["years"] if doc else lay.TEMPLATE_YEARS
    start = doc["start_year"] if doc else None
    ws = sheets["streams"]
    n = len(lay.STREAMS)
    _header(ws, [str(c.label) for c in lay.STREAMS] +
            [lay.year_header(t, start) for t in range(1, years + 1)],
            [c.width for c in lay.STREAMS] + [14] * years)
    for r, s in enumerate(doc["streams"] if doc else [], start=2):
        if s.get("series") is not None:
            s = {**s, "growth": None}  # growth belongs to first; a series has none
        for c, col in enumerate(lay.STREAMS, start=1):
            _cell(ws, r, c, _get(s, col.key), col.type, col.fmt)
        for t, v in enumerate(s.get("series") or [], start=1):
            _cell(ws, r, n + t, v, "num", lay.MONEY_FMT)

    clauses = doc["clauses"] if doc else []
    rows = []
    for cl in clauses:
        row = dict(cl)
        if cl["kind"] == "risk_pool":
            row["pool_cap"], row["cap"] = cl.get("cap"), None
        rows.append(row)
    _rows(sheets["clauses"], lay.CLAUSES, rows)

    ws = sheets["schedule"]
    pids = [p["id"] for p in parties]
    _header(ws, [str(c.label) for c in lay.SCHEDULE] + [party_header(parties, p) for p in pids],
            [c.width for c in lay.SCHEDULE] + [16] * len(pids))
    r = 2
    for cl in clauses:
        for seg in cl.get("schedule") or []:
            put(ws, r, 1, cl["id"])
            put(ws, r, 2, str(seg["years"]))
            shares = seg["shares"]
            if "from_equity" in shares:
                put(ws, r, 3, shares["from_equity"])
            else:
                for pid, share in shares.items():
                    _cell(ws, r, 4 + pids.index(pid), share, "num", lay.RATE_FMT)
            r += 1

    contribs = [{"clause": cl["id"], **c} for cl in clauses if cl["kind"] == "equity"
                for c in cl["contributions"]]
    _rows(sheets["contributions"], lay.CONTRIBUTIONS, contribs)

    models = contract.clauses if contract is not None else []
    terms = [{"clause": cl["id"], "term": t, "value": cl[t]}
             for cl, model in zip(clauses, models, strict=True) for t in lay.FLOW_TERMS if cl.get(t) is not None and cl[t] != _default(model, t)]
    _rows(sheets["terms"], lay.TERMS, terms)
    return sheets


def _lists(wb: Any, sheets: dict[str, Any]) -> None:
    """A hidden sheet of the lists, and data validation on the columns that take one."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(_("Lists"))
    ws.sheet_state = "hidden"
    names = ["unit", "role", "stream_kind", "clause_kind", "basis", "timing", "mode", "shape",
             "losses", "contribution_kind", "term"]
    ranges = {}
    for c, name in enumerate(names, start=1):
        labels = [label for _code, label in lay.enum_labels(name)]
        for r, label in enumerate(labels, start=1):
            put(ws, r, c, label)
        letter = get_column_letter(c)
        ranges[name] = f"'{ws.title}'!${letter}$1:${letter}${len(labels)}"
    put(ws, 1, len(names) + 1, lay.pre_relocation_label())

    def validate(sheet: Any, cell_range: str, name: str) -> None:
        dv = DataValidation(type="list", formula1=ranges[name], allow_blank=True)
        dv.error = _("Choose a value from the list.")
        dv.showErrorMessage = True
        sheet.add_data_validation(dv)
        dv.add(cell_range)

    validate(sheets["contract"], "B6", "unit")
    for key, cols in lay.COLUMNS.items():
        for c, col in enumerate(cols, start=1):
            if col.type.startswith("enum:"):
                letter = get_column_letter(c)
                validate(sheets[key], f"{letter}2:{letter}500", col.type[5:])
            if col.fmt:
                for r in range(2, 101):
                    sheets[key].cell(row=r, column=c).number_format = col.fmt
    for r in range(2, 201):
        for c in range(4, 4 + 10):
            sheets["schedule"].cell(row=r, column=c).number_format = lay.RATE_FMT


def template_xlsx() -> bytes:
    """The blank contract template: the input sheets, lists and number formats, and a
    first sheet that says how to fill it in."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    guide = wb.active
    guide.title = _("How to fill in")
    lines = [
        _("Contract template: fill in one sheet per part of the contract, then upload the file "
          "on the contract form (the same field as a YAML file)."),
        _("Contract: one value per field. Parties: one row per party. Streams: one row per "
          "stream; give the amount in year 1 (with growth), or the amounts of each year in the "
          "year columns."),
        _("Clauses: one row per clause; fill in the columns of its kind and leave the others "
          "blank. Schedule: one row per segment of a clause's schedule; write the parties' IDs "
          "in the header cells from column D and their shares below (0.4, 40% or 2/5)."),
        _("Contributions: the contributions to an equity clause. Other terms: prices, "
          "triggers, guarantees, funding and weights, as YAML (e.g. {method: npv, rate: 0.08})."),
        _("Lists of values (kinds, roles) are offered in the cells; amounts are in the "
          "contract's unit."),
    ]
    for r, text in enumerate(lines, start=1):
        cell = put(guide, r, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(bold=(r == 1))
    guide.column_dimensions["A"].width = 110
    sheets = write_inputs(wb, None)
    _lists(wb, sheets)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
