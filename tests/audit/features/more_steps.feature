Feature: The steps an auditor needs under 财预〔2015〕92号 and for equity, pools and IRR
  Figures worked by hand in the presets' headers and below.

  Scenario: a stream's gross amount and its shareable local part (jiangsu-south-north)
    # park_vat: series 2,000万 in 2025; local retention 0.5 -> 10,000,000.00
    Given the preset jiangsu-south-north
    Then the gross amount of park_vat in 2025 is 20,000,000.00
    And the shareable amount of park_vat in 2025 is 10,000,000.00
    And the shareable amount of park_cit in 2026 is 4,000,000.00

  Scenario: the loss still to make good and what the company keeps
    # devco profit -1,500万, -500万, 800万, 1,500万: deficit 15, 20, 12, then 0 million;
    # 2028: 12 million makes good the rest of the loss, 10 % of the other 3 million is kept
    Given the preset jiangsu-south-north
    Then the loss of devco still to make good at the end of 2025 is 15,000,000.00
    And the loss of devco still to make good at the end of 2026 is 20,000,000.00
    And the loss of devco still to make good at the end of 2027 is 12,000,000.00
    And the loss of devco still to make good at the end of 2028 is 0.00
    And the company of devco retains -15,000,000.00 in 2025
    And the company of devco retains 12,300,000.00 in 2028
    And suzhou gets 1,800,000.00 as dividend from devco in 2028

  Scenario: IRR
    Given the preset jiangsu-south-north
    Then suzhou's IRR is 18.92%
    And suzhou's IRR is 0.1892

  Scenario: the explanation and conservation (bth-92hao)
    Given the preset bth-92hao
    Then the explanation of beijing's share from sanshui_92 in 2022 says "9,000,000.00"
    And the parts add up to the amounts in 2022
    And the parts add up to the amounts in 2018

  Scenario: a pool's inflow, and receipts on one stream
    # t: 200 and 400 yuan, local part 0.5 -> 100 and 200; 10 % into the pool -> 10 and 20;
    # the rest 50:50 -> 45 and 90 each
    Given the contract:
      """yaml
      start_year: 2020
      years: 2
      parties: [{id: a, name: "甲县 / County A", role: sending}, {id: b, name: "乙区 / District B", role: receiving}]
      streams: [{id: t, name: 园区税收 / park tax, kind: tax, local_retention: 0.5, series: [200, 400]}]
      clauses:
        - {id: split, name: 税收分成 / tax split, kind: tax_split, basis: total, streams: [t], schedule: [{years: "1-2", shares: {a: 0.5, b: 0.5}}]}
        - id: pool
          kind: risk_pool
          funded_by: [{clause: split, rate: 0.1}]
          guarantees: [{party: a, floor: 100, counts: [split]}]
          backstop: b
      """
    Then 10.00 goes into pool in 2020
    And 20.00 goes into pool in 2021
    And a receives 45.00 from split on t in 2020
    And "County A" receives 90.00 from split on t in 2021
    And a gets 45.00 as backstop from pool in 2020
    And the parts add up to the amounts in 2021
    And a has no IRR
