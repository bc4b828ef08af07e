"""The results chart, drawn on the server as SVG: no script, no chart library, no CDN.

Stacked bars of each party's receipts by year (negative receipts stack below zero) and, for
each party, a line of its cumulative net cash flow. Amounts on the axis are in the page's unit
(``unit``: 万元 or yuan, issue 17 point 3).
"""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape

from markupsafe import Markup

PALETTE = ["#1f6fb2", "#d9822b", "#2e9e5b", "#a8429a", "#c23b3b", "#6b6bd6", "#8c6d31",
           "#3aa6a6", "#7f7f7f", "#b8b82e"]
LINE = ["#0b3d66", "#8a4a0c", "#14592f", "#5c1f55", "#6e1515", "#2f2f8a", "#4d3b12",
        "#1a5f5f", "#3f3f3f", "#66661a"]


def _nice(span: float) -> float:
    if span <= 0:
        return 1.0
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _fmt_tick(v: float, unit: str = "wan") -> str:
    """An axis tick (the value in yuan) in the page's unit: 万元 or yuan."""
    if unit == "yuan":
        return f"{v:,.0f}" if abs(v) >= 1 or v == 0 else f"{v:,.2f}"
    return _fmt_wan(v)


def _fmt_wan(v: float) -> str:
    w = v / 10000
    if abs(w) >= 100:
        return f"{w:,.0f}"
    if abs(w) >= 1:
        return f"{w:,.1f}".rstrip("0").rstrip(".")
    return f"{w:,.2f}".rstrip("0").rstrip(".") or "0"


def receipts_svg(years: list[int], parties: list[tuple[str, str]],
                 receipts: dict[str, list[Decimal]], cumulative: dict[str, list[Decimal]],
                 *, title: str, unit_label: str, receipts_label: str,
                 cumulative_label: str, unit: str = "wan") -> Markup:
    """``parties``: (id, display name); amounts in yuan, ticks in ``unit`` (``wan`` or
    ``yuan``; ``unit_label`` names it). Returns safe SVG markup."""
    rows = max(1, len(parties))
    width, height = 960, 352 + 22 * rows
    left, right, top, bottom = (78 if unit == "wan" else 104), 20, 36, 62 + 22 * rows
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
    plot_w, plot_h = width - left - right, height - top - bottom

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    slot = plot_w / n
    bar = max(slot * 0.62, 1.0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'class="chart" role="img" aria-label="{escape(title)}">',
           f'<title>{escape(title)}</title>',
           f'<text x="{left}" y="20" class="chart-title">{escape(title)}</text>',
           f'<text x="12" y="{top - 8}" class="axis-unit">{escape(unit_label)}</text>']
    v = lo
    while v <= hi + step / 2:
        yy = y(v)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
                   f'class="{"zero" if abs(v) < step / 1e6 else "grid"}"/>')
        out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" '
                   f'class="tick">{escape(_fmt_tick(v, unit))}</text>')
        v += step
    every = max(1, math.ceil(n / 15))
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
                       f'<title>{escape(str(yr))} {escape(name)}: {val:,.2f}</title></rect>')
        if i % every == 0:
            out.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                       f'class="tick">{yr}</text>')
    for j, (pid, name) in enumerate(parties):
        pts = " ".join(f"{left + slot * (i + 0.5):.1f},{y(float(c)):.1f}"
                       for i, c in enumerate(cumulative[pid]))
        colour = LINE[j % len(LINE)]
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2" '
                   f'stroke-dasharray="6 3"><title>{escape(name)} {escape(cumulative_label)}'
                   f'</title></polyline>')
    ly = top + plot_h + 34
    out.append(f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="#98a2b3"/>'
               f'<text x="{left + 16}" y="{ly}" class="legend">{escape(receipts_label)}</text>'
               f'<line x1="{left + 150}" x2="{left + 174}" y1="{ly - 4}" y2="{ly - 4}" '
               f'stroke="#475467" stroke-width="2" stroke-dasharray="6 3"/>'
               f'<text x="{left + 180}" y="{ly}" class="legend">{escape(cumulative_label)}'
               f'</text>')
    for j, (pid, name) in enumerate(parties):
        yy = ly + 22 * (j + 1)
        label = name if len(name) <= 70 else name[:69] + "…"
        out.append(f'<rect x="{left}" y="{yy - 10}" width="12" height="12" '
                   f'fill="{PALETTE[j % len(PALETTE)]}"/>')
        out.append(f'<line x1="{left + 18}" x2="{left + 42}" y1="{yy - 4}" y2="{yy - 4}" '
                   f'stroke="{LINE[j % len(LINE)]}" stroke-width="2" stroke-dasharray="6 3"/>')
        out.append(f'<text x="{left + 50}" y="{yy}" class="legend">{escape(label)} '
                   f'({escape(pid)})</text>')
    out.append("</svg>")
    return Markup("".join(out))
