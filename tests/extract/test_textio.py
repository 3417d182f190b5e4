"""Reading articles: formats, dates, and bad input (binary, empty, garbage, huge)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from dealweb.extract.textio import (
    MAX_CHARS,
    ArticleError,
    find_article_date,
    looks_binary,
    read_article,
    read_article_bytes,
)

HTML = b"""<!doctype html><html><head>
<meta property="article:published_time" content="2025-11-03T09:00:00Z">
<script>var x = "$999 billion";</script><style>p{}</style></head>
<body><nav>Home | $1 trillion club</nav>
<article><h1>Microsoft signs IREN deal</h1>
<p>Microsoft has signed a <b>$9.7 billion</b> deal with IREN.</p>
<p>IREN shares rose.</p></article></body></html>"""


def test_html_is_reduced_to_prose_and_dated_from_meta() -> None:
    a = read_article_bytes(HTML, "a.html")
    assert a.fmt == "html"
    assert a.date == dt.date(2025, 11, 3)
    assert "Microsoft has signed a $9.7 billion deal with IREN." in a.text
    assert "999" not in a.text and "trillion club" not in a.text


def test_markdown_links_and_emphasis_are_removed() -> None:
    md = b"# OpenAI and AWS\n\nOpenAI signed a **$38 billion** deal with [AWS](https://aws.amazon.com).\n"
    a = read_article_bytes(md, "a.md")
    assert a.fmt == "markdown"
    assert "OpenAI signed a $38 billion deal with AWS." in a.text


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Last Updated : Nov 03 2025 | 5:07 PM IST\nMicrosoft signs", dt.date(2025, 11, 3)),
        ("Updated: Oct 6, 2025, 7:50 AM ET\nOpenAI", dt.date(2025, 10, 6)),
        ("date 2025-09-22 Nvidia is making", dt.date(2025, 9, 22)),
        ("22 September 2025 — Nvidia", dt.date(2025, 9, 22)),
        ("No date at all in this text.", None),
    ],
)
def test_article_date(text: str, date: dt.date | None) -> None:
    assert find_article_date(text) == date


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"\x00\x01\x02\x03binary\x00", "binary"),
        (os.urandom(4096) + b"\x00", "binary"),
        (b"12345 67890 !!! ??? ...", "no readable prose"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        read_article_bytes(data, "x.txt")


def test_png_header_is_binary() -> None:
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not looks_binary("Prose with “quotes” and € signs.".encode())


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no such file"):
        read_article(str(tmp_path / "nope.txt"))
    with pytest.raises(ArticleError, match="directory"):
        read_article(str(tmp_path))


def test_windows_1252_text_is_read() -> None:
    a = read_article_bytes(b"Nvidia\x92s deal costs \x80 5 billion", "w.txt")
    assert "Nvidia’s" in a.text


def test_huge_input_is_capped(tmp_path: Path) -> None:
    # 10 MB of prose: only MAX_CHARS characters are processed, and the caller is told.
    line = "Microsoft is investing up to $5 billion in Anthropic, while Nvidia commits more. "
    path = tmp_path / "huge.txt"
    path.write_text((line * 60 + "\n") * (10_000_000 // (len(line) * 60 + 1) + 1))
    assert path.stat().st_size >= 10_000_000
    a = read_article(str(path))
    assert a.truncated
    assert len(a.text) <= MAX_CHARS
    assert a.original_chars > MAX_CHARS


def test_multibyte_character_cut_at_the_byte_cap_is_dropped_not_garbled() -> None:
    data = ("é" * 10 + "x").encode()[:-2]  # ends inside the last "é"
    a = read_article_bytes(b"Anthropic " + data, "u.txt")
    assert a.text.startswith("Anthropic é")


NEWS_PAGE = Path(__file__).parent / "data" / "news-page-with-sidebars.html"


def test_a_news_page_is_read_as_its_article_not_its_sidebars() -> None:
    a = read_article(str(NEWS_PAGE))
    assert a.fmt == "html" and a.date == dt.date(2025, 9, 25)
    lines = a.text.splitlines()
    assert lines[0] == "Nvidia backs UK data center builder Nscale in $1.1 billion round"
    assert "a deal the companies value at up to $14 billion." in a.text
    # trending and related headlines, the newsletter promotion and the comments are not the
    # article (each names a deal it does not report)
    for other in ("Oracle", "Google TPUs", "$13 billion", "Related stories", "CoreWeave",
                  "Intel", "Azure", "mark my words", "All rights reserved"):  # fmt: skip
        assert other not in a.text, other
    assert len(lines) == 5


def test_a_fragment_keeps_all_its_paragraphs() -> None:
    # too little for a page: trafilatura finds no article in it, and every paragraph is kept
    a = read_article_bytes(b"<p>Nvidia will invest $2 billion in Nscale.</p><p>Shares rose.</p>",
                           "f.html")  # fmt: skip
    assert a.text == "Nvidia will invest $2 billion in Nscale.\nShares rose."
