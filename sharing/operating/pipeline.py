"""From files to a case result or a statement: read everything, report every error at once,
compute nothing from a file with errors (semantics §6.0)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..loader import read_file
from ..result import ENGINE_NAME
from .actuals import read_actuals
from .case import Case, load_case
from .compute import CaseResult, compute_case, result_document
from .enterprise import Enterprise
from .errors import NO_CELL, FileErrors, InputFilesInvalid
from .identity import identity
from .register import read_register
from .settle import PreviousStatementInvalid, plan_against_actual, settlement
from .transfers import Transfer, read_transfers


@dataclass(frozen=True)
class Upload:
    """An input file given as bytes (the web app's uploads), shown under ``name``."""

    name: str
    data: bytes


Source = str | Upload


def _src(value: Source) -> tuple[str, bytes | None, str | None]:
    """(path, data, display) for the readers: a path is read by them, an Upload is not."""
    if isinstance(value, Upload):
        return value.name, value.data, value.name
    return value, None, None


@dataclass
class Inputs:
    case: Case
    register: list[Enterprise]
    actuals: dict[tuple[str, int], int]
    transfers: list[Transfer]
    previous: dict[str, Any] | None
    canonical: dict[str, Any]


def read_inputs(contract: str | dict[str, Any], *, register: Source | None = None,
                actuals: Source | None = None, transfers: Source | None = None,
                previous: str | dict[str, Any] | None = None,
                through: int | None = None) -> Inputs:
    """Every input read and checked; InputFilesInvalid lists all errors of all files.

    Paths, or (the web app) the contract as a read document, the files as :class:`Upload`
    and the previous statement as its JSON object."""
    case = load_case(contract if isinstance(contract, dict) else read_file(contract))
    contract = contract if isinstance(contract, str) else "contract"
    errors: list = []
    ents: list[Enterprise] = []
    canonical: dict[str, Any] = {}
    register_ok = True
    if register is not None:
        ents, rows, errs = read_register(case, *_src(register))
        errors += errs.items
        register_ok = not errs
        canonical["register"] = rows
    elif case.templates:
        errs = FileErrors(contract)
        errs.add(None, NO_CELL, "the contract has enterprise_streams: give the register "
                 "(--register FILE)")
        errors += errs.items
    values: dict[tuple[str, int], int] = {}
    if actuals is not None:
        path, data, display = _src(actuals)
        values, rows, errs = read_actuals(case, ents if register_ok else None, path, through,
                                          data, display)
        errors += errs.items
        canonical["actuals"] = rows
    elif through is not None:
        errs = FileErrors(contract)
        errs.add(None, NO_CELL, "a settlement needs the actual figures (--actuals FILE)")
        errors += errs.items
    trs: list[Transfer] = []
    if transfers is not None:
        trs, rows, errs = read_transfers(case, *_src(transfers))
        errors += errs.items
        canonical["transfers"] = rows
    prev = None
    if isinstance(previous, dict):
        prev = previous
        canonical["previous"] = prev
    elif previous is not None:
        errs = FileErrors(previous)
        try:
            with open(previous, encoding="utf-8") as f:
                prev = json.load(f)
        except (OSError, ValueError) as e:
            errs.add(None, NO_CELL, "cannot read the previous statement: {reason}", reason=e)
        errors += errs.items
        canonical["previous"] = prev
    if through is not None and not case.start_year <= through <= case.base.calendar(case.years):
        errs = FileErrors(contract)
        errs.add(None, NO_CELL, "the year settled, {year}, lies outside the contract's years "
                 "{first}-{last}", year=through, first=case.start_year,
                 last=case.base.calendar(case.years))
        errors += errs.items
    if errors:
        raise InputFilesInvalid(errors)
    return Inputs(case, ents, values, trs, prev, canonical)


def case_document(inputs: Inputs) -> tuple[dict[str, Any], CaseResult]:
    result = compute_case(inputs.case, inputs.register, inputs.actuals)
    doc = result_document(result)
    doc["identity"] = identity(inputs.case.raw, **{k: v for k, v in inputs.canonical.items()})
    return doc, result


def statement(inputs: Inputs, year: int) -> dict[str, Any]:
    """The settlement statement (结算单) of calendar year ``year`` (§6.4)."""
    doc, result = case_document(inputs)
    plan = compute_case(inputs.case, inputs.register, {}, as_signed=True)
    try:
        doc["settlement"] = settlement(result, plan, year, inputs.transfers, inputs.previous)
    except PreviousStatementInvalid as e:
        errs = FileErrors("previous statement")
        errs.add(None, NO_CELL, "{reason}", reason=e)
        raise InputFilesInvalid(errs.items) from None
    doc["plan_against_actual"] = plan_against_actual(result, plan, year)
    doc["stream_names"] = stream_names(inputs, doc)
    doc["engine"] = {"name": ENGINE_NAME, "version": __version__}
    return doc


def stream_names(inputs: Inputs, doc: dict[str, Any]) -> dict[str, str]:
    """Each stream of the statement by its display name: a contract stream's ``name``, an
    enterprise's ``E/S`` as "enterprise name · template name" (§6.0; ids where no name)."""
    plain = {s.get("id"): s.get("name") or s.get("id")
             for s in inputs.case.doc.get("streams") or [] if isinstance(s, dict)}
    templates = {t.id: t.name or t.id for t in inputs.case.templates}
    firms = {e.code: e.name or e.code for e in inputs.register}
    out = {}
    for sid in doc.get("streams", {}):
        if sid in plain:
            out[sid] = plain[sid]
        elif "/" in sid:
            code, _, tid = sid.partition("/")
            out[sid] = f"{firms.get(code, code)} · {templates.get(tid, tid)}"
        else:
            out[sid] = sid
    return out
