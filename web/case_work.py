"""The work of a case in the web app: checking uploads and combining what a case keeps into
the inputs of ``sharing.operating.pipeline`` (semantics §6.0–6.5).

How a case's files combine (docs/operating.md, "In the web app"):

- **contract**: the newest accepted contract document is in force (it carries every
  amendment); the earlier ones are kept as its history;
- **register**: the newest accepted register;
- **actuals**: every accepted actuals file is kept; for each (stream, year) the newest file
  that has it wins (a corrected figure replaces the earlier one); the case's actuals are the
  union. They are given to the pipeline as one table of canonical rows, so the §6.2 checks
  (every money stream in every year settled) run on the union; settling year Y uses the
  figures of the years up to Y (a figure for a later year waits for its settlement);
- **transfers**: every transfer recorded, by the form or from a file, counts once.

Nothing here stores; the views store only what was accepted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sharing.amounts import format_yuan
from sharing.loader import read_bytes
from sharing.operating.case import Case, load_case
from sharing.operating.errors import InputFilesInvalid, translate
from sharing.operating.identity import sha256
from sharing.operating.pipeline import Upload, case_document, read_inputs, statement
from sharing.operating.readers import decimals, parse_date, parse_number, parse_year

from .case_storage import CaseFile, StoredTransfer

#: How the union of the accepted files is named in an error (msgids of the catalog).
ACTUALS_COMBINED = "actual figures"
TRANSFERS_COMBINED = "transfers"


def read_contract(data: bytes, filename: str) -> tuple[dict[str, Any], Case]:
    """An uploaded case contract (YAML/JSON), checked as a case (§6.3); InvalidContract."""
    doc = read_bytes(data, filename if filename.lower().endswith((".json", ".yaml", ".yml"))
                     else filename + ".yaml")
    return doc, load_case(doc)


def contract_sha(doc: dict[str, Any]) -> str:
    """The contract's hash as §6.5 identity gives it."""
    return sha256(doc)


def newest(files: list[CaseFile], kind: str) -> CaseFile | None:
    found = [f for f in files if f.kind == kind]
    return found[-1] if found else None


def register_upload(files: list[CaseFile]) -> Upload | None:
    reg = newest(files, "register")
    return Upload(reg.filename, reg.data or b"") if reg is not None else None


def check_register(doc: dict[str, Any], name: str, data: bytes) -> list[dict[str, Any]]:
    """The register's canonical rows; InputFilesInvalid with every error (§6.1)."""
    inputs = read_inputs(doc, register=Upload(name, data))
    return inputs.canonical["register"]


def check_actuals(doc: dict[str, Any], files: list[CaseFile], name: str,
                  data: bytes) -> list[dict[str, Any]]:
    """One actuals file checked against the case's register (§6.2), its canonical rows."""
    inputs = read_inputs(doc, register=register_upload(files), actuals=Upload(name, data))
    return inputs.canonical["actuals"]


def check_transfers(doc: dict[str, Any], files: list[CaseFile], name: str,
                    data: bytes) -> list[dict[str, Any]]:
    """One transfers file checked (§6.4), its canonical rows."""
    inputs = read_inputs(doc, register=register_upload(files), transfers=Upload(name, data))
    return inputs.canonical["transfers"]


def combined_actuals(files: list[CaseFile]) -> dict[tuple[str, int], tuple[int, str]]:
    """(stream, year) -> (fen, file name): the newest accepted file having it wins."""
    out: dict[tuple[str, int], tuple[int, str]] = {}
    for f in files:
        if f.kind == "actuals":
            for r in f.rows or []:
                out[(r["stream"], int(r["year"]))] = (int(r["amount"]), f.filename)
    return out


def actuals_table(files: list[CaseFile], through: int | None = None,
                  lang: str = "en") -> Upload | None:
    """The union of the case's actuals as one CSV of canonical rows (amounts in yuan); with
    ``through`` only the years up to the year settled (later figures are kept for later)."""
    union = {k: v for k, v in combined_actuals(files).items()
             if through is None or k[1] <= through}
    if not union:
        return None
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["stream", "year", "amount"])
    for (stream, year), (fen, _name) in sorted(union.items()):
        w.writerow([stream, year, format_yuan(fen)])
    return Upload(translate(ACTUALS_COMBINED, lang), buf.getvalue().encode("utf-8"))


