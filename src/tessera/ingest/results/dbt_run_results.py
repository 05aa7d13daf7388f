"""dbt ``run_results.json`` (schema v4-v6, from ``dbt build`` / ``dbt test``) -> checks per relation.

A result only carries the test's ``unique_id``, which embeds its arguments and changes with them; the
manifest of the same project says what the test is. Each test goes through the manifest sync's own
:class:`~tessera.ingest.dbt.tests.GuaranteeBuilder`, so a result lands on exactly the guarantee the
contract holds (model, column, test name, arguments). Models, seeds and snapshots in a ``dbt build``
are not guarantees and are left out; unit tests are not data checks either.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from tessera.enums import GuaranteeStatus
from tessera.ingest.dbt.fqn import node_fqn
from tessera.ingest.dbt.loading import ManifestInput, load_manifest
from tessera.ingest.dbt.models import InvalidManifestError, ManifestWarning
from tessera.ingest.dbt.tests import GuaranteeBuilder, attached_targets
from tessera.ingest.results.keys import key_of_built
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

LABEL = "run_results.json"
FAST_DECODE_BYTES = 64_000_000
VERSIONS = range(4, 7)
_STATUS = {
    "pass": GuaranteeStatus.PASSED,
    "warn": GuaranteeStatus.WARNED,
    "fail": GuaranteeStatus.FAILED,
    "error": GuaranteeStatus.ERROR,
    "runtime error": GuaranteeStatus.ERROR,
    "skipped": GuaranteeStatus.SKIPPED,
}

Node = Mapping[str, object]


def parse_run_results(data: ManifestInput, manifest: ManifestInput) -> ArtifactResults:
    """Read ``run_results.json`` against ``manifest.json``; raise :class:`InvalidArtifactError`."""
    artifact = load_json(data, LABEL)
    metadata = artifact.get("metadata")
    check_schema(metadata, LABEL, "run-results", VERSIONS)
    assert isinstance(metadata, Mapping)
    entries = results_list(artifact, LABEL)
    lookup = manifest_lookup(manifest)
    out = ArtifactResults("dbt", invocation_id(metadata, LABEL), parse_time(metadata.get("generated_at")))
    missing = [e["unique_id"] for e in entries if e["unique_id"] not in lookup and _is_node(e["unique_id"])]
    if missing:
        shown = ", ".join(str(m) for m in missing[:3])
        raise InvalidArtifactError(
            "results_not_in_manifest",
            f"{len(missing)} of {len(entries)} results are not in the manifest (e.g. {shown}): upload the "
            "manifest.json written by the same dbt project and run",
        )
    warnings: list[ManifestWarning] = []
    fqns: dict[str, str] = {}  # a model has many tests: name its relation once
    for entry in entries:
        uid = str(entry["unique_id"])
        node = lookup.get(uid)
        if node is None or node.get("resource_type") != "test":
            continue
        status = _STATUS.get(str(entry.get("status")))
        if status is None:
            raise InvalidArtifactError(
                "invalid_field", f"{LABEL}: {uid} has an unknown status {entry.get('status')!r}"
            )
        targets = attached_targets(node, lookup)
        if not targets:
            out.unmatched.append(
                Unmatched(uid, None, "the test is not attached to any model, seed or source")
            )
            continue
        result = _result(entry, uid, status)
        for target in targets:
            builder = GuaranteeBuilder(target, lookup, warnings)
            builder.add_test(node)
            key = key_of_built(builder.build())
            fqn = fqns.get(target) or fqns.setdefault(target, node_fqn(lookup[target]))
            if key is None:
                out.unmatched.append(Unmatched(uid, fqn, "the test is not a guarantee"))
                continue
            out.add(fqn, CheckResult(key, *result))
    return out


def manifest_lookup(manifest: ManifestInput) -> dict[str, Node]:
    """Nodes and sources of the manifest by unique_id (its errors say "the manifest")."""
    try:
        loaded = load_manifest(_fast_decode(manifest))
    except InvalidManifestError as exc:
        code = "wrong_artifact" if exc.code == "not_a_manifest" else exc.code
        raise InvalidArtifactError(code, f"manifest.json: {exc.message}") from None
    lookup: dict[str, Node] = {}
    for collection in (loaded.nodes, loaded.sources):
        for uid, node in collection.items():
            if isinstance(node, dict):
                lookup[uid] = node
    return lookup


def _fast_decode(manifest: ManifestInput) -> ManifestInput:
    """Plain JSON up to :data:`FAST_DECODE_BYTES` decoded with orjson (several times faster than the
    standard library, which the manifest loader keeps for huge manifests to bound memory); anything
    else, or anything orjson refuses, goes to the loader, whose errors say what is wrong."""
    if isinstance(manifest, bytes) and len(manifest) <= FAST_DECODE_BYTES and manifest[:1] == b"{":
        try:
            value = orjson.loads(manifest)
        except orjson.JSONDecodeError:
            return manifest
        return value if isinstance(value, dict) else manifest
    return manifest


def _is_node(unique_id: object) -> bool:
    # Unit tests live outside `nodes`; a result for one is not a data check and may be absent.
    return isinstance(unique_id, str) and not unique_id.startswith("unit_test.")


def _result(
    entry: Mapping[str, object], uid: str, status: GuaranteeStatus
) -> tuple[GuaranteeStatus, str, int | None, str | None, float | None]:
    failures = entry.get("failures")
    rows = (
        failures if isinstance(failures, int) and not isinstance(failures, bool) and failures >= 0 else None
    )
    seconds = entry.get("execution_time")
    elapsed = float(seconds) if isinstance(seconds, int | float) and not isinstance(seconds, bool) else None
    return status, uid, rows, short(entry.get("message")), elapsed
