"""Bad input files (semantics §6.0–6.2, §6.4, §6.4a): every error at once, by file, row and
column, in CSV and XLSX; nothing computed from a file with errors."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from sharing.operating.errors import InputFilesInvalid, column_letter
from sharing.operating.pipeline import read_inputs
from sharing.operating.readers import parse_number

from .conftest import CASE01, CASE03

SHARING = pathlib.Path(sys.executable).with_name("sharing")
REGISTER_HEAD = ["enterprise", "name", "from", "relocation_year", "production_year",
                 "pre_2020", "pre_2021", "first_vat", "growth_vat"]
GOOD_REGISTER = [REGISTER_HEAD,
                 ["A1", "甲公司", "beijing", 2022, 2022, 1000, 1200, 5000, 0.1],
                 ["B2", "乙公司", "beijing", 2022, 2023, 900, 1050, 1600, 0.1]]
GOOD_ACTUALS = [["stream", "year", "amount_wan"], ["A1/vat", 2022, 6000], ["A1/vat", 2023, 6400],
                ["B2/vat", 2022, 200], ["B2/vat", 2023, 1800]]


def errors_of(**files) -> list[str]:
    with pytest.raises(InputFilesInvalid) as e:
        read_inputs(str(CASE01 / "contract.yaml"), through=2023, **files)
    return e.value.lines("en")


@pytest.mark.parametrize("text, value", [
    ("1234567.89", "1234567.89"), ("1,234,567.89", "1234567.89"), ("-5", "-5"), ("0", "0"),
    ("1e3", None), ("+5", None), (".5", None), ("5.", None), ("¥5", None), ("5万", None),
    ("５", None), ("1 000", None), ("1,23", None), ("12,3456", None), ("", None)])
def test_numbers_as_section_6_0_allows(text, value):
    got = parse_number(text)
    assert (None if got is None else str(got)) == value


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == \
        ["A", "Z", "AA", "AB", "ZZ", "AAA"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_register_every_error_by_row_and_column(tables, fmt):
    reg = tables("register", [
        REGISTER_HEAD + ["colour"],
        ["A1", "甲公司", "beijing", 2022, 2022, 1000, 1200, 5000, 0.1, ""],
        ["A1", "", "nobody", "20x2", "", "1e3", "", "", "", ""],
        ["C/3", "丙", "zhangjiakou", 2022, 2021, 100, 100, "", "", ""],
        ["D4", "丁", "beijing", 2021, "", 100, 100, "", "", ""],
    ], fmt)
    act = tables("actuals", GOOD_ACTUALS, fmt)
    name = str(reg)
    got = errors_of(register=str(reg), actuals=str(act))
    expected = [
        f"{name}: row 1, column J (colour): unknown column colour (a typo?); expected one of "
        "enterprise, name, from, relocation_year, production_year, baseline, pre_YYYY, first_S, "
        "growth_S, note",
        f"{name}: row 3, column A (enterprise): A1 is registered twice (first in row 2)",
        f"{name}: row 3, column B (name): the enterprise name is empty",
        f"{name}: row 3, column C (from): nobody is not a party of the contract (its id or its "
        "exact name)",
        f"{name}: row 3, column D (relocation_year): 20x2 is not a year (four digits, e.g. 2023)",
        f"{name}: row 3, column F (pre_2020): 1e3 is not a number (plain digits, an optional "
        "leading -, a decimal point and thousands separators only)",
        f"{name}: row 4, column A (enterprise): C/3: an enterprise code may not contain /",
        f"{name}: row 4, column C (from): zhangjiakou is the receiving party; an enterprise moves "
        "from a sending or other party",
        f"{name}: row 4, column E (production_year): the production year 2021 precedes the "
        "relocation year 2022",
        f"{name}: row 5, column G (pre_2021): a pre-move value for 2021 must be empty: the "
        "enterprise moved in 2021",
        f"{name}: row 5, column - (pre_2019): the pre-move value for 2019 is missing; clause buffer_2y needs "
        "the 2 years before the move",
    ]
    # the register has errors: the actuals are not checked against it (§6.0)
    assert got == expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_actuals_every_error(tables, fmt):
    reg = tables("register", GOOD_REGISTER, fmt)
    act = tables("actuals", [
        ["stream", "year", "amount_wan", "note"],
        ["A1/vat", 2022, 6000, "ok"],
        ["A1/vat", 2022, 6000, "twice"],
        ["Z9/vat", 2023, 1, ""],
        ["A1/vat", 2024, 1, ""],
        ["A1/vat", 2023, -5, ""],
        ["nothing", 2023, "1.1234567", ""],
        ["B2/vat", 2021, 1, ""],
        ["B2/vat", 2022, "12,34", ""],
    ], fmt)
    name = str(act)
    got = errors_of(register=str(reg), actuals=str(act))
    assert got == [
        f"{name}: row 3, column B (year): a second row for A1/vat in 2022 (the first is row 2)",
        f"{name}: row 4, column A (stream): Z9/vat: the enterprise Z9 is not in the register",
        f"{name}: row 5, column B (year): 2024 is after the year settled, 2023",
        f"{name}: row 6, column C (amount_wan): -5 is negative; a tax amount is 0 or more",
        f"{name}: row 7, column A (stream): nothing is not a stream of the case",
        f"{name}: row 7, column C (amount_wan): 1.1234567 has more than 6 decimals",
        f"{name}: row 8, column B (year): 2021 lies outside the contract's years 2022-2025",
        f"{name}: row 9, column C (amount_wan): 12,34 is not a number (plain digits, an optional "
        "leading -, a decimal point and thousands separators only)",
        f"{name}: row -, column -: no row for B2/vat in 2023: every money stream needs an actual "
        "figure for every year settled (write 0 for none)",
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_transfers_every_error(tables, fmt):
    tr = tables("transfers", [
        ["date", "from", "to", "amount", "year", "reference"],
        ["2023-02-30", "sanming", "sanming", "+5", "23", ""],
        ["2023-03-01", "福州市", "三明市", "0", 2022, "x"],
        ["2023-03-01", "fuzhou", "sanming", "1.001", 2025, "x"],
    ], fmt)
    name = str(tr)
    with pytest.raises(InputFilesInvalid) as e:
        read_inputs(str(CASE03 / "contract.yaml"), actuals=str(CASE03 / "actuals.csv"),
                    transfers=str(tr), through=2022)
    assert e.value.lines("en") == [
        f"{name}: row 2, column A (date): 2023-02-30 is not a date (YYYY-MM-DD)",
        f"{name}: row 2, column C (to): a transfer is between two different parties; sanming "
        "pays itself",
        f"{name}: row 2, column D (amount): +5 is not a number (plain digits, an optional "
        "leading -, a decimal point and thousands separators only)",
        f"{name}: row 2, column E (year): 23 is not a year (four digits, e.g. 2023)",
        f"{name}: row 3, column D (amount): 0: a transfer is more than 0 (the payer is in from)",
        f"{name}: row 4, column D (amount): 1.001 has more than 2 decimals",
        f"{name}: row 4, column E (year): 2025 lies outside the contract's years 2021-2023",
    ]


def test_missing_columns_and_both_amount_columns(tables):
    reg = tables("register", [["enterprise", "name"], ["A1", "甲"]])
    act = tables("actuals", [["stream", "amount", "amount_wan"], ["A1/vat", 1, 1]])
    got = errors_of(register=str(reg), actuals=str(act))
    assert got == [
        f"{reg}: row -, column - (from): the column from is missing",
        f"{reg}: row -, column - (relocation_year): the column relocation_year is missing",
        f"{act}: row -, column - (year): the column year is missing",
        f"{act}: row 1, column C (amount_wan): give amount (yuan) or amount_wan (万元), not both",
    ]


def test_unreadable_file_in_one_line(tmp_path):
    bad = tmp_path / "actuals.csv"
    bad.write_bytes(b"\x81\x30\xff\xff\x00stream")  # neither UTF-8 nor GB18030
    with pytest.raises(InputFilesInvalid) as e:
        read_inputs(str(CASE03 / "contract.yaml"), actuals=str(bad), through=2022)
    assert e.value.lines("en") == [f"{bad}: row -, column -: the file is neither UTF-8 nor "
                                   "GB18030 text, nor an XLSX workbook"]


def test_errors_in_chinese(tables):
    act = tables("actuals", [["税种", "年度", "金额（元）"], ["park_vat", "2021", "1e3"]])
    with pytest.raises(InputFilesInvalid) as e:
        read_inputs(str(CASE03 / "contract.yaml"), actuals=str(act), through=2021)
    lines = e.value.lines("zh")
    assert lines[0] == (f"{act}：第 2 行，第 C 列（金额（元））：1e3 不是数字（只能有数字、开头的负号、"
                        "小数点和千位分隔符）")
    assert lines[1] == (f"{act}：第 - 行，第 - 列："
                        "缺少 infra 的 2021 年数据：每个资金收入项目在结算的每一年都须有实际入库数（没有则填 0）")


def test_cli_refuses_with_exit_2_and_computes_nothing(tables):
    act = tables("actuals", [["stream", "year", "amount"], ["park_vat", 2021, "abc"]])
    run = subprocess.run([str(SHARING), "settle", str(CASE03 / "contract.yaml"), "--year",
                          "2021", "--actuals", str(act), "--lang", "en"],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[0].startswith(f"{act}: row 2, column C (amount): abc ")
