"""The one place where every run and every save is recorded.

``record`` is called by the views after each run (form or API) and each change to a saved
scenario. For now it writes to the app's own ``audit_events`` table; it is the single point
to wire to the project's hash-chained audit log (``sharing.audit.log``) when that lands.
"""

from __future__ import annotations

import json
from typing import Any

from . import storage


def record(action: str, contract_sha256: str | None, result_sha256: str | None,
           detail: dict[str, Any] | str = "") -> None:
    """Append one event: ``action`` is run, api_run, save, update, rename, duplicate, delete."""
    text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False,
                                                             sort_keys=True)
    storage.append_audit(storage.db(), action, contract_sha256, result_sha256, text)
