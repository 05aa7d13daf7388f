"""Validating a publish request and evaluating it against an asset's published history."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.contracts import repository
from tessera.core import (
    Bump,
    ChangeEvaluation,
    CoreError,
    Guarantees,
    evaluate_change,
    json_fingerprint,
    parse_version,
    schema_fingerprint,
    suggest_version,
    validate_schema,
    validate_version,
)
from tessera.db.models import Asset, Contract
from tessera.enums import ProposalSource
from tessera.errors import Conflict, ValidationFailed
from tessera.perf import paused_gc


@dataclass(frozen=True, slots=True)
class PublishCommand:
    """What a caller asks to publish."""

    schema: Mapping[str, Any]
    guarantees: Mapping[str, Any] | None = None
    version: str | None = None
    force: bool = False
    reason: str | None = None
    expires_at: datetime | None = None
    source: ProposalSource = ProposalSource.PUBLISH
    source_ref: str | None = None
    # Schemas built by our own adapters (dbt) are valid by construction and skip re-validation.
    trusted_schema: bool = False
    # With ``trusted_schema``: the schema's fingerprint when the caller computed it already (a big dbt
    # sync has them computed by the lineage pool's workers, off the server process).
    schema_fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class Evaluated:
    """A request evaluated against the asset's history."""

    schema: dict[str, Any]
    schema_fp: str
    guarantees: dict[str, Any]
    guarantees_fp: str
    evaluation: ChangeEvaluation | None
    changes: list[dict[str, Any]]
    breaking: list[dict[str, Any]]
    guarantee_changes: list[dict[str, Any]]
    suggested_version: str
    signature: str
    content_hash: str
    unchanged: bool = False
    """True when the request equals the active contract (same schema and guarantees): nothing to do."""


def _invalid_guarantees(exc: CoreError) -> ValidationFailed:
    """One "Invalid guarantees:" prefix, whatever the core's message starts with."""
    text = str(exc).removeprefix("invalid guarantees: ")
    return ValidationFailed(f"Invalid guarantees: {text}", code="invalid_guarantees")


def parse_guarantees(raw: Mapping[str, Any] | None) -> Guarantees:
    """Validated guarantees, or a 422 naming what is wrong."""
    try:
        return Guarantees.parse(dict(raw or {}))
    except CoreError as exc:
        raise _invalid_guarantees(exc) from exc


def guarantees_dict(guarantees: Guarantees) -> dict[str, Any]:
    """The stored (canonical) form of guarantees."""
    return guarantees.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def needs_history(asset: Asset) -> bool:
    """Transitive modes compare against every published version, the others only against the active one."""
    return asset.compatibility_mode.value.endswith("_transitive")


async def evaluate(
    session: AsyncSession, asset: Asset, active: Contract | None, cmd: PublishCommand
) -> Evaluated:
    """Validate the request and diff it against the asset's published history under its modes."""
    history: list[dict[str, Any]] = []
    if active is not None:
        history = (
            await repository.history_schemas(session, asset.id)
            if needs_history(asset)
            else [active.schema_def]
        )
    # Validating, fingerprinting and diffing a wide schema is seconds of CPU: in a thread, so the event
    # loop keeps answering other requests (/health among them) meanwhile.
    return await asyncio.to_thread(_evaluate_paused, asset, active, history, cmd)


def _evaluate_paused(
    asset: Asset, active: Contract | None, history: list[dict[str, Any]], cmd: PublishCommand
) -> Evaluated:
    # A full collection over a wide schema's objects holds every thread, the event loop's too.
    with paused_gc():
        return evaluate_against(asset, active, history, cmd)


def evaluate_against(
    asset: Asset, active: Contract | None, history: list[dict[str, Any]], cmd: PublishCommand
) -> Evaluated:
    """:func:`evaluate` on preloaded history (oldest first, the active schema last); no I/O."""
    try:
        content_hash = json_fingerprint([cmd.schema, cmd.guarantees])
    except CoreError:
        content_hash = ""  # not JSON (NaN, ...): validation below says precisely what is wrong
    if content_hash and active is not None and active.content_hash == content_hash:
        # Byte-for-byte the active contract again (a dbt re-sync): nothing to validate or diff.
        return Evaluated(
            dict(cmd.schema),
            active.schema_fingerprint,
            dict(active.guarantees),
            active.guarantees_fingerprint,
            None,
            [],
            [],
            [],
            active.version,
            "",
            content_hash,
            unchanged=True,
        )
    try:
        schema = dict(cmd.schema) if cmd.trusted_schema else dict(validate_schema(dict(cmd.schema)))  # type: ignore[arg-type]
    except CoreError as exc:
        raise ValidationFailed(f"Invalid schema: {exc}", code="invalid_schema") from exc
    if cmd.guarantees is None and active is not None:
        new_g = parse_guarantees(active.guarantees)
    else:
        new_g = parse_guarantees(cmd.guarantees)
    g_dict = guarantees_dict(new_g)
    schema_fp = (
        cmd.schema_fingerprint
        if cmd.trusted_schema and cmd.schema_fingerprint
        else schema_fingerprint(schema)
    )
    try:
        g_fp = json_fingerprint(g_dict)
    except CoreError as exc:
        raise _invalid_guarantees(exc) from exc
    if active is None:
        version = cmd.version or suggest_version(None, Bump.MAJOR)
        return Evaluated(
            schema,
            schema_fp,
            g_dict,
            g_fp,
            None,
            [],
            [],
            [],
            version,
            json_fingerprint([schema_fp, g_fp]),
            content_hash,
        )
    if schema_fp == active.schema_fingerprint and g_fp == active.guarantees_fingerprint:
        # Fast path: an unchanged contract (the common case of a dbt re-sync) needs no diff.
        return Evaluated(
            schema,
            schema_fp,
            g_dict,
            g_fp,
            None,
            [],
            [],
            [],
            active.version,
            "",
            content_hash,
            unchanged=True,
        )
    evaluation = evaluate_change(
        history or [active.schema_def],
        schema,
        parse_guarantees(active.guarantees),
        new_g,
        asset.compatibility_mode,
        asset.guarantee_mode,
    )
    report = evaluation.schema_report
    mode = asset.compatibility_mode
    changes = [c.to_dict(mode) for c in report.changes]
    breaking = [c.to_dict(mode) for c in report.breaking_changes]
    g_changes = [g.to_dict() for g in evaluation.guarantee_changes]
    breaking += [
        dict(g.to_dict(), breaking=True)
        for g in evaluation.guarantee_changes
        if g.blocks(asset.guarantee_mode)
    ]
    suggested = suggest_version(active.version, evaluation.suggested_bump)
    signature = json_fingerprint([active.id.hex, schema_fp, g_fp])
    return Evaluated(
        schema,
        schema_fp,
        g_dict,
        g_fp,
        evaluation,
        changes,
        breaking,
        g_changes,
        suggested,
        signature,
        content_hash,
    )


def check_version(current: str | None, proposed: str, bump: Bump) -> None:
    """Validate a requested version against the current one and the required bump (422 otherwise).

    The current version itself is a 409 ``version_exists``, like any version already published: what
    the second of two concurrent publishes of one version meets once the first has committed.
    """
    try:
        validate_version(current, proposed, bump)
    except CoreError as exc:
        if current is not None and _same_version(current, proposed):
            raise Conflict(
                f"Version {proposed} already exists; choose a higher version.", code="version_exists"
            ) from exc
        raise ValidationFailed(str(exc), code="invalid_version") from exc


def _same_version(current: str, proposed: str) -> bool:
    try:
        return parse_version(current) == parse_version(proposed)
    except CoreError:
        return False
