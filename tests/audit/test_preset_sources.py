"""Each preset gives the headline figure its source states (issue 18, build 8). The figure is
computed here from the source's rule and the preset's own inputs, with exact integers, and
compared with the engine's result."""

from __future__ import annotations

import re
from decimal import Decimal

from sharing.api import load_file, run_contract
from sharing.audit.presets import ORDER, preset_path


def _run(name):
    contract = load_file(str(preset_path(name)))
    return contract, run_contract(contract)


def _fen(amount: str) -> int:
    return int(Decimal(amount) * 100)


def _receipts(result, party, clause=None, year=None, kinds=("baseline", "share", "cap_excess",
                                                             "dividend", "loss")):
    return sum(_fen(e["amount"]) for e in result["entries"]
               if e["party"] == party and e["kind"] in kinds
               and (clause is None or e["clause"] == clause) and (year is None or e["year"] == year))


WAN = 10_000 * 100  # fen in one 万元


def test_bth_92hao_half_for_three_years_and_the_cap_is_the_pre_move_taxes():
    """财预〔2015〕92号: 50 % : 50 % for three years; the sending region's share is capped at
    the 三税 the firm paid in the three years before moving."""
    contract, result = _run("bth-92hao")
    vat, cit = ([1500, 1600, 1700], [3000, 4000, 4400]), ([500, 600, 700], [1500, 2000, 2250])
    for k, year in enumerate((2018, 2019, 2020)):
        shareable = vat[1][k] * WAN // 2 + cit[1][k] * WAN * 2 // 5
        assert _receipts(result, "beijing", "sanshui_92", year) == shareable // 2
    cap = (sum(vat[0]) + sum(cit[0])) * WAN  # 6,600万
    assert cap == 66_000_000_00
    assert _receipts(result, "beijing") == cap


def test_jiangsu_land_income_is_shared_by_the_capital_shares():
    """"共建土地的收益按照双方的股本构成分配": Suzhou 30,000万 cash, Suqian 2,000 mu × 10万 =
    20,000万 of land: 3/5 : 2/5 of the 2026 land income of 5,000万."""
    contract, result = _run("jiangsu-south-north")
    land_2026 = 5000 * WAN
    assert _receipts(result, "suzhou", "land_split", 2026) == land_2026 * 3 // 5
    assert _receipts(result, "suqian", "land_split", 2026) == land_2026 * 2 // 5


def test_jiangsu_credits_the_land_rule_to_the_news_report_not_to_seed_002():
    """Seed 002 says only that Suzhou and Suqian have built the park jointly since 2006; the
    land rule ("共建土地的收益按照双方的股本构成分配") is the briefing's news report's. The
    preset's description (what a reader sees) and its header say so."""
    contract = load_file(str(preset_path("jiangsu-south-north")))
    text = contract.description
    rule = "共建土地的收益按照双方的股本构成分配"
    assert rule in text
    for sentence in re.split(r"[；。]|\. ", text.replace("\n", " ")):
        if "002" in sentence:  # what seed 002 is credited with: no land rule
            assert rule not in sentence and "股本" not in sentence, sentence
            assert "land" not in sentence and "capital" not in sentence, sentence
    assert "新闻报道" in re.split(r"[；。]", text.split(rule)[0])[-1]  # the rule's own sentence
    header = preset_path("jiangsu-south-north").read_text(encoding="utf-8").split("\nname:")[0]
    assert "The land rule comes from the news report below, not from seed 002" in header


def test_zhongguancun_hands_the_park_back_when_the_term_ends():
    """Seed 002: the land is entrusted to the Zhongguancun operator and handed back to the
    local government when the operating term expires; meanwhile the agreed ratio (30 %)."""
    contract, result = _run("zhongguancun-operated")
    # 2017: VAT 10,000,000 × ramp 0.2 = 2,000,000, local half 1,000,000, 30 % of it
    assert _receipts(result, "zgc", "agreed_ratio", 2017) == 300_000_00
    last = 2017 + 10 - 1  # term_years: 10
    after = [e for e in result["entries"] if e["year"] > last]
    assert after and all(e["kind"] == "handover" and e["party"] == "qinhuangdao"
                         for e in after if _fen(e["amount"]) != 0)
    assert _receipts(result, "zgc", year=last + 1) == 0


