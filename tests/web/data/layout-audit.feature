Feature: one check on the Beijing–Hebei example (for the layout test of the audit page)
  Background:
    Given the contract under audit

  Scenario: Beijing's net total
    Then beijing's net total is 1.00
