Feature: risk_pool, the risk compensation pool (风险补偿资金池, semantics §3.4)
  A pool is funded by split clauses: rate × the clause's splittable amount (the increment after
  the baseline, or the whole amount under basis total), rounded, goes in as pool_in before the
  split, and the clause splits only the rest. A cap keeps the balance within it. Guarantees,
  served in the order listed, make up a party's receipts to a floor from the pool, then from the
  backstop party. In the last year the balance is handed out by residual_shares (default: all
  to the receiving party) and the pool is empty.

  Rule: the pool is funded from the increment before the split; the rest is split

    # 1,500,000 − 1,000,000 = 500,000 increment; 0.2 → 100,000 into the pool; 400,000 split 4:6
    # → 160,000 / 240,000. 2022 the same; 2022 is the last year: the balance 200,000 goes to
    # hebei (the receiving party, by default) and the pool is empty.
    Scenario: funding, the split of the rest and the residual
      Given a contract from 2021 for 2 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,500,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-2
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.2 of clause split
      When the contract is run
      Then the ledger of 2021 is:
        | clause | stream | party   | kind     | amount       |
        | split  | vat    | hebei   | baseline | 1,000,000.00 |
        | split  | vat    | -       | pool_in  |   100,000.00 |
        | split  | vat    | beijing | share    |   160,000.00 |
        | split  | vat    | hebei   | share    |   240,000.00 |
      And the balances of pool pool are 100,000.00; 0.00
      And hebei receives 200,000.00 as residual in 2022
      And hebei's net by year is 1,240,000.00; 1,440,000.00

    # Increment 333,333.33 × 0.15 = 49,999.9995 → 50,000.00 into the pool; the rest
    # 283,333.33 at 4:6 = 11,333,333.2 / 16,999,999.8 fen → the odd fen to hebei (.8):
    # 113,333.33 / 170,000.00.
    Scenario: the contribution is rounded once
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,333,333.33 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.15 of clause split
      When the contract is run
      Then 50,000.00 goes into the pool in 2021
      And beijing receives 113,333.33 as share in 2021
      And hebei receives 170,000.00 as share in 2021

    # Two streams of 0.05 each, rate 0.1, basis total. since_relocation funds stream by stream:
    # 0.005 → 0.01 twice = 0.02; each rest 0.04 → 0.02 + 0.02 to each party. Under contract
    # timing the streams are added up: 0.10 × 0.1 = 0.01; the rest 0.09 → 4.5 fen each, the tie
    # to beijing: 0.05 / 0.04.
    Scenario Outline: under since_relocation each stream funds the pool on its own
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream firm_a of 0.05 a year
      And stream firm_a relocated in 2021
      And a tax stream firm_b of 0.05 a year
      And stream firm_b relocated in 2021
      And a tax_split clause split on firm_a and firm_b with shares beijing 0.5, hebei 0.5 in years 1
      And clause split splits the total
      And clause split has timing: <timing>
      And a risk pool pool funded by 0.1 of clause split
      When the contract is run
      Then <pool_in> goes into the pool in 2021
      And beijing receives <beijing> as share in 2021
      And hebei receives <hebei> as share in 2021

      Examples:
        | timing           | pool_in | beijing | hebei |
        | since_relocation |    0.02 |    0.04 |  0.04 |
        | contract         |    0.01 |    0.05 |  0.04 |

  Rule: a cap keeps the balance within it; what does not fit stays with the clause and is split

    # 100,000 wanted each year, cap 250,000: 2021 100,000; 2022 200,000; 2023 only 50,000 fits
    # (pool_full, the first year one is cut), the other 50,000 is split with the rest: 450,000 at
    # 4:6 → 180,000 / 270,000; 2024 nothing fits (no second event): 500,000 → 200,000 / 300,000,
    # and the 250,000 balance is hebei's residual in this last year.
    Scenario: a pool cap cuts a contribution
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,500,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-4
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.2 of clause split
      And pool pool is capped at 250,000.00
      When the contract is run
      Then the balances of pool pool are 100,000.00; 200,000.00; 250,000.00; 0.00
      And 50,000.00 goes into the pool in 2023
      And 0.00 goes into the pool in 2024
      And beijing's net by year is 160,000.00; 160,000.00; 180,000.00; 200,000.00
      And hebei receives 250,000.00 as residual in 2024
      And the events are:
        | year | clause | kind      |
        | 2023 | pool   | pool_full |

    # Two clauses fund one pool, 0.1 of 1,000,000 each (basis total), cap 150,000: the first in
    # funded_by puts in 100,000, the second only the 50,000 that still fits (pool_full), and
    # splits the rest. split_a is 5:5 on vat, split_b 2:8 on fee.
    #   split_a first: a 900,000 → 450,000 / 450,000; b 950,000 → 190,000 / 760,000.
    #   split_b first: b 900,000 → 180,000 / 720,000; a 950,000 → 475,000 / 475,000.
    # One year: the 150,000 is hebei's residual at once.
    Scenario Outline: contributions are taken in the order of funded_by
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,000,000.00 a year
      And a fee stream fee of 1,000,000.00 a year
      And a tax_split clause split_a on vat with shares beijing 0.5, hebei 0.5 in years 1
      And clause split_a splits the total
      And a tax_split clause split_b on fee with shares beijing 0.2, hebei 0.8 in years 1
      And clause split_b splits the total
      And a risk pool pool funded by 0.1 of clause <first>
      And pool pool is also funded by 0.1 of clause <second>
      And pool pool is capped at 150,000.00
      When the contract is run
      Then beijing's net in 2021 is <beijing>
      And hebei's net in 2021 is <hebei>
      And hebei receives 150,000.00 as residual in 2021
      And clause pool raises pool_full in 2021

      Examples:
        | first   | second  | beijing    | hebei        |
        | split_a | split_b | 640,000.00 | 1,360,000.00 |
        | split_b | split_a | 655,000.00 | 1,345,000.00 |

  Rule: a guarantee is paid from the pool first, then by the backstop party

    # beijing is guaranteed 200,000 a year of its split receipts.
    #   2021: pool_in 0.2 × 500,000 = 100,000; beijing 0.4 × 400,000 = 160,000 → shortfall 40,000
    #         from the pool → balance 60,000.
    #   2022: vat 1,100,000, increment 100,000 → pool_in 20,000 → 80,000; beijing 0.4 × 80,000 =
    #         32,000 → shortfall 168,000: the pool pays its 80,000 and runs dry, the province
    #         pays the other 88,000 (pool_exhausted, guarantee_backstopped).
    #   2023: as 2021: pool 100,000, pays 40,000; the last year: 60,000 residual to hebei.
    Scenario: the pool runs dry and the backstop pays the rest
      Given a contract from 2021 for 3 years with parties beijing (sending), hebei (receiving) and province (other)
      And a tax stream vat with series 1,500,000.00; 1,100,000.00; 1,500,000.00
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-3
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.2 of clause split
      And pool pool guarantees beijing 200,000.00 a year of receipts from split
      And pool pool is backstopped by province
      When the contract is run
      Then the ledger of 2022 is:
        | clause | party    | kind     | amount       |
        | split  | hebei    | baseline | 1,000,000.00 |
        | split  | -        | pool_in  |    20,000.00 |
        | split  | beijing  | share    |    32,000.00 |
        | split  | hebei    | share    |    48,000.00 |
        | pool   | beijing  | pool_out |    80,000.00 |
        | pool   | beijing  | backstop |    88,000.00 |
        | pool   | province | backstop |   -88,000.00 |
      And the balances of pool pool are 60,000.00; 0.00; 0.00
      And beijing's net by year is 200,000.00; 200,000.00; 200,000.00
      And province's net by year is 0.00; -88,000.00; 0.00
      And hebei's net by year is 1,240,000.00; 1,048,000.00; 1,300,000.00
      And the events are:
        | year | clause | kind                  |
        | 2022 | pool   | pool_exhausted        |
        | 2022 | pool   | guarantee_backstopped |
      And the guarantee_backstopped event of 2022 names 88,000.00

    # As above without a backstop, and the guarantee covers years 1-2 only: 2022's 88,000 stays
    # unpaid (guarantee_unpaid); 2023 has no guarantee, so the balance 0 + 100,000 is hebei's
    # residual: hebei 1,000,000 + 240,000 + 100,000 = 1,340,000.
    Scenario: a guarantee with no backstop, in years 1-2
      Given a contract from 2021 for 3 years with parties beijing (sending), hebei (receiving) and province (other)
      And a tax stream vat with series 1,500,000.00; 1,100,000.00; 1,500,000.00
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-3
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.2 of clause split
      And pool pool guarantees beijing 200,000.00 a year of receipts from split in years 1-2
      When the contract is run
      Then beijing's net by year is 200,000.00; 112,000.00; 160,000.00
      And hebei's net by year is 1,240,000.00; 1,048,000.00; 1,340,000.00
      And the balances of pool pool are 60,000.00; 0.00; 0.00
      And beijing receives nothing as backstop
      And the events are:
        | year | clause | kind             |
        | 2022 | pool   | pool_exhausted   |
        | 2022 | pool   | guarantee_unpaid |
      And the guarantee_unpaid event of 2022 names 88,000.00

    # One year: pool_in 0.2 × 500,000 = 100,000; the 400,000 split 4:4:2 → beijing 160,000,
    # hebei 160,000, tianjin 80,000. beijing's floor 200,000 → short 40,000; tianjin's 150,000 →
    # short 70,000. Served in the order listed, each from what the previous one left:
    #   beijing first: 40,000, then tianjin 60,000 (the pool is dry) + 10,000 from hebei;
    #   tianjin first: 70,000, then beijing 30,000 + 10,000 from hebei.
    Scenario Outline: guarantees are served in the order listed
      Given a contract from 2021 for 1 year with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of 1,500,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.4, tianjin 0.2 in years 1
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.2 of clause split
      And pool pool guarantees <first> <first_floor> a year of receipts from split
      And pool pool guarantees <second> <second_floor> a year of receipts from split
      And pool pool is backstopped by hebei
      When the contract is run
      Then beijing receives <bj_pool> as pool_out in 2021
      And tianjin receives <tj_pool> as pool_out in 2021
      And <second> receives 10,000.00 as backstop in 2021
      And hebei receives -10,000.00 as backstop in 2021
      And beijing's net in 2021 is 200,000.00
      And tianjin's net in 2021 is 150,000.00

      Examples:
        | first   | first_floor | second  | second_floor | bj_pool   | tj_pool   |
        | beijing |  200,000.00 | tianjin |   150,000.00 | 40,000.00 | 60,000.00 |
        | tianjin |  150,000.00 | beijing |   200,000.00 | 30,000.00 | 70,000.00 |

    # Receipts are every baseline, share, cap_excess, dividend and loss entry from the counted
    # clauses. hebei's floor of 1,200,000 is met by its baseline 1,000,000 plus its share
    # 0.6 × 400,000 = 240,000: nothing is paid. beijing's floor of 200,000 against its share
    # 160,000 leaves 40,000 to pay from the pool.
    Scenario: the baseline counts as a receipt
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,500,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.2 of clause split
      And pool pool guarantees hebei 1,200,000.00 a year of receipts from split
      And pool pool guarantees beijing 200,000.00 a year of receipts from split
      When the contract is run
      Then the pool_out entries are:
        | year | party   | amount    |
        | 2021 | beijing | 40,000.00 |
      And hebei receives 60,000.00 as residual in 2021

    # Under cash_call a loss is a (negative) receipt: hebei's share of a 30,000 loss at 1/3 :
    # 2/3 is −20,000, so against a floor of 10,000 the shortfall is 30,000, paid from the
    # pool's 50,000 (0.05 of 1,000,000); 20,000 is left for hebei as residual. hebei's net:
    # 0.5 × 950,000 = 475,000 − 20,000 + 30,000 + 20,000 − 2,000,000 (its land) = −1,495,000.
    Scenario: a loss under cash_call is a negative receipt
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,000,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1
      And clause split splits the total
      And a profit stream profit of -30,000.00 a year
      And an equity clause devco on profit profit
      And beijing contributes 1,000,000.00 in cash to devco in year 1
      And hebei contributes 2,000,000.00 in land to devco in year 1
      And clause devco makes losses good by cash calls
      And a risk pool pool funded by 0.05 of clause split
      And pool pool guarantees hebei 10,000.00 a year of receipts from devco
      When the contract is run
      Then hebei receives -20,000.00 as loss in 2021
      And hebei receives 30,000.00 as pool_out in 2021
      And hebei receives 20,000.00 as residual in 2021
      And hebei's net in 2021 is -1,495,000.00

    # Both guarantees short in one year: the pool's 100,000 goes to beijing (listed first, short
    # 300,000 − 160,000 = 140,000), which still lacks 40,000; tianjin lacks 150,000 − 80,000 =
    # 70,000 and the pool is dry. hebei backstops each: −40,000 and −70,000. One pool_exhausted
    # for the pool and year, one guarantee_backstopped per guarantee.
    Scenario: one pool_exhausted a year, one guarantee_backstopped per guarantee
      Given a contract from 2021 for 1 year with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of 1,500,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.4, tianjin 0.2 in years 1
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.2 of clause split
      And pool pool guarantees beijing 300,000.00 a year of receipts from split
      And pool pool guarantees tianjin 150,000.00 a year of receipts from split
      And pool pool is backstopped by hebei
      When the contract is run
      Then the backstop entries are:
        | party   | amount     |
        | beijing |  40,000.00 |
        | hebei   | -40,000.00 |
        | tianjin |  70,000.00 |
        | hebei   | -70,000.00 |
      And beijing receives 100,000.00 as pool_out in 2021
      And the events are:
        | year | clause | kind                  |
        | 2021 | pool   | pool_exhausted        |
        | 2021 | pool   | guarantee_backstopped |
        | 2021 | pool   | guarantee_backstopped |

  Rule: a floor of {rate, of: contributions} is rate × the party's contributions made so far

    # The split: 0.1 of 200,000 (basis total) → 20,000 into the pool, 90,000 to each party.
    # devco: beijing 1,000,000 cash (year 1), hebei land 1,000,000 (year 1) and 500,000 (year 2).
    # hebei's floor: 5 % of 1,000,000 = 50,000 in 2021; of 1,500,000 = 75,000 from 2022.
    #   2021: profit 80,000 at 1/2 → hebei 40,000; short 10,000 from the pool → balance 10,000.
    #   2022: ratios 2/5, 3/5; profit 100,000 → hebei 60,000, short 15,000; balance 10,000 +
    #         20,000 − 15,000 = 15,000.
    #   2023: a loss (carried forward): no dividend, receipts 0, short 75,000; the pool has
    #         35,000, beijing backstops 40,000; nothing is left for the residual.
    Scenario: a guarantee on the return of contributions
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 200,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-3
      And clause split splits the total
      And a profit stream profit with series 80,000.00; 100,000.00; -50,000.00
      And an equity clause devco on profit profit
      And beijing contributes 1,000,000.00 in cash to devco in year 1
      And hebei contributes 1,000,000.00 in land to devco in year 1
      And hebei contributes 500,000.00 in land to devco in year 2
      And a risk pool pool funded by 0.1 of clause split
      And pool pool guarantees hebei 5% of its contributions a year of receipts from devco
      And pool pool is backstopped by beijing
      When the contract is run
      Then hebei receives 10,000.00 as pool_out in 2021
      And hebei receives 15,000.00 as pool_out in 2022
      And hebei receives 35,000.00 as pool_out in 2023
      And hebei receives 40,000.00 as backstop in 2023
      And the balances of pool pool are 10,000.00; 15,000.00; 0.00
      And hebei's net by year is -860,000.00; -335,000.00; 165,000.00
      And beijing's net by year is -870,000.00; 130,000.00; 50,000.00
      And the events are:
        | year | clause | kind                  |
        | 2023 | pool   | pool_exhausted        |
        | 2023 | pool   | guarantee_backstopped |

  Rule: in the last year the balance is handed out by residual_shares

    # 0.2 × 500,000.05 = 100,000.01 a year → 200,000.02 at the end of 2022, handed out 1/3 each:
    # 20,000,002 fen / 3 = 6,666,667.33, floors leave one fen → beijing (listed first):
    # 66,666.68, 66,666.67, 66,666.67.
    Scenario: residual shares among three parties
      Given a contract from 2021 for 2 years with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of 1,500,000.05 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-2
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.2 of clause split
      And pool pool leaves its balance in shares beijing 1/3, hebei 1/3, tianjin 1/3
      When the contract is run
      Then the balances of pool pool are 100,000.01; 0.00
      And the residual entries are:
        | year | party   | amount    |
        | 2022 | beijing | 66,666.68 |
        | 2022 | hebei   | 66,666.67 |
        | 2022 | tianjin | 66,666.67 |

    # An exit at the end of 2022 (in_year 2) makes 2022 the last year: after its guarantee
    # (40,000 again) the balance 60,000 + 100,000 − 40,000 = 120,000 is hebei's residual; from
    # 2023 the vat is handed over whole to hebei and the pool neither takes in nor pays out.
    Scenario: the residual is paid in the exit year
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,500,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-4
      And clause split keeps a baseline of 1,000,000.00
      And a risk pool pool funded by 0.2 of clause split
      And pool pool guarantees beijing 200,000.00 a year of receipts from split
      And an exit clause exit
      And exit exit triggers in year 2
      When the contract is run
      Then the balances of pool pool are 60,000.00; 0.00; 0.00; 0.00
      And hebei receives 120,000.00 as residual in 2022
      And beijing's net by year is 200,000.00; 200,000.00; 0.00; 0.00
      And hebei's net by year is 1,240,000.00; 1,360,000.00; 1,500,000.00; 1,500,000.00
      And the events are:
        | year | clause | kind           |
        | 2022 | exit   | exit_triggered |
        | 2023 | exit   | handover       |
