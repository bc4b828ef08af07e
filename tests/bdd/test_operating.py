"""features/operating_register.feature (中文) and operating_settlement.feature (English):
the operating years, settled through the same pipeline as ``sharing settle`` (semantics §6).

Each scenario writes its files (contract, register, actuals, transfers) as a finance officer
would, settles a year, and compares with figures worked by hand (the features' comments)."""

from __future__ import annotations

import json
import pathlib
import re
from typing import Any

import pytest
import yaml
from pytest_bdd import given, parsers, scenarios, then, when

from sharing.loader import read_file
from sharing.operating.pipeline import read_inputs, statement

scenarios("operating_register.feature", "operating_settlement.feature")


class Case:
    def __init__(self, folder: pathlib.Path):
        self.folder = folder
        self.files: dict[str, pathlib.Path] = {}
        self.doc: dict[str, Any] | None = None

    def write(self, name: str, text: str) -> pathlib.Path:
        path = self.folder / name
        path.write_text(text.strip() + "\n", encoding="utf-8")
        self.files[name.split(".")[0]] = path
        return path


@pytest.fixture
def case(tmp_path) -> Case:
    return Case(tmp_path)


def yuan(text: str) -> str:
    return text.strip().replace(",", "")


def yuan_list(text: str) -> list[str]:
    """``18,000,000.00、0.00`` (zh) or ``18,000,000.00; 0.00`` as yuan strings."""
    return [yuan(v) for v in re.split(r"、|; ", text)]


def _settle(case: Case, year: int, previous: pathlib.Path | None = None) -> dict[str, Any]:
    f = case.files
    inputs = read_inputs(str(f["contract"]), register=str(f["register"]) if "register" in f
                         else None, actuals=str(f["actuals"]),
                         transfers=str(f["transfers"]) if "transfers" in f else None,
                         previous=str(previous) if previous else
                         (str(f["previous"]) if "previous" in f else None), through=year)
    return statement(inputs, year)


def _pair(doc: dict[str, Any], a: str, b: str) -> dict[str, Any]:
    return next(p for p in doc["settlement"]["pairs"] if (p["a"], p["b"]) == (a, b))


PARTY_ZH = {"北京": "beijing", "河北": "hebei"}


# ---- Given --------------------------------------------------------------------------------

@given("项目合同:")
@given("the case contract:")
def contract(case: Case, docstring: str) -> None:
    case.write("contract.yaml", docstring)


@given("企业名单:")
@given("the register:")
def register(case: Case, docstring: str) -> None:
    case.write("register.csv", docstring)


@given("实际入库数:")
@given("the actuals:")
def actuals(case: Case, docstring: str) -> None:
    case.write("actuals.csv", docstring)


@given("划转记录:")
@given("the transfers:")
def transfers(case: Case, docstring: str) -> None:
    case.write("transfers.csv", docstring)


@given(parsers.parse("the {year:d} statement made on the contract as signed"))
def previous_statement(case: Case, year: int) -> None:
    """The statement as it was made then: the contract without its amendments, the actual
    figures of years ≤ year and the transfers counted then."""
    doc = read_file(str(case.files["contract"]))
    doc.pop("amendments", None)
    then_dir = case.folder / "then"
    then_dir.mkdir()
    (then_dir / "contract.yaml").write_text(yaml.safe_dump(json.loads(json.dumps(
        doc, default=str)), allow_unicode=True), encoding="utf-8")
    lines = case.files["actuals"].read_text("utf-8").splitlines()
    (then_dir / "actuals.csv").write_text("\n".join(
        [lines[0]] + [x for x in lines[1:] if int(x.split(",")[1]) <= year]) + "\n", "utf-8")
    inputs = read_inputs(str(then_dir / "contract.yaml"), actuals=str(then_dir / "actuals.csv"),
                         transfers=str(case.files["transfers"]), through=year)
    (case.folder / "previous.json").write_text(json.dumps(statement(inputs, year)), "utf-8")
    case.files["previous"] = case.folder / "previous.json"


@given(parsers.parse("the amendment takes effect from contract year {m:d}"))
def effective_from(case: Case, m: int) -> None:
    path = case.files["contract"]
    path.write_text(path.read_text("utf-8").replace("effective_from: 3",
                                                    f"effective_from: {m}"), "utf-8")


@given(parsers.parse("a transfer of {amount} from {payer} to {payee} on {date} for {year:d}"))
def one_more_transfer(case: Case, amount: str, payer: str, payee: str, date: str,
                      year: int) -> None:
    path = case.files["transfers"]
    path.write_text(path.read_text("utf-8") + f'{date},{payer},{payee},"{amount}",{year},X\n',
                    "utf-8")


# ---- When ---------------------------------------------------------------------------------

