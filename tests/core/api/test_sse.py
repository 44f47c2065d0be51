"""SseDecoder: the framing rules of openai-wire.md 1.6, whatever the read boundaries."""

from __future__ import annotations

import json
import random
import time

import pytest

from desktop_client.core.api.sse import SseDecoder, SseEvent
from tests.fakes import openai_streams as s

Decoded = tuple[list[SseEvent], str, int | None, int]


def decode(chunks: list[bytes]) -> Decoded:
    """Events, then the decoder's last id, retry and comment count."""
    decoder = SseDecoder()
    events: list[SseEvent] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    events += decoder.flush()
    return events, decoder.last_id, decoder.retry_ms, decoder.comments


def datas(chunks: list[bytes]) -> list[str]:
    return [event.data for event in decode(chunks)[0]]


FIXTURES = {
    "openai-crlf": s.OPENAI_CRLF,
    "openai-cr": s.OPENAI_CR,
    "openai-bom-crlf": s.OPENAI_BOM_CRLF,
    "id-retry": s.OPENAI_ID_RETRY,
    "keep-alives": s.OPENAI_KEEPALIVES,
    "deepseek": s.DEEPSEEK_REASONER,
    "multi-line-u2028": s.MULTILINE_DATA + s.RAW_U2028,
    "lmstudio": s.LMSTUDIO_ERROR,
    "no-blank-line-at-eof": s.NO_BLANK_LINE_AT_EOF,
    "mixed-endings": b"\xef\xbb\xbfdata: 1\r\n\r\ndata: 2\r\rdata: 3\n\n: c\r\nid: 7\rdata: 4\r\n\ndata:5",
}


@pytest.mark.parametrize("name", list(FIXTURES))
def test_every_single_split_point_gives_the_same_events(name: str) -> None:
    body = FIXTURES[name]
    whole = decode([body])
    assert whole[0], "the fixture must produce events"
    for cut in range(len(body) + 1):
        assert decode([body[:cut], body[cut:]]) == whole, f"split at {cut}: {body[max(0, cut - 8) : cut + 8]!r}"


@pytest.mark.parametrize("name", list(FIXTURES))
def test_one_byte_per_read_and_random_reads_give_the_same_events(name: str) -> None:
    body = FIXTURES[name]
    whole = decode([body])
    assert decode([body[i : i + 1] for i in range(len(body))]) == whole
    rng = random.Random(name)
    for _ in range(50):
        cuts = sorted(rng.sample(range(1, len(body)), k=min(len(body) - 1, rng.randint(1, 40))))
        pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
        assert decode(pieces) == whole


def test_every_pair_of_split_points_on_a_small_stream() -> None:
    body = b"\xef\xbb\xbf" + s.NO_SPACE_CRLF.replace(b'"a"', b'"\xe2\x80\x99"')
    whole = decode([body])
    assert [e.data for e in whole[0]][-1] == "[DONE]"
    for first in range(len(body) + 1):
        for second in range(first, len(body) + 1):
            assert decode([body[:first], body[first:second], body[second:]]) == whole


def test_openai_stream_events() -> None:
    events = datas([s.OPENAI_STREAM_USAGE])
    assert len(events) == 10
    assert events[-1] == "[DONE]"
    payloads = [json.loads(data) for data in events[:-1]]
    text = "".join(c["delta"].get("content") or "" for p in payloads for c in p["choices"])
    assert text == s.OPENAI_ANSWER


@pytest.mark.parametrize(
    "variant",
    [s.OPENAI_CRLF, s.OPENAI_CR, s.OPENAI_NO_SPACE, s.OPENAI_BOM, s.OPENAI_BOM_CRLF, s.OPENAI_KEEPALIVES],
)
def test_framing_variants_give_the_same_data(variant: bytes) -> None:
    assert datas([variant]) == datas([s.OPENAI_STREAM_USAGE])


def test_id_retry_and_blank_lines_give_no_empty_events() -> None:
    events, last_id, retry, comments = decode([s.OPENAI_ID_RETRY])
    assert [e.data for e in events] == datas([s.OPENAI_STREAM_USAGE])
    assert all(e.data.strip() for e in events)
    assert [e.id for e in events[:3]] == ["0", "1", "2"]
    assert last_id == "last"
    assert retry == 1000
    assert comments == 10  # one ": ping" after each event


def test_bom_split_across_reads() -> None:
    assert datas([b"\xef", b"\xbb", b"\xbf", b"data: x\n\n"]) == ["x"]
    assert datas([b"\xef\xbb", b"\xbfdata: x\n\n"]) == ["x"]
    assert datas([b"\xef", b"\xbb\xbfdata: x\n", b"\n"]) == ["x"]


def test_bom_is_only_dropped_at_the_start() -> None:
    assert datas([b"data: a\n\n\xef\xbb\xbfdata: b\n\n"]) == ["a"]  # "\ufeffdata" is an unknown field
    assert datas([b"data: \xef\xbb\xbfa\n\n"]) == ["\ufeffa"]


