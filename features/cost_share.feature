Feature: cost_share, costs allocated by a schedule (semantics §3.4)
  A cost_share clause adds up its cost streams each year to C (a positive amount is a cost, a
  negative one a refund) and allocates it by the year's segment as cost entries of −part; a
  refund is allocated as |C| and gives positive cost entries. A segment may take its shares
  from an equity clause's ratios of the year. In a year no segment covers, the receiving party
  bears the cost as a negative unclaimed entry.

  Rule: a fixed schedule; a gap year is borne by the receiving party

    # 2021: 1,000,000 at 7:3 → −700,000 / −300,000. 2022 is covered by no segment: hebei bears
    # the whole 600,000 as unclaimed. 2023: 500,000 at 6:4 → −300,000 / −200,000. The park's
    # maintenance cost is claimed by no clause: hebei's, −50,000 a year, unclaimed.
    Scenario: a fixed schedule with a gap year
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And a cost stream infra with series 1,000,000.00; 600,000.00; 500,000.00
      And a cost stream upkeep of 50,000.00 a year
      And a cost_share clause infra_share on infra with shares beijing 0.7, hebei 0.3 in years 1
      And clause infra_share also gives shares beijing 0.6, hebei 0.4 in years 3
      When the contract is run
      Then the cost entries are:
        | year | clause      | party   | amount      |
        | 2021 | infra_share | beijing | -700,000.00 |
        | 2021 | infra_share | hebei   | -300,000.00 |
        | 2023 | infra_share | beijing | -300,000.00 |
        | 2023 | infra_share | hebei   | -200,000.00 |
      And the ledger of 2022 is:
        | clause | stream | party | kind      | amount      |
        | -      | infra  | hebei | unclaimed | -600,000.00 |
        | -      | upkeep | hebei | unclaimed |  -50,000.00 |
      And beijing's net by year is -700,000.00; 0.00; -300,000.00
      And hebei's net by year is -350,000.00; -650,000.00; -250,000.00

  Rule: shares from_equity follow the company's ratios of the year, and a refund gives positive cost entries

    # Equity: beijing 3,000,000 and hebei 5,000,000 in year 1 (3/8, 5/8), tianjin 2,000,000 in
    # year 3 (3/10, 1/2, 1/5). 2021 fixed 5:5 → −400,000 each. 2022 by 3/8, 5/8 of 800,000 →
    # −300,000 / −500,000. 2023 a refund of 1,000,000.01 (100,000,001 fen) by 3/10, 1/2, 1/5 →
    # 30,000,000.3 / 50,000,000.5 / 20,000,000.2, the fen to hebei → +300,000.00 / +500,000.01 /
    # +200,000.00.
    Scenario: fixed shares, then the equity ratios, with a refund year
      Given a contract from 2021 for 3 years with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a cost stream infra with series 800,000.00; 800,000.00; -1,000,000.01
      And an equity clause devco with no profit stream
      And beijing contributes 3,000,000.00 in cash to devco in year 1
      And hebei contributes 5,000,000.00 in land to devco in year 1
      And tianjin contributes 2,000,000.00 in cash to devco in year 3
      And a cost_share clause infra_share on infra with shares beijing 0.5, hebei 0.5 in years 1
      And clause infra_share also gives shares from equity devco in years 2-3
      When the contract is run
      Then the cost entries are:
        | year | party   | amount      |
        | 2021 | beijing | -400,000.00 |
        | 2021 | hebei   | -400,000.00 |
        | 2022 | beijing | -300,000.00 |
        | 2022 | hebei   | -500,000.00 |
        | 2023 | beijing |  300,000.00 |
        | 2023 | hebei   |  500,000.01 |
        | 2023 | tianjin |  200,000.00 |
      And tianjin's net in 2023 is -1,800,000.00
      And beijing's cost total is -400,000.00
      And hebei's cost total is -399,999.99

    # Two cost streams are added up before the allocation: 250,000 + (−50,000) = 200,000 at 1:3
    # → −50,000 / −150,000 (a refund inside one year only lowers the cost).
    Scenario: cost streams are added up first
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a cost stream build of 250,000.00 a year
      And a cost stream subsidy_refund of -50,000.00 a year
      And a cost_share clause infra_share on build and subsidy_refund with shares beijing 0.25, hebei 0.75 in years 1
      When the contract is run
      Then beijing receives -50,000.00 as cost in 2021
      And hebei receives -150,000.00 as cost in 2021
