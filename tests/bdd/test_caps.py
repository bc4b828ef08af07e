"""features/caps.feature: per-year, cumulative and pre-relocation caps (semantics §3.1, §3.2)."""

from pytest_bdd import scenarios

scenarios("caps.feature")
