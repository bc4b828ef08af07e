"""The terms that differ between two contracts, named as a person reads them (issue 17 point 7).

Both documents (as saved: the form's exact texts) are walked down to their leaves, a path per
leaf as sharing.field_names reads it (``clauses[1].schedule[0].shares.sh``); a leaf whose value
differs, or that one of the two has and the other not, is a differing term:
条款 2「增量分成」· 时段 1 · 上海市 的分成比例 0.4 → 0.5. Numbers are compared as exact fractions
(``0.4`` = ``0.40`` = ``2/5`` = ``40%``), never as floats; a list of numbers (``series``,
``ramp``) is one term. A value that is a party's or a stream's id is shown by its name, and
bilingual names ("上海市 / Shanghai") in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

NAMED = ("parties", "streams", "clauses")


@dataclass(frozen=True)
class TermChange:
    """One differing term: its path, its name, and each side's value shown (None: absent)."""

    path: str
    label: str
    a: str | None
    b: str | None

    def text(self, absent: str = "—") -> str:
        return f"{self.label} {self.a if self.a is not None else absent} → " \
               f"{self.b if self.b is not None else absent}"


def _leaves(node: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _leaves(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(node, list) and any(isinstance(x, (dict, list)) for x in node):
        for i, v in enumerate(node):
            _leaves(v, f"{path}[{i}]", out)
    else:
        out[path] = node


def _exact(value: Any) -> Any:
    """A value as compared: numbers (and number texts) as exact fractions."""
    if isinstance(value, list):
        return tuple(_exact(v) for v in value) or None
    if isinstance(value, bool) or value is None or value == "":
        return value
    text = str(value).strip().replace(",", "")
    try:
        if text.endswith("%"):
            return Fraction(text[:-1].strip()) / 100
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return str(value).strip()


def localised(doc: dict[str, Any], local: Any) -> dict[str, Any]:
    """``doc`` with its parties', streams' and clauses' names in the reader's language."""
    out = dict(doc)
    if isinstance(doc.get("name"), str):
        out["name"] = local(doc["name"])
    for key in NAMED:
        items = doc.get(key)
        if isinstance(items, list):
            out[key] = [dict(x, name=local(x["name"])) if isinstance(x, dict) and x.get("name")
                        else x for x in items]
    return out


def _names(*docs: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for doc in docs:
        for key in ("parties", "streams"):
            for x in doc.get(key) or []:
                if isinstance(x, dict) and x.get("id"):
                    names.setdefault(str(x["id"]), str(x.get("name") or x["id"]))
    return names


def _shown(value: Any, names: dict[str, str], words: dict[Any, str]) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return words.get(value, str(value))
    if value == "" or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(_shown(v, names, words) or "—" for v in value)
    text = str(value)
    return names.get(text, text)


def differing_terms(a: dict[str, Any], b: dict[str, Any], lang: str,
                    local: Any = lambda s: s,
                    words: dict[Any, str] | None = None) -> list[TermChange]:
    """The terms of ``a`` and ``b`` that differ, in document order (B's, then A's only)."""
    from sharing.field_names import field_name

    la, lb = localised(a, local), localised(b, local)
    leaves_a: dict[str, Any] = {}
    leaves_b: dict[str, Any] = {}
    _leaves(la, "", leaves_a)
    _leaves(lb, "", leaves_b)
    names = _names(lb, la)
    order = list(leaves_b) + [p for p in leaves_a if p not in leaves_b]
    out = []
    for path in order:
        va, vb = leaves_a.get(path), leaves_b.get(path)
        if _exact(va) == _exact(vb):
            continue
        label = field_name(path, lb if path in leaves_b else la, lang)
        out.append(TermChange(path, label, _shown(va, names, words or {}),
                              _shown(vb, names, words or {})))
    return out
