"""Reading a contract workbook (the template filled in, or a results workbook) into a
contract document, remembering the sheet, row and column of every value.

Headers and list values are matched in either language (and in the schema's own words), so a
workbook written in Chinese reads the same when the page is in English. Problems found while
reading are reported all at once, each naming the sheet, the row and the column; the schema's
issues on the document are then located the same way by :func:`locate`.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from schemas.errors import InvalidContract, Issue
from sharing.operating.readers import _cell_text, normalise_header

from . import workbook_layout as lay

LANGS = ("en", "zh_CN")
_SPLIT = re.compile(r"[,，、;；\s]+")
_DIGITS = re.compile(r"^\d+$")
_FIRST_NUMBER = re.compile(r"(\d+)")

Where = tuple[str, int, str]  # sheet title, row, column letter


def _key(text: Any) -> str:
    return normalise_header(unicodedata.normalize("NFKC", str(text)))


def _both(build) -> list[Any]:
    """``build()`` in each language."""
    out = []
    for lang in LANGS:
        with force_locale(lang):
            out.append(build())
    return out


def _aliases(cols: list[lay.Col]) -> dict[str, lay.Col]:
    found: dict[str, lay.Col] = {}
    for col in cols:
        found[_key(col.key)] = col
        for label in _both(lambda col=col: str(col.label)):
            found[_key(label)] = col
    return found


def _enum_aliases(name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for labels in _both(lambda: lay.enum_labels(name)):
        for code, label in labels:
            found[_key(code)] = code
            found[_key(label)] = code
    return found


@dataclass
class Reading:
    """What a workbook gave: the document, where each value came from, the problems."""

    doc: dict[str, Any] = field(default_factory=dict)
    where: dict[str, Where] = field(default_factory=dict)
    problems: list[tuple[Where | None, str]] = field(default_factory=list)

    def problem(self, where: Where | None, message: str) -> None:
        self.problems.append((where, message))


def where_text(where: Where) -> str:
    sheet, row, col = where
    quoted = "「" + sheet + "」" if _is_zh() else "“" + sheet + "”"
    return _("sheet %(sheet)s, row %(row)s, column %(column)s", sheet=quoted, row=row,
             column=col)


def _is_zh() -> bool:
    from .i18n import is_zh

    return is_zh()


def _letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def _value(col: lay.Col, text: str, at: Where, rd: Reading) -> Any:
    """One cell's text as the document value its column takes (None: leave it out)."""
    text = unicodedata.normalize("NFKC", text).strip() if col.type != "text" else text.strip()
    if text == "":
        return None
    kind = col.type
    if kind == "int":
        if _DIGITS.match(text):
            return int(text)
        rd.problem(at, _("%(value)s is not a whole number", value=text))
        return None
    if kind == "ids":
        return [t for t in _SPLIT.split(text) if t]
    if kind == "nums":
        return [t for t in _SPLIT.split(text) if t]
    if kind == "years":
        return int(text) if _DIGITS.match(text) else text
    if kind == "cumulative":
        words = {_key("pre_relocation_total")} | {_key(t) for t in _both(lay.pre_relocation_label)}
        return "pre_relocation_total" if _key(text) in words else text
    if kind.startswith("enum:"):
        code = _enum_aliases(kind[5:]).get(_key(text))
        if code is None:
            allowed = "、".join(label for _c, label in lay.enum_labels(kind[5:]))
            rd.problem(at, _("%(value)s is not one of: %(allowed)s", value=text, allowed=allowed))
        return code
    if kind == "flow":
        from sharing.loader import parse_text

        try:
            return parse_text("v: " + text, "cell.yaml")["v"]
        except InvalidContract as e:
            rd.problem(at, _("not a YAML value: %(reason)s", reason=e.issues[0].message))
            return None
    return text


