"""The negotiation pages' charts in the reader's language, each drawn twice: a wide drawing
and a narrow one, the page's stylesheet showing the one suited to the screen (issue 17 points 2
and 8). The figure's caption is the chart's title, so the drawing does not repeat it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from sharing.scenarios.charts import NARROW, WIDE, ChartText, npv_by_value, tornado

MAX_CHARTS = 8  # NPV-by-value charts of a two-parameter sweep (one per second value)


def chart_text() -> ChartText:
    """Every word of a chart in the page's language; units 元 / 万元 / 亿元 or yuan / 10k
    yuan / 100M yuan."""
    return ChartText(
        npv_axis=_("NPV (%(unit)s)", unit="{unit}"),
        count_axis=_("scenarios"),
        tornado_axis=_("change in %(party)s's NPV (%(unit)s)", party="{party}",
                       unit="{unit}"),
        tornado_key=_("low value blue, high value red"),
        low=_("low"), high=_("high"),
        no_valid=_("no valid scenario"), no_parameter=_("no parameter"),
        units={"yuan": _("yuan"), "wan": _("10k yuan"), "yi": _("100M yuan")})


def both(draw: Any, **kw: Any) -> dict[str, Markup]:
    """``draw`` at the wide and at the narrow layout: {"wide": svg, "narrow": svg}."""
    return {"wide": Markup(draw(layout=WIDE, **kw)), "narrow": Markup(draw(layout=NARROW, **kw))}


def sweep_charts(out: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """NPV by the first parameter's value per party; for two parameters, one chart per value
    of the second (the first :data:`MAX_CHARTS`). Each: title, wide and narrow SVG."""
    params = out["parameters"]
    if not params:
        return []
    p1 = params[0]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in out["rows"]:
        key = " · ".join(f"{p} = {row['params'][p]}" for p in params[1:])
        groups.setdefault(key, []).append(row)
    text = chart_text()
    charts = []
    for key, rows in list(groups.items())[:MAX_CHARTS]:
        xs: list[Any] = []
        words: list[str] = []
        for k, row in enumerate(rows):
            try:
                xs.append(Fraction(row["params"][p1]))
            except (ValueError, ZeroDivisionError):
                xs.append(k)  # a word (e.g. a shape): its place, labelled with the word
            words.append(str(row["params"][p1]))
        numeric = all(isinstance(x, Fraction) for x in xs)
        npvs = {pid: [_fen(r["parties"][pid]["npv"]) if r["valid"] else None for r in rows]
                for pid in out["parties"]}
        title = (_("NPV by %(path)s, with %(fixed)s", path=p1, fixed=key) if key
                 else _("NPV by parameter value"))
        charts.append({"title": title, **both(
            npv_by_value, values=xs, npvs=npvs, xlabel=p1, title=title, text=text,
            names=names, show_title=False, value_labels=None if numeric else words)})
    return charts


def tornado_charts(out: dict[str, Any], names: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per party: the tornado of its NPV changes (rows of :func:`api.sensitivity`, amounts
    in yuan text, turned back into whole fen)."""
    rows = [{**r, "parties": {pid: {k: _fen(v) for k, v in d.items()}
                              for pid, d in r["parties"].items()}} for r in out["rows"]]
    text = chart_text()
    return {pid: {"title": _("Sensitivity of %(party)s's NPV", party=names.get(pid, pid)),
                  **both(tornado, rows=rows, party=pid, text=text, names=names,
                         show_title=False,
                         title=_("Sensitivity of %(party)s's NPV",
                                 party=names.get(pid, pid)))}
            for pid in out["base_npv"]}


def _fen(text: str) -> int:
    """An amount in yuan (exact decimal text) as whole fen, for a chart."""
    return int(Decimal(text) * 100)
