"""The ambassadors consumer's dead letters: `python -m ambassadors.deadletters --help`."""

import sys

from ambassadors.config import Settings
from common.deadletters import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:], Settings(), consumer="ambassadors"))
