"""Languages (zh-CN, English) and numbers formatted for the locale.

The language is chosen, in order, from ``?lang=`` (remembered in a cookie), the ``lang``
cookie, the browser's Accept-Language, then ``BABEL_DEFAULT_LOCALE`` (zh_CN). Every page
has a switch. Amounts are shown in yuan with two decimals and grouping, and in 万元 where a
leader reads them (``wan``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from flask import Flask, g, request
from flask_babel import Babel, get_locale, gettext

LOCALES = {"zh_CN": "中文", "en": "English"}


def normalise(code: str | None) -> str | None:
    """"zh-CN", "zh_Hans", "zh" -> "zh_CN"; "en-US", "en" -> "en"; anything else None."""
    if not code:
        return None
    c = code.strip().lower().replace("-", "_")
    if c.startswith("zh"):
        return "zh_CN"
    if c == "en" or c.startswith("en_"):
        return "en"
    return None


def select_locale() -> str:
    chosen = normalise(request.args.get("lang"))
    if chosen:
        g.set_lang_cookie = chosen
        return chosen
    chosen = normalise(request.cookies.get("lang"))
    if chosen:
        return chosen
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best:
        return normalise(best) or "zh_CN"
    from flask import current_app

    return current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN")


_PARSED: dict[str, Locale] = {}


def _selected_locale() -> Locale:
    """The request's locale as a babel Locale, parsed once per process: Flask-Babel would
    parse the code on every request, and babel's parse scans every known locale (≈ 1 ms)."""
    code = select_locale()
    found = _PARSED.get(code)
    if found is None:
        found = _PARSED[code] = Locale.parse(code)
    return found


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=_selected_locale)

    @app.after_request
    def _remember(response):
        lang = g.get("set_lang_cookie")
        if lang:
            response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax",
                                httponly=True)
        vary = response.headers.get("Vary", "")
        if "Accept-Language" not in vary:
            response.headers["Vary"] = (vary + ", " if vary else "") + "Accept-Language, Cookie"
        return response

    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.filters["wan"] = wan
    app.jinja_env.globals["money"] = money
    app.jinja_env.globals["name_of"] = name_of
    app.jinja_env.globals["field_label"] = field_label
    app.jinja_env.filters["local"] = local_name
    app.jinja_env.filters["rate"] = rate
    app.jinja_env.filters["ratio"] = ratio_text
    app.jinja_env.globals["current_lang"] = current_lang
    app.jinja_env.globals["lang_url"] = lang_url
    app.jinja_env.globals["LOCALES"] = LOCALES
    app.jinja_env.globals["kind_label"] = kind_label
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["event_label"] = event_label


def current_lang() -> str:
    lang = g.get("sharing_lang")
    if lang is None:
        loc = get_locale()
        lang = "zh_CN" if loc is not None and loc.language == "zh" else "en"
        g.sharing_lang = lang
    return lang


_BILINGUAL = re.compile(r"^(?P<zh>.*[\u4e00-\u9fff）)】].*?)\s*/\s*(?P<en>[A-Za-z].*)$", re.S)


def local_name(name: Any) -> str:
    """"中文名 / English name" shown in the page's language; other names as they are."""
    text = "" if name is None else str(name)
    m = _BILINGUAL.match(text)
    if m is None:
        return text
    return m.group("zh").strip() if current_lang() == "zh_CN" else m.group("en").strip()


def money(value: Any, unit: str = "yuan") -> str:
    """An amount in yuan shown in the page's unit: yuan, or 万元 (``unit="wan"``)."""
    return wan(value) if unit == "wan" else yuan(value)


def is_zh() -> bool:
    return current_lang() == "zh_CN"


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        pass
    from fractions import Fraction

    try:
        f = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None
    return Decimal(f.numerator) / Decimal(f.denominator)


_SYMBOLS: dict[str, tuple[str, str]] = {}


def _symbols(lang: str) -> tuple[str, str]:
    """(group, decimal) separators of the locale, read from CLDR once."""
    if lang not in _SYMBOLS:
        sample = format_decimal(Decimal("1234.5"), format="#,##0.00", locale=lang)
        _SYMBOLS[lang] = (sample[1], sample[5])
    return _SYMBOLS[lang]


def _grouped(d: Decimal, places: int) -> str:
    group, point = _symbols(current_lang())
    text = f"{d:,.{places}f}"
    if (group, point) != (",", "."):
        text = text.replace(",", "\0").replace(".", point).replace("\0", group)
    return text


def yuan(value: Any) -> str:
    """"1234567.8" -> "1,234,567.80" (grouping of the page's locale)."""
    d = _dec(value)
    if d is None:
        return "—"
    return _grouped(d, 2)


