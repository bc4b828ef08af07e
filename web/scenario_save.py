"""Saving a scenario under a name that is already taken (issue 17 point 7).

A save under a name the user already sees among their scenarios (their own, or one shared with
them) does not silently make a second scenario of the same name: the form answers with a page
asking whether to **replace** the existing one or **keep both**, and the JSON API answers 409
naming the existing scenario, until the choice is sent as ``on_duplicate``:

- ``replace``: the existing scenario takes the new contract (its id, name, owner and sharing
  stay; the audit log records an ``update`` with ``replaced``). Only a user who may change it
  may replace it (web.auth: its owner or an administrator); anyone else gets 403.
- ``keep_both``: a new scenario is saved under the first free name "NAME (2)", "NAME (3)", …,
  so the two can be told apart in every list.

Names are compared as they are stored (web.storage.clean_name: runs of white space as one
space). Scenarios of other users that the user may not read are not looked at: their names are
not the user's to see, and both are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from . import audit, auth, storage

CHOICES = ("replace", "keep_both")


class BadChoice(ValueError):
    """``on_duplicate`` is neither ``replace`` nor ``keep_both``."""

    def __init__(self, value: str):
        self.value = value
        super().__init__(_("on_duplicate: “%(value)s” is not a choice; send replace (the "
                           "existing scenario takes the new contract) or keep_both (a second "
                           "scenario is saved under a numbered name).", value=value[:40]))


@dataclass(frozen=True)
class Saved:
    """What a save did: the scenario's id and name, and whether it replaced one."""

    sid: int
    name: str
    replaced: bool


def choice(value: str | None) -> str | None:
    """``on_duplicate`` as sent: None (not sent), ``replace`` or ``keep_both``; else BadChoice."""
    text = (value or "").strip()
    if not text:
        return None
    if text not in CHOICES:
        raise BadChoice(text)
    return text


def same_name(name: str) -> list[storage.Scenario]:
    """The scenarios the user may read that are called ``name``, newest first."""
    wanted = storage.clean_name(name)
    return [sc for sc in storage.list_scenarios(storage.db(), auth.reader_filter())
            if sc.name == wanted]


def replaceable(found: list[storage.Scenario]) -> storage.Scenario | None:
    """The newest of ``found`` the user may change (replace), if any."""
    return next((sc for sc in found if auth.can_change(sc)), None)


def free_name(name: str) -> str:
    """``name (2)``, ``name (3)``, …: the first the user does not already see."""
    taken = {sc.name for sc in storage.list_scenarios(storage.db(), auth.reader_filter())}
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = storage.clean_name(name[:storage.NAME_MAX - len(suffix)] + suffix)
        if candidate not in taken:
            return candidate
        n += 1


def save(name: str, doc: dict[str, Any], sha: str, result_sha: str,
         on_duplicate: str | None, source: str | None = None
         ) -> Saved | list[storage.Scenario]:
    """Save ``doc`` under ``name``. Returns what was saved, or, when the name is taken and no
    choice was made, the scenarios of that name (the caller asks). Replacing a scenario the
    user may not change is refused with 403 (web.auth.refuse)."""
    via = {"source": source} if source else {}
    found = same_name(name)
    if found and on_duplicate is None:
        return found
    if found and on_duplicate == "replace":
        target = replaceable(found)
        if target is None:
            auth.refuse(_("“%(name)s” (#%(id)s) belongs to another user: only they (or an "
                          "administrator) may replace it. Keep both instead.",
                          name=found[0].name, id=found[0].id))
        storage.update_scenario(storage.db(), target.id, doc, sha, log=lambda conn, sid:
                                audit.record("update", sha, result_sha,
                                             {"scenario": sid, "name": target.name,
                                              "replaced": True, **via}, conn))
        return Saved(target.id, target.name, True)
    if found:  # keep both
        name = free_name(name)
    owner = auth.user()
    sid = storage.save_scenario(storage.db(), name, doc, sha, log=lambda conn, sid: audit.record(
        "save", sha, result_sha, {"scenario": sid, "name": name, **via}, conn),
        owner_id=owner.id if owner is not None else None)
    return Saved(sid, storage.clean_name(name), False)
