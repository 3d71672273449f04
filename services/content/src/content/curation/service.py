"""Curation rules: a source is saved only once its URL served a feed; entries become drafts."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from common.auth import Principal
from common.errors import Conflict, InvalidInput
from common.settings import ServiceSettings
from common.upsert import insert_if_absent
from content import targeting
from content.access.visibility import require_may_create, require_may_create_somewhere
from content.config import Settings
from content.curation import access, repository
from content.curation.feed import FeedEntry, NotAFeed, parse
from content.curation.fetch import Fetched, FetchFailed, Limits, fetch
from content.curation.models import CurationEntry, CurationSource, EntryStatus, SourceStatus
from content.curation.safety import RefusedAddress, check_host
from content.curation.schemas import EntryAccept, SourceCreate, SourceTargeting, SourceUpdate
from content.items.schemas import ContentCreate
from content.items.service import create_item
from content.models import ContentSource
from content.targeting import Target


class FeedUnusable(InvalidInput):
    code = "feed_unusable"


class SourceExists(Conflict):
    code = "source_exists"


class SourcePaused(Conflict):
    code = "source_paused"


class EntryDecided(Conflict):
    code = "entry_decided"


def limits_of(settings: ServiceSettings) -> Limits:
    """The fetch limits the service's settings give (defaults for other settings classes)."""
    if not isinstance(settings, Settings):
        return Limits()
    return Limits(
        timeout_seconds=settings.curation_fetch_timeout_seconds,
        max_bytes=settings.curation_max_feed_bytes,
        allow_loopback=settings.curation_allow_loopback,
        allowed_hosts=frozenset(
            host.strip().lower()
            for host in settings.curation_allowed_hosts.split(",")
            if host.strip()
        ),
    )


async def read_feed(
    url: str, *, limits: Limits, etag: str | None = None, last_modified: str | None = None
) -> tuple[Fetched, list[FeedEntry]]:
    """Fetch and parse a feed; FetchFailed or NotAFeed say why it is not usable."""
    fetched = await fetch(url, limits=limits, etag=etag, last_modified=last_modified)
    if fetched.body is None:
        return fetched, []
    return fetched, parse(fetched.body, url=fetched.url, content_type=fetched.content_type)


async def check_feed(url: str, *, limits: Limits) -> tuple[Fetched, list[FeedEntry]]:
    """The feed behind a URL a caller typed, or a 422 naming `url` with the reason."""
    try:
        check_host(
            urlsplit(url).hostname or "",
            allow_loopback=limits.allow_loopback,
            allowed_hosts=limits.allowed_hosts,
        )
        return await read_feed(url, limits=limits)
    except RefusedAddress as exc:
        raise FeedUnusable(f"{url} is refused: {exc}", field="url") from exc
    except (FetchFailed, NotAFeed) as exc:
        raise FeedUnusable(f"{url} is not a usable feed: {exc}", field="url") from exc


async def create_source(
    session: AsyncSession, *, principal: Principal, data: SourceCreate, limits: Limits
) -> CurationSource:
    """Save a feed once it served entries (which join the queue at once)."""
    await require_may_create_somewhere(session, principal=principal)
    targets = await _targets(session, principal=principal, spec=data.targeting)
    fetched, found = await check_feed(str(data.url), limits=limits)
    now = datetime.now(UTC)
    source = CurationSource(
        org_id=principal.org_id,
        name=data.name,
        url=str(data.url),
        targeting=data.targeting.model_dump(mode="json"),
        topics=list(data.topics),
        language=data.language,
        poll_interval_minutes=data.poll_interval_minutes,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
        last_polled_at=now,
        next_poll_at=now + timedelta(minutes=data.poll_interval_minutes),
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )
    saved = await insert_if_absent(session, source, unique=["org_id", "url"])
    if saved is None:
        raise SourceExists(f"this organisation already follows {source.url}", field="url")
    source = saved
    await repository.replace_targets(session, source=source, targets=targets)
    source.entries_found = await repository.add_entries(
        session, source=source, entries=found, now=now
    )
    await session.flush()
    return source


async def update_source(
    session: AsyncSession,
    *,
    principal: Principal,
    source: CurationSource,
    data: SourceUpdate,
    limits: Limits,
) -> CurationSource:
    """Change what was sent; a new URL must serve a feed, new targets must be the caller's."""
    await access.require_may_manage(session, principal=principal, source_id=source.id)
    now = datetime.now(UTC)
    if data.targeting is not None:
        targets = await _targets(session, principal=principal, spec=data.targeting)
        await repository.replace_targets(session, source=source, targets=targets)
        source.targeting = data.targeting.model_dump(mode="json")
    for name in ("name", "language", "poll_interval_minutes", "topics"):
        if getattr(data, name) is not None:
            setattr(source, name, getattr(data, name))
    if data.url is not None and str(data.url) != source.url:
        await _repoint(session, source=source, url=str(data.url), limits=limits, now=now)
    if data.paused is True:
        source.status = SourceStatus.paused
    elif data.paused is False and source.status == SourceStatus.paused:
        source.status, source.next_poll_at = SourceStatus.ok, now
    if data.poll_interval_minutes is not None:  # a shorter interval applies from the last poll
        soonest = (source.last_polled_at or now) + timedelta(minutes=source.poll_interval_minutes)
        source.next_poll_at = min(source.next_poll_at, max(soonest, now))
    source.updated_at = now
    await session.flush()
    return source


