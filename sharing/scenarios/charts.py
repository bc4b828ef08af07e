"""Charts as standalone SVG text (no dependency, no script): NPV by parameter value per
party, a tornado of sensitivities, and an NPV distribution histogram.

Every text that comes from a file (party names, paths) is escaped, so a chart can be put
into a page as it is. Amounts are whole fen in, yuan on the axes; the charts are pictures
of the exact figures, which the tables beside them give to the fen.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

W, H = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 92, 150, 28, 48
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf")


def _yuan_label(fen: float) -> str:
    v = fen / 100
    for div, unit in ((1e8, "亿"), (1e4, "万")):
        if abs(v) >= div:
            return f"{v / div:,.2f}{unit}"
    return f"{v:,.0f}"


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    start = (lo // step) * step
    out, v = [], start
    while v <= hi + step / 2:
        if v >= lo - step / 2:
            out.append(v)
        v += step
    return out


def _frame(title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
            f'height="{H}" font-family="sans-serif" font-size="11">'
            f'<title>{escape(title)}</title>'
            f'<text x="{W / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}'
            f'</text>' + "".join(body) + "</svg>")


def _axes(xlo, xhi, ylo, yhi, xlabel: str, xfmt=str, yfmt=_yuan_label) -> tuple[Any, Any,
                                                                              list[str]]:
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def sx(x):
        return LEFT + (x - xlo) / ((xhi - xlo) or 1) * pw

    def sy(y):
        return TOP + ph - (y - ylo) / ((yhi - ylo) or 1) * ph

    out = [f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" '
           f'stroke="#999"/>']
    for t in _ticks(ylo, yhi):
        out.append(f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" '
                   f'stroke="#eee"/><text x="{LEFT - 6}" y="{sy(t) + 4:.1f}" '
                   f'text-anchor="end">{escape(yfmt(t))}</text>')
    for t in _ticks(xlo, xhi):
        out.append(f'<text x="{sx(t):.1f}" y="{TOP + ph + 16}" text-anchor="middle">'
                   f'{escape(xfmt(t))}</text>')
    out.append(f'<text x="{LEFT + pw / 2}" y="{H - 8}" text-anchor="middle">'
               f'{escape(xlabel)}</text>')
    return sx, sy, out


def npv_by_value(values: list[Fraction | float], npvs: dict[str, list[int | None]],
                 xlabel: str, title: str = "NPV by parameter value") -> str:
    """One line per party: NPV (fen) at each value of one parameter (None: invalid)."""
    xs = [float(v) for v in values]
    ys = [y for series in npvs.values() for y in series if y is not None]
    if not xs or not ys:
        return _frame(title, ['<text x="320" y="180" text-anchor="middle">no valid '
                              'scenario</text>'])
    ylo, yhi = min(ys + [0]), max(ys + [0])
    sx, sy, body = _axes(min(xs), max(xs), ylo, yhi * 1.05 if yhi > 0 else yhi, xlabel,
                         xfmt=lambda v: f"{v:g}")
    for k, (pid, series) in enumerate(npvs.items()):
        colour = COLOURS[k % len(COLOURS)]
        pts = [(sx(x), sy(y)) for x, y in zip(xs, series, strict=True) if y is not None]
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in
                        enumerate(pts))
        body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in pts]
        body.append(f'<text x="{W - RIGHT + 8}" y="{TOP + 14 + 16 * k}" fill="{colour}">'
                    f'{escape(pid)}</text>')
    return _frame(title, body)


def tornado(rows: list[dict[str, Any]], party: str,
            title: str = "Sensitivity of NPV") -> str:
    """Bars of party's NPV change (fen) at each parameter's low and high value, widest
    first (rows from :func:`sharing.scenarios.stats.tornado`)."""
    rows = [r for r in rows if party in r["parties"]]
    if not rows:
        return _frame(title, ['<text x="320" y="180" text-anchor="middle">no parameter'
                              '</text>'])
    vals = [v for r in rows for v in (r["parties"][party]["low"], r["parties"][party]["high"])]
    lo, hi = min(vals + [0]), max(vals + [0])
    pw = W - LEFT - RIGHT
    left = LEFT + 90

    def sx(x):
        return left + (x - lo) / ((hi - lo) or 1) * (pw - 90)

    bar = min(28, (H - TOP - BOTTOM) / len(rows) - 6)
    body = [f'<line x1="{sx(0):.1f}" x2="{sx(0):.1f}" y1="{TOP}" y2="{H - BOTTOM}" '
            f'stroke="#333"/>']
    for i, r in enumerate(rows):
        y = TOP + 6 + i * (bar + 6)
        d = r["parties"][party]
        for key, colour in (("low", "#1f77b4"), ("high", "#d62728")):
            a, b = sorted((sx(0), sx(d[key])))
            body.append(f'<rect x="{a:.1f}" y="{y:.1f}" width="{max(b - a, 0.5):.1f}" '
                        f'height="{bar / 2:.1f}" fill="{colour}">'
                        f'<title>{escape(f"{key} {r[key]}: {_yuan_label(d[key])}")}</title>'
                        f'</rect>')
            y += bar / 2
        body.append(f'<text x="{LEFT - 6 + 90}" y="{y - bar / 2 + 4:.1f}" text-anchor="end">'
                    f'{escape(_short(r["path"]))}</text>')
    for t in _ticks(lo, hi, 4):
        body.append(f'<text x="{sx(t):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">'
                    f'{escape(_yuan_label(t))}</text>')
    body.append(f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle">change in '
                f'{escape(party)}\'s NPV (yuan): low value blue, high value red</text>')
    return _frame(title, body)


def _short(path: str, limit: int = 28) -> str:
    return path if len(path) <= limit else "…" + path[-(limit - 1):]


def histogram(values: list[int], bins: int = 40, title: str = "NPV distribution",
              marks: dict[str, int] | None = None) -> str:
    """A histogram of whole-fen values, with optional vertical marks (e.g. P5, P50, P95)."""
    if not values:
        return _frame(title, ['<text x="320" y="180" text-anchor="middle">no valid '
                              'scenario</text>'])
    lo, hi = min(values), max(values)
    width = (hi - lo) / bins or 1
    counts = [0] * bins
    for v in values:
        counts[min(int((v - lo) / width), bins - 1)] += 1
    sx, sy, body = _axes(lo, hi if hi > lo else lo + 1, 0, max(counts), "NPV (yuan)",
                         xfmt=_yuan_label, yfmt=lambda c: f"{c:,.0f}")
    for i, c in enumerate(counts):
        x0, x1 = sx(lo + i * width), sx(lo + (i + 1) * width)
        body.append(f'<rect x="{x0:.1f}" y="{sy(c):.1f}" width="{max(x1 - x0 - 1, 0.5):.1f}" '
                    f'height="{sy(0) - sy(c):.1f}" fill="#1f77b4"/>')
    for k, (name, v) in enumerate((marks or {}).items()):
        body.append(f'<line x1="{sx(v):.1f}" x2="{sx(v):.1f}" y1="{TOP}" y2="{H - BOTTOM}" '
                    f'stroke="#d62728" stroke-dasharray="4 3"/><text x="{W - RIGHT + 8}" '
                    f'y="{TOP + 14 + 16 * k}" fill="#d62728">{escape(name)} '
                    f'{escape(_yuan_label(v))}</text>')
    return _frame(title, body)


__all__ = ["histogram", "npv_by_value", "tornado"]
