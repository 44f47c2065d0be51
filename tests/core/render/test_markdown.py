import html
import re
from collections.abc import Iterator

import pytest

from desktop_client.core.render import Rendered, StreamingMarkdown, render_markdown
from desktop_client.core.render import html as html_module
from desktop_client.core.render.lines import LINE_CAP, MARK_RE, LineCutter, cut_plain, fill_marks

TAG_RE = re.compile(r"<[^>]+>")
MATH_SPAN = re.compile(r'<span style="font-family:[^"]*serif; font-style:italic;">')


def visible(fragment: str) -> str:
    return html.unescape(TAG_RE.sub("", fragment))


# ----------------------------------------------------------------------------- blocks


def test_table_has_borders_and_header_row() -> None:
    out = render_markdown("| Name | Qty |\n|:-----|----:|\n| apple | 3 |\n| pear | 10 |\n").html
    assert '<table border="1" cellspacing="0" cellpadding="5"' in out
    assert re.search(r'<th align="left" bgcolor="#[0-9a-f]+">Name</th>', out)
    assert '<td align="right">10</td>' in out
    assert out.index("<thead>") < out.index("<tbody>")


def test_code_block_is_highlighted_with_a_copy_link() -> None:
    text = "Intro\n\n```python\ndef f(x):\n    return x + 1\n```\n\nthen\n\n```bash\necho hi\n```\n"
    out = render_markdown(text)
    assert out.code_blocks == ("def f(x):\n    return x + 1", "echo hi")
    assert '<a href="copy:0">Copy</a>' in out.html
    assert '<a href="copy:1">Copy</a>' in out.html
    header = out.html[: out.html.index("<pre")]
    assert "python" in visible(header)
    pre = out.html[out.html.index("<pre") :]
    assert re.match(r'<pre style="[^"]*background-color:#[0-9a-f]{6};', pre)
    # Inline styles from Pygments, never classes.
    assert '<span style="color:#' in pre
    assert "class=" not in out.html
    assert "def f(x):\n    return x + 1" in visible(out.html)


@pytest.mark.parametrize("info", ["nosuchlang", "", "c++ title=x", "{python}", "python:main.py", "🙂", "a" * 300])
def test_unknown_or_odd_languages_fall_back_to_plain_text(info: str) -> None:
    out = render_markdown(f"```{info}\nx = <y> & z\n```\n")
    assert visible(out.html).count("x = <y> & z") == 1
    assert "<y>" not in out.html
    assert out.code_blocks == ("x = <y> & z",)


def test_indented_code_block_counts_as_code() -> None:
    out = render_markdown("Para\n\n    indented $x$\n    code\n")
    assert out.code_blocks == ("indented $x$\ncode",)
    assert "copy:0" in out.html
    assert "italic" not in out.html


def test_dark_palette_changes_backgrounds() -> None:
    light = render_markdown("```python\nx = 1\n```\n\n`y`").html
    dark = render_markdown("```python\nx = 1\n```\n\n`y`", dark=True).html
    assert light != dark
    assert "#161b22" in dark and "#161b22" not in light


def test_inline_code_is_monospace_on_a_background() -> None:
    out = render_markdown("Use `a < b` here").html
    code_span = r'<span style="font-family:[^"]*monospace; background-color:#[0-9a-f]+;">a &lt; b</span>'
    assert re.search(code_span, out)


def test_rendered_is_frozen() -> None:
    out = render_markdown("hi")
    assert isinstance(out, Rendered)
    with pytest.raises(AttributeError):
        out.html = "x"  # type: ignore[misc]


def test_strikethrough_lists_quotes_rules() -> None:
    out = render_markdown("~~old~~ new\n\n- a\n- b\n\n3. x\n4. y\n\n> said\n\n---\n").html
    assert "<s>old</s>" in out
    assert "<ul>" in out and '<ol start="3">' in out
    assert "<blockquote>" in out and "<hr />" in out


# ----------------------------------------------------------------------------- safety


def test_raw_html_is_escaped() -> None:
    out = render_markdown('<script>alert("x")</script>\n\nHi <img src=x onerror=alert(1)> <b>bold</b>').html
    assert "<script" not in out
    assert "&lt;script&gt;" in out
    assert "<img" not in out
    assert "<b>" not in out


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "vbscript:x",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD4=",
        "copy:0",
        "/relative",
    ],
)
def test_unsafe_links_become_text(href: str) -> None:
    out = render_markdown(f"[click me]({href}) and <{href}>").html
    assert "href=" not in out
    assert "click me" in visible(out)


