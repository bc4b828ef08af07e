"""The settlement statement's labels and names, for its XLSX and PDF (semantics §6.4, §6.5).

Every label is an English message id passed literally to :func:`translate`, so
``web.i18n_tools`` extracts it into the one zh catalog. Parties, streams and enterprises are
shown by their names (an id only where the file gives no name).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .errors import translate


def labels(lang: str) -> dict[str, str]:
    """The statement's labels in ``lang`` ("zh" or "en")."""
    return {
        "statement": translate("Settlement statement for {year}", lang),
        "collector": translate("collector: {name}", lang),
        "case": translate("case", lang),
        "versions": translate("versions in force by year: {versions}", lang),
        "a": translate("party listed first", lang),
        "b": translate("party listed second", lang),
        "payer": translate("payer", lang),
        "payee": translate("payee", lang),
        "amount_due": translate("amount due (yuan)", lang),
        "amount": translate("amount (yuan)", lang),
        "entitlement": translate("this year's entitlement", lang),
        "cumulative_entitlement": translate("cumulative entitlement", lang),
        "cumulative_transfers": translate("cumulative transfers", lang),
        "balance_due": translate("balance due", lang),
        "adjustment": translate("adjustment against the previous statement", lang),
        "advance_payments": translate("paid in advance (not counted)", lang),
        "plan_cumulative": translate("plan: cumulative entitlement", lang),
        "sign_note": translate("A positive figure: the party listed first owes the other; "
                               "a negative one: the other owes it. Amounts in yuan.", lang),
        "pays": translate("{payer} pays {payee} {amount} yuan", lang),
        "nothing": translate("nothing is due", lang),
        "year": translate("year", lang),
        "plan": translate("plan", lang),
        "actual": translate("actual", lang),
        "difference": translate("actual less plan", lang),
        "what": translate("figure", lang),
        "name": translate("name", lang),
        "party": translate("party", lang),
        "stream": translate("stream", lang),
        "enterprise": translate("enterprise", lang),
        "position": translate("settled position", lang),
        "shareable": translate("shareable amount", lang),
        "input": translate("input", lang),
        "hash": translate("SHA-256", lang),
        "engine": translate("engine", lang),
        "identity": translate("identity (SHA-256)", lang),
        "sheet_pairs": translate("Statement", lang),
        "sheet_years": translate("Entitlement by year", lang),
        "sheet_plan": translate("Plan against actual", lang),
        "sheet_hashes": translate("Inputs' hashes", lang),
        "pairs_title": translate("Settlement by pair of parties", lang),
        "years_title": translate("Entitlement by year, plan beside actual", lang),
        "plan_title": translate("Plan (as signed, projection) against actual", lang),
        "hashes_title": translate("Inputs' hashes (SHA-256, §6.5)", lang),
        "advance_title": translate("Transfers paid in advance (not counted)", lang),
        "date": translate("date", lang),
        "from": translate("paid by", lang),
        "to": translate("paid to", lang),
        "reference": translate("reference", lang),
        "settles_year": translate("year settled", lang),
        "signoff": translate("Sign-off", lang),
        "sign_party": translate("Party (name)", lang),
        "sign_officer": translate("Officer in charge / signature", lang),
        "sign_date": translate("Date", lang),
        "sign_seal": translate("Seal", lang),
        "signoff_note": translate("Each party checks the figures above and the hashes of the "
                                  "inputs before signing; the statement can be recomputed with "
                                  "sharing verify.", lang),
        "page": translate("page {n} of {nb}", lang),
    }


def input_labels(lang: str) -> dict[str, str]:
    """The §6.5 inputs by name."""
    return {"contract": translate("contract", lang), "register": translate("register", lang),
            "actuals": translate("actual figures", lang),
            "transfers": translate("transfers", lang),
            "previous": translate("previous statement", lang)}


def party_name(doc: dict[str, Any], pid: str | None) -> str:
    if pid is None:
        return "—"
    return (doc["parties"].get(pid) or {}).get("name") or pid


def stream_name(doc: dict[str, Any], sid: str) -> str:
    return (doc.get("stream_names") or {}).get(sid) or sid


def enterprise_name(doc: dict[str, Any], code: str) -> str:
    return ((doc.get("enterprises") or {}).get(code) or {}).get("name") or code


def money(text: str | None) -> Decimal | None:
    """A statement amount (yuan, two decimals) as an exact Decimal."""
    return None if text is None else Decimal(text)


def grouped(text: str | None) -> str:
    """"-7000000.00" -> "-7,000,000.00" (exact, no float)."""
    if text is None:
        return "—"
    sign = "-" if text.startswith("-") else ""
    whole, _, cents = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}.{cents or '00'}"
