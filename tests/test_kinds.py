"""The clause-kind registry (sharing.kinds): every kind of the schema names each handler,
and each handler exists where the registry says (issue 15)."""

from __future__ import annotations

import inspect

import pytest

from schemas.contract import CLAUSE_KINDS, CLAUSE_MODELS, UNION_TAGS
from sharing import kinds
from sharing.audit.terms import Words
from sharing.explain import TEMPLATES
from sharing.scenarios import symbolic


def test_the_registry_matches_the_schema():
    assert tuple(kinds.KINDS) == CLAUSE_KINDS
    assert [k.model for k in kinds.KINDS.values()] == list(CLAUSE_MODELS)
    assert set(CLAUSE_KINDS) <= UNION_TAGS


@pytest.mark.parametrize("kind", CLAUSE_KINDS)
def test_every_kind_has_every_handler(kind):
    ck = kinds.KINDS[kind]
    assert ck.model.model_fields["kind"].annotation.__args__ == (kind,)
    assert inspect.isclass(ck.engine)
    assert any(key.startswith(ck.explain_prefix) for key in TEMPLATES)
    assert callable(getattr(Words, ck.terms))
    source = inspect.getsource(symbolic)
    assert ck.symbolic in source or ck.symbolic == kinds.NOT_MONEY
    assert ck.audit_steps


def test_a_kind_missing_from_the_registry_is_an_error(monkeypatch):
    monkeypatch.delitem(kinds.KINDS, "cost_share")
    with pytest.raises(RuntimeError, match="missing \\['cost_share'\\]"):
        kinds.check_registry()


def test_the_terms_refuse_a_kind_they_do_not_know():
    from sharing.api import load_file

    contract = load_file("examples/incremental-step-split.yaml")

    class Unknown:
        kind = "made_up"

    with pytest.raises(TypeError, match="made_up"):
        Words(contract).clause_lines(Unknown())
