"""User API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import EmailStr, Field

from tessera.schemas import ApiModel

SLACK_MEMBER_ID = r"^[UW][A-Z0-9]{6,20}$"


class UserCreate(ApiModel):
    """A new user, optionally placed in teams."""

    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    github_username: str | None = Field(default=None, max_length=100)
    gitlab_username: str | None = Field(default=None, max_length=100)
    slack_member_id: str | None = Field(
        default=None, pattern=SLACK_MEMBER_ID, description="Slack member id such as U024BE7LH (not a @handle)"
    )
    team_ids: list[uuid.UUID] = Field(default_factory=list)


class UserUpdate(ApiModel):
    """Fields of a user that may change."""

    email: EmailStr | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    github_username: str | None = Field(default=None, max_length=100)
    gitlab_username: str | None = Field(default=None, max_length=100)
    slack_member_id: str | None = Field(default=None, pattern=SLACK_MEMBER_ID)


class UserRead(ApiModel):
    """A user and the teams they belong to."""

    id: uuid.UUID
    email: str
    name: str
    github_username: str | None
    gitlab_username: str | None
    slack_member_id: str | None
    team_ids: list[uuid.UUID]
    active: bool
    created_at: datetime
    deactivated_at: datetime | None
