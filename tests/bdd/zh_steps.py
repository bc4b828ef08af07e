"""中文步骤：与英文步骤构造同一份合同文档（见 vocabulary.py）。

Chinese step texts for features written with ``# language: zh-CN``. They build the same
contract document as the English steps and read amounts with the same exact types; lists are
separated by "、". Ids (parties, streams, clauses) may be Chinese and stand between spaces.

假如 一份自 2018 年起为期 6 年的合同，参与方为 北京（迁出地）和 河北（迁入地）
而且 金额以万元计
而且 税收流 增值税 首年 1,000，年增长 10%    /  税收流 增值税 每年 1,000,000.00
而且 增值税 地方留存比例为 0.5  /  增值税 于 2019 年迁入  /  增值税 迁出前各年缴纳 200、210
而且 平均缓冲条款 过渡期：北京 在迁入后 3 年内每年保留 0.5
而且 线性缓冲条款 过渡期：北京 首年保留 0.6，3 年内线性递减
而且 阶梯缓冲条款 过渡期：北京 逐年保留 0.5、0.3、0.1
而且 过渡期 对 北京 的累计分成以迁出前税收合计为上限
当 计算合同
那么 北京 各年净收入为 0.00、2,500,000.00
那么 北京 在 2021 年的分成为 1,055,500.00 元    （分成、超限转入、留归迁入地、基数）
那么 北京 的分成合计为 6,305,500.00 元
那么 过渡期 仅在 2021 年达到分成上限  /  过渡期 未达到分成上限
"""

from __future__ import annotations

import re

from pytest_bdd import given, parsers, then, when
from vocabulary import (
    _AMOUNT,
    _ID,
    _SHARE,
    _YUAN,
    TYPES,
    Scenario,
    amount_text,
    fen,
    run_document,
    show,
)

_ROLES = {"迁出地": "sending", "迁入地": "receiving", "其他": "other"}
_ZH_ROLE = r"（(?:迁出地|迁入地|其他)）"

#: entry kinds as an auditor reads them in Chinese
ZH_KINDS = {"分成": "share", "超限转入": "cap_excess", "留归迁入地": "unclaimed",
            "基数": "baseline"}


def _pattern(p: str):
    def deco(fn):
        fn.pattern = p
        return fn
    return deco


@_pattern(rf"{_ID}{_ZH_ROLE}(?:\s*(?:、|和)\s*{_ID}{_ZH_ROLE})*")
def ZhParties(text: str) -> list[dict[str, str]]:
    out = []
    for part in re.split(r"\s*(?:、|和(?=\s*[^（\s]+（))\s*", text):
        pid, role = re.fullmatch(rf"({_ID})（(\w+)）", part.strip()).groups()
        out.append({"id": pid, "name": pid, "role": _ROLES[role]})
    return out


@_pattern(rf"{_AMOUNT}(?:、{_AMOUNT})*")
def ZhAmountList(text: str) -> list[str]:
    return [amount_text(t) for t in text.split("、")]


@_pattern(rf"{_YUAN}(?:、{_YUAN})*")
def ZhYuanList(text: str) -> list[int]:
    return [fen(t) for t in text.split("、")]


@_pattern(rf"{_SHARE}(?:、{_SHARE})*")
def ZhShareList(text: str) -> list[str]:
    return text.split("、")


@_pattern(r"\d{4}(?:、\d{4})*")
def ZhYearList(text: str) -> list[int]:
    return [int(y) for y in text.split("、")]


@_pattern("|".join(ZH_KINDS))
def ZhKind(text: str) -> str:
    return ZH_KINDS[text]


ZH_TYPES = {**TYPES, "ZhParties": ZhParties, "ZhAmountList": ZhAmountList,
            "ZhYuanList": ZhYuanList, "ZhShareList": ZhShareList, "ZhYearList": ZhYearList,
            "ZhKind": ZhKind}


def 步骤(text: str):
    return parsers.parse(text, extra_types=ZH_TYPES)


# ---- 假如：合同 -----------------------------------------------------------------------------------

@given(步骤("一份自 {start:d} 年起为期 {years:d} 年的合同，参与方为 {parties:ZhParties}"))
def 合同(sc: Scenario, start: int, years: int, parties: list[dict[str, str]]) -> None:
    sc.doc = {"name": "场景", "start_year": start, "years": years, "parties": parties,
              "streams": [], "clauses": []}


@given("金额以万元计")
def 万元(sc: Scenario) -> None:
    sc.doc["unit"] = "wan"


@given(步骤("税收流 {sid:Id} 首年 {first:Amount}，年增长 {growth:Share}"))
def 税收流_增长(sc: Scenario, sid: str, first: str, growth: str) -> None:
    sc.add_stream({"id": sid, "kind": "tax", "first": first, "growth": growth})


