Feature: indicator_split, GDP and statistics (GDP指标分解, semantics §3.5)
  Indicator streams (GDP, output value, fixed-asset investment) are not money. They are split
  by the same rules into a separate indicator ledger, in the same units as money, and never
  enter money totals. Mode split divides the amount (conserving it); mode full_each books the
  whole amount to every party the segment names (全额双核算). An indicator no clause claims in a
  year counts for the receiving party.

  Background:
    Given a contract from 2021 for 2 years with parties beijing (sending), hebei (receiving) and tianjin (other)

  Rule: mode split divides the amount and conserves it

    # 1,000,000.01 = 100,000,001 fen × 0.35 / 0.65 = 35,000,000.35 / 65,000,000.65: the odd fen
    # goes to hebei (.65) → 350,000.00 + 650,000.01 = 1,000,000.01.
    Scenario: GDP split 35:65
      Given an indicator stream gdp of 1,000,000.01 a year
      And an indicator_split clause gdp_split on gdp with shares beijing 0.35, hebei 0.65 in years 1-2
      When the contract is run
      Then the indicator entries of 2021 are:
        | clause    | stream | party   | mode  | amount     |
        | gdp_split | gdp    | beijing | split | 350,000.00 |
        | gdp_split | gdp    | hebei   | split | 650,000.01 |
      And beijing's indicator total is 700,000.00
      And hebei's indicator total is 1,300,000.02
      And tianjin's indicator total is 0.00

    # In 万元: 50,000万 = 500,000,000 yuan, growing 8 % → 540,000,000 in 2022; 3:7 → 162,000,000
    # and 378,000,000.
    Scenario: indicator amounts are scaled by unit wan like money
      Given the amounts are in wan
      And an indicator stream gdp starting at 50,000 growing 8%
      And an indicator_split clause gdp_split on gdp with shares beijing 0.3, hebei 0.7 in years 1-2
      When the contract is run
      Then beijing is counted 150,000,000.00 of indicators in 2021
      And beijing is counted 162,000,000.00 of indicators in 2022
      And hebei is counted 378,000,000.00 of indicators in 2022

  Rule: mode full_each books the whole amount to every party the segment names

    # Output 2,000,000 a year counted in full by beijing and by hebei (the shares 0.5 only name
    # them); tianjin, not named, gets none. Conservation does not apply: 4,000,000 is counted.
    Scenario: output counted in full by both cities
      Given an indicator stream output of 2,000,000.00 a year
      And an indicator_split clause output_both on output with shares beijing 0.5, hebei 0.5 in years 1-2
      And clause output_both counts in full for each party
      When the contract is run
      Then the indicator entries of 2022 are:
        | clause      | stream | party   | mode      | amount       |
        | output_both | output | beijing | full_each | 2,000,000.00 |
        | output_both | output | hebei   | full_each | 2,000,000.00 |
      And beijing's indicator total is 4,000,000.00
      And hebei's indicator total is 4,000,000.00
      And tianjin's indicator total is 0.00

  Rule: an indicator no clause claims counts for the receiving party

    # GDP is split 4:6 in year 1 only; in 2022 the clause does not claim it, so hebei (the
    # receiving party) is counted the whole 800,000. fai (fixed-asset investment) is claimed by
    # no clause: hebei's both years.
    Scenario: a schedule gap and an unclaimed indicator
      Given an indicator stream gdp of 800,000.00 a year
      And an indicator stream fai of 300,000.00 a year
      And an indicator_split clause gdp_split on gdp with shares beijing 0.4, hebei 0.6 in years 1
      When the contract is run
      Then beijing is counted 320,000.00 of indicators in 2021
      And hebei is counted 780,000.00 of indicators in 2021
      And beijing is counted 0.00 of indicators in 2022
      And hebei is counted 1,100,000.00 of indicators in 2022
      And the indicator entries of 2022 are:
        | clause | stream | party | amount     |
        | -      | gdp    | hebei | 800,000.00 |
        | -      | fai    | hebei | 300,000.00 |

  Rule: indicators never enter money totals

    # The money: 3:7 of a 100,000 tax a year → beijing 30,000, hebei 70,000. The indicators
    # (GDP 1,000,000 split 5:5, output 2,000,000 in full for both) are counted apart and leave
    # every money figure as it is.
    Scenario: money and indicators side by side
      Given a tax stream vat of 100,000.00 a year
      And an indicator stream gdp of 1,000,000.00 a year
      And an indicator stream output of 2,000,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.3, hebei 0.7 in years 1-2
      And clause split splits the total
      And an indicator_split clause gdp_split on gdp with shares beijing 0.5, hebei 0.5 in years 1-2
      And an indicator_split clause output_both on output with shares beijing 0.5, hebei 0.5 in years 1-2
      And clause output_both counts in full for each party
      When the contract is run
      Then beijing's net by year is 30,000.00; 30,000.00
      And hebei's net by year is 70,000.00; 70,000.00
      And beijing's net total is 60,000.00
      And tianjin's net total is 0.00
      And beijing is counted 2,500,000.00 of indicators in 2021
      And hebei is counted 2,500,000.00 of indicators in 2022
      And beijing's indicator total is 5,000,000.00
