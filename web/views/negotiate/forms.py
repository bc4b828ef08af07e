"""The negotiation pages' form: what was typed, its field checks, and the page around it.

A :class:`Form` keeps everything the user typed whatever happens, the errors that stand next
to a field and the problems shown at the top of the page. The checks here read numbers and
parameter paths without evaluating anything typed; :func:`render_page` draws a page with the
choices, paths, parties and event names every negotiation template uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _

from ...i18n import issue_dicts, translate_issue
from .contract import (
    CONTRACT_FIELDS,
    contract_choices,
    default_source,
    parameter_paths,
    read_document,
)

SHORT_LIMIT = 1000  # characters kept of a one-line field
_SPLIT = re.compile(r"[\s,，;；、]+")


class Form:
    """What the user typed (kept whatever happens), field errors and top-of-page problems."""

    def __init__(self, names: Iterable[str], defaults: dict[str, str] | None = None) -> None:
        self.values: dict[str, str] = {n: "" for n in names}
        self.values.update(defaults or {})
        self.errors: dict[str, list[str]] = {}
        self.problems: list[dict[str, str]] = []  # {"path", "message"}
        self.status = 200

    def read(self, source: Any) -> None:
        """Take the form's fields from ``source`` (query or posted form); one-line fields
        are cut to :data:`SHORT_LIMIT` characters."""
        for name in self.values:
            v = source.get(name)
            if v is not None:
                self.values[name] = v if name.endswith("_text") else v[:SHORT_LIMIT]

    def get(self, name: str) -> str:
        """The field's text, stripped ("" when absent)."""
        return self.values.get(name, "").strip()

    def error(self, field: str, message: str, status: int = 422) -> None:
        """An error next to ``field``; the page answers at least ``status``."""
        self.errors.setdefault(field, []).append(message)
        self.status = max(self.status, status)

    def problem(self, path: str, message: str, status: int = 422) -> None:
        """A problem at the top of the page, with its path in the contract."""
        self.problems.append({"path": path, "message": message})
        self.status = max(self.status, status)

    def issues(self, issues: list[Any], place: Callable[[str], str | None]) -> None:
        """Engine issues: each next to its field when ``place`` knows one, else at the top."""
        for d in issue_dicts(issues):
            field = place(d.get("path", ""))
            if field:
                self.error(field, d["message"])
            else:
                self.problem(d.get("path", ""), d["message"])

    @property
    def ok(self) -> bool:
        """No field error and no problem."""
        return not self.errors and not self.problems

    def small(self) -> dict[str, str]:
        """The short fields that are filled: the query of this page in another language."""
        return {k: v for k, v in self.values.items()
                if v and not k.endswith("_text") and len(v) <= 200}


def new_form(names: Iterable[str], defaults: dict[str, str]) -> Form:
    """A page's form with the contract fields first: read from the query on a GET (an
    ``example``/``scenario`` link chooses the contract), from the posted form otherwise."""
    form = Form(list(CONTRACT_FIELDS) + list(names),
                {"source": default_source(), **defaults})
    if request.method == "GET":
        form.read(request.args)
        if request.args.get("example") or request.args.get("scenario"):
            form.values["source"] = default_source()
    else:
        form.read(request.form)
    return form


def preview(form: Form) -> dict[str, Any] | None:
    """On a GET, the chosen contract (for its paths and parties), or None."""
    src = form.get("source")
    if not src or src == "text":
        return None
    scratch = Form(CONTRACT_FIELDS)
    doc, _name = read_document(scratch, src, "source")
    return doc


# ---- field checks ------------------------------------------------------------------------

def config_limit(name: str, default: int) -> int:
    """A limit of what one request may run: the app config's ``name``, else ``default``."""
    return int(current_app.config.get(name, default))


def number_error(text: str) -> str | None:
    """None when ``text`` is an exact number the contract reads, else why not (translated)."""
    from schemas.numbers import exact

    try:
        exact(text)
    except Exception as e:  # the schema's rule error: template and params
        template = getattr(e, "message_template", None)
        if template is None:
            return _("%(value)s is not a number", value=text)
        return translate_issue({"template": template, "params": getattr(e, "context", {}) or {},
                                "code": getattr(e, "type", "")})
    return None


def path_error(doc: dict[str, Any], text: str) -> str | None:
    """None when the path leads to a value of the contract (or a field that may be added)."""
    from sharing.scenarios.paths import PathError, parse_path, resolve

    try:
        resolve(doc, parse_path(text))
    except PathError as e:
        return _("This path does not lead to a value of the contract: %(reason)s", reason=str(e))
    return None


def split_values(text: str) -> list[str]:
    """The values of a list typed with spaces, commas or semicolons (ASCII or full-width)."""
    return [v for v in _SPLIT.split(text.strip()) if v]


# ---- the page ----------------------------------------------------------------------------

def render_page(template: str, form: Form, doc: dict[str, Any] | None = None,
                **ctx: Any) -> tuple[str, int]:
    """The page and its status: ``template`` with the form, the contract choices, the
    contract's parameter paths, party and event names, and this page's query for the
    language switch."""
    body = render_template(template, form=form, choices=contract_choices(),
                           paths=parameter_paths(doc), party_names=party_names(doc),
                           event_names=event_names(),
                           lang_base=url_for(request.endpoint, **form.small()), **ctx)
    return body, form.status


def party_names(doc: dict[str, Any] | None) -> dict[str, str]:
    """Party id → its name in the page's language (the id when it has none)."""
    from ...i18n import local_name

    parties = {}
    for p in (doc or {}).get("parties") or []:
        if isinstance(p, dict) and p.get("id") is not None:
            parties[str(p["id"])] = local_name(p.get("name")) or str(p["id"])
    return parties


def event_names() -> dict[str, str]:
    """The contract's events in the page's language."""
    return {"cap_reached": _("cap reached"), "guarantee_called": _("guarantee called"),
            "pool_exhausted": _("pool ran dry"), "exit_triggered": _("exit triggered")}
