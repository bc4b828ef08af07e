"""``sharing settle``: the yearly settlement statement (结算单) of a case (semantics §6.4).

    sharing settle CONTRACT --year Y --actuals FILE [--register FILE] [--transfers FILE]
                   [--previous STATEMENT.json] [--format table|csv|json|xlsx|pdf]
                   [--lang zh|en] [--output FILE]

The binary formats (xlsx, pdf) need ``--output FILE``; without it they are written to
standard output only when it is not a terminal (``> statement.pdf``), and refused on a
terminal (exit 2).

Exit status 2 with every error of every input file on stderr, one a line
(``FILE: row R, column C (HEADER): message``); nothing is computed from a file with errors.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import Any

from .errors import translate

EXIT_INVALID = 2


def register(sub: Any) -> None:
    s = sub.add_parser("settle", help="the yearly settlement statement (结算单) of a case")
    s.add_argument("file", help="the contract (YAML or JSON), amendments included")
    s.add_argument("--year", type=int, required=True, help="the calendar year settled")
    s.add_argument("--actuals", required=True, help="actual figures, CSV or XLSX")
    s.add_argument("--register", help="enterprise register, CSV or XLSX")
    s.add_argument("--transfers", help="transfers made, CSV or XLSX")
    s.add_argument("--previous", help="the statement of an earlier year (JSON)")
    s.add_argument("--format", choices=["table", "csv", "json", "xlsx", "pdf"],
                   default="table", help="xlsx and pdf (bilingual, with a sign-off block) need "
                   "--output or a redirected standard output")
    s.add_argument("--lang", choices=["zh", "en"], default="zh")
    s.add_argument("--output", "-o", help="write to this file instead of standard output")
    s.set_defaults(func=cmd_settle)


def report_input_errors(e: Any, lang: str) -> int:
    for line in e.lines(lang):
        sys.stderr.write(line + "\n")
    return EXIT_INVALID


def cmd_settle(args: argparse.Namespace) -> int:
    from .errors import InputFilesInvalid
    from .pipeline import read_inputs, statement

    try:
        inputs = read_inputs(args.file, register=args.register, actuals=args.actuals,
                             transfers=args.transfers, previous=args.previous,
                             through=args.year)
        doc = statement(inputs, args.year)
    except InputFilesInvalid as e:
        return report_input_errors(e, args.lang)
    from .render import BINARY, render_statement

    if args.format in BINARY and not args.output and sys.stdout.isatty():
        sys.stderr.write(translate("--format {fmt} writes a binary file: give --output FILE "
                                   "(or redirect standard output to a file)", args.lang
                                   ).format(fmt=args.format) + "\n")
        return EXIT_INVALID
    if args.format == "pdf":
        from ..report import FontMissing

        try:
            data = render_statement(doc, "pdf", args.lang)
        except FontMissing as e:
            sys.stderr.write(f"{e}\n")
            return EXIT_INVALID
    else:
        data = render_statement(doc, args.format, args.lang)
    if args.output:
        with open(args.output, "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def cmd_run_case(args: argparse.Namespace) -> int:
    """``sharing run CONTRACT [--register FILE] [--actuals FILE]``: the case's result, every
    year under the version in force, projections replaced by the actual figures given."""
    from .errors import InputFilesInvalid
    from .pipeline import case_document, read_inputs

    try:
        doc, _ = case_document(read_inputs(args.file, register=args.register,
                                           actuals=args.actuals))
    except InputFilesInvalid as e:
        return report_input_errors(e, getattr(args, "lang", None) or "en")
    if args.format == "json":
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    elif args.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["year", "version", "clause", "enterprise", "stream", "party", "kind",
                    "amount_yuan", "why"])
        for e in doc["entries"]:
            w.writerow([e["year"], e["version"], e["clause"] or "", e["enterprise"] or "",
                        e["stream"] or "", e["party"] or "", e["kind"], e["amount"], e["why"]])
        text = buf.getvalue()
    else:
        text = render_case_table(doc, getattr(args, "lang", None) or "en")
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


def render_case_table(doc: dict[str, Any], lang: str = "en") -> str:
    """Years as rows (with the version in force), parties as columns."""
    parties = list(doc["parties"].items())
    head = [translate("year", lang), translate("version", lang)] + [
        v.get("name") or pid for pid, v in parties]
    rows = [[str(y), str(doc["versions"]["by_year"][i])] +
            [v["net_by_year"][i] for _, v in parties] for i, y in enumerate(doc["years"])]
    rows.append([translate("total", lang), ""] + [v["net_total"] for _, v in parties])
    out = [doc["case"], translate("net cash flow by year, yuan", lang), ""]
    out += ["  ".join(r) for r in [head] + rows]
    for item in doc.get("ineligible", []):
        out.append(translate("not eligible: {name} ({code}), pre-move average {average} below "
                             "{threshold}", lang).format(name=item["name"], code=item["enterprise"],
                                                        average=item["average"],
                                                        threshold=item["threshold"]))
    return "\n".join(out) + "\n"


def _figures(lang: str) -> list[tuple[str, str]]:
    """The statement's figures with their labels (each literal is in the catalog)."""
    return [
        ("entitlement", translate("this year's entitlement", lang)),
        ("cumulative_entitlement", translate("cumulative entitlement", lang)),
        ("cumulative_transfers", translate("cumulative transfers", lang)),
        ("balance_due", translate("balance due", lang)),
        ("adjustment", translate("adjustment against the previous statement", lang)),
        ("advance_payments", translate("paid in advance (not counted)", lang)),
    ]


