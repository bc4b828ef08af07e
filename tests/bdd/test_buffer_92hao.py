"""features/buffer_92hao.feature (中文): 92号文式缓冲期分享 (semantics §3.2)."""

from pytest_bdd import scenarios

scenarios("buffer_92hao.feature")
