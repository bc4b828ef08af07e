"""Sweeps and Monte Carlo on a dask.distributed cluster (``--engine dask``).

Each chunk of the scenario axis (:func:`.runner.chunks`) is one task,
``evaluate_range(plan, a, b)``; the plan (base contract, axes, draws: a few kilobytes) is
sent to every worker once. A task computes its own draws from the seed and its scenario
numbers (:mod:`.plan`), so nothing large travels but the results, and the results are the
same, bit for bit, as a local run: they are gathered back in chunk order.

Workers need this package installed (``pip install 'benefit-sharing[dask]'``) at the same
version as the client; see docs/negotiation.md for pointing the command at a real cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .plan import Plan
from .runner import Results, evaluate_range


def run_on_dask(plan: Plan, ranges: list[tuple[int, int]], keep_years: bool,
                scheduler: Any, progress: Callable[[int, int], None] | None = None
                ) -> list[Results]:
    """Run the chunks as tasks; ``scheduler`` is an address (``tcp://host:8786``) or a
    ``distributed.Client``. Returns the chunks' results in chunk order."""
    from distributed import Client, as_completed

    own = not isinstance(scheduler, Client)
    if own and not scheduler:
        raise ValueError("--engine dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    client = Client(scheduler) if own else scheduler
    try:
        plan_f = client.scatter(plan, broadcast=True, hash=False)
        futures = [client.submit(evaluate_range, plan_f, a, b, keep_years, pure=False)
                   for a, b in ranges]
        sizes = {f.key: b - a for f, (a, b) in zip(futures, ranges, strict=True)}
        done = 0
        for f in as_completed(futures):
            if f.status == "error":
                f.result()  # raises the task's exception here
            done += sizes[f.key]
            if progress is not None:
                progress(done, plan.total)
        return client.gather(futures)
    finally:
        if own:
            client.close()
