"""Print a development bearer token from the running development issuer (`make run`).

python -m gateway.devtoken --role org_admin
"""

import argparse
import sys
import uuid
from collections.abc import Sequence
from typing import get_args

import httpx

from common import auth
from gateway.devissuer import DEMO_ORG, DevIssuerSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway.devtoken", description=__doc__)
    parser.add_argument("--role", action="append", required=True, choices=get_args(auth.Role))
    parser.add_argument("--org", type=uuid.UUID, default=DEMO_ORG)
    parser.add_argument("--user", type=uuid.UUID, default=None)
    parser.add_argument("--username", default=None, help="sign-in name (links to an HR record)")
    parser.add_argument("--ttl-hours", type=float, default=12.0)
    return parser


def main(argv: Sequence[str] | None = None, *, client: httpx.Client | None = None) -> int:
    """Ask the development issuer for a token and write it to stdout; exit 2 if it is not there."""
    args = _parser().parse_args(argv)
    settings = DevIssuerSettings()
    body = {
        "roles": args.role,
        "org": str(args.org),
        "ttl_hours": args.ttl_hours,
        **({"user": str(args.user)} if args.user else {}),
        **({"username": args.username} if args.username else {}),
    }
    try:
        with client or httpx.Client(base_url=settings.url, timeout=5.0) as http:
            response = http.post("/token", json=body)
    except httpx.HTTPError as exc:
        sys.stderr.write(f"no development issuer at {settings.url} ({exc}); start `make run`\n")
        return 2
    if response.status_code != 200:
        sys.stderr.write(f"the development issuer answered {response.status_code}\n")
        return 2
    sys.stdout.write(f"{response.json()['access_token']}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
