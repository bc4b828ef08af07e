"""Charts as standalone SVG text (no dependency, no script): NPV by parameter value per
party, a tornado of sensitivities, and an NPV distribution histogram.

Every text that comes from a file (party names, paths) is escaped, so a chart can be put
into a page as it is. Amounts are whole fen in; the money axis is in one unit for the whole
axis (yuan, 10k yuan or 100M yuan, the largest the axis's values reach), named in the axis
label, so ticks and label never disagree. The charts are pictures of the exact figures, which
the tables beside them give to the fen (docs/negotiation.md).

Every word drawn comes from a :class:`ChartText` (English by default; the web pages pass
the reader's language) and every size from a :class:`Layout`: :data:`WIDE` (640 units, for
a column at least 560 px wide) and :data:`NARROW` (340 units, for a phone), so the text of
either, shown at the width it is meant for, is at least 11 px on screen. Every tick lies on
the plot: the value axis is widened to whole steps and the axis of parameter values to the
ticks around its values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf")
UNITS = (("yi", 10**10), ("wan", 10**6), ("yuan", 100))  # fen per unit, largest first


@dataclass(frozen=True)
class Layout:
    """The drawing's size in SVG units and where the plot sits in it. ``legend_below``: the
    legend under the plot (narrow) instead of at its right (wide)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int
    legend_below: bool


WIDE = Layout(640, 360, 84, 150, 30, 52, 14, False)
NARROW = Layout(340, 300, 62, 14, 30, 52, 14, True)
LEGEND_LINE = 20  # units per legend line below a narrow plot


@dataclass(frozen=True)
class ChartText:
    """The words of the charts, with ``{unit}`` and ``{party}`` placeholders."""

    npv_axis: str = "NPV ({unit})"
    count_axis: str = "scenarios"
    tornado_axis: str = "change in {party}'s NPV ({unit})"
    tornado_key: str = "low value blue, high value red"
    low: str = "low"
    high: str = "high"
    no_valid: str = "no valid scenario"
    no_parameter: str = "no parameter"
    units: Mapping[str, str] = field(default_factory=lambda: {
        "yuan": "yuan", "wan": "10k yuan", "yi": "100M yuan"})


ENGLISH = ChartText()


# ---- numbers on the axes ------------------------------------------------------------------

def money_unit(fen_values: list[float]) -> tuple[str, int]:
    """The unit of a money axis: the largest of 亿, 万 and yuan that the largest value
    reaches (yuan below 10,000 yuan), with its size in fen."""
    top = max((abs(v) for v in fen_values), default=0)
    for name, size in UNITS:
        if top >= size:
            return name, size
    return "yuan", 100


def nice_step(span: float, n: int = 5) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about ``n`` steps over span."""
    if span <= 0:
        return 1.0
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))


def ticks(lo: float, hi: float, n: int = 5) -> tuple[float, float, list[float]]:
    """(low end, high end, ticks): the range widened to whole steps, every tick inside it."""
    if hi <= lo:
        lo, hi = (lo - 1, hi + 1) if lo == hi else (hi, lo)
    step = nice_step(hi - lo, n)
    k0, k1 = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return k0 * step, k1 * step, [k * step for k in range(k0, k1 + 1)]


def number(v: float, step: float = 1.0) -> str:
    """A tick's number: grouped, with the decimals its step needs and no trailing zeros."""
    places = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if _frac(step, 10) else 0)
    text = f"{v:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _frac(step: float, base: int) -> bool:
    mag = 10 ** math.floor(math.log10(step) + 1e-9)
    return abs(step / mag - round(step / mag)) > 1e-9  # 2.5 × 10^k needs one more place


def fit(text: str, units: float, font: int) -> str:
    """``text`` cut with … to about ``units`` wide at ``font`` (a CJK character 1 em, others
    0.6 em)."""
    def w(s: str) -> float:
        return sum(font if ord(c) > 0x2E7F else 0.6 * font for c in s)
    if w(text) <= units:
        return text
    while text and w(text + "…") > units:
        text = text[:-1]
    return text + "…"


# ---- frame and axes -----------------------------------------------------------------------

