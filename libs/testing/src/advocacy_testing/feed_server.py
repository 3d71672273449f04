"""A small RSS server on loopback for the e2e stack: the curation room fetches feeds it is given.

Each query string gets entries of its own (`/feed.xml?n=abc` → links ending in `abc`), so
sources made by separate tests never share entries (curation deduplicates by link).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Press room</title><link>http://127.0.0.1/</link>
<description>Test feed</description>
<item><title>Plant opens {n}</title><link>https://example.com/plant-{n}</link>
<description>Our new plant opens.</description></item>
<item><title>Results {n}</title><link>https://example.com/results-{n}</link>
<description>Semester results.</description></item>
</channel></rss>"""


class _Feed(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        body = RSS.format(n=query.get("n", ["0"])[0][:64]).encode()
        self.send_response(200)
        self.send_header("content-type", "application/rss+xml")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        return


@contextmanager
def feed_server() -> Iterator[str]:
    """Serve RSS on 127.0.0.1 (a free port) in a thread; yields the feed's URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()
