"""The example contracts in examples/ give the figures worked by hand in their header comments.

Each test runs ``sharing run examples/X.yaml --format json`` through the console script and
checks figures that were worked out by hand (and checked with an independent exact
calculation) before the engine existed. Amounts are compared as whole fen, never as floats.
"""

from __future__ import annotations

import functools
import json
import os
import pathlib
import re
import subprocess
import sys
from decimal import Decimal

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARING = pathlib.Path(sys.executable).with_name("sharing")

EXAMPLE_FILES = [
    "bth-92hao-relocation.yaml",
    "incremental-step-split.yaml",
    "linear-buffer-two-cohorts.yaml",
    "gdp-indicator-split.yaml",
    "zhongguancun-operated-park.yaml",
    "zhejiang-mountain-sea-guarantee.yaml",
    "joint-devco-equity.yaml",
    "early-exit-npv-buyout.yaml",
]

ANY = object()
_AMOUNT = re.compile(r"-?\d+\.\d{2}")


def fen(text: str) -> int:
    """A yuan amount written with exactly two decimals ("1234.50") as whole fen."""
    assert isinstance(text, str) and _AMOUNT.fullmatch(text), f"not a yuan amount: {text!r}"
    return int(Decimal(text) * 100)


def _sharing(path: pathlib.Path, fmt: str) -> subprocess.CompletedProcess[str]:
    # English labels whatever the machine's locale (the default language follows LC_ALL/LANG)
    return subprocess.run([str(SHARING), "run", str(path), "--format", fmt],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})


@functools.cache
def result(name: str) -> dict:
    proc = _sharing(EXAMPLES / name, "json")
    assert proc.returncode == 0, f"sharing run {name} failed ({proc.returncode}): {proc.stderr}"
    return json.loads(proc.stdout)


def _matches(value, wanted) -> bool:
    if wanted is ANY:
        return True
    if isinstance(wanted, (set, frozenset)):
        return value in wanted
    return value == wanted


def total(res: dict, *, year=ANY, party=ANY, kind=ANY, clause=ANY, stream=ANY) -> int:
    """Sum, in fen, of the ledger entries matching every given filter (None matches null)."""
    return sum(fen(e["amount"]) for e in res["entries"]
               if _matches(e["year"], year) and _matches(e["party"], party)
               and _matches(e["kind"], kind) and _matches(e["clause"], clause)
               and _matches(e["stream"], stream))


def net(res: dict, party: str, year: int) -> int:
    return fen(res["parties"][party]["net_by_year"][res["years"].index(year)])


def net_total(res: dict, party: str) -> int:
    return fen(res["parties"][party]["net_total"])


def indicator(res: dict, party: str, year: int) -> int:
    return fen(res["indicators"][party]["net_by_year"][res["years"].index(year)])


def events(res: dict) -> list[tuple[int, str, str]]:
    return sorted((ev["year"], ev["clause"], ev["kind"]) for ev in res["events"])


# ---- every example runs in every output format ------------------------------------------------

