"""Which clause claims which stream in which contract year (semantics §3, §3.1, §3.2).

A clause claims a stream in a year only where one of its segments covers that year: in
contract years for ``timing: contract`` and cost shares, in life years since relocation for
``timing: since_relocation``, life years 1..B for a buffer. The map is used twice: the
checks refuse a contract in which two clauses claim one stream in one year, and the engine
hands each stream's amount to the one clause that claims it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .contract import Buffer, Contract, CostShare, Equity, IndicatorSplit, Segment, TaxSplit

MONEY_SPLIT_KINDS = ("tax", "fee", "land")


@dataclass(frozen=True)
class Claim:
    """One clause's hold on one stream in one contract year, and where the file says so."""

    clause: str
    clause_index: int
    segment: int | None  # index in the clause's schedule (None for a buffer)
    life_year: int  # the year the segment counts: contract year, or year since relocation
    path: str  # the field that makes the claim, for messages


def relocation_offset(contract: Contract, stream_id: str) -> int:
    """Contract year of a stream's first life year, minus one (0 when it never moved)."""
    s = contract.stream(stream_id)
    if s.relocated_year is None:
        return 0
    return s.relocated_year - contract.start_year


def buffer_streams(contract: Contract, clause: Buffer) -> list[str]:
    """A buffer's streams: as listed, or every relocated money stream in contract order."""
    if clause.streams is not None:
        return list(clause.streams)
    return [s.id for s in contract.streams
            if s.relocated_year is not None and s.kind in MONEY_SPLIT_KINDS]


def clause_streams(contract: Contract, clause) -> list[str]:
    if isinstance(clause, Buffer):
        return buffer_streams(contract, clause)
    if isinstance(clause, Equity):
        return list(clause.profit_streams)
    return list(getattr(clause, "streams", []) or [])


def segment_at(schedule: list[Segment], year: int) -> int | None:
    for i, seg in enumerate(schedule):
        if seg.years[0] <= year <= seg.years[1]:
            return i
    return None


def claims(contract: Contract) -> dict[tuple[str, int], list[Claim]]:
    """(stream id, contract year) -> every claim on it, for years 1..``years``.

    Split clauses (``tax_split``, ``buffer``), cost shares and indicator splits claim by their
    schedules; an equity clause claims its profit streams in every year (up to L, which the
    engine applies). A valid contract has at most one claim per key.
    """
    out: dict[tuple[str, int], list[Claim]] = {}
    n = contract.years
    for ci, clause in enumerate(contract.clauses):
        if isinstance(clause, Equity):
            for sid in clause.profit_streams:
                for t in range(1, n + 1):
                    out.setdefault((sid, t), []).append(
                        Claim(clause.id, ci, None, t, f"clauses[{ci}].profit_streams"))
            continue
        if isinstance(clause, Buffer):
            for sid in buffer_streams(contract, clause):
                off = relocation_offset(contract, sid)
                for k in range(1, clause.years + 1):
                    t = off + k
                    if 1 <= t <= n:
                        out.setdefault((sid, t), []).append(
                            Claim(clause.id, ci, None, k, f"clauses[{ci}].years"))
            continue
        if not isinstance(clause, (TaxSplit, CostShare, IndicatorSplit)):
            continue
        since = isinstance(clause, TaxSplit) and clause.timing == "since_relocation"
        for sid in clause.streams:
            off = relocation_offset(contract, sid) if since else 0
            for si, seg in enumerate(clause.schedule):
                for k in range(seg.years[0], seg.years[1] + 1):
                    t = off + k
                    if 1 <= t <= n:
                        out.setdefault((sid, t), []).append(
                            Claim(clause.id, ci, si, k, f"clauses[{ci}].schedule[{si}].years"))
    return out
