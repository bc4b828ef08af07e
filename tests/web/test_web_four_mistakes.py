"""Issue 17 point 1 in a real browser: the four-mistake form gets all four errors at once.

tests/data/four_mistakes.yaml (a 万元 contract) has an empty clause id, shares 0.3 + 0.6 =
0.9, a negative tax amount -1000 and a segment 6-12 in a 10-year contract. The officer
uploads it, types the baseline as 0.05亿 (= 5,000,000 元 = 500 万元, point 4) and computes:
the first submit shows all four messages, each next to its field, a summary at the top whose
links point at them, in zh-CN and in English, with names rather than paths; nothing typed is
lost and the baseline is shown back as 500.
"""

from __future__ import annotations

import pytest
from webhelpers import ROOT, screenshot

FOUR = ROOT / "tests" / "data" / "four_mistakes.yaml"
FIELDS = ["clauses[0].id", "clauses[0].schedule[0].shares", "streams[0].first",
          "clauses[0].schedule[1].years"]
#: The form sends no empty text, so the empty id is "required" (此项必填).
EXPECTED = {
    "zh": {"clauses[0].id": "必填", "clauses[0].schedule[0].shares": "0.9",
           "streams[0].first": "-1000", "clauses[0].schedule[1].years": "6-12"},
    "en": {"clauses[0].id": "required", "clauses[0].schedule[0].shares": "sum to 0.9",
           "streams[0].first": "-1000 is negative",
           "clauses[0].schedule[1].years": "6-12 reaches past the contract's 10 years"},
}


def sel(path: str) -> str:
    return f'[data-input="{path}"]'


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_four_mistakes_all_shown_on_the_first_submit(page, live_server, lang):
    query = "?lang=en" if lang == "en" else "?lang=zh-CN"
    page.goto(live_server.url + "/form" + query)
    page.set_input_files(".inline-upload input[type=file]", str(FOUR))
    page.click(".inline-upload button[type=submit]")
    page.wait_for_selector(sel("clauses[0].baseline.amount"))
    page.fill(sel("clauses[0].baseline.amount"), "0.05亿")
    page.click("#run-button")
    page.wait_for_selector("#errors-summary")
    items = page.locator("#errors-summary li")
    assert items.count() == 4
    summary = page.inner_text("#errors-summary")
    assert "4" in summary
    assert "clauses[" not in summary and "streams[" not in summary  # names, not paths
    if lang == "zh":
        assert "增值税" in summary and "problem" not in summary
    for path in FIELDS:
        box = page.locator(f'[data-path="{path}"] > .field-error, '
                           f'[data-path="{path}"] .field-error[data-error-path="{path}"]')
        assert box.count() >= 1, path
        assert EXPECTED[lang][path] in box.first.inner_text(), path
    hrefs = [items.nth(k).locator("a").get_attribute("href") for k in range(4)]
    for href in hrefs:
        assert page.locator(href).count() == 1  # each link's anchor is a field's message
    assert page.input_value(sel("clauses[0].baseline.amount")) == "500"
    assert page.input_value(sel("streams[0].first")) == "-1000"
    assert page.input_value(sel("clauses[0].schedule[0].shares.anhui")) == "0.6"
    screenshot(page, f"form-four-mistakes-{lang}.png")
