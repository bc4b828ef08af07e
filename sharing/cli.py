"""The ``sharing`` command: validate, run and describe contract files.

Exit status: 0 ok, 2 invalid contract (one line per problem on stderr, no traceback),
1 internal error (a broken identity of §1 or a bug; reported, never a wrong result).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import os
import sys
import unicodedata
from typing import Any

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID = 0, 1, 2


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = True) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def _grouped(amount: str) -> str:
    sign = "-" if amount.startswith("-") else ""
    whole, _, cents = amount.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}.{cents}"


def render_table(result: dict[str, Any], lang: str = "en") -> str:
    """Years as rows, parties as columns, then totals, NPV and IRR; Chinese names align;
    the labels in ``lang`` through the catalog (sharing.explain_text)."""
    from sharing.explain_text import Names, event_label, gettext

    def _(text: str) -> str:
        return gettext(lang, text)

    parties = list(result["parties"].items())
    head = [_("year")] + [v.get("name") or pid for pid, v in parties]
    rows = [[str(y)] + [_grouped(v["net_by_year"][i]) for _, v in parties]
            for i, y in enumerate(result["years"])]
    foot = [[_("total")] + [_grouped(v["net_total"]) for _p, v in parties],
            ["NPV"] + [_grouped(v["npv"]) for _p, v in parties],
            ["IRR"] + [(f"{float(v['irr']) * 100:.4f} %" if v["irr"] is not None else "—")
                       for _p, v in parties]]
    widths = [max(_width(r[j]) for r in [head] + rows + foot) for j in range(len(head))]
    rule = "  ".join("-" * w for w in widths)

    def line(r: list[str]) -> str:
        return "  ".join(_pad(cell, widths[j], right=j > 0) for j, cell in enumerate(r))

    out = [result.get("name") or "", _("net cash flow by year, yuan"),
           f"engine {result['engine']['name']} {result['engine']['version']}",
           f"contract sha256 {result['contract_sha256']}",
           f"result sha256   {result['result_sha256']}", "", line(head), rule]
    out += [line(r) for r in rows]
    out += [rule] + [line(r) for r in foot]
    if result["indicators"]:
        out += ["", _("indicator ledger (not money)")]
        ind = [[_("total")] + [_grouped(result["indicators"][pid]["net_total"]) for pid, _ in parties]]
        out += [line(r) for r in ind]
    if result["events"]:
        out += ["", _("events")]
        names = Names.of_result(result)
        out += [f"  {ev['year']}  {names.name('clause', ev['clause'])}  "
                f"{event_label(ev['kind'], lang)}: {ev['detail']}" for ev in result["events"]]
    if result.get("last_year") is not None:
        out += ["", _("last year of the clauses: {year}").format(year=result["last_year"])]
    return "\n".join(out) + "\n"


def render_csv(result: dict[str, Any], lang: str = "en") -> str:
    """The ledger, one entry a row, its header the first row (for filters and pivot tables)
    and the provenance (name, engine, hashes) after the table as ``#`` lines, as the web's
    downloads; names, kinds and explanations in ``lang`` (sharing.explain_text)."""
    from sharing.explain_text import gettext, ledger_headers, ledger_rows

    from .cells import csv_row, provenance_block

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ledger_headers(lang))
    for row in ledger_rows(result, lang):
        w.writerow(csv_row(row))  # user text neutralised against spreadsheet formulas
    eng = result["engine"]
    buf.write(provenance_block([
        result.get("name") or "",
        gettext(lang, "engine %(name)s %(version)s") % {"name": eng["name"],
                                                         "version": eng["version"]},
        gettext(lang, "contract SHA-256 %(sha)s") % {"sha": result["contract_sha256"]},
        gettext(lang, "result SHA-256 %(sha)s") % {"sha": result["result_sha256"]}]))
    return buf.getvalue()


def _report_invalid(path: str, issues: list[Any], lang: str | None = None) -> int:
    """Every issue, one a line (file: path: message), then their count ("4 problems",
    "4 个问题") on a last line of the same form;
    in ``lang`` (default: from LC_ALL/LANG) through the catalog."""
    from sharing.explain_text import lang_from_env, normalise_lang, translations

    catalog = translations(normalise_lang(lang) if lang else lang_from_env())
    for i in issues:
        try:
            message = catalog.gettext(i.template).format(**i.params)
        except (KeyError, IndexError, ValueError, AttributeError):
            message = i.message
        sys.stderr.write(f"{path}: {i.path}: {message}\n")
    count = len(issues)
    total = catalog.ngettext("%(num)d problem", "%(num)d problems", count) % {"num": count}
    sys.stderr.write(f"{path}: (contract): {total}\n")  # the FILE: PATH: MESSAGE form
    return EXIT_INVALID


def _load(path: str):
    """Read and validate a contract file. The file is read and parsed before the models are
    even imported, so a broken file is refused at once; validation needs no numpy."""
    from sharing.loader import read_file

    doc = read_file(path)
    from sharing.validate import parse_contract

    return parse_contract(doc)


def _is_case(path: str) -> bool:
    """A contract using §6 fields (enterprise_streams, amendments, collector) is a case."""
    from sharing.loader import read_file

    doc = read_file(path)
    return isinstance(doc, dict) and any(k in doc for k in ("enterprise_streams", "amendments",
                                                             "collector"))


def cmd_validate(args: argparse.Namespace) -> int:
    contract = _load(args.file)
    print(f"{args.file}: valid ({len(contract.parties)} parties, {len(contract.streams)} "
          f"streams, {len(contract.clauses)} clauses, {contract.years} years)")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    if args.register or args.actuals or _is_case(args.file):
        from sharing.operating.cli import cmd_run_case

        return cmd_run_case(args)
    from sharing.api import run_contract
    from sharing.explain_text import lang_from_env, localise, normalise_lang

    lang = normalise_lang(args.lang) if args.lang else lang_from_env()
    result = localise(run_contract(_load(args.file)), lang)
    if args.format == "json":
        text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    elif args.format == "csv":
        text = render_csv(result, lang)
    else:
        text = render_table(result, lang)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from schemas.contract import Contract

    print(json.dumps(Contract.model_json_schema(), ensure_ascii=False, indent=1))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sharing", description="Benefit-sharing contracts for "
                                "co-built industrial parks, exact to the fen.")
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a contract file and say exactly what is wrong")
    v.add_argument("file")
    v.add_argument("--lang", choices=["zh", "en"],
                   help="language of the messages (default: from LC_ALL/LANG)")
    v.set_defaults(func=cmd_validate)
    r = sub.add_parser("run", help="compute the year-by-year, party-by-party schedule")
    r.add_argument("file")
    r.add_argument("--format", choices=["table", "csv", "json"], default="table")
    r.add_argument("--output", "-o", help="write to this file instead of standard output")
    r.add_argument("--lang", choices=["zh", "en"],
                   help="language of the explanations (default: from LC_ALL/LANG)")
    r.add_argument("--register", help="enterprise register, CSV or XLSX (§6.1)")
    r.add_argument("--actuals", help="actual figures, CSV or XLSX, replacing the projection (§6.2)")
    r.set_defaults(func=cmd_run)
    s = sub.add_parser("schema", help="print the contract file's JSON Schema")
    s.set_defaults(func=cmd_schema)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is None or not name.startswith(e.name):
                raise
            continue
        module.register(sub)
    return p


#: Modules adding subcommands; each has ``register(subparsers)`` and sets ``func`` on its
#: parsers (a function taking the parsed args and returning the exit status). Keep their
#: imports light at module level: heavy libraries load inside the command's function.
COMMAND_MODULES = (
    "sharing.scenarios.cli",  # sweep, montecarlo, compare, explain, solve
    "sharing.audit.cli",  # presets, new, audit, check, verify, report, audit-log
    "sharing.operating.cli",  # settle (§6.4)
    "web.users_cli",  # users: the web app's users and API tokens
)


def main(argv: list[str] | None = None) -> int:
    # No pydantic plugins are used; skipping their discovery saves the cold start a scan of
    # every installed package's metadata.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = build_parser().parse_args(argv)
    from schemas.errors import InvalidContract

    try:
        return args.func(args)
    except InvalidContract as e:
        return _report_invalid(getattr(args, "file", "(contract)"), e.issues,
                               getattr(args, "lang", None))
    except KeyboardInterrupt:
        return 130
    except OSError as e:  # a path that cannot be read or written, a full disk: not a bug
        where = e.filename if e.filename is not None else getattr(args, "output", None)
        sys.stderr.write(f"{where or '(output)'}: cannot read or write the file: "
                         f"{e.strerror or e}; no result was written\n")
        return EXIT_INVALID
    except Exception as e:  # an internal error: say so, no traceback, exit 1
        sys.stderr.write(f"internal error ({type(e).__name__}): {e}\n"
                         "this is a bug in the engine, not in your contract; no result was "
                         "produced\n")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
