"""Who is acting: the identity every service call carries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tessera.enums import Scope
from tessera.errors import Forbidden

_SCOPE_RANK = {Scope.READ: 0, Scope.WRITE: 1, Scope.ADMIN: 2}


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: a team's API key (optionally a user's), the bootstrap key, or development mode."""

    team_id: uuid.UUID | None
    user_id: uuid.UUID | None
    key_id: str | None
    scopes: frozenset[Scope]
    kind: str = "api_key"
    request_id: str | None = field(default=None, compare=False)

    @property
    def is_admin(self) -> bool:
        """Admin scope may act for any team."""
        return Scope.ADMIN in self.scopes

    def has_scope(self, scope: Scope) -> bool:
        """True when one of the key's scopes is at least ``scope``."""
        need = _SCOPE_RANK[scope]
        return any(_SCOPE_RANK[s] >= need for s in self.scopes)

    def acts_for(self, team_id: uuid.UUID) -> bool:
        """True when the principal may act on behalf of ``team_id``."""
        return self.is_admin or (self.team_id is not None and self.team_id == team_id)

    def with_request(self, request_id: str | None) -> Principal:
        """The same principal tagged with the request id for audit records."""
        return Principal(self.team_id, self.user_id, self.key_id, self.scopes, self.kind, request_id)


def system_principal(request_id: str | None = None) -> Principal:
    """The server itself (worker jobs, expiry sweeps)."""
    return Principal(None, None, None, frozenset({Scope.ADMIN}), kind="system", request_id=request_id)


def own_team_filter(principal: Principal, team_id: uuid.UUID | None, *, what: str) -> uuid.UUID | None:
    """The team a listing of ``what`` is limited to: any (or the one asked for) for an admin, else the
    caller's own team; asking for another team's is :class:`Forbidden`."""
    if principal.is_admin:
        return team_id
    if team_id is not None and team_id != principal.team_id:
        raise Forbidden(f"A team may only list its own {what}.", code="not_team_member")
    return principal.team_id
