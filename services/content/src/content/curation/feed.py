"""Reading a feed's bytes with feedparser: its entries, or a clear reason why it is not a feed."""

import calendar
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

MAX_ENTRIES = 200  # per poll: a feed is a window on the latest articles, not an archive
MAX_TITLE = 300
MAX_SUMMARY = 2000
MAX_LINK = 2048


class NotAFeed(Exception):
    """The bytes are not an RSS or Atom feed (the message says what they look like)."""


@dataclass(frozen=True)
class FeedEntry:
    """One article of a feed, as the queue stores it."""

    title: str
    link: str
    summary: str | None
    published_at: datetime | None


def parse(body: bytes, *, url: str, content_type: str = "") -> list[FeedEntry]:
    """The entries of an RSS/Atom document (newest first as the feed lists them)."""
    if _looks_like_html(body, content_type):
        raise NotAFeed("the URL serves an HTML page, not an RSS or Atom feed")
    # content-location: relative links in the feed resolve against the feed's own URL.
    parsed: Any = feedparser.parse(
        body, response_headers={"content-location": url, "content-type": content_type}
    )
    if not parsed.get("version"):
        raise NotAFeed("the URL does not serve a parseable RSS or Atom feed")
    entries = [_entry(raw) for raw in parsed.entries[:MAX_ENTRIES]]
    return [entry for entry in entries if entry is not None]


def strip_html(text: str, *, limit: int = MAX_SUMMARY) -> str:
    """Plain text of an HTML fragment (scripts and styles dropped), whitespace collapsed."""
    stripper = _TextOnly()
    stripper.feed(text)
    stripper.close()
    plain = " ".join("".join(stripper.parts).split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


def _entry(raw: Any) -> FeedEntry | None:
    link = str(raw.get("link") or "").strip()
    if not link.startswith(("http://", "https://")) or len(link) > MAX_LINK:
        return None  # nothing to relay without a web link
    title = strip_html(str(raw.get("title") or ""), limit=MAX_TITLE) or link[:MAX_TITLE]
    summary = strip_html(str(raw.get("summary") or "")) or None
    moment = raw.get("published_parsed") or raw.get("updated_parsed")
    return FeedEntry(title=title, link=link, summary=summary, published_at=_utc(moment))


def _utc(moment: time.struct_time | None) -> datetime | None:
    # feedparser normalises every date it understands to UTC.
    return datetime.fromtimestamp(calendar.timegm(moment), UTC) if moment else None


def _looks_like_html(body: bytes, content_type: str) -> bool:
    start = body[:512].lstrip().lower()
    if start.startswith(b"\xef\xbb\xbf"):
        start = start[3:].lstrip()
    return content_type.split(";")[0].strip().lower() == "text/html" or start.startswith(
        (b"<!doctype html", b"<html")
    )


class _TextOnly(HTMLParser):
    SKIPPED = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)
