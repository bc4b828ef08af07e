Feature: buffer, the buffer years after relocation (缓冲期, semantics §3.2)
  A buffer keeps a tapering share of a relocated stream's revenue with the sending party for B
  years counted from the stream's relocation year (relocation year = year 1), and the rest goes
  to the receiving party. From year B+1 the buffer no longer claims the stream: it is the
  receiving party's, as unclaimed. By default a buffer covers every relocated stream and splits
  the total.

  Rule: shape step gives share s_k in the k-th year since relocation

    # firm moves in 2022; 1,000,000 a year from then. k = 1, 2, 3 in 2022-2024: beijing 0.5,
    # 0.3, 0.1 → 500,000, 300,000, 100,000; hebei the rest. 2025 and 2026 are past the buffer:
    # the whole 1,000,000 is hebei's, unclaimed. 2021 is before the move: nothing at all.
    Scenario: a three-year step buffer, then unclaimed
      Given a contract from 2021 for 6 years with parties beijing (sending) and hebei (receiving)
      And a tax stream firm with series 0; 1,000,000.00; 1,000,000.00; 1,000,000.00; 1,000,000.00; 1,000,000.00
      And stream firm relocated in 2022
      And a step buffer transition keeping 0.5; 0.3; 0.1 for beijing
      When the contract is run
      Then beijing's net by year is 0.00; 500,000.00; 300,000.00; 100,000.00; 0.00; 0.00
      And hebei's net by year is 0.00; 500,000.00; 700,000.00; 900,000.00; 1,000,000.00; 1,000,000.00
      And the ledger of 2024 is:
        | clause     | stream | party   | kind  | amount     |
        | transition | firm   | beijing | share | 100,000.00 |
        | transition | firm   | hebei   | share | 900,000.00 |
      And the ledger of 2025 is:
        | clause | stream | party | kind      | amount       |
        | -      | firm   | hebei | unclaimed | 1,000,000.00 |
      And hebei's unclaimed total is 2,000,000.00

  Rule: shape linear gives s_k = s × (B − k + 1) / B

    # s = 0.6, B = 4: 0.6, 0.45, 0.3, 0.15 on 2,000,000.01 (200,000,001 fen):
    #   k=1: 120,000,000.6 / 80,000,000.4 fen → the odd fen to beijing (.6 > .4);
    #   k=2: 90,000,000.45 / 110,000,000.55 → to hebei; k=3: .3 / .7 → hebei; k=4: .15 / .85 → hebei.
    #   k=5 (2025): past the buffer, the whole 2,000,000.01 unclaimed.
    # s = 0.5, B = 3: 1/2, 1/3, 1/6 on 1,000,000.00 (100,000,000 fen):
    #   k=2: 33,333,333.33 / 66,666,666.67 → the fen to hebei; k=3: 16,666,666.67 / 83,333,333.33
    #   → the fen to beijing.
    Scenario Outline: a linear buffer, year k
      Given a contract from 2021 for 5 years with parties beijing (sending) and hebei (receiving)
      And a tax stream firm of <amount> a year
      And stream firm relocated in 2021
      And a linear buffer transition keeping <s> for beijing over <B> years
      When the contract is run
      Then beijing receives <bj> as share in <year>
      And hebei receives <hb> as share in <year>
      And hebei receives <hb_unclaimed> as unclaimed in <year>

      Examples:
        | amount       | s   | B | year | bj           | hb           | hb_unclaimed |
        | 2,000,000.01 | 0.6 | 4 | 2021 | 1,200,000.01 |   800,000.00 |         0.00 |
        | 2,000,000.01 | 0.6 | 4 | 2022 |   900,000.00 | 1,100,000.01 |         0.00 |
        | 2,000,000.01 | 0.6 | 4 | 2023 |   600,000.00 | 1,400,000.01 |         0.00 |
        | 2,000,000.01 | 0.6 | 4 | 2024 |   300,000.00 | 1,700,000.01 |         0.00 |
        | 2,000,000.01 | 0.6 | 4 | 2025 |         0.00 |         0.00 | 2,000,000.01 |
        | 1,000,000.00 | 0.5 | 3 | 2021 |   500,000.00 |   500,000.00 |         0.00 |
        | 1,000,000.00 | 0.5 | 3 | 2022 |   333,333.33 |   666,666.67 |         0.00 |
        | 1,000,000.00 | 0.5 | 3 | 2023 |   166,666.67 |   833,333.33 |         0.00 |
        | 1,000,000.00 | 0.5 | 3 | 2024 |         0.00 |         0.00 | 1,000,000.00 |

  Rule: shape flat gives s_k = s for k = 1..B, counted per stream from its own move

    # moved_vat moves in 2022, first 1,000,000 growing 10 % from then: 2022 1,000,000, 2023
    # 1,100,000, 2024 1,210,000. Flat 0.5 for 2 years: 500,000 and 550,000 each; 2024 is past
    # the buffer → hebei 1,210,000 unclaimed. The park fee never moved: the default streams of
    # a buffer are the relocated ones, so the fee (80,000 a year) is hebei's, unclaimed.
    Scenario: a flat buffer on the relocated streams only
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a tax stream moved_vat starting at 1,000,000.00 growing 10%
      And stream moved_vat relocated in 2022
      And a fee stream park_fee of 80,000.00 a year
      And a flat buffer transition keeping 0.5 for beijing over 2 years
      When the contract is run
      Then beijing's net by year is 0.00; 500,000.00; 550,000.00; 0.00
      And hebei's net by year is 80,000.00; 580,000.00; 630,000.00; 1,290,000.00
      And the ledger of 2024 is:
        | clause | stream    | party | kind      | amount       |
        | -      | moved_vat | hebei | unclaimed | 1,210,000.00 |
        | -      | park_fee  | hebei | unclaimed |    80,000.00 |

    # basis increment with a baseline of 200,000 (owner: hebei, by default): 1,000,000 −
    # 200,000 = 800,000 → 400,000 each; hebei also 200,000 as baseline.
    Scenario: a buffer may split only the increment over a baseline
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream firm of 1,000,000.00 a year
      And stream firm relocated in 2021
      And a flat buffer transition keeping 0.5 for beijing over 1 year
      And clause transition splits the increment
      And clause transition keeps a baseline of 200,000.00
      When the contract is run
      Then the ledger of 2021 is:
        | clause     | stream | party   | kind     | amount     |
        | transition | firm   | hebei   | baseline | 200,000.00 |
        | transition | firm   | beijing | share    | 400,000.00 |
        | transition | firm   | hebei   | share    | 400,000.00 |

    # The rest of a buffer goes to `to` (default: the receiving party): here tianjin takes the
    # 700,000 beijing does not keep; hebei gets nothing in the buffer year, and the whole
    # 1,000,000 (unclaimed) after it.
    Scenario: the rest goes to the party named by to
      Given a contract from 2021 for 2 years with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream firm of 1,000,000.00 a year
      And stream firm relocated in 2021
      And a flat buffer transition keeping 0.3 for beijing over 1 year
      And clause transition has to: tianjin
      When the contract is run
      Then beijing's net by year is 300,000.00; 0.00
      And tianjin's net by year is 700,000.00; 0.00
      And hebei's net by year is 0.00; 1,000,000.00

  Rule: a buffer is a since_relocation tax_split with a generated schedule; both give the same ledger

    # firm_a moves in 2021 (1,000,000 a year), firm_b in 2022 (600,000.01 a year from then).
    # Step shares 0.5, 0.3, 0.1, each stream from its own move:
    #   firm_a: beijing 500,000 (2021), 300,000 (2022), 100,000 (2023); 2024 unclaimed.
    #   firm_b (60,000,001 fen): 2022 × 0.5 = 30,000,000.5 each, tie → beijing 300,000.01;
    #     2023 × 0.3 = 18,000,000.3 / × 0.7 = 42,000,000.7 → hebei 420,000.01, beijing 180,000.00;
    #     2024 × 0.1 / × 0.9 → beijing 60,000.00, hebei 540,000.01.
    #   beijing: 500,000.00; 600,000.01; 280,000.00; 60,000.00 (each year + hebei = the total).
    Scenario: the step buffer and the equivalent since_relocation tax_split
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a tax stream firm_a of 1,000,000.00 a year
      And stream firm_a relocated in 2021
      And a tax stream firm_b with series 0; 600,000.01; 600,000.01; 600,000.01
      And stream firm_b relocated in 2022
      And a step buffer transition keeping 0.5; 0.3; 0.1 for beijing
      And an alternative in which clause transition is a since_relocation tax_split on firm_a and firm_b of the total with shares:
        | years | beijing | hebei |
        |     1 |     0.5 |   0.5 |
        |     2 |     0.3 |   0.7 |
        |     3 |     0.1 |   0.9 |
      When the contract and its alternative are run
      Then the two runs give the same ledger apart from the clause ids
      And beijing's net by year is 500,000.00; 600,000.01; 280,000.00; 60,000.00
      And hebei's net by year is 500,000.00; 1,000,000.00; 1,320,000.01; 1,540,000.01
      And beijing receives 300,000.01 as share from firm_b in 2022
      And hebei receives 420,000.01 as share from firm_b in 2023
