Feature: exit, term, triggers and settlement (semantics §3.6)
  The last year L is the exit year E if a trigger fired, otherwise the term T. After L no clause
  applies: every stream goes whole to the successor as handover (cost streams negative), and an
  event handover is raised in L + 1. Triggers are evaluated in the order listed at the end of
  each year until one fires. In year E the buyer pays the exiting party the price (buyout), and a
  party at fault pays a penalty.

  Rule: after the term every stream is handed over to the successor

    # Term 2 of 4 years; successor tianjin. 2021-2022: tax 100,000 at 3:7, profit 50,000 at 1/2
    # each, cost 20,000 at 5:5 → beijing 30,000 + 25,000 − 10,000 = 45,000 (2021 also −1,000,000
    # contributed). 2023-2024: tianjin takes tax +100,000, profit +50,000, cost −20,000 = 130,000
    # a year. hebei's year-3 contribution is never made; there is no equity after L.
    Scenario: term_years shorter than the contract
      Given a contract from 2021 for 4 years with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of 100,000.00 a year
      And a profit stream profit of 50,000.00 a year
      And a cost stream infra of 20,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.3, hebei 0.7 in years 1-4
      And clause split splits the total
      And an equity clause devco on profit profit
      And beijing contributes 1,000,000.00 in cash to devco in year 1
      And hebei contributes 1,000,000.00 in land to devco in year 1
      And hebei contributes 500,000.00 in cash to devco in year 3
      And a cost_share clause infra_share on infra with shares beijing 0.5, hebei 0.5 in years 1-4
      And an exit clause term with a term of 2 years
      And exit term hands over to tianjin
      When the contract is run
      Then the last year is 2022
      And beijing's net by year is -955,000.00; 45,000.00; 0.00; 0.00
      And hebei's net by year is -915,000.00; 85,000.00; 0.00; 0.00
      And tianjin's net by year is 0.00; 0.00; 130,000.00; 130,000.00
      And the ledger of 2023 is:
        | clause | stream | party   | kind     | amount     |
        | term   | vat    | tianjin | handover | 100,000.00 |
        | term   | profit | tianjin | handover |  50,000.00 |
        | term   | infra  | tianjin | handover | -20,000.00 |
      And devco has no equity in 2023
      And hebei's contribution total is -1,000,000.00
      And the events are:
        | year | clause | kind     |
        | 2023 | term   | handover |

    # Term 1 of 2 years. In 2022 the company loses 40,000: handed over to hebei (the successor
    # by default) as −40,000, with no deficit carried; the GDP (500,000) counts wholly for hebei
    # in the indicator ledger. In 2021 the profit 100,000 is paid out 1/2 each and GDP split 5:5.
    Scenario: a loss and an indicator after the term go to the successor
      Given a contract from 2021 for 2 years with parties beijing (sending) and hebei (receiving)
      And a profit stream profit with series 100,000.00; -40,000.00
      And an indicator stream gdp of 500,000.00 a year
      And an equity clause devco on profit profit
      And beijing contributes 1,000,000.00 in cash to devco in year 1
      And hebei contributes 1,000,000.00 in land to devco in year 1
      And an indicator_split clause gdp_split on gdp with shares beijing 0.5, hebei 0.5 in years 1-2
      And an exit clause term with a term of 1 year
      When the contract is run
      Then the ledger of 2022 is:
        | clause | stream | party | kind     | amount     |
        | term   | profit | hebei | handover | -40,000.00 |
      And beijing's net by year is -950,000.00; 0.00
      And beijing is counted 250,000.00 of indicators in 2021
      And beijing is counted 0.00 of indicators in 2022
      And hebei is counted 500,000.00 of indicators in 2022

  Rule: increment_below fires after n consecutive years strictly below the threshold

    # Baseline 1,000,000; increments: 2021 150,000; 2022 200,000; 2023 100,000; 2024 250,000;
    # 2025 199,999.99; 2026 0 (the amount is under the baseline); 2027-2028 500,000.
    # threshold 200,000.00: 2022 is not strictly below and 2024 is above, each restarts the count;
    #   2025 and 2026 are the first two in a row → fires 2026, handover of 2027-2028 (1,500,000 each).
    # threshold 200,000.01: 2021 and 2022 → fires 2022; handover 2023-2028: 1,100,000 + 1,250,000
    #   + 1,199,999.99 + 900,000 + 1,500,000 + 1,500,000 = 7,449,999.99.
    # threshold 100,000.00: only 2026 is below (100,000 in 2023 is not strictly below): never fires.
    Scenario Outline: consecutive years strictly below
      Given a contract from 2021 for 8 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat with series 1,150,000.00; 1,200,000.00; 1,100,000.00; 1,250,000.00; 1,199,999.99; 900,000.00; 1,500,000.00; 1,500,000.00
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-8
      And clause split keeps a baseline of 1,000,000.00
      And an exit clause exit
      And exit exit triggers when the increment of split is below <threshold> for 2 consecutive years
      When the contract is run
      Then clause exit raises exit_triggered in <triggered>
      And clause exit raises handover in <handover>
      And the last year is <last>
      And hebei's handover total is <handed_over>

      Examples:
        | threshold  | triggered | handover | last | handed_over  |
        | 200,000.00 | 2026      | 2027     | 2026 | 3,000,000.00 |
        | 200,000.01 | 2022      | 2023     | 2022 | 7,449,999.99 |
        | 100,000.00 | no year   | no year  | 2028 |         0.00 |

    # Segments 1-2 and 4-6, so the clause claims nothing in 2023. Increments (baseline
    # 1,000,000): 500,000; 100,000; 100,000; 100,000; 100,000; 500,000. Below 200,000 for 2
    # years: 2022 counts 1, 2023 (not claimed) starts the count again, 2024 and 2025 → fires
    # 2025 (without the gap it would have fired in 2023).
    Scenario: a year the clause claims nothing starts the count again
      Given a contract from 2021 for 6 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat with series 1,500,000.00; 1,100,000.00; 1,100,000.00; 1,100,000.00; 1,100,000.00; 1,500,000.00
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-2
      And clause split also gives shares beijing 0.5, hebei 0.5 in years 4-6
      And clause split keeps a baseline of 1,000,000.00
      And an exit clause exit
      And exit exit triggers when the increment of split is below 200,000.00 for 2 consecutive years
      When the contract is run
      Then clause exit raises exit_triggered in 2025
      And the last year is 2025
      And hebei receives 1,500,000.00 as handover in 2026

    # The increment is measured before pool funding: 1,210,000 − 1,000,000 = 210,000 is not
    # below 200,000, although only 189,000 is left to split after the pool's 21,000.
    Scenario: the increment is measured before the pool takes its part
      Given a contract from 2021 for 2 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,210,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-2
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.1 of clause split
      And an exit clause exit
      And exit exit triggers when the increment of split is below 200,000.00
      When the contract is run
      Then clause exit raises exit_triggered in no year
      And the last year is 2022
      And 21,000.00 goes into the pool in 2021
      And beijing receives 94,500.00 as share in 2021

    # Baseline 1,000,000; beijing gets half the increment: 300,000 a year from 1,600,000.
    # Cumulative: 300,000; 600,000; 900,000; 1,200,000. "900,000.00 or more" is reached in 2023;
    # 900,000.01 only in 2024.
    Scenario Outline: cumulative_reached
      Given a contract from 2021 for 5 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,600,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-5
      And clause split keeps a baseline of 1,000,000.00
      And an exit clause exit
      And exit exit triggers when beijing's receipts from split reach <amount>
      When the contract is run
      Then clause exit raises exit_triggered in <year>
      And the last year is <year>
      And beijing's share total is <beijing>

      Examples:
        | amount     | year | beijing      |
        | 900,000.00 | 2023 |   900,000.00 |
        | 900,000.01 | 2024 | 1,200,000.00 |

  Rule: of several triggers firing in one year the first listed wins; notice never reaches past T

    # increments (baseline 1,000,000): 500,000, then 100,000 every year. increment_below 200,000
    # for 2 years fires in 2023 (2022 and 2023) → with 1 year's notice E = 2024; in_year 3 fires in
    # 2023 too and makes E = 2023 whatever the notice. Listed first, increment_below wins: E =
    # 2024, its fault on beijing → beijing pays the 100,000 penalty to hebei (the buyer). Listed
    # first, in_year wins: E = 2023 and it names no fault: no penalty. The price is fixed 500,000.
    Scenario Outline: two triggers in the same year
      Given a contract from 2021 for 6 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat with series 1,500,000.00; 1,100,000.00; 1,100,000.00; 1,100,000.00; 1,100,000.00; 1,100,000.00
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-6
      And clause split keeps a baseline of 1,000,000.00
      And an exit clause exit
      And exit exit gives 1 years' notice
      And exit exit <first>
      And exit exit <second>
      And the increment_below trigger of exit puts the fault on beijing
      And beijing is the exiting party of exit
      And exit exit prices the stake at a fixed 500,000.00
      And exit exit charges a penalty of 100,000.00
      When the contract is run
      Then clause exit raises exit_triggered in 2023
      And the last year is <last>
      And beijing receives 500,000.00 as buyout in <last>
      And hebei receives -500,000.00 as buyout in <last>
      And beijing's penalty total is <bj_penalty>
      And hebei's penalty total is <hb_penalty>

      Examples:
        | first                                                                            | second                                                                           | last | bj_penalty  | hb_penalty |
        | triggers when the increment of split is below 200,000.00 for 2 consecutive years | triggers in year 3                                                               | 2024 | -100,000.00 | 100,000.00 |
        | triggers in year 3                                                               | triggers when the increment of split is below 200,000.00 for 2 consecutive years | 2023 |        0.00 |       0.00 |

    # Term 5 of 6 years; 2 years' notice. The increment of 2024 (100,000) is below 200,000: the
    # trigger fires in 2024, E = min(4 + 2, 5) = 5 = T (2025). It is an exit: the price (fixed
    # 300,000) applies, not price_at_term_end. 2025: beijing 250,000 + 300,000 = 550,000.
    Scenario: notice reaching past the term ends at the term
      Given a contract from 2021 for 6 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat with series 1,500,000.00; 1,500,000.00; 1,500,000.00; 1,100,000.00; 1,500,000.00; 1,500,000.00
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-6
      And clause split keeps a baseline of 1,000,000.00
      And an exit clause exit with a term of 5 years
      And exit exit gives 2 years' notice
      And exit exit triggers when the increment of split is below 200,000.00
      And beijing is the exiting party of exit
      And exit exit prices the stake at a fixed 300,000.00
      And exit exit prices the stake at term end at a fixed 999,999.00
      When the contract is run
      Then the last year is 2025
      And beijing's buyout total is 300,000.00
      And beijing's net in 2025 is 550,000.00
      And hebei receives 1,500,000.00 as handover in 2026
      And the events are:
        | year | clause | kind           |
        | 2024 | exit   | exit_triggered |
        | 2026 | exit   | handover       |

    # in_year 4 fires in T = 4 itself: an exit, so the price (fixed 100,000) applies and
    # price_at_term_end (999,999) does not.
    Scenario: a trigger firing in year T is an exit
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 100,000.00 a year
      And an exit clause exit
      And exit exit triggers in year 4
      And beijing is the exiting party of exit
      And exit exit prices the stake at a fixed 100,000.00
      And exit exit prices the stake at term end at a fixed 999,999.00
      When the contract is run
      Then beijing's buyout total is 100,000.00
      And clause exit raises exit_triggered in 2024

    # The buyer (hebei, the receiving party by default) pays for beijing's stake though tianjin
    # succeeds to the streams: 300,000 from hebei to beijing in 2022; the 100,000 tax of 2023
    # goes to tianjin.
    Scenario: the buyer pays even where another party succeeds
      Given a contract from 2021 for 3 years with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of 100,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-3
      And clause split splits the total
      And an exit clause exit
      And exit exit hands over to tianjin
      And exit exit triggers in year 2
      And beijing is the exiting party of exit
      And exit exit prices the stake at a fixed 300,000.00
      When the contract is run
      Then the buyout entries are:
        | year | party   | amount      |
        | 2022 | beijing |  300,000.00 |
        | 2022 | hebei   | -300,000.00 |
      And tianjin's net by year is 0.00; 0.00; 100,000.00

  Rule: the price is book value, NPV from the run with no trigger, fixed, or the largest of several

    # beijing exits at the end of 2023 (in_year 3). Its contributions: 1,000,000 in year 1 (its
    # year-5 contribution of 500,000 is never made, and not counted).
    # book 5 %: 1,000,000 × 1.05^2 = 1,102,500.00; book (index 0): 1,000,000.00.
    # NPV 10 %: in the run with no trigger beijing's receipts plus costs in 2024 and 2025 are
    #   400,000 (0.4 of 1,000,000) − 50,000 (half the cost) = 350,000 each (its 2025 contribution
    #   is no receipt): 350,000/1.1 + 350,000/1.21 = 318,181.8181… + 289,256.1983… =
    #   607,438.0165… → 607,438.02.
    Scenario Outline: price forms
      Given a contract from 2021 for 5 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,000,000.00 a year
      And a cost stream infra of 100,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-5
      And clause split splits the total
      And a cost_share clause infra_share on infra with shares beijing 0.5, hebei 0.5 in years 1-5
      And an equity clause devco with no profit stream
      And beijing contributes 1,000,000.00 in cash to devco in year 1
      And hebei contributes 1,000,000.00 in land to devco in year 1
      And beijing contributes 500,000.00 in cash to devco in year 5
      And an exit clause exit
      And exit exit triggers in year 3
      And beijing is the exiting party of exit
      And exit exit prices the stake at <price>
      When the contract is run
      Then beijing receives <amount> as buyout in 2023
      And hebei receives -<amount> as buyout in 2023
      And beijing's contribution total is -1,000,000.00
      And hebei receives 1,000,000.00 as handover from vat in 2024

      Examples:
        | price                                                   | amount       |
        | book value indexed 5%                                   | 1,102,500.00 |
        | book value                                              | 1,000,000.00 |
        | the NPV at 10%                                          |   607,438.02 |
        | a fixed 700,000.00                                      |   700,000.00 |
        | the largest of book value indexed 5% and the NPV at 10% | 1,102,500.00 |
        | the largest of the NPV at 10% and a fixed 700,000.00    |   700,000.00 |

    # The NPV counts the exiting party's receipts and cost entries of the run with no trigger,
    # not its pool_out. Without the exit, every year beijing would get its baseline 1,000,000
    # (it owns it) + 0.4 × 400,000 = 160,000 − half the 100,000 cost = 1,110,000, and 40,000
    # from the pool (its floor 1,200,000 − 1,160,000), which does not count. At a rate of 0 the
    # NPV of 2022-2023 is 2 × 1,110,000 = 2,220,000.00. In 2021, the exit year, the pool pays its
    # 40,000 and hands the 60,000 left to hebei.
    Scenario: NPV from the run with no trigger, receipts and costs only
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,500,000.00 a year
      And a cost stream infra of 100,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-3
      And clause split keeps a baseline of 1,000,000.00
      And clause split's baseline belongs to beijing
      And a cost_share clause infra_share on infra with shares beijing 0.5, hebei 0.5 in years 1-3
      And a risk pool pool funded by 0.2 of clause split
      And pool pool guarantees beijing 1,200,000.00 a year of receipts from split
      And an exit clause exit
      And exit exit triggers in year 1
      And beijing is the exiting party of exit
      And exit exit prices the stake at the NPV at 0
      When the contract is run
      Then beijing receives 2,220,000.00 as buyout in 2021
      And beijing receives 40,000.00 as pool_out in 2021
      And hebei receives 60,000.00 as residual in 2021

    # Book value is computed exactly and rounded once: 333,333.33 × 1.05^3 = 385,874.99614125
    # plus 333,333.33 × 1.05^2 = 367,499.996325 → 753,374.99246625 → 753,374.99 (rounding each
    # term first would give 385,875.00 + 367,500.00 = 753,375.00).
    Scenario: book value rounded once
      Given a contract from 2021 for 5 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 100,000.00 a year
      And an equity clause devco with no profit stream
      And beijing contributes 333,333.33 in cash to devco in year 1
      And beijing contributes 333,333.33 in cash to devco in year 2
      And hebei contributes 1,000,000.00 in land to devco in year 1
      And an exit clause exit
      And exit exit triggers in year 4
      And beijing is the exiting party of exit
      And exit exit prices the stake at book value indexed 5%
      When the contract is run
      Then beijing receives 753,374.99 as buyout in 2024
      And hebei receives -753,374.99 as buyout in 2024

    # From 2024 beijing's share is 0 and it still bears half the cost: R = −50,000 in 2024 and
    # 2025, so the NPV is negative and the price is floored at 0 (no buyout at all); a max_of
    # with a fixed 10,000 gives 10,000.
    Scenario Outline: a price is never negative
      Given a contract from 2021 for 5 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,000,000.00 a year
      And a cost stream infra of 100,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-3
      And clause split also gives shares beijing 0, hebei 1 in years 4-5
      And clause split splits the total
      And a cost_share clause infra_share on infra with shares beijing 0.5, hebei 0.5 in years 1-5
      And an exit clause exit
      And exit exit triggers in year 3
      And beijing is the exiting party of exit
      And exit exit prices the stake at <price>
      When the contract is run
      Then beijing's buyout total is <amount>
      And hebei's buyout total is -<amount>

      Examples:
        | price                                               | amount    |
        | the NPV at 10%                                      |      0.00 |
        | the largest of the NPV at 10% and a fixed 10,000.00 | 10,000.00 |

    # E = T = 2025 (in_year 5): nothing is left after E, so an NPV price is 0: no buyout.
    Scenario: an NPV price at the end of the term is 0
      Given a contract from 2021 for 5 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,000,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-5
      And clause split splits the total
      And an exit clause exit
      And exit exit triggers in year 5
      And beijing is the exiting party of exit
      And exit exit prices the stake at the NPV at 10%
      When the contract is run
      Then the last year is 2025
      And beijing's buyout total is 0.00
      And clause exit raises handover in no year

  Rule: a penalty is paid by the party at fault, to the other of exiting and buyer

    # beijing exits at the end of 2022 (in_year 2), hebei buys at a fixed 500,000. The penalty
    # (100,000, or 0.15 × 500,000 = 75,000) is paid by the party the trigger names at fault: by
    # beijing to hebei, by hebei to beijing, and by tianjin (neither) to beijing, the exiting party.
    Scenario Outline: who pays the penalty
      Given a contract from 2021 for 3 years with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of 100,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-3
      And clause split splits the total
      And an exit clause exit
      And exit exit triggers in year 2
      And that trigger puts the fault on <at_fault>
      And beijing is the exiting party of exit
      And exit exit prices the stake at a fixed 500,000.00
      And exit exit charges <penalty>
      When the contract is run
      Then beijing receives <bj> as penalty in 2022
      And hebei receives <hb> as penalty in 2022
      And tianjin receives <tj> as penalty in 2022
      And beijing receives 500,000.00 as buyout in 2022

      Examples:
        | at_fault | penalty                        | bj          | hb          | tj          |
        | beijing  | a penalty of 100,000.00        | -100,000.00 |  100,000.00 |        0.00 |
        | hebei    | a penalty of 100,000.00        |  100,000.00 | -100,000.00 |        0.00 |
        | tianjin  | a penalty of 100,000.00        |  100,000.00 |        0.00 | -100,000.00 |
        | beijing  | a penalty of 0.15 of the price |  -75,000.00 |   75,000.00 |        0.00 |

  Rule: without a trigger the term ends at T with no price and no penalty, unless price_at_term_end gives one

    # Term 3 of 4 years; the trigger (beijing's split receipts reaching 1,000,000; it gets 50,000
    # a year) never fires. At the end of 2023 hebei pays beijing's book value, 1,000,000; the
    # exit price and the penalty do not apply.
    Scenario: price_at_term_end
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 100,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-4
      And clause split splits the total
      And an equity clause devco with no profit stream
      And beijing contributes 1,000,000.00 in cash to devco in year 1
      And hebei contributes 1,000,000.00 in land to devco in year 1
      And an exit clause exit with a term of 3 years
      And exit exit triggers when beijing's receipts from split reach 1,000,000.00
      And beijing is the exiting party of exit
      And exit exit prices the stake at a fixed 2,000,000.00
      And exit exit prices the stake at term end at book value
      And exit exit charges a penalty of 50,000.00
      When the contract is run
      Then the last year is 2023
      And beijing receives 1,000,000.00 as buyout in 2023
      And hebei receives -1,000,000.00 as buyout in 2023
      And beijing receives nothing as penalty
      And hebei receives 100,000.00 as handover in 2024
      And the events are:
        | year | clause | kind     |
        | 2024 | exit   | handover |
