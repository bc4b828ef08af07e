"""Explanation records and their renderings (sharing.explain, sharing.explain_text; §4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemas.result import Result
from sharing.api import load_file, run_contract
from sharing.explain_text import Names, localise, render
from sharing.result import result_sha256

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
HANGZHOU = ROOT / "tests" / "conformance" / "01-hangzhou-quzhou-increment-baseline.yaml"
#: Latin words a Chinese explanation may show: the §-sign's neighbours and none else.
ALLOWED = {"full_each"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_result_validates_and_its_hash_ignores_the_language(path):
    contract = load_file(str(path))
    en = run_contract(contract)
    Result.model_validate(en)
    zh = localise(en, "zh")
    Result.model_validate(zh)
    assert result_sha256(zh) == result_sha256(en) == en["result_sha256"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_chinese_explanations_have_no_english_words(path):
    contract = load_file(str(path))
    zh = localise(run_contract(contract), "zh")
    names = Names.of_contract(contract)
    user = {i for m in names.maps.values() for i in m} | {
        n for m in names.maps.values() for n in m.values()}
    for e in zh["entries"]:
        text = e["why"]
        for u in sorted(user, key=len, reverse=True):  # ids and names the user typed
            if u:
                text = text.replace(u, "")
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED
        assert not words, (e["why"], words)


def test_golden_renderings_of_an_incremental_share():
    """Hangzhou 2021: 0.30 × (10,200,000 − 6,500,000) = 1,110,000.00, worked by hand."""
    res = run_contract(load_file(str(HANGZHOU)))
    share = next(e for e in res["entries"] if e["year"] == 2021 and e["party"] == "hangzhou")
    assert share["explanation"]["key"] == "split.share"
    assert share["explanation"]["params"]["share"] == {"share": "3/10"}
    assert share["explanation"]["params"]["exact"] == {"fen": 111_000_000}
    names = Names.of_result(res)
    assert render(share["explanation"], "zh", names) == (
        "增量 3,700,000.00 元 = 收入 10,200,000.00 元（park_vat 7,200,000.00 元 + park_cit "
        "3,000,000.00 元） − 基数 6,500,000.00 元；3,700,000.00 元 × 分成比例 30%（第 1–4 年）"
        "= 1,110,000.00 元")
    assert render(share["explanation"], "en", names) == (
        "increment 3,700,000.00 = amount 10,200,000.00 (park_vat 7,200,000.00 + park_cit "
        "3,000,000.00) − baseline 6,500,000.00: 3,700,000.00 × share 0.30 (years 1-4) = "
        "1,110,000.00")


def test_names_replace_ids_and_fall_back_to_the_id():
    rec = {"key": "exit.handover", "params": {
        "stream": {"stream": "vat"}, "value": {"fen": 12_345}, "year": {"year": 2030},
        "party": {"party": "sh"}}}
    names = Names({"sh": "上海市"}, {"vat": ""})
    assert render(rec, "zh", names) == "vat 123.45 元：2030 年为最后一年，此后全额移交上海市"
    assert render(rec, "en", names) == "vat 123.45: after the last year 2030, handed over whole to 上海市"


def test_an_exact_share_that_is_no_short_decimal_stays_a_fraction():
    rec = {"key": "indicator.share", "params": {
        "value": {"fen": 300}, "share": {"share": "1/3"}, "period": {
            "key": "period.year", "params": {"a": {"int": 2}}}, "part": {"fen": 100}}}
    assert render(rec, "zh") == "3.00 元 × 分成比例 1/3（第 2 年）→ 1.00 元"
    assert render(rec, "en") == "3.00 × share 1/3 (year 2) → 1.00"


def test_a_field_path_in_words():
    from sharing.field_names import field_name

    doc = {"parties": [{"id": "sh", "name": "上海市"}, {"id": "yc"}],
           "clauses": [{"id": "pool"}, {"id": "split", "name": "增量分成",
                                         "schedule": [{"years": "1-3"}]}]}
    assert field_name("clauses[1].schedule[0].shares", doc, "zh") == "条款 2「增量分成」· 时段 1 · 分成比例"
    assert field_name("clauses.split.schedule[0].shares.sh", doc, "zh") == \
        "条款 2「增量分成」· 时段 1 · 上海市 的分成比例"
    assert field_name("clauses.split.schedule[0].shares.yc", doc, "en") == \
        "clause 2 “增量分成” · segment 1 · share of yc"  # no name: the id
    assert field_name("clauses[0].rate", doc, "zh") == "条款 1 · 比例"


TIE_CONTRACT = """
name: 并列余数 / a tie on the remainder
start_year: 2024
years: 1
discount_rate: 0.05
parties:
  - {id: a, name: 甲市, role: sending}
  - {id: b, name: 乙市, role: receiving}
  - {id: c, name: 丙市, role: other}
