"""A reproducible 100,000-item content library on PostgreSQL, for content.library_page/search.

One organisation (A) holds LIBRARY_ITEMS items over 20 sub-programs in 4 programs; a second (B)
holds OTHER_ORG_ITEMS made the same way, so a query that forgot the org would show it. Words come
from a fixed vocabulary drawn with a Zipf-like weight by a seeded random: the same run seeds the
same rows, and a few words are common enough to match a large share of the library (the search
benchmark's two-word query). Rows go in with COPY; the full-text GIN index is rebuilt after the
load (one sort instead of 100,000 insertions) with the migration's own definition, then ANALYZE.

Building the GIN index and analysing its expression take most of the time (minutes on a busy
2-core machine), so a complete seeded database is kept, named by a fingerprint of what made it
(SEED_VERSION, the sizes, the content migrations), and reused by later runs; one that is
incomplete or from another fingerprint is dropped. BENCH_CONTENT_RESEED=1 always seeds afresh.
"""

import dataclasses
import hashlib
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

import asyncpg
from measure import REPO, plain_dsn
from sqlalchemy.engine import make_url

from advocacy_testing.processes import ServiceProcess

LIBRARY_ITEMS = 100_000
OTHER_ORG_ITEMS = 5_000
SEED = 20261202
SEED_VERSION = 2  # bump when the generated rows change: kept databases are then re-seeded
MIGRATIONS = REPO / "services" / "content" / "src" / "content" / "migrations" / "versions"
PROGRAMS, SUB_PROGRAMS_PER_PROGRAM = 4, 5
MEMBERS = 3_000  # employees of org A, each in 1-3 sub-programs
FTS_INDEX = "ix_content_items_search_fts"  # on the stored column (migration search_column)
FTS_DOCUMENT = "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(body, ''))"
TOPICS = (
    "product", "hiring", "culture", "events", "sustainability", "customers",
    "engineering", "finance", "partners", "security", "awards", "community",
)  # fmt: skip
NETWORKS = ("linkedin", "x", "facebook", "instagram")
DEPARTMENTS = ("sales", "marketing", "engineering", "support", "hr")
LANGUAGES = (("en", 60), ("fr", 15), ("de", 15), ("es", 10))
KINDS = (
    ("article", 40), ("post", 35), ("media", 10), ("event", 5),
    ("talking_points", 5), ("crisis_message", 5),
)  # fmt: skip
STATUSES = (
    ("published", 60), ("draft", 10), ("in_review", 5), ("approved", 5),
    ("scheduled", 5), ("archived", 10), ("expired", 5),
)  # fmt: skip
# The head of the vocabulary: real words, most common first (the 'simple' configuration keeps
# every word, stop words included, as a multilingual library would).
COMMON_WORDS = (
    "the and of to a in for our is on with team new we customers product growth data cloud "
    "people learn how today launch event partners share story week open security world year "
    "future work platform build more about join success community report great insights"
).split()
SYLLABLES = "ba be bi bo ca co da de di do fa fe ga go ka ki la le li lo ma me mi mo na ne ni no "
SYLLABLES += "pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi za zo"
LONG_TAIL_WORDS = 3_000


@dataclass(frozen=True)
class Org:
    """One seeded organisation: its programs and sub-programs (sub_programs[p] are program p's)."""

    org_id: uuid.UUID
    programs: list[uuid.UUID]
    sub_programs: list[list[uuid.UUID]]

    @property
    def all_sub_programs(self) -> list[uuid.UUID]:
        return [s for group in self.sub_programs for s in group]


@dataclass(frozen=True)
class Library:
    """The seeded database and what the benchmarks query it with."""

    database_url: str
    org: Org
    other: Org
    admin_id: uuid.UUID
    member_id: uuid.UUID  # an employee of org A, member of member_of
    member_of: list[uuid.UUID]
    items: int
    seed_seconds: float | None  # None: a kept database was reused
    steps: dict[str, float] = field(default_factory=dict)


async def library(postgres_url: str, *, kafka: str) -> Library:
    """The seeded library: a kept complete database of this fingerprint, or a fresh one."""
    name = f"bench_content_{fingerprint()}"
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    rng = random.Random(SEED)
    org, other = _org(rng, PROGRAMS), _org(rng, 1)
    member_id = _uuid(rng)
    people = random.Random(SEED + 1)  # apart from the rows' sequence: the rows stay the same
    found = Library(
        url, org, other, _uuid(people), member_id, [org.sub_programs[0][0], org.sub_programs[1][2]],
        LIBRARY_ITEMS, None,
    )  # fmt: skip
    if os.environ.get("BENCH_CONTENT_RESEED") != "1" and await _complete(postgres_url, name):
        return found
    await _recreate(postgres_url, name)
    started = time.monotonic()
    steps = await _seed(found, rng, kafka=kafka)
    await _admin(postgres_url, f"COMMENT ON DATABASE {name} IS '{_MARK}'")
    seconds = round(time.monotonic() - started, 1)
    return dataclasses.replace(found, seed_seconds=seconds, steps=steps)