def test_safe_links_are_kept() -> None:
    out = render_markdown('[a](https://example.com/x?q=1&r=2 "T") [b](mailto:me@example.com) <http://x.org>').html
    assert '<a href="https://example.com/x?q=1&amp;r=2" title="T">a</a>' in out
    assert '<a href="mailto:me@example.com">b</a>' in out
    assert '<a href="http://x.org">http://x.org</a>' in out


def test_images_by_scheme() -> None:
    png = "data:image/png;base64,iVBORw0KGgo="
    out = render_markdown(
        f"![cat](https://e.com/cat.png) ![dot]({png}) ![evil](javascript:alert(1)) "
        "![file](file:///etc/passwd) ![page](data:text/html;base64,AAAA) ![rel](cat.png)"
    ).html
    assert '<img src="https://e.com/cat.png" alt="cat" />' in out
    assert f'<img src="{png}" alt="dot" />' in out
    assert out.count("<img") == 2
    for alt in ("evil", "file", "page", "rel"):
        assert alt in visible(out)


def test_placeholders_cannot_be_forged() -> None:
    out = render_markdown("a \ue0000\ue001 b $x$").html
    assert "\ue000" not in out and "\ue001" not in out


def test_math_in_attributes_stays_source() -> None:
    out = render_markdown('![a $x$ b](https://e.com/i.png) [l](https://e.com "t $y$")').html
    assert 'alt="a $x$ b"' in out
    assert 'title="t $y$"' in out


# ----------------------------------------------------------------------------- math


def test_inline_math_is_converted() -> None:
    out = render_markdown(r"Let $\alpha^2 + \frac{a}{b}$ and \(\beta_1\) be given.").html
    text = visible(out)
    assert "α² + a/b" in text
    assert "β₁" in text
    assert len(MATH_SPAN.findall(out)) == 2
    assert "$" not in text and "\\(" not in text


def test_math_keeps_structure_readable() -> None:
    out = render_markdown(r"$x_{ij}^{T} = \frac{n+1}{2} \le \sqrt{y}$").html
    assert "x<sub>ij</sub><sup>T</sup>" in out
    assert "(n+1)/2 ≤ √(y)" in visible(out)


def test_display_math_is_a_centered_paragraph() -> None:
    for src in ("$$\\sum_{i=1}^n \\alpha_i$$", "\\[\n\\alpha = 1\n\\]", "$$\n\\alpha\n$$"):
        out = render_markdown(f"Before:\n{src}\nAfter.").html
        assert re.search(r'<p align="center" style="[^"]*italic[^"]*">[^\n]*α[^\n]*</p>', out), src
        assert "<p>Before:</p>" in out
        assert "<p>After.</p>" in out


def test_display_math_in_a_list_and_quote() -> None:
    out = render_markdown("1. Step\n   $$x^2$$\n2. Next\n\n> Quote\n> $$y_1$$\n").html
    assert "x²" in out and "<li>" in out
    assert "<blockquote>" in out and "y₁" in out


def test_currency_is_not_math() -> None:
    for text in (
        "It costs $5 and $10.",
        "Between $20,000 and $30,000 per year",
        "From $5-$10 each",
        "US$3 or US$4",
        "Pay $5. Then pay $6.",
        "Cost is $5 and $10; energy is high.",
    ):
        out = render_markdown(text).html
        assert "italic" not in out, text
        assert visible(out).strip() == text, text


def test_math_inside_code_is_untouched() -> None:
    text = "Run `echo $HOME $x$` now.\n\n```latex\n$\\alpha$ and \\(x\\)\n```\n\n``a $b$ `c` d``"
    out = render_markdown(text)
    assert out.code_blocks == ("$\\alpha$ and \\(x\\)",)
    shown = visible(out.html)
    assert "echo $HOME $x$" in shown
    assert "$\\alpha$ and \\(x\\)" in shown
    assert "a $b$ `c` d" in shown
    assert "α" not in shown


def test_escaped_dollars_are_literal() -> None:
    out = render_markdown(r"Price \$5 and \$x\$").html
    assert "italic" not in out
    assert "$5" in visible(out)


