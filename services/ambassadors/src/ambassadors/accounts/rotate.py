"""Re-encrypt every stored token with the newest key, so the old key can be dropped:
`python -m ambassadors.accounts.rotate` (after putting the new key first in
AMBASSADORS_SECRETS_KEYS, before removing the old one). Safe to run again or beside the
service: rows are taken in small locked batches and re-sealed in place.
"""

import asyncio
import uuid
from typing import Any

from sqlmodel import col, select

from ambassadors.accounts import secrets as sealing
from ambassadors.accounts.models import SocialToken, TokenRevocation
from ambassadors.config import Settings
from common.db import Database

BATCH = 500


async def rotate_all(db: Database, box: sealing.SecretBox) -> int:
    """Re-seal every token and pending revocation; how many rows were re-sealed."""
    done = 0
    for model, key in ((SocialToken, "account_id"), (TokenRevocation, "id")):
        after = uuid.UUID(int=0)
        while rows := await _reseal_batch(db, box, model, key, after=after):
            done += len(rows)
            after = getattr(rows[-1], key)
    return done


async def _reseal_batch(
    db: Database, box: sealing.SecretBox, model: Any, key: str, *, after: uuid.UUID
) -> list[SocialToken | TokenRevocation]:
    column = col(getattr(model, key))
    async with db.transaction() as session:
        query = select(model).where(column > after).order_by(column).limit(BATCH).with_for_update()
        rows: list[SocialToken | TokenRevocation] = list(
            (await session.execute(query)).scalars().all()
        )
        for row in rows:
            _reseal(row, box)
    return rows


def _reseal(row: SocialToken | TokenRevocation, box: sealing.SecretBox) -> None:
    if isinstance(row, TokenRevocation):
        row.token = box.rotate(row.token)
        return
    row.access_token = box.rotate(row.access_token)
    if row.refresh_token is not None:
        row.refresh_token = box.rotate(row.refresh_token)


async def _main() -> None:
    settings = Settings()
    db = Database(settings.database_url)
    try:
        print(f"re-encrypted {await rotate_all(db, sealing.box(settings.secrets_keys))} rows")  # noqa: T201
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(_main())
