"""Auditor subcommands of ``sharing``: presets, new, audit, check, verify, report, audit-log.

Registered by :data:`sharing.cli.COMMAND_MODULES`. Only argparse is imported here; each
command imports what it needs when it runs, so ``sharing --help`` stays fast.

Exit status: 0 fine; 1 an audit scenario failed, a result differs, or the audit log was
tampered with; 2 an invalid contract (or unusable input: a missing file, an unknown preset).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _lang(args: argparse.Namespace) -> str:
    """--lang, else the locale environment (LC_ALL, LC_MESSAGES, LANG)."""
    from sharing.explain_text import lang_from_env, normalise_lang

    given = getattr(args, "lang", None)
    return normalise_lang(given) if given else lang_from_env()


def _identity(contract: Any, lang: str = "en") -> tuple[dict[str, Any], str]:
    from sharing import __version__
    from sharing.api import run_contract

    from .i18n import tr

    result = run_contract(contract)
    line = "\n".join((tr(lang, "contract sha256 %(hash)s", hash=result["contract_sha256"]),
                      tr(lang, "result sha256   %(hash)s", hash=result["result_sha256"]),
                      tr(lang, "engine          %(engine)s",
                         engine=f"benefit-sharing {__version__}")))
    return result, line


# ---- presets / new ---------------------------------------------------------------------------

def cmd_presets(args: argparse.Namespace) -> int:
    from .presets import list_presets

    presets = list_presets()
    if args.json:
        _out(json.dumps([p.as_dict() for p in presets], ensure_ascii=False, indent=1))
        return EXIT_OK
    width = max(len(p.name) for p in presets)
    for p in presets:
        _out(f"{p.name:<{width}}  {p.title_zh}\n{'':<{width}}  {p.title_en}")
    _out("\nsharing new --preset NAME FILE writes one to edit; its checks are in "
         "sharing/presets/NAME.feature")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .presets import write_preset

    try:
        out = write_preset(args.preset, args.dest, overwrite=args.force)
    except KeyError as e:
        sys.stderr.write(f"{e.args[0]}\n")
        return EXIT_INVALID
    except FileExistsError as e:
        sys.stderr.write(f"{e}\n")
        return EXIT_INVALID
    _out(f"wrote {out} from preset {args.preset}; edit it, then: sharing validate {out}")
    return EXIT_OK


# ---- audit ------------------------------------------------------------------------------------

def cmd_audit(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sharing.api import load_file

    from .i18n import tr
    from .runner import run_audit

    contract = load_file(args.file)
    texts = []
    for f in args.features:
        p = Path(f)
        if not p.exists():
            sys.stderr.write(tr(_lang(args), "no feature file %(file)s", file=f) + "\n")
            return EXIT_INVALID
        texts.append((p.name, p.read_text(encoding="utf-8")))
    report = run_audit(contract, texts)
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    _out(report.format(verbose=not args.quiet, lang=args.lang))
    return EXIT_OK if report.passed else EXIT_FAIL


# ---- check ------------------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    from sharing.api import load_file

    from .check import check_contract
    from .i18n import ntr, tr

    lang = _lang(args)
    contract = load_file(args.file)
    warnings = check_contract(contract)
    _, ident = _identity(contract, lang)
    if args.json:
        _out(json.dumps([w.as_dict(lang) for w in warnings], ensure_ascii=False, indent=1))
        return EXIT_FAIL if (warnings and args.strict) else EXIT_OK
    _out(ident)
    if not warnings:
        _out(tr(lang, "no warnings"))
    for w in warnings:
        if lang == "zh":  # names, not paths: the path is in --json
            _out(tr(lang, "warning: %(field)s (%(label)s)", field=w.field(lang),
                    label=w.label(lang)) + "\n  " + w.text(lang))
        else:
            _out(f"warning {w.path} [{w.kind}] ({w.field(lang)})\n  {w.text(lang)}")
    if warnings:
        _out(ntr(lang, "%(num)d warning", "%(num)d warnings", len(warnings)))
    return EXIT_FAIL if (warnings and args.strict) else EXIT_OK


# ---- verify -----------------------------------------------------------------------------------

def cmd_verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sharing.api import load_file

    from .i18n import tr
    from .verify import verify_result

    lang = _lang(args)
    from sharing.operating.verify import read_statement

    stored = read_statement(args.result)
    if stored is not None:  # a settlement statement (§6.4): recomputed from its inputs
        return _verify_statement(args, stored, lang)
    contract = load_file(args.file)
    was = load_file(args.contract_was) if args.contract_was else None
    try:
        raw = Path(args.result).read_bytes()
        outcome = verify_result(raw, contract, was, limit=args.limit)
    except FileNotFoundError:
        sys.stderr.write(tr(lang, "no result file %(file)s", file=args.result) + "\n")
        return EXIT_INVALID
    except (ValueError, UnicodeDecodeError) as e:
        sys.stderr.write((tr(lang, "%(file)s is not a result JSON document: %(why)s",
                             file=args.result, why=e) if lang == "en" else
                          tr(lang, "%(file)s is not a result JSON document",
                             file=args.result)) + "\n")
        return EXIT_INVALID
    _out(outcome.format(lang))
    return EXIT_OK if outcome.identical and outcome.stored_hash_ok else EXIT_FAIL


def _verify_statement(args: argparse.Namespace, stored: dict[str, Any], lang: str) -> int:
    """``sharing verify STATEMENT.json CONTRACT [--register …]``: 0 verifies, 1 differs,
    2 an input cannot be used (sharing.operating.verify)."""
    from sharing.operating.errors import InputFilesInvalid, translate
    from sharing.operating.verify import verify_statement

    try:
        check = verify_statement(stored, args.file, register=args.register,
                                 actuals=args.actuals, transfers=args.transfers,
                                 previous=args.previous, lang=lang)
    except InputFilesInvalid as e:
        for line in e.lines(lang):
            sys.stderr.write(line + "\n")
        return EXIT_INVALID
    except ValueError:
        sys.stderr.write(translate("{file} is not a settlement statement: it names no year "
                                   "settled", lang).format(file=args.result) + "\n")
        return EXIT_INVALID
    _out("\n".join(check.lines(lang)))
    return EXIT_OK if check.verifies else EXIT_FAIL


# ---- report -----------------------------------------------------------------------------------

def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sharing.api import load_file
    from sharing.report import FontMissing, render_pdf

    from .i18n import N_, tr

    lang = _lang(args)
    contract = load_file(args.file)
    result, ident = _identity(contract, lang)
    try:
        pdf = render_pdf(contract, result, lang=lang, report_date=args.date)
    except FontMissing as e:
        sys.stderr.write(f"{e}\n")
        return EXIT_FAIL
    Path(args.pdf).write_bytes(pdf)
    _out(tr(lang, "wrote %(file)s (%(size)s bytes, %(language)s)", file=args.pdf,
            size=f"{len(pdf):,}", language=tr(lang, N_("in Chinese") if lang == "zh" else N_("in English")))
         + "\n" + ident)
    return EXIT_OK


# ---- audit-log --------------------------------------------------------------------------------

def _log_engine(args: argparse.Namespace) -> Any:
    """The engine for --database, attached to its key and witness (--audit-dir, --witness);
    None (and a message) when the SQLite file does not exist."""
    from . import log
    from .i18n import tr

    url = args.database or log.default_database_url()
    if url.startswith("sqlite:///"):
        from pathlib import Path

        path = Path(url[len("sqlite:///"):])
        if not path.exists():
            sys.stderr.write(tr(_lang(args), "no audit log database at %(path)s (start the web "
                                "app once, or give --database URL)", path=path) + "\n")
            return None
    engine = log.engine_for(url)
    if getattr(args, "log_command", None) != "show":
        log.attach(engine, folder=args.audit_dir, witness=args.witness,
                   create=args.log_command != "verify")
    return engine


def _refused(e: Any, lang: str) -> str:
    """A refusal (sharing.audit.log.LogRefused) in ``lang``: why, then the check."""
    from .i18n import tr

    return (tr(lang, "the audit log does not verify against its witness; nothing is appended "
               "until it is resolved (docs/audit.md):") + "\n" + e.check.format(lang))


def cmd_log_verify(args: argparse.Namespace) -> int:
    from . import log
    from .i18n import tr
    from .logkey import Checkpoint

    lang = _lang(args)
    cp = None
    if args.checkpoint:
        try:
            with open(args.checkpoint, "rb") as f:
                cp = Checkpoint.parse(f.read())
        except (OSError, ValueError) as e:
            sys.stderr.write(tr(lang, "%(file)s is not a checkpoint that can be read: %(why)s",
                                file=args.checkpoint, why=e) + "\n" if lang == "en" else
                             tr(lang, "%(file)s is not a checkpoint that can be read",
                                file=args.checkpoint) + "\n")
            return EXIT_INVALID
    engine = _log_engine(args)
    if engine is None:
        return EXIT_INVALID
    try:
        check = log.verify(engine, expect_head=args.expect_head, checkpoint=cp)
    finally:
        engine.dispose()
    _out(tr(lang, "database %(url)s", url=engine.url.render_as_string(hide_password=True)))
    _out(check.format(lang))
    return EXIT_OK if check.ok else EXIT_FAIL


def cmd_log_checkpoint(args: argparse.Namespace) -> int:
    from . import log
    from .i18n import tr

    lang = _lang(args)
    engine = _log_engine(args)
    if engine is None:
        return EXIT_INVALID
    try:
        cp = log.checkpoint(engine)
    except log.LogRefused as e:
        sys.stderr.write(_refused(e, lang))
        return EXIT_FAIL
    finally:
        engine.dispose()
    if args.out:
        with open(args.out, "w") as f:
            f.write(cp.to_json())
        _out(tr(lang, "wrote the checkpoint to %(file)s: %(rows)s rows, head %(head)s",
                file=args.out, rows=cp.rows, head=cp.head))
    else:
        _out(cp.to_json().rstrip("\n"))
    return EXIT_OK


def _row_line(r: dict[str, Any], lang: str) -> str:
    from . import log
    from .i18n import tr

    return tr(lang, "row %(id)s: %(action)s; %(detail)s", id=r["id"],
              action=_action(r["action"], lang), detail=log.detail_text(r["detail"], lang))


def _action(code: str, lang: str) -> str:
    """An action in words; in English also its code (key_rotated), which scripts read."""
    from . import log

    text = log.action_text(code, lang)
    return f"{text} [{code}]" if lang == "en" and text != code else text


def cmd_log_admin(args: argparse.Namespace) -> int:
    """migrate, rewitness, rotate-key: each appends a row saying what was done."""
    from . import log
    from .i18n import tr

    lang = _lang(args)
    engine = _log_engine(args)
    if engine is None:
        return EXIT_INVALID
    try:
        if args.log_command == "migrate":
            row = log.migrate(engine)
        elif args.log_command == "rewitness":
            row = log.rewitness(engine, args.reason)
        else:
            row = log.rotate_key(engine)
    except log.LogRefused as e:
        sys.stderr.write(_refused(e, lang))
        return EXIT_FAIL
    except ValueError as e:
        sys.stderr.write(tr(lang, str(e)) + "\n")
        return EXIT_FAIL
    finally:
        engine.dispose()
    _out(_row_line(row, lang))
    return EXIT_OK


def cmd_log_show(args: argparse.Namespace) -> int:
    from . import log
    from .i18n import tr

    lang = _lang(args)
    engine = log.engine_for(args.database)
    try:
        log.ensure_schema(engine)
        for r in log.rows(engine, limit=args.limit):
            _out(tr(lang, "%(id)6s  %(at)s  %(action)s  contract %(contract)s  result "
                    "%(result)s  %(detail)s", id=r["id"], at=r["at"],
                    action=_action(r["action"], lang), contract=r["contract_sha256"] or "-", result=r["result_sha256"] or "-",
                    detail=log.detail_text(r["detail"], lang)))
    finally:
        engine.dispose()
    return EXIT_OK


def _lang_option(p: Any) -> None:
    p.add_argument("--lang", choices=["zh", "en"], help="language of every line printed "
                   "(default: from LC_ALL/LC_MESSAGES/LANG)")


def register(sub: Any) -> None:
    p = sub.add_parser("presets", help="list the preset contracts of documented arrangements")
    p.add_argument("--json", action="store_true", help="print them as JSON")
    p.set_defaults(func=cmd_presets)

    p = sub.add_parser("new", help="write a preset contract to a file, to edit")
    p.add_argument("--preset", required=True, help="a name from `sharing presets`")
    p.add_argument("dest", metavar="FILE")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("audit", help="run auditor-written .feature files against a contract "
                       "(steps: docs/audit-steps.md)")
    p.add_argument("file", metavar="CONTRACT")
    p.add_argument("features", metavar="FEATURES", nargs="+")
    p.add_argument("--json", metavar="OUT", help="also write the report as JSON to OUT")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="show only the checked steps, not every step")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the report (default: "
                   "the feature files' own language)")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("check", help="list what is legal but probably unintended, with field "
                       "paths")
    p.add_argument("file", metavar="CONTRACT")
    _lang_option(p)
    p.add_argument("--json", action="store_true", help="print the warnings as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when there is a warning")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("verify", help="recompute a result and confirm it is byte-identical, or "
                       "show the first difference; recompute a settlement statement from its "
                       "inputs and name the input that differs")
    p.add_argument("result", metavar="RESULT.json", help="a result, or a settlement statement "
                   "(sharing settle --format json)")
    p.add_argument("file", metavar="CONTRACT")
    p.add_argument("--contract-was", metavar="FILE", help="the contract the result was computed "
                   "from: list every contract field that differs")
    p.add_argument("--limit", type=int, default=20, help="differences to list (the count of "
                   "all is always given; default 20)")
    for flag, what in (("--register", "enterprise register, CSV or XLSX"),
                       ("--actuals", "actual figures, CSV or XLSX"),
                       ("--transfers", "transfers made, CSV or XLSX"),
                       ("--previous", "the previous statement (JSON)")):
        p.add_argument(flag, metavar="FILE", help=f"a settlement statement's input: {what} "
                       "(§6.5)")
    _lang_option(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("report", help="write the PDF report of a contract")
    p.add_argument("file", metavar="CONTRACT")
    p.add_argument("--pdf", required=True, metavar="OUT")
    _lang_option(p)
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the report date printed on it "
                   "(default today, UTC; not part of any hash)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("audit-log", help="the hash-chained audit log of the web app")
    logsub = p.add_subparsers(dest="log_command", required=True)
    v = logsub.add_parser("verify", help="detect edited, deleted, reordered, re-chained, "
                          "forged, truncated rows, an emptied log, missing triggers")
    v.add_argument("--expect-head", metavar="HASH", help="a head hash noted earlier: it must "
                   "still be in the log")
    v.add_argument("--checkpoint", metavar="FILE", help="a checkpoint kept earlier (from "
                   "`audit-log checkpoint` or the /audit page); default: the witness")
    v.set_defaults(func=cmd_log_verify)
    c = logsub.add_parser("checkpoint", help="print (or --out FILE) the signed head, to keep")
    c.add_argument("--out", metavar="FILE")
    c.set_defaults(func=cmd_log_checkpoint)
    m = logsub.add_parser("migrate", help="adopt a log written before the key")
    m.set_defaults(func=cmd_log_admin)
    r = logsub.add_parser("rewitness", help="write a new witness at the current head, after a "
                          "refusal was resolved (every row must check)")
    r.add_argument("--reason", required=True, help="why (recorded in the log)")
    r.set_defaults(func=cmd_log_admin)
    k = logsub.add_parser("rotate-key", help="sign new rows with a new key")
    k.set_defaults(func=cmd_log_admin)
    for sp in (v, c, m, r, k):
        sp.add_argument("--database", metavar="URL", help="SQLAlchemy URL (default: "
                        "$DATABASE_URL, else the web app's instance/sharing.sqlite3)")
        sp.add_argument("--audit-dir", metavar="DIR", help="where the key and the witness are "
                        "(default: $SHARING_AUDIT_DIR, else beside the SQLite file, else the "
                        "instance folder)")
        sp.add_argument("--witness", metavar="FILE", help="the witness file (default: "
                        "<audit dir>/<database>.audit-witness.json)")
    s = logsub.add_parser("show", help="print the newest rows")
    s.add_argument("--database", metavar="URL")
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(func=cmd_log_show)
    for sp in (v, c, m, r, k, s):
        _lang_option(sp)
