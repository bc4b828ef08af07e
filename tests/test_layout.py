"""The memory layout that the scenario engine's speed rests on (docs/negotiation.md,
"Performance"): one year of every scenario is contiguous, and the allocator is tuned once."""

from __future__ import annotations

import platform

import numpy as np

from sharing.ledger import Ledger
from sharing.scenarios import memory


def test_a_ledger_table_is_year_major():
    led = Ledger(["a", "b", "c"], scenarios=1000, years=30)
    table = led.table()
    assert table.shape == (3, 1000, 30)
    assert table[1, :, 7].flags["C_CONTIGUOUS"]  # what Ledger.post / finish add to
    assert not table.any()
    table[2, :, 29] += np.arange(1000)
    assert table[2, 999, 29] == 999 and table.sum() == 999 * 1000 // 2


def test_net_and_totals_by_kind_add_up_in_that_layout():
    led = Ledger(["a", "b"], scenarios=4, years=3)
    led.post(1, "c", "s", "a", "share", np.array([1, 2, 3, 4]), lambda s: "")
    led.post(1, "c", "s", "b", "share", np.array([5, 6, 7, 8]), lambda s: "")
    led.post(2, "c", "s", "b", "cap_excess", np.array([0, 0, 0, 9]), lambda s: "")
    led.finish()
    assert led.net[:, :, 1].tolist() == [[1, 2, 3, 4], [5, 6, 7, 8]]
    assert led.net[1, 3].tolist() == [0, 8, 9]
    assert set(led.by_kind) == {"share", "cap_excess"}
    assert led.by_kind["cap_excess"][1, :, 2].tolist() == [0, 0, 0, 9]
    assert led.happened("cap_excess").tolist() == [False, False, False, True]


def test_the_allocator_is_tuned_once_on_glibc():
    first = memory.keep_freed_arrays()
    assert memory.keep_freed_arrays() == first  # idempotent
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert first is True


def test_a_copied_contract_derives_its_own_data():
    """pydantic's model_copy would share the private cache of derived data (projections,
    schedules) between a contract and a copy with other fields."""
    from fractions import Fraction

    from sharing.api import evaluate_contract, load_file

    contract = load_file("examples/incremental-step-split.yaml")
    before = evaluate_contract(contract).ledger
    cheaper = contract.model_copy(update={"streams": [
        s.model_copy(update={"first": s.first / 2}) if s.first is not None else s
        for s in contract.streams]})
    assert cheaper._derived is not contract._derived
    assert all(s.first is None or s.first == Fraction(o.first) / 2
               for s, o in zip(cheaper.streams, contract.streams, strict=True))
    after = evaluate_contract(cheaper).ledger
    assert after.net.sum() != before.net.sum()
