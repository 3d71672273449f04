"""Who is not a person: link-preview crawlers, search engines and scripts (docs/tracked-links.md).

They still get the redirect (a preview must keep working), they are just not counted as clicks.
Matching is on the User-Agent alone, which a script can fake: this keeps honest automation out
of an *observed* figure, it is no defence against someone forging clicks.
"""

import re

# Named agents seen fetching shared links; lower case, matched anywhere in the User-Agent.
KNOWN_AGENTS = (
    "facebookexternalhit",
    "facebot",
    "linkedinbot",
    "twitterbot",
    "slackbot",
    "slack-imgproxy",
    "telegrambot",
    "discordbot",
    "skypeuripreview",
    "googlebot",
    "bingbot",
    "applebot",
    "embedly",
    "iframely",
    "headlesschrome",
)
# Agents that name themselves first ("WhatsApp/2.23.20.0 A"); anchored so an in-app browser
# mentioning the app later in its User-Agent stays a person.
LEADING_AGENTS = (
    "whatsapp/",
    "curl/",
    "wget/",
    "python-requests/",
    "python-httpx/",
    "go-http-client/",
)
# Generic self-descriptions; "cubot" is a phone brand, not a bot.
GENERIC = r"(?<!cu)bot\b|crawler|spider|preview"
# Far longer than any real User-Agent; the rest is not looked at.
MAX_INSPECTED = 512

_AUTOMATED = re.compile(
    "|".join(
        [
            *(re.escape(agent) for agent in KNOWN_AGENTS),
            *(f"^{re.escape(agent)}" for agent in LEADING_AGENTS),
            GENERIC,
        ]
    )
)


def is_automated(user_agent: str | None) -> bool:
    """True for a preview fetcher, crawler or script, and for a missing or blank User-Agent."""
    agent = (user_agent or "").strip()[:MAX_INSPECTED].lower()
    return not agent or _AUTOMATED.search(agent) is not None
