Feature: Cixi–Changshan enclave, dividends with a 10 % floor (preset zhejiang-xiaobo-floor)
  Changshan's villages get 3/5 of the park company's profit, and never less than 9,300,000 a
  year (10 % of their 93,000,000): the Cixi side pays the difference.

  Background:
    Given the contract under audit

  Rule: the floor tops up a low dividend and nothing more
    Scenario Outline: dividend and top-up by year
      Then changshan receives <dividend> from park_company in <year>
      And changshan gets <topup> as backstop in <year>

      Examples:
        | year | dividend      | topup        |
        | 2020 | 3,000,000.00  | 6,300,000.00 |
        | 2021 | 7,200,000.00  | 2,100,000.00 |
        | 2022 | 9,300,000.00  | 0.00         |
        | 2025 | 8,400,000.00  | 900,000.00   |
        | 2029 | 15,600,000.00 | 0.00         |

    Scenario: the second payment is nearly 9.3 million, as the source says
      Then changshan's net cash flow in 2021 is 9,300,000.00
      And an event guarantee_backstopped is raised in 2025
      And cixi gets -9,300,000.00 as backstop in total

  Rule: what each side has after ten years
    Scenario: totals
      Then changshan's equity in park_company in 2020 is 3/5
      And changshan receives 108,900,000.00 from park_company in total
      And changshan's net total is 25,200,000.00
      And cixi's net total is 1,300,000.00

  Rule: the pool is only the vehicle of Cixi's guarantee
    Scenario: the static check says so
      When the static check runs
      Then the static check warns guarantee_unfundable at clauses[1].guarantees[0]