def _frame(title: str, body: list[str], lay: Layout, show_title: bool, height: int) -> str:
    """The SVG around ``body``; a shown title gets a line of its own above the drawing."""
    heading = ""
    if show_title:
        heading = (f'<text x="{lay.width / 2}" y="18" text-anchor="middle" '
                   f'font-size="{lay.font + 1}" class="chart-title">'
                   f'{escape(fit(title, lay.width - 8, lay.font + 1))}</text>'
                   f'<g transform="translate(0,24)">')
        body = body + ["</g>"]
        height += 24
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {lay.width} {height}" '
            f'width="{lay.width}" height="{height}" font-family="sans-serif" '
            f'font-size="{lay.font}"><title>{escape(title)}</title>{heading}'
            + "".join(body) + "</svg>")


def _empty(title: str, message: str, lay: Layout, show_title: bool) -> str:
    return _frame(title, [f'<text x="{lay.width / 2}" y="{lay.height / 2}" '
                          f'text-anchor="middle">{escape(message)}</text>'], lay, show_title,
                  lay.height)


@dataclass
class _Axes:
    lay: Layout
    xlo: float
    xhi: float
    ylo: float
    yhi: float

    @property
    def pw(self) -> float:
        return self.lay.width - self.lay.left - self.lay.right

    @property
    def ph(self) -> float:
        return self.lay.height - self.lay.top - self.lay.bottom

    def sx(self, x: float) -> float:
        return self.lay.left + (x - self.xlo) / ((self.xhi - self.xlo) or 1) * self.pw

    def sy(self, y: float) -> float:
        return self.lay.top + self.ph - (y - self.ylo) / ((self.yhi - self.ylo) or 1) * self.ph


def _axes(xr: tuple[float, float, list[float]], yr: tuple[float, float, list[float]],
          lay: Layout, xfmt: Callable[[float], str], yfmt: Callable[[float], str],
          xlabel: str, ylabel: str, xevery: int = 1) -> tuple[_Axes, list[str]]:
    ax = _Axes(lay, xr[0], xr[1], yr[0], yr[1])
    out = [f'<rect x="{lay.left}" y="{lay.top}" width="{ax.pw}" height="{ax.ph}" '
           f'fill="none" stroke="#999" class="plot"/>',
           f'<text x="4" y="{lay.top - 10}" class="axis-label y">{escape(ylabel)}</text>']
    for t in yr[2]:
        out.append(f'<line x1="{lay.left}" x2="{lay.left + ax.pw}" y1="{ax.sy(t):.1f}" '
                   f'y2="{ax.sy(t):.1f}" stroke="#eee"/><text x="{lay.left - 5}" '
                   f'y="{ax.sy(t) + 5:.1f}" class="tick y" text-anchor="end">'
                   f'{escape(yfmt(t))}</text>')
    for k, t in enumerate(xr[2]):
        if k % xevery == 0:
            label = xfmt(t)
            half = sum(lay.font if ord(c) > 0x2E7F else 0.6 * lay.font for c in label) / 2
            anchor = "end" if ax.sx(t) + half > lay.width - 2 else "middle"  # on its tick
            out.append(f'<text x="{ax.sx(t):.1f}" y="{lay.top + ax.ph + 18}" class="tick x" '
                       f'text-anchor="{anchor}">{escape(label)}</text>')
    out.append(f'<text x="{lay.left + ax.pw / 2}" y="{lay.top + ax.ph + 40}" '
               f'class="axis-label x" text-anchor="middle">'
               f'{escape(fit(xlabel, lay.width - 8, lay.font))}</text>')
    return ax, out


def _xevery(lay: Layout, labels: list[str]) -> int:
    """Every how many x ticks to label so the labels do not run into each other."""
    widest = max((len(s) for s in labels), default=1) * 0.6 * lay.font + 8
    room = (lay.width - lay.left - lay.right) / max(len(labels) - 1, 1)
    return max(1, math.ceil(widest / room))


def _legend(lay: Layout, items: list[tuple[str, str]], ax: _Axes) -> tuple[list[str], int]:
    """(markup, drawing height): the (colour, label) lines at the right of a wide plot or
    under a narrow one."""
    out = []
    if not lay.legend_below:
        for k, (colour, label) in enumerate(items):
            out.append(f'<text x="{lay.width - lay.right + 8}" y="{lay.top + 14 + 20 * k}" '
                       f'fill="{colour}" class="legend">'
                       f'{escape(fit(label, lay.right - 10, lay.font))}</text>')
        return out, lay.height
    y0 = lay.height + 4
    for k, (colour, label) in enumerate(items):
        out.append(f'<text x="8" y="{y0 + LEGEND_LINE * k}" fill="{colour}" class="legend">'
                   f'{escape(fit(label, lay.width - 16, lay.font))}</text>')
    return out, lay.height + LEGEND_LINE * len(items) + 4


