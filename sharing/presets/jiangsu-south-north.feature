Feature: Jiangsu south–north co-built park, Suzhou–Suqian model (preset jiangsu-south-north)
  Land income and local tax are shared by the two sides' capital in the joint development
  company; the company pays out 90 % of its profit once earlier losses are made good.
  Every figure is worked by hand in the contract's header.

  Background:
    Given the contract under audit

  Rule: equity ratios follow the investment, a contribution counting from its own year
    Scenario Outline: equity ratios by year
      Then <party>'s equity in devco in <year> is <ratio>

      Examples:
        | party  | year | ratio |
        | suzhou | 2025 | 3/5   |
        | suqian | 2025 | 40%   |
        | suzhou | 2027 | 0.6   |
        | suzhou | 2028 | 2/3   |
        | suqian | 2034 | 1/3   |

  Rule: the local tax is split by the year's equity ratios
    Scenario: tax before and after Suzhou's second contribution
      Then suzhou receives 6,000,000.00 from park_tax in 2025
      And suqian receives 4,000,000.00 from park_tax in 2025
      And suzhou receives 38,000,000.00 from park_tax in 2028
      And suqian receives 19,000,000.00 from park_tax in 2028

    Scenario: the odd fen goes to the larger remainder
      Then suzhou receives 90,666,666.67 from park_tax in 2032
      And suqian receives 45,333,333.33 from park_tax in 2032
      And suzhou receives 109,333,333.33 from park_tax in 2034
      And suqian receives 54,666,666.67 from park_tax in 2034
      And suzhou receives 579,200,000.00 from park_tax in total

  Rule: the co-built land's income is distributed by the capital shares
    Scenario: land income
      Then suzhou receives 30,000,000.00 from land_split in 2026
      And suzhou receives 26,666,666.67 from land_split in 2029
      And suqian receives 13,333,333.33 from land_split in 2029
      And suzhou receives 13,333,333.33 from land_split in 2030
      And suqian receives 6,666,666.67 from land_split in 2030
      And suzhou receives 158,000,000.00 from land_split in total

  Rule: the company makes good its losses before paying dividends
    Scenario: no dividend while the deficit lasts
      Then suzhou receives 0.00 from devco in 2027
      And suzhou receives 1,800,000.00 from devco in 2028
      And suqian receives 900,000.00 from devco in 2028
      And suqian receives 7,500,000.00 from devco in 2029
      And suzhou receives 136,800,000.00 from devco in total

  Rule: what each side has at the end
    Scenario: net totals
      Then suzhou gets -400,000,000.00 as contribution in total
      And suzhou's net total is 474,000,000.00
      And suqian's net total is 257,200,000.00
      And the static check gives no warning
