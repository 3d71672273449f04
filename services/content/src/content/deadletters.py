"""The content consumer's dead letters: `python -m content.deadletters --help`."""

import sys

from common.deadletters import main
from content.config import Settings

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:], Settings(), consumer="content"))
