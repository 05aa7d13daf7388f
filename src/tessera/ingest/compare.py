"""Offline comparison of two parses of one source (``tessera openapi diff``, ``tessera graphql diff``).

Pure: the contracts of assets present in both are compared by the core engine under each asset's mode
(the mode a synced asset would start with), so the offline verdict is the one the server's sync reaches
for a new asset. An asset that disappears (an operation, a type) is breaking; a new one is not.

``dangerous`` marks a change that breaks nothing under the mode but can surprise readers of data the
source produces: a loosening change (a new enum value, a field that may now be null or absent, a wider
type) to an asset whose ``meta.direction`` is ``output`` (an API response, a GraphQL output type). A new
field is never dangerous: readers ignore fields they do not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tessera.core import CompatibilityMode, GuaranteeMode, check_compatibility
from tessera.core.guarantee_diff import diff_guarantees
from tessera.core.guarantees import Guarantees
from tessera.core.kinds import ChangeKind, Direction
from tessera.ingest.source import JsonValue, SourceAsset, SourceProject

_NOT_DANGEROUS = frozenset({ChangeKind.PROPERTY_ADDED})


@dataclass(frozen=True, slots=True)
class SourceChange:
    """One change between two parses: ``path`` is ``<asset unique_id>`` plus a JSON pointer inside it."""

    kind: str
    path: str
    breaking: bool
    dangerous: bool
    message: str

    def to_dict(self) -> dict[str, JsonValue]:
        """The ``--json`` form."""
        return {
            "kind": self.kind,
            "path": self.path,
            "breaking": self.breaking,
            "dangerous": self.dangerous,
            "message": self.message,
        }


def is_output(asset: SourceAsset) -> bool:
    """True for data the source produces (responses, output types), read by its clients."""
    return asset.meta.get("direction") == "output"


def compare_projects(old: SourceProject, new: SourceProject) -> list[SourceChange]:
    """Every change from ``old`` to ``new``, by asset; the core's error for an unusable schema."""
    changes: list[SourceChange] = []
    for uid in sorted(set(old.assets) | set(new.assets)):
        before, after = old.assets.get(uid), new.assets.get(uid)
        if after is None:
            assert before is not None
            changes.append(
                SourceChange("asset_removed", uid, True, False, f"{before.resource_type} '{uid}' was removed")
            )
        elif before is None:
            changes.append(
                SourceChange("asset_added", uid, False, False, f"{after.resource_type} '{uid}' was added")
            )
        else:
            changes.extend(_asset_changes(uid, before, after))
    return changes


def _asset_changes(uid: str, before: SourceAsset, after: SourceAsset) -> list[SourceChange]:
    mode = CompatibilityMode(after.compatibility_mode or CompatibilityMode.BACKWARD)
    report = check_compatibility(after.schema, [before.schema], mode)
    breaking = {(c.kind, c.path, c.keyword) for c in report.breaking_changes}
    output = is_output(after)
    out: list[SourceChange] = []
    for change in report.changes:
        blocks = (change.kind, change.path, change.keyword) in breaking
        # A changed default changes what every caller that leaves the value out gets.
        dangerous = not blocks and (
            change.keyword == "default"
            or (output and change.direction is Direction.LOOSENING and change.kind not in _NOT_DANGEROUS)
        )
        out.append(SourceChange(change.kind.value, f"{uid}#{change.path}", blocks, dangerous, change.message))
    # Guarantees (e.g. a GraphQL field's non-null promise) under the strict guarantee mode a new asset has.
    old_g, new_g = Guarantees.parse(dict(before.guarantees)), Guarantees.parse(dict(after.guarantees))
    for g in diff_guarantees(old_g, new_g):
        path = f"{uid}#/guarantees{g.path}"
        out.append(SourceChange(g.kind.value, path, g.blocks(GuaranteeMode.STRICT), False, g.message))
    return out


def summary(changes: list[SourceChange]) -> Mapping[str, int]:
    """Counts for the text output: changes, breaking, dangerous."""
    return {
        "changes": len(changes),
        "breaking": sum(c.breaking for c in changes),
        "dangerous": sum(c.dangerous for c in changes),
    }
