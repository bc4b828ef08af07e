Feature: allocation to the fen and rounding (semantics §1)
  Whenever an amount X (fen) is divided among parties by shares summing to 1, each party first
  gets floor(X·s); the fen left over go one each to the parties with the largest remainders,
  ties to the party listed first in the contract's parties. A negative amount is allocated as
  its absolute value and every part takes its sign. A derived amount (a projection, a
  retention) is computed exactly and rounded once, half up: half away from zero when negative.

  Rule: largest remainder, ties to the party listed first

    # 1,000,000.01 = 100,000,001 fen, half each = 50,000,000.5: a tie, the odd fen goes to
    # whichever party the contract lists first.
    Scenario Outline: an odd fen between two equal shares
      Given a contract from 2021 for 1 year with parties <parties>
      And a tax stream vat of 1,000,000.01 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1
      And clause split splits the total
      When the contract is run
      Then beijing receives <beijing> as share in 2021
      And hebei receives <hebei> as share in 2021

      Examples:
        | parties                                 | beijing    | hebei      |
        | beijing (sending) and hebei (receiving) | 500,000.01 | 500,000.00 |
        | hebei (receiving) and beijing (sending) | 500,000.00 | 500,000.01 |

    # Three parties at 1/3: 100,000,000 fen / 3 = 33,333,333.33 each, one fen left, all
    # remainders equal → beijing (listed first). 0.02 / 3 = 0.67 fen each, floors 0, two fen
    # left → the first two listed. 0.01 at 0.3 / 0.7 → remainders .3 and .7: the fen is
    # hebei's although beijing is listed first. 0.02 at 1/4, 1/4, 1/2 → 0.5, 0.5, 1 fen: floors
    # 0, 0, 1; one fen left, a tie between beijing and hebei → beijing.
    Scenario Outline: small amounts and ties among three parties
      Given a contract from 2021 for 1 year with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of <amount> a year
      And a tax_split clause split on vat with shares beijing <s_bj>, hebei <s_hb>, tianjin <s_tj> in years 1
      And clause split splits the total
      When the contract is run
      Then beijing receives <beijing> as share in 2021
      And hebei receives <hebei> as share in 2021
      And tianjin receives <tianjin> as share in 2021

      Examples:
        | amount       | s_bj | s_hb | s_tj | beijing    | hebei      | tianjin    |
        | 1,000,000.00 | 1/3  | 1/3  | 1/3  | 333,333.34 | 333,333.33 | 333,333.33 |
        |         0.02 | 1/3  | 1/3  | 1/3  |       0.01 |       0.01 |       0.00 |
        |         0.01 | 0.3  | 0.7  | 0    |       0.00 |       0.01 |       0.00 |
        |         0.02 | 1/4  | 1/4  | 1/2  |       0.01 |       0.00 |       0.01 |
        |         0.01 | 0    | 0    | 1    |       0.00 |       0.00 |       0.01 |

  Rule: a negative amount is allocated as its absolute value and every part takes its sign

    # A loss of 0.05 made good by cash calls at the equity ratios 1/3 : 2/3 (contributions 100
    # and 200): 5 fen → 1.67 / 3.33, floors 1 + 3, the fen to beijing (.67) → −0.02 / −0.03.
    # A loss of 1,000,000.01 by loss shares 1/2 : 1/2: 50,000,000.5 each, a tie → beijing
    # −500,000.01, hebei −500,000.00.
    Scenario Outline: a loss made good by cash calls
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a profit stream profit of <loss> a year
      And an equity clause devco on profit profit
      And beijing contributes 100.00 in cash to devco in year 1
      And hebei contributes 200.00 in cash to devco in year 1
      And clause devco makes losses good <how>
      When the contract is run
      Then beijing receives <beijing> as loss in 2021
      And hebei receives <hebei> as loss in 2021

      Examples:
        | loss          | how                                            | beijing     | hebei       |
        |         -0.05 | by cash calls                                  |       -0.02 |       -0.03 |
        | -1,000,000.01 | by cash calls in shares beijing 0.5, hebei 0.5 | -500,000.01 | -500,000.00 |

    # A cost of 100.01 at 3:7 → 3,000.3 / 7,000.7 fen → beijing 30.00, hebei 70.01 (larger
    # remainder), booked as costs −30.00 / −70.01; a refund of 100.01 the next year gives the
    # same parts with the other sign: +30.00 / +70.01.
    Scenario: a cost and a refund of the same size
      Given a contract from 2021 for 2 years with parties beijing (sending) and hebei (receiving)
      And a cost stream infra with series 100.01; -100.01
      And a cost_share clause infra_share on infra with shares beijing 0.3, hebei 0.7 in years 1-2
      When the contract is run
      Then the cost entries are:
        | year | party   | amount |
        | 2021 | beijing | -30.00 |
        | 2021 | hebei   | -70.01 |
        | 2022 | beijing |  30.00 |
        | 2022 | hebei   |  70.01 |

  Rule: a derived amount is rounded once, half up, and half away from zero when negative

    # A profit stream no equity clause claims goes to hebei as unclaimed: its projection,
    # rounded to the fen. 0.005 → 0.01; −0.005 → −0.01; 0.004 → 0.00; 1.015 → 1.02 and 2.675 →
    # 2.68 (exact decimals: a binary float would give 1.01 and 2.67); −2.675 → −2.68.
    Scenario Outline: rounding a projection given as a series
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a profit stream profit with series <value>
      When the contract is run
      Then hebei receives <rounded> as unclaimed in 2021

      Examples:
        | value  | rounded |
        |  0.005 |    0.01 |
        | -0.005 |   -0.01 |
        |  0.004 |    0.00 |
        | -0.004 |    0.00 |
        |  1.015 |    1.02 |
        |  2.675 |    2.68 |
        | -2.675 |   -2.68 |

    # first × 1.05 in year 2: 0.10 → 0.105 → 0.11; −0.10 → −0.105 → −0.11;
    # 1,000.10 → 1,050.105 → 1,050.11; −1,000.10 → −1,050.11.
    Scenario Outline: rounding a grown projection
      Given a contract from 2021 for 2 years with parties beijing (sending) and hebei (receiving)
      And a profit stream profit starting at <first> growing 5%
      When the contract is run
      Then hebei receives <year2> as unclaimed in 2022

      Examples:
        | first     | year2     |
        |      0.10 |      0.11 |
        |     -0.10 |     -0.11 |
        |  1,000.10 |  1,050.11 |
        | -1,000.10 | -1,050.11 |

    # The retention of the rounded projection is rounded: 100.01 × 0.5 = 50.005 → 50.01;
    # 0.03 × 0.5 = 0.015 → 0.02; 0.01 × 0.5 → 0.01. first 0.15 × 1.1 = 0.165 → 0.17, then
    # × 0.5 = 0.085 → 0.09 (rounding only once, 0.0825 → 0.08, would be wrong).
    Scenario Outline: rounding a retention on half a fen
      Given a contract from 2021 for 2 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat <projection>
      And stream vat has local retention 0.5
      When the contract is run
      Then hebei receives <shareable> as unclaimed in <year>

      Examples:
        | projection                   | year | shareable |
        | with series 100.01; 0        | 2021 |     50.01 |
        | with series 0.03; 0          | 2021 |      0.02 |
        | with series 0.01; 0          | 2021 |      0.01 |
        | starting at 0.15 growing 10% | 2022 |      0.09 |
