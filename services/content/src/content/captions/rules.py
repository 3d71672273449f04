"""Per-network limits and a charter's caption rules, as pure functions: every broken rule listed.

Nothing is fixed silently: a check returns problems, it never rewrites the text.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from content.captions import text as caption_text


@dataclass(frozen=True)
class NetworkLimits:
    """What a network itself accepts."""

    max_length: int | None
    max_hashtags: int | None = None


NETWORK_LIMITS: dict[str, NetworkLimits] = {
    "linkedin": NetworkLimits(3000),
    "x": NetworkLimits(280),  # weighted, URLs 23 (content.captions.text.weighted_length)
    "facebook": NetworkLimits(63_206),
    "instagram": NetworkLimits(2200, max_hashtags=30),
    "custom": NetworkLimits(None),  # the rule sets' limits only
}


@dataclass(frozen=True)
class Rules:
    """The caption rules in force for a text: one charter level or several merged."""

    banned_terms: tuple[str, ...] = ()
    required_hashtags: tuple[str, ...] = ()
    signatures: tuple[tuple[str, bool], ...] = ()  # (signature, must end the text)
    # Each group is one requirement: one of its phrases or hashtags must appear.
    disclosure_groups: tuple[tuple[str, ...], ...] = ()
    max_hashtags: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Problem:
    """One broken rule, with a stable code."""

    code: str
    message: str
    details: dict[str, object] = field(default_factory=dict)

    def as_error(self) -> dict[str, object]:
        """The problem as an entry of a 422's errors[] (its field is always the text)."""
        return {"field": "text", "code": self.code, "message": self.message, **self.details}


def merge(levels: Iterable[Rules]) -> Rules:
    """Rules that add up: lists are united, the stricter limit wins."""
    levels = list(levels)
    return Rules(
        banned_terms=_unique(term for level in levels for term in level.banned_terms),
        required_hashtags=_unique(tag for level in levels for tag in level.required_hashtags),
        signatures=tuple(dict.fromkeys(s for level in levels for s in level.signatures)),
        disclosure_groups=tuple(
            dict.fromkeys(group for level in levels for group in level.disclosure_groups if group)
        ),
        max_hashtags=_strictest(level.max_hashtags for level in levels),
        max_length=_strictest(level.max_length for level in levels),
    )


def check(text: str, *, network: str, rules: Rules) -> list[Problem]:
    """Every rule the text breaks on this network, in a stable order (empty: it may go out)."""
    return [
        *_length_problems(text, network=network, rules=rules),
        *_hashtag_problems(text, network=network, rules=rules),
        *_banned(text, rules.banned_terms),
        *_signature_problems(text, rules.signatures),
        *_disclosure_problems(text, rules.disclosure_groups),
    ]


def limits(network: str, rules: Rules) -> tuple[int | None, int | None]:
    """The (length, hashtag count) limits in force: the network's and the rules', stricter wins."""
    own = NETWORK_LIMITS[network]
    return (
        _strictest((own.max_length, rules.max_length)),
        _strictest((own.max_hashtags, rules.max_hashtags)),
    )


def _length_problems(text: str, *, network: str, rules: Rules) -> list[Problem]:
    limit, _ = limits(network, rules)
    size = caption_text.length(text, network)
    if limit is None or size <= limit:
        return []
    counted = " (weighted, every link counts 23)" if network == "x" else ""
    return [
        Problem(
            "too_long",
            f"{size} characters{counted}, over the limit of {limit} on {network}",
            {"length": size, "limit": limit},
        )
    ]


def _hashtag_problems(text: str, *, network: str, rules: Rules) -> list[Problem]:
    found = caption_text.hashtags(text)
    problems: list[Problem] = []
    _, limit = limits(network, rules)
    if limit is not None and len(found) > limit:
        problems.append(
            Problem(
                "too_many_hashtags",
                f"{len(found)} hashtags, over the limit of {limit} on {network}",
                {"count": len(found), "limit": limit},
            )
        )
    present = {tag.casefold() for tag in found}
    for tag in rules.required_hashtags:
        if tag.lstrip("#").casefold() not in present:
            problems.append(
                Problem("missing_hashtag", f"the hashtag {tag} is required", {"hashtag": tag})
            )
    return problems


def _banned(text: str, terms: Iterable[str]) -> list[Problem]:
    return [
        Problem("banned_term", f"the term {term!r} may not be used", {"term": term})
        for term in terms
        if caption_text.has_phrase(text, term)
    ]


def _signature_problems(text: str, signatures: Iterable[tuple[str, bool]]) -> list[Problem]:
    problems = []
    flat = " ".join(text.split()).casefold()
    for signature, at_end in signatures:
        wanted = " ".join(signature.split()).casefold()
        if flat.endswith(wanted) if at_end else wanted in flat:
            continue
        where = "end with" if at_end else "contain"
        problems.append(
            Problem(
                "missing_signature",
                f"the text must {where} the signature {signature!r}",
                {"signature": signature, "at_end": at_end},
            )
        )
    return problems


def _disclosure_problems(text: str, groups: Iterable[tuple[str, ...]]) -> list[Problem]:
    present = {tag.casefold() for tag in caption_text.hashtags(text)}
    problems = []
    for group in groups:
        if any(_discloses(text, present, option) for option in group):
            continue
        problems.append(
            Problem(
                "missing_disclosure",
                "the employment relationship must be disclosed with one of: " + ", ".join(group),
                {"options": list(group)},
            )
        )
    return problems


def _discloses(text: str, hashtags: set[str], option: str) -> bool:
    if option.startswith("#"):
        return option[1:].casefold() in hashtags
    return caption_text.has_phrase(text, option)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return tuple(seen.values())


def _strictest(values: Iterable[int | None]) -> int | None:
    given = [value for value in values if value is not None]
    return min(given) if given else None