def transfers_table(transfers: list[StoredTransfer], lang: str = "en") -> Upload | None:
    if not transfers:
        return None
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["date", "from", "to", "amount", "year", "reference"])
    for t in transfers:
        w.writerow([t.date, t.payer, t.payee, format_yuan(t.amount_fen), t.year, t.reference])
    return Upload(translate(TRANSFERS_COMBINED, lang), buf.getvalue().encode("utf-8"))


def case_result(doc: dict[str, Any], files: list[CaseFile], lang: str = "en") -> dict[str, Any]:
    """The case's result on its register and its actuals (no settlement); InputFilesInvalid."""
    inputs = read_inputs(doc, register=register_upload(files),
                         actuals=actuals_table(files, lang=lang))
    return case_document(inputs)[0]


def settle(doc: dict[str, Any], files: list[CaseFile], transfers: list[StoredTransfer],
           year: int, previous: dict[str, Any] | None, lang: str = "en") -> dict[str, Any]:
    """The statement (结算单) of calendar year ``year`` (§6.4); InputFilesInvalid."""
    inputs = read_inputs(doc, register=register_upload(files),
                         actuals=actuals_table(files, year, lang),
                         transfers=transfers_table(transfers, lang), previous=previous,
                         through=year)
    return statement(inputs, year)


def previous_statement(stored: list[Any], year: int) -> dict[str, Any] | None:
    """The newest stored statement of the latest year before ``year`` (its ``--previous``)."""
    earlier = [s for s in stored if s.year < year]
    if not earlier:
        return None
    best = max(s.year for s in earlier)
    return [s for s in earlier if s.year == best][-1].statement


# ---- the transfer form -------------------------------------------------------------------

TRANSFER_FIELDS = ("date", "from", "to", "amount", "year", "reference")


@dataclass
class TransferForm:
    values: dict[str, str]
    errors: dict[str, str]
    transfer: dict[str, Any] | None


def check_transfer_form(case: Case, form: Any, lang: str) -> TransferForm:
    """The form's transfer (§6.4 transfers file rules), each mistake next to its field."""
    v = {k: (form.get(k) or "").strip() for k in TRANSFER_FIELDS}
    err: dict[str, str] = {}

    def say(field: str, template: str, **params: Any) -> None:
        err[field] = translate(template, lang).format(**{k: str(p) for k, p in params.items()})

    date = parse_date(v["date"])
    if date is None:
        say("date", "{value} is not a date (YYYY-MM-DD)", value=v["date"])
    parties = {}
    for key in ("from", "to"):
        p = case.party(v[key])
        if p is None:
            say(key, "{value} is not a party of the contract (its id or its exact name)",
                value=v[key])
        parties[key] = p
    if parties["from"] is not None and parties["from"] == parties["to"]:
        say("to", "a transfer is between two different parties; {value} pays itself",
            value=v["to"])
    amount = parse_number(v["amount"])
    fen = None
    if amount is None:
        say("amount", "{value} is not a number (plain digits, an optional leading -, a decimal "
            "point and thousands separators only)", value=v["amount"])
    elif decimals(amount) > 2:
        say("amount", "{value} has more than {n} decimals", value=v["amount"], n=2)
    elif amount <= 0:
        say("amount", "{value}: a transfer is more than 0 (the payer is in from)",
            value=v["amount"])
    else:
        fen = int(amount * 100)
    year = parse_year(v["year"])
    c = case.base
    if year is None:
        say("year", "{value} is not a year (four digits, e.g. 2023)", value=v["year"])
    elif not c.start_year <= year <= c.calendar(c.years):
        say("year", "{value} lies outside the contract's years {first}-{last}", value=year,
            first=c.start_year, last=c.calendar(c.years))
    if err:
        return TransferForm(v, err, None)
    t = {"date": date, "from": parties["from"], "to": parties["to"], "amount": fen,
         "year": year}
    if v["reference"]:
        t["reference"] = v["reference"][:200]
    return TransferForm(v, err, t)


def error_lines(e: InputFilesInvalid, lang: str) -> list[dict[str, str]]:
    """Every error with its file, row and column, and the sentence in ``lang`` (§6.0)."""
    return [{"file": x.file, "row": "-" if x.row is None else str(x.row),
             "column": "-" if x.column is None else x.column, "header": x.header or "",
             "text": x.render(lang)} for x in e.errors]
