"""The one place where every run and every save is recorded.

``record`` is called by the views after each run (form or API) and each change to a saved
scenario. It appends a row to the project's hash-chained audit log (``sharing.audit.log``,
table ``audit_log``) in the app's own database; ``sharing audit-log verify`` checks it. Given
the connection of the transaction that saves a scenario, the row is written in that same
transaction: the save and its log row are kept or lost together.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from sharing.audit import log

from . import storage


def record(action: str, contract_sha256: str | None, result_sha256: str | None,
           detail: dict[str, Any] | str = "", conn: Connection | None = None) -> None:
    """Append one row: ``action`` is run, api_run, save, update, rename, duplicate, delete,
    or audit (a feature file run against a saved scenario)."""
    log.append(conn if conn is not None else storage.db(), action, contract_sha256,
               result_sha256, detail)