def _set(item: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    for part in parts[:-1]:
        item = item.setdefault(part, {})
    item[parts[-1]] = value


def _grid(ws: Any) -> list[list[str]]:
    return [[_cell_text(v).strip() if not isinstance(v, str) else v for v in row]
            for row in ws.iter_rows(values_only=True)]


@dataclass
class _Sheet:
    title: str
    grid: list[list[str]]


def _sheets(wb: Any) -> dict[str, _Sheet]:
    """The workbook's input sheets by key, matched by title in either language (with or
    without the ``Input ·`` prefix)."""
    full: dict[str, str] = {}
    bare: dict[str, str] = {}
    for names in _both(lambda: (lay.sheet_titles(), _("Input · "))):
        by_key, prefix = names
        for key, title in by_key.items():
            full[_key(title)] = key
            bare[_key(title[len(prefix):])] = key
    found = {}
    # a prefixed title first: a results workbook also has sheets of results named like the
    # bare titles (条款 / Clauses), which are not the inputs
    for titles in (full, bare):
        for ws in wb.worksheets:
            key = titles.get(_key(ws.title))
            if key is not None and key not in found:
                found[key] = _Sheet(ws.title, _grid(ws))
    return found


def _table(sh: _Sheet, cols: list[lay.Col], rd: Reading,
           extra=None) -> list[tuple[int, dict[str, Any], dict[str, Where], list[str]]]:
    """Rows of a header-and-rows sheet: (row number, values, where of each key, cells).
    ``extra(header) -> bool`` accepts headers the columns do not know (year or party
    columns); any other unknown header is a problem."""
    if not sh.grid:
        return []
    aliases = _aliases(cols)
    header = sh.grid[0]
    by_index: dict[int, lay.Col] = {}
    for i, head in enumerate(header):
        if not head:
            continue
        col = aliases.get(_key(head))
        if col is not None:
            by_index[i] = col
        elif extra is None or not extra(head):
            rd.problem((sh.title, 1, _letter(i + 1)),
                       _("%(value)s is not a column of this sheet", value=head))
    out = []
    for r, cells in enumerate(sh.grid[1:], start=2):
        if not any(c.strip() for c in cells if isinstance(c, str)):
            continue
        values: dict[str, Any] = {}
        where: dict[str, Where] = {}
        for i, col in by_index.items():
            text = cells[i] if i < len(cells) else ""
            at = (sh.title, r, _letter(i + 1))
            v = _value(col, text, at, rd)
            if v is not None:
                _set(values, col.key, v)
                where[col.key] = at
        out.append((r, values, where, cells))
    return out


def _contract_fields(sh: _Sheet, rd: Reading) -> None:
    aliases = _aliases(lay.CONTRACT)
    for r, cells in enumerate(sh.grid[1:], start=2):
        if not cells or not str(cells[0]).strip():
            continue
        col = aliases.get(_key(cells[0]))
        if col is None:
            rd.problem((sh.title, r, "A"), _("%(value)s is not a field of the contract",
                                             value=cells[0]))
            continue
        at = (sh.title, r, "B")
        v = _value(col, cells[1] if len(cells) > 1 else "", at, rd)
        if v is not None:
            rd.doc[col.key] = v
            rd.where[col.key] = at


def _items(rd: Reading, name: str, rows, base: str) -> list[dict[str, Any]]:
    items = []
    for n, (r, values, where, _cells) in enumerate(rows):
        path = f"{base}[{n}]"
        rd.where[path] = next(iter(where.values()), (None, r, "A"))  # type: ignore[assignment]
        for key, at in where.items():
            rd.where[f"{path}.{key}"] = at
        items.append(values)
    return items


def _streams(sh: _Sheet, rd: Reading) -> list[dict[str, Any]]:
    start = rd.doc.get("start_year") if isinstance(rd.doc.get("start_year"), int) else None

    def year_of(head: str) -> int | None:
        m = _FIRST_NUMBER.search(unicodedata.normalize("NFKC", head))
        if m is None:
            return None
        n = int(m.group(1))
        if n >= 1900:
            return n - start + 1 if start is not None and n >= start else None
        return n if n >= 1 else None

    rows = _table(sh, lay.STREAMS, rd, extra=lambda h: year_of(h) is not None)
    header = sh.grid[0] if sh.grid else []
    years = {i: year_of(h) for i, h in enumerate(header) if h and
             _key(h) not in _aliases(lay.STREAMS) and year_of(h) is not None}
    streams = _items(rd, "streams", rows, "streams")
    for n, (r, _values, _where, cells) in enumerate(rows):
        series: dict[int, str] = {}
        for i, t in years.items():
            text = unicodedata.normalize("NFKC", cells[i]).strip() if i < len(cells) else ""
            if text:
                series[t] = text  # type: ignore[index]
                rd.where[f"streams[{n}].series[{t - 1}]"] = (sh.title, r, _letter(i + 1))
        if series:
            last = max(series)
            missing = [t for t in range(1, last + 1) if t not in series]
            for t in missing:
                col = next(i for i, y in years.items() if y == t) if t in years.values() else 0
                rd.problem((sh.title, r, _letter(col + 1)),
                           _("year %(n)s of the series is empty", n=t))
            streams[n]["series"] = [series.get(t, "") for t in range(1, last + 1)]
    return streams


def _schedule(sh: _Sheet, rd: Reading, clauses: dict[str, int]) -> None:
    parties = rd.doc.get("parties") or []
    by_head: dict[str, str] = {}
    for p in parties:
        if isinstance(p.get("id"), str):
            by_head[_key(p["id"])] = p["id"]
            if p.get("name"):
                by_head.setdefault(_key(p["name"]), p["id"])
    rows = _table(sh, lay.SCHEDULE, rd, extra=lambda h: True)
    known = _aliases(lay.SCHEDULE)
    header = sh.grid[0] if sh.grid else []
    columns: dict[int, str] = {}
    for i, head in enumerate(header):
        if head and _key(head) not in known:
            pid = by_head.get(_key(head))
            if pid is None:
                rd.problem((sh.title, 1, _letter(i + 1)), _(
                    "%(value)s is not the ID or name of a party of the Parties sheet",
                    value=head))
            else:
                columns[i] = pid
    counts: dict[str, int] = {}
    for r, values, where, cells in rows:
        cid = values.get("clause")
        if cid not in clauses:
            rd.problem(where.get("clause", (sh.title, r, "A")),
                       _("%(value)s is not a clause of the Clauses sheet", value=cid or "—"))
            continue
        j = counts.get(cid, 0)
        counts[cid] = j + 1
        path = f"clauses[{clauses[cid]}].schedule[{j}]"
        seg: dict[str, Any] = {}
        if "years" in values:
            seg["years"] = values["years"]
        rd.where[path] = where.get("years", (sh.title, r, "B"))
        rd.where[path + ".years"] = rd.where[path]
        shares: dict[str, Any] = {}
        for i, pid in columns.items():
            text = unicodedata.normalize("NFKC", cells[i]).strip() if i < len(cells) else ""
            if text:
                shares[pid] = text
                rd.where[f"{path}.shares.{pid}"] = (sh.title, r, _letter(i + 1))
        if "from_equity" in values:
            if shares:
                rd.problem(where["from_equity"], _("give shares from an equity clause or "
                                                   "shares per party, not both"))
            seg["shares"] = {"from_equity": values["from_equity"]}
            rd.where[path + ".shares"] = where["from_equity"]
        else:
            seg["shares"] = shares
            first = min(columns) if columns else 3
            rd.where[path + ".shares"] = (sh.title, r, _letter(first + 1))
        rd.doc["clauses"][clauses[cid]].setdefault("schedule", []).append(seg)


def _per_clause(sh: _Sheet, cols: list[lay.Col], rd: Reading, clauses: dict[str, int],
                what: str) -> None:
    """Contributions (``what`` = contributions) or other terms (``what`` = terms)."""
    counts: dict[str, int] = {}
    for r, values, where, _cells in _table(sh, cols, rd):
        cid = values.pop("clause", None)
        if cid not in clauses:
            rd.problem(where.get("clause", (sh.title, r, "A")),
                       _("%(value)s is not a clause of the Clauses sheet", value=cid or "—"))
            continue
        clause = rd.doc["clauses"][clauses[cid]]
        base = f"clauses[{clauses[cid]}]"
        if what == "contributions":
            j = counts.get(cid, 0)
            counts[cid] = j + 1
            path = f"{base}.contributions[{j}]"
            rd.where[path] = where.get("party", (sh.title, r, "B"))
            for key, at in where.items():
                rd.where[f"{path}.{key}"] = at
            clause.setdefault("contributions", []).append(values)
        elif "term" in values and "value" in values:
            clause[values["term"]] = values["value"]
            rd.where[f"{base}.{values['term']}"] = where["value"]


def read_workbook(data: bytes) -> Reading:
    """The contract document of a workbook, with where each value came from; raises
    InvalidContract (every problem, each at its sheet, row and column) if it cannot be read."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken workbook
        raise _refused([(None, _("not a readable XLSX workbook (%(reason)s)",
                                 reason=type(e).__name__))]) from None
    sheets = _sheets(wb)
    rd = Reading()
    if "contract" not in sheets or "parties" not in sheets:
        titles = lay.sheet_titles()
        rd.problem(None, _("this workbook has no contract sheets (%(sheets)s): download the "
                           "template from the contract form", sheets="、".join(titles.values())))
        raise _refused(rd.problems)
    _contract_fields(sheets["contract"], rd)
    rd.doc["parties"] = _items(rd, "parties", _table(sheets["parties"], lay.PARTIES, rd),
                               "parties")
    rd.doc["streams"] = _streams(sheets["streams"], rd) if "streams" in sheets else []
    rows = _table(sheets["clauses"], lay.CLAUSES, rd) if "clauses" in sheets else []
    clauses = _items(rd, "clauses", rows, "clauses")
    for n, c in enumerate(clauses):
        if "pool_cap" in c:
            c["cap"] = c.pop("pool_cap")
            rd.where[f"clauses[{n}].cap"] = rd.where.pop(f"clauses[{n}].pool_cap")
    rd.doc["clauses"] = clauses
    index = {c["id"]: n for n, c in enumerate(clauses) if isinstance(c.get("id"), str)}
    if "schedule" in sheets:
        _schedule(sheets["schedule"], rd, index)
    if "contributions" in sheets:
        _per_clause(sheets["contributions"], lay.CONTRIBUTIONS, rd, index, "contributions")
    if "terms" in sheets:
        _per_clause(sheets["terms"], lay.TERMS, rd, index, "terms")
    if rd.problems:
        raise _refused(rd.problems)
    return rd


def _message(where: Where | None, text: str) -> str:
    return f"{where_text(where)}: {text}" if where is not None and where[0] else text


def _refused(problems: list[tuple[Where | None, str]]) -> InvalidContract:
    return InvalidContract([Issue("(file)", "{message}", {"message": _message(w, m)},
                                  "workbook") for w, m in problems])


def locate(path: str, where: dict[str, Where]) -> Where | None:
    """The cell of a document path (an issue's), or of the nearest enclosing value."""
    best = None
    for p in where:
        if path == p or path.startswith(p + ".") or path.startswith(p + "["):
            if best is None or len(p) > len(best):
                best = p
    return where[best] if best is not None else None


def located(issues: list[dict[str, Any]], where: dict[str, Where]) -> list[dict[str, Any]]:
    """Issue dicts (already in the page's language) with their cell named first."""
    out = []
    for d in issues:
        at = locate(d.get("path", ""), where)
        if at is not None and at[0]:
            d = {**d, "message": _message(at, d["message"]), "where": list(at)}
        out.append(d)
    return out
