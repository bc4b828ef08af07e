Feature: equity, stakes in a joint development company (semantics §3.3)
  A party's equity ratio in year t is the weighted value of its contributions made in years ≤ t
  over the same sum for all parties: an exact fraction, never rounded, used only as allocation
  shares. Each contribution is also a cash flow of its party (−value, unweighted). Profit P > 0
  pays dividends D = payout_ratio × (P − what covers the deficit), rounded; the company keeps
  the rest. A loss is kept and carried forward (default) or made good by cash calls.

  Rule: the ratio weighs each contribution by the weight of its kind

    # Weighted: beijing 600,000 cash × 1 = 600,000; hebei 500,000 land × 0.8 = 400,000; tianjin
    # 400,000 intangible × 0.5 = 200,000; total 1,200,000 → 1/2, 1/3, 1/6.
    # Dividend of 1,200,000.01 (120,000,001 fen): 60,000,000.5 / 40,000,000.33 / 20,000,000.17,
    # floors leave one fen → beijing (.5): 600,000.01, 400,000.00, 200,000.00.
    # Contributions are booked unweighted: −600,000, −500,000, −400,000.
    Scenario: weights by kind
      Given a contract from 2021 for 1 year with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a profit stream profit of 1,200,000.01 a year
      And an equity clause devco on profit profit
      And beijing contributes 600,000.00 in cash to devco in year 1
      And hebei contributes 500,000.00 in land to devco in year 1
      And tianjin contributes 400,000.00 in intangible to devco in year 1
      And clause devco weighs land at 0.8
      And clause devco weighs intangible at 0.5
      When the contract is run
      Then the equity ratios of devco in 2021 are beijing 1/2, hebei 1/3, tianjin 1/6
      And the ledger of 2021 is:
        | party   | kind         | amount      |
        | beijing | contribution | -600,000.00 |
        | hebei   | contribution | -500,000.00 |
        | tianjin | contribution | -400,000.00 |
        | beijing | dividend     |  600,000.01 |
        | hebei   | dividend     |  400,000.00 |
        | tianjin | dividend     |  200,000.00 |
      And beijing's net in 2021 is 0.01
      And hebei's net in 2021 is -100,000.00

  Rule: land given by area is valued at area_mu × price_per_mu, computed exactly and rounded once

    # 123.45 mu × 6,789.01 = 838,103.2845 → 838,103.28; with beijing's 161,896.72 cash the
    # company's capital is 1,000,000.00: hebei 0.83810328, beijing 0.16189672.
    Scenario: land by area, in yuan
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a profit stream profit of 0 a year
      And an equity clause devco on profit profit
      And hebei contributes 123.45 mu of land at 6,789.01 per mu to devco in year 1
      And beijing contributes 161,896.72 in cash to devco in year 1
      When the contract is run
      Then hebei receives -838,103.28 as contribution in 2021
      And the equity ratios of devco in 2021 are beijing 0.16189672, hebei 0.83810328

    # In 万元 the price is scaled exactly, the area never: 0.1234567万 = 1,234.567 yuan per mu;
    # 12.5 × 1,234.567 = 15,432.0875 → 15,432.09. (Rounding the price first, 1,234.57 × 12.5 =
    # 15,432.125 → 15,432.13, would round twice.)
    Scenario: land by area, price in wan
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And the amounts are in wan
      And a profit stream profit of 0 a year
      And an equity clause devco on profit profit
      And hebei contributes 12.5 mu of land at 0.1234567 per mu to devco in year 1
      And beijing contributes 1 in cash to devco in year 1
      When the contract is run
      Then hebei receives -15,432.09 as contribution in 2021
      And beijing receives -10,000.00 as contribution in 2021
      And the equity ratios of devco in 2021 are beijing 1000000/2543209, hebei 1543209/2543209

  Rule: a contribution counts from its own year on and dilutes earlier holders from that year

    # beijing 3,000,000 and hebei 5,000,000 in year 1 → 3/8, 5/8 in 2021-2024; tianjin brings
    # 2,000,000 in year 5 → 3/10, 1/2, 1/5 in 2025, when the dividend of 1,000,000 is already
    # paid at the new ratios: 300,000 / 500,000 / 200,000 (2021-2024: 375,000 / 625,000).
    # tianjin's 2025 net: −2,000,000 + 200,000 = −1,800,000.
    Scenario Outline: a year-5 contribution
      Given a contract from 2021 for 5 years with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a profit stream profit of 1,000,000.00 a year
      And an equity clause devco on profit profit
      And beijing contributes 3,000,000.00 in cash to devco in year 1
      And hebei contributes 5,000,000.00 in land to devco in year 1
      And tianjin contributes 2,000,000.00 in cash to devco in year 5
      When the contract is run
      Then the equity ratios of devco in <year> are beijing <r_bj>, hebei <r_hb>, tianjin <r_tj>
      And beijing receives <d_bj> as dividend in <year>
      And hebei receives <d_hb> as dividend in <year>
      And tianjin receives <d_tj> as dividend in <year>
      And tianjin's net in <year> is <tj_net>

      Examples:
        | year | r_bj | r_hb | r_tj | d_bj       | d_hb       | d_tj       | tj_net        |
        | 2021 | 3/8  | 5/8  | 0    | 375,000.00 | 625,000.00 |       0.00 |          0.00 |
        | 2024 | 3/8  | 5/8  | 0    | 375,000.00 | 625,000.00 |       0.00 |          0.00 |
        | 2025 | 3/10 | 1/2  | 1/5  | 300,000.00 | 500,000.00 | 200,000.00 | -1,800,000.00 |

    # hebei's land comes in year 2 only: there is no equity in 2021 (its profit is 0, so no
    # ratio is needed); from 2022 hebei holds it all.
    Scenario: no equity before the first contribution
      Given a contract from 2021 for 2 years with parties beijing (sending) and hebei (receiving)
      And a profit stream profit with series 0; 50,000.00
      And an equity clause devco on profit profit
      And hebei contributes 1,000,000.00 in land to devco in year 2
      When the contract is run
      Then devco has no equity in 2021
      And the equity ratios of devco in 2022 are beijing 0, hebei 1
      And hebei receives 50,000.00 as dividend in 2022

  Rule: payout_ratio pays out part of the distributable profit; the company retains the rest

    # D = 0.9 × 1,000,000.05 = 900,000.045 → 900,000.05 (half up); retained 100,000.00.
    # 90,000,005 fen × 3/8 = 33,750,001.875, × 5/8 = 56,250,003.125 → the leftover fen to beijing
    # (.875): 337,500.02 and 562,500.03.
    Scenario: a statutory reserve of 10 %
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a profit stream profit of 1,000,000.05 a year
      And an equity clause devco on profit profit
      And beijing contributes 3,000,000.00 in cash to devco in year 1
      And hebei contributes 5,000,000.00 in cash to devco in year 1
      And clause devco pays out 0.9 of distributable profit
      When the contract is run
      Then beijing receives 337,500.02 as dividend in 2021
      And hebei receives 562,500.03 as dividend in 2021
      And the company retains 100,000.00 in 2021

  Rule: under carry_forward a loss is kept as a deficit, and later profit first makes it good

    # Ratios 3/8, 5/8; payout 1. Profit −300,000; −100,000.50; 250,000; 600,000.
    #   2021: retained −300,000, deficit 300,000.00;  2022: deficit 400,000.50.
    #   2023: 250,000 all covers the deficit (no dividend) → 150,000.50; retained 250,000.
    #   2024: covered 150,000.50, D = 449,999.50: 44,999,950 fen × 3/8 = 16,874,981.25, × 5/8 =
    #         28,124,968.75 → the fen to hebei (.75): 168,749.81 / 281,249.69; deficit 0.00.
    Scenario: losses carried forward and made good
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a profit stream profit with series -300,000.00; -100,000.50; 250,000.00; 600,000.00
      And an equity clause devco on profit profit
      And beijing contributes 3,000,000.00 in cash to devco in year 1
      And hebei contributes 5,000,000.00 in cash to devco in year 1
      When the contract is run
      Then the deficit of devco at the end of 2021 is 300,000.00
      And the deficit of devco at the end of 2022 is 400,000.50
      And the deficit of devco at the end of 2023 is 150,000.50
      And the deficit of devco at the end of 2024 is 0.00
      And the company retains -300,000.00 in 2021
      And the company retains 250,000.00 in 2023
      And the company retains 150,000.50 in 2024
      And beijing's net by year is -3,000,000.00; 0.00; 0.00; 168,749.81
      And hebei's net by year is -5,000,000.00; 0.00; 0.00; 281,249.69
      And beijing receives nothing as loss

    # Payout 0.5. 2021: P 1,000,000 → D 500,000 (3/8: 187,500; 5/8: 312,500), retained 500,000.
    # 2022: a loss of 200,000 adds fully to the deficit: the 500,000 retained never offsets it.
    # 2023: P 300,000 covers 200,000; D = 0.5 × 100,000 = 50,000 (18,750 / 31,250); retained
    # 250,000 (the covered 200,000 included).
    Scenario: profit retained earlier never offsets a later loss
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And a profit stream profit with series 1,000,000.00; -200,000.00; 300,000.00
      And an equity clause devco on profit profit
      And beijing contributes 3,000,000.00 in cash to devco in year 1
      And hebei contributes 5,000,000.00 in cash to devco in year 1
      And clause devco pays out 0.5 of distributable profit
      When the contract is run
      Then the deficit of devco at the end of 2022 is 200,000.00
      And the deficit of devco at the end of 2023 is 0.00
      And beijing receives 18,750.00 as dividend in 2023
      And hebei receives 31,250.00 as dividend in 2023
      And the company retains 250,000.00 in 2023
      And the company retains -200,000.00 in 2022

  Rule: under cash_call the parties make the loss good in its year

    # A loss of 300,000 by the ratios 3/8, 5/8 → −112,500 / −187,500; by loss shares 1/2, 1/2 →
    # −150,000 each. No deficit is carried: 2022's 200,000 is paid out whole (75,000 / 125,000).
    Scenario Outline: a loss allocated by cash calls
      Given a contract from 2021 for 2 years with parties beijing (sending) and hebei (receiving)
      And a profit stream profit with series -300,000.00; 200,000.00
      And an equity clause devco on profit profit
      And beijing contributes 3,000,000.00 in cash to devco in year 1
      And hebei contributes 5,000,000.00 in cash to devco in year 1
      And clause devco makes losses good <how>
      When the contract is run
      Then beijing receives <bj_loss> as loss in 2021
      And hebei receives <hb_loss> as loss in 2021
      And the deficit of devco at the end of 2021 is 0.00
      And beijing receives 75,000.00 as dividend in 2022
      And hebei receives 125,000.00 as dividend in 2022
      And the company retains 0.00 in 2021

      Examples:
        | how                                            | bj_loss     | hb_loss     |
        | by cash calls                                  | -112,500.00 | -187,500.00 |
        | by cash calls in shares beijing 0.5, hebei 0.5 | -150,000.00 | -150,000.00 |
