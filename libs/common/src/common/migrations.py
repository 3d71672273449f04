"""Alembic glue: each service keeps its own migrations package and its own version table."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData

from common.db import is_sqlite, make_engine


def alembic_config(*, migrations_dir: Path, database_url: str) -> Config:
    """An Alembic config pointing at a service's migrations package."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    # Migrations are named by date and slug so the history reads in order.
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(slug)s")
    config.attributes["database_url"] = database_url
    return config


def upgrade(*, migrations_dir: Path, database_url: str) -> None:
    """Apply every pending migration (run as a one-shot job, never at app start)."""
    command.upgrade(
        alembic_config(migrations_dir=migrations_dir, database_url=database_url), "heads"
    )


def main(argv: list[str], *, migrations_dir: Path, database_url: str) -> None:
    """CLI: upgrade (default) | check | downgrade REV | revision "message"."""
    config = alembic_config(migrations_dir=migrations_dir, database_url=database_url)
    match argv:
        case [] | ["upgrade"]:
            command.upgrade(config, "heads")
        case ["check"]:
            command.check(config)  # fails when the models differ from the migrated schema
        case ["downgrade", revision]:
            command.downgrade(config, revision)
        case ["revision", message]:
            command.upgrade(config, "heads")
            command.revision(config, message=message, autogenerate=True)
        case _:
            raise SystemExit(
                "usage: python -m <service>.migrate [upgrade|check|downgrade REV|revision MSG]"
            )


# Columns and indexes a migration creates for one engine only (PostgreSQL's full-text tsvector
# column and its GIN index): they are not in the models, which SQLite also builds, so
# autogenerate must not ask to drop them.
ENGINE_SPECIFIC_INDEX_SUFFIX = "_fts"


def _compared(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    engine_specific = (name or "").endswith(ENGINE_SPECIFIC_INDEX_SUFFIX)
    return not (type_ in ("index", "column") and reflected and engine_specific)


def run_env(metadata: MetaData) -> None:
    """Body of a service's migrations/env.py: run migrations online over the async engine."""
    url = context.config.attributes["database_url"]

    def migrate(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=is_sqlite(url),  # SQLite can only ALTER through table copies
            compare_type=True,
            include_object=_compared,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = make_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
            await connection.commit()
        await engine.dispose()

    asyncio.run(main())
