"""The proposal page's pure parts: where a source reference points, which columns a change breaks for a
consumer, and the column-level flags answers may carry."""

from __future__ import annotations

import uuid

import pytest

from tessera.enums import AckResponse
from tessera.proposals.schemas import AcknowledgmentRead
from tessera.ui.pages.proposal_view import (
    WHOLE_TABLE,
    _affected_of,
    _required,
    _why,
    affected,
    breaking_columns,
    source_link,
)


@pytest.mark.parametrize(
    ("ref", "url"),
    [
        (None, None),
        ("github:acme/warehouse#42", "https://github.com/acme/warehouse/pull/42"),
        ("acme/warehouse#7", "https://github.com/acme/warehouse/pull/7"),
        (
            "https://gitlab.example.com/data/dbt/-/merge_requests/3",
            "https://gitlab.example.com/data/dbt/-/merge_requests/3",
        ),
        ("javascript:alert(1)", None),
        ("https://x/<script>", None),
        ("branch feature/x", None),
    ],
)
def test_source_link(ref: str | None, url: str | None) -> None:
    assert source_link(ref) == url


def test_breaking_columns_and_what_each_consumer_loses() -> None:
    broken = breaking_columns([{"path": "/properties/Email"}, {"path": "/properties/address/properties/zip"}])
    assert broken == {"email", "address"}
    assert affected(["id", "EMAIL"], broken) == ["email"]
    assert affected(["id"], broken) == []
    assert affected([], broken) == ["address", "email"]  # reads the whole table
    whole = breaking_columns([{"path": ""}])
    assert whole == {WHOLE_TABLE} and affected(["id"], whole) == [WHOLE_TABLE]


class _ColumnAwareAnswer(AcknowledgmentRead):
    """An answer as column-level impact will send it (extra fields the page reads when present)."""

    required: bool
    affected_columns: list[str]


def _answer(**extra: object) -> AcknowledgmentRead:
    base = {
        "team_id": uuid.uuid4(),
        "user_id": None,
        "response": AckResponse.PENDING,
        "migration_deadline": None,
        "reason": None,
        "responded_at": None,
    }
    return _ColumnAwareAnswer(**base, **extra) if extra else AcknowledgmentRead(**base)  # type: ignore[arg-type]


def test_answers_say_who_is_required_and_which_columns_affect_them() -> None:
    plain = _answer()  # an answer recorded before column-level impact: required, columns from its reads
    assert _required(plain) is True
    assert _affected_of(plain, ["email"], {"email"}) == ["email"] and _why(plain) == []
    informed = _answer(required=False, affected_columns=["zip"])
    assert _required(informed) is False
    assert _affected_of(informed, ["email"], {"email"}) == ["zip"]
