"""features/indicator_split.feature: GDP and statistics (semantics §3.5)."""

from pytest_bdd import scenarios

scenarios("indicator_split.feature")
