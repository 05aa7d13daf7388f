"""dbt ``sources.json`` (``dbt source freshness``, schema v1-v3) -> the ``freshness`` guarantee per source.

dbt's verdicts map onto guarantee statuses: ``pass`` holds, ``warn`` (past ``warn_after``) still holds,
``error`` (past ``error_after``) breaks the guarantee (``failed``), and ``runtime error`` (the query
itself failed) is an ``error``. The age of the newest row (``max_loaded_at_time_ago_in_s``) is kept.
"""

from __future__ import annotations

from collections.abc import Mapping

from tessera.enums import GuaranteeStatus
from tessera.ingest.dbt.fqn import node_fqn
from tessera.ingest.dbt.loading import ManifestInput
from tessera.ingest.results.dbt_run_results import manifest_lookup
from tessera.ingest.results.models import (
    ArtifactResults,
    CheckResult,
    InvalidArtifactError,
    Unmatched,
    check_schema,
    invocation_id,
    load_json,
    parse_time,
    results_list,
    short,
)

LABEL = "sources.json"
VERSIONS = range(1, 4)
_STATUS = {
    "pass": GuaranteeStatus.PASSED,
    "warn": GuaranteeStatus.WARNED,
    "error": GuaranteeStatus.FAILED,
    "runtime error": GuaranteeStatus.ERROR,
}


def parse_sources(data: ManifestInput, manifest: ManifestInput) -> ArtifactResults:
    """Read ``sources.json`` against ``manifest.json``; raise :class:`InvalidArtifactError`."""
    artifact = load_json(data, LABEL)
    metadata = artifact.get("metadata")
    check_schema(metadata, LABEL, "sources", VERSIONS)
    assert isinstance(metadata, Mapping)
    entries = results_list(artifact, LABEL)
    lookup = manifest_lookup(manifest)
    missing = [str(e["unique_id"]) for e in entries if e["unique_id"] not in lookup]
    if missing:
        raise InvalidArtifactError(
            "results_not_in_manifest",
            f"{len(missing)} of {len(entries)} sources are not in the manifest (e.g. "
            f"{', '.join(missing[:3])}): upload the manifest.json of the same dbt project",
        )
    out = ArtifactResults(
        "dbt_freshness", invocation_id(metadata, LABEL), parse_time(metadata.get("generated_at"))
    )
    for entry in entries:
        uid = str(entry["unique_id"])
        node = lookup[uid]
        if node.get("resource_type") != "source":
            out.unmatched.append(Unmatched(uid, node_fqn(node), "not a source"))
            continue
        status = _STATUS.get(str(entry.get("status")))
        if status is None:
            raise InvalidArtifactError(
                "invalid_field", f"{LABEL}: {uid} has an unknown status {entry.get('status')!r}"
            )
        age = entry.get("max_loaded_at_time_ago_in_s")
        age_s = float(age) if isinstance(age, int | float) and not isinstance(age, bool) else None
        seconds = entry.get("execution_time")
        message = entry.get("error") if status is GuaranteeStatus.ERROR else _describe(age_s, entry)
        out.add(
            node_fqn(node),
            CheckResult(
                "freshness",
                status,
                uid,
                message=short(message),
                seconds=float(seconds) if isinstance(seconds, int | float) else None,
                age_seconds=age_s,
            ),
        )
    return out


def _describe(age_s: float | None, entry: Mapping[str, object]) -> str | None:
    if age_s is None:
        return None
    hours = age_s / 3600
    text = (
        f"newest row loaded {hours:,.1f} h ago"
        if hours < 48
        else f"newest row loaded {hours / 24:,.1f} days ago"
    )
    criteria = entry.get("criteria")
    if isinstance(criteria, Mapping):
        parts = [
            f"{name.replace('_', ' ')} {limit.get('count')} {limit.get('period')}"
            for name in ("warn_after", "error_after")
            if isinstance(limit := criteria.get(name), Mapping) and limit.get("count") is not None
        ]
        if parts:
            text += f" ({', '.join(parts)})"
    return text