def test_bad_latex_shows_source_in_monospace() -> None:
    out = render_markdown(r"Broken $\frac{a$ here").html
    assert re.search(r'<span style="font-family:[^"]*monospace;">\$\\frac\{a\$</span>', out)


def test_markdown_syntax_inside_math_is_not_interpreted() -> None:
    out = render_markdown(r"$a_1 * b_2 * c$ and $[x](y)$").html
    assert "<em>" not in out
    assert "<a " not in out


def test_formulas_do_not_span_list_items() -> None:
    out = render_markdown("- costs $5\n- then x$ more\n").html
    assert "italic" not in out


def test_cjk_text_passes_through() -> None:
    text = "中文段落，包含**粗体**和`代码`。日本語のテキスト。한국어 문장."
    out = render_markdown(f"# 标题\n\n{text}\n\n| 列 | 值 |\n|---|---|\n| 一 | 二 |\n")
    shown = visible(out.html)
    assert "标题" in shown
    assert "中文段落，包含粗体和代码。日本語のテキスト。한국어 문장." in shown
    assert '<td align="left">一</td>' in out.html


# ----------------------------------------------------------------------------- streaming


def long_answer() -> str:
    parts = ["# Streaming report\n\nThis answer mixes every kind of block, with $\\alpha$ math.\n\n"]
    parts.append("## Code\n\nHere is a long listing:\n\n```python\n")
    parts += [f"value_{i} = compute({i}, 'line {i}')  # step {i}\n" for i in range(300)]
    parts.append("```\n\n")
    parts.append("## Table\n\n| Key | Value |\n|-----|------:|\n")
    parts += [f"| key{i} | **{i * 7}** |\n" for i in range(40)]
    parts.append("\n- item one\n- item *two*\n\n  continued item two\n\n- item three\n\n")
    parts.append("> quoted wisdom\n> continues `here`\n\n")
    for n in range(120):
        sentences = " ".join(
            f"Sentence {n}x{k} has **bold{k}** and `code{k}` with $x_{k}$ inside." for k in range(8)
        )
        parts.append(f"### Section {n}\n\n{sentences}\n\n")
        if n % 10 == 0:
            parts.append(f"```js\nconsole.log('block {n}');\n```\n\n")
    # Lines long enough to be split while streaming, short enough not to be cut for display.
    lines = (" ".join(f"word{i}." for i in range(k, k + 500)) for k in range(0, 3000, 500))
    parts.append("One very long paragraph: " + "\n".join(lines) + "\n")
    return "".join(parts)


class ParserSpy:
    """Records the size of every input handed to markdown-it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        real = html_module._md_render

        def spy(src: str, env: html_module.EnvType, inline: bool = False) -> str:
            self.sizes.append(len(src))
            return real(src, env, inline)

        monkeypatch.setattr(html_module, "_md_render", spy)


def feed(stream: StreamingMarkdown, text: str, spy: ParserSpy, step: int) -> Iterator[tuple[list[str], str, int]]:
    """Append ``text`` in pieces; yield frozen fragments, tail and the tail's parser input sizes."""
    for i in range(0, len(text), step):
        stream.append(text[i : i + step])
        frozen = stream.take_frozen()
        spy.sizes.clear()
        tail = stream.tail_html()
        yield frozen, tail, sum(spy.sizes)


