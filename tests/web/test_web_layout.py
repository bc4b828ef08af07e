"""Every main page from a phone to a wide screen (issue 17 points 2 and 8), in headless Chromium.

At 390 px, 360 px and 1280 px: the page is never wider than the viewport (only tables scroll, inside
their own box, first column sticky), chart text is at least 11 px as rendered (font size times
the SVG's scale on screen), the top menu is collapsed on a phone and open on a wide screen.
The negotiation charts: the sweep chart's title once, the Monte Carlo axis in the reader's
language and unit, no tick outside the plot; the Monte Carlo statistics table fully visible at
1280 px. Screenshots of each page at both widths go to tests/artifacts/layout-*.png.
"""

from __future__ import annotations

import itertools

import pytest
from webhelpers import ARTIFACTS, DATA, bth_example, screenshot

pytestmark = pytest.mark.browser

PHONE, SMALL, WIDE = 390, 360, 1280
NEG_EXAMPLE = "incremental-step-split"  # Suzhou 0.3 / Suqian 0.7 in years 1-5
SHARE = "clauses.increment_split.schedule[0].shares.suzhou"
GROWTH = "streams.park_vat.growth"

MEASURE = """() => {
  const out = {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
               small: [], wide: [], texts: 0};
  for (const t of document.querySelectorAll('svg text')) {
    const r = t.getBoundingClientRect();
    if (!r.width || !r.height || !t.textContent.trim()) continue;
    const m = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
    out.texts += 1;
    if (px < 11) out.small.push(t.textContent.slice(0, 24) + ' ' + px.toFixed(1) + 'px');
  }
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > window.innerWidth + 0.5 && !el.closest('.scroll')
        && !el.parentElement.closest('[data-wide]')) {
      el.setAttribute('data-wide', '');
      out.wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                    (el.className && el.className.baseVal === undefined && el.className
                     ? '.' + String(el.className).split(' ').join('.') : '') +
                    ' ' + Math.round(r.right));
    }
  }
  for (const el of document.querySelectorAll('[data-wide]')) el.removeAttribute('data-wide');
  // names in a table's first column: never squeezed to a character or two a line
  out.squeezed = [];
  for (const c of document.querySelectorAll('table tbody tr > :first-child')) {
    const text = c.textContent.trim(), r = c.getBoundingClientRect();
    if (text.length < 4 || !r.width) continue;
    const em = parseFloat(getComputedStyle(c).fontSize);
    if (r.width < 3 * em) out.squeezed.push(text.slice(0, 16) + ' ' + Math.round(r.width));
  }
  // buttons wrap as whole buttons: their words stay on one line
  out.tall = [];
  for (const b of document.querySelectorAll('button, .button, a.btn, input[type=submit]')) {
    const r = b.getBoundingClientRect();
    if (!r.width || !r.height || !b.textContent.trim()) continue;
    const cs = getComputedStyle(b), em = parseFloat(cs.fontSize);
    const inner = r.height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom)
                  - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth);
    if (inner > 2 * em) out.tall.push(b.textContent.trim().slice(0, 24) + ' ' + Math.round(r.height));
  }
  return out;
}"""


def post_form(page, url: str, fields: dict[str, str], button: str, wait: str) -> None:
    """Open the GET page, type each field as a person would, press the button."""
    page.goto(url)
    for name, value in fields.items():
        loc = page.locator(f'[name="{name}"]').first
        if loc.evaluate("e => e.tagName") == "SELECT":
            loc.select_option(value)
        else:
            loc.fill(value)
    page.click(button)
    page.wait_for_selector(wait)


def _results(page, base: str) -> str:
    page.goto(base + "/form?example=" + bth_example().stem)
    page.wait_for_selector('[data-input="clauses[0].id"]')
    page.click("#run-button")
    page.wait_for_url("**/results/*")
    return page.url.split("?")[0]


_SAVED = itertools.count(1)


def _save(page, base: str, name: str, start: str | None = None) -> str:
    """Save the example under ``name`` and a running number: the pages share one server,
    and a name already taken would ask whether to replace it."""
    name = f"{name}（{next(_SAVED)}）"
    page.goto(base + "/form?example=" + bth_example().stem)
    page.wait_for_selector('[data-input="clauses[0].id"]')
    if start is not None:
        page.fill('[data-input="clauses[0].start"]', start)
    page.fill('.toolbar input[name="name"]', name)
    page.click("#save-button")
    page.wait_for_url("**/scenarios/*")
    return page.url.rsplit("/", 1)[1].split("?")[0]


