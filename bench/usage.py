"""Peak memory and child CPU time where the OS reports them (``resource`` is POSIX only).

On Windows the benchmarks still run and print their timing ratios; the memory line says the
figure is not available rather than importing a module that does not exist there.
"""

from __future__ import annotations

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

import sys


def peak_rss_mib() -> float | None:
    """This process's peak resident memory in MiB (Linux reports KiB, macOS bytes)."""
    if resource is None:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def children_cpu_seconds() -> float | None:
    """User CPU seconds of the children this process has waited for."""
    if resource is None:
        return None
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
