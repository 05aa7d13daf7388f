"""Guarantees: the promises about a table's data beyond its schema (dbt tests, freshness, volume).

The format is shared with the dbt adapter::

    {"columns": {"customer_id": {"not_null": true, "unique": true, "accepted_values": ["a", "b"],
                                 "relationships": {"to": "warehouse.analytics.dim_x", "field": "id"}}},
     "freshness": {"warn_after": "12h", "error_after": "1d"},
     "volume": {"min_rows": 1, "max_rows": 1000000},
     "custom": [{"name": "dbt_utils.expression_is_true", "column": null,
                 "arguments": {"expression": "amount >= 0"}}]}

Every key is optional. Unknown keys are rejected so that a misspelt guarantee is an error, not silently
no guarantee at all.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic import JsonValue as PydanticJsonValue

from tessera.core.canonical import canonical_json
from tessera.core.durations import duration_seconds
from tessera.core.errors import InvalidGuaranteesError
from tessera.core.json_types import JsonValue


class _Frozen(BaseModel):
    # Validators are built on first use: offline commands that never read guarantees skip the cost.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class DbtPeriod(_Frozen):
    """dbt's spelling of a duration: ``{"count": 12, "period": "hour"}``."""

    count: StrictInt | float
    period: StrictStr


def _no_bool_duration(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("a duration cannot be a boolean")
    return value


def _check_duration(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("a duration cannot be a boolean")
    raw = value.model_dump() if isinstance(value, DbtPeriod) else value
    duration_seconds(raw)
    return value


Duration = Annotated[
    StrictStr | StrictInt | float | DbtPeriod,
    BeforeValidator(_no_bool_duration),
    AfterValidator(_check_duration),
]
"""A duration in any accepted spelling (see durations.py); compared after conversion to seconds."""


def _no_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    return value


class Relationship(_Frozen):
    """A foreign key: every value of the column appears in ``field`` of the relation ``to``."""

    to: StrictStr
    field: StrictStr


Scalar = StrictStr | StrictBool | StrictInt | float


class ColumnGuarantees(_Frozen):
    """Tests on one column."""

    not_null: StrictBool = False
    unique: StrictBool = False
    accepted_values: tuple[Scalar, ...] | None = None
    relationships: Relationship | None = None

    @field_validator("accepted_values")
    @classmethod
    def _as_a_set(cls, values: tuple[Scalar, ...] | None) -> tuple[Scalar, ...] | None:
        # A set of values: the order means nothing and 1 is 1.0 (as in JSON Schema's enum), so they are
        # kept once each, sorted by canonical JSON text, and a reordered list is the same guarantee.
        if values is None:
            return None
        by_text: dict[str, Scalar] = {}
        for value in values:
            by_text.setdefault(canonical_json(value), value)
        return tuple(by_text[text] for text in sorted(by_text))


class Freshness(_Frozen):
    """How old the newest data may get before a warning and before an error."""

    warn_after: Duration | None = None
    error_after: Duration | None = None

    def seconds(self, key: str) -> float | None:
        """``warn_after`` or ``error_after`` in seconds, ``None`` when unset."""
        value = getattr(self, key)
        if value is None:
            return None
        return duration_seconds(value.model_dump() if isinstance(value, DbtPeriod) else value)


Count = Annotated[StrictInt, BeforeValidator(_no_bool), Field(ge=0)]


class Volume(_Frozen):
    """Bounds on the row count."""

    min_rows: Count | None = None
    max_rows: Count | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Volume:
        if self.min_rows is not None and self.max_rows is not None and self.min_rows > self.max_rows:
            raise ValueError(f"min_rows ({self.min_rows}) is greater than max_rows ({self.max_rows})")
        return self


class CustomTest(_Frozen):
    """Any other test (a package test such as ``dbt_utils.expression_is_true``, or a singular test)."""

    name: StrictStr
    column: StrictStr | None = None
    arguments: dict[str, PydanticJsonValue] = Field(default_factory=dict)


class Guarantees(_Frozen):
    """All guarantees of one asset. Build with :meth:`parse` to get InvalidGuaranteesError on bad input."""

    columns: dict[str, ColumnGuarantees] = Field(default_factory=dict)
    freshness: Freshness | None = None
    volume: Volume | None = None
    custom: tuple[CustomTest, ...] = ()

    @field_validator("columns")
    @classmethod
    def _distinct_columns(cls, columns: dict[str, ColumnGuarantees]) -> dict[str, ColumnGuarantees]:
        seen: dict[str, str] = {}
        for name in columns:
            other = seen.setdefault(name.lower(), name)
            if other != name:
                raise ValueError(f"columns {other!r} and {name!r} are the same column (names ignore case)")
        return columns

    @classmethod
    def parse(cls, obj: object) -> Guarantees:
        """Read guarantees from a mapping, JSON text, an existing instance or ``None`` (no guarantees).

        Raises InvalidGuaranteesError listing every problem with its location.
        """
        if obj is None:
            return cls()
        if isinstance(obj, Guarantees):
            return obj
        try:
            if isinstance(obj, str | bytes):
                return cls.model_validate_json(obj)
            if isinstance(obj, Mapping):
                return cls.model_validate(dict(obj))
        except ValidationError as exc:
            raise InvalidGuaranteesError(_explain(exc)) from None
        except (ValueError, TypeError, json.JSONDecodeError) as exc:
            raise InvalidGuaranteesError(f"invalid guarantees: {exc}") from None
        raise InvalidGuaranteesError(f"guarantees must be a JSON object, got {type(obj).__name__}")

    def to_dict(self) -> dict[str, JsonValue]:
        """The JSON form, leaving out what is unset."""
        data: dict[str, Any] = self.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        return data

    def column(self, name: str) -> ColumnGuarantees | None:
        """The guarantees of a column, looked up ignoring case."""
        wanted = name.lower()
        return next((g for n, g in self.columns.items() if n.lower() == wanted), None)


def _known_keys() -> list[str]:
    models: tuple[type[BaseModel], ...] = (
        Guarantees,
        ColumnGuarantees,
        Freshness,
        Volume,
        Relationship,
        CustomTest,
        DbtPeriod,
    )
    return sorted({name for model in models for name in model.model_fields})


def _explain(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden" and error["loc"]:
            key = str(error["loc"][-1])
            near = difflib.get_close_matches(key, _known_keys(), n=1)
            message = f"unknown key {key!r}" + (f"; did you mean {near[0]!r}?" if near else "")
        problems.append(f"{where}: {message}")
    return "invalid guarantees: " + "; ".join(problems)


__all__ = [
    "ColumnGuarantees",
    "CustomTest",
    "DbtPeriod",
    "Duration",
    "Freshness",
    "Guarantees",
    "Relationship",
    "Volume",
]
