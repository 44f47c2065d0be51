"""The canary scan used by the invariant tests must itself catch every encoding."""

import base64
import binascii
import json

import pytest

from tests.conftest import find_canaries

CANARY = "sk-canary-0123456789abcdef0123"


@pytest.mark.parametrize(
    "blob",
    [
        CANARY.encode(),
        b"prefix " + base64.b64encode(CANARY.encode()),
        base64.b64encode(b"x" + CANARY.encode() + b"y"),
        base64.b64encode(b"xy" + CANARY.encode()),
        base64.urlsafe_b64encode(b"\xff\xfe" + CANARY.encode()),
        binascii.hexlify(CANARY.encode()),
        binascii.hexlify(CANARY.encode()).upper(),
        CANARY.encode("utf-16-le"),
        json.dumps({"geometry": base64.b64encode(b"AdnQyw" + CANARY.encode()).decode()}).encode(),
    ],
)
def test_scanner_finds_the_canary(tmp_path, blob: bytes) -> None:
    (tmp_path / "f.bin").write_bytes(blob)
    assert find_canaries(tmp_path, [CANARY])


def test_scanner_is_quiet_on_clean_files(tmp_path) -> None:
    (tmp_path / "f.bin").write_bytes(b"sk-canary-0123456789abcdef012 almost but not quite")
    assert find_canaries(tmp_path, [CANARY]) == []
