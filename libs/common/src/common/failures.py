"""What a failure means for an event: our infrastructure is away (wait), or the event can't be done.

Decided by meaning, not by class name: under SQLAlchemy 2 + asyncpg a PostgreSQL restart, too
many connections or a deadlock surface as a plain `DBAPIError`, so the SQLSTATE carried anywhere
in the exception chain is what tells them apart from a handler bug.
"""

import sqlalchemy.exc

# SQLSTATE classes and codes that say "the database is not able to do it now", never "this event
# is wrong". https://www.postgresql.org/docs/current/errcodes-appendix.html
WAIT_SQLSTATE_CLASSES = (
    "08",  # connection exception
    "28",  # invalid authorisation (credentials not provisioned yet): a deploy problem
    "53",  # insufficient resources: too many connections, disk full, out of memory
    "57",  # operator intervention: admin/crash shutdown, cannot connect now, statement timeout
    "58",  # system error (I/O)
)
WAIT_SQLSTATES = frozenset(
    {
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
        "40003",  # statement_completion_unknown
        "55P03",  # lock_not_available
        "25006",  # read_only_sql_transaction: a failover pointed us at a replica
        "42P01",  # undefined_table: the service started before its migrations
        "42703",  # undefined_column: a migration still to come
        "3F000",  # invalid_schema_name
        "3D000",  # invalid_catalog_name: the database is not created yet
    }
)
WAIT_CLASSES: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, DNS (socket.gaierror), TimeoutError
    sqlalchemy.exc.OperationalError,  # SQLite: locked, no such table; psycopg-style drivers
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.DisconnectionError,
    sqlalchemy.exc.TimeoutError,  # connection pool exhausted
)
CHAIN_LIMIT = 10


def is_infrastructure(exc: BaseException) -> bool:
    """True when the database or network is unavailable: retry without limit, never dead-letter."""
    for link in _chain(exc):
        if isinstance(link, WAIT_CLASSES):
            return True
        if isinstance(link, sqlalchemy.exc.DBAPIError) and link.connection_invalidated:
            return True
        state = _sqlstate(link)
        if state and (state in WAIT_SQLSTATES or state.startswith(WAIT_SQLSTATE_CLASSES)):
            return True
    return False


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, what it wraps (.orig) and what caused it, without cycles."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < CHAIN_LIMIT:
        link = todo.pop()
        if link is None or any(link is s for s in seen):
            continue
        seen.append(link)
        orig = getattr(link, "orig", None)
        wrapped = orig if isinstance(orig, BaseException) else None
        todo += [link.__cause__, link.__context__, wrapped]
    return seen


def _sqlstate(exc: BaseException) -> str | None:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return state if isinstance(state, str) else None
