"""features/cost_share.feature: costs allocated by a schedule (semantics §3.4)."""

from pytest_bdd import scenarios

scenarios("cost_share.feature")
