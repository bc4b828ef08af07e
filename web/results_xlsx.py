"""The results workbook (XLSX): results sheets a finance officer can keep, and the contract's
input sheets, from which the workbook can be uploaded again as a contract.

- Per-year amounts are number cells; every total, year sum and cumulative column is an
  Excel formula over them (no cached value: Excel, WPS and LibreOffice compute it on opening).
- A value that does not exist (an IRR that has no root) reads "—".
- The ledger has an autofilter and a frozen header; every sheet prints on A4 landscape, fit
  to the page width, with the contract's name and hashes in the page header.
- The input sheets (:mod:`web.workbook_write`) hold every term of the contract.
"""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _

from sharing.cells import put, put_formula

from .i18n import event_label, kind_label, name_of, role_label

MONEY = "#,##0.00"
NONE = "—"


def _float(text: str) -> float:
    return float(Fraction(str(text)))


def _ref(ws: Any, col: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    title = ws.title.replace("'", "''")
    return f"'{title}'!{get_column_letter(col)}{row}"


def _col(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def _header_text(text: str) -> str:
    """Text for a print header: ``&`` starts a code there, so it is doubled."""
    return " ".join(str(text).split()).replace("&", "&&")


class Book:
    """The workbook being written: identity lines atop each results sheet, print setup."""

    def __init__(self, result: dict[str, Any], identity: list[str]):
        from openpyxl import Workbook

        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.result = result
        self.identity = identity
        self.hr = len(identity) + 2  # the header row of a results sheet

    def sheet(self, title: str, header: list[str], widths: dict[int, int] | None = None) -> Any:
        from openpyxl.styles import Alignment, Font

        ws = self.wb.create_sheet(title[:31])
        for r, line in enumerate(self.identity, start=1):
            put(ws, r, 1, line).font = Font(bold=(r == 1), italic=(r > 1))
        for c, text in enumerate(header, start=1):
            cell = put(ws, self.hr, c, text)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = ws.cell(row=self.hr + 1, column=2)
        for c in range(1, len(header) + 1):
            ws.column_dimensions[_col(c)].width = (widths or {}).get(c, 18)
        ws.print_title_rows = f"{self.hr}:{self.hr}"
        return ws

    def money(self, ws: Any, r: int, c: int, value: Any) -> Any:
        cell = put(ws, r, c, value)
        if value is not None and not isinstance(value, str):
            cell.number_format = MONEY
        return cell

    def formula(self, ws: Any, r: int, c: int, formula: str) -> Any:
        cell = put_formula(ws, r, c, formula)
        cell.number_format = MONEY
        return cell

    def print_setup(self) -> None:
        res = self.result
        left = _header_text(res.get("name") or "")[:120]
        right = _header_text(_("contract SHA-256 %(sha)s", sha=res["contract_sha256"]))
        for ws in self.wb.worksheets:
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.oddHeader.left.text = left
            ws.oddHeader.left.size = 9
            ws.oddHeader.right.text = right
            ws.oddHeader.right.size = 7
            ws.oddFooter.center.text = "&P / &N"

    def save(self) -> bytes:
        res = self.result
        props = self.wb.properties
        props.title = (res.get("name") or "")[:250]
        props.subject = f"contract sha256 {res['contract_sha256']}"
        props.keywords = (f"engine {res['engine']['version']}; result sha256 "
                          f"{res['result_sha256']}")
        props.creator = f"{res['engine']['name']} {res['engine']['version']}"
        buf = io.BytesIO()
        self.wb.save(buf)
        return buf.getvalue()


def _party_label(pid: str, p: dict[str, Any]) -> str:
    return f"{p['name'] or pid} ({pid})"


def _summary(book: Book, net: dict[str, Any]) -> None:
    res = book.result
    parties = list(res["parties"].items())
    from .results import D, kinds_in

    kinds = kinds_in(res)
    header = [_("Party"), _("ID"), _("Role"), _("Net total (yuan)"), _("NPV (yuan)"),
              _("Discount rate"), _("IRR")] + [kind_label(k) for k in kinds]
    ws = book.sheet(_("Summary"), header, {1: 40})
    for i, (pid, p) in enumerate(parties):
        r = book.hr + 1 + i
        put(ws, r, 1, p["name"] or pid)
        put(ws, r, 2, pid)
        put(ws, r, 3, role_label(p["role"]))
        book.formula(ws, r, 4, "=" + net["total"][pid])
        book.money(ws, r, 5, D(p["npv"]))
        if p.get("discount_rate"):
            put(ws, r, 6, _float(p["discount_rate"])).number_format = "0.00%"
        if p["irr"] is not None:
            put(ws, r, 7, _float(p["irr"])).number_format = "0.00%"
        else:
            put(ws, r, 7, NONE)
        for k, kind in enumerate(kinds, start=8):
            if kind in p["totals_by_kind"]:
                book.money(ws, r, k, D(p["totals_by_kind"][kind]))


def _net_by_year(book: Book) -> dict[str, Any]:
    """Year × party net, with the year sums and totals as formulas; returns the cells
    other sheets refer to."""
    from .results import D

    res = book.result
    parties = list(res["parties"].items())
    n = len(parties)
    header = [_("Year")] + [_party_label(pid, p) for pid, p in parties] + [_("All parties")]
    ws = book.sheet(_("Net by year"), header, {c: 24 for c in range(2, n + 3)})
    first = book.hr + 1
    last = first + len(res["years"]) - 1
    cells: dict[str, Any] = {"year": {}, "total": {}}
    for i, y in enumerate(res["years"]):
        r = first + i
        put(ws, r, 1, y)
        for j, (pid, p) in enumerate(parties, start=2):
            book.money(ws, r, j, D(p["net_by_year"][i]))
            cells["year"][(pid, i)] = _ref(ws, j, r)
        book.formula(ws, r, n + 2, f"=SUM(B{r}:{_col(n + 1)}{r})")
    total = last + 1
    put(ws, total, 1, _("Total"))
    for c in range(2, n + 3):
        book.formula(ws, total, c, f"=SUM({_col(c)}{first}:{_col(c)}{last})")
    for j, (pid, _p) in enumerate(parties, start=2):
        cells["total"][pid] = _ref(ws, j, total)
    put(ws, total + 1, 1, _("NPV"))
    put(ws, total + 2, 1, _("IRR"))
    for j, (_pid, p) in enumerate(parties, start=2):
        book.money(ws, total + 1, j, D(p["npv"]))
        if p["irr"] is not None:
            put(ws, total + 2, j, _float(p["irr"])).number_format = "0.00%"
        else:
            put(ws, total + 2, j, NONE)
    put(ws, total + 1, n + 2, NONE)
    put(ws, total + 2, n + 2, NONE)
    return cells


def _receipts(book: Book, net: dict[str, Any]) -> None:
    from .results import receipts_by_year

    res = book.result
    parties = list(res["parties"].items())
    n = len(parties)
    rec = receipts_by_year(res)
    header = [_("Year")] + [f"{p['name'] or pid} · {_('receipts')}" for pid, p in parties] + \
        [f"{p['name'] or pid} · {_('cumulative net')}" for pid, p in parties]
    ws = book.sheet(_("Receipts by year"), header)
    first = book.hr + 1
    for i, y in enumerate(res["years"]):
        r = first + i
        put(ws, r, 1, y)
        for j, (pid, _p) in enumerate(parties):
            book.money(ws, r, 2 + j, rec[pid][i])
            c = 2 + n + j
            this = net["year"][(pid, i)]
            book.formula(ws, r, c, f"={this}" if i == 0 else f"={_col(c)}{r - 1}+{this}")
    total = first + len(res["years"])
    put(ws, total, 1, _("Total"))
    for j in range(n):
        c = 2 + j
        book.formula(ws, total, c, f"=SUM({_col(c)}{first}:{_col(c)}{total - 1})")


def _streams(book: Book) -> None:
    """What each stream makes shareable per year (the engine's projection), with totals."""
    from .results import D

    res = book.result
    streams = list((res.get("streams") or {}).items())
    if not streams:
        return
    header = [_("Year")] + [f"{name_of(res, 'stream', sid)} · {_('shareable')}"
                            for sid, _s in streams]
    ws = book.sheet(_("Streams by year"), header)
    first = book.hr + 1
    for i, y in enumerate(res["years"]):
        put(ws, first + i, 1, y)
        for j, (_sid, s) in enumerate(streams, start=2):
            vals = s.get("shareable_by_year") or []
            book.money(ws, first + i, j, D(vals[i]) if i < len(vals) else None)
    total = first + len(res["years"])
    put(ws, total, 1, _("Total"))
    for j in range(2, len(streams) + 2):
        book.formula(ws, total, j, f"=SUM({_col(j)}{first}:{_col(j)}{total - 1})")


def _ledger(book: Book, rows: list[list[Any]]) -> None:
    from openpyxl.styles import Alignment

    ws = book.sheet(_("Ledger"), [str(x) for x in rows[0]], {3: 16, 7: 90})
    for r, row in enumerate(rows[1:], start=book.hr + 1):
        for c, v in enumerate(row, start=1):
            cell = book.money(ws, r, c, v) if c == 6 else put(ws, r, c, v)
            if c == 7:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = max(ws.max_row, book.hr)
    ws.auto_filter.ref = f"A{book.hr}:{_col(len(rows[0]))}{last}"
    ws.freeze_panes = ws.cell(row=book.hr + 1, column=1)


def _events(book: Book) -> None:
    from openpyxl.styles import Alignment

    res = book.result
    ws = book.sheet(_("Events"), [_("Year"), _("Clause"), _("Event"), _("Detail")], {4: 90})
    for r, ev in enumerate(res["events"], start=book.hr + 1):
        put(ws, r, 1, ev["year"])
        put(ws, r, 2, name_of(res, "clause", ev["clause"]))
        put(ws, r, 3, event_label(ev["kind"]))
        put(ws, r, 4, ev["detail"]).alignment = Alignment(wrap_text=True, vertical="top")
    if not res["events"]:
        put(ws, book.hr + 1, 1, _("No events: no cap was reached, no pool ran dry, no exit "
                                  "was triggered."))


def _indicators(book: Book) -> None:
    from .results import D

    res = book.result
    if not res.get("indicators"):
        return
    parties = list(res["parties"].items())
    ws = book.sheet(_("Indicators"), [_("Year")] + [_party_label(pid, p) for pid, p in parties])
    for i, y in enumerate(res["years"]):
        r = book.hr + 1 + i
        put(ws, r, 1, y)
        for j, (pid, _p) in enumerate(parties, start=2):
            if pid in res["indicators"]:
                book.money(ws, r, j, D(res["indicators"][pid]["net_by_year"][i]))


def _clauses(book: Book) -> None:
    """Per clause: equity ratios, deficits, pool balances."""
    from .results import D

    res = book.result
    clauses = res.get("clauses") or {}
    cols: list[tuple[str, list[Any], bool]] = []
    for cid, c in clauses.items():
        if c["kind"] == "equity":
            for pid, vals in c["equity_ratios"].items():
                cols.append((f"{cid} · {_('equity ratio')} · {pid}", vals, False))
            cols.append((f"{cid} · {_('deficit')}", c["deficits"], True))
        elif c["kind"] == "risk_pool":
            cols.append((f"{cid} · {_('pool balance')}", c["pool_balances"], True))
    if not clauses:
        return
    ws = book.sheet(_("Clauses"), [_("Year")] + [c[0] for c in cols])
    for i, y in enumerate(res["years"]):
        r = book.hr + 1 + i
        put(ws, r, 1, y)
        for j, (_label, vals, money) in enumerate(cols, start=2):
            v = vals[i] if i < len(vals) else None
            if v is None:
                continue
            if money:
                book.money(ws, r, j, D(v))
            else:
                put(ws, r, j, float(Fraction(v))).number_format = "0.0000%"


def build(result: dict[str, Any], identity: list[str], ledger: list[list[Any]],
          contract: Any | None = None) -> bytes:
    """The results workbook; with ``contract``, its input sheets too."""
    book = Book(result, identity)
    net = _net_by_year(book)  # first: the summary's totals refer to it
    _summary(book, net)
    book.wb.move_sheet(book.wb.worksheets[-1], offset=-(len(book.wb.worksheets) - 1))
    _receipts(book, net)
    _streams(book)
    _ledger(book, ledger)
    _events(book)
    _indicators(book)
    _clauses(book)
    if contract is not None:
        from .workbook_write import write_inputs

        write_inputs(book.wb, contract)
    book.print_setup()
    return book.save()
