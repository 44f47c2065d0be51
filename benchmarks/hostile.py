"""Peak memory under a hostile server's bombs, each in a fresh process.

For each bomb (a 2 GiB gzip or deflate body from ~2 MB on the wire, a Content-Length of
10 GiB, a 200 MB SSE line without a newline, a gzip bomb as an image, a 10 GiB error page),
a child process makes the one request Keyhold would make and reports how much its peak RSS
grew. Printed beside the read limit that applies (the target: growth under ~2x the limit)
and beside a small, well-behaved answer measured the same way in the same run.

Run: python benchmarks/hostile.py
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_client.core.net.body import LIMITS, MiB
from tests.fakes.hostile import GiB, Sent, announced_length, compression_bomb, endless_line
from tests.fakes.server import Conn, LoopbackServer, Request

KEY = "sk-bench-hostile-0000000001"


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def _child(kind: str, url: str) -> dict[str, object]:
    from desktop_client.core.api.chat import ChatClient, collect
    from desktop_client.core.api.midjourney import MjClient
    from desktop_client.core.errors import KeyholdError
    from desktop_client.core.net.client import SecureHttp
    from desktop_client.core.profiles import ProfileSecrets, ResolvedProfile
    from desktop_client.core.secrets import SecretStr
    from desktop_client.core.services.mj_images import fetch_image
    from desktop_client.core.settings import ProfileKind, ProfileRecord

    mj = kind in ("deflate-tasks", "gzip-image")
    record = ProfileRecord("bench", "bench", ProfileKind.MIDJOURNEY if mj else ProfileKind.OPENAI)
    http = SecureHttp(ResolvedProfile(record, ProfileSecrets(SecretStr(url), SecretStr(KEY))))
    before = _rss_kb()
    outcome = "ok"
    try:
        if kind in ("baseline", "gzip-models", "length-10g", "error-10g"):
            await ChatClient(http).list_models()
        elif kind == "deflate-tasks":
            await MjClient(http).list_by_condition(["1"])
        elif kind == "sse-line":
            await collect(ChatClient(http).stream("m", [{"role": "user", "content": "hi"}]))
        elif kind == "gzip-image":
            await fetch_image(http, f"{url}/grid.png", 60)
    except KeyholdError as exc:
        outcome = exc.kind.value
    finally:
        await http.aclose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"growth_kb": max(0, peak - before), "outcome": outcome}


def measure(kind: str, url: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, url], capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(result.stdout)


def main() -> None:
    def small(request: Request, conn: Conn) -> None:
        conn.send_json(200, {"object": "list", "data": [{"id": "m"}]})

    cases = [
        ("baseline", small, None, "a small model list"),
        ("gzip-models", compression_bomb(Sent(), coding="gzip"), LIMITS.json, "2 GiB gzip as the model list"),
        ("deflate-tasks", compression_bomb(Sent(), coding="deflate"), LIMITS.json, "2 GiB deflate as a task list"),
        ("length-10g", announced_length(Sent()), LIMITS.json, "Content-Length: 10 GiB"),
        ("sse-line", endless_line(Sent()), LIMITS.sse_line, "200 MB SSE line, no newline"),
        ("gzip-image", compression_bomb(Sent(), content_type="image/png"), LIMITS.image, "2 GiB gzip as an image"),
        ("error-10g", announced_length(Sent(), status=502), LIMITS.error, "10 GiB error page"),
    ]
    print(
        f"{'bomb':<32} {'outcome':<10} {'peak RSS growth':>16} {'above baseline':>15} {'limit':>9} "
        f"{'(growth-baseline)/limit':>24}"
    )
    baseline = 0.0
    for kind, handler, limit, label in cases:
        with LoopbackServer(handler) as server:
            result = measure(kind, server.url)
        growth = int(str(result["growth_kb"])) / 1024
        if kind == "baseline":
            baseline = growth
        extra = max(0.0, growth - baseline)
        ratio = f"{extra / (limit / MiB):.2f}" if limit else "-"
        limit_text = f"{limit / MiB:.2f} MB" if limit else "-"
        outcome = str(result["outcome"])
        print(f"{label:<32} {outcome:<10} {growth:>13.1f} MB {extra:>12.1f} MB {limit_text:>9} {ratio:>24}")
    print(f"(the baseline is a well-behaved answer, {baseline:.1f} MB; each case in a fresh process)")
    _ = GiB


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        os.environ.setdefault("KEYHOLD_HOME", "/nonexistent")
        print(json.dumps(asyncio.run(_child(sys.argv[2], sys.argv[3]))))
    else:
        main()
