"""Amendments (semantics §6.3): versions by year, state carried by clause id, a removed pool's
residual at m − 1, "as signed" beside "as amended". Figures worked by hand in the comments."""

from __future__ import annotations

import textwrap

import pytest

from schemas.errors import InvalidContract
from sharing.operating.compute import compute_case, result_document
from sharing.operating.pipeline import read_inputs

BASE = """
name: cap carried across an amendment
start_year: 2021
years: 4
parties:
  - {id: beijing, name: Beijing, role: sending}
  - {id: hebei, name: Hebei, role: receiving}
streams:
  - {id: vat, kind: tax, first: 10000000}
clauses:
  - id: split
    kind: tax_split
    streams: [vat]
    basis: total
    schedule: [{years: "1-4", shares: {beijing: 0.5, hebei: 0.5}}]
    cap: {party: beijing, cumulative: 12000000}
"""


def _amended(cap: int, share: str = "0.4") -> str:
    hebei = {"0.4": "0.6", "0.5": "0.5"}[share]
    return BASE + textwrap.dedent(f"""
    amendments:
      - id: a2023
        signed: 2023
        effective_from: 3
        clauses:
          - id: split
            kind: tax_split
            streams: [vat]
            basis: total
            schedule: [{{years: "1-4", shares: {{beijing: {share}, hebei: {hebei}}}}}]
            cap: {{party: beijing, cumulative: {cap}}}
    """)


def _doc(tmp_path, text: str, as_signed: bool = False) -> dict:
    path = tmp_path / "contract.yaml"
    path.write_text(text, "utf-8")
    inputs = read_inputs(str(path))
    return result_document(compute_case(inputs.case, [], {}, as_signed=as_signed))


def _net(doc: dict, party: str) -> list[str]:
    return doc["parties"][party]["net_by_year"]


def test_a_cap_count_carries_over(tmp_path):
    # 2021, 2022: Beijing 5,000,000.00 each (count 10,000,000.00). From 2023 the cap is
    # 11,000,000.00 and the share 0.4: room 1,000,000.00 of 4,000,000.00 → Beijing
    # 1,000,000.00, 3,000,000.00 cap_excess to Hebei; 2024 room 0 → Hebei all 10,000,000.00.
    doc = _doc(tmp_path, _amended(11000000))
    assert doc["versions"]["by_year"] == [1, 1, 2, 2]
    assert _net(doc, "beijing") == ["5000000.00", "5000000.00", "1000000.00", "0.00"]
    assert _net(doc, "hebei") == ["5000000.00", "5000000.00", "9000000.00", "10000000.00"]
    assert doc["parties"]["hebei"]["totals_by_kind"]["cap_excess"] == "7000000.00"


def test_a_party_past_a_lowered_cap_gets_nothing_more_and_keeps_what_it_had(tmp_path):
    # the cap is lowered to 8,000,000.00 while 10,000,000.00 were counted: nothing more, and
    # nothing taken back.
    doc = _doc(tmp_path, _amended(8000000, "0.5"))
    assert _net(doc, "beijing") == ["5000000.00", "5000000.00", "0.00", "0.00"]


def test_as_signed_beside_as_amended(tmp_path):
    # as signed: 5,000,000.00 a year until the 12,000,000.00 cap: 5, 5, 2, 0 (millions).
    doc = _doc(tmp_path, _amended(11000000), as_signed=True)
    assert doc["versions"]["by_year"] == [1, 1, 1, 1]
    assert _net(doc, "beijing") == ["5000000.00", "5000000.00", "2000000.00", "0.00"]


def test_every_entry_names_its_version(tmp_path):
    doc = _doc(tmp_path, _amended(11000000))
    assert {(e["year"], e["version"]) for e in doc["entries"]} == {
        (2021, 1), (2022, 1), (2023, 2), (2024, 2)}
    assert all(e["why"].startswith(f"[version {e['version']}]") for e in doc["entries"])


POOL = """
name: pool removed by an amendment
start_year: 2021
years: 4
parties:
  - {id: beijing, name: Beijing, role: sending}
  - {id: hebei, name: Hebei, role: receiving}
streams:
  - {id: vat, kind: tax, first: 10000000}
clauses:
  - id: split
    kind: tax_split
    streams: [vat]
    basis: total
    schedule: [{years: "1-4", shares: {beijing: 0.5, hebei: 0.5}}]
  - id: pool
    kind: risk_pool
    funded_by: [{clause: split, rate: 0.1}]
    residual_shares: {beijing: 0.5, hebei: 0.5}
amendments:
  - id: a2023
    signed: 2023
    effective_from: 3
    remove: [pool]
"""


def test_a_removed_pool_pays_its_residual_at_the_end_of_the_year_before(tmp_path):
    # 2021, 2022: 1,000,000.00 into the pool, 9,000,000.00 split → 4,500,000.00 each. End of
    # 2022: the balance 2,000,000.00 is paid 50:50 as residual (1,000,000.00 each). From 2023:
    # 10,000,000.00 split → 5,000,000.00 each.
    doc = _doc(tmp_path, POOL)
    assert _net(doc, "beijing") == ["4500000.00", "5500000.00", "5000000.00", "5000000.00"]
    assert _net(doc, "hebei") == ["4500000.00", "5500000.00", "5000000.00", "5000000.00"]
    assert doc["pool_balances"]["pool"] == ["1000000.00", "0.00", "0.00", "0.00"]


def test_a_kept_pool_with_a_balance_is_refused_not_miscomputed(tmp_path):
    text = POOL.replace("    remove: [pool]", """    clauses:
      - id: split
        kind: tax_split
        streams: [vat]
        basis: total
        schedule: [{years: "1-4", shares: {beijing: 0.4, hebei: 0.6}}]""")
    with pytest.raises(InvalidContract) as e:
        _doc(tmp_path, text)
    assert "clause pool" in str(e.value)
