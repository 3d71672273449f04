"""The metrics service's migration job: `python -m metrics.migrate [command]`."""

import sys
from pathlib import Path

from common.migrations import main
from metrics.config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    main(sys.argv[1:], migrations_dir=MIGRATIONS, database_url=Settings().database_url)
