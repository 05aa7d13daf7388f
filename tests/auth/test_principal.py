"""The own-team rule for listings, as a table."""

from __future__ import annotations

import uuid

import pytest

from tessera.auth.principal import Principal, own_team_filter
from tessera.enums import Scope
from tessera.errors import Forbidden

MINE, OTHER = uuid.uuid4(), uuid.uuid4()
ADMIN = Principal(None, None, "admin", frozenset({Scope.ADMIN}))
TEAM = Principal(MINE, None, "team", frozenset({Scope.READ}))


@pytest.mark.parametrize(
    ("principal", "asked", "listed"),
    [
        (ADMIN, None, None),  # an admin lists every team's
        (ADMIN, OTHER, OTHER),
        (TEAM, None, MINE),  # a team lists its own by default
        (TEAM, MINE, MINE),
    ],
)
def test_listing_is_limited_to_the_callers_team(
    principal: Principal, asked: uuid.UUID | None, listed: uuid.UUID | None
) -> None:
    assert own_team_filter(principal, asked, what="keys") == listed


def test_a_team_asking_for_another_teams_listing_is_forbidden() -> None:
    with pytest.raises(Forbidden) as refused:
        own_team_filter(TEAM, OTHER, what="webhooks")
    assert refused.value.code == "not_team_member"
    assert "its own webhooks" in refused.value.message
