"""Read an article (plain text, Markdown or HTML) into clean text, and find its date.

HTML is read into paragraphs with BeautifulSoup (scripts, styles, navigation, headers, footers
and asides dropped; ``<p>``, headings and list items kept, inline markup inside its sentence).
On a news page, trafilatura (Barbaresi, "Trafilatura: A Web Scraping Library and Command-Line
Tool for Text Discovery and Extraction", ACL 2021 demos) then says which paragraphs are the
article: the headline and body, not the trending and related-story lists, newsletter promotions
and comments around them, which are full of other deals' headlines ("OpenAI signs $300 billion
cloud contract with Oracle") that the article does not report. A fragment in which it finds no
article keeps all its paragraphs.
Markdown is mostly prose already: link targets, emphasis marks and heading
hashes are removed so quotes read like the article. Binary or empty input is refused with a
clear :class:`ArticleError`. Input longer than ``max_chars`` is cut there (news articles are a
few thousand characters; a 10 MB "article" is almost surely not one), and the caller is told.

The article date is taken from HTML ``<meta>``/``<time>`` tags when present, otherwise from the
first date-like expression in the first lines (parsed with ``dateparser``, never "now").

Example
-------
>>> doc = read_article_bytes(b"<html><body><p>Nov 3, 2025 - OpenAI signs.</p></body></html>")
>>> doc.text, doc.date.isoformat()
('Nov 3, 2025 - OpenAI signs.', '2025-11-03')
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

#: Default cap on characters processed per article (about 200 pages of prose).
MAX_CHARS = 1_000_000
#: Cap on bytes read from one input (a little more than MAX_CHARS of 4-byte UTF-8).
MAX_BYTES = 4 * MAX_CHARS + 16


class ArticleError(ValueError):
    """The input cannot be read as an article (binary, empty, wrong encoding…)."""


@dataclass(frozen=True)
class Article:
    text: str
    name: str
    date: dt.date | None = None
    truncated: bool = False
    original_chars: int = 0
    fmt: str = "text"


_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_RE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}})\b",
    re.IGNORECASE,
)


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes, or many control bytes in the first 8 KB."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(head) > 0.05


def _decode(data: bytes, name: str) -> str:
    bom16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    for enc in ("utf-16",) if bom16 else ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            if enc != "utf-16" and exc.start >= len(data) - 4:
                return data[: exc.start].decode(enc)  # input cut inside a multi-byte character
            continue
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ArticleError(f"{name}: not UTF-8 or Windows-1252 text") from None


def _is_html(text: str) -> bool:
    head = text[:2000].lower()
    return bool(re.search(r"<(?:!doctype html|html|body|p|div|article|head)\b", head))


# Shorter than this, trafilatura's reading of a page is taken for a caption or a teaser it
# picked by mistake, and the whole page's paragraphs are read instead.
_MIN_ARTICLE_CHARS = 100


def _html_to_text(html: str) -> tuple[str, dt.date | None]:
    """The article's text and date from an HTML page (its main content) or fragment.

    The paragraphs are BeautifulSoup's (:func:`_paragraphs_of`: inline markup such as
    ``<b>$9.7 billion</b>`` stays inside its sentence); trafilatura only says which of them are
    the article — those its main-content text contains, and the headline.
    """
    blocks, date = _paragraphs_of(html)
    main = _main_content(html)
    if main is not None:
        body, title, main_date = main
        kept = _in_order(blocks, body, title)
        if sum(len(b) for b in kept) >= min(_MIN_ARTICLE_CHARS, sum(len(b) for b in blocks)):
            blocks, date = kept, date or main_date
    text = "\n".join(blocks)
    return re.sub(r"\s+([.,;:!?])", r"\1", text), date


def _in_order(blocks: list[str], body: str, title: str) -> list[str]:
    """The blocks found in ``body`` in page order (one forward scan, so a long page stays
    linear), and the first block that is the headline ``title``."""
    kept, at, headline = [], 0, bool(title)
    for b in blocks:
        nb = _norm(b)
        if headline and nb == title:
            kept.append(b)
            headline = False
            continue
        found = body.find(nb, at) if nb else -1
        if found >= 0:
            kept.append(b)
            at = found + len(nb)
    return kept


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _main_content(html: str) -> tuple[str, str, dt.date | None] | None:
    """The main content of a news page as trafilatura reads it (whitespace-normalized text),
    its headline and its date; None when it finds no article. Nothing is fetched: it reads the
    markup given. (trafilatura 2 returns a ``Document``; hence the lower bound in pyproject.)"""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, favor_recall=True, include_comments=False, include_tables=False,
            with_metadata=True,
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - a page it cannot read is read the plain way
        return None
    body = _norm(getattr(doc, "text", None) or "") if doc is not None else ""
    if not body:
        return None
    title = _norm(getattr(doc, "title", None) or "")
    return body, title, parse_date(str(getattr(doc, "date", None) or ""))


def _paragraphs_of(html: str) -> tuple[list[str], dt.date | None]:
    """Every paragraph, heading and list item of ``html`` (scripts, styles, navigation,
    headers, footers and asides dropped), and the date its meta or time tags give."""
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    date = None
    for attrs in (
        {"property": "article:published_time"},
        {"name": "date"},
        {"name": "pubdate"},
        {"itemprop": "datePublished"},
        {"name": "publish-date"},
    ):
        tag = soup.find("meta", attrs=attrs)
        if tag and tag.get("content"):
            date = parse_date(str(tag["content"]))
            if date:
                break
    if date is None:
        tag = soup.find("time")
        if tag is not None:
            date = parse_date(str(tag.get("datetime") or tag.get_text(" ")))
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "aside", "form"]):
        tag.decompose()
    blocks = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "blockquote", "pre"]):
        if el.find(["p", "li"]):  # a container: its children are visited on their own
            continue
        t = _norm(el.get_text(" "))
        if t:
            blocks.append(t)
    if not blocks:
        blocks = [re.sub(r"[ \t]+", " ", soup.get_text("\n")).strip()]
    return blocks, date


def _markdown_to_text(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links -> their text
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text, flags=re.MULTILINE)  # headings
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)  # bold
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"\1", text)  # italics
    text = re.sub(r"^\s{0,3}>\s?", "", text, flags=re.MULTILINE)  # block quotes
    return text


def parse_date(text: str) -> dt.date | None:
    """A calendar date from a string such as '2025-11-03', 'Nov 03 2025', '3 November 2025'."""
    import dateparser

    text = text.strip()[:100]
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first"},
    )
    return parsed.date() if parsed else None


def find_article_date(text: str, head_chars: int = 600) -> dt.date | None:
    """First date written in the article's opening (a dateline or 'Updated:' line)."""
    for m in _DATE_RE.finditer(text[:head_chars]):
        date = parse_date(m.group(0))
        if date and dt.date(1990, 1, 1) <= date <= dt.date.today() + dt.timedelta(days=2):
            return date
    return None


