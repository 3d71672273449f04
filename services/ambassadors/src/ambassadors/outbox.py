"""Quarantined outbox rows: `python -m ambassadors.outbox list|requeue`."""

import sys

from ambassadors.config import Settings
from common.outbox_admin import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], Settings()))
