"""The settlement statement (结算单) as an XLSX workbook (semantics §6.4, §6.5).

Four sheets: the pairs (payer, payee, amount due and every settled figure), the entitlement
by year (plan beside actual), plan against actual by year, party, stream and enterprise, and
the inputs' SHA-256. Amounts are number cells holding the statement's exact two-decimal
Decimals (``#,##0.00``), never floats computed here; headers are in the chosen language and
parties, streams and enterprises appear by name. User text is written as text cells, never as
formulas (:func:`sharing.cells.put`).
"""

from __future__ import annotations

import io
from typing import Any

from ..cells import put
from .statement_text import enterprise_name, input_labels, labels, money, party_name, stream_name

MONEY = "#,##0.00"


class _Sheet:
    def __init__(self, wb: Any, title: str, lines: list[str]):
        from openpyxl.styles import Font

        self.ws = wb.create_sheet(title[:31])
        self.row = 1
        for i, line in enumerate(lines):
            put(self.ws, self.row, 1, line).font = Font(bold=i == 0)
            self.row += 1
        self.row += 1

    def header(self, cells: list[str]) -> None:
        from openpyxl.styles import Alignment, Font

        for c, text in enumerate(cells, start=1):
            cell = put(self.ws, self.row, c, text)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            self.ws.column_dimensions[cell.column_letter].width = 22 if c > 1 else 26
        self.ws.freeze_panes = self.ws.cell(row=self.row + 1, column=1)
        self.row += 1

    def line(self, cells: list[Any]) -> None:
        for c, value in enumerate(cells, start=1):
            cell = put(self.ws, self.row, c, value)
            if value is not None and not isinstance(value, (str, int)):
                cell.number_format = MONEY
        self.row += 1


def statement_xlsx(document: dict[str, Any], lang: str = "zh") -> bytes:
    """The statement ``document`` (what ``pipeline.statement`` returns) as XLSX bytes."""
    from openpyxl import Workbook

    L = labels(lang)
    st = document["settlement"]
    years = document["years"]
    head = [document.get("case") or "", L["statement"].format(year=st["year"]),
            L["collector"].format(name=party_name(document, st["collector"]))]
    wb = Workbook()
    wb.remove(wb.active)

    s = _Sheet(wb, L["sheet_pairs"], head + [L["sign_note"]])
    s.header([L["a"], L["b"], L["payer"], L["payee"], L["amount_due"], L["entitlement"],
              L["cumulative_entitlement"], L["cumulative_transfers"], L["balance_due"],
              L["adjustment"], L["advance_payments"], L["plan_cumulative"]])
    for p in st["pairs"]:
        s.line([party_name(document, p["a"]), party_name(document, p["b"]),
                party_name(document, p["payer"]), party_name(document, p["payee"]),
                money(p["amount_due"]), money(p["entitlement"]),
                money(p["cumulative_entitlement"]), money(p["cumulative_transfers"]),
                money(p["balance_due"]), money(p["adjustment"]), money(p["advance_payments"]),
                money(p["plan"]["cumulative_entitlement"])])
    if st["advance_payments"]:
        s.row += 1
        put(s.ws, s.row, 1, L["advance_title"])
        s.row += 1
        for c, text in enumerate([L["date"], L["from"], L["to"], L["amount"],
                                  L["settles_year"], L["reference"]], start=1):
            put(s.ws, s.row, c, text)
        s.row += 1
        for a in st["advance_payments"]:
            s.line([str(a["date"]), party_name(document, a["from"]),
                    party_name(document, a["to"]), money(a["amount"]), int(a["year"]),
                    a.get("reference") or ""])

    s = _Sheet(wb, L["sheet_years"], head + [L["sign_note"]])
    cols = [L["year"]]
    for p in st["pairs"]:
        pair = f"{party_name(document, p['a'])} → {party_name(document, p['b'])}"
        cols += [f"{pair}: {L['actual']}", f"{pair}: {L['plan']}"]
    s.header(cols)
    for i, y in enumerate(years[:len(st["pairs"][0]["entitlement_by_year"])]
                          if st["pairs"] else []):
        row: list[Any] = [int(y)]
        for p in st["pairs"]:
            row += [money(p["entitlement_by_year"][i]), money(p["plan"]["entitlement_by_year"][i])]
        s.line(row)

    s = _Sheet(wb, L["sheet_plan"], head)
    s.header([L["what"], L["name"], L["party"], L["year"], L["plan"], L["actual"],
              L["difference"]])
    pa = document.get("plan_against_actual") or {}

    def rows(what: str, name: str, party: str, series: dict[str, list[str]]) -> None:
        for i, (pl, ac) in enumerate(zip(series["plan"], series["actual"], strict=True)):
            s.line([what, name, party, int(years[i]), money(pl), money(ac),
                    money(ac) - money(pl)])

    for pid, series in (pa.get("parties") or {}).items():
        rows(L["position"], party_name(document, pid), party_name(document, pid), series)
    for sid, series in (pa.get("streams") or {}).items():
        rows(L["shareable"], stream_name(document, sid), "", series)
    for code, by_party in (pa.get("enterprises") or {}).items():
        for pid, series in by_party.items():
            rows(L["enterprise"], enterprise_name(document, code), party_name(document, pid),
                 series)

    s = _Sheet(wb, L["sheet_hashes"], head)
    s.header([L["input"], L["hash"]])
    names = input_labels(lang)
    for key, value in (document.get("identity") or {}).items():
        s.line([names.get(key, key), value])
    engine = document.get("engine")
    if engine:
        s.line([L["engine"], f"{engine['name']} {engine['version']}"])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
