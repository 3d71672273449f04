"""Anti-parrot: how close a text is to the item's captions and colleagues' posts, and circulation.

X forbids identical or substantially similar posts across the accounts an app serves, and
LinkedIn may reject duplicate text: a person checks their text before posting, and comms sees
how varied what circulates is.
"""

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Conflict, Forbidden
from content.access.visibility import STAFF_ROLES, target_ids, uncovered_targets
from content.captions import repository, similarity
from content.captions import text as caption_text
from content.captions.models import CaptionPost, CaptionVariant
from content.captions.schemas import (
    CirculationRead,
    Closest,
    NetworkCirculation,
    SimilarityRead,
    SimilarityRequest,
    Thresholds,
)
from content.items.schemas import NETWORKS
from content.models import ContentItem, ContentStatus

RECENT_POSTS = 200  # colleagues' posts compared with, the most recent first
RECENT_DAYS = 30
CIRCULATION_POSTS = 1000  # posts per item read for circulation, the most recent first
THRESHOLDS = Thresholds(verbatim=similarity.VERBATIM, close=similarity.CLOSE)


class ContentNotPublished(Conflict):
    code = "content_not_published"


async def check(
    session: AsyncSession, *, principal: Principal, item: ContentItem, data: SimilarityRequest
) -> SimilarityRead:
    """Score the text against the item's captions and colleagues' recent posts on the network."""
    if data.record:
        _require_may_record(principal, item)
    mine = caption_text.normalised(data.text)
    candidates = await _candidates(session, principal=principal, item=item, network=data.network)
    match = similarity.closest(mine, candidates)
    if data.record:
        await _record(session, principal=principal, item=item, data=data, match=match)
    closest = match.closest
    return SimilarityRead(
        score=match.score,
        verdict=match.verdict,
        closest=Closest(source=closest.source, id=closest.id) if closest else None,
        thresholds=THRESHOLDS,
        compared=len(candidates),
        recorded=data.record,
    )


async def circulation(
    session: AsyncSession, *, principal: Principal, item: ContentItem
) -> CirculationRead:
    """Per network: variants offered, posts recorded, distinct texts, verbatim vs personalised."""
    await _require_staff(session, principal=principal, item=item)
    variants = await repository.variants_of(session, org_id=item.org_id, content_id=item.id)
    posts = await repository.recent_posts(
        session,
        org_id=item.org_id,
        content_id=item.id,
        limit=CIRCULATION_POSTS,
    )
    networks = [
        _network_circulation(
            network,
            [v for v in variants if v.network == network],
            [p for p in posts if p.network == network],
        )
        for network in NETWORKS
    ]
    return CirculationRead(content_id=item.id, networks=networks, thresholds=THRESHOLDS)


def _network_circulation(
    network: str, variants: list[CaptionVariant], posts: list[CaptionPost]
) -> NetworkCirculation:
    oldest_first = sorted(posts, key=lambda post: post.created_at)
    distinct = similarity.distinct_texts(
        [caption_text.normalised(post.text) for post in oldest_first],
        [caption_text.normalised(variant.text) for variant in variants],
    )
    verdicts = Counter(post.verdict for post in posts)
    total = len(posts)
    return NetworkCirculation(
        network=network,
        variants_offered=len(variants),
        posts_recorded=total,
        distinct_texts=distinct,
        verbatim=verdicts[similarity.Verdict.verbatim],
        close=verdicts[similarity.Verdict.close],
        personalised=verdicts[similarity.Verdict.personalised],
        personalised_rate=round(verdicts[similarity.Verdict.personalised] / total, 4)
        if total
        else None,
        verbatim_rate=round(verdicts[similarity.Verdict.verbatim] / total, 4) if total else None,
    )


async def _candidates(
    session: AsyncSession, *, principal: Principal, item: ContentItem, network: str
) -> list[similarity.Candidate]:
    # Every caption of the item (a template is one text wherever it is pasted), and colleagues'
    # posts on the same network (where duplicates are refused); never the caller's own post.
    variants = await repository.variants_of(session, org_id=item.org_id, content_id=item.id)
    posts = await repository.recent_posts(
        session,
        org_id=item.org_id,
        content_id=item.id,
        network=network,
        since=datetime.now(UTC) - timedelta(days=RECENT_DAYS),
        limit=RECENT_POSTS,
        except_user=principal.user_id,
    )
    return [
        *(similarity.Candidate("caption", v.id, caption_text.normalised(v.text)) for v in variants),
        *(similarity.Candidate("post", p.id, caption_text.normalised(p.text)) for p in posts),
    ]


async def _record(
    session: AsyncSession,
    *,
    principal: Principal,
    item: ContentItem,
    data: SimilarityRequest,
    match: similarity.Match,
) -> None:
    now = datetime.now(UTC)
    await repository.record_post(
        session,
        CaptionPost(
            id=uuid.uuid4(),
            org_id=item.org_id,
            content_id=item.id,
            user_id=principal.user_id,
            network=data.network,
            text=data.text,
            score=match.score,
            verdict=match.verdict,
            closest_source=match.closest.source if match.closest else None,
            closest_id=match.closest.id if match.closest else None,
            created_at=now,
            updated_at=now,
        ),
    )


def _require_may_record(principal: Principal, item: ContentItem) -> None:
    if principal.kind != "user":
        raise Forbidden("only a person records their own post", field="record")
    if item.status != ContentStatus.published:
        raise ContentNotPublished(
            f"a {item.status} item is not posted yet: check without recording",
            field="record",
            status_now=item.status,
        )


async def _require_staff(session: AsyncSession, *, principal: Principal, item: ContentItem) -> None:
    if principal.kind == "user" and principal.has_any("org_admin", "analyst"):
        return
    targets = await target_ids(session, content_id=item.id)
    uncovered = await uncovered_targets(
        session, principal, sub_program_ids=targets, roles=STAFF_ROLES
    )
    if len(uncovered) < len(targets):
        return
    raise Forbidden(
        "circulation needs the 'org_admin' or 'analyst' role, or a staff grant on the item's "
        "sub-programs"
    )
