"""The metrics consumer's dead letters: `python -m metrics.deadletters --help`."""

import sys

from common.deadletters import main
from metrics.config import Settings

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:], Settings(), consumer="metrics"))
