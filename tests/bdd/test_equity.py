"""features/equity.feature: stakes in a joint development company (semantics §3.3)."""

from pytest_bdd import scenarios

scenarios("equity.feature")