async def _repoint(
    session: AsyncSession, *, source: CurationSource, url: str, limits: Limits, now: datetime
) -> None:
    fetched, found = await check_feed(url, limits=limits)
    source.url, source.etag, source.last_modified = url, fetched.etag, fetched.last_modified
    try:
        await session.flush()
    except IntegrityError as exc:  # (org_id, url) is unique: another source follows it
        raise SourceExists(f"this organisation already follows {url}", field="url") from exc
    source.entries_found += await repository.add_entries(
        session, source=source, entries=found, now=now
    )
    _mark_good(source, now=now)


async def delete_source(
    session: AsyncSession, *, principal: Principal, source: CurationSource
) -> None:
    """Stop following the feed; its undecided entries go, decided ones stay."""
    await access.require_may_manage(session, principal=principal, source_id=source.id)
    await repository.delete_source(session, source=source)


async def poll_now(
    session: AsyncSession, *, principal: Principal, source: CurationSource
) -> CurationSource:
    """Make the source due now (the worker polls it within a tick); 409 if it is paused."""
    await access.require_may_manage(session, principal=principal, source_id=source.id)
    changed = await repository.change_source(
        session,
        source_id=source.id,
        only_if=col(CurationSource.status) != SourceStatus.paused,
        next_poll_at=datetime.now(UTC),
    )
    if changed is None:
        raise SourcePaused("a paused source is not polled: resume it first", field="status")
    return changed


async def accept_entry(
    session: AsyncSession, *, principal: Principal, entry: CurationEntry, data: EntryAccept
) -> CurationEntry:
    """Make a draft of a pending entry (the caller's right to create there checked by items)."""
    source = await repository.get_source(session, org_id=entry.org_id, source_id=entry.source_id)
    now = datetime.now(UTC)
    decided = await repository.decide(
        session,
        entry=entry,
        to_status=EntryStatus.accepted,
        decided_by=principal.user_id,
        decided_at=now,
    )
    if decided is None:
        raise EntryDecided(f"the entry was already {entry.status}", field="status")
    item = await create_item(
        session,
        principal=principal,
        data=_draft_of(decided, source=source, data=data),
        source=ContentSource.curation,
    )
    decided.content_id = item.id
    await session.flush()
    return decided


async def discard_entry(
    session: AsyncSession, *, principal: Principal, entry: CurationEntry
) -> CurationEntry:
    """Drop a pending entry from the queue (kept as discarded: its link is not queued again)."""
    await access.require_may_manage(session, principal=principal, source_id=entry.source_id)
    decided = await repository.decide(
        session,
        entry=entry,
        to_status=EntryStatus.discarded,
        decided_by=principal.user_id,
        decided_at=datetime.now(UTC),
    )
    if decided is None:
        raise EntryDecided(f"the entry was already {entry.status}", field="status")
    return decided


def _draft_of(
    entry: CurationEntry, *, source: CurationSource | None, data: EntryAccept
) -> ContentCreate:
    overrides = data.sub_program_ids is not None or data.program_ids is not None
    defaults = SourceTargeting.model_validate(source.targeting if source else {})
    try:
        return ContentCreate(
            kind=data.kind,
            title=data.title or entry.title,
            url=entry.link,  # validated into AnyHttpUrl
            body=data.body if data.body is not None else entry.summary,
            language=source.language if source else "en",
            topics=data.topics if data.topics is not None else (source.topics if source else []),
            sub_program_ids=data.sub_program_ids or [] if overrides else defaults.sub_program_ids,
            program_ids=data.program_ids or [] if overrides else defaults.program_ids,
        )
    except ValidationError as exc:
        problems = [
            {"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()
        ]
        raise InvalidInput(
            problems[0]["message"], field=problems[0]["field"], errors=problems
        ) from exc


async def _targets(
    session: AsyncSession, *, principal: Principal, spec: SourceTargeting
) -> list[Target]:
    targets = await targeting.resolve(
        session,
        org_id=principal.org_id,
        sub_program_ids=spec.sub_program_ids,
        program_ids=spec.program_ids,
        field_prefix="targeting.",
    )
    if not targets:
        raise InvalidInput("name at least one sub-program or program", field="targeting")
    await require_may_create(
        session, principal=principal, sub_program_ids=[t.sub_program_id for t in targets]
    )
    return targets


def _mark_good(source: CurationSource, *, now: datetime) -> None:
    if source.status != SourceStatus.paused:
        source.status = SourceStatus.ok
    source.last_polled_at, source.last_error, source.consecutive_failures = now, None, 0
    source.next_poll_at = now + timedelta(minutes=source.poll_interval_minutes)
