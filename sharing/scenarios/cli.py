"""Subcommands of the negotiation tools: sweep, montecarlo, compare, explain, solve.

Registered by :mod:`sharing.cli` (``COMMAND_MODULES``). Only argparse is imported here:
numpy, sympy and dask load inside the commands, so ``sharing --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_INVALID = 0, 2


def _write(args: argparse.Namespace, text: str) -> None:
    if getattr(args, "output", None):
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


def _exact(value: object) -> object:
    """Exact numbers (Decimal, Fraction) of a document as their exact text."""
    from decimal import Decimal
    from fractions import Fraction

    from schemas.numbers import exact_text

    if isinstance(value, (Decimal, Fraction)):
        return exact_text(Fraction(value))
    raise TypeError(f"{type(value).__name__} is not JSON")


def _json(doc: object) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, default=_exact) + "\n"


def _usage_error(args: argparse.Namespace, message: str) -> int:
    sys.stderr.write(f"{getattr(args, 'file', 'sharing')}: {message}\n")
    return EXIT_INVALID


def _engine_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="where to compute: this process (default) or a dask.distributed "
                   "cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="the dask scheduler's address, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--chunk", type=int, default=None, metavar="N",
                   help="scenarios per chunk (memory bound; default 16,384)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on standard error (default: on a terminal, for long "
                   "runs)")


def _run(args: argparse.Namespace, plan, keep_years: bool):
    from .progress import Progress
    from .runner import CHUNK, run_plan

    if args.engine == "dask" and not args.scheduler:
        raise _Usage("--engine dask needs --scheduler ADDRESS")
    chunk = args.chunk or CHUNK
    if chunk < 1:
        raise _Usage("--chunk must be at least 1")
    bar = Progress(plan.total, enabled=args.progress)
    try:
        return run_plan(plan, keep_years=keep_years, chunk=chunk, progress=bar,
                        engine=args.engine, scheduler=args.scheduler)
    finally:
        bar.close()


class _Usage(Exception):
    pass


def _one_scenario(args: argparse.Namespace, plan) -> int:
    """``--scenario K``: scenario K's contract, or its result computed alone."""
    from sharing.api import parse_contract, run_contract
    from sharing.cli import render_table

    from .paths import PathError

    try:
        doc = plan.document(args.scenario)
    except (IndexError, PathError) as e:
        return _usage_error(args, str(e))
    if args.show == "contract":
        _write(args, _json(doc))
        return EXIT_OK
    from schemas.errors import InvalidContract

    try:
        result = run_contract(parse_contract(doc))
    except InvalidContract as e:
        for i in e.issues:
            sys.stderr.write(f"{args.file}: scenario {args.scenario}: {i}\n")
        return EXIT_INVALID
    _write(args, _json(result) if args.format == "json" else render_table(result))
    return EXIT_OK


def cmd_sweep(args: argparse.Namespace) -> int:
    from .plan import load_plan
    from .report import render_sweep, render_sweep_csv, sweep_document

    plan = load_plan(args.file)
    if plan.draws:
        plan = load_plan(args.file, n=1)  # a sweep is the grid alone, at draw 0
    if args.scenario is not None:
        return _one_scenario(args, plan)
    try:
        results = _run(args, plan, keep_years=args.years)
    except _Usage as e:
        return _usage_error(args, str(e))
    if args.format == "json":
        _write(args, _json(sweep_document(results, plan, args.years)))
    elif args.format == "csv":
        _write(args, render_sweep_csv(results, plan, args.years))
    else:
        _write(args, render_sweep(results, plan))
    return EXIT_OK


def cmd_montecarlo(args: argparse.Namespace) -> int:
    from .plan import load_plan
    from .report import mc_document, render_mc

    if args.n is not None and args.n < 1:
        return _usage_error(args, "--n must be at least 1")
    plan = load_plan(args.file, n=args.n, seed=args.seed)
    if not plan.draws:
        return _usage_error(args, "a Monte Carlo run needs draws: in the scenario file")
    if args.scenario is not None:
        return _one_scenario(args, plan)
    try:
        results = _run(args, plan, keep_years=False)
    except _Usage as e:
        return _usage_error(args, str(e))
    if args.format == "json":
        _write(args, _json(mc_document(results, plan)))
    else:
        _write(args, render_mc(results, plan))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from schemas.errors import InvalidContract
    from sharing.api import load_file

    from .compare import as_json, compare, render

    contracts = []
    bad = False
    for path in args.files:
        try:
            contracts.append((path, load_file(path)))
        except InvalidContract as e:
            bad = True
            for i in e.issues:
                sys.stderr.write(f"{path}: {i}\n")
    if bad:
        return EXIT_INVALID
    data = compare(contracts)
    _write(args, _json(as_json(data)) if args.format == "json" else render(data))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from .explain import explain_file, render

    try:
        out = explain_file(args.file, party=args.party, params=args.params,
                           balance=args.balance)
    except ValueError as e:
        return _usage_error(args, str(e))
    _write(args, _json(out) if args.format == "json" else render(out, args.format))
    return EXIT_OK