def read_article_bytes(data: bytes, name: str = "<stdin>", max_chars: int = MAX_CHARS) -> Article:
    """Decode, detect format, convert to text, cap length and find the date."""
    if not data.strip():
        raise ArticleError(f"{name}: empty input, nothing to extract")
    if looks_binary(data):
        raise ArticleError(f"{name}: looks like binary data, expected text, Markdown or HTML")
    text = _decode(data[: max(MAX_BYTES, 4 * max_chars + 16)], name)
    date = None
    fmt = "text"
    if _is_html(text):
        fmt = "html"
        text, date = _html_to_text(text)
    elif Path(name).suffix.lower() in {".md", ".markdown"} or re.search(
        r"^\s{0,3}#{1,6}\s|\]\(https?://", text[:5000], re.MULTILINE
    ):
        fmt = "markdown"
        text = _markdown_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text or not re.search(r"[A-Za-z]{2,}", text):
        raise ArticleError(f"{name}: no readable prose found")
    original = max(len(text), len(data) if len(data) > MAX_BYTES else 0)
    truncated = len(text) > max_chars or len(data) > MAX_BYTES
    if len(text) > max_chars:
        cut = text.rfind("\n", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    return Article(
        text=text,
        name=name,
        date=date or find_article_date(text),
        truncated=truncated,
        original_chars=original,
        fmt=fmt,
    )


def read_article(path: str, max_chars: int = MAX_CHARS) -> Article:
    """Read one article from a path, or from standard input when ``path`` is '-'."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        return read_article_bytes(data, "<stdin>", max_chars)
    p = Path(path)
    if not p.exists():
        raise ArticleError(f"{path}: no such file")
    if p.is_dir():
        raise ArticleError(f"{path}: is a directory, expected a file")
    with p.open("rb") as fh:
        data = fh.read(max(MAX_BYTES, 4 * max_chars + 16) + 1)
    return read_article_bytes(data, str(p), max_chars)
