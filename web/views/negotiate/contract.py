"""The contract a negotiation page works on: a saved scenario, a bundled example, or a
contract pasted or uploaded as YAML/JSON; its parameter paths and its parties.

A contract that cannot be read gets its errors next to the field it came from; a contract
the schema refuses gets its issues at the top of the page, with their paths.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from flask import request
from flask_babel import gettext as _

from ... import auth, contracts, storage
from ...contracts import InvalidContract
from ...i18n import issue_dicts

if TYPE_CHECKING:
    from .forms import Form

CONTRACT_FIELDS = ("source", "contract_text")
ID = re.compile(r"^[^\W\d][\w\-]{0,63}$")  # an id of the contract (party, stream, clause)


def contract_choices() -> dict[str, list[tuple[str, str]]]:
    """The contracts to choose from: ``example:SLUG`` and ``scenario:ID`` with their names."""
    return {"examples": [(f"example:{e.slug}", e.name) for e in contracts.examples()],
            "scenarios": [(f"scenario:{sc.id}", f"{sc.name} (#{sc.id})")
                          for sc in storage.list_scenarios(storage.db(), auth.reader_filter())]}


def default_source() -> str:
    """The source a page opens with: the query's example, scenario or source, else the
    first example (pasted text when there is none)."""
    if name := request.args.get("example"):
        return f"example:{name}"
    if sid := request.args.get("scenario"):
        return f"scenario:{sid}"
    if src := request.args.get("source"):
        return src
    ex = contracts.examples()
    return f"example:{ex[0].slug}" if ex else "text"


def read_document(form: Form, source: str, field: str,
                  text_field: str = "contract_text") -> tuple[dict[str, Any] | None, str]:
    """The contract document of one source (``example:SLUG``, ``scenario:ID``, ``text``) and
    its name; field errors on ``field`` when it cannot be read."""
    if source.startswith("example:"):
        ex = contracts.example(source.split(":", 1)[1])
        if ex is None:
            form.error(field, _("There is no example called %(name)s.",
                                name=source.split(":", 1)[1]))
            return None, ""
        try:
            return contracts.document_from_upload(ex.path.read_bytes(), ex.path.name), ex.name
        except InvalidContract as e:
            form.issues(e.issues, lambda p: None)
            return None, ex.name
    if source.startswith("scenario:"):
        sid = source.split(":", 1)[1]
        sc = storage.get_scenario(storage.db(), int(sid)) if sid.isdigit() else None
        if sc is None or not auth.can_read(sc):  # another user's: as if there were none
            form.error(field, _("There is no saved scenario %(id)s.", id=sid))
            return None, ""
        return sc.document, sc.name
    if source not in ("", "text"):
        form.error(field, _("Choose a contract."))
        return None, ""
    text = form.values.get(text_field, "")
    if not text.strip():
        form.error(text_field, _("Paste a contract (YAML or JSON) here, upload a file, or "
                                 "choose a saved scenario or an example."))
        return None, ""
    try:
        doc = contracts.document_from_upload(text.encode("utf-8"), "contract.yaml")
    except InvalidContract as e:
        for d in issue_dicts(e.issues):
            form.error(text_field, d["message"])
        return None, ""
    if not isinstance(doc, dict):
        form.error(text_field, _("A contract file is a map of fields (name, parties, "
                                 "streams, clauses…)."))
        return None, ""
    return doc, str(doc.get("name") or _("Pasted contract"))


def read_contract(form: Form) -> tuple[dict[str, Any] | None, str]:
    """The page's contract: an uploaded file (its text is kept in the text area), else the
    chosen source; validated, with the contract's own issues at the top when refused."""
    f = request.files.get("contract_file")
    if f is not None and f.filename:
        data = f.read()
        try:
            form.values["contract_text"] = data.decode("utf-8-sig")
            form.values["source"] = "text"
        except UnicodeDecodeError:
            form.error("contract_text", _("The file is not UTF-8 text."))
            return None, ""
    doc, name = read_document(form, form.get("source") or "text", "source")
    if doc is None:
        return None, name
    try:
        contracts.validate_document(doc)
    except InvalidContract as e:
        form.problem("", _("The contract is refused; open it in the contract form to fix it."))
        form.issues(e.issues, lambda p: None)
        return None, name
    return doc, name


def advanced_scenario(form: Form, doc: dict[str, Any]) -> dict[str, Any] | None:
    """The scenario file typed in the advanced text area (its contract is the chosen one
    unless it carries its own inline)."""
    from sharing.api import load_document

    try:
        spec = load_document(form.values["scenario_text"].encode("utf-8"), "scenario.yaml")
    except InvalidContract as e:
        for d in issue_dicts(e.issues):
            form.error("scenario_text", d["message"])
        return None
    if not isinstance(spec, dict):
        form.error("scenario_text", _("A scenario file is a map: vary: […], draws: {…}."))
        return None
    if not isinstance(spec.get("contract"), dict):
        spec["contract"] = doc
    return spec


def parameter_paths(doc: dict[str, Any] | None, limit: int = 400) -> list[str]:
    """Paths of the contract's numbers (what can be swept, drawn or solved for), with the
    growth of streams that leave it at its default."""
    if not doc:
        return []
    from schemas.numbers import exact
    from sharing.scenarios.paths import ID_LISTS

    out: list[str] = []

    def number(v: Any) -> bool:
        if isinstance(v, bool):
            return False
        if isinstance(v, (int, float, Decimal, Fraction)):
            return True
        if isinstance(v, str) and len(v) < 40 and re.search(r"\d", v) and "-" not in v[1:]:
            try:
                exact(v)
                return True
            except Exception:
                return False
        return False

    def walk(node: Any, path: str, depth: int) -> None:
        if len(out) >= limit or depth > 12:
            return
        if isinstance(node, dict):
            for k, v in node.items():
                if depth == 0 and k in ("start_year", "years"):
                    continue
                walk(v, f"{path}.{k}" if path else str(k), depth + 1)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if depth == 1 and path in ID_LISTS and isinstance(item, dict) and \
                        isinstance(item.get("id"), str) and ID.match(item["id"]):
                    walk(item, f"{path}.{item['id']}", depth + 1)
                else:
                    walk(item, f"{path}[{i}]", depth + 1)
        elif number(node):
            out.append(path)

    walk(doc, "", 0)
    for s in doc.get("streams") or []:
        if isinstance(s, dict) and "growth" not in s and isinstance(s.get("id"), str) \
                and ID.match(s["id"]) and "series" not in s:
            out.append(f"streams.{s['id']}.growth")
    return out[:limit]


def party_ids(doc: dict[str, Any] | None) -> list[str]:
    """The ids of the contract's parties, in order."""
    return [str(p.get("id")) for p in (doc or {}).get("parties") or [] if isinstance(p, dict)]
