"""Dead-letter operations against the real broker: list, inspect, replay, CLI and HTTP."""

import base64
import uuid
from collections.abc import AsyncIterator, Sequence

import httpx
import orjson
import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client import REGISTRY

from advocacy_testing.kafka import read_all
from common import assertions, auth
from common.app import ServiceSpec, create_app
from common.deadletters import DeadLetters, main, run
from common.deadletters_router import dead_letter_router
from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY
from common.errors import Conflict, InvalidInput, NotFound
from common.settings import ServiceSettings
from common.topics import ensure_topics, owned_topics

CONSUMER = "metrics"
Headers = list[tuple[str, bytes | None]]


def letter_headers(*, ce_id: str, error: str = "ValueError('handler bug')") -> Headers:
    """What the runner writes: the event's own headers, then the dlt_* ones."""
    return [
        ("ce_id", ce_id.encode()),
        ("ce_type", b"ambassadors.share.created.v1"),
        ("ce_orgid", b"0d0d0d0d-0000-4000-8000-000000000001"),
        ("dlt_error", error.encode()),
        ("dlt_consumer", CONSUMER.encode()),
        ("dlt_original_topic", b"ambassadors.events"),
        ("dlt_original_partition", b"1"),
        ("dlt_original_offset", b"41"),
        ("dlt_attempts", b"3"),
    ]


POISON_KEY = b"\xff\xfe-not-utf8"
POISON_VALUE = b"\x80\x81 not json"
POISON_HEADERS: Headers = [
    ("ce_type", None),
    ("ce_id", b"\xff"),
    ("dlt_error", b"MalformedEvent('undecodable key')"),
    ("dlt_attempts", b"0"),
]


@pytest.fixture
def settings(kafka_bootstrap: str, topic_prefix: str) -> ServiceSettings:
    return ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap, kafka_topic_prefix=topic_prefix, topic_partitions=3
    )


@pytest.fixture
async def dead_letters(settings: ServiceSettings) -> DeadLetters:
    """The metrics consumer's DLT and replay topic exist, empty."""
    await ensure_topics(settings, owned_topics(settings, produces=[], consumers=[CONSUMER]))
    return DeadLetters(settings=settings, consumer=CONSUMER)


