"""Print a development bearer token: python -m gateway.devtoken --role admin|employee."""

import argparse
import sys
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import get_args

from common import auth
from gateway.config import Settings

# Fixed defaults so tokens printed by successive `make run`s address the same demo org and users.
DEMO_ORG = uuid.UUID("0d0d0d0d-0000-4000-8000-000000000001")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway.devtoken", description=__doc__)
    parser.add_argument("--role", required=True, choices=get_args(auth.Role))
    parser.add_argument("--org", type=uuid.UUID, default=DEMO_ORG)
    parser.add_argument("--user", type=uuid.UUID, default=None)
    parser.add_argument("--ttl-hours", type=float, default=12.0)
    return parser


def main(argv: Sequence[str] | None = None, *, settings: Settings | None = None) -> int:
    """Write a token signed with the gateway's secret to stdout; exit 2 in production."""
    args = _parser().parse_args(argv)
    settings = settings or Settings()
    if settings.env == "prod":
        sys.stderr.write("devtoken refuses to run with env=prod: tokens come from the IdP there\n")
        return 2
    token = auth.mint(
        secret=settings.jwt_secret,
        issuer=settings.jwt_issuer,
        user_id=args.user or uuid.uuid5(args.org, args.role),
        org_id=args.org,
        roles=[args.role],
        ttl=timedelta(hours=args.ttl_hours),
    )
    sys.stdout.write(f"{token}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
