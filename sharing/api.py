"""The engine's public entry points, used by the CLI and the web app alike.

    doc = load_document(data, "contract.yaml")   # bytes or str -> dict, safely
    contract = parse_contract(doc)               # -> schemas.contract.Contract
    result = run_contract(contract)              # -> the §4 result document (dict)

Each raises :class:`InvalidContract` (``.issues``: path, message, template, params) for a
contract that must be refused, and :class:`ConservationError` if an identity of §1 fails
(an internal error: no result is returned).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from schemas.contract import Contract
from schemas.errors import InvalidContract, Issue

from .engine import Run, evaluate
from .ledger import ConservationError
from .loader import parse_text as _parse_text
from .loader import read_bytes, read_file
from .result import contract_sha256, to_json
from .validate import parse_contract, project_all

__all__ = ["ConservationError", "Contract", "InvalidContract", "Issue", "evaluate_contract",
           "load_document", "load_file", "parse_contract", "run_contract", "run_file",
           "contract_sha256"]


def load_document(data: bytes | str, filename: str = "contract.yaml") -> dict[str, Any]:
    """Parse YAML or JSON text (by the file name's extension) into a document dict."""
    if isinstance(data, str):
        return _parse_text(data, filename)
    return read_bytes(data, filename)


def load_file(path: str) -> Contract:
    return parse_contract(read_file(path))


def shareable_arrays(contract: Contract, scenarios: int = 1) -> dict[str, np.ndarray]:
    """Every stream's shareable fen as int64 (S, Y): the engine's input layout."""
    return {sid: np.tile(np.asarray(p.shareable, dtype=np.int64), (scenarios, 1))
            for sid, p in project_all(contract).items()}


def evaluate_contract(contract: Contract) -> Run:
    return evaluate(contract, shareable_arrays(contract))


def run_contract(contract: Contract) -> dict[str, Any]:
    """The §4 result document of a valid contract."""
    return to_json(evaluate_contract(contract))


def run_file(path: str) -> dict[str, Any]:
    return run_contract(load_file(path))
