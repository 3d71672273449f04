"""Idempotency-Key: a retried POST gets the stored response instead of doing the work twice.

The key is claimed with INSERT ... ON CONFLICT DO NOTHING inside the request's own transaction,
before any business write, and the response is stored in that same transaction. So:
- a concurrent twin blocks on the key's unique index until the first request commits, then
  finds its stored response (or, if the first rolled back, claims the key and does the work);
- a request that fails leaves no key behind and may simply be retried;
- keys are scoped per caller (organisation + user): nobody can read another caller's response.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from common import upsert
from common.dependencies import CurrentPrincipal, DbSession
from common.errors import Conflict, InvalidInput
from common.idempotency_table import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
REPLAYED_HEADER = "Idempotent-Replayed"
# Keys are honoured at least this long; purge_expired may forget older ones.
RETENTION = timedelta(hours=24)

Model = TypeVar("Model", bound=BaseModel)


class Idempotency:
    """One request's Idempotency-Key (or its absence), bound to the request's transaction."""

    def __init__(
        self,
        *,
        session: AsyncSession,
        scope: str,
        key: str | None,
        request_hash: str,
        status_code: int,
    ) -> None:
        self.session, self.scope, self.key = session, scope, key
        self.request_hash, self.status_code = request_hash, status_code

    async def run(self, create: Callable[[], Awaitable[Model]]) -> Model | Response:
        """Do the work once per key: the first call runs `create`, replays get its response."""
        if self.key is None:
            return await create()
        # Twice at most: a row found missing after a lost claim was purged in between.
        for _ in range(2):
            if await self._claim():
                body = (await create()).model_dump_json().encode()
                await self._store(body)
                return _json(body, self.status_code)
            replay = await self._replay()
            if replay is not None:
                return replay
        raise Conflict("this Idempotency-Key is being reused concurrently; retry", field=HEADER)

    async def _claim(self) -> bool:
        statement = (
            upsert.insert(self.session, IdempotencyRecord)
            .values(
                scope=self.scope,
                key=self.key,
                request_hash=self.request_hash,
                created_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing(index_elements=["scope", "key"])
            .returning(col(IdempotencyRecord.key))
        )
        return (await self.session.execute(statement)).first() is not None

    async def _store(self, body: bytes) -> None:
        await self.session.execute(
            update(IdempotencyRecord)
            .where(self._this_key())
            .values(status_code=self.status_code, response_body=body)
        )

    async def _replay(self) -> Response | None:
        query = select(
            col(IdempotencyRecord.request_hash),
            col(IdempotencyRecord.status_code),
            col(IdempotencyRecord.response_body),
        ).where(self._this_key())
        row = (await self.session.execute(query)).one_or_none()
        if row is None:
            return None
        request_hash, status_code, body = row
        if request_hash != self.request_hash:
            raise InvalidInput(
                "this Idempotency-Key was already used for a different request", field=HEADER
            )
        if status_code is None or body is None:  # only a row written outside this module
            raise Conflict("this Idempotency-Key has no stored response yet; retry", field=HEADER)
        response = _json(body, status_code)
        response.headers[REPLAYED_HEADER] = "true"
        return response

    def _this_key(self) -> ColumnElement[bool]:
        return and_(
            col(IdempotencyRecord.scope) == self.scope, col(IdempotencyRecord.key) == self.key
        )


async def idempotency(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            min_length=1,
            max_length=MAX_KEY_LENGTH,
            description=(
                "Optional client-chosen key (e.g. a UUID). Retrying with the same key and body "
                "returns the stored response without doing the work again; the same key with a "
                "different request is a 422. Keys are kept at least 24 hours, per caller."
            ),
        ),
    ] = None,
) -> Idempotency:
    """The request's Idempotency-Key, scoped to the caller, ready to wrap the route's work."""
    route = request.scope.get("route")
    return Idempotency(
        session=session,
        scope=f"{principal.org_id}:{principal.user_id}",
        key=key,
        request_hash=request_hash(
            method=request.method, path=request.url.path, body=await request.body()
        ),
        status_code=getattr(route, "status_code", None) or 200,
    )


Idempotent = Annotated[Idempotency, Depends(idempotency)]


def request_hash(*, method: str, path: str, body: bytes) -> str:
    """What makes two requests 'the same': method, path and the JSON body (key order ignored)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):  # empty or not JSON: compare the bytes themselves
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big") + part)  # length-prefixed: no ambiguity
    return digest.hexdigest()


async def purge_expired(session: AsyncSession, *, older_than: timedelta = RETENTION) -> int:
    """Forget keys older than the retention period; returns how many were removed."""
    cutoff = datetime.now(UTC) - older_than
    result = await session.execute(
        delete(IdempotencyRecord).where(col(IdempotencyRecord.created_at) < cutoff)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount


def _json(body: bytes, status_code: int) -> Response:
    return Response(content=body, status_code=status_code, media_type="application/json")
