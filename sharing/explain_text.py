"""Explanation records (sharing.explain) as text in the reader's language (§4).

One renderer for every surface (CLI, web, PDF, downloads, audit tools): the template is
translated through the gettext catalog ``web/translations/<lang>/LC_MESSAGES/messages.mo``
(loaded with babel, so no Flask request is needed), parties, streams and clauses are shown
by their names (the id only where the contract gives no name), and numbers are formatted by
babel for the locale after the exact rounding.
"""

from __future__ import annotations

import os
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .amounts import format_exact_yuan, format_share
from .explain import TEMPLATES, WORD_CONTEXT, WORDS

TRANSLATIONS = Path(__file__).resolve().parent.parent / "web" / "translations"
LANGS = ("zh", "en")


def normalise_lang(code: str | None) -> str:
    """"zh_CN", "zh-Hans", "zh" -> "zh"; anything else English ("en")."""
    return "zh" if code and code.strip().lower().startswith("zh") else "en"


def lang_from_env() -> str:
    """The reader's language from the locale environment (LC_ALL, LC_MESSAGES, LANG)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        v = os.environ.get(var)
        if v:
            return normalise_lang(v)
    return "en"


@cache
def translations(lang: str) -> NullTranslations:
    """The gettext catalog of a language, outside any Flask request."""
    if normalise_lang(lang) == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), ["zh"])


def gettext(lang: str, text: str) -> str:
    return translations(lang).gettext(text)


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction (``python -m web.i18n_tools``) without translating it:
    for tables of messages translated later with :func:`tr`."""
    return msgid


def tr(lang: str, msgid: str, **params: object) -> str:
    """``msgid`` (English, ``%(name)s`` placeholders) in ``lang`` ("zh" or "en") through the
    one catalog; the one translation function of the CLI, the audit tools and the engine."""
    text = translations(normalise_lang(lang)).gettext(msgid)
    return text % params if params else text


def ntr(lang: str, singular: str, plural: str, num: int, **params: object) -> str:
    """The plural form of a message for ``num`` (``%(num)d`` is filled with it)."""
    text = translations(normalise_lang(lang)).ngettext(singular, plural, num)
    return text % {"num": num, **params}


class Names:
    """Names of a contract's (or a result's) parties, streams and clauses, by id."""

    def __init__(self, parties: dict[str, str] | None = None, streams: dict[str, str] | None = None,
                 clauses: dict[str, str] | None = None):
        self.maps = {"party": parties or {}, "stream": streams or {}, "clause": clauses or {}}

    @classmethod
    def of_result(cls, result: dict[str, Any]) -> Names:
        names = result.get("names") or {}
        parties = names.get("parties") or {p: v.get("name", "") for p, v in
                                            result.get("parties", {}).items()}
        return cls(parties, names.get("streams"), names.get("clauses"))

    @classmethod
    def of_contract(cls, contract: Any) -> Names:
        return cls({p.id: p.name for p in contract.parties},
                   {s.id: s.name for s in contract.streams},
                   {c.id: c.name for c in contract.clauses})

    def name(self, what: str, ident: str | None) -> str:
        if ident is None:
            return "—"
        return self.maps[what].get(ident) or ident


def _fraction(text: str) -> Fraction:
    return Fraction(text)


def format_fen(fen: int, lang: str) -> str:
    """Whole fen as yuan, two decimals, grouped for the locale; 元 after it in Chinese."""
    body = format_decimal(Decimal(int(fen)).scaleb(-2), format="#,##0.00",
                          locale="zh_CN" if lang == "zh" else "en")
    return f"{body} 元" if lang == "zh" else body


def format_exact(fen: Fraction, lang: str) -> str:
    body = format_exact_yuan(fen)
    return f"{body} 元" if lang == "zh" else body


def format_ratio(x: Fraction, lang: str) -> str:
    """A share or rate: English as a short decimal (0.60); Chinese as a percentage (60%)
    when it has a short exact one, else as the fraction (1/3)."""
    if lang != "zh":
        return format_share(x)
    pct = x * 100
    d, k = pct.denominator, 0
    while d % 2 == 0 or d % 5 == 0:
        d //= 2 if d % 2 == 0 else 5
        k += 1
    if d != 1 or k > 6:
        return f"{x.numerator}/{x.denominator}"
    text = format_decimal(Decimal(pct.numerator) / Decimal(pct.denominator),
                          format="0." + "#" * max(k, 1), locale="zh_CN")
    return f"{text}%"


SEPARATORS = {"en": {"+": " + ", ";": "; ", ",": ", ", "and": " and "},
              "zh": {"+": " + ", ";": "；", ",": "、", "and": "及"}}


