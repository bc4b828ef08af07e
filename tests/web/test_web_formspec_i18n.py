"""The form can enter every field of every clause kind; the catalog is complete; form and
file are interchangeable with no loss."""

from __future__ import annotations

import json
from typing import get_args

import pytest
from pydantic import BaseModel
from webhelpers import BIG, CONFORMANCE, EXAMPLES, form_doc

SPECIAL = {"shares", "weights", "floor", "cumulative"}  # widgets owning their small structure


def _models(annotation) -> list[type[BaseModel]]:
    out, stack = [], [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            out.append(a)
            continue
        stack.extend(get_args(a))
    return out


def _check(model, fields, where, spec, seen, found, key=None):
    key = (model, key if key is not None else id(fields))
    if key in seen:
        return
    seen.add(key)
    keys = {f["k"]: f for f in fields}
    for name, info in model.model_fields.items():
        assert name in keys, f"the form has no input for {where}.{name}"
        found.add(f"{where}.{name}")
        f = keys[name]
        if f["t"] in SPECIAL:
            continue
        subs = _models(info.annotation)
        if not subs:
            continue
        if f["t"] == "object":
            _check(subs[0], f["fields"], f"{where}.{name}", spec, seen, found)
        elif f["t"] == "price":
            _union(subs, spec["price"], f"{where}.{name}", spec, seen, found)
        elif f["t"] == "list":
            item = f["item"]
            if item.get("ref_spec") == "price":
                item = {"union": spec["price"]}
            if "union" in item:
                _union(subs, item["union"], f"{where}.{name}[]", spec, seen, found)
            else:
                _check(subs[0], item["fields"], f"{where}.{name}[]", spec, seen, found)
        else:
            raise AssertionError(f"{where}.{name}: widget {f['t']} cannot hold {subs}")


def _union(models, union, where, spec, seen, found):
    disc = union["disc"]
    for m in models:
        tag = get_args(m.model_fields[disc].annotation)[0]
        assert tag in union["variants"], f"{where}: no form for {disc} {tag}"
        variant = union["variants"][tag]
        _check(m, variant + [{"k": disc, "t": "select"}], f"{where}<{tag}>", spec, seen,
               found, key=id(variant))


def test_every_schema_field_of_every_clause_kind_has_an_input(app):
    from schemas.contract import CLAUSE_KINDS, Contract
    from web import formspec

    with app.test_request_context("/"):
        spec = formspec.build()
    found: set[str] = set()
    _check(Contract, spec["contract"], "contract", spec, set(), found)
    for kind in CLAUSE_KINDS:
        assert any(f"<{kind}>" in f for f in found), kind
    assert len(found) > 120


def test_web_messages_are_all_translated():
    from babel.messages.pofile import read_po

    from web.i18n_tools import PO, web_messages

    with PO.open("rb") as f:
        po = read_po(f)
    missing = []
    for msg, where in web_messages():
        key = msg if isinstance(msg, str) else msg[0]
        m = po.get(key if isinstance(msg, str) else msg)
        if m is None or not m.string or (isinstance(m.string, tuple) and not all(m.string)):
            missing.append((key, where))
    assert not missing, f"untranslated (run python -m web.i18n_tools): {missing}"


def test_engine_error_templates_are_mostly_translated():
    """New engine rules may land before their translation (they show in English until
    `python -m web.i18n_tools` is run and the .po filled); most must be translated."""
    from babel.messages.pofile import read_po

    from web.i18n_tools import PO, engine_templates

    with PO.open("rb") as f:
        po = read_po(f)
    templates = {t for t, _ in engine_templates()}
    done = {t for t in templates if po.get(t) is not None and po.get(t).string}
    assert len(done) >= 0.85 * len(templates), sorted(templates - done)[:20]


def test_compiled_catalog_matches_the_po():
    """The .mo the app loads holds the .po's translations, message by message (its bytes differ
    between Babel versions, so they are not compared)."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    from web.i18n_tools import MO, PO

    def messages(catalog) -> dict:
        def key(x):
            return x if isinstance(x, str) else tuple(x)

        return {key(m.id): key(m.string) for m in catalog
                if m.id and m.string and "fuzzy" not in m.flags}

    with PO.open("rb") as f:
        po = messages(read_po(f, locale="zh_CN"))
    with MO.open("rb") as f:
        mo = messages(read_mo(f))
    assert mo == po, "run python -m web.i18n_tools to recompile"


def _all_contracts():
    files = sorted(EXAMPLES.glob("*.yaml")) + [BIG]
    if CONFORMANCE.is_dir():
        files += sorted(CONFORMANCE.glob("*.yaml"))
    return files


@pytest.mark.parametrize("path", _all_contracts(), ids=lambda p: p.stem)
def test_form_and_file_are_interchangeable(path):
    """file -> form document -> JSON the form posts -> YAML download -> same contract."""
    from sharing.api import contract_sha256, load_document, parse_contract
    from web.contracts import yaml_text

    doc = form_doc(path)
    posted = json.dumps(doc, ensure_ascii=False)
    again = load_document(yaml_text(posted), "download.yaml")
    original = load_document(path.read_bytes(), path.name)
    assert contract_sha256(parse_contract(again)) == contract_sha256(parse_contract(original))
    assert form_doc_from(again) == doc


def form_doc_from(doc):
    from web.contracts import form_document

    return form_document(doc)


def test_exact_numbers_survive_the_yaml_download():
    from sharing.api import load_document
    from web.contracts import yaml_text

    posted = ('{"a": 0.1, "b": 1234567.89, "c": 0.12345678901234567891, "d": "1/3", '
              '"e": "35%", "f": 30, "g": "0.35", "h": 1e5}')
    back = load_document(yaml_text(posted), "x.yaml")
    from fractions import Fraction

    from schemas.numbers import exact

    assert exact(back["a"]) == Fraction("0.1")
    assert exact(back["b"]) == Fraction("1234567.89")
    assert exact(back["c"]) == Fraction("0.12345678901234567891")
    assert back["d"] == "1/3" and back["e"] == "35%" and back["f"] == 30
    assert back["g"] == "0.35"  # a string stays a string
    assert exact(back["h"]) == 100000
