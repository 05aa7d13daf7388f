"""dbt tests, enforced contract constraints and source freshness -> the shared guarantees format.

```
{"columns": {"<col>": {"not_null": true, "unique": true, "accepted_values": [...],
                       "relationships": {"to": "<fqn>", "field": "<col>"}}},
 "freshness": {"warn_after": "12h", "error_after": "1d"}, "volume": {"min_rows": 1, "max_rows": null},
 "custom": [{"name": "<namespace.test or singular test>", "column": "<col>" | null, "arguments": {...}}]}
```

Empty sections are left out. Everything is keyed by (column, test, arguments), never by a test's
unique_id, and ordered deterministically. A test with severity ``warn`` is still a guarantee; a test
with a ``where`` filter only holds for part of the rows, so it becomes a custom guarantee.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tessera.core.canonical import canonical_bytes
from tessera.core.errors import CoreError
from tessera.ingest.dbt.fqn import node_fqn, normalise_identifier
from tessera.ingest.dbt.models import JsonObject, JsonValue, ManifestWarning
from tessera.ingest.dbt.refs import parse_relation_call, resolve_relation_call

Node = Mapping[str, object]

_JINJA = re.compile(r"^\{\{\s*(.*?)\s*\}\}$", re.DOTALL)
_STRIPPED_KWARGS = frozenset({"column_name", "model"})
_BUILTIN_NAMESPACES = (None, "", "dbt")
_VOLUME_TESTS = frozenset({"dbt_expectations.expect_table_row_count_to_be_between"})
_PERIODS = {"minute": "m", "hour": "h", "day": "d"}
_COLUMN_KEYS = ("not_null", "unique", "accepted_values", "relationships")


def canonical(value: object) -> JsonValue:
    """Canonical JSON for test arguments: sorted keys, ``{{ x }}`` unwrapped, line endings unified."""
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        match = _JINJA.match(text)
        return match.group(1) if match else text
    if isinstance(value, dict):
        return {str(key): canonical(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _sort_key(value: JsonValue) -> bytes:
    try:
        return canonical_bytes(value)
    except CoreError:  # NaN or the like: still a stable key; the publish reports the value
        return repr(value).encode()


def test_kwargs(test: Node) -> dict[str, object]:
    """A generic test's arguments, merging a nested ``arguments`` mapping when a tool left one there."""
    metadata = test.get("test_metadata")
    kwargs = metadata.get("kwargs") if isinstance(metadata, dict) else None
    if not isinstance(kwargs, dict):
        return {}
    merged = {str(key): value for key, value in kwargs.items() if key != "arguments"}
    nested = kwargs.get("arguments")
    if isinstance(nested, dict):
        merged.update({str(key): value for key, value in nested.items()})
    return merged


def _depends_on(node: Node) -> list[str]:
    depends = node.get("depends_on")
    nodes = depends.get("nodes") if isinstance(depends, dict) else None
    return [uid for uid in nodes if isinstance(uid, str)] if isinstance(nodes, list) else []


def attached_targets(test: Node, lookup: Mapping[str, Node]) -> list[str]:
    """The nodes a test guards: ``attached_node`` (v9+), else ``kwargs.model`` among its parents.

    A singular test (no ``test_metadata``) guards every relation it reads.
    """
    attached = test.get("attached_node")
    if isinstance(attached, str) and attached in lookup:
        return [attached]
    parents = [uid for uid in _depends_on(test) if uid in lookup]
    if not isinstance(test.get("test_metadata"), dict):
        return parents
    call = parse_relation_call(test_kwargs(test).get("model"))
    if call is not None:
        resolved = resolve_relation_call(call, parents, lookup)
        if resolved is not None:
            return [resolved]
    return parents if len(parents) == 1 else []


