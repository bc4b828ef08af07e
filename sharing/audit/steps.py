"""The steps of an audit scenario, run in process: Given/When set up the contract, each Then
is one check of :mod:`sharing.audit.vocab` (no pytest at run time; :mod:`.runner` calls this).

A scenario's context is the contract under audit unless a Given step names another (a preset,
a file, or one written inline); each contract is loaded once per audit run and remembered
with where it came from, so the report can name, per scenario, what it ran against.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import vocab
from .vocab import AuditError, Outcome, Subject


@dataclass
class Source:
    """Where a scenario's contract came from: ``kind`` is argument, preset, file or inline."""

    kind: str
    name: str  # the file's path, the preset's name, "inline"
    subject: Subject
    text_sha256: str | None = None  # the SHA-256 of the file's (or docstring's) bytes


@dataclass
class Context:
    """What one scenario audits."""

    default: Source | None
    cwd: str | None = None
    cache: dict[str, Source] = field(default_factory=dict)
    source: Source | None = None

    def __post_init__(self) -> None:
        self.source = self.default

    def need(self) -> Subject:
        if self.source is None:
            raise AuditError("no contract: give one on the command line or with a Given step")
        return self.source.subject


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_subject(text: str, filename: str, origin: str) -> Subject:
    from schemas.errors import InvalidContract
    from sharing.api import load_document, parse_contract

    try:
        contract = parse_contract(load_document(text, filename))
    except InvalidContract as e:
        raise AuditError("the contract is invalid: " + "; ".join(str(i) for i in e.issues)) from None
    return Subject(contract, origin)


def _contract_under_audit(ctx: Context) -> None:
    ctx.need()


def _preset(ctx: Context, name: str) -> None:
    from .presets import preset_path

    name = vocab.unquote(name)
    key = f"preset:{name}"
    if key not in ctx.cache:
        try:
            path = preset_path(name)
        except (KeyError, ValueError, FileNotFoundError) as e:
            raise AuditError(f"no preset {name!r} ({e})") from None
        text = path.read_text(encoding="utf-8")
        ctx.cache[key] = Source("preset", name, load_subject(text, str(path), f"preset {name}"),
                                _sha(text))
    ctx.source = ctx.cache[key]


def _contract_file(ctx: Context, path: str) -> None:
    p = Path(vocab.unquote(path))
    base = ctx.cwd or os.environ.get("SHARING_AUDIT_CWD")
    if not p.is_absolute() and base:
        p = Path(base) / p
    if not p.exists():
        raise AuditError(f"no contract file {str(p)!r}")
    key = f"file:{p.resolve()}"
    if key not in ctx.cache:
        text = p.read_text(encoding="utf-8")
        ctx.cache[key] = Source("file", str(p), load_subject(text, str(p), str(p)), _sha(text))
    ctx.source = ctx.cache[key]


def _contract_doc(ctx: Context, docstring: str | None = None) -> None:
    if not docstring:
        raise AuditError('write the contract as YAML in a docstring (""" … """) under this step')
    ctx.source = Source("inline", "inline", load_subject(docstring, "inline.yaml",
                                                         "the inline contract"), _sha(docstring))


def _run(ctx: Context) -> None:
    ctx.need().result  # noqa: B018 - computed for its errors


def _check_runs(ctx: Context) -> None:
    ctx.need().warnings  # noqa: B018


SETUP: dict[str, Callable[..., None]] = {
    "contract_under_audit": _contract_under_audit, "preset": _preset,
    "contract_file": _contract_file, "contract_doc": _contract_doc, "run": _run,
    "check_runs": _check_runs,
}


def run_step(ctx: Context, phrase: vocab.Phrase, args: dict[str, str],
             docstring: str | None) -> Outcome | None:
    """Do one step: a Given/When changes the context (None), a Then returns its Outcome.
    Raises AuditError when the step cannot be done as written."""
    if phrase.type != "then":
        fn = SETUP[phrase.key]
        if phrase.key == "contract_doc":
            fn(ctx, docstring)
        else:
            fn(ctx, **args)
        return None
    assert phrase.check is not None
    return phrase.check(ctx.need(), **args)


def explanation(subject: Subject) -> list[str]:
    """The explanations (``why``) of the ledger entries the last check added up."""
    out = []
    for e in getattr(subject, "last_entries", None) or []:
        why = e.get("why")
        if why:
            out.append(f"{e['year']} {e['clause'] or ''} {e['kind']}: {why}".replace("  ", " "))
    return out[:6]


def subject_identity(src: Source | None) -> dict[str, Any] | None:
    """What a scenario ran against: kind, name, the contract's and the result's SHA-256."""
    if src is None:
        return None
    from sharing.result import contract_sha256

    out: dict[str, Any] = {"kind": src.kind, "name": src.name,
                           "contract_sha256": contract_sha256(src.subject.contract),
                           "result_sha256": None}
    if src.text_sha256:
        out["text_sha256"] = src.text_sha256
    try:
        out["result_sha256"] = src.subject.result["result_sha256"]
    except Exception:  # noqa: BLE001 - a contract that does not run has no result
        pass
    return out

