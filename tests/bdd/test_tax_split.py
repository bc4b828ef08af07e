"""features/tax_split.feature: the incremental-revenue split (semantics §3.1)."""

from pytest_bdd import scenarios

scenarios("tax_split.feature")