streams:
  - {id: tax, name: 园区税收, kind: tax, local_retention: 1, first: "%s"}
clauses:
  - id: split
    kind: tax_split
    basis: total
    streams: [tax]
    schedule:
      - {years: "1", shares: %s}
"""


def _tie_entries(amount: str, shares: str) -> dict[str, dict]:
    from sharing.api import load_document, parse_contract
    contract = parse_contract(load_document(TIE_CONTRACT % (amount, shares)))
    res = run_contract(contract)
    names = Names.of_result(res)
    return {e["party"]: {**e, "zh": render(e["explanation"], "zh", names),
                         "en": render(e["explanation"], "en", names)}
            for e in res["entries"] if e["kind"] == "share"}


def test_a_tie_on_the_remainder_is_named_as_a_tie():
    """100.01 yuan = 10,001 fen split 1/2 : 1/2 : 0 (worked by hand): 5,000.5 fen each, the
    remainders tie at 1/2, the leftover fen goes to 甲市, listed first."""
    got = _tie_entries("100.01", "{a: 0.5, b: 0.5, c: 0}")
    assert got["a"]["amount"] == "50.01" and got["b"]["amount"] == "50.00"
    assert got["a"]["explanation"]["key"] == "split.share_tie_won"
    assert got["b"]["explanation"]["key"] == "split.share_tie_lost"
    assert "余数与乙市相同，属并列" in got["a"]["zh"] and "故本方得余下的 1 分" in got["a"]["zh"]
    assert "余数与甲市相同，属并列" in got["b"]["zh"] and "故余下的分先归甲市（每方至多 1 分）" in got["b"]["zh"]
    assert "a tie, its remainder equals 甲市's" in got["b"]["en"]


def test_a_three_way_tie_names_who_got_the_fen():
    """1.01 yuan = 101 fen by thirds (worked by hand): 33 2/3 fen each, all three remainders
    tie at 2/3, the two leftover fen go to 甲市 and 乙市 (listed first): 0.34, 0.34, 0.33."""
    got = _tie_entries("1.01", "{a: 1/3, b: 1/3, c: 1/3}")
    assert [got[p]["amount"] for p in "abc"] == ["0.34", "0.34", "0.33"]
    assert [got[p]["explanation"]["key"] for p in "abc"] == [
        "split.share_tie_won", "split.share_tie_won", "split.share_tie_lost"]
    assert "余数与甲市、乙市相同" in got["c"]["zh"] and "余下的分先归甲市、乙市" in got["c"]["zh"]
    assert "余数与乙市、丙市相同" in got["a"]["zh"]


def test_unequal_remainders_are_not_called_a_tie():
    """100.01 yuan by 0.3 : 0.7 (worked by hand): 3,000.3 and 7,000.7 fen, the fen goes to the
    larger remainder (乙市), no tie."""
    got = _tie_entries("100.01", "{a: 0.3, b: 0.7, c: 0}")
    assert got["b"]["amount"] == "70.01"
    assert {got[p]["explanation"]["key"] for p in "ab"} == {"split.share_rounded"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_event_details_have_no_english_words_in_chinese(path):
    """An event's detail is rendered from its record like an entry's why (§4): in zh-CN it
    reads in Chinese, with names, whatever the engine's own language."""
    contract = load_file(str(path))
    zh = localise(run_contract(contract), "zh")
    names = Names.of_contract(contract)
    user = {i for m in names.maps.values() for i in m} | {
        n for m in names.maps.values() for n in m.values()}  # as the entries' test above
    for ev in zh["events"]:
        text = ev["detail"]
        for u in sorted(user, key=len, reverse=True):
            if u:
                text = text.replace(u, "")
        assert not set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED, ev["detail"]


def test_a_cap_event_names_the_party_and_the_stream_in_both_languages():
    """The relocated firm's example reaches Beijing's cumulative cap (examples/bth-92hao-
    relocation.yaml, a per-stream cap): the event says whose cap on which stream, by name."""
    contract = load_file(str(ROOT / "examples" / "bth-92hao-relocation.yaml"))
    en = run_contract(contract)
    caps = [ev for ev in en["events"] if ev["kind"] == "cap_reached"]
    assert caps
    names = Names.of_contract(contract)
    zh = localise(en, "zh")
    for ev, ev_zh in zip(caps, [e for e in zh["events"] if e["kind"] == "cap_reached"],
                         strict=True):
        p = ev["explanation"]["params"]
        party, stream = names.name("party", p["party"]["party"]), names.name(
            "stream", p["subject"]["stream"])
        assert ev["detail"] == f"{party}'s cumulative cap on {stream} reached"
        assert ev_zh["detail"] == f"{party}对{stream}的累计上限已达到"
        assert ev_zh["explanation"] == ev["explanation"]
