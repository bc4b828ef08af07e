Feature: Amendments and the yearly settlement (semantics §6.3, §6.4)
  A zone's local VAT of 10,000,000.00 a year (retention 0.5: 5,000,000.00 shareable) is split
  40:60 between Beijing and Hebei as signed. A 2023 supplementary agreement gives Beijing 20%.
  The 2022 statement was made before it: 2,000,000.00 a year owed to Beijing, both paid.
  Every figure below is worked by hand, to the fen.

  Background:
    Given the case contract:
      """
      name: zone split with a supplementary agreement
      start_year: 2021
      years: 5
      parties:
        - {id: beijing, name: Beijing, role: sending}
        - {id: hebei, name: Hebei, role: receiving}
      streams:
        - {id: zone_vat, kind: tax, local_retention: 0.5, first: 10000000}
      clauses:
        - id: split
          kind: tax_split
          streams: [zone_vat]
          basis: total
          schedule:
            - {years: "1-5", shares: {beijing: 0.4, hebei: 0.6}}
      amendments:
        - id: bcxy_2023
          name: 2023 supplementary agreement
          signed: 2023
          effective_from: 3
          clauses:
            - id: split
              kind: tax_split
              streams: [zone_vat]
              basis: total
              schedule:
                - {years: "1-5", shares: {beijing: 0.2, hebei: 0.8}}
      """
    And the actuals:
      """
      stream,year,amount
      zone_vat,2021,10000000.00
      zone_vat,2022,10000000.00
      zone_vat,2023,12000000.00
      """
    And the transfers:
      """
      date,from,to,amount,year,reference
      2022-03-15,hebei,beijing,2000000.00,2021,T-1
      2023-03-15,hebei,beijing,2000000.00,2022,T-2
      """
    And the 2022 statement made on the contract as signed

  Rule: an amendment from a year not yet settled changes only the years it is in force

    # Versions 1, 1, 2, 2, 2. 2023: 12,000,000 × 0.5 = 6,000,000 × 0.2 = 1,200,000.00 owed to
    # Beijing. 2021-22 unchanged: adjustment 0.00. Cumulative −2,000,000 − 2,000,000 − 1,200,000
    # = −5,200,000.00; paid −4,000,000.00; balance due −1,200,000.00: Hebei pays Beijing.
    # As signed the plan is 5,000,000 × 0.4 = 2,000,000.00 a year: cumulative −6,000,000.00.
    Scenario: effective from year 3 (2023), not retroactive
      When the year 2023 is settled
      Then the versions by year are 1, 1, 2, 2, 2
      And the pair beijing->hebei shows entitlement -1,200,000.00, cumulative entitlement -5,200,000.00, cumulative transfers -4,000,000.00, balance due -1,200,000.00, adjustment 0.00
      And hebei pays beijing 1,200,000.00
      And the pair beijing->hebei plans a cumulative entitlement of -6,000,000.00
      And the balance identity holds: previous balance 0.00 + entitlements since -1,200,000.00 + adjustment 0.00 - transfers since 0.00

  Rule: an amendment from an already settled year is retroactive by that fact

    # effective_from 2 (2022, settled): 2022 now 5,000,000 × 0.2 = 1,000,000.00 owed instead of
    # 2,000,000.00, so Beijing was paid 1,000,000.00 too much: adjustment +1,000,000.00.
    # 2023: 1,200,000.00. Cumulative −2,000,000 − 1,000,000 − 1,200,000 = −4,200,000.00;
    # paid −4,000,000.00; balance −200,000.00 = 1,200,000.00 − 1,000,000.00.
    Scenario: effective from year 2 (2022), retroactive
      Given the amendment takes effect from contract year 2
      When the year 2023 is settled
      Then the versions by year are 1, 2, 2, 2, 2
      And the pair beijing->hebei shows entitlement -1,200,000.00, cumulative entitlement -4,200,000.00, cumulative transfers -4,000,000.00, balance due -200,000.00, adjustment 1,000,000.00
      And hebei pays beijing 200,000.00
      And the balance identity holds: previous balance 0.00 + entitlements since -1,200,000.00 + adjustment 1,000,000.00 - transfers since 0.00

  Rule: a transfer for a later year is an advance, not counted

    # A 500,000.00 payment in December 2023 for 2024 is listed as paid in advance (−500,000.00
    # for the pair: Hebei to Beijing) and leaves the 2023 balance due at −1,200,000.00.
    Scenario: an advance payment
      Given a transfer of 500,000.00 from hebei to beijing on 2023-12-20 for 2024
      When the year 2023 is settled
      Then the pair beijing->hebei shows balance due -1,200,000.00, advance payments -500,000.00
