"""Who hears about each event is read from the one payload spelling."""

from __future__ import annotations

import pytest

from tessera.notifications.events import EventType
from tessera.notifications.payloads import TeamRef
from tessera.worker.dispatch import interested_teams
from tests.notifications.samples import ANALYTICS, FINANCE, ORDERS, full_data, sample, team


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [
        (EventType.PROPOSAL_CREATED, {ORDERS, ANALYTICS, FINANCE}),
        (EventType.PROPOSAL_WITHDRAWN, {ORDERS, ANALYTICS, FINANCE}),
        (EventType.PROPOSAL_ACKNOWLEDGED, {ORDERS}),  # answers go to the owner only
        (EventType.PROPOSAL_BLOCKED, {ORDERS}),
        (EventType.CONTRACT_PUBLISHED, {ORDERS, ANALYTICS, FINANCE}),
        (EventType.CONTRACT_DEPRECATED, {ORDERS}),
        (EventType.REGISTRATION_CREATED, {ORDERS, team("Marketing")}),
        (EventType.SYNC_COMPLETED, {ORDERS}),
    ],
)
def test_interested_teams(event_type: EventType, expected: set[TeamRef]) -> None:
    assert sample(event_type).event_type is event_type
    assert interested_teams(event_type, full_data(event_type)) == {t.id for t in expected}


def test_an_old_or_foreign_payload_reaches_nobody_rather_than_failing() -> None:
    assert interested_teams("proposal.created", {"asset": {"owner_team_id": "not-a-uuid"}}) == set()
