"""Header filtering and upstream URL building."""

from fastapi import Request

from gateway.proxy import REQUEST_HEADERS, RESPONSE_HEADERS, filter_headers, upstream_url


def test_filter_headers_keeps_allowed_names_lowercased() -> None:
    headers = [("Content-Type", "application/json"), ("Authorization", "Bearer t"), ("Cookie", "a")]

    kept = filter_headers(headers, REQUEST_HEADERS)

    # The caller's credential never crosses: the service gets the gateway's assertion instead.
    assert kept == [("content-type", "application/json")]


def test_filter_headers_drops_hop_by_hop_even_when_allowed() -> None:
    allowed = REQUEST_HEADERS | {"connection", "transfer-encoding", "keep-alive", "upgrade"}
    headers = [("Connection", "keep-alive"), ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c")]

    assert filter_headers(headers, allowed) == []


def test_filter_headers_drops_names_listed_in_connection() -> None:
    headers = [
        ("Connection", "close, Accept-Language"),
        ("Accept-Language", "fr"),
        ("Accept", "*/*"),
    ]

    assert filter_headers(headers, REQUEST_HEADERS) == [("accept", "*/*")]


def test_filter_headers_keeps_repeated_response_headers() -> None:
    headers = [("Link", "<a>; rel=next"), ("Link", "<b>; rel=prev"), ("X-Internal-Node", "pod-7")]

    assert filter_headers(headers, RESPONSE_HEADERS) == [
        ("link", "<a>; rel=next"),
        ("link", "<b>; rel=prev"),
    ]


def test_response_headers_exclude_body_framing_and_cookies() -> None:
    assert not {"content-length", "content-encoding", "set-cookie"} & RESPONSE_HEADERS


def test_upstream_url_keeps_raw_path_and_query() -> None:
    request = Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/v1/content/a-b",
            "raw_path": b"/v1/content/a-b",
            "query_string": b"x=1&y=a%20b",
            "headers": [],
        }
    )

    url = upstream_url("http://content:8001", request)

    assert url == "http://content:8001/v1/content/a-b?x=1&y=a%20b"
