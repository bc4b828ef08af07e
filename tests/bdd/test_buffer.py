"""features/buffer.feature: buffer years after relocation (semantics §3.2)."""

from pytest_bdd import scenarios

scenarios("buffer.feature")
