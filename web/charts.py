"""The results chart, drawn on the server as SVG: no script, no chart library, no CDN.

Stacked bars of each party's receipts by year (negative receipts stack below zero) and, for
each party, a line of its cumulative net cash flow. The axis is in the unit the caller gives
(yuan or 万元, named by the caller in the reader's language).

The chart is drawn twice (issue 17 point 2): :data:`WIDE` (960 units, 16-unit text) shown from
760 px up, where its box is at least ~700 px so text is at least 11 px on screen, and
:data:`NARROW` (340 units, 13-unit text) shown on a phone, whose box of 320 px or more keeps
it at 12 px; ``.chart-wide`` / ``.chart-narrow`` in app.css pick the one shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

PALETTE = ["#1f6fb2", "#d9822b", "#2e9e5b", "#a8429a", "#c23b3b", "#6b6bd6", "#8c6d31",
           "#3aa6a6", "#7f7f7f", "#b8b82e"]
LINE = ["#0b3d66", "#8a4a0c", "#14592f", "#5c1f55", "#6e1515", "#2f2f8a", "#4d3b12",
        "#1a5f5f", "#3f3f3f", "#66661a"]
UNIT_SIZE = {"yuan": 1, "wan": 10_000}  # yuan per unit of the axis


@dataclass(frozen=True)
class Layout:
    """Sizes in SVG units: drawing width, plot height, text size, year labels at most."""

    width: int
    plot: int
    font: int
    years: int


WIDE = Layout(960, 300, 16, 15)
NARROW = Layout(340, 220, 13, 5)


def _nice(span: float) -> float:
    if span <= 0:
        return 1.0
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _fmt(v: float, unit: str) -> str:
    """An axis tick (``v`` in yuan) in the axis unit: whole, or up to two decimals."""
    w = v / UNIT_SIZE[unit]
    if abs(w) >= 100:
        return f"{w:,.0f}"
    if abs(w) >= 1:
        return f"{w:,.1f}".rstrip("0").rstrip(".")
    return f"{w:,.2f}".rstrip("0").rstrip(".") or "0"


def _width(text: str, font: float) -> float:
    """About how wide ``text`` is drawn (a CJK character 1 em, others 0.6 em)."""
    return sum(font if ord(c) > 0x2E7F else 0.6 * font for c in text)


def _fit(text: str, room: float, font: float) -> str:
    """``text`` cut with … to about ``room`` units."""
    if _width(text, font) <= room:
        return text
    while text and _width(text + "…", font) > room:
        text = text[:-1]
    return text + "…"


def receipts_svg(years: list[int], parties: list[tuple[str, str]],
                 receipts: dict[str, list[Decimal]], cumulative: dict[str, list[Decimal]],
                 *, title: str, unit_label: str, receipts_label: str,
                 cumulative_label: str, unit: str = "wan", amount_label: str = "",
                 layout: Layout = WIDE) -> Markup:
    """``parties``: (id, display name); amounts in yuan, drawn in ``unit`` ("yuan" or
    "wan", named ``unit_label``); ``amount_label`` follows each tooltip's amount (in yuan).
    Returns safe SVG markup."""
    lay = layout
    f = lay.font
    n = max(len(years), 1)
    pos_tot = [sum(max(float(receipts[p][i]), 0) for p, _ in parties) for i in range(n)]
    neg_tot = [sum(min(float(receipts[p][i]), 0) for p, _ in parties) for i in range(n)]
    cum_vals = [float(v) for p, _ in parties for v in cumulative[p]]
    hi = max(pos_tot + cum_vals + [0.0])
    lo = min(neg_tot + cum_vals + [0.0])
    step = _nice(hi - lo)
    hi = math.ceil(hi / step) * step if hi > 0 else 0.0
    lo = math.floor(lo / step) * step if lo < 0 else 0.0
    if hi == lo:
        hi = lo + step
    tick_values = [lo + k * step for k in range(round((hi - lo) / step) + 1)]
    labels = [_fmt(v, unit) for v in tick_values]
    left = max(_width(s, f) for s in labels) + 14
    right, top = 12, 2.6 * f + 8
    line = 1.4 * f  # a legend line
    legend_rows = 1 + len(parties) if lay.width >= 600 else 2 + len(parties)
    width = lay.width
    plot_w, plot_h = width - left - right, lay.plot
    height = top + plot_h + 1.4 * f + 10 + line * legend_rows + 6

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    slot = plot_w / n
    bar = max(slot * 0.62, 1.0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
           f'class="chart" role="img" aria-label="{escape(title)}" font-size="{f}">',
           f'<title>{escape(title)}</title>',
           f'<text x="4" y="{f + 2}" class="chart-title" font-size="{f + 2}">'
           f'{escape(_fit(title, width - 8, f + 2))}</text>',
           f'<text x="4" y="{top - 8:.0f}" class="axis-unit">{escape(unit_label)}</text>']
    for v, label in zip(tick_values, labels, strict=True):
        yy = y(v)
        out.append(f'<line x1="{left:.0f}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
                   f'class="{"zero" if abs(v) < step / 1e6 else "grid"}"/>')
        out.append(f'<text x="{left - 6:.0f}" y="{yy + f / 3:.1f}" text-anchor="end" '
                   f'class="tick">{escape(label)}</text>')
    every = max(1, math.ceil(n / lay.years))
    for i, yr in enumerate(years):
        cx = left + slot * (i + 0.5)
        up = down = 0.0
        for j, (pid, name) in enumerate(parties):
            val = float(receipts[pid][i])
            if val == 0:
                continue
            if val > 0:
                y0, y1 = y(up + val), y(up)
                up += val
            else:
                y0, y1 = y(down), y(down + val)
                down += val
            out.append(f'<rect x="{cx - bar / 2:.1f}" y="{y0:.1f}" width="{bar:.1f}" '
                       f'height="{max(y1 - y0, 0.5):.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                       f'<title>{escape(str(yr))} {escape(name)}: '
                       f'{escape(str(receipts[pid][i]))} {escape(amount_label)}</title></rect>')
        if i % every == 0:
            out.append(f'<text x="{cx:.1f}" y="{top + plot_h + f + 4:.1f}" '
                       f'text-anchor="middle" class="tick">{yr}</text>')
    for j, (pid, name) in enumerate(parties):
        pts = " ".join(f"{left + slot * (i + 0.5):.1f},{y(float(c)):.1f}"
                       for i, c in enumerate(cumulative[pid]))
        colour = LINE[j % len(LINE)]
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2" '
                   f'stroke-dasharray="6 3"><title>{escape(name)} {escape(cumulative_label)}'
                   f'</title></polyline>')
    ly = top + plot_h + 2.4 * f + 10
    key_x = 8
    out.append(f'<rect x="{key_x}" y="{ly - f + 2:.1f}" width="{f - 2}" height="{f - 2}" '
               f'fill="#98a2b3"/><text x="{key_x + f + 2}" y="{ly:.1f}" class="legend">'
               f'{escape(receipts_label)}</text>')
    cx2 = key_x + f + 2 + _width(receipts_label, f) + 2 * f
    if lay.width < 600:  # the cumulative key on its own line
        cx2, ly = key_x, ly + line
    out.append(f'<line x1="{cx2:.1f}" x2="{cx2 + 1.6 * f:.1f}" y1="{ly - f / 3:.1f}" '
               f'y2="{ly - f / 3:.1f}" stroke="#475467" stroke-width="2" '
               f'stroke-dasharray="6 3"/><text x="{cx2 + 2 * f:.1f}" y="{ly:.1f}" '
               f'class="legend">{escape(cumulative_label)}</text>')
    for j, (pid, name) in enumerate(parties):
        yy = ly + line * (j + 1)
        label = _fit(name or pid, width - key_x - 3.6 * f - 4, f)  # a name; the id as tooltip
        out.append(f'<g><title>{escape(pid)}</title><rect x="{key_x}" y="{yy - f + 2:.1f}" width="{f - 2}" height="{f - 2}" '
                   f'fill="{PALETTE[j % len(PALETTE)]}"/>')
        out.append(f'<line x1="{key_x + f + 2}" x2="{key_x + 2.8 * f:.1f}" '
                   f'y1="{yy - f / 3:.1f}" y2="{yy - f / 3:.1f}" '
                   f'stroke="{LINE[j % len(LINE)]}" stroke-width="2" stroke-dasharray="6 3"/>')
        out.append(f'<text x="{key_x + 3.4 * f:.1f}" y="{yy:.1f}" class="legend">'
                   f'{escape(label)}</text></g>')
    out.append("</svg>")
    return Markup("".join(out))


def receipts_charts(*args, **kwargs) -> Markup:
    """The chart drawn wide and narrow, each in the box the stylesheet shows on its screens
    (same arguments as :func:`receipts_svg`)."""
    return Markup('<div class="chart-wide">{}</div><div class="chart-narrow">{}</div>').format(
        receipts_svg(*args, layout=WIDE, **kwargs), receipts_svg(*args, layout=NARROW, **kwargs))
