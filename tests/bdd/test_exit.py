"""features/exit.feature: term, triggers and settlement (semantics §3.6)."""

from pytest_bdd import scenarios

scenarios("exit.feature")
