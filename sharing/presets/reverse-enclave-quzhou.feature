Feature: Reverse enclave, Quzhou's incubator in Hangzhou (preset reverse-enclave-quzhou)
  Firms incubated in Hangzhou register in Quzhou, so their local VAT and CIT go to Quzhou;
  Quzhou pays the incubator's running costs; the building's property taxes stay in Yuhang.

  Background:
    Given the contract under audit

  Rule: the tax follows the registration
    Scenario Outline: Quzhou's tax by year
      Then quzhou receives <tax> from registered_in_quzhou in <year>
      And yuhang receives 0.00 from registered_in_quzhou in <year>

      Examples:
        | year | tax           |
        | 2017 | 0.00          |
        | 2018 | 1,000,000.00  |
        | 2019 | 2,900,000.00  |
        | 2024 | 22,000,000.00 |

    Scenario: in all
      Then quzhou receives 71,200,000.00 from registered_in_quzhou in total
      And quzhou gets -52,200,000.00 as cost in total
      And yuhang receives 6,400,000.00 from property_tax_local in total
      And quzhou is credited 720,000,000.00 in the indicator ledger in 2024
      And yuhang is credited 0.00 in the indicator ledger in 2024

  Rule: the incubator pays for itself after four years
    Scenario: Quzhou's cash flow
      Then quzhou's net cash flow in 2017 is -6,000,000.00
      And quzhou's cumulative net by 2020 is -15,000,000.00
      And quzhou's net cash flow in 2021 is 2,400,000.00
      And quzhou's net total is 19,000,000.00
      And quzhou's NPV is 10,388,560.82 within 0.01
      And quzhou's NPV at 0% is 19,000,000.00 within 0.00
      And the static check gives no warning
