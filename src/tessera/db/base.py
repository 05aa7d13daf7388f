"""The single declarative base every ORM model uses.

UUID primary keys, timezone-aware timestamps (also on SQLite), a constraint naming convention (so Alembic
migrations are stable), and the PostgreSQL schemas ``core``, ``workflow`` and ``audit`` which SQLite, having
one file, maps away through ``schema_translate_map``.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.types import TypeDecorator

CORE = "core"
WORKFLOW = "workflow"
AUDIT = "audit"
SCHEMAS = (CORE, WORKFLOW, AUDIT)
SQLITE_SCHEMA_MAP: dict[str | None, str | None] = dict.fromkeys(SCHEMAS)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored with time zone; always handed back aware and in UTC (SQLite included)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JsonType = sa.JSON().with_variant(JSONB(), "postgresql")


def str_enum(enum_cls: type[enum.StrEnum], name: str) -> sa.Enum:
    """A portable enum column storing the members' *values* with a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    """Declarative base with the naming convention and common column types."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {
        datetime: UTCDateTime(),
        uuid.UUID: sa.Uuid(),
        dict[str, Any]: JsonType,
        list[Any]: JsonType,
    }


class IdMixin:
    """A random UUID primary key."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    """Creation and update times."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)


INCLUDE_DELETED = "include_deleted"
"""The execution option that lets one statement see soft-deleted rows (see :class:`SoftDeleteMixin`)."""


class SoftDeleteMixin:
    """Rows are never removed by the API; setting ``deleted_at`` hides them from every ORM query.

    How: a ``do_orm_execute`` listener on every :class:`~sqlalchemy.orm.Session` (so API, worker and test
    sessions alike) adds ``deleted_at IS NULL`` for each soft-deletable entity a SELECT reads, wherever it
    appears: the selected entity, a column select (``select(Team.name)``), a join (added to its ON clause),
    ``select_from``, subqueries, ``session.get``. Repositories therefore never write the filter by hand.

    Opting out: ``stmt.execution_options(include_deleted=True)`` for the few reads that must see deleted rows
    (display names of history, a worker checking whether an endpoint was removed).

    The listener only sees statements executed through the session's ORM. A Core statement built on
    ``Table`` columns and run on ``session.connection()`` (the hot list pages) must add
    :func:`not_deleted` itself; those are the only hand-written filters.
    """

    deleted_at: Mapped[datetime | None] = mapped_column(default=None, nullable=True)


def not_deleted(model: type[SoftDeleteMixin]) -> sa.ColumnElement[bool]:
    """``deleted_at IS NULL`` for a Core statement that bypasses the ORM (see :class:`SoftDeleteMixin`)."""
    return model.deleted_at.is_(None)


_HIDE_DELETED = with_loader_criteria(
    SoftDeleteMixin, lambda cls: cls.deleted_at.is_(None), include_aliases=True
)


@sa.event.listens_for(Session, "do_orm_execute")
def _hide_soft_deleted(state: ORMExecuteState) -> None:
    # Column and relationship loads refresh rows already chosen by a top-level statement; refreshing an
    # object must not make it vanish.
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get(INCLUDE_DELETED, False)
    ):
        state.statement = state.statement.options(_HIDE_DELETED)