def open_page(page, base: str, name: str) -> None:
    """Bring the browser to the page ``name`` with content on it (results computed, forms
    submitted), as a finance officer would get there."""
    ex = f"example:{NEG_EXAMPLE}"
    if name == "home":
        page.goto(base + "/")
    elif name == "form":
        page.goto(base + "/form?example=" + bth_example().stem)
        page.wait_for_selector('[data-input="clauses[0].id"]')
    elif name == "results":
        _results(page, base)
    elif name == "entries":
        page.goto(_results(page, base) + "/entries")
    elif name in ("scenarios", "compare"):
        a = _save(page, base, "布局甲：五五分")
        b = _save(page, base, "布局乙：四六分", start="0.4")
        if name == "scenarios":
            page.goto(base + "/scenarios")
        else:
            page.goto(base + f"/compare?a={a}&b={b}")
            page.wait_for_selector("#compare-table")
    elif name == "audit":
        page.goto(base + "/audit")
    elif name == "audit_run":
        sid = _save(page, base, "布局审计")
        feature = DATA / "layout-audit.feature"
        page.goto(base + f"/scenarios/{sid}")
        page.set_input_files('#audit-upload input[type=file]', str(feature))
        page.click('#audit-upload button[type=submit]')
        page.wait_for_selector("#audit-scenarios")
    elif name == "login":
        page.goto(base + "/login")
    elif name == "negotiate":
        page.goto(base + "/negotiate")
    elif name == "sweep":
        post_form(page, base + "/negotiate/sweep", {"source": ex, "path1": SHARE,
                  "values1": "0.2, 0.3, 0.4, 0.5"}, "#run-sweep", "#sweep-table")
    elif name == "montecarlo":
        post_form(page, base + "/negotiate/montecarlo", {"source": ex, "d0_path": GROWTH,
                  "d0_dist": "normal", "d0_mean": "0.1", "d0_sd": "0.03", "n": "300",
                  "seed": "7"}, "#run-montecarlo", "#montecarlo-result")
    elif name == "solve":
        post_form(page, base + "/negotiate/solve", {"source": ex, "find": SHARE,
                  "kind": "equal", "party_a": "suzhou", "party_b": "suqian"},
                  "#solve-form button[type=submit]", "#solve-check")
    elif name == "sensitivity":
        post_form(page, base + "/negotiate/sensitivity", {"source": ex, "s0_path": GROWTH,
                  "s0_low": "0.05", "s0_high": "0.15", "s1_path": SHARE, "s1_low": "0.2",
                  "s1_high": "0.4"}, "#run-sensitivity", "#tornado-table")
    elif name == "explain":
        post_form(page, base + "/negotiate/explain", {"source": ex, "params": SHARE,
                  "party": "suzhou"}, "#explain-form button[type=submit]", ".neg-result")
    elif name == "negotiate_compare":
        post_form(page, base + "/negotiate/compare", {"c0": ex,
                  "c1": "example:linear-buffer-two-cohorts"},
                  "#compare-form button[type=submit]", "#compare-summary")
    elif name == "api":
        page.goto(base + "/api/docs")
    else:
        raise AssertionError(name)


PAGES = ["home", "form", "results", "entries", "scenarios", "compare", "audit", "audit_run",
         "login", "negotiate", "sweep", "montecarlo", "solve", "sensitivity", "explain",
         "negotiate_compare", "api"]


def measure(page, width: int) -> dict:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(50)  # one layout after the resize
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_and_a_wide_screen(page, live_server, name):
    page.set_viewport_size({"width": PHONE, "height": 900})
    open_page(page, live_server.url, name)
    for width in (PHONE, SMALL, WIDE):
        m = measure(page, width)
        screenshot(page, f"layout-{name}-{width}.png")
        charts = page.locator("svg:visible")
        for k in range(min(charts.count(), 2)):  # the charts themselves, to look at
            charts.nth(k).screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}-chart{k}.png"))
        print(f"LAYOUT {name} {width}: scrollWidth {m['scroll']} of {m['inner']}, "
              f"{m['texts']} chart texts, {len(m['small'])} under 11 px")
        assert m["scroll"] <= m["inner"], (name, width, m["scroll"], m["wide"][:8])
        assert not m["small"], (name, width, m["small"][:8])
        assert not m["squeezed"], (name, width, m["squeezed"][:8])
        assert not m["tall"], (name, width, m["tall"][:8])


# ---- the menu -----------------------------------------------------------------------------

