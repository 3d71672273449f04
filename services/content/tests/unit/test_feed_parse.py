"""Reading feeds: RSS and Atom entries, and clear reasons for what is not a feed."""

import pytest

from content.curation.feed import MAX_SUMMARY, NotAFeed, parse, strip_html

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>
<item><title>Hiring &amp; growing</title><link>https://blog.example/hiring</link>
<description>&lt;p&gt;We &lt;b&gt;hire&lt;/b&gt;&lt;/p&gt;&lt;style&gt;p{}&lt;/style&gt;
</description>
<pubDate>Tue, 01 Dec 2026 09:30:00 +0100</pubDate></item>
<item><title>No link</title></item>
<item><title>Relative</title><link>/relative</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Press</title><id>urn:p</id><updated>2026-12-01T10:00:00Z</updated>
<entry><title>Lyon</title><id>urn:1</id><link href="https://press.example/lyon"/>
<updated>2026-12-01T10:00:00Z</updated></entry></feed>"""


def test_parse_rss_strips_html_and_reads_dates_in_utc() -> None:
    entries = parse(RSS, url="https://blog.example/feed.xml")
    first = entries[0]
    assert (first.title, first.link, first.summary) == (
        "Hiring & growing",
        "https://blog.example/hiring",
        "We hire",
    )
    assert first.published_at is not None and first.published_at.isoformat() == (
        "2026-12-01T08:30:00+00:00"
    )
    # An item without a link is skipped; a relative one resolves against the feed's URL.
    assert [e.link for e in entries] == [
        "https://blog.example/hiring",
        "https://blog.example/relative",
    ]


def test_parse_atom_reads_its_entries() -> None:
    [entry] = parse(ATOM, url="https://press.example/atom")
    assert (entry.title, entry.link, entry.summary) == ("Lyon", "https://press.example/lyon", None)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"<!DOCTYPE html><html><body>Hi</body></html>", "", "HTML page"),
        (b"<html><body>Hi</body></html>", "", "HTML page"),
        (b"<rss version='2.0'></rss>", "text/html; charset=utf-8", "HTML page"),
        (bytes(range(256)), "application/octet-stream", "parseable RSS or Atom"),
        (b'{"items": []}', "application/json", "parseable RSS or Atom"),
        (b"", "", "parseable RSS or Atom"),
    ],
)
def test_parse_what_is_not_a_feed_says_why(body: bytes, content_type: str, reason: str) -> None:
    with pytest.raises(NotAFeed, match=reason):
        parse(body, url="https://x.example/feed", content_type=content_type)


def test_strip_html_bounds_the_text() -> None:
    text = strip_html("<p>" + "word " * 1000 + "</p><script>evil()</script>")
    assert len(text) == MAX_SUMMARY and text.endswith("…") and "evil" not in text
