"""Mint development tokens: `python -m services.common.tokens mint --sub t-ivanova --role teacher`.

The secret is read from an environment variable (JOURNAL_AUTH__DEV_SECRET unless --secret-env
names another) or given with --secret (visible in the process list: avoid outside a laptop).
The token goes to stdout alone, so `TOKEN=$(python -m services.common.tokens mint ...)` works;
with --json, one JSON document instead: the token, its claims and when it expires.
Its lifetime stays within what the services accept (`AuthSettings`' defaults: 12 h for staff,
30 days for portal users, i.e. with --uid), so a minted token is never refused as too long.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from contracts.roles import ROLES
from services.common.dev_tokens import DevTokenIssuer
from services.common.settings import AuthSettings

DEFAULT_SECRET_ENV = "JOURNAL_AUTH__DEV_SECRET"  # noqa: S105 - a variable name, not a secret
_FIELDS = AuthSettings.model_fields
MAX_STAFF_HOURS: float = _FIELDS["max_staff_token_hours"].default
MAX_PORTAL_HOURS: float = _FIELDS["max_portal_token_days"].default * 24


def build_parser() -> argparse.ArgumentParser:
    """The command line: one `mint` subcommand."""
    parser = argparse.ArgumentParser(prog="python -m services.common.tokens", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    mint = commands.add_parser("mint", help="print a signed development token")
    mint.add_argument("--sub", required=True, help="user id (the token's subject)")
    mint.add_argument(
        "--role", action="append", required=True, choices=sorted(ROLES), help="repeat for more"
    )
    mint.add_argument("--school", required=True, help="school id")
    mint.add_argument("--uid", type=int, help="portal UID (portal users)")
    mint.add_argument("--ttl-hours", type=float, default=12.0, help="lifetime (default 12)")
    mint.add_argument("--secret-env", default=DEFAULT_SECRET_ENV, help="variable with the secret")
    mint.add_argument("--secret", help="the secret itself (prefer --secret-env)")
    mint.add_argument("--issuer", default="school-journal", help="iss claim")
    mint.add_argument("--audience", default="school-journal", help="aud claim")
    mint.add_argument("--json", action="store_true", help="the token and its claims as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; print the token and return 0 (argparse exits 2 on bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    secret = args.secret or os.environ.get(args.secret_env)
    if not secret:
        parser.error(f"no secret: set {args.secret_env} or pass --secret")
    if args.ttl_hours <= 0:
        parser.error("--ttl-hours must be positive")
    limit = MAX_PORTAL_HOURS if args.uid is not None else MAX_STAFF_HOURS
    if args.ttl_hours > limit:
        who = "portal" if args.uid is not None else "staff"
        parser.error(f"--ttl-hours may be at most {limit:g} for {who} tokens (longer are refused)")
    try:
        issuer = DevTokenIssuer(secret, args.issuer, args.audience)
    except ValueError as error:
        parser.error(str(error))
    now, ttl = datetime.now(UTC), timedelta(hours=args.ttl_hours)
    token = issuer.mint(args.sub, args.role, args.school, uid=args.uid, ttl=ttl, now=now)
    if args.json:
        claims = {"sub": args.sub, "roles": sorted(set(args.role)), "school": args.school}
        expires = (now + ttl).isoformat(timespec="seconds")
        sys.stdout.write(
            json.dumps({"token": token, **claims, "uid": args.uid, "expires_at": expires})
        )
        sys.stdout.write("\n")
    else:
        sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
