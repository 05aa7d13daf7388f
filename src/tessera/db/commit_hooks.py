"""Work that must wait until the transaction has committed, and must not happen if it rolls back.

Forgetting a cached API key is the example: evicted before the commit, a concurrent request could read the
still-valid key from the database and cache it again for the cache's lifetime.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

_KEY = "tessera_after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Call ``callback`` once the session's current transaction commits; drop it if it rolls back."""
    session.sync_session.info.setdefault(_KEY, []).append(callback)


@sa.event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    for callback in session.info.pop(_KEY, ()):
        callback()


@sa.event.listens_for(Session, "after_rollback")
def _drop_callbacks(session: Session) -> None:
    session.info.pop(_KEY, None)
