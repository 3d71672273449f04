"""Prometheus metrics shared by every service, and the /metrics endpoint."""

import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

HTTP_REQUESTS = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by route template",
    ["method", "route", "status"],
)
OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows not yet published to Kafka")
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published to Kafka")
OUTBOX_ERRORS = Counter("outbox_publish_errors_total", "Failed relay publish attempts")
OUTBOX_QUARANTINED = Gauge(
    "outbox_quarantined", "Outbox rows Kafka refused for good, set aside with their error"
)
RELAY_LEADER = Gauge("outbox_relay_leader", "1 while this process is the relay publishing")
CONSUMER_WAITS = Counter(
    "consumer_infrastructure_waits_total",
    "Batches that waited for the database or network to come back (never dead-lettered)",
    ["consumer"],
)
KAFKA_REACHABLE = Gauge("kafka_reachable", "1 when a bootstrap broker accepted a connection")
EVENTS_CONSUMED = Counter(
    "events_consumed_total", "Consumed events by outcome", ["consumer", "type", "outcome"]
)
DEAD_LETTERS_REPLAYED = Counter(
    "dead_letters_replayed_total",
    "Dead letters produced again to their consumer's replay topic",
    ["consumer"],
)
CONSUMER_LAG = Gauge(
    "consumer_lag",
    "Records behind the partition's high watermark",
    ["consumer", "topic", "partition"],
)

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def metrics() -> Response:
    """Prometheus text exposition."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def observe_requests(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """HTTP middleware: latency histogram labelled by route template (bounded cardinality)."""
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    template = getattr(route, "path", "unmatched")
    HTTP_REQUESTS.labels(request.method, template, str(response.status_code)).observe(
        time.perf_counter() - started
    )
    return response
