Feature: tax_split, the incremental-revenue split (semantics §3.1)
  A tax_split clause adds up the shareable amounts of its streams, carves out a baseline for
  its owner (basis increment) and divides the increment by the shares of the year's segment.
  Every figure below is worked by hand from the contract the scenario builds; amounts are in
  yuan to the fen, and the parts of every allocation add up to the whole.

  Rule: only the increment above the baseline is split; the part up to the baseline goes to its owner

    # 0.10 = 10 fen: 10 × 1/3 = 3.33 and 10 × 2/3 = 6.67; floors 3 + 6, the leftover fen to the
    # larger remainder (hebei, .67). 0.01 = 1 fen: 0.5 each, floors 0 + 0, a tie: the fen goes
    # to beijing, listed first.
    Scenario Outline: one year's amount against its baseline
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of <amount> a year
      And a tax_split clause split on vat with shares beijing <bj>, hebei <hb> in years 1
      And clause split keeps a baseline of <baseline>
      When the contract is run
      Then beijing receives <bj_share> as share in 2021
      And hebei receives <hb_base> as baseline in 2021
      And hebei receives <hb_share> as share in 2021

      Examples:
        | amount       | baseline     | bj  | hb  | bj_share   | hb_base      | hb_share   |
        | 1,500,000.00 | 1,000,000.00 | 0.3 | 0.7 | 150,000.00 | 1,000,000.00 | 350,000.00 |
        |   900,000.00 | 1,000,000.00 | 0.3 | 0.7 |       0.00 |   900,000.00 |       0.00 |
        | 1,000,000.00 | 1,000,000.00 | 0.3 | 0.7 |       0.00 | 1,000,000.00 |       0.00 |
        |         0.10 |         0.00 | 1/3 | 2/3 |       0.03 |         0.00 |       0.07 |
        |         0.01 |         0.00 | 0.5 | 0.5 |       0.01 |         0.00 |       0.00 |

    # 1,200,000 − 1,000,000 = 200,000 increment: beijing 0.4 × 200,000 = 80,000, hebei 120,000;
    # the baseline part goes to beijing, its owner, and counts in beijing's net.
    Scenario: the baseline can belong to the sending party
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,200,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1
      And clause split keeps a baseline of 1,000,000.00
      And clause split's baseline belongs to beijing
      When the contract is run
      Then the ledger of 2021 is:
        | clause | stream | party   | kind     | amount       |
        | split  | vat    | beijing | baseline | 1,000,000.00 |
        | split  | vat    | beijing | share    |    80,000.00 |
        | split  | vat    | hebei   | share    |   120,000.00 |
      And beijing's net in 2021 is 1,080,000.00
      And the why of beijing's share in 2021 mentions "increment 200,000.00"

    # Streams of one clause are added up first (timing contract): VAT 1,000,000 × 0.5 retained
    # = 500,000; CIT 800,000 × 0.4 = 320,000; together 820,000 − baseline 300,000 = 520,000;
    # beijing 0.25 × 520,000 = 130,000, hebei 390,000 plus the 300,000 baseline.
    Scenario: the clause's streams are added up, after local retention, before the baseline
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,000,000.00 a year
      And stream vat has local retention 0.5
      And a tax stream cit of 800,000.00 a year
      And stream cit has local retention 0.4
      And a tax_split clause split on vat and cit with shares beijing 0.25, hebei 0.75 in years 1
      And clause split keeps a baseline of 300,000.00
      When the contract is run
      Then beijing receives 130,000.00 as share in 2021
      And hebei receives 300,000.00 as baseline in 2021
      And hebei receives 390,000.00 as share in 2021
      And hebei's net in 2021 is 690,000.00

  Rule: a stream's projection is first × (1 + growth)^(t−1) × ramp, rounded (semantics §2)

    # first 1,000,000 growing 10 %, ramp 0.3, 0.6: 300,000; 660,000; 1,210,000. Relocated in
    # 2022, the same stream starts its growth and ramp then: 0; 300,000; 660,000. Split 1:9.
    Scenario Outline: growth and ramp, from contract year 1 or from the move
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat starting at 1,000,000.00 growing 10%
      And stream vat ramps 0.3; 0.6
      And stream vat <moved>
      And a tax_split clause split on vat with shares beijing 0.1, hebei 0.9 in years 1-3
      And clause split splits the total
      When the contract is run
      Then beijing's net by year is <beijing>

      Examples:
        | moved             | beijing                          |
        | relocated in 2021 | 30,000.00; 66,000.00; 121,000.00 |
        | relocated in 2022 | 0.00; 30,000.00; 66,000.00       |

  Rule: under basis total the whole amount is split

    # 1,234,567.89 × 0.35 = 432,098.7615 and × 0.65 = 802,469.1285: floors 432,098.76 and
    # 802,469.12 leave one fen, which goes to the larger remainder (hebei, .85 of a fen against
    # .15) → 802,469.13; 432,098.76 + 802,469.13 = 1,234,567.89.
    Scenario: basis total, largest remainder
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a fee stream park_fee of 1,234,567.89 a year
      And a tax_split clause split on park_fee with shares beijing 0.35, hebei 0.65 in years 1
      And clause split splits the total
      When the contract is run
      Then the ledger of 2021 is:
        | stream   | party   | kind  | amount     |
        | park_fee | beijing | share | 432,098.76 |
        | park_fee | hebei   | share | 802,469.13 |

  Rule: the schedule is a list of segments in contract years

    # first 1,000,000 growing 10 %: 1,000,000; 1,100,000; 1,210,000; 1,331,000; 1,464,100.
    # Years 1-3 at 3:7 → beijing 300,000; 330,000; 363,000, hebei 700,000; 770,000; 847,000.
    # Years 4-5 at 5:5 → 665,500 and 732,050 each.
    Scenario: a step schedule, 3:7 for three years then 5:5
      Given a contract from 2021 for 5 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat starting at 1,000,000.00 growing 10%
      And a tax_split clause split on vat with shares beijing 0.3, hebei 0.7 in years 1-3
      And clause split also gives shares beijing 0.5, hebei 0.5 in years 4-5
      And clause split splits the total
      When the contract is run
      Then beijing's net by year is 300,000.00; 330,000.00; 363,000.00; 665,500.00; 732,050.00
      And hebei's net by year is 700,000.00; 770,000.00; 847,000.00; 665,500.00; 732,050.00
      And beijing's share total is 2,390,550.00
      And hebei's share total is 3,714,550.00

    # Year 3 (2023) is covered by no segment: the clause does not claim vat that year, and the
    # whole 1,000,000, baseline part included, goes to hebei as unclaimed (clause null).
    # 2021: 1,000,000 − 400,000 = 600,000 → 300,000 each; 2024: 600,000 × 0.2 = 120,000 to
    # beijing, 480,000 to hebei. The fee stream no clause names is hebei's every year.
    Scenario: a gap in the schedule is unclaimed and goes to the receiving party
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,000,000.00 a year
      And a fee stream park_fee of 50,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-2
      And clause split also gives shares beijing 0.2, hebei 0.8 in years 4
      And clause split keeps a baseline of 400,000.00
      When the contract is run
      Then the ledger of 2023 is:
        | clause | stream   | party | kind      | amount       |
        | -      | vat      | hebei | unclaimed | 1,000,000.00 |
        | -      | park_fee | hebei | unclaimed |    50,000.00 |
      And the ledger of 2024 is:
        | clause | stream   | party   | kind      | amount     |
        | split  | vat      | hebei   | baseline  | 400,000.00 |
        | split  | vat      | beijing | share     | 120,000.00 |
        | split  | vat      | hebei   | share     | 480,000.00 |
        | -      | park_fee | hebei   | unclaimed |  50,000.00 |
      And beijing's net by year is 300,000.00; 300,000.00; 0.00; 120,000.00
      And hebei's net by year is 750,000.00; 750,000.00; 1,050,000.00; 930,000.00
      And hebei's unclaimed total is 1,200,000.00

    # shares from_equity use the equity ratios of the contract year: beijing 1,000,000 and hebei
    # 3,000,000 in year 1 (1/4, 3/4); tianjin 1,000,000 in year 2 (1/5, 3/5, 1/5). 1,000,000 a
    # year → 250,000 / 750,000, then 200,000 / 600,000 / 200,000.
    Scenario: a segment that takes its shares from an equity clause
      Given a contract from 2021 for 2 years with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of 1,000,000.00 a year
      And an equity clause devco with no profit stream
      And beijing contributes 1,000,000.00 in cash to devco in year 1
      And hebei contributes 3,000,000.00 in land to devco in year 1
      And tianjin contributes 1,000,000.00 in cash to devco in year 2
      And a tax_split clause split on vat with shares from equity devco in years 1-2
      And clause split splits the total
      When the contract is run
      Then the share entries are:
        | year | party   | amount     |
        | 2021 | beijing | 250,000.00 |
        | 2021 | hebei   | 750,000.00 |
        | 2022 | beijing | 200,000.00 |
        | 2022 | hebei   | 600,000.00 |
        | 2022 | tianjin | 200,000.00 |

  Rule: the baseline grows from its own inputs, rounded once, never compounded on a rounded figure

    # Baseline 1,000,000 × 1.045^(t−1): 1,000,000; 1,045,000; 1,092,025; 1,141,166.125 →
    # 1,141,166.13 (half up); 1,192,518.600625 → 1,192,518.60. (Compounding the rounded 2024
    # figure would give 1,141,166.13 × 1.045 = 1,192,518.60585 → .61: wrong.) The increment
    # 2,000,000 − baseline is halved; in 2024 858,833.87 is an odd number of fen, and the
    # tie goes to beijing, listed first.
    Scenario Outline: a growing baseline, year by year
      Given a contract from 2021 for 5 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 2,000,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-5
      And clause split keeps a baseline of 1,000,000.00
      And clause split's baseline grows 4.5% a year
      When the contract is run
      Then hebei receives <baseline> as baseline in <year>
      And beijing receives <bj_share> as share in <year>
      And hebei receives <hb_share> as share in <year>

      Examples:
        | year | baseline     | bj_share   | hb_share   |
        | 2021 | 1,000,000.00 | 500,000.00 | 500,000.00 |
        | 2022 | 1,045,000.00 | 477,500.00 | 477,500.00 |
        | 2023 | 1,092,025.00 | 453,987.50 | 453,987.50 |
        | 2024 | 1,141,166.13 | 429,416.94 | 429,416.93 |
        | 2025 | 1,192,518.60 | 403,740.70 | 403,740.70 |

  Rule: under timing since_relocation each stream is split on its own, its years counted from its move

    # firm_a moved in 2021 (life years 2021-2025 = 1-5), firm_b in 2023 (2023-2025 = 1-3).
    # Shares 4:6 in life years 1-2, 1:9 in life years 3-5, basis total.
    # firm_a 1,000,000 a year → beijing 400,000; 400,000; 100,000; 100,000; 100,000.
    # firm_b 2,000,000 from 2023 → beijing 800,000 (2023); 800,000 (2024); 200,000 (2025).
    # beijing: 400,000; 400,000; 900,000; 900,000; 300,000.
    # hebei: 600,000; 600,000; 900,000 + 1,200,000; 900,000 + 1,200,000; 900,000 + 1,800,000.
    Scenario: two streams relocating in different years
      Given a contract from 2021 for 5 years with parties beijing (sending) and hebei (receiving)
      And a tax stream firm_a with series 1,000,000.00; 1,000,000.00; 1,000,000.00; 1,000,000.00; 1,000,000.00
      And stream firm_a relocated in 2021
      And a tax stream firm_b with series 0; 0; 2,000,000.00; 2,000,000.00; 2,000,000.00
      And stream firm_b relocated in 2023
      And a tax_split clause split on firm_a and firm_b with shares beijing 0.4, hebei 0.6 in years 1-2
      And clause split also gives shares beijing 0.1, hebei 0.9 in years 3-5
      And clause split splits the total
      And clause split counts its years since relocation
      When the contract is run
      Then beijing's net by year is 400,000.00; 400,000.00; 900,000.00; 900,000.00; 300,000.00
      And hebei's net by year is 600,000.00; 600,000.00; 2,100,000.00; 2,100,000.00; 2,700,000.00
      And beijing receives 800,000.00 as share from firm_b in 2023
      And beijing receives 100,000.00 as share from firm_a in 2023

    # A relocated stream's growth counts from its relocation year too: firm_c moves in 2022,
    # first 500,000 growing 20 % → 2022: 500,000; 2023: 600,000. Life years 1-2 at 4:6:
    # beijing 200,000 and 240,000; nothing before the move.
    Scenario: a relocated stream's projection starts in its relocation year
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And a tax stream firm_c starting at 500,000.00 growing 20%
      And stream firm_c relocated in 2022
      And a tax_split clause split on firm_c with shares beijing 0.4, hebei 0.6 in years 1-2
      And clause split splits the total
      And clause split counts its years since relocation
      When the contract is run
      Then beijing's net by year is 0.00; 200,000.00; 240,000.00
      And hebei's net by year is 0.00; 300,000.00; 360,000.00

    # Baseline 500,000 growing 10 %; shares 5:5. firm_a (moved 2021) is 1,000,000 a year,
    # firm_b (moved 2022) 1,000,000 from 2022.
    # since_relocation, each stream its own baseline in its own life years:
    #   2022: firm_a life year 2, baseline 550,000, increment 450,000; firm_b life year 1,
    #         baseline 500,000, increment 500,000 → hebei baseline 1,050,000, beijing 225,000 +
    #         250,000 = 475,000.
    #   2023: firm_a 605,000 / 395,000; firm_b 550,000 / 450,000 → baseline 1,155,000, beijing
    #         197,500 + 225,000 = 422,500.
    # contract: the streams are added up (2,000,000) against one baseline in contract years:
    #   2022: 550,000 → increment 1,450,000 → beijing 725,000; 2023: 605,000 → 1,395,000 → 697,500.
    Scenario Outline: a baseline per stream under since_relocation, one baseline under contract timing
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And a tax stream firm_a with series 1,000,000.00; 1,000,000.00; 1,000,000.00
      And stream firm_a relocated in 2021
      And a tax stream firm_b with series 0; 1,000,000.00; 1,000,000.00
      And stream firm_b relocated in 2022
      And a tax_split clause split on firm_a and firm_b with shares beijing 0.5, hebei 0.5 in years 1-3
      And clause split keeps a baseline of 500,000.00
      And clause split's baseline grows 10% a year
      And clause split has timing: <timing>
      When the contract is run
      Then hebei receives <base_2022> as baseline in 2022
      And beijing receives <share_2022> as share in 2022
      And hebei receives <base_2023> as baseline in 2023
      And beijing receives <share_2023> as share in 2023

      Examples:
        | timing           | base_2022    | share_2022 | base_2023    | share_2023 |
        | since_relocation | 1,050,000.00 | 475,000.00 | 1,155,000.00 | 422,500.00 |
        | contract         |   550,000.00 | 725,000.00 |   605,000.00 | 697,500.00 |