@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_example_runs_as_table(name):
    """The table's totals row gives each party's net total, as the independent exact reading
    of the semantics (tests/reference.py) computes it, in the contract's party order."""
    proc = _sharing(EXAMPLES / name, "table")
    assert proc.returncode == 0, proc.stderr
    ref = _reference(name)
    net = ref.net_by_year()
    expected = [f"{Decimal(sum(net[p])) / 100:,.2f}" for p in ref.parties]
    total = next(line for line in proc.stdout.splitlines() if line.split()[:1] == ["total"])
    assert total.split()[1:] == expected
    lines = proc.stdout.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("-----")]
    rows = [line.split() for line in lines[rules[0] + 1:rules[1]]]
    assert [int(r[0]) for r in rows] == [ref.contract.calendar(t)
                                         for t in range(1, ref.years + 1)]
    for t, r in enumerate(rows):
        assert r[1:] == [f"{Decimal(net[p][t]) / 100:,.2f}" for p in ref.parties]


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_example_runs_as_csv(name):
    """The ledger CSV holds every money entry: its amounts add up, by party and kind, to the
    independent exact reading's totals (tests/reference.py)."""
    import csv
    import io

    from sharing.api import load_file
    from sharing.explain_text import KIND_NAMES

    proc = subprocess.run([str(SHARING), "run", str(EXAMPLES / name), "--format", "csv",
                           "--lang", "en"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    body = "".join(line for line in io.StringIO(proc.stdout) if not line.startswith("#"))
    # the CSV is for a person: parties by name, kinds in words; back to ids and kinds here
    party_id = {p.name or p.id: p.id for p in load_file(str(EXAMPLES / name)).parties}
    kind_of = {v: k for k, v in KIND_NAMES.items()}
    got: dict[tuple[str, str], int] = {}
    for row in csv.DictReader(io.StringIO(body)):
        if row["party"]:
            key = (party_id[row["party"]], kind_of[row["kind"]])
            got[key] = got.get(key, 0) + fen(row["amount (yuan)"])
    ref = _reference(name)
    wanted = {(p, k): v for p, kinds in ref.totals_by_kind().items() for k, v in kinds.items()}
    assert {k: v for k, v in got.items() if v} == wanted


@functools.cache
def _reference(name: str):
    from reference import compute

    from sharing.api import load_file

    return compute(load_file(str(EXAMPLES / name)))


def test_every_example_file_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(EXAMPLE_FILES)


# ---- bth-92hao-relocation.yaml (unit wan, 92号 flat buffer with per-stream caps) -------------

BTH = "bth-92hao-relocation.yaml"


def test_bth_2017_each_tax_split_half_and_half():
    r = result(BTH)
    assert total(r, year=2017, party="beijing", kind="share", stream="firm_vat") == fen("6354855.00")
    assert total(r, year=2017, party="beijing", kind="share", stream="firm_cit") == fen("2518300.00")
    assert net(r, "beijing", 2017) == fen("8873155.00")


def test_bth_2018_odd_fen_goes_to_beijing_listed_first():
    r = result(BTH)
    assert total(r, year=2018, party="beijing", kind="share", stream="firm_vat") == fen("11279867.63")
    assert total(r, year=2018, party="hebei", kind="share", stream="firm_vat") == fen("11279867.62")


def test_bth_2020_vat_cap_binds_and_excess_goes_to_hebei():
    r = result(BTH)
    assert total(r, year=2020, party="beijing", kind="share", stream="firm_vat") == fen("9283418.35")
    assert total(r, year=2020, party="hebei", kind="cap_excess", stream="firm_vat") == fen("3510489.51")
    assert total(r, year=2020, party="hebei", kind={"share", "cap_excess"},
                 stream="firm_vat") == fen("16304397.37")


def test_bth_cap_reached_once_for_vat_in_2020_never_for_cit():
    assert events(result(BTH)) == [(2020, "bth_92", "cap_reached")]


def test_bth_2021_vat_all_to_hebei_after_cap_and_cit_tie_to_beijing():
    r = result(BTH)
    assert total(r, year=2021, party="beijing", stream="firm_vat") == 0
    assert total(r, year=2021, party="hebei", kind="share", stream="firm_vat") == fen("13625511.87")
    assert total(r, year=2021, party="hebei", kind="cap_excess", stream="firm_vat") == fen("13625511.87")
    assert total(r, year=2021, party="beijing", kind="share", stream="firm_cit") == fen("6852238.70")


def test_bth_2022_after_the_buffer_hebei_keeps_everything_unclaimed():
    r = result(BTH)
    assert total(r, year=2022, party="hebei", kind="unclaimed") == fen("43823175.86")
    assert net(r, "beijing", 2022) == 0


def test_bth_beijing_total_is_vat_cap_plus_uncapped_cit():
    r = result(BTH)
    assert total(r, party="beijing", kind="share", stream="firm_vat") == fen("38931200.00")
    assert total(r, party="beijing", kind="share", stream="firm_cit") == fen("27029422.40")
    assert net_total(r, "beijing") == fen("65960622.40")


# ---- incremental-step-split.yaml (increment over a growing baseline, 3:7 then 5:5) -----------

STEP = "incremental-step-split.yaml"


def test_step_2021_revenue_below_baseline_all_to_suqian_as_baseline():
    r = result(STEP)
    assert total(r, year=2021, party="suqian", kind="baseline") == fen("5540000.00")
    assert total(r, year=2021, kind="share") == 0
    assert net(r, "suzhou", 2021) == 0


def test_step_2022_increment_over_grown_baseline_split_3_7():
    r = result(STEP)
    assert total(r, year=2022, party="suqian", kind="baseline") == fen("8901000.00")
    assert total(r, year=2022, party="suzhou", kind="share") == fen("636780.00")
    assert total(r, year=2022, party="suqian", kind="share") == fen("1485820.00")


def test_step_2025_largest_remainder_gives_the_fen_to_suzhou():
    r = result(STEP)
    assert total(r, year=2025, party="suqian", kind="baseline") == fen("9868697.81")
    assert total(r, year=2025, party="suzhou", kind="share") == fen("3664732.73")
    assert total(r, year=2025, party="suqian", kind="share") == fen("8551043.03")


def test_step_2026_first_equal_year_tie_to_suzhou_listed_first():
    r = result(STEP)
    assert total(r, year=2026, party="suqian", kind="baseline") == fen("10214102.23")
    assert total(r, year=2026, party="suzhou", kind="share") == fen("7099203.09")
    assert total(r, year=2026, party="suqian", kind="share") == fen("7099203.08")


def test_step_suzhou_shares_by_year_and_total():
    r = result(STEP)
    expected = ["0.00", "636780.00", "2659255.50", "3133425.80", "3664732.73", "7099203.09",
                "8208050.70", "9447437.90", "10831789.63", "12377103.32", "14101120.46",
                "16023517.09"]
    assert [fen(a) for a in r["parties"]["suzhou"]["net_by_year"]] == [fen(a) for a in expected]
    assert net_total(r, "suzhou") == fen("88182416.22")


# ---- linear-buffer-two-cohorts.yaml (linear buffer, cohorts moving 2020 and 2022) ------------

COHORTS = "linear-buffer-two-cohorts.yaml"


def test_cohorts_2020_first_year_half_each():
    r = result(COHORTS)
    assert net(r, "shenzhen", 2020) == fen("6355000.00")
    assert net(r, "heyuan", 2020) == fen("6355000.00")


def test_cohorts_2022_cohort_a_third_year_and_cohort_b_first_year():
    r = result(COHORTS)
    assert total(r, year=2022, party="shenzhen", stream="a_vat") == fen("5224740.00")
    assert total(r, year=2022, party="shenzhen", stream="a_cit") == fen("1703611.20")
    assert total(r, year=2022, party="shenzhen", stream="b_vat") == fen("1627500.00")
    assert total(r, year=2022, party="shenzhen", stream="b_cit") == fen("430000.00")
    assert net(r, "shenzhen", 2022) == fen("8985851.20")


def test_cohorts_2024_tenth_share_leftover_fen_to_larger_remainder():
    r = result(COHORTS)
    assert total(r, year=2024, party="shenzhen", kind="share", stream="a_vat") == fen("1956839.29")
    assert total(r, year=2024, party="heyuan", kind="share", stream="a_vat") == fen("17611553.59")


def test_cohorts_2025_cohort_a_unclaimed_cohort_b_fourth_year():
    r = result(COHORTS)
    assert total(r, year=2025, party="heyuan", kind="unclaimed",
                 stream={"a_vat", "a_cit"}) == fen("27699153.04")
    assert total(r, year=2025, party="shenzhen", stream={"a_vat", "a_cit"}) == 0
    assert total(r, year=2025, party="shenzhen", kind="share", stream="b_vat") == fen("2408753.94")
    assert total(r, year=2025, party="shenzhen", kind="share", stream="b_cit") == fen("641200.00")
    assert net(r, "shenzhen", 2025) == fen("3049953.94")


def test_cohorts_shenzhen_by_year_and_nothing_after_both_buffers():
    r = result(COHORTS)
    expected = ["6355000.00", "8694880.00", "8985851.20", "8988032.26", "6838593.11",
                "3049953.94", "1661570.90", "0.00", "0.00", "0.00"]
    assert [fen(a) for a in r["parties"]["shenzhen"]["net_by_year"]] == [fen(a) for a in expected]
    assert net_total(r, "shenzhen") == fen("44573881.41")


# ---- gdp-indicator-split.yaml (money split beside split and full_each indicators) ------------

GDP = "gdp-indicator-split.yaml"


def test_gdp_2024_money_is_the_tax_share_alone():
    r = result(GDP)
    assert net(r, "guandu", 2024) == fen("4599000.00")
    assert net(r, "xundian", 2024) == fen("8541000.00")


def test_gdp_2024_indicators_gdp_split_output_and_investment_in_full_to_each():
    r = result(GDP)
    assert indicator(r, "guandu", 2024) == fen("1172000000.00")
    assert indicator(r, "xundian", 2024) == fen("1223000000.00")


def test_gdp_2027_gdp_leftover_fen_to_xundian_larger_remainder():
    r = result(GDP)
    assert indicator(r, "guandu", 2027) == fen("2347634548.75")
    assert indicator(r, "xundian", 2027) == fen("2453229783.13")


def test_gdp_2029_second_segment_tie_to_guandu_listed_first():
    r = result(GDP)
    assert indicator(r, "guandu", 2029) == fen("2595244027.36")
    assert indicator(r, "xundian", 2029) == fen("2900315259.16")


def test_gdp_2029_money_untouched_by_indicators():
    r = result(GDP)
    assert net(r, "guandu", 2029) == fen("14519839.47")
    assert net(r, "xundian", 2029) == fen("26965416.15")


# ---- zhongguancun-operated-park.yaml (operated for a term, bought out and handed back) -------

ZGC = "zhongguancun-operated-park.yaml"


def test_zgc_2018_agreed_ratio_and_contributions():
    r = result(ZGC)
    assert total(r, year=2018, party="haidian", kind="share") == fen("1613600.00")
    assert total(r, year=2018, party="zgc_group", kind="contribution") == fen("-72000000.00")
    assert net(r, "zgc_group", 2018) == fen("-72000000.00")


def test_zgc_2021_first_dividend_after_the_deficit_is_made_good():
    r = result(ZGC)
    assert total(r, year={2018, 2019, 2020}, kind="dividend") == 0
    assert total(r, year=2021, party="zgc_group", kind="dividend") == fen("833684.21")
    assert total(r, year=2021, party="qihe", kind="dividend") == fen("606315.79")
    assert total(r, year=2021, party=None, kind="retained") == fen("2760000.00")


def test_zgc_2027_last_operating_year_tie_and_weighted_dividend():
    r = result(ZGC)
    assert total(r, year=2027, party="haidian", kind="share") == fen("13237484.63")
    assert total(r, year=2027, party="zgc_group", kind="dividend") == fen("6576842.11")
    assert total(r, year=2027, party="qihe", kind="dividend") == fen("4783157.89")


def test_zgc_term_end_book_price_paid_by_qihe():
    r = result(ZGC)
    assert total(r, year=2027, party="zgc_group", kind="buyout") == fen("102478450.49")
    assert total(r, year=2027, party="qihe", kind="buyout") == fen("-102478450.49")
    assert net(r, "zgc_group", 2027) == fen("109055292.60")
    assert r["last_year"] == 2027


def test_zgc_2028_everything_handed_over_to_qihe():
    r = result(ZGC)
    assert total(r, year=2028, party="qihe", kind="handover") == fen("63887397.80")
    assert net(r, "haidian", 2028) == 0
    assert net(r, "zgc_group", 2028) == 0
    assert events(r) == [(2028, "operating_term", "handover")]


# ---- zhejiang-mountain-sea-guarantee.yaml (guaranteed return, pool, host backstop) -----------

ZJ = "zhejiang-mountain-sea-guarantee.yaml"


def test_zj_2019_loss_year_pool_then_host_backstop():
    r = result(ZJ)
    assert total(r, year=2019, party=None, kind="pool_in") == fen("1116000.00")
    assert total(r, year=2019, party="qingtian", kind="share") == fen("758880.00")
    assert total(r, year=2019, party="qingtian", kind="pool_out") == fen("1116000.00")
    assert total(r, year=2019, party="qingtian", kind="backstop") == fen("1884000.00")
    assert total(r, year=2019, party="songyang", kind="backstop") == fen("2000000.00")
    assert total(r, year=2019, party="pinghu", kind="backstop") == fen("-3884000.00")


def test_zj_2020_deficit_covered_first_then_shortfalls():
    r = result(ZJ)
    assert total(r, year=2020, party="qingtian", kind="dividend") == fen("660000.00")
    assert total(r, year=2020, party="songyang", kind="dividend") == fen("440000.00")
    assert total(r, year=2020, party="qingtian", kind="pool_out") == fen("2207700.00")
    assert total(r, year=2020, party="qingtian", kind="backstop") == fen("132300.00")
    assert total(r, year=2020, party="songyang", kind="backstop") == fen("1560000.00")
    assert total(r, party="pinghu", kind="backstop") == fen("-5576300.00")


def test_zj_2021_higher_floor_after_second_contribution_paid_from_pool():
    r = result(ZJ)
    assert total(r, year=2021, party="qingtian", kind="pool_out") == fen("400000.00")
    assert total(r, year=2021, party="songyang", kind="pool_out") == fen("400000.00")
    assert total(r, year=2021, kind="backstop") == 0


def test_zj_2022_pool_cap_cuts_the_contribution():
    r = result(ZJ)
    assert total(r, year=2022, party=None, kind="pool_in") == fen("3206300.00")
    assert total(r, year=2022, party="qingtian", kind="share") == fen("2777700.00")


def test_zj_2024_loss_year_paid_wholly_from_the_full_pool():
    r = result(ZJ)
    assert total(r, year=2024, kind="pool_in") == 0
    assert total(r, year=2024, party="qingtian", kind="pool_out") == fen("3000000.00")
    assert total(r, year=2024, party="songyang", kind="pool_out") == fen("3000000.00")
    assert total(r, year=2024, kind="backstop") == 0


def test_zj_2025_three_party_split_leftover_fen_to_qingtian():
    r = result(ZJ)
    assert total(r, year=2025, party="qingtian", kind="share") == fen("3577844.60")


def test_zj_2028_residual_and_pool_payouts_in_all():
    r = result(ZJ)
    assert total(r, year=2028, party="pinghu", kind="residual") == fen("3000000.00")
    assert total(r, year=2028, party="qingtian", kind="residual") == fen("1800000.00")
    assert total(r, year=2028, party="songyang", kind="residual") == fen("1200000.00")
    assert total(r, party="qingtian", kind="pool_out") == fen("7923700.00")


def test_zj_events_backstops_exhaustion_and_pool_full():
    assert events(result(ZJ)) == sorted([
        (2019, "guarantee_pool", "guarantee_backstopped"),
        (2019, "guarantee_pool", "guarantee_backstopped"),
        (2019, "guarantee_pool", "pool_exhausted"),
        (2020, "guarantee_pool", "guarantee_backstopped"),
        (2020, "guarantee_pool", "guarantee_backstopped"),
        (2020, "guarantee_pool", "pool_exhausted"),
        (2022, "guarantee_pool", "pool_full"),
    ])


# ---- joint-devco-equity.yaml (land by area, weights, later investor, cash call, costs) -------

DEVCO = "joint-devco-equity.yaml"


def test_devco_2020_land_by_area_and_infrastructure_by_equity():
    r = result(DEVCO)
    assert total(r, year=2020, party="qingyuan", kind="contribution") == fen("-129600575.23")
    assert total(r, year=2020, party="guangzhou", kind="contribution") == fen("-150000000.00")
    assert total(r, year=2020, party="guangzhou", kind="cost") == fen("-21698071.89")
    assert total(r, year=2020, party="qingyuan", kind="cost") == fen("-16301928.11")
    assert net(r, "guangzhou", 2020) == fen("-171698071.89")
    assert net(r, "qingyuan", 2020) == fen("-145902503.34")
    assert net(r, "gd_fund", 2020) == 0


def test_devco_2021_loss_cash_call_by_equity_ratios():
    r = result(DEVCO)
    assert total(r, year=2021, party="guangzhou", kind="loss") == fen("-2626608.70")
    assert total(r, year=2021, party="qingyuan", kind="loss") == fen("-1973391.30")
    assert total(r, year=2021, party="gd_fund") == 0


def test_devco_2022_payout_ratio_leaves_reserve_in_company():
    r = result(DEVCO)
    assert total(r, year=2022, kind="dividend") == fen("3420000.00")
    assert total(r, year=2022, party=None, kind="retained") == fen("380000.00")


def test_devco_2023_fund_dilutes_dividends_and_costs():
    r = result(DEVCO)
    assert total(r, year=2023, party="guangzhou", kind="dividend") == fen("3911091.89")
    assert total(r, year=2023, party="qingyuan", kind="dividend") == fen("2938433.38")
    assert total(r, year=2023, party="gd_fund", kind="dividend") == fen("1700474.73")
    assert total(r, year=2023, party="guangzhou", kind="cost") == fen("-4254170.12")
    assert total(r, year=2023, party="qingyuan", kind="cost") == fen("-3196190.70")
    assert total(r, year=2023, party="gd_fund", kind="cost") == fen("-1849639.18")
    assert net(r, "gd_fund", 2023) == fen("-60149164.45")


# ---- early-exit-npv-buyout.yaml (three weak years, notice, NPV price, penalty) ---------------

EXIT = "early-exit-npv-buyout.yaml"


def test_exit_streak_broken_once_then_three_weak_years_trigger_with_notice():
    r = result(EXIT)
    assert events(r) == [(2025, "exit", "exit_triggered"), (2028, "exit", "handover")]
    assert r["last_year"] == 2027


def test_exit_2023_increment_split_over_baseline():
    r = result(EXIT)
    assert total(r, year=2023, party="suining", kind="baseline") == fen("10129579.29")
    assert total(r, year=2023, party="wuxi", kind="share") == fen("948168.28")
    assert total(r, year=2023, party="suining", kind="share") == fen("1422252.43")


def test_exit_npv_price_of_receipts_forgone_and_penalty_from_host_at_fault():
    r = result(EXIT)
    assert total(r, year=2027, party="wuxi", kind="buyout") == fen("13959710.09")
    assert total(r, year=2027, party="suining", kind="buyout") == fen("-13959710.09")
    assert total(r, year=2027, party="wuxi", kind="penalty") == fen("3000000.00")
    assert total(r, year=2027, party="suining", kind="penalty") == fen("-3000000.00")
    assert net(r, "wuxi", 2027) == fen("19599337.80")


def test_exit_handover_to_suining_after_exit_year():
    r = result(EXIT)
    assert total(r, year=2028, party="suining", kind="handover") == fen("22000000.00")
    assert [net(r, "wuxi", y) for y in (2028, 2029, 2030)] == [0, 0, 0]
    assert net_total(r, "wuxi") == fen("29186928.02")