def _name(doc: dict[str, Any], pid: str | None) -> str:
    if pid is None:
        return "—"
    return doc["parties"][pid].get("name") or pid


def render_table(doc: dict[str, Any], lang: str = "zh") -> str:
    """The statement as text: per pair the figures, who pays whom, plan beside actual.
    Amounts in yuan with two decimals, as in the JSON."""
    st = doc["settlement"]
    out = [doc["case"],
           translate("Settlement statement for {year}", lang).format(year=st["year"]),
           translate("collector: {name}", lang).format(name=_name(doc, st["collector"])),
           translate("versions in force by year: {versions}", lang).format(
               versions=", ".join(f"{y}: {v}" for y, v in zip(doc["years"],
                                                             doc["versions"]["by_year"],
                                                             strict=True)))]
    for p in st["pairs"]:
        out += ["", f"{_name(doc, p['a'])} → {_name(doc, p['b'])}"]
        for key, label in _figures(lang):
            value = p.get(key)
            sep = "：" if lang == "zh" else ": "
            out.append(f"  {label}{sep}{'—' if value is None else value}")
        out.append("  " + translate("plan (as signed, projection): cumulative entitlement "
                                    "{value}", lang).format(
            value=p["plan"]["cumulative_entitlement"]))
        if p["payer"] is None:
            out.append("  " + translate("nothing is due", lang))
        else:
            out.append("  " + translate("{payer} pays {payee} {amount} yuan", lang).format(
                payer=_name(doc, p["payer"]), payee=_name(doc, p["payee"]),
                amount=p["amount_due"]))
    if st["advance_payments"]:
        out += ["", translate("paid in advance (not counted)", lang)]
        out += [f"  {a['date']}  {_name(doc, a['from'])} → {_name(doc, a['to'])}  {a['amount']}"
                f"  ({a['year']}) {a['reference']}" for a in st["advance_payments"]]
    out += ["", translate("identity (SHA-256)", lang)]
    labels = _inputs(lang)
    out += [f"  {labels.get(k, k)}: {v}" for k, v in doc["identity"].items()]
    return "\n".join(out) + "\n"


def _inputs(lang: str) -> dict[str, str]:
    return {"contract": translate("contract", lang), "register": translate("register", lang),
            "actuals": translate("actual figures", lang),
            "transfers": translate("transfers", lang),
            "previous": translate("previous statement", lang)}


def render_csv(doc: dict[str, Any], lang: str = "zh") -> str:
    """One row per pair with every settled figure (amounts in yuan)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    keys = ["a", "b", "entitlement", "cumulative_entitlement", "cumulative_transfers",
            "balance_due", "payer", "payee", "amount_due", "adjustment", "advance_payments"]
    w.writerow(keys)
    for p in doc["settlement"]["pairs"]:
        w.writerow(["" if p[k] is None else p[k] for k in keys])
    return buf.getvalue()
