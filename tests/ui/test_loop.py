import asyncio

import pytest
from PySide6.QtCore import QTimer

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_async_tests_run_on_qasync() -> None:
    loop = asyncio.get_running_loop()
    assert type(loop).__module__.startswith("qasync")
    fired: list[bool] = []
    QTimer.singleShot(10, lambda: fired.append(True))
    await asyncio.sleep(0.1)
    assert fired == [True]


LOOPS: list[int] = []


async def test_one_loop_for_the_session_a() -> None:
    LOOPS.append(id(asyncio.get_running_loop()))


async def test_one_loop_for_the_session_b() -> None:
    LOOPS.append(id(asyncio.get_running_loop()))
    assert len(set(LOOPS)) == 1
