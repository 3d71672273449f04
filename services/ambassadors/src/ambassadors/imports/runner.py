"""The worker's import loop: one job at a time, in chunks, each chunk one transaction.

A job is leased (a token and an expiry), never locked for its whole run. Each chunk's
transaction first renews the lease, only if it is still ours and the checkpoint is where we left
it (the job's row then stays locked until that transaction ends), then upserts the chunk's good
rows, records its bad ones and moves the checkpoint: all or nothing. A worker that dies leaves a
lease that runs out, and the next worker resumes from the checkpoint, so no row is applied twice
(and one applied twice would change nothing: the employee's fingerprint).
"""

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import islice

from ambassadors.imports import chunk, csv_file
from ambassadors.imports import repository as imports
from ambassadors.imports.errors import BadCsv
from ambassadors.imports.models import CsvImport
from common.db import Database
from common.failures import is_infrastructure
from common.heartbeat import Heartbeats
from common.periodic import every
from common.settings import ServiceSettings

log = logging.getLogger(__name__)
LOOP = "csv_imports"
CHUNK_ROWS = 1000  # one transaction each: row locks held briefly, statements amortised
LEASE = timedelta(seconds=60)
POLL_SECONDS = 1.0
MAX_ATTEMPTS = 5


async def tick(
    db: Database,
    *,
    now: datetime | None = None,
    chunk_rows: int = CHUNK_ROWS,
    max_chunks: int | None = None,
    beat: Callable[[], None] = lambda: None,
) -> CsvImport | None:
    """Lease the oldest waiting job and run it from its checkpoint to its end (or `max_chunks`
    chunks); the job as claimed, or None when none waits."""
    token, moment = uuid.uuid4(), now or datetime.now(UTC)
    async with db.transaction() as session:
        job = await imports.claim(session, token=token, now=moment, until=moment + LEASE)
    if job is not None:
        await run_claimed(
            db, job, token=token, chunk_rows=chunk_rows, max_chunks=max_chunks, beat=beat
        )
    return job


async def run_claimed(
    db: Database,
    job: CsvImport,
    *,
    token: uuid.UUID,
    chunk_rows: int = CHUNK_ROWS,
    max_chunks: int | None = None,
    beat: Callable[[], None] = lambda: None,
) -> None:
    """Run a job whose lease this token holds, from its checkpoint."""
    async with db.transaction() as session:
        content = await imports.file_content(session, import_id=job.id)
    if content is None or job.attempts > MAX_ATTEMPTS:
        await _fail(db, job, token, f"stopped after {job.attempts - 1} interrupted attempts")
        return
    try:
        finished = await _run(
            db, job, token, content, chunk_rows=chunk_rows, max_chunks=max_chunks, beat=beat
        )
        if not finished:  # stopped on purpose: the next tick, here or elsewhere, goes on at once
            await _release(db, job, token)
    except BadCsv as exc:  # checked at upload: only a change of the format's rules gets here
        await _fail(db, job, token, exc.message)
    except Exception as exc:
        if not is_infrastructure(exc):  # otherwise the database is away: the lease runs out
            await _release(db, job, token)
        raise


async def _run(
    db: Database,
    job: CsvImport,
    token: uuid.UUID,
    content: bytes,
    *,
    chunk_rows: int,
    max_chunks: int | None,
    beat: Callable[[], None],
) -> bool:
    """Chunks from the checkpoint on; True when the job is done (or no longer ours)."""
    columns, rows = csv_file.read(content)
    seen = chunk.Seen()
    for row in islice(rows, job.rows_done):  # the committed part: whose ids the file used
        seen.claim(row, columns=columns)
    done, chunks = job.rows_done, 0
    while done < job.rows_total and (max_chunks is None or chunks < max_chunks):
        batch = list(islice(rows, chunk_rows))
        if not batch:
            raise BadCsv(f"the file has {done} rows, {job.rows_total} were counted at upload")
        judged = chunk.judge(batch, columns=columns, seen=seen)
        now = datetime.now(UTC)
        async with db.transaction() as session:
            held = await imports.hold(
                session, import_id=job.id, token=token, at_row=done, until=now + LEASE, now=now
            )
            if not held:
                log.warning("csv import taken over", extra={"import": str(job.id)})
                return True
            changed = await chunk.apply(session, org_id=job.org_id, judged=judged)
            errors = chunk.error_rows(judged.errors, org_id=job.org_id, import_id=job.id, now=now)
            await imports.record_errors(session, errors)
            done += len(batch)
            await imports.advance(
                session,
                import_id=job.id,
                rows_done=done,
                failed=len(errors),
                changed=changed,
                finished=done >= job.rows_total,
                now=now,
            )
        chunks += 1
        beat()
    return done >= job.rows_total


async def _release(db: Database, job: CsvImport, token: uuid.UUID) -> None:
    async with db.transaction() as session:
        await imports.release(session, import_id=job.id, token=token, now=datetime.now(UTC))


async def _fail(db: Database, job: CsvImport, token: uuid.UUID, error: str) -> None:
    async with db.transaction() as session:
        await imports.fail(
            session, import_id=job.id, token=token, error=error, now=datetime.now(UTC)
        )
    log.warning("csv import failed", extra={"import": str(job.id), "error": error})


async def run(db: Database, settings: ServiceSettings, heartbeats: Heartbeats) -> None:
    """Run jobs one after another, forever; a long job beats at every chunk."""

    async def step() -> dict[str, int]:
        job = await tick(db, beat=lambda: heartbeats.beat(LOOP))
        return {"jobs": int(job is not None)}

    await every(
        POLL_SECONDS, name=LOOP, tick=step, heartbeats=heartbeats, progress="csv import ran"
    )
