"""features/risk_pool.feature: the risk compensation pool (semantics §3.4)."""

from pytest_bdd import scenarios

scenarios("risk_pool.feature")
