"""The retry policy (openai-wire.md section 4): when to retry and how long to wait."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from desktop_client.core.api import retry
from desktop_client.core.api.retry import RetryNotice, parse_retry_after, retry_delay, should_retry
from desktop_client.core.net.errors import ErrorBody, parse_error_body
from tests.fakes import openai_streams as s

NOW = 1_755_137_939.0


def headers(**values: str) -> httpx.Headers:
    return httpx.Headers({name.replace("_", "-"): value for name, value in values.items()})


# -- parse_retry_after ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"retry_after": "1"}, 1.0),
        ({"retry_after": "1.5"}, 1.5),
        ({"retry_after": " 2 "}, 2.0),
        ({"retry_after": "0"}, 0.0),
        ({"retry_after": "-3"}, 0.0),
        ({"retry_after_ms": "250"}, 0.25),
        ({"retry_after_ms": "1500.5"}, 1.5005),
        # Azure sends both; openai-python reads retry-after-ms first.
        ({"retry_after": "6", "retry_after_ms": "250"}, 0.25),
        ({"retry_after": "6", "retry_after_ms": "soon"}, 6.0),
        ({"retry_after": "soon"}, None),
        ({"retry_after": ""}, None),
        ({}, None),
    ],
)
def test_parse_retry_after_seconds_and_ms(given: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers(**given), now=NOW) == expected


def test_parse_retry_after_http_date() -> None:
    in_30_s = email.utils.formatdate(NOW + 30, usegmt=True)  # e.g. "Thu, 14 Aug 2025 02:19:29 GMT"
    assert parse_retry_after(headers(retry_after=in_30_s), now=NOW) == pytest.approx(30.0)
    assert parse_retry_after(headers(retry_after=email.utils.formatdate(NOW - 30, usegmt=True)), now=NOW) == 0.0
    # Without an explicit clock it uses the real one.
    live = email.utils.formatdate(time.time() + 10, usegmt=True)
    assert 8.0 <= (parse_retry_after(headers(retry_after=live)) or 0) <= 10.0


@pytest.mark.parametrize(
    "value",
    [
        "Thu, 14 Aug 2025 02:19:29 GMT",  # IMF-fixdate
        "Thu, 14 Aug 2025 02:19:29 +0000",
        "Thursday, 14-Aug-25 02:19:29 GMT",  # RFC 850
        "Thu Aug 14 02:19:29 2025",  # asctime, which is GMT
    ],
)
def test_parse_retry_after_date_forms(value: str) -> None:
    assert parse_retry_after(headers(retry_after=value), now=NOW) == pytest.approx(30.0)


# -- should_retry -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 520, 524])
def test_retryable_statuses(status: int) -> None:
    assert should_retry(status, headers(), None)


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 405, 413, 422])
def test_statuses_that_are_not_retried(status: int) -> None:
    assert not should_retry(status, headers(), None)


@pytest.mark.parametrize("verdict", ["false", "FALSE", " false "])
def test_x_should_retry_false_wins_over_the_status(verdict: str) -> None:
    assert not should_retry(503, headers(x_should_retry=verdict), None)
    assert not should_retry(429, headers(x_should_retry=verdict, retry_after="1"), None)


def test_x_should_retry_true_wins_over_the_status() -> None:
    assert should_retry(400, headers(x_should_retry="true"), parse_error_body(s.OPENAI_400))
    assert should_retry(409, headers(x_should_retry="maybe"), None)  # unknown values: the status decides


@pytest.mark.parametrize(
    "body",
    [s.OPENAI_429_QUOTA, s.CREDIT_EXHAUSTED_429, s.OPENAI_429_TOO_LARGE],
    ids=["insufficient_quota", "credit_balance_exhausted", "request-too-large"],
)
def test_429s_that_can_never_succeed_are_not_retried(body: bytes) -> None:
    assert not should_retry(429, headers(retry_after="1"), parse_error_body(body))


@pytest.mark.parametrize(
    "error",
    [
        ErrorBody(message="quota", code="", type="insufficient_quota"),  # only the type says it
        ErrorBody(message="quota", code="INSUFFICIENT_QUOTA"),
        ErrorBody(message="Request too large for gpt-4o-mini"),
        ErrorBody(message="REQUEST TOO LARGE"),
    ],
)
def test_quota_and_too_large_are_matched_loosely(error: ErrorBody) -> None:
    assert not should_retry(429, headers(), error)


@pytest.mark.parametrize("body", [s.OPENAI_429_RATE, s.AZURE_429, s.OPENAI_500, b"", s.NGINX_502])
def test_ordinary_rate_limits_and_server_errors_are_retried(body: bytes) -> None:
    status = 500 if body in (s.OPENAI_500, s.NGINX_502) else 429
    assert should_retry(status, headers(), parse_error_body(body))


@pytest.mark.parametrize("body", [s.DEEPSEEK_402, s.OPENROUTER_402])
def test_402_is_never_retried(body: bytes) -> None:
    assert not should_retry(402, headers(), parse_error_body(body))


# -- retry_delay ------------------------------------------------------------------------------------


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry.random, "random", lambda: 0.0)


@pytest.fixture
def full_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry.random, "random", lambda: 0.999999)


def test_server_asked_delays_are_used_exactly() -> None:
    assert retry_delay(headers(retry_after="1"), 0, 60.0) == 1.0
    assert retry_delay(headers(retry_after_ms="250"), 1, 60.0) == 0.25
    assert retry_delay(headers(retry_after="60"), 0, 60.0) == 60.0
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28.0 <= (retry_delay(headers(retry_after=date), 0, 60.0) or 0) <= 30.0


@pytest.mark.parametrize("value", ["61", "3600", "inf"])
def test_a_delay_above_the_cap_means_do_not_retry(value: str) -> None:
    assert retry_delay(headers(retry_after=value), 0, 60.0) is None
    assert retry_delay(headers(retry_after_ms=str(float(value) * 1000)), 0, 60.0) is None


def test_the_cap_is_configurable() -> None:
    assert retry_delay(headers(retry_after="90"), 0, 120.0) == 90.0
    assert retry_delay(headers(retry_after="2"), 0, 1.0) is None


@pytest.mark.usefixtures("no_jitter")
@pytest.mark.parametrize(("attempt", "delay"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)])
def test_backoff_without_jitter(attempt: int, delay: float) -> None:
    assert retry_delay(None, attempt, 60.0) == delay
    assert retry_delay(headers(), attempt, 60.0) == delay
    assert retry_delay(headers(retry_after="soon"), attempt, 60.0) == delay


@pytest.mark.usefixtures("full_jitter")
def test_backoff_with_full_jitter_is_a_quarter_shorter() -> None:
    assert retry_delay(None, 0, 60.0) == pytest.approx(0.375)
    assert retry_delay(None, 1, 60.0) == pytest.approx(0.75)
    assert retry_delay(None, 9, 60.0) == pytest.approx(6.0)


def test_backoff_stays_in_openai_pythons_ranges() -> None:
    for _ in range(200):
        assert 0.375 <= (retry_delay(None, 0, 60.0) or 0) <= 0.5
        assert 0.75 <= (retry_delay(None, 1, 60.0) or 0) <= 1.0
        assert 6.0 <= (retry_delay(None, 7, 60.0) or 0) <= 8.0


def test_retry_notice_is_plain_data() -> None:
    notice = RetryNotice(attempt=1, of=2, delay=0.25, reason="Rate limited")
    assert notice == RetryNotice(1, 2, 0.25, "Rate limited")
    with pytest.raises(AttributeError):
        notice.delay = 1.0  # type: ignore[misc]
