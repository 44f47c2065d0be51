"""Keeps secrets out of crash dumps: a core file or a debugger attached by another program of
the same user would see keys in clear, so both are switched off before anything is read."""

from __future__ import annotations

import ctypes
import logging
import os
import sys

log = logging.getLogger(__name__)

# <linux/prctl.h>
_PR_GET_DUMPABLE = 3
_PR_SET_DUMPABLE = 4
# <errhandlingapi.h>
_SEM_FAILCRITICALERRORS = 0x0001
_SEM_NOGPFAULTERRORBOX = 0x0002

# What disable_crash_dumps() found in effect; logged once logging is set up.
_summary: str | None = None


Step = tuple[bool, str]  # (in effect, what the log says)


def _no_core_files() -> Step:
    try:
        import resource
    except ImportError:  # Windows has no core limit
        return True, ""
    try:
        # The hard limit too: nothing later in this process can raise it again.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    except (OSError, ValueError) as exc:
        return False, f"core limit unchanged ({type(exc).__name__})"
    return (True, "core limit 0") if soft == hard == 0 else (False, f"core limit {soft}")


def _not_dumpable() -> Step:
    # Not dumpable: the kernel dumps the process only where fs.suid_dumpable says so, and other
    # processes of the same user can no longer ptrace it or read /proc/<pid>/mem.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
        prctl.restype = ctypes.c_int
        prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
        if prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            return False, f"still dumpable (prctl: {os.strerror(ctypes.get_errno())})"
        dumpable = prctl(_PR_GET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError) as exc:
        return False, f"dumpable state unknown ({type(exc).__name__})"
    return (True, "not dumpable") if dumpable == 0 else (False, f"still dumpable (reads back {dumpable})")


def _no_error_reporting() -> Step:
    if sys.platform != "win32":
        return True, ""
    # Without the fault dialog, Windows Error Reporting does not collect a dump of this process.
    # Dumps an administrator configured machine-wide (WER LocalDumps) are a registry setting,
    # which an app must not change.
    kernel32 = ctypes.windll.kernel32
    flags = _SEM_FAILCRITICALERRORS | _SEM_NOGPFAULTERRORBOX
    previous = kernel32.SetErrorMode(flags)
    kernel32.SetErrorMode(previous | flags)
    return True, "no Windows Error Reporting dialog or dump"


def disable_crash_dumps() -> str:
    """Switches crash dumps off for this process; never raises. Returns what is in effect.

    macOS writes core files only within RLIMIT_CORE, and its crash reports hold stack traces,
    not memory. PT_DENY_ATTACH is not used: attaching a debugger there already needs the
    user's approval.
    """
    global _summary
    steps = [_no_core_files(), _no_error_reporting()]
    if sys.platform.startswith("linux"):
        steps.insert(1, _not_dumpable())
    state = "disabled" if all(ok for ok, _ in steps) else "partly disabled"
    _summary = f"crash dumps {state}: {', '.join(text for _, text in steps if text)}"
    return _summary


def log_crash_dump_state() -> None:
    """One INFO line, once the log file exists (disable_crash_dumps runs before that)."""
    if _summary is not None:
        log.info("%s", _summary)