def _money(fen_values: list[float], text: ChartText) -> tuple[int, str]:
    name, size = money_unit(fen_values)
    return size, text.units.get(name, name)


# ---- the charts ---------------------------------------------------------------------------

def npv_by_value(values: list[Fraction | float], npvs: dict[str, list[int | None]],
                 xlabel: str, title: str = "NPV by parameter value", *,
                 text: ChartText = ENGLISH, layout: Layout = WIDE,
                 names: Mapping[str, str] | None = None, show_title: bool = True,
                 value_labels: list[str] | None = None) -> str:
    """One line per party: NPV (fen) at each value of one parameter (None: invalid).
    ``names``: party id → the name to show; ``value_labels``: words for values that are not
    numbers (the values are then their places 0, 1, …)."""
    lay = layout
    xs = [float(v) for v in values]
    ys = [y for series in npvs.values() for y in series if y is not None]
    if not xs or not ys:
        return _empty(title, text.no_valid, lay, show_title)
    size, unit = _money(ys, text)
    yr = ticks(min(ys + [0]) / size, max(ys + [0]) / size)
    if value_labels:
        xr = (min(xs) - 0.5, max(xs) + 0.5, xs)
        xfmt = dict(zip(xs, value_labels, strict=True)).get
    else:
        xr = ticks(min(xs), max(xs), 3 if lay.legend_below else 5)
        xfmt = (lambda v: f"{round(v, 10):g}")
    ax, body = _axes(xr, yr, lay, lambda v: str(xfmt(v)),
                     lambda v: number(v, yr[2][1] - yr[2][0]),
                     xlabel, text.npv_axis.format(unit=unit),
                     _xevery(lay, [str(xfmt(v)) for v in xr[2]]))
    items = []
    for k, (pid, series) in enumerate(npvs.items()):
        colour = COLOURS[k % len(COLOURS)]
        name = (names or {}).get(pid, pid)
        pts = [(ax.sx(x), ax.sy(y / size), x, y) for x, y in zip(xs, series, strict=True)
               if y is not None]
        path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py, _, _)
                        in enumerate(pts))
        body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>'
                 f'{escape(name)} · {escape(str(xfmt(x)))}: {escape(number(y / size, 0.01))} '
                 f'{escape(unit)}</title></circle>' for px, py, x, y in pts]
        items.append((colour, name))
    legend, height = _legend(lay, items, ax)
    return _frame(title, body + legend, lay, show_title, height)


def tornado(rows: list[dict[str, Any]], party: str,
            title: str = "Sensitivity of NPV", *, text: ChartText = ENGLISH,
            layout: Layout = WIDE, names: Mapping[str, str] | None = None,
            show_title: bool = True) -> str:
    """Bars of party's NPV change (fen) at each parameter's low and high value, widest
    first (rows from :func:`sharing.scenarios.stats.tornado`)."""
    lay = layout
    rows = [r for r in rows if party in r["parties"]]
    if not rows:
        return _empty(title, text.no_parameter, lay, show_title)
    vals = [v for r in rows for v in (r["parties"][party]["low"], r["parties"][party]["high"])]
    size, unit = _money(vals, text)
    lo, hi, marks = ticks(min(vals + [0]) / size, max(vals + [0]) / size, 4)
    # wide: the paths left of the bars; narrow: each path on a line above its bars
    left = 30 if lay.legend_below else 200
    right = lay.width - (30 if lay.legend_below else 40)
    per = 50 if lay.legend_below else 34
    plot_bottom = lay.top + per * len(rows) + 12
    height = plot_bottom + 70

    def sx(x: float) -> float:
        return left + (x - lo) / ((hi - lo) or 1) * (right - left)

    body = [f'<rect x="{left}" y="{lay.top}" width="{right - left}" '
            f'height="{plot_bottom - lay.top}" fill="none" stroke="#ccc" class="plot"/>',
            f'<line x1="{sx(0):.1f}" x2="{sx(0):.1f}" y1="{lay.top}" y2="{plot_bottom}" '
            f'stroke="#333"/>']
    for i, r in enumerate(rows):
        y = lay.top + 6 + i * per + (18 if lay.legend_below else 0)
        bar = min(24, per - 10 - (18 if lay.legend_below else 0))
        d = r["parties"][party]
        for key, colour in (("low", "#1f77b4"), ("high", "#d62728")):
            a, b = sorted((sx(0), sx(d[key] / size)))
            word = text.low if key == "low" else text.high
            body.append(f'<rect x="{a:.1f}" y="{y:.1f}" width="{max(b - a, 0.5):.1f}" '
                        f'height="{bar / 2:.1f}" fill="{colour}"><title>'
                        f'{escape(f"{word} {r[key]}: {number(d[key] / size, 0.01)} {unit}")}'
                        f'</title></rect>')
            y += bar / 2
        if lay.legend_below:
            body.append(f'<text x="{left + 2}" y="{y - bar - 6:.1f}" class="legend">'
                        f'{escape(_short(r["path"], right - left - 4, lay.font))}</text>')
        else:
            body.append(f'<text x="{left - 6}" y="{y - bar / 2 + 5:.1f}" text-anchor="end" '
                        f'class="legend">{escape(_short(r["path"], left - 10, lay.font))}'
                        f'</text>')
    for t in marks:
        body.append(f'<text x="{sx(t):.1f}" y="{plot_bottom + 18}" class="tick x" '
                    f'text-anchor="middle">{escape(number(t, marks[1] - marks[0]))}</text>')
    name = (names or {}).get(party, party)
    body.append(f'<text x="{lay.width / 2}" y="{plot_bottom + 40}" text-anchor="middle" '
                f'class="axis-label x">'
                f'{escape(fit(text.tornado_axis.format(party=name, unit=unit), lay.width - 8, lay.font))}'
                f'</text><text x="{lay.width / 2}" y="{plot_bottom + 60}" text-anchor="middle"'
                f' class="axis-key">{escape(fit(text.tornado_key, lay.width - 8, lay.font))}'
                f'</text>')
    return _frame(title, body, lay, show_title, height)


