"""Cold start to the first painted main window, and idle RSS, against a bare PySide6 window.

Both programs run as fresh processes, alternately, in the same run; each prints
"first-paint" from its first Paint event and "idle-rss N" two seconds later.
Run: python benchmarks/startup.py [--runs 7]   (QT_QPA_PLATFORM defaults to offscreen)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    assert proc.stdout is not None
    paint = rss = None
    for line in proc.stdout:
        if line.startswith("first-paint") and paint is None:
            paint = time.perf_counter() - started
        elif line.startswith("idle-rss"):
            rss = int(line.split()[1])
    proc.wait(timeout=60)
    if paint is None or rss is None:
        raise RuntimeError(f"{cmd} did not report (exit {proc.returncode})")
    return paint, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["KEYHOLD_BENCHMARK"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    home = tempfile.mkdtemp(prefix="keyhold-bench-")
    env["KEYHOLD_HOME"] = home
    bare_cmd = [sys.executable, str(ROOT / "benchmarks" / "bare_window.py")]
    app_cmd = [sys.executable, "-m", "desktop_client"]
    measure(bare_cmd, env)  # warm the page cache for both: we compare warm starts
    measure(app_cmd, env)
    bare: list[tuple[float, int]] = []
    app: list[tuple[float, int]] = []
    for _ in range(args.runs):
        bare.append(measure(bare_cmd, env))
        app.append(measure(app_cmd, env))
    bare_paint = statistics.median(p for p, _ in bare)
    app_paint = statistics.median(p for p, _ in app)
    bare_rss = statistics.median(r for _, r in bare) / 2**20
    app_rss = statistics.median(r for _, r in app) / 2**20
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {args.runs} each, medians")
    print(
        f"first paint   bare PySide6 {bare_paint * 1000:7.0f} ms   Keyhold {app_paint * 1000:7.0f} ms   "
        f"ratio {app_paint / bare_paint:.2f}x"
    )
    ratio = app_rss / bare_rss
    print(f"idle RSS      bare PySide6 {bare_rss:7.1f} MB   Keyhold {app_rss:7.1f} MB   ratio {ratio:.2f}x")


if __name__ == "__main__":
    main()
