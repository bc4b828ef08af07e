"""One entry for every format of the settlement statement (semantics §6.4), for the CLI and
the web app alike: ``render_statement(document, fmt, lang) -> bytes``.

``document`` is what :func:`sharing.operating.pipeline.statement` returns (the JSON that
``sharing settle --format json`` prints). Text formats come back UTF-8 encoded.
"""

from __future__ import annotations

import json
from typing import Any

FORMATS = ("table", "csv", "json", "xlsx", "pdf")
BINARY = ("xlsx", "pdf")
MEDIA_TYPES = {"table": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8",
               "json": "application/json",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "pdf": "application/pdf"}


def render_statement(document: dict[str, Any], fmt: str, lang: str = "zh") -> bytes:
    """The statement in ``fmt`` (table, csv, json, xlsx or pdf) and ``lang`` (zh or en)."""
    if fmt == "json":
        return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "csv":
        from .cli import render_csv

        return render_csv(document, lang).encode("utf-8")
    if fmt == "table":
        from .cli import render_table

        return render_table(document, lang).encode("utf-8")
    if fmt == "xlsx":
        from .statement_xlsx import statement_xlsx

        return statement_xlsx(document, lang)
    if fmt == "pdf":
        from .statement_pdf import statement_pdf

        return statement_pdf(document, lang)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
