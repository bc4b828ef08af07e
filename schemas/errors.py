"""Contract errors that name the field path, the value and the rule (semantics §3.7).

Every refusal of a contract, whether from the pydantic models, the cross-clause checks or the
file loader, becomes an :class:`Issue`. The message is built from a template and its
parameters, so the web app can translate the template and keep the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticCustomError

#: Templates of our own error codes, so an error can be re-rendered in another language.
TEMPLATES: dict[str, str] = {}


def rule(code: str, template: str, **params: Any) -> PydanticCustomError:
    """A pydantic error carrying one of our rules; raise it inside a validator."""
    TEMPLATES.setdefault(code, template)
    return PydanticCustomError(code, template, {k: _show(v) for k, v in params.items()})


def _show(value: Any, limit: int = 80) -> str:
    """A value as the user typed it, shortened for a one-line message."""
    from fractions import Fraction

    if isinstance(value, Fraction):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Issue:
    """One thing wrong with a contract, at one place."""

    path: str  # "clauses[1].schedule[0].shares", "(file)" for the file as a whole
    template: str  # English, with {placeholders}
    params: dict[str, str] = field(default_factory=dict)
    code: str = "invalid"

    @property
    def message(self) -> str:
        try:
            return self.template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.template

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "message": self.message, "code": self.code,
                "template": self.template, "params": dict(self.params)}


def issue(path: str, code: str, template: str, _width: int = 80, **params: Any) -> Issue:
    TEMPLATES.setdefault(code, template)
    return Issue(path, template, {k: _show(v, _width) for k, v in params.items()}, code)


class InvalidContract(Exception):
    """The contract is refused before anything is computed (semantics §3.7)."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues[:5]))


def format_path(loc: tuple[Any, ...], tags: frozenset[str]) -> str:
    """pydantic's loc ('clauses', 1, 'tax_split', 'schedule', 0) -> 'clauses[1].schedule[0]'.

    The tag a discriminated union adds (the clause kind, the trigger's ``when``) is dropped, so
    the path is the one the user sees in the file.
    """
    out = ""
    prev: Any = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part in tags and (
            isinstance(prev, int) or prev in UNION_FIELDS
        ):
            pass
        elif isinstance(part, str) and (part.startswith("function-") or part.startswith("dict[")
                                        or part in ("str", "int")):
            pass
        else:
            out += ("." if out else "") + str(part)
        prev = part
    return out or "(contract)"


UNION_FIELDS = {"price", "price_at_term_end", "floor", "penalty", "shares"}


def from_pydantic(errors: list[dict[str, Any]], tags: frozenset[str]) -> list[Issue]:
    """Turn pydantic's errors into Issues with our paths, values and rules."""
    out: list[Issue] = []
    for e in errors:
        path = format_path(tuple(e.get("loc", ())), tags)
        code = e.get("type", "invalid")
        ctx = {k: _show(v) for k, v in (e.get("ctx") or {}).items()}
        if code in TEMPLATES:
            out.append(Issue(path, TEMPLATES[code], ctx, code))
            continue
        value = e.get("input")
        msg = e.get("msg", "invalid value")
        if code == "extra_forbidden":
            out.append(Issue(path, "unknown field (a typo?); this place takes no field of "
                               "that name", {}, code))
        elif code == "missing":
            out.append(Issue(path, "this field is required", {}, code))
        elif code == "union_tag_not_found":
            field = ctx.get("discriminator", "'kind'").strip("'")
            out.append(Issue(f"{path}.{field}", "this field is required (it says which kind of "
                             "item this is)", {}, code))
        elif code == "union_tag_invalid":
            field = ctx.get("discriminator", "'kind'").strip("'")
            out.append(Issue(f"{path}.{field}", "{tag} is not a known {field}; expected one of "
                             "{expected}", {"tag": _show(ctx.get("tag", value)), "field": field,
                                            "expected": ctx.get("expected_tags", "")}, code))
        else:
            out.append(Issue(path, "{msg} (got {value})", {"msg": msg, "value": _show(value)},
                             code))
    return out