def test_xiaobo_fixed_ten_percent_and_the_2000_odd_wan_paid_by_january_2023():
    """"前5年……每年10%的固定收益" on Qujiang's part (110,000,000 here), and "已向新农公司拨付
    投资收益2000余万元" by the end of January 2023: paid by the end of 2022 is more than 20 and
    less than 30 million."""
    contract, result = _run("zhejiang-xiaobo-fixed")
    part = 110_000_000_00
    fixed = ("pool_out", "backstop")
    for year in range(2021, 2026):
        assert _receipts(result, "qujiang", year=year, kinds=fixed) == part // 10
    paid = sum(_receipts(result, "qujiang", year=y, kinds=fixed) for y in (2021, 2022))
    assert 20_000_000_00 < paid < 30_000_000_00
    assert sum(c.value for c in contract.clause("xiaobo_company").contributions) * 100 \
        == 120_000_000_00  # the source's 1.2亿 in all
    # after five years, dividends from the rent by the investors' shares, not all to Qujiang
    assert _receipts(result, "wanyang", "rent_dividend") > 0


def test_xiaobo_floor_never_less_than_ten_percent_and_nearly_930_wan_in_2021():
    """"不低于10%的保底收益"; 2021: "近930万元" (10 % of 9,300万)."""
    contract, result = _run("zhejiang-xiaobo-floor")
    floor = 93_000_000_00 // 10
    for year in range(2020, 2030):
        got = _receipts(result, "changshan", year=year, kinds=("dividend", "pool_out",
                                                               "backstop"))
        assert got >= floor, year
    assert _receipts(result, "changshan", year=2021, kinds=("dividend", "backstop")) == floor


def test_kunming_statistics_are_counted_in_full_in_both_counties():
    """Kunming 2024 measures: investment and output are counted in full in both counties."""
    contract, result = _run("kunming-key-enclave")
    ind = result["indicator_entries"]
    for party in ("xiezuo", "chengzai"):
        got = sum(_fen(e["amount"]) for e in ind if e["party"] == party and e["year"] == 2024
                  and e["stream"] == "fixed_investment")
        assert got == 500_000_000_00


def test_reverse_enclave_tax_goes_where_the_firms_are_registered():
    """Quzhou's incubator in Hangzhou: firms registered in Quzhou pay their tax to Quzhou."""
    contract, result = _run("reverse-enclave-quzhou")
    vat = [0, 2000000, 5000000, 9000000, 14000000, 20000000, 26000000, 32000000]
    cit = [0, 0, 1000000, 3000000, 5000000, 8000000, 11000000, 15000000]
    whole = sum(v * 100 // 2 for v in vat) + sum(v * 100 * 2 // 5 for v in cit)
    assert _receipts(result, "quzhou", "registered_in_quzhou") == whole
    assert _receipts(result, "yuhang", "registered_in_quzhou") == 0


def test_eurasian_buffer_years_then_nothing_more_to_the_sending_park():
    """Seed 004: buffer years for the tax split between the sending and the receiving park."""
    contract, result = _run("eurasian-corridor-buffer")
    shareable = [10_000_000_00, 15_000_000_00, 20_000_000_00]
    for k, (year, share) in enumerate(zip((2025, 2026, 2027), (6, 4, 2), strict=True)):
        assert _receipts(result, "east_park", "corridor_buffer", year) == shareable[k] * share // 10
    assert all(_receipts(result, "east_park", year=y) == 0 for y in range(2028, 2033))


HEADLINES = {
    "bth-92hao": test_bth_92hao_half_for_three_years_and_the_cap_is_the_pre_move_taxes,
    "jiangsu-south-north": test_jiangsu_land_income_is_shared_by_the_capital_shares,
    "zhongguancun-operated": test_zhongguancun_hands_the_park_back_when_the_term_ends,
    "zhejiang-xiaobo-fixed": test_xiaobo_fixed_ten_percent_and_the_2000_odd_wan_paid_by_january_2023,
    "zhejiang-xiaobo-floor": test_xiaobo_floor_never_less_than_ten_percent_and_nearly_930_wan_in_2021,
    "kunming-key-enclave": test_kunming_statistics_are_counted_in_full_in_both_counties,
    "reverse-enclave-quzhou": test_reverse_enclave_tax_goes_where_the_firms_are_registered,
    "eurasian-corridor-buffer": test_eurasian_buffer_years_then_nothing_more_to_the_sending_park,
}


def test_every_preset_has_a_headline_test():
    assert set(HEADLINES) == set(ORDER)
