"""Quarantined outbox rows of the content service: `python -m content.outbox list|requeue`."""

import sys

from common.outbox_admin import main
from content.config import Settings

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], Settings()))