_MARK = "seeded and analysed"


def fingerprint() -> str:
    """What made the rows: the generator's version, the sizes and the schema's migrations."""
    migrations = sorted(p.name for p in MIGRATIONS.glob("*.py"))
    made_of = f"{SEED_VERSION}:{SEED}:{LIBRARY_ITEMS}:{OTHER_ORG_ITEMS}:{migrations}"
    return hashlib.sha256(made_of.encode()).hexdigest()[:10]


async def _admin(postgres_url: str, sql: str, *args: object) -> Any:
    connection = await asyncpg.connect(plain_dsn(postgres_url))
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()


async def _complete(postgres_url: str, name: str) -> bool:
    rows = await _admin(
        postgres_url,
        "SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1",
        name,
    )
    return bool(rows) and rows[0]["mark"] == _MARK


async def _recreate(postgres_url: str, name: str) -> None:
    """Drop every kept library (another fingerprint's, or this one half-seeded); create ours."""
    rows = await _admin(
        postgres_url, "SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_content\\_%'"
    )
    for row in rows:
        await _admin(postgres_url, f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    await _admin(postgres_url, f'CREATE DATABASE "{name}"')


async def _seed(found: Library, rng: random.Random, *, kafka: str) -> dict[str, float]:
    """Migrate with the service's job, COPY the rows, build the FTS index, analyse; timings."""
    steps: dict[str, float] = {}
    clock = time.monotonic()

    def step(name: str) -> None:
        nonlocal clock
        steps[name] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    ServiceProcess("content", web_env(found.database_url, kafka)).migrate()
    step("migrate")
    connection = await asyncpg.connect(plain_dsn(found.database_url))
    try:
        await _access_rows(connection, rng, found)
        await connection.execute(f"DROP INDEX IF EXISTS {FTS_INDEX}")  # built after the load
        await _items(connection, rng, found.org, found.other, step)
        # Rebuilt once after the load (faster than maintained row by row during COPY).
        await connection.execute(f"DROP INDEX IF EXISTS {FTS_INDEX}")
        await connection.execute("SET maintenance_work_mem = '256MB'")
        await connection.execute(
            f"CREATE INDEX {FTS_INDEX} ON content_items USING gin (search_fts)"
        )
        step("full-text index")
        await connection.execute("VACUUM ANALYZE")
        step("vacuum analyze")
    finally:
        await connection.close()
    return steps


def web_env(url: str, kafka: str) -> dict[str, str]:
    """The content service's environment on this database (env=test trusts the dev key)."""
    return {
        "CONTENT_ENV": "test",
        "CONTENT_DATABASE_URL": url,
        "CONTENT_KAFKA_BOOTSTRAP_SERVERS": kafka,
        "CONTENT_LOG_LEVEL": "WARNING",
    }


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _org(rng: random.Random, programs: int) -> Org:
    ids = [_uuid(rng) for _ in range(programs)]
    subs = [[_uuid(rng) for _ in range(SUB_PROGRAMS_PER_PROGRAM)] for _ in ids]
    return Org(_uuid(rng), ids, subs)


async def _access_rows(connection: asyncpg.Connection, rng: random.Random, found: Library) -> None:
    """The access read model: sub-programs of both orgs, memberships, a few staff grants."""
    org, other = found.org, found.other
    sub_programs = [
        (sub, program, o.org_id)
        for o in (org, other)
        for program, subs in zip(o.programs, o.sub_programs, strict=True)
        for sub in subs
    ]
    await connection.copy_records_to_table(
        "access_sub_programs",
        records=sub_programs,
        columns=["sub_program_id", "program_id", "org_id"],
    )
    at = datetime(2026, 1, 1, tzinfo=UTC)
    memberships = {(found.member_id, sub) for sub in found.member_of}
    for _ in range(MEMBERS):
        user = _uuid(rng)
        memberships |= {(user, s) for s in rng.sample(org.all_sub_programs, rng.randint(1, 3))}
    await connection.copy_records_to_table(
        "access_memberships",
        records=[(u, s, org.org_id, True, at) for u, s in memberships],
        columns=["user_id", "sub_program_id", "org_id", "is_member", "changed_at"],
    )
    grants = [
        (_uuid(rng), program, role, "program", org.org_id, True, at)
        for program in org.programs
        for role in ("program_manager", "reviewer")
    ]
    await connection.copy_records_to_table(
        "access_staff_grants",
        records=grants,
        columns=["user_id", "scope_id", "role", "scope_type", "org_id", "is_granted", "changed_at"],
    )


class Words:
    """Seeded word draws: a Zipf-like weight over COMMON_WORDS then a made-up long tail."""

    def __init__(self, rng: random.Random):
        tail = {
            "".join(rng.choice(SYLLABLES.split()) for _ in range(rng.randint(2, 4)))
            for _ in range(LONG_TAIL_WORDS)
        }
        self.vocabulary = COMMON_WORDS + sorted(tail - set(COMMON_WORDS))
        weights = [1.0 / (rank + 8) for rank in range(len(self.vocabulary))]
        self._cumulative = list(accumulate(weights))
        self._rng = rng

    def text(self, n: int) -> str:
        return " ".join(self._rng.choices(self.vocabulary, cum_weights=self._cumulative, k=n))


ITEM_COLUMNS = [
    "id", "org_id", "kind", "title", "url", "body", "language", "translation_group_id",
    "campaign_id", "details", "status", "source", "created_by", "author_id", "approved_by",
    "revision", "created_at", "updated_at", "approved_at", "publish_at", "expire_at",
    "published_at", "expired_at",
]  # fmt: skip


async def _items(
    connection: asyncpg.Connection,
    rng: random.Random,
    org: Org,
    other: Org,
    step: Callable[[str], None],
) -> None:
    """Both orgs' items, targets and tags, by COPY."""
    words = Words(rng)
    items: list[tuple[Any, ...]] = []
    targets: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    for o, n in ((org, LIBRARY_ITEMS), (other, OTHER_ORG_ITEMS)):
        for item, item_targets, item_tags in _generate(rng, words, o, n):
            items.append(item)
            targets += item_targets
            tags += item_tags
    step("generate rows")
    await connection.copy_records_to_table("content_items", records=items, columns=ITEM_COLUMNS)
    await connection.copy_records_to_table(
        "content_targets",
        records=targets,
        columns=["content_id", "sub_program_id", "program_id", "org_id"],
    )
    await connection.copy_records_to_table(
        "content_tags", records=tags, columns=["content_id", "dimension", "value", "org_id"]
    )
    step("copy rows")


Generated = tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _generate(rng: random.Random, words: Words, org: Org, n: int) -> Iterator[Generated]:
    """n items of one org: created over two years, 1-2 targets, 1-2 topics, some networks."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    people = [_uuid(rng) for _ in range(200)]
    campaigns = [_uuid(rng) for _ in range(30)]
    for i in range(n):
        item_id = _uuid(rng)
        created = start + timedelta(seconds=i * 630 + rng.randint(0, 600))
        status = _pick(rng, STATUSES)
        kind = _pick(rng, KINDS)
        author = rng.choice(people)
        done = (
            created + timedelta(hours=2) if status in ("published", "expired", "archived") else None
        )
        item = (
            item_id, org.org_id, kind, words.text(rng.randint(4, 10)).capitalize(),
            "https://example.com/" + item_id.hex if kind == "article" else None,
            words.text(rng.randint(50, 300)), _pick(rng, LANGUAGES), item_id,
            rng.choice(campaigns) if rng.random() < 0.4 else None, "{}", status, "console",
            author, author, author if done else None, 1, created, done or created, done, done,
            None, done, done if status == "expired" else None,
        )  # fmt: skip
        yield item, _targets(rng, org, item_id), _tags(rng, org, item_id)


def _targets(rng: random.Random, org: Org, item_id: uuid.UUID) -> list[tuple[Any, ...]]:
    program = rng.randrange(len(org.programs))
    subs = rng.sample(org.sub_programs[program], 2 if rng.random() < 0.3 else 1)
    return [(item_id, sub, org.programs[program], org.org_id) for sub in subs]


def _tags(rng: random.Random, org: Org, item_id: uuid.UUID) -> list[tuple[Any, ...]]:
    chosen = [("topic", t) for t in rng.sample(TOPICS, rng.randint(1, 2))]
    if rng.random() < 0.3:
        chosen += [("network", n) for n in rng.sample(NETWORKS, rng.randint(1, 2))]
    if rng.random() < 0.2:
        chosen.append(("department", rng.choice(DEPARTMENTS)))
    return [(item_id, dimension, value, org.org_id) for dimension, value in chosen]
