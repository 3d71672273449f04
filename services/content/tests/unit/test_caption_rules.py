"""Per-network limits, X's weighted length and a charter's caption rules (pure functions)."""

import pytest

from content.captions import rules
from content.captions import text as caption_text
from content.captions.rules import Rules


def codes(text: str, network: str = "linkedin", **given: object) -> list[str]:
    return [problem.code for problem in rules.check(text, network=network, rules=Rules(**given))]


def test_weighted_length_counts_every_url_as_23() -> None:
    long_link = "https://example.com/" + "a" * 200
    assert caption_text.weighted_length(f"Read {long_link}") == 5 + 23
    assert caption_text.weighted_length("see www.example.com/x, now") == 4 + 23 + 5


def test_weighted_length_counts_cjk_and_emoji_double() -> None:
    assert caption_text.weighted_length("日本語") == 6
    assert caption_text.weighted_length("café") == 4
    assert caption_text.weighted_length("👍") == 2
    # A ZWJ family and a skin-toned thumb are one emoji each.
    assert caption_text.weighted_length("👨\u200d👩\u200d👧") == 2
    assert caption_text.weighted_length("👍🏽") == 2


def test_weighted_length_normalises_to_nfc_first() -> None:
    assert caption_text.weighted_length("cafe\u0301") == 4


def test_check_x_allows_280_weighted_and_refuses_281() -> None:
    link = "https://example.com/" + "b" * 100
    fits = "a" * (280 - 24) + " " + link
    assert codes(fits, "x") == []
    assert codes("a" + fits, "x") == ["too_long"]


def test_check_x_counts_cjk_towards_the_limit() -> None:
    assert codes("日" * 140, "x") == []
    assert codes("日" * 141, "x") == ["too_long"]


@pytest.mark.parametrize(
    ("network", "limit"), [("linkedin", 3000), ("facebook", 63_206), ("instagram", 2200)]
)
def test_check_length_limits_per_network(network: str, limit: int) -> None:
    assert codes("a" * limit, network) == []
    assert codes("a" * (limit + 1), network) == ["too_long"]


def test_check_custom_network_has_only_the_rules_limits() -> None:
    assert codes("a" * 70_000, "custom") == []
    assert codes("a" * 11, "custom", max_length=10) == ["too_long"]


def test_check_instagram_refuses_more_than_30_hashtags() -> None:
    tags = " ".join(f"#t{i}" for i in range(30))
    assert codes(tags, "instagram") == []
    assert codes(tags + " #one_more", "instagram") == ["too_many_hashtags"]


def test_check_rules_max_hashtags_overrides_when_stricter() -> None:
    assert codes("#a #b #c", "instagram", max_hashtags=2) == ["too_many_hashtags"]
    problem = rules.check("#a #b", network="instagram", rules=Rules(max_hashtags=50))
    assert problem == []


def test_check_too_long_names_length_and_limit() -> None:
    (problem,) = rules.check("a" * 3001, network="linkedin", rules=Rules())
    assert problem.as_error() == {
        "field": "text",
        "code": "too_long",
        "message": "3001 characters, over the limit of 3000 on linkedin",
        "length": 3001,
        "limit": 3000,
    }


def test_hashtags_ignore_links_fragments_numbers_and_words() -> None:
    text = "#Launch at https://example.com/#top, issue#4 #2024 #ESG_2024 and ＃全角"
    assert caption_text.hashtags(text) == ["Launch", "ESG_2024", "全角"]


def test_check_banned_terms_are_whole_words_case_insensitive() -> None:
    assert codes("Our CHEAP offer", banned_terms=("cheap",)) == ["banned_term"]
    assert codes("Cheapest offer", banned_terms=("cheap",)) == []
    assert codes("best  in\nclass", banned_terms=("best in class",)) == ["banned_term"]
    assert codes("the best in classrooms", banned_terms=("best in class",)) == []


def test_check_required_hashtags_with_or_without_hash() -> None:
    given = {"required_hashtags": ("#ACMEcareers", "esg")}
    assert codes("#acmecareers #ESG", **given) == []
    assert codes("acmecareers", **given) == ["missing_hashtag", "missing_hashtag"]


def test_check_signature_at_end_or_anywhere() -> None:
    at_end = {"signatures": (("— Team ACME", True),)}
    assert codes("Great news  — team acme  ", **at_end) == []
    assert codes("— Team ACME great news", **at_end) == ["missing_signature"]
    anywhere = {"signatures": (("— Team ACME", False),)}
    assert codes("— Team ACME great news", **anywhere) == []


def test_check_disclosure_needs_one_option_of_each_group() -> None:
    given = {"disclosure_groups": (("#employee", "I work at ACME"),)}
    assert codes("Proud! #Employee", **given) == []
    assert codes("i work at  acme, and love it", **given) == []
    assert codes("I work at ACMEcorp", **given) == ["missing_disclosure"]
    assert codes("employee of the month", **given) == ["missing_disclosure"]


def test_check_lists_every_broken_rule_at_once() -> None:
    given = Rules(
        banned_terms=("cheap", "guaranteed"),
        required_hashtags=("#acme",),
        signatures=(("-- ACME", True),),
        disclosure_groups=(("#employee",),),
        max_hashtags=1,
    )
    text = "Cheap and guaranteed! #a #b " + "x" * 300
    found = [p.code for p in rules.check(text, network="x", rules=given)]
    assert found == [
        "too_long",
        "too_many_hashtags",
        "missing_hashtag",
        "banned_term",
        "banned_term",
        "missing_signature",
        "missing_disclosure",
    ]


def test_check_never_changes_the_text() -> None:
    text = "Cheap! " * 3
    rules.check(text, network="x", rules=Rules(banned_terms=("cheap",)))
    assert text == "Cheap! " * 3


def test_merge_unites_lists_and_keeps_the_stricter_limit() -> None:
    program = Rules(
        banned_terms=("cheap",),
        required_hashtags=("#acme",),
        disclosure_groups=(("#employee",),),
        max_hashtags=5,
        max_length=1000,
    )
    sub = Rules(
        banned_terms=("CHEAP", "free"),
        required_hashtags=("#esg",),
        signatures=(("-- ESG team", True),),
        disclosure_groups=(("#ad", "#employee"),),
        max_hashtags=3,
    )
    merged = rules.merge([program, sub])
    assert merged.banned_terms == ("cheap", "free")
    assert merged.required_hashtags == ("#acme", "#esg")
    assert merged.signatures == (("-- ESG team", True),)
    assert merged.disclosure_groups == (("#employee",), ("#ad", "#employee"))
    assert (merged.max_hashtags, merged.max_length) == (3, 1000)


def test_limits_combine_network_and_rules() -> None:
    assert rules.limits("instagram", Rules(max_length=5000, max_hashtags=10)) == (2200, 10)
    assert rules.limits("custom", Rules()) == (None, None)