def render(record: dict[str, Any] | None, lang: str, names: Names | None = None) -> str:
    """A record as text in ``lang`` ("zh" or "en")."""
    if record is None:
        return ""
    lang = normalise_lang(lang)
    names = names or Names()
    template = gettext(lang, TEMPLATES[record["key"]])
    values = {k: _param(v, lang, names) for k, v in record["params"].items()}
    return template.format(**values)


def _param(v: Any, lang: str, names: Names) -> str:
    if "key" in v:
        return render(v, lang, names)
    if "fen" in v:
        return format_fen(v["fen"], lang)
    if "exact_fen" in v:
        return format_exact(_fraction(v["exact_fen"]), lang)
    if "share" in v:
        return format_ratio(_fraction(v["share"]), lang)
    if "year" in v or "int" in v:
        return str(v.get("year", v.get("int")))
    for what in ("party", "stream", "clause"):
        if what in v:
            return names.name(what, v[what])
    if "word" in v:
        return translations(lang).pgettext(WORD_CONTEXT, WORDS.get(v["word"], v["word"]))
    if "join" in v:
        return SEPARATORS[lang][v["sep"]].join(_param(x, lang, names) for x in v["join"])
    raise ValueError(f"not an explanation parameter: {v!r}")


def localise(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """A copy of a result whose ``why`` texts are in ``lang``, rendered from the records
    (the records and the hash unchanged)."""
    names = Names.of_result(result)
    out = dict(result)
    out["entries"] = [_with_text(e, lang, names) for e in result.get("entries", [])]
    out["indicator_entries"] = [_with_text(e, lang, names)
                                for e in result.get("indicator_entries", [])]
    out["events"] = [_with_detail(ev, lang, names) for ev in result.get("events", [])]
    streams = {}
    for sid, st in result.get("streams", {}).items():
        st = dict(st)
        if st.get("explanation") is not None:
            st["why"] = [render(r, lang, names) for r in st["explanation"]]
        streams[sid] = st
    out["streams"] = streams
    out["lang"] = lang
    return out


def _with_text(e: dict[str, Any], lang: str, names: Names) -> dict[str, Any]:
    if "explanation" not in e:
        return e
    e = dict(e)
    e["why"] = render(e["explanation"], lang, names)
    return e


def _with_detail(ev: dict[str, Any], lang: str, names: Names) -> dict[str, Any]:
    if not ev.get("explanation"):
        return ev
    ev = dict(ev)
    ev["detail"] = render(ev["explanation"], lang, names)
    return ev


#: The entry kinds' names (§4), the one vocabulary of every surface (web, CSV, XLSX, PDF).
KIND_NAMES = {
    "baseline": "baseline", "share": "share", "cap_excess": "cap excess",
    "unclaimed": "unclaimed", "contribution": "contribution", "dividend": "dividend",
    "retained": "retained", "loss": "loss", "cost": "cost", "pool_in": "into pool",
    "pool_out": "from pool", "backstop": "backstop", "buyout": "buyout", "penalty": "penalty",
    "residual": "pool residual", "handover": "handover",
}


def kind_label(kind: str, lang: str) -> str:
    """An entry kind in the reader's language: 分成 / share."""
    return gettext(lang, KIND_NAMES.get(kind, kind))


#: The event kinds' names (§4), for every surface alike.
EVENT_NAMES = {
    "cap_reached": "cap reached", "pool_full": "pool full", "pool_exhausted": "pool exhausted",
    "guarantee_backstopped": "guarantee backstopped", "guarantee_unpaid": "guarantee unpaid",
    "exit_triggered": "exit triggered", "handover": "handover",
}


def event_label(kind: str, lang: str) -> str:
    """An event kind in the reader's language: 达到上限 / cap reached."""
    return gettext(lang, EVENT_NAMES.get(kind, kind))


#: Labels of the CLI's table (sharing.cli.render_table).
TABLE_LABELS = ("year", "total", "net cash flow by year, yuan", "indicator ledger (not money)",
                "events", "last year of the clauses: {year}")
#: Column headers of the ledger download (CSV, XLSX sheet, CLI).
LEDGER_HEADERS = ("year", "clause", "stream", "party", "kind", "amount (yuan)", "explanation")


def ledger_headers(lang: str) -> list[str]:
    return [gettext(lang, h) for h in LEDGER_HEADERS]


def ledger_rows(result: dict[str, Any], lang: str) -> list[list[Any]]:
    """The ledger as rows for a person: names, kinds and explanations in ``lang``; the
    amount as the document's decimal string."""
    names = Names.of_result(result)
    rows = []
    for e in result["entries"]:
        rows.append([e["year"], names.name("clause", e["clause"]) if e["clause"] else "",
                     names.name("stream", e["stream"]) if e["stream"] else "",
                     names.name("party", e["party"]) if e["party"] else "",
                     kind_label(e["kind"], lang), e["amount"],
                     render(e["explanation"], lang, names) if e.get("explanation")
                     else e.get("why", "")])
    return rows
