"""The negotiation pages (/negotiate/...) through Flask's test client.

Figures on the pages are checked against an independent path: the same contract with the
value written into its document by hand, validated and run alone through ``sharing.api``
(not through the scenario planner or the pages' api). Monte Carlo runs use 200 draws.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest
from webhelpers import EXAMPLES, csrf_token

EXAMPLE = "incremental-step-split"  # Suzhou 0.3 / Suqian 0.7 in years 1-5, 0.5 / 0.5 after
SHARE = "clauses.increment_split.schedule[0].shares.suzhou"
GROWTH = "streams.park_vat.growth"
PAGES = ["", "/sweep", "/sensitivity", "/montecarlo", "/compare", "/solve", "/explain"]
HEADINGS = {
    "": ("Negotiation tools", "谈判工具"),
    "/sweep": ("Sweep: NPV by parameter value", "参数扫描：净现值随参数取值的变化"),
    "/sensitivity": ("Sensitivity of each party’s NPV (tornado)", "各方净现值的敏感性（龙卷风图）"),
    "/montecarlo": ("Monte Carlo: the NPV distribution under uncertainty",
                    "蒙特卡洛模拟：不确定条件下的净现值分布"),
    "/compare": ("Compare contracts side by side", "合同并列对比"),
    "/solve": ("Solve: the term that meets a target", "目标反求：满足目标的条款取值"),
    "/explain": ("Formulas: net total and NPV as functions of chosen terms",
                 "公式：净额合计和净现值作为所选条款的函数"),
}


# ---- helpers -----------------------------------------------------------------------------

def example_doc(name: str = EXAMPLE) -> dict:
    from sharing.api import load_document

    path = EXAMPLES / f"{name}.yaml"
    return load_document(path.read_bytes(), path.name)


def run_alone(doc: dict) -> dict:
    """The independent path: the document validated and run by itself."""
    from sharing.api import parse_contract, run_contract

    return run_contract(parse_contract(doc))


def with_share(suzhou: str, growth: str | None = None) -> dict:
    doc = copy.deepcopy(example_doc())
    seg = doc["clauses"][0]["schedule"][0]
    seg["shares"] = {"suzhou": suzhou, "suqian": str(1 - Decimal(suzhou))}
    if growth is not None:
        doc["streams"][0]["growth"] = growth
    return doc


def post(client, url: str, lang: str = "en", **data):
    token = csrf_token(client, f"/negotiate/sweep?lang={lang}")
    data.setdefault("source", f"example:{EXAMPLE}")
    return client.post(url, data={"csrf_token": token, **data},
                       headers={"Accept-Language": "en" if lang == "en" else "zh-CN"})


def cell(html: str, **attrs) -> str:
    """The data-amount of the first table cell whose own tag and row tag together carry all
    the given data- attributes."""
    rows = re.findall(r"(<tr[^>]*>)(.*?)</tr>", html, re.S) or [("", html)]
    for tr, body in rows:
        for m in re.finditer(r"<t[dh][^>]*>", body):
            tags = tr + m.group(0)
            if all(f'data-{k.replace("_", "-")}="{v}"' in tags for k, v in attrs.items()) \
                    and "data-amount=" in m.group(0):
                return re.search(r'data-amount="([^"]*)"', m.group(0)).group(1)
    raise AssertionError(f"no cell with {attrs}")


def row(html: str, scenario: int) -> str:
    m = re.search(rf'<tr data-scenario="{scenario}">(.*?)</tr>', html, re.S)
    assert m, f"no row for scenario {scenario}"
    return m.group(1)


def field_error(html: str, name: str) -> str:
    m = re.search(rf'id="err-{re.escape(name)}"[^>]*>(.*?)</span></span>', html, re.S)
    assert m, f"no error next to {name}"
    return re.sub(r"<[^>]+>", "", m.group(1))


def section(html: str, sid: str) -> str:
    m = re.search(rf'<section class="neg-result" id="{sid}".*?</section>', html, re.S)
    assert m, f"no {sid} on the page"
    return m.group(0)


# ---- pages in both languages --------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_each_page_in_both_languages(client, page):
    for lang, idx in (("en", 0), ("zh_CN", 1)):
        r = client.get(f"/negotiate{page}?lang={lang}")
        assert r.status_code == 200
        html = r.data.decode()
        assert HEADINGS[page][idx] in html
        assert ('<html lang="zh-CN">' in html) == (lang == "zh_CN")
        if page not in ("", "/compare"):
            assert 'name="csrf_token"' in html and 'name="source"' in html
            assert f'value="example:{EXAMPLE}"' in html  # the bundled examples to choose


def test_linked_from_the_nav_the_home_page_and_compare(client):
    home = client.get("/?lang=en").data.decode()
    assert 'href="/negotiate"' in home and 'id="open-negotiation"' in home
    assert 'href="/negotiate/compare"' in client.get("/compare?lang=en").data.decode()
    tools = client.get("/negotiate?lang=zh_CN").data.decode()
    for url in PAGES[1:]:
        assert f'href="/negotiate{url}"' in tools


def test_a_get_can_preselect_an_example_and_lists_its_paths(client):
    html = client.get(f"/negotiate/sweep?example={EXAMPLE}&lang=en").data.decode()
    assert f'<option value="example:{EXAMPLE}" selected' in html
    assert f"<code>{SHARE}</code>" in html and f'<option value="{GROWTH}">' in html


# ---- sweep --------------------------------------------------------------------------------

def test_sweep_points_equal_the_contract_run_alone(client):
    r = post(client, "/negotiate/sweep", path1=SHARE, values1="0.2, 0.35，1.5")
    assert r.status_code == 200, r.data.decode()[:3000]
    html = section(r.data.decode(), "sweep-result")
    for k, share in enumerate(("0.2", "0.35")):
        alone = run_alone(with_share(share))
        tr = row(html, k)
        assert f'data-param="{SHARE}">{share}<' in tr
        for pid in ("suzhou", "suqian"):
            assert cell(tr, party=pid, kind="npv") == alone["parties"][pid]["npv"]
            assert cell(tr, party=pid, kind="net_total") == alone["parties"][pid]["net_total"]
    # 1.5 is refused by the contract: listed with its reason, not a crash
    invalid = re.search(r'id="sweep-invalid".*?</table>', html, re.S).group(0)
    assert 'data-scenario="2"' in invalid and "at most 1" in invalid
    assert "2 of 3 grid points valid" in html
    svg = re.search(r'<figure class="chart-npv-by-value">.*?</figure>', html, re.S).group(0)
    assert "<svg" in svg and "NPV by parameter value" in svg and "Suzhou" in svg
    wide = re.search(r'<div class="chart-wide">.*?</div>', svg, re.S).group(0)
    ticks = re.findall(r'class="tick x" text-anchor="\w+">([0-9.]+)</text>', wide)
    assert ticks == ["0", "0.5", "1", "1.5"], ticks  # 0.2 … 1.5 (1.5 invalid, no point)


def test_sweep_of_two_parameters_with_a_range_draws_one_chart_per_second_value(client):
    r = post(client, "/negotiate/sweep", path1=SHARE, from1="0.2", to1="0.4", step1="0.1",
             path2=GROWTH, values2="0.08 0.12", lang="zh_CN")
    assert r.status_code == 200, r.data.decode()[:3000]
    html = section(r.data.decode(), "sweep-result")
    assert html.count('<figure class="chart-npv-by-value">') == 2
    assert "参数扫描" in r.data.decode() and "6 个网格点中有效 6 个" in html
    # grid order: the last parameter fastest; scenario 3 is share 0.3, growth 0.12
    alone = run_alone(with_share("0.3", "0.12"))
    tr = row(html, 3)
    assert f'data-param="{GROWTH}">0.12<' in tr and f'data-param="{SHARE}">0.3<' in tr
    assert cell(tr, party="suzhou", kind="npv") == alone["parties"]["suzhou"]["npv"]


def test_sweep_bad_path_is_shown_next_to_the_field_with_input_kept(client):
    for lang, words in (("en", "does not lead to a value"), ("zh_CN", "此路径没有指向合同中的值")):
        r = post(client, "/negotiate/sweep", lang=lang, path1="clauses.nosuch.shares.x",
                 values1="0.1, 0.2", path2=GROWTH, from2="0.01", to2="0.03", step2="0.01")
        assert r.status_code == 400
        html = r.data.decode()
        msg = field_error(html, "path1")
        assert words in msg and "nosuch" in msg
        assert 'value="clauses.nosuch.shares.x"' in html and 'value="0.1, 0.2"' in html
        assert 'value="0.03"' in html and 'id="sweep-result"' not in html


def test_sweep_bad_value_and_missing_values_are_shown_by_their_fields(client):
    r = post(client, "/negotiate/sweep", path1=SHARE, from1="0.1", to1="x", step1="0.1")
    assert r.status_code == 422
    assert "x is not a number" in field_error(r.data.decode(), "from1")
    r = post(client, "/negotiate/sweep", path1=SHARE, from1="0.5", to1="0.1", step1="0.1")
    assert "to 0.1 is below from 0.5" in field_error(r.data.decode(), "from1")
    r = post(client, "/negotiate/sweep", path1=SHARE)
    assert "Give the values" in field_error(r.data.decode(), "values1")


def test_sweep_over_the_grid_limit_is_refused_with_a_clear_message(app, client):
    app.config["NEGOTIATE_MAX_GRID"] = 10
    r = post(client, "/negotiate/sweep", path1=GROWTH, from1="0", to1="0.2", step1="0.01")
    assert r.status_code == 422
    assert "21 scenarios; this page runs at most 10" in field_error(r.data.decode(), "vary")
    r = post(client, "/negotiate/sweep", path1=GROWTH, from1="0", to1="0.2", step1="0.01",
             lang="zh_CN")
    assert "共 21 个情景；本页最多运行 10 个" in field_error(r.data.decode(), "vary")


def test_sweep_from_a_scenario_file_in_the_advanced_box(client):
    text = f"vary:\n  - path: {SHARE}\n    values: [0.25]\n"
    r = post(client, "/negotiate/sweep", scenario_text=text)
    assert r.status_code == 200, r.data.decode()[:3000]
    html = section(r.data.decode(), "sweep-result")
    alone = run_alone(with_share("0.25"))
    assert cell(row(html, 0), party="suqian", kind="npv") == alone["parties"]["suqian"]["npv"]


def test_a_pasted_or_uploaded_contract_is_used_and_kept(client):
    import io

    text = (EXAMPLES / f"{EXAMPLE}.yaml").read_text(encoding="utf-8")
    alone = run_alone(with_share("0.3"))
    r = post(client, "/negotiate/sweep", source="text", contract_text=text, path1=SHARE,
             values1="0.3")
    assert r.status_code == 200
    assert cell(row(r.data.decode(), 0), party="suzhou", kind="npv") == \
        alone["parties"]["suzhou"]["npv"]
    token = csrf_token(client, "/negotiate/sweep")
    r = client.post("/negotiate/sweep", data={
        "csrf_token": token, "source": "example:bth-92hao-relocation", "path1": SHARE,
        "values1": "0.3", "contract_file": (io.BytesIO(text.encode()), "mine.yaml")},
        content_type="multipart/form-data")
    html = r.data.decode()
    assert r.status_code == 200 and cell(row(html, 0), party="suzhou", kind="npv") == \
        alone["parties"]["suzhou"]["npv"]
    assert "incremental split over a growing baseline" in html  # its text is in the box


def test_a_refused_pasted_contract_names_its_paths_at_the_top_and_keeps_the_text(client):
    text = (EXAMPLES / f"{EXAMPLE}.yaml").read_text(encoding="utf-8").replace(
        "{suzhou: 0.3, suqian: 0.7}", "{suzhou: 0.3, suqian: 0.8}")
    r = post(client, "/negotiate/sweep", source="text", contract_text=text, path1=SHARE,
             values1="0.3")
    assert r.status_code == 422
    html = r.data.decode()
    summary = re.search(r'id="errors-summary".*?</div>', html, re.S).group(0)
    assert "<code>clauses[0].schedule[0].shares</code>" in summary
    assert "{suzhou: 0.3, suqian: 0.8}" in html and f'value="{SHARE}"' in html


# ---- sensitivity --------------------------------------------------------------------------

def test_sensitivity_rows_are_the_changes_of_npv_run_alone(client):
    r = post(client, "/negotiate/sensitivity", s0_path=GROWTH, s0_low="0.05", s0_high="0.15",
             s1_path=SHARE, s1_low="0.2", s1_high="0.4")
    assert r.status_code == 200, r.data.decode()[:3000]
    html = section(r.data.decode(), "sensitivity-result")
    base = run_alone(example_doc())
    for pid in ("suzhou", "suqian"):
        assert cell(html, party=pid) == base["parties"][pid]["npv"]
    share_row = re.search(rf'<tr data-path="{re.escape(SHARE)}">.*?</tr>', html, re.S).group(0)
    for side, share in (("low", "0.2"), ("high", "0.4")):
        alone = run_alone(with_share(share))
        for pid in ("suzhou", "suqian"):
            change = Decimal(alone["parties"][pid]["npv"]) - Decimal(base["parties"][pid]["npv"])
            assert Decimal(cell(share_row, party=pid, side=side)) == change
    # two parties, each drawn wide and narrow: 2 × 2 = 4 drawings
    assert html.count('<figure class="chart-tornado"') == 2 and html.count("<svg") == 4
    # the widest swing first: growth moves both NPVs far more than the five-year share
    assert html.index(f'data-path="{GROWTH}"') < html.index(f'data-path="{SHARE}"')


def test_sensitivity_errors_stand_by_their_row(client):
    r = post(client, "/negotiate/sensitivity", s0_path=SHARE, s0_low="0.2", s0_high="1.4",
             s1_path="streams.nope.growth", s1_low="0", s1_high="abc")
    html = r.data.decode()
    assert r.status_code in (400, 422)
    assert "nope" in field_error(html, "s1_path")
    assert "abc is not a number" in field_error(html, "s1_high")
    r = post(client, "/negotiate/sensitivity", s0_path=SHARE, s0_low="0.2", s0_high="1.4")
    assert r.status_code == 400
    assert "at most 1" in field_error(r.data.decode(), "s0_path")
    assert 'value="1.4"' in r.data.decode()


# ---- Monte Carlo --------------------------------------------------------------------------

def test_montecarlo_with_a_degenerate_draw_gives_the_contracts_own_npv(client):
    """uniform(0.1, 0.1) on a growth the contract already has at 0.1: every draw is the
    contract itself, so every percentile is its NPV run alone and no event happens."""
    r = post(client, "/negotiate/montecarlo", d0_path=GROWTH, d0_dist="uniform", d0_low="0.1",
             d0_high="0.1", d0_mean="9", n="200", seed="5")
    assert r.status_code == 200, r.data.decode()[:3000]
    html = section(r.data.decode(), "montecarlo-result")
    alone = run_alone(example_doc())
    for pid in ("suzhou", "suqian"):
        for stat in ("p5", "p50", "p95", "mean", "min", "max"):
            tr = re.search(rf'<tr data-party="{pid}" data-kind="npv">.*?</tr>', html,
                           re.S).group(0)
            assert cell(tr, stat=stat) == alone["parties"][pid]["npv"]
    assert "200 valid scenarios of 200" in html
    assert html.count('<figure class="chart-histogram"') == 2
    for ev in ("cap_reached", "guarantee_called", "pool_exhausted", "exit_triggered"):
        assert re.search(rf'data-event="{ev}">.*?0 / 200.*?0.00 %', html, re.S)


def test_montecarlo_with_a_seed_gives_the_same_page_twice(client):
    data = dict(d0_path=GROWTH, d0_dist="normal", d0_mean="0.1", d0_sd="0.03",
                d1_path="streams.park_cit.first", d1_dist="triangular", d1_low="8000000",
                d1_mode="9500000", d1_high="11000000", n="200", seed="20250101")
    first = section(post(client, "/negotiate/montecarlo", **data).data.decode(),
                    "montecarlo-result")
    again = section(post(client, "/negotiate/montecarlo", **data).data.decode(),
                    "montecarlo-result")
    assert first == again
    other = section(post(client, "/negotiate/montecarlo", **{**data, "seed": "7"}).data.decode(),
                    "montecarlo-result")
    digest = re.compile(r'id="mc-digest">([0-9a-f]{64})<')
    assert digest.search(first).group(1) != digest.search(other).group(1)
    tr = re.search(r'<tr data-party="suzhou" data-kind="npv">.*?</tr>', first, re.S).group(0)
    assert Decimal(cell(tr, stat="p5")) < Decimal(cell(tr, stat="p50")) < \
        Decimal(cell(tr, stat="p95"))


def test_montecarlo_over_the_limit_is_refused_next_to_n(client):
    for lang, words in (("en", "20,001 scenarios; this page runs at most 20,000"),
                        ("zh_CN", "共 20,001 个情景；本页最多运行 20,000 个")):
        r = post(client, "/negotiate/montecarlo", lang=lang, d0_path=GROWTH,
                 d0_dist="normal", d0_mean="0.1", d0_sd="0.03", n="20001", seed="1")
        assert r.status_code == 422
        html = r.data.decode()
        assert words in field_error(html, "n")
        assert 'value="20001"' in html and 'value="0.03"' in html
        assert 'id="montecarlo-result"' not in html


def test_montecarlo_missing_distribution_parameter_is_named(client):
    r = post(client, "/negotiate/montecarlo", d0_path=GROWTH, d0_dist="triangular",
             d0_low="0", d0_high="0.2", n="10")
    assert r.status_code == 422
    assert "triangular draw needs this value" in field_error(r.data.decode(), "d0_mode")
    r = post(client, "/negotiate/montecarlo", d0_path=GROWTH, d0_dist="normal", d0_mean="0.1",
             d0_sd="-1", n="10")
    assert "sd -1 must be ≥ 0" in field_error(r.data.decode(), "d0")


# ---- compare ------------------------------------------------------------------------------

def test_compare_a_saved_scenario_with_its_example(app, client):
    from web import storage

    doc = with_share("0.45")
    with app.app_context():
        sid = storage.save_scenario(storage.db(), "Suzhou asks 45 %", doc, "0" * 64)
    r = post(client, "/negotiate/compare", c0=f"example:{EXAMPLE}", c1=f"scenario:{sid}",
             source="")
    assert r.status_code == 200, r.data.decode()[:3000]
    html = section(r.data.decode(), "compare-result")
    a, b = run_alone(example_doc()), run_alone(doc)
    for pid in ("suzhou", "suqian"):
        assert cell(html, party=pid, contract="0", kind="npv") == a["parties"][pid]["npv"]
        assert cell(html, party=pid, contract="1", kind="npv") == b["parties"][pid]["npv"]
        assert cell(html, party=pid, contract="1", kind="net_total") == \
            b["parties"][pid]["net_total"]
    assert "Suzhou asks 45 %" in html
    years = re.search(r'<table class="neg-table years" data-party="suzhou">.*?</table>', html,
                      re.S).group(0)
    assert years.count("<tr>") == 1 + len(a["years"])


def test_compare_needs_two_contracts(client):
    r = post(client, "/negotiate/compare", c0=f"example:{EXAMPLE}", source="")
    assert r.status_code == 422
    assert "at least two" in field_error(r.data.decode(), "c1")
    r = post(client, "/negotiate/compare", c0=f"example:{EXAMPLE}", c1="scenario:999",
             source="")
    assert "999" in field_error(r.data.decode(), "c1")


# ---- solve and explain --------------------------------------------------------------------

def test_solve_a_partys_npv_equal_to_an_amount_checked_within_one_fen(client):
    r = post(client, "/negotiate/solve", find=SHARE, kind="value", party_a="suzhou",
             value="60,000,000")
    assert r.status_code == 200, r.data.decode()[:3000]
    html = section(r.data.decode(), "solve-result")
    assert 'data-feasible="yes"' in html
    value = re.search(r'id="solve-value">([^<]+)<', html).group(1)
    alone = run_alone(with_share(value))
    assert abs(Decimal(alone["parties"]["suzhou"]["npv"]) - 60000000) <= Decimal("0.01")
    assert cell(html, party="suzhou", kind="npv") == alone["parties"]["suzhou"]["npv"]
    assert "met to within one fen" in html
    assert "npv(suzhou) == 60000000" in html


def test_solve_a_formula_target_in_chinese(client):
    r = post(client, "/negotiate/solve", lang="zh_CN", find=SHARE, kind="formula",
             formula="npv(suzhou) == npv(suqian) / 2")
    html = section(r.data.decode(), "solve-result")
    value = re.search(r'id="solve-value">([^<]+)<', html).group(1)
    alone = run_alone(with_share(value))["parties"]
    assert abs(Decimal(alone["suzhou"]["npv"]) - Decimal(alone["suqian"]["npv"]) / 2) <= \
        Decimal("0.01")
    assert "在一分钱以内达到目标" in html


def test_solve_infeasible_target_says_so_with_the_closest_value(client):
    r = post(client, "/negotiate/solve", find="clauses.increment_split.schedule[1].shares.suzhou",
             kind="equal", party_a="suzhou", party_b="suqian")
    assert r.status_code == 200
    html = section(r.data.decode(), "solve-result")
    assert 'data-feasible="no"' in html and "Infeasible" in html and "Closest achievable" in html
    assert re.search(r'id="solve-value">1<', html) and "not met to within one fen" in html


def test_solve_refuses_bad_input_by_its_field(client):
    r = post(client, "/negotiate/solve", find=SHARE, kind="equal", party_a="suzhou",
             party_b="hebei")
    assert r.status_code == 422
    assert "hebei is not a party of this contract (suzhou, suqian)" in \
        field_error(r.data.decode(), "party_b")
    r = post(client, "/negotiate/solve", find=SHARE, kind="formula",
             formula="__import__('os').system('true')")
    assert r.status_code == 400
    assert "not allowed" in field_error(r.data.decode(), "formula")
    r = post(client, "/negotiate/solve", find="streams[9].growth", kind="equal",
             party_a="suzhou", party_b="suqian")
    assert "there is no [9]" in field_error(r.data.decode(), "find")


def test_explain_formulas_equal_the_ledger(client):
    r = post(client, "/negotiate/explain", params=SHARE, party="suzhou")
    assert r.status_code == 200, r.data.decode()[:3000]
    html = section(r.data.decode(), "explain-result")
    assert "alloc_1(" in html and "\\operatorname{alloc}" in html
    assert html.count("✓") == 2 and "✗" not in html
    npv = run_alone(example_doc())["parties"]["suzhou"]["npv"]
    assert f"{Decimal(npv):,.2f}" in html


def test_explain_refuses_more_parameters_than_a_request_may_take(client):
    r = post(client, "/negotiate/explain", params=", ".join([SHARE] * 4), party="suzhou")
    assert r.status_code == 422, r.data.decode()[:2000]
    assert "4 parameters; this page explains at most 3" in field_error(r.data.decode(),
                                                                       "params")
    assert 'id="explain-result"' not in r.data.decode()


# ---- security -----------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES[1:])
def test_a_post_without_the_csrf_token_is_refused(client, page):
    r = client.post(f"/negotiate{page}?lang=en", data={"source": f"example:{EXAMPLE}",
                                                       "path1": SHARE, "values1": "0.3"})
    assert r.status_code == 400
    assert "did not come from this site" in r.data.decode()


def test_script_and_html_in_paths_and_names_are_escaped(app, client):
    from web import storage

    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    doc = example_doc()
    doc["name"] = evil
    doc["parties"][0]["name"] = evil
    with app.app_context():
        sid = storage.save_scenario(storage.db(), evil, doc, "0" * 64)
    r = post(client, "/negotiate/sweep", source=f"scenario:{sid}", path1=SHARE,
             values1="0.3", path2=evil, values2="1")
    html = r.data.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html  # the path echoed, escaped, in its field and its error
    r = post(client, "/negotiate/sweep", source=f"scenario:{sid}", path1=SHARE, values1="0.3")
    assert r.status_code == 200
    html = r.data.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert 'id="sweep-result"' in html and "&lt;script&gt;" in html
    r = post(client, "/negotiate/sensitivity", source=f"scenario:{sid}", s0_path=SHARE,
             s0_low="0.2", s0_high="0.4")
    assert r.status_code == 200 and "<script>alert" not in r.data.decode()
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
