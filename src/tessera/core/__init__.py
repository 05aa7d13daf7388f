"""Pure domain core: schema model, diff, compatibility policy, guarantees, semver.

Nothing in this package may import FastAPI, SQLAlchemy or httpx. See docs/compatibility.md for the
semantics every function here implements.
"""

import importlib
from typing import TYPE_CHECKING, Any

from tessera.core.canonical import canonical_json, json_fingerprint
from tessera.core.changes import Change
from tessera.core.compatibility import (
    ChangeEvaluation,
    Comparison,
    CompatibilityReport,
    check_compatibility,
    evaluate_change,
)
from tessera.core.diff import SchemaDiff, diff_schemas
from tessera.core.durations import duration_seconds
from tessera.core.errors import CoreError, InvalidGuaranteesError, InvalidSchemaError, InvalidVersionError
from tessera.core.fingerprint import schema_fingerprint
from tessera.core.json_types import JsonSchema, JsonValue
from tessera.core.kinds import KIND_INFO, SWAP_SYMMETRIC, ChangeKind, Direction
from tessera.core.migration import Rename
from tessera.core.modes import Bump, CompatibilityMode, GuaranteeMode
from tessera.core.policy import Verdict, bump_for, is_breaking, verdict
from tessera.core.semver import Version, parse_version, suggest_version, validate_version
from tessera.core.validation import validate_schema

if TYPE_CHECKING:
    from tessera.core.guarantee_diff import GuaranteeChange, GuaranteeChangeKind, Risk, diff_guarantees
    from tessera.core.guarantees import (
        ColumnGuarantees,
        CustomTest,
        Freshness,
        Guarantees,
        Relationship,
        Volume,
    )

# The guarantee models are pydantic models: loaded on first use (PEP 562), so a schema-only user of the
# core (the offline `tessera schema diff`, the pre-commit hook) starts without pydantic.
_LAZY = {
    **dict.fromkeys(("GuaranteeChange", "GuaranteeChangeKind", "Risk", "diff_guarantees"), "guarantee_diff"),
    **dict.fromkeys(
        ("ColumnGuarantees", "CustomTest", "Freshness", "Guarantees", "Relationship", "Volume"), "guarantees"
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tessera.core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"tessera.core.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "KIND_INFO",
    "SWAP_SYMMETRIC",
    "Bump",
    "Change",
    "ChangeEvaluation",
    "ChangeKind",
    "ColumnGuarantees",
    "Comparison",
    "CompatibilityMode",
    "CompatibilityReport",
    "CoreError",
    "CustomTest",
    "Direction",
    "Freshness",
    "GuaranteeChange",
    "GuaranteeChangeKind",
    "GuaranteeMode",
    "Guarantees",
    "InvalidGuaranteesError",
    "InvalidSchemaError",
    "InvalidVersionError",
    "JsonSchema",
    "JsonValue",
    "Relationship",
    "Rename",
    "Risk",
    "SchemaDiff",
    "Verdict",
    "Version",
    "Volume",
    "bump_for",
    "canonical_json",
    "check_compatibility",
    "diff_guarantees",
    "diff_schemas",
    "duration_seconds",
    "evaluate_change",
    "is_breaking",
    "json_fingerprint",
    "parse_version",
    "schema_fingerprint",
    "suggest_version",
    "validate_schema",
    "validate_version",
    "verdict",
]