def test_streaming_long_answer_char_by_char(monkeypatch: pytest.MonkeyPatch) -> None:
    text = long_answer()
    assert len(text) > 100_000
    spy = ParserSpy(monkeypatch)
    stream = StreamingMarkdown()
    fragments: list[str] = []
    tail_inputs: list[int] = []
    tail = ""
    for frozen, tail, parsed in feed(stream, text, spy, step=1):
        fragments.extend(frozen)
        tail_inputs.append(parsed)
    assert stream.take_frozen() == []

    # (c) no tail_html() call hands the parser much text, nor do they all together.
    assert max(tail_inputs) <= StreamingMarkdown.SOFT_LIMIT
    assert sum(tail_inputs) <= 10 * len(text)

    # (a) frozen fragments and the final tail show all of the text, in order.
    shown = visible("".join(fragments) + tail)
    lines = [f"value_{i} = compute({i}, 'line {i}')  # step {i}" for i in range(300)]
    pos = 0
    for line in lines:
        pos = shown.index(line, pos)
    formula_words = {"alpha", "x_0", "x_1", "x_2", "x_3", "x_4", "x_5", "x_6", "x_7"}
    for word in set(re.findall(r"\w+", text)) - formula_words - {"python", "js"}:
        assert word in shown, word
    assert "α" in shown and "x₇" in shown

    # (b) every block is handed out exactly once.
    for line in lines:
        assert shown.count(line) == 1
    for n in range(120):
        assert len(re.findall(rf"Section {n}(?!\d)", shown)) == 1
        assert len(re.findall(rf"Sentence {n}x7(?!\d)", shown)) == 1

    # Copy links line up with the final numbering and the collected sources.
    final = stream.finish()
    assert stream.code_blocks == list(final.code_blocks)
    assert stream.code_blocks[0] == "\n".join(lines)
    streamed_links = re.findall(r'href="copy:(\d+)"', "".join(fragments) + tail)
    assert streamed_links == [str(i) for i in range(len(final.code_blocks))]

    # (d) the final rendering is the exact one.
    assert final == render_markdown(text)


