Feature: caps on a party's share of a split (semantics §3.1 "cap", §3.2)
  A cap counts only the capped party's share receipts from its clause (not what it gets as
  baseline owner). When the party's allocated share would take it past a cap it gets what
  reaches the cap, and the excess goes to the other parties of that year's segment by their
  shares renormalised to sum to 1, as cap_excess (to the receiving party if those shares are
  all 0). Event cap_reached: the year a cumulative cap is first reached, and every year a
  per-year cap binds.

  Rule: a per-year cap limits the party's share in each year and raises an event whenever it binds

    # 4:6 of 1,000,000 / 800,000 / 1,200,000 → beijing 400,000 / 320,000 / 480,000; cap 350,000 a
    # year binds in 2021 (excess 50,000) and 2023 (excess 130,000), not in 2022.
    Scenario: a per-year cap
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat with series 1,000,000.00; 800,000.00; 1,200,000.00
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-3
      And clause split splits the total
      And clause split caps beijing at 350,000.00 a year
      When the contract is run
      Then beijing's net by year is 350,000.00; 320,000.00; 350,000.00
      And hebei receives 50,000.00 as cap_excess in 2021
      And hebei receives 0.00 as cap_excess in 2022
      And hebei receives 130,000.00 as cap_excess in 2023
      And hebei's net by year is 650,000.00; 480,000.00; 850,000.00
      And clause split raises cap_reached in 2021 and 2023

    # The cap counts share receipts only: beijing owns the 500,000 baseline and gets half of the
    # 1,000,000 increment, 500,000, cut to 300,000; the 200,000 excess goes to hebei. Beijing's
    # net: 500,000 + 300,000 = 800,000.
    Scenario: the baseline part is not counted against the cap
      Given a contract from 2021 for 1 year with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,500,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1
      And clause split keeps a baseline of 500,000.00
      And clause split's baseline belongs to beijing
      And clause split caps beijing at 300,000.00 a year
      When the contract is run
      Then the ledger of 2021 is:
        | party   | kind       | amount     |
        | beijing | baseline   | 500,000.00 |
        | beijing | share      | 300,000.00 |
        | hebei   | share      | 500,000.00 |
        | hebei   | cap_excess | 200,000.00 |
      And beijing's net in 2021 is 800,000.00

  Rule: a cumulative cap limits the party's share over all years; the event is raised once, the year it is reached

    # Half of 1,000,000 a year: beijing 500,000, 500,000, then the room left under the cap.
    # cap 1,200,000: 2023 room 200,000 (reached 2023), excess 300,000; 2024 all 500,000 excess.
    # cap 1,000,000: reached exactly in 2022 (nothing cut yet); 2023 and 2024 all excess.
    Scenario Outline: a cumulative cap
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,000,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-4
      And clause split splits the total
      And clause split caps beijing at <cap> in all
      When the contract is run
      Then beijing's net by year is <beijing>
      And hebei's net by year is <hebei>
      And hebei's cap_excess total is <excess>
      And clause split raises cap_reached in <reached>

      Examples:
        | cap          | beijing                                        | hebei                                              | excess       | reached |
        | 1,200,000.00 | 500,000.00; 500,000.00; 200,000.00; 0.00       | 500,000.00; 500,000.00; 800,000.00; 1,000,000.00   |   800,000.00 | 2023    |
        | 1,000,000.00 | 500,000.00; 500,000.00; 0.00; 0.00             | 500,000.00; 500,000.00; 1,000,000.00; 1,000,000.00 | 1,000,000.00 | 2022    |
        | 5,000,000.00 | 500,000.00; 500,000.00; 500,000.00; 500,000.00 | 500,000.00; 500,000.00; 500,000.00; 500,000.00     |         0.00 | no year |

  Rule: a per-year and a cumulative cap on one party both hold

    # 4:6 of 1,000,000, 1,000,000, 1,000,000, 500,000 → 400,000, 400,000, 400,000, 200,000.
    # Per year 300,000, in all 800,000:
    #   2021: 300,000 (per-year binds, excess 100,000), cumulative 300,000;
    #   2022: 300,000 (binds, excess 100,000), cumulative 600,000;
    #   2023: per-year 300,000 but only 200,000 of room → 200,000, excess 200,000; reached;
    #   2024: 200,000 wanted, nothing left → excess 200,000; the per-year cap does not bind and
    #         the cumulative one was reached before: no event.
    Scenario: both caps together
      Given a contract from 2021 for 4 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat with series 1,000,000.00; 1,000,000.00; 1,000,000.00; 500,000.00
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.6 in years 1-4
      And clause split splits the total
      And clause split caps beijing at 300,000.00 a year
      And clause split caps beijing at 800,000.00 in all
      When the contract is run
      Then beijing's net by year is 300,000.00; 300,000.00; 200,000.00; 0.00
      And hebei's net by year is 700,000.00; 700,000.00; 800,000.00; 500,000.00
      And hebei's cap_excess total is 600,000.00
      And clause split raises cap_reached in 2021, 2022 and 2023

  Rule: cumulative pre_relocation_total is what the covered streams paid before their move

    # Under timing contract the cap covers all the clause's streams: 300,000 + 200,000 +
    # 100,000 = 600,000. 0.2 of 2,000,000 a year = 400,000; 2022 room 200,000 (reached), excess
    # 200,000; 2023 all 400,000 excess.
    Scenario: pre_relocation_total over all the streams of a contract-timing split
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And a tax stream firm_a of 1,000,000.00 a year
      And stream firm_a relocated in 2021
      And stream firm_a paid 300,000.00 before relocation
      And a tax stream firm_b of 1,000,000.00 a year
      And stream firm_b relocated in 2021
      And stream firm_b paid 200,000.00; 100,000.00 before relocation
      And a tax_split clause split on firm_a and firm_b with shares beijing 0.2, hebei 0.8 in years 1-3
      And clause split splits the total
      And clause split caps beijing at the pre-relocation total
      When the contract is run
      Then beijing's net by year is 400,000.00; 200,000.00; 0.00
      And hebei receives 200,000.00 as cap_excess in 2022
      And hebei receives 400,000.00 as cap_excess in 2023
      And clause split raises cap_reached in 2022

    # Amounts in 万元 (× 10,000). In a buffer each relocated stream has its own cap.
    #   vat: 100万 = 1,000,000 a year; cap 30.5 + 40.25 + 45.1234 = 115.8734万 = 1,158,734.00.
    #        Half: 500,000 (2021), 500,000 (2022), then room 158,734.00 (reached 2023), excess
    #        500,000 − 158,734 = 341,266.00.
    #   cit: 20万 = 200,000 a year; cap 10万 = 100,000. Half is 100,000: reached exactly in 2021;
    #        2022 and 2023 all 100,000 excess.
    #   beijing: 600,000.00; 500,000.00; 158,734.00.
    Scenario: pre_relocation_total per stream in a 92号-style buffer, amounts in wan
      Given a contract from 2021 for 3 years with parties beijing (sending) and hebei (receiving)
      And the amounts are in wan
      And a tax stream vat of 100 a year
      And stream vat relocated in 2021
      And stream vat paid 30.5; 40.25; 45.1234 before relocation
      And a tax stream cit of 20 a year
      And stream cit relocated in 2021
      And stream cit paid 10 before relocation
      And a flat buffer transition keeping 0.5 for beijing over 3 years
      And clause transition caps beijing at the pre-relocation total
      When the contract is run
      Then beijing's net by year is 600,000.00; 500,000.00; 158,734.00
      And hebei receives 341,266.00 as cap_excess from vat in 2023
      And hebei receives 100,000.00 as cap_excess from cit in 2022
      And hebei receives 100,000.00 as cap_excess from cit in 2023
      And beijing's share total is 1,258,734.00
      And the events are:
        | year | clause     | kind        |
        | 2021 | transition | cap_reached |
        | 2023 | transition | cap_reached |

  Rule: the excess goes to the other parties of the segment by renormalised shares

    # 1,000,000.07 = 100,000,007 fen × 0.4 / 0.5 / 0.1 = 40,000,002.8 / 50,000,003.5 /
    # 10,000,000.7; floors leave 2 fen → beijing (.8) and tianjin (.7): 400,000.03 / 500,000.03
    # / 100,000.01. Beijing is cut to 100,000.00; the excess 300,000.03 goes 5/6 : 1/6 (0.5 and
    # 0.1 renormalised): 25,000,002.5 / 5,000,000.5 fen, a tie for the last fen → hebei (listed
    # before tianjin): hebei 250,000.03, tianjin 50,000.00.
    Scenario: three parties, the excess renormalised
      Given a contract from 2021 for 1 year with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of 1,000,000.07 a year
      And a tax_split clause split on vat with shares beijing 0.4, hebei 0.5, tianjin 0.1 in years 1
      And clause split splits the total
      And clause split caps beijing at 100,000.00 a year
      When the contract is run
      Then the ledger of 2021 is:
        | party   | kind       | amount     |
        | beijing | share      | 100,000.00 |
        | hebei   | share      | 500,000.03 |
        | tianjin | share      | 100,000.01 |
        | hebei   | cap_excess | 250,000.03 |
        | tianjin | cap_excess |  50,000.00 |
      And hebei's net in 2021 is 750,000.06
      And tianjin's net in 2021 is 150,000.01

    # The segment gives beijing everything (tianjin 0): the 400,000 over beijing's 600,000 cap
    # goes to the receiving party, hebei, though it is not named in the segment.
    Scenario: when the other parties' shares are all 0 the excess goes to the receiving party
      Given a contract from 2021 for 1 year with parties beijing (sending), hebei (receiving) and tianjin (other)
      And a tax stream vat of 1,000,000.00 a year
      And a tax_split clause split on vat with shares beijing 1, tianjin 0 in years 1
      And clause split splits the total
      And clause split caps beijing at 600,000.00 a year
      When the contract is run
      Then the ledger of 2021 is:
        | party   | kind       | amount     |
        | beijing | share      | 600,000.00 |
        | hebei   | cap_excess | 400,000.00 |
      And tianjin's net in 2021 is 0.00

  Rule: a cap applies to what the clause splits after funding its pool

    # 0.1 of 1,000,000 goes into the pool first; half of the 900,000 left is 450,000, cut to
    # beijing's 400,000 a year; the 50,000 excess goes to hebei.
    Scenario: the pool is funded before the cap is applied
      Given a contract from 2021 for 2 years with parties beijing (sending) and hebei (receiving)
      And a tax stream vat of 1,000,000.00 a year
      And a tax_split clause split on vat with shares beijing 0.5, hebei 0.5 in years 1-2
      And clause split splits the total
      And clause split caps beijing at 400,000.00 a year
      And a risk pool pool funded by 0.1 of clause split
      When the contract is run
      Then the ledger of 2021 is:
        | party   | kind       | amount     |
        | -       | pool_in    | 100,000.00 |
        | beijing | share      | 400,000.00 |
        | hebei   | share      | 450,000.00 |
        | hebei   | cap_excess |  50,000.00 |
      And clause split raises cap_reached in 2021 and 2022
