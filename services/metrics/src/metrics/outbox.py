"""Quarantined outbox rows of the metrics service: `python -m metrics.outbox list|requeue`."""

import sys

from common.outbox_admin import main
from metrics.config import Settings

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], Settings()))