def test_streaming_tail_stays_bounded_as_answer_grows_to_200kb(monkeypatch: pytest.MonkeyPatch) -> None:
    unit = long_answer()
    text = (unit * (200_000 // len(unit) + 1))[:200_000]
    spy = ParserSpy(monkeypatch)
    stream = StreamingMarkdown()
    worst_by_size: dict[int, int] = {}
    total = 0
    for i, (_, _, parsed) in enumerate(feed(stream, text, spy, step=5)):
        bucket = i * 5 // 50_000
        worst_by_size[bucket] = max(worst_by_size.get(bucket, 0), parsed)
        total += parsed
    # The same bound holds at 50 KB and at 200 KB, and the total stays linear.
    assert len(worst_by_size) == 4
    assert max(worst_by_size.values()) <= StreamingMarkdown.SOFT_LIMIT
    assert total <= 10 * len(text)
    assert stream.finish() == render_markdown(text)


def test_spliced_tail_matches_rendering_the_open_block_whole() -> None:
    # The tail reuses renderings of the settled part of the open block; that must not
    # change what is shown. (White-box: compares with a whole rendering of the buffer.)
    text = long_answer()[:40_000] + (
        "Intro with *emphasis. Spanning* sentences and **bold. Also** spanning. snake_case here.\n"
        "Second line of it with `code. span` and [a link. x](https://e.com/a.b) end.\n\n"
        "- Item one. With **bold. text** ok.\n- Item two `code | pipe`\n  - nested a\n- Item four\n\n"
        "1. First\n2. Second\n10. Tenth\n\n| A | B |\n|:-:|--:|\n| 1. a | **b. c** |\n| \\| esc | two |\n\n"
        "> Quote one. Two.\n> Quote *three. four*\n\nPrice $5. Then $10. And $a^2$ too.\n"
    )
    stream = StreamingMarkdown()
    for i in range(0, len(text), 3):
        stream.append(text[i : i + 3])
        stream.take_frozen()
        tail = stream.tail_html()
        if stream._fence is None and stream._buf.strip():
            assert tail == stream._render_block(stream._buf)[0], stream._buf[-200:]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 4000 + "]" * 4000,
        "a_" * 6000,
        "$" * 8000,
        "*" * 8000,
        "> [a *b\n" * 1000,
        "- [a *b\n  - c `d\n" * 500,
        "| a | b |\n|---|---|\n" + "| [x | *y |\n" * 1000,
        " " * 20000 + "x",
        "中文" * 5000,
    ],
)
def test_streaming_pathological_input_costs_linear_work(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    spy = ParserSpy(monkeypatch)
    stream = StreamingMarkdown()
    total = 0
    for _, _, parsed in feed(stream, text, spy, step=4):
        total += parsed
    assert total <= 40 * len(text)
    assert stream.finish() == render_markdown(text)


def test_streaming_freezes_blocks_after_blank_lines() -> None:
    stream = StreamingMarkdown()
    stream.append("Hello *world*\n")
    assert stream.take_frozen() == []
    assert "<em>world</em>" in stream.tail_html()
    stream.append("\n")
    assert stream.take_frozen() == ["<p>Hello <em>world</em></p>\n"]
    assert stream.tail_html() == ""
    stream.append("```py\nx = 1\n")
    assert stream.take_frozen() == []
    assert "copy:0" in stream.tail_html()
    stream.append("```\n")
    frozen = stream.take_frozen()
    assert len(frozen) == 1 and "copy:0" in frozen[0]
    assert stream.code_blocks == ["x = 1"]
    stream.append("| a | b |\n|---|---|\n| 1 | 2 |\n\n## Head\nText")
    frozen = stream.take_frozen()
    assert len(frozen) == 2 and "<table" in frozen[0] and frozen[1] == "<h2>Head</h2>\n"
    assert stream.tail_html() == "<p>Text</p>\n"


def test_streaming_list_waits_for_the_next_line() -> None:
    stream = StreamingMarkdown()
    stream.append("1. First\n\n")
    assert stream.take_frozen() == []
    stream.append("   more of first\n\n2")
    frozen = stream.take_frozen()
    assert len(frozen) == 1 and "more of first" in frozen[0] and "<pre" not in frozen[0]
    stream.append(". Second\n")
    assert "Second" in stream.tail_html()


def test_streaming_long_code_block_is_frozen_in_chunks() -> None:
    stream = StreamingMarkdown()
    stream.append("Look:\n```python\n")
    for i in range(100):
        stream.append(f"x{i} = {i}\n")
    frozen = stream.take_frozen()
    # The intro, then three chunks of 32 lines; the first carries the header.
    assert visible(frozen[0]).strip() == "Look:"
    assert "copy:0" in frozen[1]
    assert len(frozen) == 4
    assert all("margin-bottom:0;" in f for f in frozen[1:])
    assert all("margin-top:0;" in f for f in frozen[1:])
    tail = visible(stream.tail_html())
    assert "x99 = 99" in tail and "x0 = 0" not in tail
    stream.append("```\n")
    assert stream.code_blocks == ["\n".join(f"x{i} = {i}" for i in range(100))]
    assert "x99 = 99" in visible("".join(stream.take_frozen()))


def test_streaming_long_paragraph_is_frozen_at_sentence_ends() -> None:
    stream = StreamingMarkdown()
    text = " ".join(f"Sentence number {i} is here." for i in range(160))  # one line, under the cut
    for i in range(0, len(text), 4):
        stream.append(text[i : i + 4])
    frozen = stream.take_frozen()
    assert len(frozen) >= 2
    assert all(visible(f).strip().endswith("here.") for f in frozen)
    assert visible("".join(frozen) + stream.tail_html()).count("Sentence number") == 160


def test_streaming_long_table_is_frozen_in_row_chunks() -> None:
    stream = StreamingMarkdown()
    text = "| Key | Value |\n|---|---|\n" + "".join(f"| k{i} | v{i} |\n" for i in range(300)) + "\n"
    stream.append(text)
    frozen = stream.take_frozen()
    assert len(frozen) > 1
    assert all("<table" in f for f in frozen)
    assert sum("<thead>" in f for f in frozen) == 1
    assert visible("".join(frozen)).count("v299") == 1


def test_streaming_math_and_currency() -> None:
    stream = StreamingMarkdown()
    for ch in "Cost is $5 and $10; energy $E=mc^2$.\n\n":
        stream.append(ch)
    frozen = "".join(stream.take_frozen())
    assert "$5 and $10" in visible(frozen)
    assert "E=mc²" in visible(frozen)


def test_streaming_handles_crlf_split_across_deltas() -> None:
    stream = StreamingMarkdown()
    for part in ("Para one\r", "\n\r", "\nPara two\r\n"):
        stream.append(part)
    assert stream.take_frozen() == ["<p>Para one</p>\n"]
    assert stream.finish() == render_markdown("Para one\r\n\r\nPara two\r\n")


def test_streaming_dark_matches_render_markdown_dark() -> None:
    stream = StreamingMarkdown(dark=True)
    stream.append("```python\nx = 1\n```\n")
    assert "#161b22" in "".join(stream.take_frozen())
    assert stream.finish() == render_markdown("```python\nx = 1\n```\n", dark=True)


# ----------------------------------------------------------------------------- over-long lines


def marks_of(html_text: str) -> list[int]:
    return [int(n) for n in MARK_RE.findall(html_text)]


def longest_line(html_text: str) -> int:
    return max(len(line) for line in MARK_RE.sub("", visible(html_text)).split("\n"))


def test_an_over_long_line_is_cut_for_display_and_its_code_block_keeps_it_whole() -> None:
    prose = "".join(chr(0x61 + i % 26) for i in range(LINE_CAP * 3))
    exact = "e" * LINE_CAP
    code = "c = '" + "x" * (LINE_CAP * 2) + "'"
    out = render_markdown(f"{prose}\n\n{exact}\n\n```python\n{code}\nprint(c)\n```\n\nafter")
    shown = visible(out.html)
    assert marks_of(out.html) == [len(prose), len(code)]
    assert prose[:LINE_CAP] in shown and prose[: LINE_CAP + 1] not in shown
    assert exact in shown  # a line of exactly the cap is left alone
    assert "print(c)" in shown and "after" in shown
    assert longest_line(out.html) <= LINE_CAP
    assert out.code_blocks == (f"{code}\nprint(c)",)


def test_streaming_cuts_a_line_that_grows_past_the_cap_across_deltas() -> None:
    prose = "".join(chr(0x61 + i % 26) for i in range(LINE_CAP * 4))
    code = "x = [" + ", ".join(map(str, range(LINE_CAP))) + "]"
    text = f"Intro.\n\n{prose}\n\n```python\n{code}\n```\n\nEnd, then {prose}"
    stream = StreamingMarkdown()
    fragments: list[str] = []
    open_marks: list[int] = []
    for i in range(0, len(text), 512):
        stream.append(text[i : i + 512])
        fragments += stream.take_frozen()
        open_marks += marks_of(stream.tail_html())
    html_text = "".join(fragments) + stream.tail_html()
    assert marks_of(html_text) == [len(prose), len(code), len("End, then ") + len(prose)]
    # While a line arrives past the cap, the tail says how long it is so far.
    assert any(LINE_CAP < n < len(prose) for n in open_marks)
    assert longest_line(html_text) <= LINE_CAP
    assert "Intro." in visible(html_text) and "End, then" in visible(html_text)
    assert stream.code_blocks == [code]
    assert stream.finish() == render_markdown(text)


def test_cut_tokens_and_marks_cannot_be_forged() -> None:
    forged = "a \ue0130\ue014 b \ue0155\ue016 c\n\n```\nd \ue0130\ue014\n```\n"
    out = render_markdown(forged)
    stream = StreamingMarkdown()
    stream.append(forged)
    for html_text in (out.html, "".join(stream.take_frozen()) + stream.tail_html()):
        assert not MARK_RE.search(html_text)
        assert not re.search("[\ue013-\ue016]", html_text)


def test_a_very_long_code_line_is_not_highlighted() -> None:
    # Pygments takes tens of milliseconds over thousands of dense characters.
    short = render_markdown("```python\nx = [1, 2]\n```").html
    long = render_markdown("```python\nx = [" + ", ".join(map(str, range(400))) + "]\n```").html
    assert "<span style=" in short
    assert "<span style=" not in long


def test_line_cutter_shows_the_same_however_the_text_is_split() -> None:
    text = "short\n" + "x" * 25 + "\n" + "y" * 10 + "\n\n" + "z" * 12
    whole = LineCutter(10, keep_tails=True)
    expected = whole.feed(text) + whole.close()
    assert whole.lengths == [25, 12]
    assert whole.restore(expected) == text
    for step in (1, 3, 7, 11):
        cutter = LineCutter(10, keep_tails=True)
        shown = "".join(cutter.feed(text[i : i + step]) for i in range(0, len(text), step)) + cutter.close()
        assert shown == expected
        assert cutter.restore(shown) == text


def test_plain_text_cut_and_marks_in_words() -> None:
    assert cut_plain("a" * 7 + "\nok\n" + "b" * 5, "[%1 cut]", cap=5) == "aaaaa[7 cut]\nok\n" + "b" * 5
    assert cut_plain("short", "[%1]") == "short"
    template = "… [%1 characters <cut>]"
    assert (
        fill_marks("x\ue0151234567\ue016", template, escape=html.escape) == "x… [1,234,567 characters &lt;cut&gt;]"
    )
