"""features/validation.feature: invalid contracts refused with path and rule (semantics §3.7)."""

from pytest_bdd import scenarios

scenarios("validation.feature")
