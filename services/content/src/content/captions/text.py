"""Reading a caption's text: URLs, hashtags, X's weighted length and normalised comparison form."""

import re
import unicodedata

# A link as the networks shorten it: with a scheme, or starting with www.
URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")
# A hashtag starts after a space or punctuation (not inside a word or an anchor), not all digits.
HASHTAG = re.compile(r"(?<![\w#&])[#＃](\w*[^\W\d_]\w*)")
X_URL_WEIGHT = 23  # every URL counts as a t.co link, whatever its length
# twitter-text v3: code points in these ranges weigh 1, others (CJK, most emoji) 2.
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
# Joiners, variation selectors and skin tones add nothing: an emoji sequence counts once.
ZERO_WEIGHT = frozenset({0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)})
_PUNCTUATION = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def urls(text: str) -> list[str]:
    """The links in a text, trailing punctuation left out."""
    return [match.rstrip(".,;:!?)") for match in URL.findall(text)]


def hashtags(text: str) -> list[str]:
    """The hashtags of a text without their '#', in order (links' fragments are not hashtags)."""
    return HASHTAG.findall(URL.sub(" ", text))


def weighted_length(text: str) -> int:
    """X's count: NFC code points (weight 1 or 2), every URL 23, an emoji sequence 2."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in URL.finditer(text):
        link = match.group().rstrip(".,;:!?)")
        total += _weigh(text[position : match.start()]) + X_URL_WEIGHT
        position = match.start() + len(link)
    total += _weigh(text[position:])
    return total


def _weigh(text: str) -> int:
    total = 0
    joined = False
    for char in text:
        point = ord(char)
        if point in ZERO_WEIGHT:
            joined = point == 0x200D
            continue
        if joined:  # the next part of a ZWJ emoji sequence
            joined = False
            continue
        light = any(low <= point <= high for low, high in X_LIGHT_RANGES)
        total += 1 if light else 2
    return total


def length(text: str, network: str) -> int:
    """The text's length as the network counts it (X weighted; others in code points)."""
    return weighted_length(text) if network == "x" else len(text)


def normalised(text: str) -> str:
    """The comparison form: case folded; links, '#', punctuation and extra spaces dropped.

    Links differ per person (tracked links) and say nothing about who wrote the words; a hashtag
    is compared as its word, so "#Launch" and "launch" are the same.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = URL.sub(" ", text)
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def has_phrase(text: str, phrase: str) -> bool:
    """Whether the phrase appears as whole words, case-insensitively (spaces may vary)."""
    words = [re.escape(word) for word in phrase.split()]
    if not words:
        return False
    pattern = r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"
    return re.search(pattern, unicodedata.normalize("NFKC", text), re.IGNORECASE) is not None
