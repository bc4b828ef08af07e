"""benefit-sharing: exact, explainable benefit-sharing contracts for co-built industrial parks.

The engine follows ``docs/semantics.md`` (the project's statement of the shared semantics).
Public entry points are in :mod:`sharing.api`.
"""

__version__ = "0.1.0"
