"""The audit tools' words in the reader's language, through the project's one gettext catalog
(``web/translations/zh/LC_MESSAGES/messages.po``): :func:`tr`, :func:`ntr` and :func:`N_` are
those of :mod:`sharing.explain_text`, re-exported; ``python -m web.i18n_tools`` extracts every
``tr(lang, "…")``, ``ntr(lang, "…", "…", n)`` and ``N_("…")`` of ``sharing/``.

The checks of :mod:`sharing.audit.vocab` state their outcomes in English ("first reached in
2022"); :func:`outcome` puts a known outcome into Chinese for a zh-CN feature, and :func:`tr`
the labels of the report (expected, actual, unknown step …).
"""

from __future__ import annotations

import re

from sharing.explain_text import N_, ntr, tr

__all__ = ["N_", "ntr", "outcome", "tr"]


def _patterns(lang: str) -> list[tuple[re.Pattern[str], str]]:
    # each: the English outcome as vocab writes it, and its message (named groups = params)
    pairs = [
        (r"first reached in (?P<year>\d{4})", tr(lang, "first reached in %(year)s", year="{year}")),
        (r"reached in (?P<year>\d{4}) or earlier",
         tr(lang, "reached in %(year)s or earlier", year="{year}")),
        (r"never reached", tr(lang, "never reached")),
        (r"exit in (?P<year>\d{4})", tr(lang, "exit in %(year)s", year="{year}")),
        (r"no exit", tr(lang, "no exit")),
        (r"no warning", tr(lang, "no warning")),
        (r"no IRR", tr(lang, "no IRR")),
        (r"no IRR \(the flows never change sign\)",
         tr(lang, "no IRR (the flows never change sign)")),
        (r"no equity in that year", tr(lang, "no equity in that year")),
        (r"says “(?P<text>.*)”", tr(lang, "says “%(text)s”", text="{text}")),
        (r"streams (?P<a>\S+), costs (?P<b>\S+)",
         tr(lang, "streams %(a)s, costs %(b)s", a="{a}", b="{b}")),
        (r"parts (?P<a>\S+), costs borne (?P<b>\S+)",
         tr(lang, "parts %(a)s, costs borne %(b)s", a="{a}", b="{b}")),
        (r"(?P<kind>[a-z_]+) at (?P<path>\S+)",
         tr(lang, "%(kind)s at %(path)s", kind="{kind}", path="{path}")),
        (r"a (?P<kind>[a-z_]+) warning", tr(lang, "a %(kind)s warning", kind="{kind}")),
        (r"no (?P<kind>[a-z_]+) warning", tr(lang, "no %(kind)s warning", kind="{kind}")),
    ]
    return [(re.compile(a), b) for a, b in pairs]


_DIFF = re.compile(r"^(?P<v>.*) \(difference (?P<d>[^)]+)\)$")


def outcome(text: str | None, lang: str) -> str | None:
    """An expected or actual text of a check in ``lang``; unknown texts are kept."""
    if text is None or lang != "zh":
        return text
    m = _DIFF.match(text)
    if m:
        return tr(lang, "%(value)s (difference %(diff)s)", value=m.group("v"), diff=m.group("d"))
    parts = text.split("; ")
    out = []
    for part in parts:
        for rx, template in _patterns(lang):
            mm = rx.fullmatch(part)
            if mm:
                part = template.format(**mm.groupdict())
                break
        out.append(part)
    return "；".join(out) if lang == "zh" else "; ".join(out)
