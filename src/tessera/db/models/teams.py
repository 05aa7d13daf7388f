"""Teams, users and team membership."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tessera.db.base import CORE, Base, IdMixin, SoftDeleteMixin, TimestampMixin


class Team(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A group that owns assets and consumes others' assets; ownership survives people leaving."""

    __tablename__ = "teams"
    __table_args__ = (
        sa.Index(
            "uq_teams_name_active",
            sa.func.lower(sa.text("name")),
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        ),
        {"schema": CORE},
    )

    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    contact: Mapped[str | None] = mapped_column(sa.String(300))
    slack_webhook_url: Mapped[str | None] = mapped_column(sa.String(2000))


class User(IdMixin, TimestampMixin, Base):
    """A person; may steward assets and answer for their teams."""

    __tablename__ = "users"
    __table_args__ = (
        sa.Index(
            "uq_users_email_active",
            sa.func.lower(sa.text("email")),
            unique=True,
            postgresql_where=sa.text("deactivated_at IS NULL"),
            sqlite_where=sa.text("deactivated_at IS NULL"),
        ),
        {"schema": CORE},
    )

    email: Mapped[str] = mapped_column(sa.String(320))
    name: Mapped[str] = mapped_column(sa.String(200))
    github_username: Mapped[str | None] = mapped_column(sa.String(100))
    gitlab_username: Mapped[str | None] = mapped_column(sa.String(100))
    slack_member_id: Mapped[str | None] = mapped_column(sa.String(32))
    deactivated_at: Mapped[datetime | None] = mapped_column(default=None)


class TeamMember(Base):
    """Membership of a user in a team."""

    __tablename__ = "team_members"
    __table_args__ = (sa.Index("ix_team_members_user_id", "user_id"), {"schema": CORE})

    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.teams.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.users.id"), primary_key=True)
