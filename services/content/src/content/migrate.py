"""The content service's migration job: `python -m content.migrate [command]`."""

import sys
from pathlib import Path

from common.migrations import main
from content.config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    main(sys.argv[1:], migrations_dir=MIGRATIONS, database_url=Settings().database_url)