def cmd_solve(args: argparse.Namespace) -> int:
    from .solve import render, solve_file

    try:
        out = solve_file(args.file, find=args.find, target=args.target,
                         low=args.low, high=args.high, balance=args.balance)
    except ValueError as e:
        return _usage_error(args, str(e))
    _write(args, _json(out) if args.format == "json" else render(out))
    return EXIT_OK if out["feasible"] else 3


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("sweep", help="every combination of the values a scenario file varies",
                       description="Run every grid point of a scenario file's vary: axes; "
                       "one row per scenario with each party's net total and NPV.")
    s.add_argument("file", help="scenario file (YAML or JSON)")
    s.add_argument("--format", choices=["table", "csv", "json"], default="table")
    s.add_argument("--years", action="store_true", help="include net cash flow by year "
                   "(csv, json)")
    s.add_argument("--scenario", type=int, metavar="K", help="show scenario K alone")
    s.add_argument("--show", choices=["result", "contract"], default="result",
                   help="with --scenario: its result (default) or its contract document")
    s.add_argument("--output", "-o", help="write to this file instead of standard output")
    _engine_args(s)
    s.set_defaults(func=cmd_sweep)

    m = sub.add_parser("montecarlo", help="percentiles and probabilities over drawn scenarios",
                       description="Draw n scenarios (draws: in the scenario file) and report "
                       "percentiles of each party's NPV and net total, and the probability "
                       "of a cap being reached, a guarantee called, the pool running dry and "
                       "an exit triggered. The same seed gives the same result, exactly.")
    m.add_argument("file", help="scenario file (YAML or JSON) with draws:")
    m.add_argument("--seed", type=int, help="seed (default: the file's)")
    m.add_argument("--n", type=int, help="scenarios per grid point (default: the file's)")
    m.add_argument("--format", choices=["table", "json"], default="table")
    m.add_argument("--scenario", type=int, metavar="K", help="show scenario K alone")
    m.add_argument("--show", choices=["result", "contract"], default="result")
    m.add_argument("--output", "-o", help="write to this file instead of standard output")
    _engine_args(m)
    m.set_defaults(func=cmd_montecarlo)

    c = sub.add_parser("compare", help="contracts side by side, per party and year",
                       description="Each party's net cash flow by year, total and NPV under "
                       "each contract, with the difference from the first.")
    c.add_argument("files", nargs="+", metavar="FILE", help="two or more contract files")
    c.add_argument("--format", choices=["table", "json"], default="table")
    c.add_argument("--output", "-o")
    c.set_defaults(func=cmd_compare)

    e = sub.add_parser("explain", help="net totals and NPVs as formulas of named parameters",
                       description="Each party's net total and NPV as an expression of the "
                       "named parameters (paths), in plain text and LaTeX, with the value at "
                       "the contract's own figures, which equals the ledger to the fen.")
    e.add_argument("file", help="contract file")
    e.add_argument("--party", help="only this party")
    e.add_argument("--params", default="", metavar="P1,P2",
                   help="parameter paths, comma-separated, e.g. "
                   "clauses.split.schedule[0].shares.beijing,streams.vat.growth")
    e.add_argument("--balance", metavar="PARTY", help="for a share in a map of three or more "
                   "parties: the party that takes the difference")
    e.add_argument("--format", choices=["text", "latex", "json"], default="text")
    e.add_argument("--output", "-o")
    e.set_defaults(func=cmd_explain)

    v = sub.add_parser("solve", help="find a parameter value that meets a target",
                       description="Find the value of one parameter (--find PATH) that meets "
                       "a target: npv(a) = npv(b); npv(a)/npv(b) = equity(a)/equity(b); "
                       "npv(a) = 12000000; nash(a=d1, b=d2) for the Nash bargaining solution "
                       "with disagreement payoffs d1, d2. The answer is re-run through the "
                       "engine and checked. Exit status 3 when the target cannot be met.")
    v.add_argument("file", help="contract file")
    v.add_argument("--find", required=True, metavar="PATH", help="the parameter to solve for")
    v.add_argument("--target", required=True, help="the target (see above)")
    v.add_argument("--low", help="lowest value to consider (default: the field's range)")
    v.add_argument("--high", help="highest value to consider")
    v.add_argument("--balance", metavar="PARTY", help="for a share in a map of three or more "
                   "parties: the party that takes the difference")
    v.add_argument("--format", choices=["text", "json"], default="text")
    v.add_argument("--output", "-o")
    v.set_defaults(func=cmd_solve)
