"""Compatibility checks against a contract's history, and the one evaluation the publishing path calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tessera.core.changes import Change
from tessera.core.diff import SchemaDiff, diff_schemas
from tessera.core.json_types import JsonSchema, JsonValue
from tessera.core.migration import Rename
from tessera.core.modes import Bump, CompatibilityMode, GuaranteeMode

if TYPE_CHECKING:
    from tessera.core.guarantee_diff import GuaranteeChange
    from tessera.core.guarantees import Guarantees


@dataclass(frozen=True, slots=True)
class Comparison:
    """The new schema compared with one earlier version (``index`` into ``previous``, 0 = oldest)."""

    index: int
    diff: SchemaDiff
    breaking_changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class CompatibilityReport:
    """Whether a new schema keeps a mode's promise, with the changes that decide it.

    ``changes`` are against the latest version. ``breaking_changes`` are those breaking under the mode,
    against the latest version and, for transitive modes, against every earlier one (each listed once).
    """

    mode: CompatibilityMode
    compatible: bool
    changes: tuple[Change, ...]
    breaking_changes: tuple[Change, ...]
    suggested_bump: Bump
    renames: tuple[Rename, ...] = ()
    comparisons: tuple[Comparison, ...] = ()

    def to_dict(self) -> dict[str, JsonValue]:
        """The JSON form used by the command line and the API."""
        against: dict[int, int] = {}
        for comparison in self.comparisons:
            for change in comparison.breaking_changes:
                against.setdefault(id(change), comparison.index)
        breaking: list[JsonValue] = []
        for change in self.breaking_changes:
            entry = change.to_dict(self.mode)
            entry["against_version_index"] = against.get(id(change))
            breaking.append(entry)
        return {
            "compatible": self.compatible,
            "mode": self.mode.value,
            "suggested_bump": self.suggested_bump.value,
            "changes": [change.to_dict(self.mode) for change in self.changes],
            "breaking_changes": breaking,
            "renames": [rename.to_dict() for rename in self.renames],
            "checked_versions": len(self.comparisons),
            "summary": {
                "changes": len(self.changes),
                "breaking": len(self.breaking_changes),
            },
        }


def check_compatibility(
    new: JsonSchema, previous: Sequence[JsonSchema], mode: CompatibilityMode | str
) -> CompatibilityReport:
    """Check ``new`` against earlier versions under ``mode``.

    ``previous`` runs oldest to latest. Transitive modes compare with every earlier version (so a field
    removed in two steps is still caught); the others with the latest only. With no earlier version,
    everything is compatible. Raises InvalidSchemaError for unusable schemas.
    """
    mode = CompatibilityMode(mode)
    if not previous:
        return CompatibilityReport(mode, True, (), (), Bump.NONE)
    latest_index = len(previous) - 1
    indexes = range(latest_index, -1, -1) if mode.is_transitive else [latest_index]
    comparisons: list[Comparison] = []
    for index in indexes:
        diff = diff_schemas(previous[index], new)
        comparisons.append(Comparison(index, diff, diff.breaking_changes(mode)))
    latest = comparisons[0].diff

    breaking: list[Change] = []
    seen: set[tuple[str, str, str | None, str]] = set()
    for comparison in comparisons:
        for change in comparison.breaking_changes:
            key = (change.kind.value, change.path, change.keyword, change.message)
            if key not in seen:
                seen.add(key)
                breaking.append(change)
    bump = latest.bump(mode)
    if breaking:
        bump = Bump.MAJOR
    return CompatibilityReport(
        mode=mode,
        compatible=not breaking,
        changes=latest.changes,
        breaking_changes=tuple(breaking),
        suggested_bump=bump,
        renames=latest.renames,
        comparisons=tuple(comparisons),
    )


@dataclass(frozen=True, slots=True)
class ChangeEvaluation:
    """Everything the publishing service needs to decide on a new contract version.

    ``breaking`` is true when the schema breaks the mode's promise or a guarantee change blocks under
    the guarantee mode. ``guarantee_changes`` leaves out everything under guarantee mode ``ignore``.
    ``is_unchanged`` is true when there is an earlier version and neither schema nor guarantees differ.
    """

    schema_report: CompatibilityReport
    guarantee_changes: tuple[GuaranteeChange, ...]
    guarantee_mode: GuaranteeMode
    breaking: bool
    breaking_reasons: tuple[str, ...]
    suggested_bump: Bump
    is_unchanged: bool

    def to_dict(self) -> dict[str, JsonValue]:
        """The JSON form used by the API and stored with proposals."""
        return {
            "breaking": self.breaking,
            "breaking_reasons": list(self.breaking_reasons),
            "suggested_bump": self.suggested_bump.value,
            "is_unchanged": self.is_unchanged,
            "guarantee_mode": self.guarantee_mode.value,
            "schema": self.schema_report.to_dict(),
            "guarantee_changes": [change.to_dict(self.guarantee_mode) for change in self.guarantee_changes],
        }


def evaluate_change(
    previous_schemas: Sequence[JsonSchema],
    new_schema: JsonSchema,
    old_guarantees: Guarantees | None,
    new_guarantees: Guarantees | None,
    mode: CompatibilityMode | str,
    guarantee_mode: GuaranteeMode | str = GuaranteeMode.STRICT,
) -> ChangeEvaluation:
    """Evaluate a proposed new version of a contract: schema against its history, guarantees against the
    latest ones. ``None`` guarantees mean none at all (pass the current ones to keep them).
    """
    # Imported here: the guarantee models (pydantic) are not needed by schema-only checks such as the
    # offline `tessera schema diff`, which then starts without them.
    from tessera.core.guarantee_diff import diff_guarantees
    from tessera.core.guarantees import Guarantees

    guarantee_mode = GuaranteeMode(guarantee_mode)
    report = check_compatibility(new_schema, previous_schemas, mode)
    all_guarantee_changes = diff_guarantees(old_guarantees or Guarantees(), new_guarantees or Guarantees())
    reported = () if guarantee_mode is GuaranteeMode.IGNORE else all_guarantee_changes

    reasons = [
        f"{change.path or '/'}: {change.message} ({change.verdict(report.mode).reason})"
        for change in report.breaking_changes
    ]
    blocking = [change for change in reported if change.blocks(guarantee_mode)]
    reasons.extend(
        f"{change.path}: {change.message} (risky guarantee change; guarantee mode is strict)"
        for change in blocking
    )
    bumps = [report.suggested_bump]
    if blocking:
        bumps.append(Bump.MAJOR)
    elif reported:
        bumps.append(Bump.MINOR)
    return ChangeEvaluation(
        schema_report=report,
        guarantee_changes=reported,
        guarantee_mode=guarantee_mode,
        breaking=bool(reasons),
        breaking_reasons=tuple(reasons),
        suggested_bump=Bump.highest(bumps),
        is_unchanged=bool(previous_schemas) and not report.changes and not all_guarantee_changes,
    )


__all__ = ["ChangeEvaluation", "Comparison", "CompatibilityReport", "check_compatibility", "evaluate_change"]