def _short(path: str, units: float, font: int) -> str:
    """A path cut at its start with … to fit ``units``."""
    limit = max(4, int(units / (0.6 * font)))
    return path if len(path) <= limit else "…" + path[-(limit - 1):]


def histogram(values: list[int], bins: int = 40, title: str = "NPV distribution",
              marks: dict[str, int] | None = None, *, text: ChartText = ENGLISH,
              layout: Layout = WIDE, show_title: bool = True) -> str:
    """A histogram of whole-fen values, with optional vertical marks (e.g. P5, P50, P95).
    The value axis runs over whole ticks around the values; the bins cover the values."""
    lay = layout
    if not values:
        return _empty(title, text.no_valid, lay, show_title)
    lo, hi = min(values), max(values)
    width = (hi - lo) / bins or 1
    counts = [0] * bins
    for v in values:
        counts[min(int((v - lo) / width), bins - 1)] += 1
    size, unit = _money([lo, hi], text)
    span = (hi - lo) / size
    pad = span / 20 if span else max(abs(lo) / size / 20, 1)
    xr = ticks((lo / size) - (0 if span else pad), (hi / size) + (0 if span else pad),
               4 if lay.legend_below else 6)
    yr = ticks(0, max(counts), 4)
    xstep = xr[2][1] - xr[2][0]
    ax, body = _axes(xr, yr, lay, lambda v: number(v, xstep), lambda c: f"{c:,.0f}",
                     text.npv_axis.format(unit=unit), text.count_axis,
                     _xevery(lay, [number(v, xstep) for v in xr[2]]))
    for i, c in enumerate(counts):
        x0 = ax.sx((lo + i * width) / size)
        x1 = ax.sx((lo + (i + 1) * width) / size) if span else x0 + 4
        body.append(f'<rect x="{x0:.1f}" y="{ax.sy(c):.1f}" '
                    f'width="{max(x1 - x0 - 1, 0.5):.1f}" height="{ax.sy(0) - ax.sy(c):.1f}" '
                    f'fill="#1f77b4"><title>{c:,}</title></rect>')
    items = []
    for name, v in (marks or {}).items():
        body.append(f'<line x1="{ax.sx(v / size):.1f}" x2="{ax.sx(v / size):.1f}" '
                    f'y1="{lay.top}" y2="{lay.top + ax.ph}" stroke="#d62728" '
                    f'stroke-dasharray="4 3"><title>{escape(name)}</title></line>')
        items.append(("#d62728", f"{name} {number(v / size, 0.01)}"))
    legend, height = _legend(lay, items, ax)
    return _frame(title, body + legend, lay, show_title, height)


__all__ = ["ENGLISH", "NARROW", "WIDE", "ChartText", "Layout", "histogram", "money_unit",
           "nice_step", "npv_by_value", "number", "ticks", "tornado"]