@when(parsers.parse("结算 {year:d} 年度"))
@when(parsers.parse("the year {year:d} is settled"))
def settle(case: Case, year: int) -> None:
    case.doc = _settle(case, year)


# ---- Then ---------------------------------------------------------------------------------

@then(parsers.parse("{party} 各年净收入为 {values}"))
def net_by_year_zh(case: Case, party: str, values: str) -> None:
    assert case.doc["parties"][PARTY_ZH[party]]["net_by_year"] == yuan_list(values)


@then(parsers.parse("企业 {code} 给 {party} 的各年净收入为 {values}"))
def enterprise_net(case: Case, code: str, party: str, values: str) -> None:
    got = case.doc["enterprises"][code]["parties"][PARTY_ZH[party]]["net_by_year"]
    assert got == yuan_list(values)


@then(parsers.parse("不适用的企业为 {code}，平均 {average}，门槛 {threshold}"))
def ineligible(case: Case, code: str, average: str, threshold: str) -> None:
    assert [(i["enterprise"], i["average"], i["threshold"]) for i in case.doc["ineligible"]] \
        == [(code, yuan(average), yuan(threshold))]


@then(parsers.parse("企业 {code} 仅在 {year:d} 年达到分成上限"))
def cap_reached(case: Case, code: str, year: int) -> None:
    assert [(e["year"], e.get("enterprise")) for e in case.doc["events"]
            if e["kind"] == "cap_reached"] == [(year, code)]


@then("各企业的净收入合计等于各方的净收入")
def enterprises_add_up(case: Case) -> None:
    doc = case.doc
    for p, v in doc["parties"].items():
        for t, total in enumerate(v["net_by_year"]):
            parts = [e["parties"][p]["net_by_year"][t] for e in doc["enterprises"].values()]
            parts.append(doc["not_by_enterprise"][p]["net_by_year"][t])
            assert sum(int(yuan(x).replace(".", "")) for x in parts) == \
                int(yuan(total).replace(".", ""))


FIGURE_ZH = {"本年应结算额": "entitlement", "累计应结算额": "cumulative_entitlement",
             "累计已划转额": "cumulative_transfers", "应结余额": "balance_due"}


@then(parsers.parse("{a} 与 {b} 之间{figure}为 {value}"))
def pair_figure_zh(case: Case, a: str, b: str, figure: str, value: str) -> None:
    pair = _pair(case.doc, PARTY_ZH[a], PARTY_ZH[b])
    if figure == "计划累计应结算额":
        assert pair["plan"]["cumulative_entitlement"] == yuan(value)
    else:
        assert pair[FIGURE_ZH[figure]] == yuan(value)


@then(parsers.parse("{payer} 应向 {payee} 支付 {amount} 元"))
def pays_zh(case: Case, payer: str, payee: str, amount: str) -> None:
    pair = next(p for p in case.doc["settlement"]["pairs"] if p["payer"] == PARTY_ZH[payer])
    assert (pair["payee"], pair["amount_due"]) == (PARTY_ZH[payee], yuan(amount))


@then(parsers.parse("the versions by year are {versions}"))
def versions(case: Case, versions: str) -> None:
    assert case.doc["versions"]["by_year"] == [int(v) for v in versions.split(", ")]


@then(parsers.parse("the pair {a}->{b} shows {figures}"))
def pair_figures(case: Case, a: str, b: str, figures: str) -> None:
    pair = _pair(case.doc, a, b)
    for part in figures.split(", "):
        name, _, value = part.rpartition(" ")
        assert pair[name.replace(" ", "_")] == yuan(value), name


@then(parsers.parse("{payer} pays {payee} {amount}"))
def pays(case: Case, payer: str, payee: str, amount: str) -> None:
    pair = next(p for p in case.doc["settlement"]["pairs"] if p["payer"] == payer)
    assert (pair["payee"], pair["amount_due"]) == (payee, yuan(amount))


@then(parsers.parse("the pair {a}->{b} plans a cumulative entitlement of {value}"))
def plan(case: Case, a: str, b: str, value: str) -> None:
    assert _pair(case.doc, a, b)["plan"]["cumulative_entitlement"] == yuan(value)


@then(parsers.parse("the balance identity holds: previous balance {prev} + entitlements since "
                    "{since} + adjustment {adj} - transfers since {paid}"))
def identity(case: Case, prev: str, since: str, adj: str, paid: str) -> None:
    bi = _pair(case.doc, "beijing", "hebei")["balance_identity"]
    assert (bi["previous_balance_due"], bi["entitlements_since"], bi["adjustment"],
            bi["transfers_since"]) == (yuan(prev), yuan(since), yuan(adj), yuan(paid))
    total = sum(int(yuan(x).replace(".", "")) for x in (prev, since, adj)) - \
        int(yuan(paid).replace(".", ""))
    assert int(bi["balance_due"].replace(".", "")) == total
