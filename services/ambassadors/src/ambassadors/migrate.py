"""The ambassadors service's migration job: `python -m ambassadors.migrate [command]`."""

import sys
from pathlib import Path

from ambassadors.config import Settings
from common.migrations import main

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    main(sys.argv[1:], migrations_dir=MIGRATIONS, database_url=Settings().database_url)
