"""Keep freed numpy buffers in the process heap while many scenarios run.

A chunk of scenarios allocates and frees thousands of arrays of 128 KiB – 12 MiB (one year
of every scenario, a party-by-scenario allocation, the ledger's (P, S, Y) tables). With
glibc's defaults such arrays are mapped from the kernel and given back on every ``free``, and
trimmed from the top of the heap as soon as they are freed, so each new array faults its
pages in again: measured with ``benchmarks/scenarios.py`` at 100,000 scenarios, that was about
half the run (system time as large as user time). Raising the mmap and trim thresholds keeps
those pages in the heap for reuse. The figures do not change; only where the bytes live.

Linux with glibc only (``mallopt``); anywhere else this does nothing. It is process-wide and
done once, by the scenario runner (CLI, benchmarks, dask workers), never by a single run.
"""

from __future__ import annotations

import ctypes
import platform

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # glibc <malloc.h>
MMAP_THRESHOLD = 32 * 2**20  # glibc's ceiling for this setting on 64-bit
TRIM_THRESHOLD = 512 * 2**20
TOP_PAD = 64 * 2**20

_done = False


def keep_freed_arrays() -> bool:
    """Tune glibc's allocator for the runner (once per process); True if it was tuned."""
    global _done
    if _done:
        return True
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    ok = all(mallopt(param, value) == 1 for param, value in (
        (M_MMAP_THRESHOLD, MMAP_THRESHOLD), (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
        (M_TOP_PAD, TOP_PAD)))
    _done = ok
    return ok
