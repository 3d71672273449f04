"""Anti-parrot scoring as pure functions: how close a text is to others, and how many differ."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

VERBATIM = 0.95  # at or above: the same text, give or take a typo, a link or the case
CLOSE = 0.75  # at or above: substantially similar (what X forbids across accounts)


class Verdict(StrEnum):
    verbatim = "verbatim"
    close = "close"
    personalised = "personalised"


@dataclass(frozen=True)
class Candidate:
    """A text to compare with, already normalised (content.captions.text.normalised)."""

    source: str  # caption | post
    id: uuid.UUID
    normalised: str


@dataclass(frozen=True)
class Match:
    """The closest candidate and its score (0..1); no candidate: score 0."""

    score: float
    closest: Candidate | None

    @property
    def verdict(self) -> Verdict:
        return verdict(self.score)


def score(a: str, b: str) -> float:
    """Similarity of two normalised texts, 0..1: the better of edit and word-order-free ratios.

    Word order alone does not make a text someone's own, hence token_sort_ratio beside ratio.
    """
    if not a and not b:
        return 1.0
    return round(max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100, 4)


def verdict(value: float) -> Verdict:
    """What a score means."""
    if value >= VERBATIM:
        return Verdict.verbatim
    if value >= CLOSE:
        return Verdict.close
    return Verdict.personalised


def closest(text: str, candidates: Sequence[Candidate]) -> Match:
    """The candidate nearest to a normalised text (the first one wins a tie)."""
    best = Match(0.0, None)
    for candidate in candidates:
        value = score(text, candidate.normalised)
        if value > best.score:
            best = Match(value, candidate)
    return best


def distinct_texts(posts: Sequence[str], captions: Sequence[str]) -> int:
    """How many different texts are in circulation among these posts (normalised, oldest first).

    Leader clustering at the CLOSE threshold: a post joins the first caption or earlier cluster it
    is close to, else starts its own. Captions count only once someone's post joins them.
    """
    leaders = list(captions)
    used = [False] * len(leaders)
    for post in posts:
        for index, leader in enumerate(leaders):
            if score(post, leader) >= CLOSE:
                used[index] = True
                break
        else:
            leaders.append(post)
            used.append(True)
    return sum(used)
