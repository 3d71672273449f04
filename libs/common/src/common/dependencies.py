"""FastAPI dependencies every service uses: the request's unit of work and its caller."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from common import auth
from common.assertions import AssertionVerifier
from common.db import Database
from common.pagination import PageParams, page_params


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's single transaction: committed before the response is sent."""
    db: Database = request.app.state.db
    async with db.transaction() as session:
        yield session


async def current_principal(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> auth.Principal:
    """The caller the gateway asserted for this service; 401 for anything else (ADR 0009).

    async although it awaits nothing: FastAPI runs a plain `def` dependency in its thread pool,
    a hand-off that costs more than the (cached) check itself."""
    verifier: AssertionVerifier = request.app.state.assertion_verifier
    return verifier.verify(auth.bearer_token(authorization))


# scope="function": the commit happens before the response, so a failed commit is a 5xx, not a 2xx.
DbSession = Annotated[AsyncSession, Depends(request_session, scope="function")]
CurrentPrincipal = Annotated[auth.Principal, Depends(current_principal)]
Pagination = Annotated[PageParams, Depends(page_params)]
