"""Process facts used by benchmarks and diagnostics (no third-party dependency)."""

from __future__ import annotations

import sys
from pathlib import Path


def rss_bytes() -> int:
    """Resident set size of this process, now (not the peak)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
