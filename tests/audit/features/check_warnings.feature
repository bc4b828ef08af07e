Feature: The static check names what is legal but probably unintended
  Each warning kind of `sharing check`, on the smallest contract that shows it. A warning never
  makes a contract invalid: these are questions for the negotiators.

  Rule: a schedule should cover the term

    Scenario: years covered by no segment
      Given the contract:
        """yaml
        start_year: 2020
        years: 6
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams: [{id: t, kind: tax, series: [100, 100, 100, 100, 100, 100]}]
        clauses:
          - id: split
            kind: tax_split
            basis: total
            streams: [t]
            schedule:
              - {years: "1-2", shares: {a: 0.5, b: 0.5}}
              - {years: "5-6", shares: {a: 0.5, b: 0.5}}
        """
      When the static check runs
      Then the static check warns schedule_gap at clauses[0].schedule
      And the static check gives no unclaimed_stream warning

    Scenario: a stream no clause claims
      Given the contract:
        """yaml
        start_year: 2020
        years: 3
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams:
          - {id: t, kind: tax, series: [100, 100, 100]}
          - {id: forgotten, kind: fee, series: [5, 5, 5]}
        clauses:
          - {id: split, kind: tax_split, basis: total, streams: [t], schedule: [{years: "1-3", shares: {a: 0.5, b: 0.5}}]}
        """
      Then the static check warns unclaimed_stream at streams[1]
      And the static check gives no schedule_gap warning

  Rule: a cap should bind, but not at once

    Scenario: a cap that never binds
      Given the contract:
        """yaml
        start_year: 2020
        years: 3
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams: [{id: t, kind: tax, series: [100, 100, 100]}]
        clauses:
          - id: split
            kind: tax_split
            basis: total
            streams: [t]
            schedule: [{years: "1-3", shares: {a: 0.5, b: 0.5}}]
            cap: {party: a, cumulative: 1000000}
        """
      Then the static check warns cap_never_binds at clauses[0].cap
      And the cap of split is never reached

    Scenario: a cap on a party with no share
      Given the contract:
        """yaml
        start_year: 2020
        years: 3
        parties: [{id: a, role: sending}, {id: b, role: receiving}, {id: c}]
        streams: [{id: t, kind: tax, series: [100, 100, 100]}]
        clauses:
          - id: split
            kind: tax_split
            basis: total
            streams: [t]
            schedule: [{years: "1-3", shares: {a: 0.5, b: 0.5}}]
            cap: {party: c, per_year: 1}
        """
      Then the static check warns cap_never_binds at clauses[0].cap

    Scenario: a cap reached in the first year
      Given the contract:
        """yaml
        start_year: 2020
        years: 3
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams: [{id: t, kind: tax, series: [100, 100, 100]}]
        clauses:
          - id: split
            kind: tax_split
            basis: total
            streams: [t]
            schedule: [{years: "1-3", shares: {a: 0.5, b: 0.5}}]
            cap: {party: a, cumulative: 10}
        """
      Then the static check warns cap_binds_year_1 at clauses[0].cap
      And the cap of split is first reached in 2020
      And a receives 10.00 from split in total

  Rule: a buffer should protect years in which there is something to protect

    Scenario: a buffer over before the relocated firm yields anything
      Given the contract:
        """yaml
        start_year: 2020
        years: 6
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams:
          - {id: moved, kind: tax, relocated_year: 2021, series: [0, 0, 0, 0, 500, 500]}
        clauses:
          - {id: buf, kind: buffer, party: a, years: 2, shape: flat, start: 0.5}
        """
      Then the static check warns buffer_before_relocation at clauses[0].years

    Scenario: a split whose segments end before the stream relocates
      Given the contract:
        """yaml
        start_year: 2020
        years: 6
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams:
          - {id: moved, kind: tax, relocated_year: 2024, series: [0, 0, 0, 0, 500, 500]}
        clauses:
          - id: split
            kind: tax_split
            basis: total
            streams: [moved]
            schedule: [{years: "1-3", shares: {a: 0.5, b: 0.5}}]
        """
      Then the static check warns buffer_before_relocation at clauses[0].streams[0]

    Scenario: a term shorter than a buffer
      Given the contract:
        """yaml
        start_year: 2020
        years: 8
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams:
          - {id: moved, kind: tax, relocated_year: 2020, series: [100, 100, 100, 100, 100, 100, 100, 100]}
        clauses:
          - {id: buf, kind: buffer, party: a, years: 5, shape: linear, start: 0.5}
          - {id: end, kind: exit, term_years: 3}
        """
      Then the static check warns term_shorter_than_buffer at clauses[1].term_years

  Rule: a guarantee needs a pool that can fund it

    Scenario: a pool with no funding
      Given the contract:
        """yaml
        start_year: 2020
        years: 3
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams: [{id: t, kind: tax, series: [100, 100, 100]}]
        clauses:
          - {id: split, kind: tax_split, basis: total, streams: [t], schedule: [{years: "1-3", shares: {a: 0.1, b: 0.9}}]}
          - id: pool
            kind: risk_pool
            guarantees: [{party: a, floor: 50, counts: [split]}]
            backstop: b
        """
      Then the static check warns guarantee_unfundable at clauses[1].guarantees[0]
      And a gets 40.00 as backstop in 2020

    Scenario: a pool whose funding clause claims nothing in the guarantee's years
      Given the contract:
        """yaml
        start_year: 2020
        years: 4
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams: [{id: t, kind: tax, series: [100, 100, 100, 100]}]
        clauses:
          - {id: early, kind: tax_split, basis: total, streams: [t], schedule: [{years: "1-2", shares: {a: 0.1, b: 0.9}}]}
          - {id: late, kind: tax_split, basis: total, streams: [t], schedule: [{years: "3-4", shares: {a: 0.1, b: 0.9}}]}
          - id: pool
            kind: risk_pool
            funded_by: [{clause: late, rate: 0.5}]
            guarantees: [{party: a, floor: 50, counts: [early], years: "1-2"}]
        """
      Then the static check warns guarantee_unfundable at clauses[2].guarantees[0]

  Rule: an exit trigger should be able to fire

    Scenario: triggers that cannot fire
      Given the contract:
        """yaml
        start_year: 2020
        years: 4
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams: [{id: t, kind: tax, series: [100, 100, 100, 100]}]
        clauses:
          - {id: split, kind: tax_split, basis: total, streams: [t], schedule: [{years: "1-4", shares: {a: 0.5, b: 0.5}}]}
          - id: end
            kind: exit
            triggers:
              - {when: increment_below, clause: split, threshold: 0}
              - {when: cumulative_reached, party: a, clause: split, amount: 1000}
              - {when: increment_below, clause: split, threshold: 50, consecutive_years: 5}
        """
      Then the static check warns trigger_never_fires at clauses[1].triggers[0]
      And the static check warns trigger_never_fires at clauses[1].triggers[1]
      And the static check warns trigger_never_fires at clauses[1].triggers[2]
      And no exit is triggered

  Rule: every party should receive something, and an increment should be possible

    Scenario: a party that receives nothing in any year
      Given the contract:
        """yaml
        start_year: 2020
        years: 3
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams: [{id: t, kind: tax, series: [100, 100, 100]}]
        clauses:
          - {id: split, kind: tax_split, basis: total, streams: [t], schedule: [{years: "1-3", shares: {a: 0, b: 1}}]}
        """
      Then the static check warns party_receives_nothing at parties[0]
      And a receives 0.00 from split in total
      And b receives 300.00 from split in total
      And the static check gives no baseline_above_amount warning

    Scenario: a baseline above every year's amount
      Given the contract:
        """yaml
        start_year: 2020
        years: 3
        parties: [{id: a, role: sending}, {id: b, role: receiving}]
        streams: [{id: t, kind: tax, series: [100, 120, 150]}]
        clauses:
          - id: split
            kind: tax_split
            streams: [t]
            baseline: {amount: 150}
            schedule: [{years: "1-3", shares: {a: 0.5, b: 0.5}}]
        """
      Then the static check warns baseline_above_amount at clauses[0].baseline
      And the static check warns party_receives_nothing at parties[0]
      And b gets 370.00 as baseline in total
      And a receives 0.00 from split in total

  Rule: a contract without these is clean

    Scenario: no warning
      Given the preset bth-92hao
      Then the static check gives no warning
