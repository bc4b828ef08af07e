"""Auditor tools: presets, the Gherkin audit runner, the static check, verify, the audit log.

Entry points for the web app and scripts (each imports its heavy parts when called):

    list_presets()                      -> [PresetInfo(name, title_zh, title_en, path, ...)]
    run_audit(contract, feature_texts)  -> AuditReport (scenarios passed/failed, actual vs expected)
    check_contract(contract)            -> [Warning(kind, path, message)]
    verify_result(result_doc, contract) -> VerifyOutcome (identical, or the first difference)
    log.append(engine, action, contract_sha256, result_sha256, detail); log.verify(engine)

``sharing.report.render_pdf(contract, result, lang)`` renders the PDF report.
"""

from __future__ import annotations

from typing import Any

__all__ = ["check_contract", "list_presets", "run_audit", "verify_result"]


def list_presets() -> list[Any]:
    from .presets import list_presets as _list

    return _list()


def run_audit(contract: Any, feature_texts: Any, **kwargs: Any) -> Any:
    from .runner import run_audit as _run

    return _run(contract, feature_texts, **kwargs)


def check_contract(contract: Any, result: Any = None) -> list[Any]:
    from .check import check_contract as _check

    return _check(contract, result)


def verify_result(result_doc: Any, contract: Any) -> Any:
    from .verify import verify_result as _verify

    return _verify(result_doc, contract)