def test_menu_is_folded_on_a_phone_opens_from_the_keyboard_and_is_open_on_a_wide_screen(
        page, live_server):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(live_server.url + "/")
    nav = page.locator("#top-nav")
    toggle = page.locator("#menu-toggle")
    assert toggle.is_visible() and not nav.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    # the links stack one under the other, each a whole line: none wider than the screen
    boxes = [a.bounding_box() for a in nav.locator("a").all()]
    links = 6  # new contract, saved scenarios, compare, cases, negotiation tools, API
    assert len(boxes) == links and all(b["x"] + b["width"] <= PHONE for b in boxes)
    assert len({round(b["y"]) for b in boxes}) == links
    screenshot(page, "layout-menu-open-390.png")
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    page.set_viewport_size({"width": WIDE, "height": 800})
    assert nav.is_visible() and not toggle.is_visible()
    boxes = [a.bounding_box() for a in nav.locator("a").all()]
    assert len({round(b["y"]) for b in boxes}) == 1  # one row of links


# ---- the negotiation charts (point 8) -----------------------------------------------------

TICKS_ON_PLOT = """svg => {
  const plot = svg.querySelector('rect.plot');
  const x0 = plot.x.baseVal.value, x1 = x0 + plot.width.baseVal.value;
  const y0 = plot.y.baseVal.value, y1 = y0 + plot.height.baseVal.value;
  const off = [];
  for (const t of svg.querySelectorAll('text.tick.x')) {
    const x = t.x.baseVal[0].value; if (x < x0 - 0.5 || x > x1 + 0.5) off.push(t.textContent);
  }
  for (const t of svg.querySelectorAll('text.tick.y')) {
    const y = t.y.baseVal[0].value - 5; if (y < y0 - 0.5 || y > y1 + 0.5) off.push(t.textContent);
  }
  return off;
}"""


@pytest.mark.parametrize("width", [PHONE, WIDE])
def test_sweep_chart_title_once_and_every_tick_on_the_plot(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, live_server.url, "sweep")
    fig = page.locator("figure.chart-npv-by-value").first
    svg = fig.locator("svg:visible")
    assert svg.count() == 1
    title = fig.locator("figcaption").inner_text()
    assert title == "净现值随参数取值的变化"
    shown = fig.inner_text()  # every text the reader sees in the figure
    assert shown.count(title) == 1, shown
    assert title not in svg.locator("text").all_text_contents()  # not drawn again inside
    assert svg.evaluate(TICKS_ON_PLOT) == []
    # the value axis: 万元 or 亿元 named once, in Chinese; the ticks are plain numbers
    label = svg.locator("text.axis-label.y").text_content()
    assert label in ("净现值（万元）", "净现值（亿元）"), label
    assert not [t for t in svg.locator("text.tick").all_text_contents() if "万" in t or "亿" in t]


@pytest.mark.parametrize("width", [PHONE, WIDE])
def test_montecarlo_axis_in_chinese_ticks_on_the_plot_and_statistics_whole(page, live_server,
                                                                           width):
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, live_server.url, "montecarlo")
    figs = page.locator("figure.chart-histogram")
    assert figs.count() == 2
    for k in range(2):
        svg = figs.nth(k).locator("svg:visible")
        assert svg.count() == 1
        assert svg.evaluate(TICKS_ON_PLOT) == []
        x_label = svg.locator("text.axis-label.x").text_content()
        assert x_label in ("净现值（万元）", "净现值（亿元）"), x_label
        assert svg.locator("text.axis-label.y").text_content() == "情景数"
        assert "NPV" not in figs.nth(k).inner_text() and "yuan" not in figs.nth(k).inner_text()
    if width == WIDE:  # the statistics table is whole on a wide screen: nothing to scroll
        table = page.locator("table.mc-percentiles").first
        fits = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth,"
                              " t.getBoundingClientRect().right, window.innerWidth]")
        assert fits[0] <= fits[1] and fits[2] <= fits[3], fits
        last = table.locator("thead th").last
        assert last.inner_text() == "最大值" and last.bounding_box()["x"] + \
            last.bounding_box()["width"] <= fits[2] + 0.5


def test_chart_words_in_english_on_an_english_page(page, live_server):
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto(live_server.url + "/negotiate?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    open_page(page, live_server.url, "montecarlo")
    svg = page.locator("figure.chart-histogram").first.locator("svg:visible")
    assert svg.locator("text.axis-label.x").text_content() in ("NPV (10k yuan)",
                                                                "NPV (100M yuan)")
    assert svg.locator("text.axis-label.y").text_content() == "scenarios"
    assert page.locator("figure.chart-histogram figcaption").first.inner_text() == \
        "NPV of Suzhou (sending)"
    open_page(page, live_server.url, "sensitivity")
    svg = page.locator("figure.chart-tornado").first.locator("svg:visible")
    assert svg.locator("text.axis-label.x").text_content() in (
        "change in Suzhou (sending)'s NPV (10k yuan)", "change in Suzhou (sending)'s NPV (yuan)")
    assert svg.locator("text.axis-key").text_content() == "low value blue, high value red"
