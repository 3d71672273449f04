"""The deduplication key of a feed entry's link."""

import pytest

from content.curation.links import normalise


@pytest.mark.parametrize(
    ("link", "key"),
    [
        ("HTTPS://Blog.Example/Post", "https://blog.example/Post"),
        ("https://blog.example/post/", "https://blog.example/post"),
        ("https://blog.example", "https://blog.example/"),
        ("https://blog.example/", "https://blog.example/"),
        ("https://blog.example/post#comments", "https://blog.example/post"),
        ("https://blog.example:443/post", "https://blog.example/post"),
        ("http://blog.example:8080/post", "http://blog.example:8080/post"),
        ("https://blog.example/p?utm_source=rss&id=3&UTM_medium=x", "https://blog.example/p?id=3"),
        ("  https://blog.example/p?b=2&a=1  ", "https://blog.example/p?b=2&a=1"),
    ],
)
def test_normalise_link_collapses_trivial_variants(link: str, key: str) -> None:
    assert normalise(link) == key


def test_normalise_link_keeps_scheme_and_path_case_apart() -> None:
    assert normalise("http://blog.example/a") != normalise("https://blog.example/a")
    assert normalise("https://blog.example/A") != normalise("https://blog.example/a")
