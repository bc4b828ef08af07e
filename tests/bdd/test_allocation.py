"""features/allocation.feature: largest remainder and rounding half up (semantics §1)."""

from pytest_bdd import scenarios

scenarios("allocation.feature")
