"""One registered enterprise (semantics §6.1), as read from the register."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass
class Enterprise:
    code: str
    name: str
    from_party: str  # party id
    relocation_year: int
    production_year: int
    row: int  # register row, for messages
    pre: dict[int, Fraction] = field(default_factory=dict)  # calendar year -> contract unit
    first: dict[str, Fraction] = field(default_factory=dict)  # template id -> contract unit
    growth: dict[str, Fraction] = field(default_factory=dict)
    baseline: Fraction | None = None  # contract unit

    def pre_values(self, n: int) -> list[Fraction] | None:
        """The n pre-move values before the relocation year, oldest first; None if one is
        missing."""
        years = range(self.relocation_year - n, self.relocation_year)
        if any(y not in self.pre for y in years):
            return None
        return [self.pre[y] for y in years]
