"""Between the web pages and the engine: documents in, validated contracts and results out.

Thin wrappers around :mod:`sharing.api` plus what only the web needs: documents that survive
a round trip through the form's JSON and a YAML file with no loss, bundled examples, and a
small cache so that the same contract posted twice is computed once.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml
from flask import current_app

from sharing import __version__ as ENGINE_VERSION
from sharing.api import (
    InvalidContract,
    Issue,
    contract_sha256,
    load_document,
    parse_contract,
    run_contract,
)
from sharing.loader import MAX_NUMBER_TEXT

from . import storage

__all__ = ["ENGINE_VERSION", "InvalidContract", "Issue", "Outcome", "document_from_json",
           "document_from_upload", "examples", "form_document", "run_document", "yaml_text"]


# ---- documents ---------------------------------------------------------------------------

def document_from_json(text: str) -> dict[str, Any]:
    """The form's JSON (numbers written exactly) as a contract document; safe and limited."""
    return load_document(text, "form.json")


def document_from_upload(data: bytes, filename: str) -> dict[str, Any]:
    """An uploaded .yaml/.yml/.json file as a document (JSON by extension, else YAML)."""
    name = filename or "contract.yaml"
    if not name.lower().endswith((".json", ".yaml", ".yml")):
        name += ".yaml"
    return load_document(data, name)


def _jsonable(value: Any) -> Any:
    """A loaded document as plain JSON types; floats as the text the user wrote."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def form_document(doc: dict[str, Any]) -> dict[str, Any]:
    """A document ready for the form: every value JSON-safe, every number exact text."""
    return _jsonable(doc)


class _Exact(str):
    """A number from the form's JSON, kept as the exact text that was sent."""

    exact_number = True


def _exact_int(text: str) -> int | _Exact:
    """An integer of the form's JSON; a very long one kept as its text (no int-str limit)."""
    return _Exact(text) if len(text) > MAX_NUMBER_TEXT else int(text)


def _exactify(value: Any) -> Any:
    """Numbers of a loaded document as _Exact text (for YAML), everything else as it is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return _Exact(str(value))
    if isinstance(value, float):
        return _Exact(repr(value))
    if isinstance(value, dict):
        return {k: _exactify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exactify(v) for v in value]
    return value


def _exact_representer(dumper: yaml.SafeDumper, data: _Exact) -> yaml.Node:
    text = str(data)
    try:  # the cheap tests first: Fraction(Decimal("1e999999999")) would never finish
        safe = len(text) <= MAX_NUMBER_TEXT and "e" not in text.lower() and \
            "inf" not in text.lower() and Fraction(repr(float(text))) == Fraction(Decimal(text))
    except (ValueError, OverflowError, ArithmeticError):
        safe = False
    if safe:  # YAML reads it back as a float whose shortest form is this very number
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)
    return dumper.represent_str(text)  # quoted: read back as the exact text


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Exact, _exact_representer)


def yaml_text(form_json: str | dict[str, Any], note: str = "") -> str:
    """A contract file in YAML with no loss: same fields, same exact numbers, same text.

    ``form_json`` is the JSON the form posts (numbers written as JSON numbers keep their
    exact digits) or an already loaded document.
    """
    if isinstance(form_json, str):
        doc = json.loads(form_json, parse_float=_Exact, parse_int=_exact_int)
    else:
        doc = _exactify(form_json)
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=None, width=100)
    head = f"# benefit-sharing contract (engine {ENGINE_VERSION})"
    if note:
        head += "\n# " + " ".join(note.split())
    return head + "\n" + body


# ---- examples ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Example:
    slug: str
    name: str
    path: Path


_examples_cache: dict[str, tuple[float, list[Example]]] = {}


def examples() -> list[Example]:
    """The bundled example contracts (SHARING_EXAMPLES_DIR), by file name."""
    folder = Path(current_app.config["EXAMPLES_DIR"])
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) + \
        sorted(folder.glob("*.json"))
    stamp = max((f.stat().st_mtime for f in files), default=0.0) + len(files)
    cached = _examples_cache.get(str(folder))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    out = []
    for f in files:
        try:
            doc = load_document(f.read_bytes(), f.name)
            name = str(doc.get("name") or f.stem)
        except (InvalidContract, OSError):
            name = f.stem
        out.append(Example(f.stem, name, f))
    _examples_cache[str(folder)] = (stamp, out)
    return out


def example(slug: str) -> Example | None:
    return next((e for e in examples() if e.slug == slug), None)


# ---- running -----------------------------------------------------------------------------

class _LRU:
    def __init__(self, size: int):
        self.size = size
        self.data: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key not in self.data:
                return None
            self.data.move_to_end(key)
            return self.data[key]

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


def _cache(name: str) -> _LRU:
    ext = current_app.extensions.setdefault("sharing_cache", {})
    if name not in ext:
        ext[name] = _LRU(current_app.config.get("RESULT_CACHE_SIZE", 256))
    return ext[name]


def document_key(doc: dict[str, Any], raw: str | None = None) -> str:
    """SHA-256 of the document exactly as posted (not the contract's canonical hash)."""
    if raw is None:
        from .jsonexact import dumps

        raw = dumps(doc)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass
class Outcome:
    contract_sha256: str
    result: dict[str, Any]
    computed: bool  # False when the result came from the cache or the runs table


def validate_document(doc: dict[str, Any]) -> Any:
    """The Contract, or raise InvalidContract."""
    return parse_contract(doc)


def run_document(doc: dict[str, Any], raw: str | None = None) -> Outcome:
    """Validate and run a document; identical documents are computed once per engine.

    Raises InvalidContract. The result is stored in the runs table (so a results page has a
    permanent address) and kept in memory. ``raw`` is the text the document was read from,
    when there is one: hashing it is cheaper than writing the document out again.
    """
    key = document_key(doc, raw)
    known = _cache("doc").get(key)
    if known is not None:
        result = result_for(known)
        if result is not None:
            return Outcome(known, result, False)
    contract = parse_contract(doc)
    sha = contract_sha256(contract)
    _cache("doc").put(key, sha)
    result = result_for(sha)
    if result is not None:
        return Outcome(sha, result, False)
    result = run_contract(contract)
    storage.store_run(storage.db(), sha, doc, result, ENGINE_VERSION)
    _cache("result").put(sha, (doc, result))
    return Outcome(sha, result, True)


def known(raw: str) -> str | None:
    """The contract hash of a posted text already validated and run, else None."""
    sha = _cache("doc").get(document_key({}, raw))
    if sha is not None and result_for(sha) is not None:
        return sha
    return None


def page_cache() -> _LRU:
    """Rendered results pages (immutable for a contract, engine, language and query)."""
    return _cache("page")


def stored(sha: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(document, result) of a run by contract hash, from memory or the runs table.

    A run stored by an older engine is computed again with this one.
    """
    hit = _cache("result").get(sha)
    if hit is not None:
        return hit
    run = storage.get_run(storage.db(), sha)
    if run is None:
        return None
    if run.engine_version != ENGINE_VERSION:
        try:
            result = run_contract(parse_contract(run.document))
        except InvalidContract:
            return None
        storage.store_run(storage.db(), sha, run.document, result, ENGINE_VERSION)
        pair = (run.document, result)
    else:
        pair = (run.document, run.result)
    _cache("result").put(sha, pair)
    return pair


def check_cache() -> _LRU:
    """Static-check warnings by contract hash (a contract's warnings never change)."""
    return _cache("check")


def result_for(sha: str) -> dict[str, Any] | None:
    pair = stored(sha)
    return pair[1] if pair is not None else None
