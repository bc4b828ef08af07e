"""The year table in detail (issue 17 point 3): per year and stream, the revenue, the baseline,
the increment and each party's share next to the net, so a year can be explained from the
table alone.

Every figure is read from the §4 result document, exact decimal strings of whole fen, and only
added or subtracted as :class:`~decimal.Decimal` (never a float):

- revenue: the stream's shareable amount of the year (``streams[id].shareable_by_year``,
  semantics §2: projection × local retention, each rounded);
- baseline: the year's ``baseline`` entries of the stream (§3.1: the part up to the baseline,
  to the baseline owner); none under ``basis: total``, where the whole amount is split;
- increment: revenue − baseline, which is max(0, amount − baseline) since a ``baseline`` entry
  is min(amount, baseline) (§3.1); on a year no clause claims, none (the stream is
  ``unclaimed``, §3);
- into the pool: the ``pool_in`` entries the split clause booked from the increment (§3.4:
  contributions are taken before the split), shown when a contract has them;
- each party's share: its ``share`` and ``cap_excess`` entries of the stream (§3.1, §3.2) and
  its ``unclaimed`` entries (what no clause claimed goes to the receiving party, §3).

So revenue = baseline + into the pool + the parties' shares, row by row.

A clause that adds its streams up (``tax_split`` with ``timing: contract`` over several
streams) books entries with no stream: they form one row for the clause, its revenue the sum
of its streams' shareable amounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .results import D

#: The entry kinds a row shows: how a shareable amount is handed out (§3, §3.1, §3.2).
BASELINE = "baseline"
SHARE_KINDS = frozenset({"share", "cap_excess"})
UNCLAIMED = "unclaimed"
POOL_IN = "pool_in"
MONEY_STREAM_KINDS = frozenset({"tax", "fee", "land", "profit", "cost"})


@dataclass
class DetailRow:
    """One stream (or one clause's summed streams) in one year."""

    label: str
    revenue: Decimal
    baseline: Decimal | None
    increment: Decimal | None
    shares: dict[str, Decimal] = field(default_factory=dict)
    unclaimed: bool = False
    pool: Decimal = Decimal(0)
    title: str = ""


@dataclass
class DetailYear:
    year: int
    index: int
    rows: list[DetailRow]


def _clause_streams(doc: dict[str, Any] | None, cid: str) -> list[str]:
    for c in (doc or {}).get("clauses") or []:
        if isinstance(c, dict) and c.get("id") == cid:
            return [str(s) for s in c.get("streams") or []]
    return []


def has_pool(details: list[DetailYear]) -> bool:
    """Whether a row puts money into a risk pool (the table then shows the column)."""
    return any(row.pool for dy in details for row in dy.rows)


def year_details(result: dict[str, Any], doc: dict[str, Any] | None,
                 name: Any = None) -> list[DetailYear]:
    """The detail rows of every year of ``result`` (``doc``: the contract as entered, for the
    streams a clause adds up; ``name(what, id)``: a display name)."""
    def label(what: str, ident: str) -> str:
        return name(what, ident) if name is not None else ident

    years = result["years"]
    streams = {sid: st for sid, st in (result.get("streams") or {}).items()
               if st.get("kind") in MONEY_STREAM_KINDS}
    parties = list(result["parties"])
    by_year: dict[int, list[dict[str, Any]]] = {y: [] for y in years}
    for e in result["entries"]:
        if e["year"] in by_year and (e["kind"] in (BASELINE, UNCLAIMED, POOL_IN)
                                     or e["kind"] in SHARE_KINDS):
            by_year[e["year"]].append(e)
    out = []
    for i, y in enumerate(years):
        groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        for e in by_year[y]:
            key = ("stream", e["stream"]) if e["stream"] else ("clause", e["clause"])
            groups.setdefault(key, []).append(e)
        rows = []
        order = [("stream", sid) for sid in streams] + sorted(
            (k for k in groups if k[0] == "clause"), key=lambda k: str(k[1]))
        for key in order:
            what, ident = key
            entries = groups.get(key, [])
            if not entries:  # e.g. a profit stream an equity clause claims: not a split
                continue
            if what == "stream":
                revenue = D(streams[ident]["shareable_by_year"][i])
                text, title = label("stream", ident), ident
            else:
                sids = [s for s in _clause_streams(doc, ident) if s in streams]
                revenue = sum((D(streams[s]["shareable_by_year"][i]) for s in sids), Decimal(0))
                text = " + ".join(label("stream", s) for s in sids) or label("clause", ident)
                title = f"{ident}: {' + '.join(sids)}"
            shares = {p: Decimal(0) for p in parties}
            base = pool = Decimal(0)
            claimed = has_base = False
            for e in entries:
                if e["kind"] == BASELINE:
                    base += D(e["amount"])
                    claimed = has_base = True
                elif e["kind"] == POOL_IN:
                    pool += D(e["amount"])
                elif e["kind"] in SHARE_KINDS:
                    claimed = True
                    if e["party"] in shares:
                        shares[e["party"]] += D(e["amount"])
                elif e["party"] in shares:  # unclaimed
                    shares[e["party"]] += D(e["amount"])
            if not claimed and all(e["kind"] == POOL_IN for e in entries):
                continue  # a pool's own bookings, not a split of this stream
            rows.append(DetailRow(text, revenue, base if has_base else None,
                                  revenue - base if claimed else None, shares,
                                  unclaimed=not claimed, title=title, pool=pool))
        out.append(DetailYear(y, i, rows))
    return out