def wan(value: Any) -> str:
    """An amount in yuan shown in 万元 (ten thousand yuan), rounded half up to 0.01万."""
    d = _dec(value)
    if d is None:
        return "—"
    w = (d / Decimal(10000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _grouped(w, 2)


def rate(value: Any) -> str:
    """An IRR or discount rate "0.0523" -> "5.23 %"; None -> "—" (no sign change)."""
    d = _dec(value)
    if d is None:
        return "—"
    pct = (d * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _grouped(pct, 2) + " %"


def ratio_text(value: Any) -> str:
    """An exact equity ratio "3/7" as a percentage with four decimals."""
    if value is None:
        return "—"
    from fractions import Fraction

    try:
        f = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return str(value)
    pct = Decimal(f.numerator * 100) / Decimal(f.denominator)
    pct = pct.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return _grouped(pct, 4) + " %"


# ---- labels for the engine's vocabulary -------------------------------------------------

def _labels(name: str, build) -> dict[str, str]:
    """Translated vocabulary, built once per request."""
    cache = g.setdefault("sharing_labels", {})
    if name not in cache:
        cache[name] = build()
    return cache[name]


def name_of(result: dict[str, Any], what: str, ident: str | None) -> str:
    """A party's, stream's or clause's name in a result (its id when it has none)."""
    from sharing.explain_text import Names

    return Names.of_result(result).name(what, ident)


def field_label(path: str, document: dict[str, Any] | None = None) -> str:
    """A field path in words in the request's language (sharing.field_names)."""
    from sharing.field_names import field_name

    return field_name(path, document, explain_lang())


def explain_lang() -> str:
    """The request's language as sharing.explain_text names it ("zh" or "en")."""
    from sharing.explain_text import normalise_lang

    return normalise_lang(str(get_locale() or "zh"))


def kind_label(kind: str) -> str:
    """An entry kind in the request's language: the one vocabulary of every surface
    (sharing.explain_text.KIND_NAMES)."""
    from sharing.explain_text import kind_label as label

    return label(kind, explain_lang())


def role_label(role: str) -> str:
    return _labels("role", lambda: {"sending": gettext("sending"),
                                    "receiving": gettext("receiving"),
                                    "other": gettext("other")}).get(role, role)


def event_label(kind: str) -> str:
    """An event kind in the request's language (sharing.explain_text.EVENT_NAMES)."""
    from sharing.explain_text import event_label as label

    return label(kind, explain_lang())


# ---- contract errors in the user's language ---------------------------------------------

_PYDANTIC = [  # pydantic's own messages (code, English pattern) -> our catalog template
    ("int_parsing", None, "{value} is not a whole number"),
    ("int_from_float", None, "{value} is not a whole number"),
    ("int_type", None, "{value} is not a whole number"),
    ("string_type", None, "{value} is not text"),
    ("list_type", None, "{value} is not a list"),
    ("dict_type", None, "{value} is not a map of fields"),
    ("model_type", None, "{value} is not a map of fields"),
    ("model_attributes_type", None, "{value} is not a map of fields"),
    ("literal_error", re.compile(r"Input should be (?P<expected>.+)$"),
     "{value} is not one of the allowed values: {expected}"),
    ("greater_than_equal", re.compile(r"greater than or equal to (?P<bound>\S+)"),
     "{value} is too small: it must be at least {bound}"),
    ("greater_than", re.compile(r"greater than (?P<bound>\S+)"),
     "{value} is too small: it must be greater than {bound}"),
    ("less_than_equal", re.compile(r"less than or equal to (?P<bound>\S+)"),
     "{value} is too large: it must be at most {bound}"),
    ("too_short", re.compile(r"at least (?P<bound>\d+) item"),
     "too few entries: at least {bound} are needed"),
    ("too_long", re.compile(r"at most (?P<bound>\d+) item"),
     "too many entries: the limit is {bound}"),
    ("string_too_long", re.compile(r"at most (?P<bound>\d+) character"),
     "text too long: the limit is {bound} characters"),
]


def translate_issue(issue: Any) -> str:
    """An engine Issue (or its dict) as a message in the page's language.

    The English template is looked up in the catalog, then filled with the issue's params
    (the values quoted from the contract), so the numbers stay as the user wrote them.
    """
    if isinstance(issue, dict):
        template, params, code = issue["template"], dict(issue.get("params") or {}), \
            issue.get("code", "")
    else:
        template, params, code = issue.template, dict(issue.params), issue.code
    if template == "{msg} (got {value})":
        for c, pattern, ours in _PYDANTIC:
            if c != code:
                continue
            m = pattern.search(params.get("msg", "")) if pattern is not None else None
            if pattern is None or m is not None:
                template = ours
                if m is not None:
                    params.update(m.groupdict())
                break
    text = gettext(template)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            return template


def issue_dicts(issues: list[Any]) -> list[dict[str, str]]:
    """Issues for a page or the API: path, translated message, code, English message."""
    out = []
    for i in issues:
        d = i.as_dict() if hasattr(i, "as_dict") else dict(i)
        d["message_en"] = d.get("message", "")
        d["message"] = translate_issue(d)
        out.append(d)
    return out


def lang_url(code: str, base: str | None = None) -> str:
    """This page in another language (a GET page keeps its query; others go to ``base``)."""
    from urllib.parse import urlencode

    if base is None and request.method == "GET":
        args = request.args.to_dict(flat=False)
        args.pop("restore", None)
        args["lang"] = [code]
        return request.path + "?" + urlencode(args, doseq=True)
    base = base or "/"
    return base + ("&" if "?" in base else "?") + "lang=" + code
