"""The ledger: entries with their ``why``, events, and the accumulators built from them (§4).

Amounts are int64 arrays over the scenario axis (shape ``(S,)``). A ``why`` is a function of
the scenario index returning the entry's explanation record (sharing.explain), so thousands
of scenarios build none until one is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

#: A function of the scenario index returning the entry's explanation record (sharing.explain).
Why = Callable[[int], dict]

#: Entry kinds that count as a party's receipts from a clause (§3).
RECEIPT_KINDS = frozenset({"baseline", "share", "cap_excess", "dividend", "loss"})
#: Entry kinds that hand out a stream's shareable amount (stream conservation, §1).
STREAM_KINDS = frozenset({"baseline", "share", "cap_excess", "unclaimed", "dividend",
                          "retained", "loss", "cost", "pool_in", "handover"})
#: Entry kinds by which a clause hands out what it took in (clause conservation, §1).
CLAUSE_OUT_KINDS = RECEIPT_KINDS | {"retained", "cost", "pool_in"}
#: Transfers between parties: each sums to zero every year (§1).
TRANSFER_KINDS = ("backstop", "buyout", "penalty")
TRANSFER_SET = frozenset(TRANSFER_KINDS)
#: Up to this many amounts (entries × scenarios) the ledger's tables are added up by one
#: gathered ``np.add.at`` rather than one add per entry (:meth:`Ledger._add_up`).
GATHER_LIMIT = 1 << 16
ENTRY_KINDS = ("baseline", "share", "cap_excess", "unclaimed", "contribution", "dividend",
               "retained", "loss", "cost", "pool_in", "pool_out", "backstop", "buyout",
               "penalty", "residual", "handover")


class ConservationError(RuntimeError):
    """An identity of §1 failed: an internal error, never a returned result."""


class Entry(NamedTuple):
    """One ledger entry (§4); immutable. A named tuple: built once per posting, it costs a
    third of a frozen dataclass, which matters at ~500 postings a run."""

    year: int  # index 0 = contract year 1
    clause: str | None
    stream: str | None
    party: str | None
    kind: str
    amount: np.ndarray  # int64 (S,)
    why: Why
    mode: str | None = None  # indicator entries: "split" or "full_each"


@dataclass(frozen=True)
class Event:
    year: int  # index
    clause: str
    kind: str
    mask: np.ndarray  # bool (S,): the scenarios in which it happened
    detail: Why  # the event's explanation record (sharing.explain), per scenario


class Ledger:
    """Money and indicator entries of one run over S scenarios and Y years."""

    def __init__(self, parties: list[str], scenarios: int, years: int):
        self.parties = parties
        self.index = {p: i for i, p in enumerate(parties)}
        self.S, self.Y = scenarios, years
        self.entries: list[Entry] = []
        self.indicator_entries: list[Entry] = []
        self.events: list[Event] = []
        self.net = self.table()
        self.receipts: dict[str, np.ndarray] = {}  # clause -> (P, S, Y)
        self.indicators = self.table()
        self._by_kind: dict[str, np.ndarray] | None = None
        # per-year sums for the conservation checks, from the entries since start_year
        self._year_first = 0
        self.year_stream_out = np.zeros(scenarios, dtype=np.int64)
        self.year_clause_out: dict[str, np.ndarray] = {}
        self.year_transfers = {k: np.zeros(scenarios, dtype=np.int64) for k in TRANSFER_KINDS}

    def table(self) -> np.ndarray:
        """A zero (P, S, Y) table laid out year-major: ``table[p, :, y]`` (one party's year
        over every scenario, what each entry adds to) is contiguous in memory."""
        P = len(self.parties)
        return np.zeros((P, self.Y, self.S), dtype=np.int64).transpose(0, 2, 1)

    def zero(self) -> np.ndarray:
        return np.zeros(self.S, dtype=np.int64)

    def start_year(self) -> None:
        self._year_first = len(self.entries)

    def post(self, year: int, clause: str | None, stream: str | None, party: str | None,
             kind: str, amount: np.ndarray, why: Why) -> None:
        """Book one entry; all-zero amounts are not listed (they change nothing).

        The year's sums for §1 are taken from its entries by :meth:`check_year`."""
        if not np.count_nonzero(amount):
            return
        amount = amount.copy()
        self.entries.append(Entry(year, clause, stream, party, kind, amount, why))
        if kind in RECEIPT_KINDS and clause is not None and party is not None:
            rec = self.receipts.get(clause)
            if rec is None:
                rec = self.receipts[clause] = self.table()
            rec[self.index[party], :, year] += amount

    def finish(self) -> None:
        """Add the entries up into each party's net and indicator tables."""
        self._add_up(self.net, [e for e in self.entries if e.party is not None])
        self._add_up(self.indicators, self.indicator_entries)

    def _add_up(self, table: np.ndarray, entries: list[Entry]) -> None:
        """Add each entry's amount into ``table[party, :, year]``.

        Few scenarios: all amounts gathered into one array and added with one ``np.add.at``
        (numpy's per-call cost would dominate one add per entry). Many: one in-place add per
        entry, cheaper than gathering, which at large S costs a copy of every amount
        (profiled by benchmarks/scenarios.py). Integer sums: the same result either way.
        """
        index = self.index
        if len(entries) * self.S <= GATHER_LIMIT:
            if entries:
                np.add.at(table.transpose(0, 2, 1),  # (P, Y, S): rows are (party, year)
                          (np.array([index[e.party] for e in entries], dtype=np.intp),
                           np.array([e.year for e in entries], dtype=np.intp)),
                          np.array([e.amount for e in entries]))
            return
        for e in entries:
            table[index[e.party], :, e.year] += e.amount

    @property
    def by_kind(self) -> dict[str, np.ndarray]:
        """Each entry kind's (P, S, Y) table, built on first use: the result document's
        totals by kind need it, a run of many scenarios does not (§4)."""
        if self._by_kind is None:
            by_kind: dict[str, list[Entry]] = {}
            for e in self.entries:
                if e.party is not None:
                    by_kind.setdefault(e.kind, []).append(e)
            tables: dict[str, np.ndarray] = {}
            for kind, entries in by_kind.items():
                self._add_up(tables.setdefault(kind, self.table()), entries)
            self._by_kind = tables
        return self._by_kind

    @property
    def costs(self) -> np.ndarray:
        """The parties' ``cost`` entries, (P, S, Y): what an npv price counts (§3.6)."""
        return self.by_kind.get("cost", self.table())

    def happened(self, kind: str) -> np.ndarray:
        """bool (S,): the scenarios with a non-zero entry of this kind in any year."""
        out = np.zeros(self.S, dtype=bool)
        for e in self.entries:
            if e.kind == kind:
                out |= e.amount != 0
        return out

    def post_indicator(self, year: int, clause: str | None, stream: str | None, party: str,
                       kind: str, amount: np.ndarray, why: Why, mode: str | None) -> None:
        if not np.count_nonzero(amount):
            return
        self.indicator_entries.append(
            Entry(year, clause, stream, party, kind, amount.copy(), why, mode))

    def event(self, year: int, clause: str, kind: str, mask: np.ndarray, detail: Why) -> None:
        if np.count_nonzero(mask):
            self.events.append(Event(year, clause, kind, mask.copy(), detail))

    def receipts_of(self, clause: str, party: str, year: int) -> np.ndarray:
        rec = self.receipts.get(clause)
        if rec is None:
            return self.zero()
        return rec[self.index[party], :, year]

    def receipts_through(self, clause: str, party: str, year: int) -> np.ndarray:
        rec = self.receipts.get(clause)
        if rec is None:
            return self.zero()
        return rec[self.index[party], :, : year + 1].sum(axis=1)

    # ---- §1 conservation ---------------------------------------------------------------
    def _year_sums(self, entries: list[Entry]) -> None:
        """The sums of a year's entries: what the streams handed out, what each clause
        handed out, and each kind of transfer (§1); one in-place add per entry and sum."""
        # reset in place: at large S a fresh array a year costs page faults
        self.year_stream_out[:] = 0
        for v in self.year_transfers.values():
            v[:] = 0
        self.year_clause_out.clear()
        for e in entries:
            kind, amount = e.kind, e.amount
            if kind in STREAM_KINDS:
                self.year_stream_out += amount
            if e.clause is not None and kind in CLAUSE_OUT_KINDS:
                acc = self.year_clause_out.get(e.clause)
                if acc is None:
                    self.year_clause_out[e.clause] = amount.copy()
                else:
                    acc += amount
            if kind in TRANSFER_SET:
                self.year_transfers[kind] += amount

    def check_year(self, year: int, calendar: int, stream_in: np.ndarray,
                   clause_in: dict[str, np.ndarray]) -> None:
        """Every identity of §1 for one year; raise ConservationError naming both sides."""
        self._year_sums(self.entries[self._year_first:])
        for clause in self.year_clause_out.keys() - clause_in.keys():
            out = self.year_clause_out[clause]
            if np.count_nonzero(out):
                raise ConservationError(f"{calendar}: clause {clause} handed out "
                                        f"{int(out[np.argmax(out != 0)])} fen it never took in")
        if np.count_nonzero(self.year_stream_out != stream_in):
            s = int(np.argmax(self.year_stream_out != stream_in))
            raise ConservationError(
                f"{calendar}: the streams' shareable amounts ({int(stream_in[s])} fen) differ "
                f"from what was handed out ({int(self.year_stream_out[s])} fen), scenario {s}")
        for clause, took in clause_in.items():
            out = self.year_clause_out.get(clause)
            if out is None:
                if not np.count_nonzero(took):
                    continue
                out = self.zero()
            if np.count_nonzero(out != took):
                s = int(np.argmax(out != took))
                raise ConservationError(
                    f"{calendar}: clause {clause} took in {int(took[s])} fen and handed out "
                    f"{int(out[s])} fen, scenario {s}")
        for kind, total in self.year_transfers.items():
            if np.count_nonzero(total):
                s = int(np.argmax(total != 0))
                raise ConservationError(f"{calendar}: {kind} transfers sum to {int(total[s])} "
                                        f"fen, not 0, scenario {s}")
