"""Running Keyhold as a separate process, and looking at its sockets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psutil

ACCEPTING = 0x00010000  # __SO_ACCEPTCON in /proc/net/unix: a listening unix socket


def keyhold_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # The CLI speaks the system language; tests read English unless they ask for another.
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    env["LANG"] = "C.UTF-8"
    env["KEYHOLD_HOME"] = str(home)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(extra)
    return env


def run_cli(
    home: Path, *args: str, stdin: str = "", timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_client", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=keyhold_env(home, **env),
    )


def listening_sockets(pid: int) -> list[str]:
    """Every socket of the process that accepts connections or datagrams from others."""
    found: list[str] = []
    process = psutil.Process(pid)
    for conn in process.net_connections(kind="inet"):
        if conn.status == psutil.CONN_LISTEN:
            found.append(f"tcp listen {conn.laddr}")
        elif conn.type == __import__("socket").SOCK_DGRAM and conn.laddr and not conn.raddr:
            found.append(f"udp bound {conn.laddr}")
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 7 and parts[6] in inodes and int(parts[3], 16) & ACCEPTING:
            found.append(f"unix listen {parts[7] if len(parts) > 7 else '(anonymous)'}")
    return found


def add_openai_profile(
    home: Path, name: str, url: str, key: str, *extra: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """`keyhold profile add NAME --kind openai --base-url URL --key-stdin …`, the key on stdin."""
    return run_cli(
        home,
        "profile",
        "add",
        name,
        "--kind",
        "openai",
        "--base-url",
        url,
        "--key-stdin",
        *extra,
        stdin=key + "\n",
        **env,
    )