async def put(
    settings: ServiceSettings, letters: Sequence[tuple[int, bytes | None, bytes, Headers]]
) -> None:
    """Write (partition, key, value, headers) records straight onto the metrics DLT."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    await producer.start()
    try:
        for partition, key, value, headers in letters:
            await producer.send_and_wait(
                settings.topic(f"{CONSUMER}.dlt"),
                value,
                key=key,
                partition=partition,
                headers=headers,  # a null header value is legal in Kafka, and a poison's own
            )
    finally:
        await producer.stop()


def letter(partition: int, n: int) -> tuple[int, bytes, bytes, Headers]:
    return partition, f"key-{n}".encode(), f'{{"n": {n}}}'.encode(), letter_headers(ce_id=f"e{n}")


def replayed_count() -> float:
    return REGISTRY.get_sample_value("dead_letters_replayed_total", {"consumer": CONSUMER}) or 0.0


async def test_page_walks_every_partition_without_loss_or_repeat(
    dead_letters: DeadLetters, settings: ServiceSettings
) -> None:
    # Partition 1 stays empty; pages of 2 straddle the partitions.
    await put(settings, [letter(0, n) for n in range(3)] + [letter(2, n) for n in range(3, 7)])

    seen, cursor, pages = [], None, 0
    while True:
        page = await dead_letters.page(cursor=cursor, limit=2)
        seen += [(item.partition, item.offset) for item in page.items]
        pages, cursor = pages + 1, page.next_cursor
        if cursor is None:
            break

    assert seen == [(0, 0), (0, 1), (0, 2), (2, 0), (2, 1), (2, 2), (2, 3)]
    assert pages == 4
    assert page.retained == 7


async def test_page_of_empty_dlt_is_empty(dead_letters: DeadLetters) -> None:
    page = await dead_letters.page()

    assert (page.items, page.next_cursor, page.retained) == ([], None, 0)


async def test_poison_record_is_listed_and_shown_safely(
    dead_letters: DeadLetters, settings: ServiceSettings
) -> None:
    await put(settings, [(1, POISON_KEY, POISON_VALUE, POISON_HEADERS)])

    item = (await dead_letters.page()).items[0]
    shown = await dead_letters.inspect(partition=1, offset=0)

    assert item.key is not None and item.key.encoding == "base64"
    assert base64.b64decode(item.key.data) == POISON_KEY
    assert (item.ce_type, item.ce_id, item.attempts) == (None, "\ufffd", 0)
    assert item.error == "MalformedEvent('undecodable key')"
    assert shown.value is not None and base64.b64decode(shown.value.data) == POISON_VALUE
    assert {"name": "ce_type", "value": None} in [h.model_dump() for h in shown.headers]


async def test_inspect_returns_error_and_original_position(
    dead_letters: DeadLetters, settings: ServiceSettings
) -> None:
    await put(settings, [letter(2, 1)])

    shown = await dead_letters.inspect(partition=2, offset=0)

    assert shown.error == "ValueError('handler bug')"
    assert (shown.original_topic, shown.original_partition, shown.original_offset) == (
        "ambassadors.events",
        1,
        41,
    )
    assert (shown.ce_id, shown.attempts, shown.value_size) == ("e1", 3, len(b'{"n": 1}'))
    assert shown.value is not None and (shown.value.encoding, shown.value.data) == (
        "utf-8",
        '{"n": 1}',
    )


@pytest.mark.parametrize(("partition", "offset", "field"), [(0, 1, "offset"), (9, 0, "partition")])
async def test_inspect_missing_record_is_not_found(
    dead_letters: DeadLetters, settings: ServiceSettings, partition: int, offset: int, field: str
) -> None:
    await put(settings, [letter(0, 1)])

    with pytest.raises(NotFound) as caught:
        await dead_letters.inspect(partition=partition, offset=offset)

    assert caught.value.field == field


async def test_tampered_cursor_is_invalid_input(dead_letters: DeadLetters) -> None:
    with pytest.raises(InvalidInput) as caught:
        await dead_letters.page(cursor="bm90LWpzb24")

    assert caught.value.field == "cursor"


async def test_replay_sends_original_record_to_replay_topic(
    dead_letters: DeadLetters, settings: ServiceSettings
) -> None:
    await put(settings, [letter(0, 1), (0, POISON_KEY, POISON_VALUE, POISON_HEADERS)])
    before = replayed_count()

    result = await dead_letters.replay(partition=0, offset=1)

    [record] = await read_all(
        settings.kafka_bootstrap_servers, dead_letters.replay_topic, expected=1
    )
    assert (record.key, record.value) == (POISON_KEY, POISON_VALUE)
    assert list(record.headers) == [
        ("ce_type", None),
        ("ce_id", b"\xff"),
        ("dlt_replayed_from", b"0:1"),
    ]
    assert (result.partition, result.offset, result.replay_offset) == (0, 1, record.offset)
    assert replayed_count() == before + 1


async def test_replay_page_replays_a_bounded_page_then_the_rest(
    dead_letters: DeadLetters, settings: ServiceSettings
) -> None:
    await put(settings, [letter(n % 3, n) for n in range(5)])

    first = await dead_letters.replay_page(limit=3)
    rest = await dead_letters.replay_page(cursor=first.next_cursor, limit=3)

    records = await read_all(
        settings.kafka_bootstrap_servers, dead_letters.replay_topic, expected=5
    )
    sources = sorted(dict(r.headers)["dlt_replayed_from"] for r in records)
    assert (len(first.replayed), len(rest.replayed), rest.next_cursor) == (3, 2, None)
    assert sources == [b"0:0", b"0:1", b"1:0", b"1:1", b"2:0"]
    assert all(
        not k.startswith("dlt_") or k == "dlt_replayed_from" for r in records for k, _ in r.headers
    )


async def test_replay_refused_while_replay_topic_missing(settings: ServiceSettings) -> None:
    await ensure_topics(settings, [f"{CONSUMER}.dlt"])
    await put(settings, [letter(0, 1)])

    with pytest.raises(Conflict):
        await DeadLetters(settings=settings, consumer=CONSUMER).replay(partition=0, offset=0)


async def test_cli_lists_then_replays_all_as_json_lines(
    dead_letters: DeadLetters, settings: ServiceSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    await put(settings, [letter(0, 1), letter(1, 2)])

    listed = await run(["list"], settings, consumer=CONSUMER)
    listing = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    replayed = await run(["replay-all", "--limit", "5"], settings, consumer=CONSUMER)
    replays = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    missing = await run(["show", "0", "7"], settings, consumer=CONSUMER)

    assert (listed, replayed, missing) == (0, 0, 1)
    assert [(x["partition"], x["ce_id"]) for x in listing[:-1]] == [(0, "e1"), (1, "e2")]
    assert listing[-1] == {"next_cursor": None, "retained": 2}
    assert replays[-1] == {"replayed": 2, "next_cursor": None}
    assert orjson.loads(capsys.readouterr().err)["field"] == "offset"


def test_cli_main_on_a_dlt_not_created_yet_prints_an_empty_page(
    settings: ServiceSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    # main() runs its own event loop, as `python -m metrics.deadletters` does.
    code = main(["list"], settings, consumer=CONSUMER)

    assert code == 0
    assert orjson.loads(capsys.readouterr().out) == {"next_cursor": None, "retained": 0}


# --- over HTTP -------------------------------------------------------------------------------


def bearer(*roles: auth.Role) -> dict[str, str]:
    """The gateway's assertion for a caller with these roles (audience: the settings' default)."""
    principal = auth.Principal(user_id=uuid.uuid4(), org_id=uuid.uuid4(), roles=frozenset(roles))
    key = assertions.load_private_key(DEV_INTERNAL_PRIVATE_KEY)
    token = assertions.sign(key, principal=principal, audience=ServiceSettings().service_name)
    return {"Authorization": f"Bearer {token}"}


OPERATOR = bearer("operator")
BASE = f"/v1/ops/dead-letters/{CONSUMER}"


@pytest.fixture
async def client(
    dead_letters: DeadLetters, settings: ServiceSettings
) -> AsyncIterator[httpx.AsyncClient]:
    router = dead_letter_router(CONSUMER)
    spec = ServiceSpec(
        settings=settings, title="t", description="t", routers=[router], uses_database=False
    )
    transport = httpx.ASGITransport(create_app(spec))
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        yield client


async def test_operator_lists_inspects_and_replays_over_http(
    client: httpx.AsyncClient, settings: ServiceSettings
) -> None:
    await put(settings, [letter(1, 1), letter(1, 2)])

    listed = await client.get(BASE, params={"limit": 1}, headers=OPERATOR)
    shown = await client.get(f"{BASE}/1/0", headers=OPERATOR)
    one = await client.post(f"{BASE}/1/0/replay", headers=OPERATOR)
    page = await client.post(f"{BASE}/replay", json={"limit": 5}, headers=OPERATOR)

    assert listed.status_code == 200 and len(listed.json()["items"]) == 1
    assert listed.json()["next_cursor"] is not None
    assert shown.status_code == 200 and shown.json()["error"] == "ValueError('handler bug')"
    assert one.status_code == 200 and one.json()["ce_id"] == "e1"
    assert page.status_code == 200 and [r["ce_id"] for r in page.json()["replayed"]] == ["e1", "e2"]


REQUESTS = [
    ("GET", BASE),
    ("GET", f"{BASE}/0/0"),
    ("POST", f"{BASE}/0/0/replay"),
    ("POST", f"{BASE}/replay"),
]


@pytest.mark.parametrize(("method", "path"), REQUESTS)
@pytest.mark.parametrize("roles", [("employee",), ("org_admin", "employee")])
async def test_dead_letters_forbidden_without_operator_role(
    client: httpx.AsyncClient, method: str, path: str, roles: tuple[auth.Role, ...]
) -> None:
    response = await client.request(method, path, headers=bearer(*roles))

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("method", "path"), REQUESTS)
async def test_dead_letters_need_a_token(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path)

    assert response.status_code == 401


async def test_other_consumer_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/ops/dead-letters/ambassadors", headers=OPERATOR)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("method", "path", "params", "status", "field"),
    [
        ("GET", f"{BASE}/0/3", {}, 404, "offset"),
        ("POST", f"{BASE}/7/0/replay", {}, 404, "partition"),
        ("GET", f"{BASE}/-1/0", {}, 422, "partition"),
        ("GET", BASE, {"limit": 101}, 422, "limit"),
        ("GET", BASE, {"cursor": "%%%"}, 422, "cursor"),
    ],
)
async def test_bad_dead_letter_request_names_the_field(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    params: dict[str, str | int],
    status: int,
    field: str,
) -> None:
    response = await client.request(method, path, params=params, headers=OPERATOR)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field
