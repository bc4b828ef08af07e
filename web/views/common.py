"""Helpers shared by the blueprints: reading the posted contract, rendering the form."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from .. import formspec
from ..contracts import InvalidContract, document_from_json, document_from_upload, form_document
from ..i18n import issue_dicts


class FormInput:
    """The contract a form posted: from the JS form (``document``, JSON) or from the
    no-script editor (``yaml_text``). Keeps the raw text so nothing typed is lost."""

    def __init__(self) -> None:
        self.doc: dict[str, Any] | None = None
        self.issues: list[dict[str, str]] = []
        self.yaml_text: str | None = request.form.get("yaml_text")
        raw = request.form.get("document")
        self.raw: str | None = raw or self.yaml_text
        try:
            if self.yaml_text is not None and not raw:
                self.doc = document_from_upload(self.yaml_text.encode("utf-8"), "form.yaml")
            else:
                self.doc = document_from_json(raw or "")
        except InvalidContract as e:
            self.issues = issue_dicts(e.issues)
        if self.doc is not None:  # 1000万 shown back as the amount it is read as
            self.doc = canonical(self.doc)


def canonical(doc: dict[str, Any]) -> dict[str, Any]:
    """A document with full-width numbers folded and amounts typed with a unit word
    (1000万, 0.35亿) written in the contract's unit (sharing.canonical)."""
    from sharing.canonical import canonical_document
    from sharing.validate import ascii_numbers, unit_fen

    folded = ascii_numbers(doc)
    return canonical_document(folded, unit_fen(folded))


def render_form(doc: dict[str, Any] | None, issues: list[dict[str, str]] | None = None, *,
                status: int = 200, source: str = "", scenario: Any = None,
                yaml_text: str | None = None):
    if yaml_text is None:  # the no-script editor shows the same contract as YAML
        from ..contracts import yaml_text as to_yaml

        yaml_text = to_yaml(form_document(doc or {})) if doc else ""
    body = render_template(
        "form.html", document=form_document(doc or {}), issues=issues or [],
        spec=formspec.build(), source=source, scenario=scenario, yaml_text=yaml_text,
        lang_base=url_for("main.form", scenario=scenario.id if scenario else None))
    return body, status
