"""`python -m deploy.compose_cluster_check`: the node failure of the cluster's compose smoke
test (`SMOKE_CLUSTER=1 deploy/compose-smoke`).

Run after `deploy.compose_smoke_check` passed on docker-compose.yml's `cluster` profile, while
the node that led the JOURNAL stream is down (the script killed it): the teacher records
`--marks` more marks in the smoke's lesson as a real client would (one Idempotency-Key per
mark, sent again with the same key after a 503 or a dropped connection while the two remaining
nodes elect a new leader), and every mark answered 201 is then in the journal's lesson view
exactly once. Exit 0 when it held; 1 with what failed otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence

import httpx

from deploy.compose_smoke_check import (
    CLASS_ID,
    JOURNAL_YEAR,
    LESSON,
    MARK,
    SCHOOL,
    TEACHER,
    WAIT_SECONDS,
    Api,
    CheckFailed,
    eventually,
    exit_status,
    say,
)
from services.common.dev_tokens import DevTokenIssuer

_RETRIED = frozenset({409, 503})  # a lost race for the lesson's version; no leader yet


def record_through_node_loss(client: httpx.Client, lesson: str, token: str) -> str:
    """One mark, its key sent again until the journal answers 201; the mark's id."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"cluster-{uuid.uuid4()}"}
    deadline = time.monotonic() + WAIT_SECONDS
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            response = client.post(f"{lesson}/marks", json=MARK, headers=headers)
        except httpx.HTTPError as error:
            last = f"{type(error).__name__}: {error}"
        else:
            if response.status_code == 201:
                return str(response.json()["mark_id"])
            if response.status_code not in _RETRIED:
                msg = f"POST {lesson}/marks answered {response.status_code}: {response.text[:300]}"
                raise CheckFailed(msg)
            last = f"{response.status_code} {response.text[:200]}"
        time.sleep(0.5)
    msg = f"a mark was not recorded within {WAIT_SECONDS:.0f} s (last: {last})"
    raise CheckFailed(msg)


def _mark_ids(answer: object) -> Iterator[str]:
    """Every `mark_id` in a JSON answer, wherever it is nested."""
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key == "mark_id" and isinstance(value, str):
                yield value
            else:
                yield from _mark_ids(value)
    elif isinstance(answer, list):
        for item in answer:
            yield from _mark_ids(item)


def run(journal: str, secret: str, marks: int) -> None:
    """Record the marks, then find each in the lesson view exactly once."""
    issuer = DevTokenIssuer(secret)
    lesson = f"{journal}{JOURNAL_YEAR}/classes/{CLASS_ID}/lessons/{LESSON}"
    with httpx.Client(timeout=30.0) as client:
        token = issuer.mint(TEACHER, ["teacher"], SCHOOL)
        recorded = [record_through_node_loss(client, lesson, token) for _ in range(marks)]
        say(f"{marks} marks answered 201 with the stream leader's node down")
        admin = Api(client, issuer.mint("adm1", ["admin"], SCHOOL))

        def each_once() -> bool:
            shown = Counter(_mark_ids(admin.call("GET", lesson, expect=(200,))))
            return all(shown[mark_id] == 1 for mark_id in recorded)

        eventually("every answered mark once in the journal's lesson view", each_once)
    say("the journal's lesson view shows each of them exactly once")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check; 0 when it passed."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.compose_cluster_check", description=__doc__
    )
    parser.add_argument("--journal", default="http://127.0.0.1:8001")
    parser.add_argument("--secret", required=True, help="the deployment's DEV_SECRET")
    parser.add_argument("--marks", type=int, default=20)
    args = parser.parse_args(argv)
    return exit_status(lambda: run(args.journal, args.secret, args.marks))


if __name__ == "__main__":
    sys.exit(main())