@given(步骤("税收流 {sid:Id} 每年 {amount:Amount}"))
def 税收流_每年(sc: Scenario, sid: str, amount: str) -> None:
    sc.add_stream({"id": sid, "kind": "tax", "series": [amount] * sc.doc["years"]})


@given(步骤("{sid:Id} 地方留存比例为 {share:Share}"))
def 地方留存(sc: Scenario, sid: str, share: str) -> None:
    sc.stream(sid)["local_retention"] = share


@given(步骤("{sid:Id} 于 {year:d} 年迁入"))
def 迁入(sc: Scenario, sid: str, year: int) -> None:
    sc.stream(sid)["relocated_year"] = year


@given(步骤("{sid:Id} 迁出前各年缴纳 {amounts:ZhAmountList}"))
def 迁出前税收(sc: Scenario, sid: str, amounts: list[str]) -> None:
    sc.stream(sid)["pre_relocation_tax"] = amounts


@given(步骤("平均缓冲条款 {cid:Id}：{party:Id} 在迁入后 {years:d} 年内每年保留 {start:Share}"))
def 平均缓冲(sc: Scenario, cid: str, party: str, years: int, start: str) -> None:
    sc.add_clause({"id": cid, "kind": "buffer", "party": party, "years": years,
                   "shape": "flat", "start": start})


@given(步骤("线性缓冲条款 {cid:Id}：{party:Id} 首年保留 {start:Share}，{years:d} 年内线性递减"))
def 线性缓冲(sc: Scenario, cid: str, party: str, start: str, years: int) -> None:
    sc.add_clause({"id": cid, "kind": "buffer", "party": party, "years": years,
                   "shape": "linear", "start": start})


@given(步骤("阶梯缓冲条款 {cid:Id}：{party:Id} 逐年保留 {shares:ZhShareList}"))
def 阶梯缓冲(sc: Scenario, cid: str, party: str, shares: list[str]) -> None:
    sc.add_clause({"id": cid, "kind": "buffer", "party": party, "years": len(shares),
                   "shape": "step", "shares": shares})


@given(步骤("{cid:Id} 对 {party:Id} 的累计分成以迁出前税收合计为上限"))
def 迁出前税收上限(sc: Scenario, cid: str, party: str) -> None:
    sc.clause(cid)["cap"] = {"party": party, "cumulative": "pre_relocation_total"}


# ---- 当 ----------------------------------------------------------------------------------------

@when("计算合同")
def 计算(sc: Scenario) -> None:
    run_document(sc)


# ---- 那么 --------------------------------------------------------------------------------------

@then(步骤("{party:Id} 各年净收入为 {amounts:ZhYuanList}"))
def 各年净收入(sc: Scenario, party: str, amounts: list[int]) -> None:
    got = [fen(v) for v in sc.res["parties"][party]["net_by_year"]]
    assert got == amounts, (f"{party} 各年净收入：应为 {'、'.join(map(show, amounts))}，"
                            f"引擎给出 {'、'.join(map(show, got))}")


@then(步骤("{party:Id} 在 {year:d} 年的{kind:ZhKind}为 {amount:Yuan} 元"))
def 某年某类(sc: Scenario, party: str, year: int, kind: str, amount: int) -> None:
    got = sc.total(party=party, kind=kind, year=year)
    assert got == amount, f"{party} {year} 年 {kind}：应为 {show(amount)}，引擎给出 {show(got)}"


@then(步骤("{party:Id} 的{kind:ZhKind}合计为 {amount:Yuan} 元"))
def 某类合计(sc: Scenario, party: str, kind: str, amount: int) -> None:
    got = fen(sc.res["parties"][party]["totals_by_kind"].get(kind, "0.00"))
    assert got == amount, f"{party} {kind} 合计：应为 {show(amount)}，引擎给出 {show(got)}"


def _上限年份(sc: Scenario, cid: str) -> list[int]:
    return sorted(ev["year"] for ev in sc.res["events"]
                  if ev["clause"] == cid and ev["kind"] == "cap_reached")


@then(步骤("{cid:Id} 仅在 {years:ZhYearList} 年达到分成上限"))
def 达到上限(sc: Scenario, cid: str, years: list[int]) -> None:
    got = _上限年份(sc, cid)
    assert got == sorted(years), f"{cid} 的 cap_reached：应在 {years}，引擎给出 {got}"


@then(步骤("{cid:Id} 未达到分成上限"))
def 未达上限(sc: Scenario, cid: str) -> None:
    got = _上限年份(sc, cid)
    assert got == [], f"{cid} 的 cap_reached：引擎给出 {got}"
