"""Anti-parrot scoring: normalised comparison, verdicts, the closest text, distinct texts."""

import uuid

from content.captions import similarity
from content.captions import text as caption_text
from content.captions.similarity import Candidate, Verdict

CAPTION = "Our new plant opens in Lyon today: 200 jobs and zero emissions. #ACME #Launch"


def norm(text: str) -> str:
    return caption_text.normalised(text)


def test_normalised_ignores_case_links_hash_and_punctuation() -> None:
    assert norm("Read THIS: https://t.co/abc?x=1 #Launch!!") == "read this launch"
    assert norm("read this launch") == norm("Read this, #launch https://acme.example/l/XYZ")


def test_score_of_the_same_text_with_another_tracked_link_is_verbatim() -> None:
    mine = CAPTION + " https://acme.example/l/ab12"
    value = similarity.score(norm(mine), norm(CAPTION + " https://acme.example/l/zz99"))
    assert value == 1.0
    assert similarity.verdict(value) == Verdict.verbatim


def test_score_of_reordered_words_is_verbatim() -> None:
    a = "zero emissions and 200 jobs in Lyon"
    b = "200 jobs in Lyon and zero emissions"
    assert similarity.verdict(similarity.score(norm(a), norm(b))) == Verdict.verbatim


def test_score_of_a_small_addition_is_close() -> None:
    mine = "So proud! " + CAPTION
    value = similarity.score(norm(mine), norm(CAPTION))
    assert similarity.CLOSE <= value < similarity.VERBATIM


def test_score_of_an_own_text_is_personalised() -> None:
    mine = "I spent three years on this site with my team; today Lyon gets its plant. #ACME"
    assert similarity.verdict(similarity.score(norm(mine), norm(CAPTION))) == Verdict.personalised


def test_closest_picks_the_best_candidate() -> None:
    far = Candidate("caption", uuid.uuid4(), norm("Something else entirely about our people"))
    near = Candidate("post", uuid.uuid4(), norm(CAPTION))
    match = similarity.closest(norm(CAPTION + " wow"), [far, near])
    assert match.closest == near
    assert match.verdict == Verdict.verbatim


def test_closest_without_candidates_is_personalised() -> None:
    match = similarity.closest(norm(CAPTION), [])
    assert (match.score, match.closest, match.verdict) == (0.0, None, Verdict.personalised)


def test_distinct_texts_clusters_close_posts_and_counts_used_captions_once() -> None:
    captions = [norm(CAPTION), norm("A second caption nobody used at all, about recruitment")]
    posts = [
        norm(CAPTION),
        norm("So proud! " + CAPTION),
        norm("My own words on the Lyon plant, written by me after a visit"),
        norm("My own words on the Lyon plant, written by me after a visit!"),
    ]
    assert similarity.distinct_texts(posts, captions) == 2
    assert similarity.distinct_texts([], captions) == 0
