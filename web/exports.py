"""Downloads of a result: CSV, XLSX, JSON, PDF and the contract as YAML.

Every download names the contract's SHA-256, the result's SHA-256 and the engine version.
The XLSX is web.results_xlsx (results sheets with formulas, and the contract's input
sheets); a CSV has its header as the first row and its provenance in ``#`` lines after the
table. Headers are in Chinese when the page is.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from sharing.cells import csv_row, provenance_block

from .results import D


def identity_lines(result: dict[str, Any]) -> list[str]:
    eng = result["engine"]
    return [
        result.get("name") or "",
        _("engine %(name)s %(version)s", name=eng["name"], version=eng["version"]),
        _("contract SHA-256 %(sha)s", sha=result["contract_sha256"]),
        _("result SHA-256 %(sha)s", sha=result["result_sha256"]),
    ]


def _csv(rows: list[list[Any]], result: dict[str, Any]) -> bytes:
    """The header is the first row, so filters and pivot tables see a plain table; the
    provenance (name, engine, hashes) follows the table, after one empty line, as ``#``
    lines (docs/web.md)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in rows:
        w.writerow(csv_row(r))
    buf.write(provenance_block(identity_lines(result)))
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
    rows.append([_("IRR")] + [p["irr"] if p["irr"] is not None else "—" for _pid, p in parties]
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


def xlsx(result: dict[str, Any], contract: Any | None = None) -> bytes:
    """The results workbook (web.results_xlsx); with the contract, its input sheets too."""
    from .results_xlsx import build

    return build(result, identity_lines(result), ledger_rows(result), contract)
