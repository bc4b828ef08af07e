Feature: invalid contracts are refused before anything is computed (semantics §3.7)
  The engine refuses an invalid contract with a message that names the field by its path and
  says what is wrong. Each example below breaks one rule of a contract that is otherwise valid:
  one field is set (a list index one past the end adds an element), the contract is checked,
  and the refusal must name the field and the rule.

  Background:
    Given the contract:
      """
      start_year: 2021
      years: 5
      parties:                                         # parties[0..2]
        - {id: beijing, name: 北京, role: sending}
        - {id: hebei, name: 河北, role: receiving}
        - {id: tianjin, name: 天津, role: other}
      streams:
        - {id: vat, kind: tax, local_retention: 0.5, relocated_year: 2021,             # streams[0]
           series: [1000000, 1000000, 1000000, 1000000, 1000000]}
        - {id: fee, kind: fee, series: [100000, 100000, 100000, 100000, 100000]}     # streams[1]
        - {id: profit, kind: profit, series: [200000, 200000, 200000, 200000, 200000]}  # streams[2]
        - {id: infra, kind: cost, series: [50000, 50000, 50000, 50000, 50000]}       # streams[3]
      clauses:
        - id: split                                    # clauses[0]
          kind: tax_split
          streams: [vat]
          schedule:
            - {years: 1-5, shares: {beijing: 0.3, hebei: 0.7}}
        - id: devco                                    # clauses[1]
          kind: equity
          contributions:
            - {party: beijing, kind: cash, value: 1000000, year: 1}
            - {party: hebei, kind: land, value: 1000000, year: 1}
          profit_streams: [profit]
        - id: infra_share                              # clauses[2]
          kind: cost_share
          streams: [infra]
          schedule:
            - {years: 1-5, shares: {from_equity: devco}}
        - id: pool                                     # clauses[3]
          kind: risk_pool
          funded_by: [{clause: split, rate: 0.1}]
          guarantees:
            - {party: beijing, floor: 100000, counts: [split]}
          backstop: tianjin
        - id: exit                                     # clauses[4]
          kind: exit
          triggers: [{when: in_year, year: 4}]
          exiting: beijing
          price: {method: fixed, amount: 500000}
      """

  Rule: the contract above is valid

    Scenario: the base contract is accepted
      When the contract is checked
      Then the contract is accepted

    # 0.1 + 0.2 + 0.7 is exactly 1 as decimals (binary floats would miss it); 1/3 + 2/3 too.
    Scenario Outline: shares are read as exact decimals or fractions
      When clauses[0].schedule[0].shares is set to <shares>
      And the contract is checked
      Then the contract is accepted

      Examples:
        | shares                                   |
        | {beijing: 0.1, hebei: 0.2, tianjin: 0.7} |
        | {beijing: 1/3, hebei: 2/3}               |
        | {beijing: "35%", hebei: "65%"}           |

  Rule: every broken rule is refused at its path, with the rule in words

    Scenario Outline: a broken contract names the field and the rule
      When <field> is set to <value>
      And the contract is checked
      Then the contract is refused at "<path>" saying "<says>"

      Examples: shares, segments and parties
        | field                         | value                                          | path                                   | says                                     |
        | clauses[0].schedule[0].shares | {beijing: 0.3, hebei: 0.6}                     | clauses[0].schedule[0].shares          | must sum to exactly 1                    |
        | clauses[0].schedule[1]        | {years: 5, shares: {beijing: 0.5, hebei: 0.5}} | clauses[0].schedule[1].years           | segments of one schedule may not overlap |
        | clauses[0].schedule[0].shares | {beijing: 0.3, shanghai: 0.7}                  | clauses[0].schedule[0].shares.shanghai | is not a party of this contract          |
        | clauses[0].schedule[0].years  | 0-3                                            | clauses[0].schedule[0].years           | starts before year 1                     |
        | parties[1].role               | other                                          | parties                                | exactly one must                         |

      Examples: streams
        | field                      | value                             | path                       | says                                    |
        | streams[0].relocated_year  | 2019                              | streams[0].relocated_year  | outside the contract                    |
        | streams[0].relocated_year  | 2022                              | streams[0].series[0]       | before the relocation year              |
        | streams[1].local_retention | 0.5                               | streams[1].local_retention | only tax streams have a local retention |
        | streams[1].series          | [1, 2, 3]                         | streams[1].series          | exactly one per contract year           |
        | streams[2].series[0]       | '12.3.4'                          | streams[2].series[0]       | is not a number                         |
        | clauses[0].cap             | {party: beijing, per_year: 0.001} | clauses[0].cap.per_year    | not a whole number of fen               |

      Examples: one claiming clause a stream and year
        | field              | value                                                                                                       | path                         | says                                      |
        | clauses[5]         | {id: second, kind: tax_split, streams: [vat], schedule: [{years: 3-4, shares: {beijing: 1}}]}               | clauses[5].schedule[0].years | claimed by split and second in 2023       |
        | clauses[5]         | {id: devco2, kind: equity, contributions: [{party: hebei, kind: cash, value: 1}], profit_streams: [profit]} | clauses[5].profit_streams    | claimed by devco and devco2               |
        | clauses[5]         | {id: infra2, kind: cost_share, streams: [infra], schedule: [{years: 5, shares: {hebei: 1}}]}                | clauses[5].schedule[0].years | claimed by infra_share and infra2 in 2025 |
        | clauses[0].streams | [vat, profit]                                                                                               | clauses[0].streams[1]        | takes streams of kind tax or fee or land  |

      Examples: equity
        | field                               | value                                                 | path                                      | says                                |
        | clauses[1].loss_shares              | {beijing: 0.5, hebei: 0.5}                            | clauses[1].loss_shares                    | applies only with losses: cash_call |
        | clauses[1].contributions[1].area_mu | 10                                                    | clauses[1].contributions[1]               | not both                            |
        | clauses[1].contributions[0].value   | 0                                                     | clauses[1].contributions[0].value         | greater than 0                      |
        | clauses[1].contributions[0].year    | 6                                                     | clauses[1].contributions[0].year          | outside the contract's years 1..5   |
        | clauses[1].payout_ratio             | 1.1                                                   | clauses[1].payout_ratio                   | at most 1                           |
        | clauses[1].contributions            | [{party: hebei, kind: land, value: 1000000, year: 2}] | clauses[2].schedule[0].shares.from_equity | has no equity before 2022           |
        | clauses[1].contributions            | [{party: hebei, kind: land, value: 1000000, year: 2}] | clauses[1].profit_streams                 | has no equity yet                   |

      Examples: risk pools
        | field                          | value                                                                 | path                           | says                               |
        | clauses[3].funded_by[0].clause | infra_share                                                           | clauses[3].funded_by[0].clause | funded only by tax_split or buffer |
        | clauses[5]                     | {id: pool2, kind: risk_pool, funded_by: [{clause: split, rate: 0.1}]} | clauses[5].funded_by[0].clause | funds at most one pool             |
        | clauses[3].backstop            | beijing                                                               | clauses[3].backstop            | is also guaranteed by it           |
        | clauses[3].guarantees[1]       | {party: beijing, floor: 5, counts: [split, devco]}                    | clauses[3].guarantees[1]       | a floor is made good once          |

      Examples: exit
        | field                  | value                                                                      | path                             | says                                        |
        | clauses[5]             | {id: exit2, kind: exit}                                                    | clauses[5]                       | at most one                                 |
        | clauses[4].term_years  | 6                                                                          | clauses[4].term_years            | outside 1..5                                |
        | clauses[4].triggers[0] | {when: in_year, year: 6}                                                   | clauses[4].triggers[0].year      | lies after the term                         |
        | clauses[4].triggers[0] | {when: increment_below, clause: devco, threshold: 1}                       | clauses[4].triggers[0].clause    | watches a tax_split or buffer               |
        | clauses[4].triggers[0] | {when: cumulative_reached, party: beijing, clause: infra_share, amount: 1} | clauses[4].triggers[0].clause    | counts a tax_split, buffer or equity clause |
        | clauses[4].exiting     | null                                                                       | clauses[4].exiting               | must name the exiting party                 |
        | clauses[4].buyer       | beijing                                                                    | clauses[4].buyer                 | is the exiting party                        |
        | clauses[4].exiting     | hebei                                                                      | clauses[4].buyer                 | is the exiting party                        |
        | clauses[4]             | {id: exit, kind: exit, exiting: beijing, penalty: {rate_of_price: 0.1}}    | clauses[4].penalty.rate_of_price | has no price                                |

    # Both bounds of a share in one contract: 1.3 is above 1 and −0.3 below 0; each message
    # must name the bound it breaks (both bounds once shared one error code, and the template
    # registered first was reused: "-0.3 is out of range: a share must be at most 0").
    Scenario: a share outside 0..1 names the bound it breaks
      When clauses[0].schedule[0].shares is set to {beijing: 1.3, hebei: -0.3}
      And the contract is checked
      Then the contract is refused at "clauses[0].schedule[0].shares.beijing" saying "must be at most 1"
      And the contract is refused at "clauses[0].schedule[0].shares.hebei" saying "must be at least 0"

  Rule: every problem that can be found is reported on the first check (issue 17)
    The models report every field at once; the cross-field and §3.7 rules still run on the
    parts that are valid, and a refused clause's segment years are still checked against the
    contract's 5 years. The pool's references to the refused clause split are not reported:
    split exists, only its schedule is wrong.

    Scenario: four mistakes at once: empty id, shares 0.9, a negative fee, a segment past the term
      When clauses[2].id is set to ''
      And clauses[0].schedule[0].shares is set to {beijing: 0.3, hebei: 0.6}
      And clauses[0].schedule[0].years is set to 1-7
      And streams[1].series[0] is set to -100
      And the contract is checked
      Then 4 problems are reported
      And the contract is refused at "clauses[2].id" saying "is not a valid id"
      And the contract is refused at "clauses[0].schedule[0].shares" saying "shares sum to 0.9"
      And the contract is refused at "clauses[0].schedule[0].years" saying "1-7 reaches past the contract's 5 years"
      And the contract is refused at "streams[1].series[0]" saying "-100 is negative"
