"""Fuzz every operation of the API from its own OpenAPI document: no input may cause a 5xx.

schemathesis turns each operation's parameters and body schemas into Hypothesis strategies. Both valid
("positive") and invalid ("negative") inputs are sent, over real HTTP, to a real server as the admin, with
a bounded, derandomised number of examples per operation, so the run is repeatable and its time bounded.
A 4xx is the right answer to a bad request; a 5xx means a user's input crashed the server.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.schemas import APIOperation

from tessera.app import create_app
from tests.helpers import ADMIN, API

EXAMPLES_PER_MODE = 8
# Operations whose inputs are whole artifacts (a manifest, a document): random JSON only meets their first
# check, and their own tests cover real and broken files; fuzzed here with fewer examples.
ARTIFACT_PATHS = ("/sync/", "/quality/", "/impact")


def _operations() -> list[APIOperation]:
    schema = schemathesis.openapi.from_dict(create_app().openapi())
    return [result.ok() for result in schema.get_all_operations()]


def _seed(base_url: str) -> None:
    """A team with an asset, a contract and a consumer, so fuzzed ids sometimes meet real rows."""
    with httpx.Client(base_url=base_url, headers=ADMIN, timeout=30) as client:
        owner = client.post(f"{API}/teams", json={"name": "fuzz-owner"}).json()
        consumer = client.post(f"{API}/teams", json={"name": "fuzz-consumer"}).json()
        asset = client.post(
            f"{API}/assets", json={"fqn": "db.fuzz.orders", "owner_team_id": owner["id"]}
        ).json()
        schema = {"type": "object", "properties": {"id": {"type": "integer"}, "note": {"type": "string"}}}
        client.post(f"{API}/assets/{asset['id']}/contracts", json={"schema": schema, "version": "1.0.0"})
        client.post(
            f"{API}/registrations",
            json={"asset_id": asset["id"], "consumer_team_id": consumer["id"]},
        )


def _fuzz(
    operation: APIOperation, base_url: str, mode: GenerationMode, examples: int
) -> tuple[int, list[str]]:
    """Send up to ``examples`` generated requests: how many were sent, and the curl commands of those
    answered with a 5xx."""
    failures: list[str] = []
    sent = [0]
    session = requests.Session()

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, session=session, headers=dict(ADMIN), timeout=60)
        sent[0] += 1
        if response.status_code >= 500:
            failures.append(f"{response.status_code}: {case.as_curl_command()}")

    try:
        run()
    except Unsatisfiable:
        pass  # nothing of this kind can be generated (e.g. no invalid input for an operation without inputs)
    finally:
        session.close()
    return sent[0], failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_no_generated_request_gets_a_5xx(live_url: str, mode: GenerationMode) -> None:
    _seed(live_url)
    operations = _operations()
    assert len(operations) > 50  # the whole API, not a part of it
    failures: list[str] = []
    sent = 0
    for operation in operations:
        artifact = any(part in operation.path for part in ARTIFACT_PATHS)
        count, failed = _fuzz(operation, live_url, mode, 3 if artifact else EXAMPLES_PER_MODE)
        sent, failures = sent + count, failures + failed
    assert sent > 3 * len(operations), sent  # the generators really produced requests
    assert not failures, "\n".join(failures[:20])