class GuaranteeBuilder:
    """Collects the guarantees of one asset; :meth:`build` returns them in the shared format."""

    def __init__(self, unique_id: str, lookup: Mapping[str, Node], warnings: list[ManifestWarning]) -> None:
        self.unique_id = unique_id
        self.lookup = lookup
        self.warnings = warnings
        self.columns: dict[str, dict[str, JsonValue]] = {}
        self.custom: list[JsonObject] = []
        self.freshness: JsonObject | None = None
        self.volume: JsonObject | None = None

    def _column(self, name: str) -> dict[str, JsonValue]:
        return self.columns.setdefault(name, {})

    def _add_custom(self, name: str, column: str | None, arguments: Mapping[str, object]) -> None:
        self.custom.append({"name": name, "column": column, "arguments": canonical(arguments)})

    def _warn(self, code: str, message: str) -> None:
        self.warnings.append(ManifestWarning(self.unique_id, code, message))

    def add_test(self, test: Node) -> None:
        """Turn one test node attached to this asset into guarantees."""
        metadata = test.get("test_metadata")
        if not isinstance(metadata, dict):  # a singular test
            self._add_custom(str(test.get("name")), None, {})
            return
        kwargs = test_kwargs(test)
        raw_column = kwargs.get("column_name", test.get("column_name"))
        column = normalise_identifier(raw_column) if isinstance(raw_column, str) and raw_column else None
        namespace = metadata.get("namespace")
        name = str(metadata.get("name"))
        full_name = f"{namespace}.{name}" if namespace not in _BUILTIN_NAMESPACES else name
        arguments = {key: value for key, value in kwargs.items() if key not in _STRIPPED_KWARGS}
        config = test.get("config")
        where = config.get("where") if isinstance(config, dict) else None
        if where:
            arguments.setdefault("where", where)
            self._add_custom(full_name, column, arguments)
        elif full_name in _VOLUME_TESTS and column is None and self._volume(arguments):
            return
        elif column is None or full_name not in _COLUMN_KEYS:
            self._add_custom(full_name, column, arguments)
        elif full_name in ("not_null", "unique"):
            self._column(column)[full_name] = True
        elif full_name == "accepted_values":
            self._accepted_values(column, arguments)
        else:
            self._relationships(test, column, arguments)

    def _volume(self, arguments: Mapping[str, object]) -> bool:
        if set(arguments) - {"min_value", "max_value"}:
            return False
        bounds: list[JsonValue] = []
        for key in ("min_value", "max_value"):
            bound = arguments.get(key)
            if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool)):
                return False
            bounds.append(bound)
        self.volume = {"min_rows": bounds[0], "max_rows": bounds[1]}
        return True

    def _accepted_values(self, column: str, arguments: Mapping[str, object]) -> None:
        values = arguments.get("values")
        if not isinstance(values, list) or set(arguments) - {"values", "quote"}:
            self._add_custom("accepted_values", column, arguments)
            return
        unique = {_sort_key(item): item for item in (canonical(value) for value in values)}
        entry = self._column(column)
        previous = entry.get("accepted_values")
        if isinstance(previous, list):  # two tests on one column: both must hold
            allowed = {_sort_key(item) for item in previous}
            unique = {key: item for key, item in unique.items() if key in allowed}
        entry["accepted_values"] = [unique[key] for key in sorted(unique)]

    def _relationships(self, test: Node, column: str, arguments: Mapping[str, object]) -> None:
        call = parse_relation_call(arguments.get("to"))
        field = arguments.get("field")
        target = None
        if call is not None:
            target = resolve_relation_call(call, _depends_on(test), self.lookup)
        if target is None or not isinstance(field, str) or "relationships" in self.columns.get(column, {}):
            if target is None:
                self._warn(
                    "unresolved_relationship",
                    f"relationships test on `{column}`: cannot resolve {arguments.get('to')!r}; "
                    "kept as a custom guarantee",
                )
            self._add_custom("relationships", column, arguments)
            return
        self._column(column)["relationships"] = {
            "to": node_fqn(self.lookup[target]),
            "field": normalise_identifier(field),
        }

    def add_constraints(self, node: Node) -> None:
        """Enforced model-contract constraints (column- and model-level) -> the same guarantees."""
        columns = node.get("columns")
        if isinstance(columns, dict):
            for key, column in columns.items():
                constraints = column.get("constraints") if isinstance(column, dict) else None
                if isinstance(constraints, list):
                    for constraint in constraints:
                        if isinstance(constraint, dict):
                            self._constraint(constraint, [normalise_identifier(str(key))])
        constraints = node.get("constraints")
        if isinstance(constraints, list):
            for constraint in constraints:
                if isinstance(constraint, dict):
                    names = constraint.get("columns")
                    cols = (
                        [normalise_identifier(c) for c in names if isinstance(c, str)]
                        if isinstance(names, list)
                        else []
                    )
                    self._constraint(constraint, cols)

    def _constraint(self, constraint: Mapping[str, object], columns: Sequence[str]) -> None:
        kind = constraint.get("type")
        if kind in ("not_null", "primary_key") and columns:
            for column in columns:
                self._column(column)["not_null"] = True
        if kind in ("unique", "primary_key") and len(columns) == 1:
            self._column(columns[0])["unique"] = True
            return
        if kind == "not_null" and columns:
            return
        arguments = {
            key: value
            for key, value in constraint.items()
            if key in ("expression", "to", "to_columns") and value not in (None, [], "")
        }
        if len(columns) > 1:
            arguments["columns"] = list(columns)
        self._add_custom(f"constraint.{kind}", columns[0] if len(columns) == 1 else None, arguments)

    def add_freshness(self, source: Node) -> None:
        """Source freshness (``warn_after``/``error_after`` as ``{count, period}``) -> ``freshness``."""
        freshness = source.get("freshness")
        config = source.get("config")
        if not isinstance(freshness, dict) and isinstance(config, dict):
            freshness = config.get("freshness")
        if not isinstance(freshness, dict):
            return
        warn, error = _duration(freshness.get("warn_after")), _duration(freshness.get("error_after"))
        if warn is not None or error is not None:
            self.freshness = {"warn_after": warn, "error_after": error}

    def build(self) -> JsonObject:
        """The guarantees collected so far, empty sections left out."""
        out: JsonObject = {}
        if self.columns:
            out["columns"] = {
                name: {key: self.columns[name][key] for key in _COLUMN_KEYS if key in self.columns[name]}
                for name in sorted(self.columns)
            }
        if self.freshness is not None:
            out["freshness"] = self.freshness
        if self.volume is not None:
            out["volume"] = self.volume
        if self.custom:
            unique = {_custom_key(entry): entry for entry in self.custom}
            out["custom"] = [unique[key] for key in sorted(unique)]
        return out


def _custom_key(entry: JsonObject) -> tuple[str, str, bytes]:
    column = entry.get("column")
    return (
        str(entry.get("name")),
        column if isinstance(column, str) else "",
        _sort_key(entry.get("arguments")),
    )


def _duration(value: object) -> str | None:
    if not isinstance(value, dict):
        return None
    count, period = value.get("count"), value.get("period")
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0 or period not in _PERIODS:
        return None
    return f"{count}{_PERIODS[str(period)]}"
