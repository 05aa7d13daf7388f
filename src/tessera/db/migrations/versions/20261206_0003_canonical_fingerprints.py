"""recompute stored fingerprints with the RFC 8785 encoder

Schema and guarantees fingerprints of contracts and proposals were hashed from three different JSON
encodings (orjson, the standard library, a hand-written one) until every fingerprint went through
``tessera.core.canonical``. A fresh fingerprint is compared with the stored one to answer "nothing
changed -> unchanged", so the stored ones are recomputed here from the stored schema and guarantees
(exactly what they were computed from at publish time; accepted values now count as a set), and with
them the change signatures of
proposals, so re-publishing the change of an open proposal still finds it. ``content_hash`` is left
alone: it hashes the request as submitted, which is not stored; a mismatch there only costs the slow
path, which compares the recomputed fingerprints.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 22:40:00
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from tessera.core import CoreError, json_fingerprint, schema_fingerprint
from tessera.core.guarantees import Guarantees

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500
log = logging.getLogger("alembic.runtime.migration")


def _table(name: str, schema: str, *extra: sa.Column[Any]) -> sa.Table:
    # A Table, not a lightweight table(): only Tables follow the SQLite schema translation.
    return sa.Table(
        name,
        sa.MetaData(),
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("schema", sa.JSON()),
        sa.Column("schema_fingerprint", sa.String()),
        sa.Column("guarantees", sa.JSON()),
        sa.Column("guarantees_fingerprint", sa.String()),
        *extra,
        schema=schema,
    )


def _signature(row: Any, schema_fp: str | None, g_fp: str | None) -> str | None:
    """A proposal's change signature over the new fingerprints, if it was made from the old ones.

    The signature hashes [base contract id, schema fingerprint, guarantees fingerprint]; all three are
    ASCII strings, which every encoder wrote alike, so the old signature can be checked before it is
    replaced (signatures made another way, such as "removal:...", are left alone).
    """
    base = row.base_contract_id
    if base is None or row.schema_fingerprint is None or row.guarantees_fingerprint is None:
        return None
    if row.change_signature != json_fingerprint(
        [base.hex, row.schema_fingerprint, row.guarantees_fingerprint]
    ):
        return None
    return json_fingerprint([base.hex, schema_fp, g_fp])


def _recompute(table: sa.Table) -> None:
    bind = op.get_bind()
    signed = "change_signature" in table.c
    last: Any = None
    while True:
        query = sa.select(table).order_by(table.c.id).limit(_BATCH)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = bind.execute(query).all()
        if not rows:
            return
        last = rows[-1].id
        updates: list[dict[str, Any]] = []
        for row in rows:
            schema_fp, g_fp = row.schema_fingerprint, row.guarantees_fingerprint
            try:
                if row.schema is not None:
                    schema_fp = schema_fingerprint(row.schema)
                if row.guarantees is not None:
                    # The fingerprint is of the parsed guarantees' JSON form, as at publish time
                    # (accepted values as a sorted set, since this release).
                    g_fp = json_fingerprint(Guarantees.parse(row.guarantees).to_dict())
            except CoreError:
                continue  # not computable now either: leave the row as it was
            if (schema_fp, g_fp) == (row.schema_fingerprint, row.guarantees_fingerprint):
                continue
            values = {"row_id": row.id, "schema_fp": schema_fp, "g_fp": g_fp}
            if signed:
                values["signature"] = _signature(row, schema_fp, g_fp) or row.change_signature
            updates.append(values)
        if updates:
            new_values: dict[str, Any] = {
                "schema_fingerprint": sa.bindparam("schema_fp"),
                "guarantees_fingerprint": sa.bindparam("g_fp"),
            }
            if signed:
                new_values["change_signature"] = sa.bindparam("signature")
            bind.execute(
                table.update().where(table.c.id == sa.bindparam("row_id")).values(new_values), updates
            )


def upgrade() -> None:
    _recompute(_table("contracts", "core"))
    _recompute(
        _table(
            "proposals",
            "workflow",
            sa.Column("base_contract_id", sa.Uuid()),
            sa.Column("change_signature", sa.String()),
        )
    )


def downgrade() -> None:
    """Leave the fingerprints as they are: the older encoders are gone, so they cannot be rebuilt.

    The schema is unchanged by this revision, so downgrading past it is safe; older code would only
    take a re-published identical contract for a change (one version with no changes) once per asset.
    """
    log.warning("0003: stored fingerprints keep the RFC 8785 encoding (the older encoders are gone)")
