"""Downloads of a result: CSV, XLSX, JSON, PDF and the contract as YAML.

Every download names the contract's SHA-256, the result's SHA-256 and the engine version.
XLSX has one sheet per view of the results page; amounts are numbers (not text) with a
two-decimal format, and headers are in Chinese when the page is.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from sharing.cells import csv_row, header_line, put

from .i18n import event_label, kind_label, role_label
from .results import D, kinds_in, receipts_by_year

MONEY = "#,##0.00"


def _float(text: str) -> float:
    from fractions import Fraction

    return float(Fraction(str(text)))


def identity_lines(result: dict[str, Any]) -> list[str]:
    eng = result["engine"]
    return [
        result.get("name") or "",
        _("engine %(name)s %(version)s", name=eng["name"], version=eng["version"]),
        _("contract SHA-256 %(sha)s", sha=result["contract_sha256"]),
        _("result SHA-256 %(sha)s", sha=result["result_sha256"]),
    ]


def _csv(rows: list[list[Any]], result: dict[str, Any]) -> bytes:
    buf = io.StringIO()
    for line in identity_lines(result):
        buf.write("# " + header_line(line) + "\n")
    w = csv.writer(buf, lineterminator="\n")
    for r in rows:
        w.writerow(csv_row(r))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8


def table_rows(result: dict[str, Any]) -> list[list[Any]]:
    parties = list(result["parties"].items())
    rows: list[list[Any]] = [[_("Year")] + [f"{p['name'] or pid} ({pid})" for pid, p in parties]
                             + [_("All parties")]]
    for i, y in enumerate(result["years"]):
        vals = [D(p["net_by_year"][i]) for _pid, p in parties]
        rows.append([y] + vals + [sum(vals, Decimal(0))])
    totals = [D(p["net_total"]) for _pid, p in parties]
    rows.append([_("Total")] + totals + [sum(totals, Decimal(0))])
    rows.append([_("NPV")] + [D(p["npv"]) for _pid, p in parties] + [None])
    rows.append([_("IRR")] + [p["irr"] if p["irr"] is not None else "" for _pid, p in parties]
                + [None])
    return rows


def ledger_rows(result: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Year"), _("Clause"), _("Stream"), _("Party"), _("Kind"),
                              _("Amount (yuan)"), _("How it was computed")]]
    from sharing.explain_text import ledger_rows as rendered

    from .i18n import explain_lang

    # names, kinds and explanations in the reader's language, as in the CLI and the PDF
    for row in rendered(result, explain_lang()):
        rows.append(row[:5] + [D(row[5])] + row[6:])
    return rows


def table_csv(result: dict[str, Any]) -> bytes:
    return _csv(table_rows(result), result)


def ledger_csv(result: dict[str, Any]) -> bytes:
    return _csv(ledger_rows(result), result)


def result_json(result: dict[str, Any]) -> bytes:
    return (json.dumps(result, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def xlsx(result: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    parties = list(result["parties"].items())

    def sheet(title: str, header: list[str], rows: list[list[Any]], money_cols: set[int],
              widths: dict[int, int] | None = None, wrap: set[int] | None = None):
        ws = wb.active if wb.active.title == "Sheet" else wb.create_sheet()
        ws.title = title[:31]
        for r, line in enumerate(identity_lines(result), start=1):
            put(ws, r, 1, line).font = Font(bold=(r == 1), italic=(r > 1))
        hr = len(identity_lines(result)) + 2
        for c, text in enumerate(header, start=1):
            cell = put(ws, hr, c, text)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(rows, start=hr + 1):
            for c, v in enumerate(row, start=1):
                cell = put(ws, r, c, v)
                if c in money_cols and isinstance(v, (int, float, Decimal)) and \
                        not isinstance(v, bool):
                    cell.number_format = MONEY
                if wrap and c in wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = ws.cell(row=hr + 1, column=2)
        for c in range(1, len(header) + 1):
            ws.column_dimensions[get_column_letter(c)].width = (widths or {}).get(c, 18)
        return ws

    # 1. summary per party
    kinds = kinds_in(result)
    header = [_("Party"), _("ID"), _("Role"), _("Net total (yuan)"), _("NPV (yuan)"),
              _("Discount rate"), _("IRR")] + [kind_label(k) for k in kinds]
    rows = []
    for pid, p in parties:
        rows.append([p["name"] or pid, pid, role_label(p["role"]), D(p["net_total"]),
                     D(p["npv"]), _float(p["discount_rate"]) if p.get("discount_rate")
                     else None, _float(p["irr"]) if p["irr"] is not None else None]
                    + [D(p["totals_by_kind"][k]) if k in p["totals_by_kind"] else None
                       for k in kinds])
    ws = sheet(_("Summary"), header, rows, {4, 5} | set(range(8, 8 + len(kinds))),
               {1: 40})
    for r in range(ws.max_row - len(rows) + 1, ws.max_row + 1):
        ws.cell(row=r, column=6).number_format = "0.00%"
        ws.cell(row=r, column=7).number_format = "0.00%"

    # 2. year x party net
    t = table_rows(result)
    sheet(_("Net by year"), [str(x) for x in t[0]], t[1:],
          set(range(2, len(parties) + 3)), {c: 24 for c in range(2, len(parties) + 3)})

    # 3. receipts by year (the chart's bars) and cumulative net
    rec = receipts_by_year(result)
    header = [_("Year")] + [f"{p['name'] or pid} · {_('receipts')}" for pid, p in parties] + \
        [f"{p['name'] or pid} · {_('cumulative net')}" for pid, p in parties]
    cum = {pid: Decimal(0) for pid, _p in parties}
    rows = []
    for i, y in enumerate(result["years"]):
        row: list[Any] = [y] + [rec[pid][i] for pid, _p in parties]
        for pid, p in parties:
            cum[pid] += D(p["net_by_year"][i])
        rows.append(row + [cum[pid] for pid, _p in parties])
    sheet(_("Receipts by year"), header, rows, set(range(2, 2 * len(parties) + 2)))

    # 4. ledger with why
    lr = ledger_rows(result)
    sheet(_("Ledger"), [str(x) for x in lr[0]],
          lr[1:], {6},
          {3: 16, 7: 90}, wrap={7})

    # 5. events
    rows = [[ev["year"], ev["clause"], event_label(ev["kind"]), ev["detail"]]
            for ev in result["events"]]
    sheet(_("Events"), [_("Year"), _("Clause"), _("Event"), _("Detail")], rows, set(),
          {4: 90}, wrap={4})

    # 6. indicators, when the contract has any
    if result.get("indicators"):
        header = [_("Year")] + [f"{p['name'] or pid} ({pid})" for pid, p in parties]
        rows = []
        for i, y in enumerate(result["years"]):
            rows.append([y] + [D(result["indicators"][pid]["net_by_year"][i])
                               if pid in result["indicators"] else None for pid, _p in parties])
        sheet(_("Indicators"), header, rows, set(range(2, len(parties) + 2)))

    # 7. per clause: equity ratios, deficits, pool balances
    clauses = result.get("clauses") or {}
    if clauses:
        header = [_("Year")]
        cols: list[tuple[str, list[Any], bool]] = []
        for cid, c in clauses.items():
            if c["kind"] == "equity":
                for pid, vals in c["equity_ratios"].items():
                    cols.append((f"{cid} · {_('equity ratio')} · {pid}", vals, False))
                cols.append((f"{cid} · {_('deficit')}", c["deficits"], True))
            elif c["kind"] == "risk_pool":
                cols.append((f"{cid} · {_('pool balance')}", c["pool_balances"], True))
        header += [c[0] for c in cols]
        rows = []
        for i, y in enumerate(result["years"]):
            row = [y]
            for _label, vals, money in cols:
                v = vals[i] if i < len(vals) else None
                if v is None:
                    row.append(None)
                elif money:
                    row.append(D(v))
                else:
                    from fractions import Fraction

                    row.append(float(Fraction(v)))
            rows.append(row)
        money_cols = {i + 2 for i, c in enumerate(cols) if c[2]}
        ws = sheet(_("Clauses"), header, rows, money_cols)
        hr = len(identity_lines(result)) + 2
        for i, c in enumerate(cols):
            if not c[2]:
                for r in range(hr + 1, hr + 1 + len(rows)):
                    ws.cell(row=r, column=i + 2).number_format = "0.0000%"

    wb.properties.title = (result.get("name") or "")[:250]
    wb.properties.subject = f"contract sha256 {result['contract_sha256']}"
    wb.properties.keywords = (f"engine {result['engine']['version']}; result sha256 "
                              f"{result['result_sha256']}")
    wb.properties.creator = f"{result['engine']['name']} {result['engine']['version']}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