def test_a_start_that_only_looks_like_a_bom_is_kept() -> None:
    assert datas([b"d", b"ata: 1\n\n"]) == ["1"]
    assert datas([b"\xef", b"data: 1\n\n"]) == []  # "\ufffddata": not a field we know


def test_cr_at_the_end_of_one_read_and_lf_at_the_start_of_the_next() -> None:
    # Were the LF taken for a second line end, the blank line would split the event in two.
    assert datas([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]) == ["a\nb"]
    assert datas([b"data: a\r", b"", b"\n", b"\r\n"]) == ["a"]
    # A CR then a CR is a blank line, not a skipped byte.
    assert datas([b"data: a\r", b"\rdata: b\r\r"]) == ["a", "b"]


def test_cr_only_and_mixed_line_endings() -> None:
    assert datas([b"data: a\r\rdata: b\r\r"]) == ["a", "b"]
    assert datas([b"data: a\n\r\ndata: b\r\n\n"]) == ["a", "b"]


def test_multi_line_data_is_joined_with_newlines() -> None:
    assert datas([b'data: {"a":\ndata: 1}\n\n']) == ['{"a":\n1}']
    assert json.loads(datas([s.MULTILINE_DATA])[0])["choices"][0]["delta"]["content"] == "two lines"
    assert datas([b"data: x\ndata:\ndata: y\n\n"]) == ["x\n\ny"]


def test_u2028_and_u2029_inside_json_are_not_line_breaks() -> None:
    events = datas([s.RAW_U2028])
    assert len(events) == 3
    assert json.loads(events[0])["choices"][0]["delta"]["content"] == "line\u2028next\u2029end"
    # Every split inside the three bytes of U+2028 still decodes it whole.
    body = s.RAW_U2028
    for cut in s.offsets_inside_utf8(body, "\u2028"):
        assert datas([body[:cut], body[cut:]]) == events


def test_multibyte_split_across_reads_like_openai_python() -> None:
    # openai-python's test_multi_byte_character_multiple_chunks ("известни").
    assert datas([b"data: \xd0", b"\xb8\xd0\xb7\xd0", b"\xb2\xd0\xb5\xd1\x81\xd1\x82\xd0\xbd\xd0\xb8\n\n"]) == [
        "известни"
    ]


def test_space_after_the_colon() -> None:
    assert datas([b"data:{}\n\n"]) == ["{}"]
    assert datas([b"data:  [DONE]\n\n"]) == [" [DONE]"]  # only one space is stripped
    assert datas([b"data:\t1\n\n"]) == ["\t1"]


def test_comments_unknown_fields_and_empty_events_are_skipped() -> None:
    events, _, _, comments = decode([b": keep-alive\n\n:\n\nfoo: bar\n\ndata\n\nevent: ping\n\nid: 3\n\n\n\n"])
    assert events == []
    assert comments == 2


def test_event_name_applies_to_its_event_only() -> None:
    events = decode([b"event: error\ndata: {}\n\ndata: 2\n\n"])[0]
    assert [(e.event, e.data) for e in events] == [("error", "{}"), ("", "2")]


def test_id_persists_and_nul_ids_are_ignored() -> None:
    events, last_id, _, _ = decode([b"id: 1\ndata: a\n\ndata: b\n\nid: x\x00y\ndata: c\n\n"])
    assert [(e.id, e.data) for e in events] == [("1", "a"), ("1", "b"), ("1", "c")]
    assert last_id == "1"


def test_retry_is_parsed_and_bad_values_ignored() -> None:
    assert decode([b"retry: 3000\n\n"])[2] == 3000
    assert decode([b"retry: 3000\n\nretry: soon\n\nretry: -1\n\n"])[2] == 3000


def test_eof_dispatches_a_last_event_without_its_blank_line() -> None:
    assert datas([b"data: 1\n\ndata: 2\n"]) == ["1", "2"]
    assert datas([b"data: 1\n\ndata: 2"]) == ["1", "2"]  # the cut line is left to the JSON parser
    decoder = SseDecoder()
    assert decoder.feed(b"data: unfinished") == []
    assert [e.data for e in decoder.flush()] == ["unfinished"]
    assert decoder.flush() == []


def test_empty_reads_change_nothing() -> None:
    decoder = SseDecoder()
    assert decoder.feed(b"") == []
    assert [e.data for e in decoder.feed(b"data: 1\n\n")] == ["1"]
    assert decoder.flush() == []


def test_a_large_event_in_small_reads_is_fast() -> None:
    payload = json.dumps({"b64": "A" * (2 * 1024 * 1024)}).encode()
    body = b"data: " + payload + b"\n\n"
    decoder = SseDecoder()
    started = time.monotonic()
    events: list[SseEvent] = []
    for offset in range(0, len(body), 16 * 1024):
        events += decoder.feed(body[offset : offset + 16 * 1024])
    elapsed = time.monotonic() - started
    assert [len(e.data) for e in events] == [len(payload)]
    assert elapsed < 2.0
