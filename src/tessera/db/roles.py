"""A least-privilege PostgreSQL role for the running application.

The migrations run as the schemas' owner; the server can run as a role that only reads and writes rows.
PostgreSQL lets only a table's owner (or a superuser) ALTER it, DISABLE or DROP its triggers, or TRUNCATE
it without the grant, so such a role cannot switch off the audit log's append-only triggers: on
``audit.events`` it may only SELECT and INSERT.
"""

from __future__ import annotations

import re

from tessera.db.base import AUDIT, CORE, WORKFLOW

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def app_role_grants(role: str) -> list[str]:
    """The statements that give the existing role ``role`` what the server needs, and nothing more.

    Run them as the owner of the schemas (the user that runs ``tessera db upgrade``); defaults cover
    tables later migrations create.
    """
    if not _ROLE.match(role):
        raise ValueError(f"role must be a lower-case SQL identifier (letters, digits, _), got {role!r}")
    rw, everything = f"{CORE}, {WORKFLOW}", f"{CORE}, {WORKFLOW}, {AUDIT}"
    return [
        f"GRANT USAGE ON SCHEMA {everything} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {rw} TO {role}",
        f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {AUDIT} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {everything} TO {role}",
        f"GRANT SELECT ON public.alembic_version TO {role}",
        # Planner statistics after bulk writes (db/statistics.py), through the owner's vetted function.
        f"GRANT EXECUTE ON FUNCTION {CORE}.analyze_table(regclass) TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {rw} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {AUDIT} GRANT SELECT, INSERT ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {everything} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
