"""Dead-letter operations over HTTP, mounted by each service that runs a consumer.

Dead letters span every organisation, so only a platform operator may read or replay them.
The consumer's name is part of the path (not a parameter) so that the gateway can send
`/v1/ops/dead-letters/<consumer>` to the one service that owns that consumer; any other name is
an unknown route (404).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from common.deadletters import MAX_LIMIT, DeadLetters
from common.deadletters_schemas import DeadLetter, DeadLetterPage, Replayed, ReplayedPage
from common.dependencies import CurrentPrincipal
from common.settings import ServiceSettings

Partition = Annotated[int, Path(ge=0, le=1_000_000)]
Offset = Annotated[int, Path(ge=0)]
# The cursor holds one offset per partition, so it is longer than the database lists' cursors.
Cursor = Annotated[str | None, Query(max_length=4000)]
NO_REPLAY_TOPIC: dict[str, Any] = {
    "description": "The replay topic does not exist yet (the consumer's worker provisions it)"
}


class ReplayPageRequest(BaseModel):
    """Which page of dead letters to replay: from the start or a list's next_cursor."""

    cursor: str | None = Field(default=None, max_length=4000)
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


def dead_letter_router(consumer: str) -> APIRouter:
    """List, inspect and replay the dead letters of one consumer (operators only)."""
    router = APIRouter(
        prefix=f"/v1/ops/dead-letters/{consumer}",
        tags=["operations"],
        responses={503: {"description": "Kafka cannot be read or written right now"}},
    )

    async def operator_dead_letters(request: Request, principal: CurrentPrincipal) -> DeadLetters:
        principal.require("operator")
        settings: ServiceSettings = request.app.state.settings
        return DeadLetters(settings=settings, consumer=consumer)

    Operations = Annotated[DeadLetters, Depends(operator_dead_letters)]

    @router.get("", summary=f"List the {consumer} consumer's dead letters")
    async def list_dead_letters(
        dead_letters: Operations,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
        cursor: Cursor = None,
    ) -> DeadLetterPage:
        """A page of dead letters, partition by partition, oldest first."""
        return await dead_letters.page(cursor=cursor, limit=limit)

    @router.get("/{partition}/{offset}", summary=f"Inspect a {consumer} dead letter")
    async def show_dead_letter(
        dead_letters: Operations, partition: Partition, offset: Offset
    ) -> DeadLetter:
        """One dead letter with its value and every header."""
        return await dead_letters.inspect(partition=partition, offset=offset)

    @router.post(
        "/{partition}/{offset}/replay",
        summary=f"Replay a {consumer} dead letter",
        responses={409: NO_REPLAY_TOPIC},
    )
    async def replay_dead_letter(
        dead_letters: Operations, partition: Partition, offset: Offset
    ) -> Replayed:
        """Send one dead letter back to its consumer; the inbox drops it if already handled."""
        return await dead_letters.replay(partition=partition, offset=offset)

    @router.post(
        "/replay",
        summary=f"Replay a page of {consumer} dead letters",
        responses={409: NO_REPLAY_TOPIC},
    )
    async def replay_dead_letters(
        dead_letters: Operations, body: ReplayPageRequest | None = None
    ) -> ReplayedPage:
        """Replay up to `limit` dead letters from `cursor`; repeat with next_cursor for more."""
        body = body or ReplayPageRequest()
        return await dead_letters.replay_page(cursor=body.cursor, limit=body.limit)

    return router
