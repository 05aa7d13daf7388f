"""Immutable change records and the named constructors the diff builds them with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tessera.core.json_types import JsonValue
from tessera.core.kinds import KIND_INFO, KIND_ORDER, ChangeKind, Direction
from tessera.core.modes import Bump, CompatibilityMode
from tessera.core.pointer import Path
from tessera.core.policy import Verdict, bump_for, verdict
from tessera.core.suggestions import suggestion_for
from tessera.core.values import canonical_json

K = ChangeKind
_MAX_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two schemas.

    ``path`` is a JSON pointer to the place in the data (``/properties/address/properties/zip``); wrappers
    that only spell nullability or point at a definition are looked through. ``keyword`` names the
    constraint or annotation for kinds that cover several (``maxLength``, ``description``, ...).
    """

    kind: ChangeKind
    path: str
    old: JsonValue
    new: JsonValue
    message: str
    keyword: str | None = None
    renamed_to: str | None = None
    renamed_from: str | None = None
    segments: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def direction(self) -> Direction:
        """Tightening, loosening, incompatible or neutral (see kinds.py)."""
        return KIND_INFO[self.kind].direction

    def verdict(self, mode: CompatibilityMode | str) -> Verdict:
        """Whether this change breaks readers under ``mode``, and why."""
        return verdict(self.kind, CompatibilityMode(mode))

    def is_breaking(self, mode: CompatibilityMode | str) -> bool:
        """Shorthand for ``verdict(mode).breaking``."""
        return self.verdict(mode).breaking

    def bump(self, mode: CompatibilityMode | str) -> Bump:
        """The version bump this change calls for under ``mode``."""
        return bump_for(self.kind, CompatibilityMode(mode))

    @property
    def suggestion(self) -> str | None:
        """A one-line non-breaking alternative, or ``None`` when the change never breaks anyone."""
        return suggestion_for(self.kind, renamed_to=self.renamed_to, renamed_from=self.renamed_from)

    @property
    def sort_key(self) -> tuple[tuple[str, ...], int, str]:
        """Deterministic order: by path (parents before children), then kind, then keyword."""
        return (self.segments, KIND_ORDER[self.kind], self.keyword or "")

    def to_dict(self, mode: CompatibilityMode | str) -> dict[str, JsonValue]:
        """A JSON-ready description, including the verdict under ``mode``."""
        judged = self.verdict(mode)
        data: dict[str, JsonValue] = {
            "kind": self.kind.value,
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "message": self.message,
            "breaking": judged.breaking,
            "reason": judged.reason,
            "suggestion": self.suggestion,
            "direction": self.direction.value,
        }
        if self.keyword is not None:
            data["keyword"] = self.keyword
        if self.renamed_to is not None:
            data["renamed_to"] = self.renamed_to
        if self.renamed_from is not None:
            data["renamed_from"] = self.renamed_from
        return data


def show(value: object, limit: int = 60) -> str:
    """A short JSON rendering of a value for messages."""
    try:
        text = canonical_json(value)
    except Exception:  # messages must never fail; the value was validated elsewhere
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show_list(values: Iterable[object]) -> str:
    items = list(values)
    shown = ", ".join(show(v, 30) for v in items[:_MAX_SHOWN])
    more = len(items) - _MAX_SHOWN
    return shown + (f" and {more:,} more" if more > 0 else "")


def _json_list(items: list[str]) -> list[JsonValue]:
    return [*items]


def _types_text(types: list[str]) -> str:
    return " | ".join(types) if types else "null"


def _make(
    kind: ChangeKind,
    path: Path,
    old: JsonValue,
    new: JsonValue,
    message: str,
    keyword: str | None = None,
) -> Change:
    segments = path.segments()
    pointer = "".join("/" + s.replace("~", "~0").replace("/", "~1") for s in segments)
    return Change(kind, pointer, old, new, message, keyword, segments=segments)


def _name(path: Path) -> str:
    return path.segment if path.parent is not None else "/"


# -- named constructors, one per kind (or family of kinds) -------------------------------------------


def schema_forbidden(path: Path, old: JsonValue) -> Change:
    """The schema became ``false``: no value is valid any more."""
    return _make(K.SCHEMA_FORBIDDEN, path, old, False, "schema became false: no value is allowed")


def schema_allowed(path: Path, new: JsonValue) -> Change:
    """A ``false`` schema was replaced: values are allowed again."""
    return _make(K.SCHEMA_ALLOWED, path, False, new, "schema was false: values are allowed again")


def property_added(path: Path, schema: JsonValue) -> Change:
    """A property appears in ``properties``."""
    return _make(K.PROPERTY_ADDED, path, None, schema, f"property {_name(path)!r} added")


def property_removed(path: Path, schema: JsonValue) -> Change:
    """A property disappears from ``properties``."""
    return _make(K.PROPERTY_REMOVED, path, schema, None, f"property {_name(path)!r} removed")


def required_added(path: Path) -> Change:
    """A property name is added to ``required``."""
    return _make(K.REQUIRED_ADDED, path, False, True, f"property {_name(path)!r} is now required")


def required_removed(path: Path) -> Change:
    """A property name is removed from ``required``."""
    return _make(K.REQUIRED_REMOVED, path, True, False, f"property {_name(path)!r} is no longer required")


def type_change(path: Path, old: frozenset[str], new: frozenset[str]) -> Change:
    """Declared types differ: widened, narrowed or changed (``integer`` counts as part of ``number``)."""
    old_list, new_list = sorted(old), sorted(new)

    def covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
        return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)

    if covers(new, old):
        kind, verb = K.TYPE_WIDENED, "widened"
    elif covers(old, new):
        kind, verb = K.TYPE_NARROWED, "narrowed"
    else:
        kind, verb = K.TYPE_CHANGED, "changed"
    message = f"type {verb} from {_types_text(old_list)} to {_types_text(new_list)}"
    return _make(kind, path, _json_list(old_list), _json_list(new_list), message, "type")


def type_declared(path: Path, new: frozenset[str]) -> Change:
    """A node without a declared type gains one."""
    types = sorted(new)
    return _make(
        K.TYPE_DECLARED, path, None, _json_list(types), f"type declared: {_types_text(types)}", "type"
    )


def type_undeclared(path: Path, old: frozenset[str]) -> Change:
    """A node loses its type declaration (any type is valid now)."""
    types = sorted(old)
    message = f"type declaration removed (was {_types_text(types)})"
    return _make(K.TYPE_UNDECLARED, path, _json_list(types), None, message, "type")


def nullability_added(path: Path) -> Change:
    """Null becomes a valid value."""
    return _make(K.NULLABILITY_ADDED, path, False, True, "now nullable", "nullable")


def nullability_removed(path: Path) -> Change:
    """Null is no longer a valid value."""
    return _make(K.NULLABILITY_REMOVED, path, True, False, "no longer nullable", "nullable")


def enum_introduced(path: Path, values: list[JsonValue]) -> Change:
    """A free field gets an ``enum``."""
    return _make(
        K.ENUM_INTRODUCED,
        path,
        None,
        values,
        f"restricted to {len(values):,} value(s): {_show_list(values)}",
        "enum",
    )


def enum_dropped(path: Path, values: list[JsonValue]) -> Change:
    """An ``enum`` is removed: any value of the type is valid."""
    return _make(K.ENUM_DROPPED, path, values, None, f"enum of {len(values):,} value(s) removed", "enum")


def enum_values_added(path: Path, values: list[JsonValue]) -> Change:
    """Members added to an ``enum``."""
    return _make(
        K.ENUM_VALUES_ADDED, path, None, values, f"enum value(s) added: {_show_list(values)}", "enum"
    )


def enum_values_removed(path: Path, values: list[JsonValue]) -> Change:
    """Members removed from an ``enum``."""
    return _make(
        K.ENUM_VALUES_REMOVED, path, values, None, f"enum value(s) removed: {_show_list(values)}", "enum"
    )


def const_added(path: Path, value: JsonValue) -> Change:
    """A ``const`` appears."""
    return _make(K.CONST_ADDED, path, None, value, f"pinned to {show(value)} (const)", "const")


def const_removed(path: Path, value: JsonValue) -> Change:
    """A ``const`` disappears."""
    return _make(K.CONST_REMOVED, path, value, None, f"no longer pinned to {show(value)} (const)", "const")


def const_changed(path: Path, old: JsonValue, new: JsonValue) -> Change:
    """A ``const`` value changes."""
    return _make(K.CONST_CHANGED, path, old, new, f"const changed from {show(old)} to {show(new)}", "const")


def format_added(path: Path, value: str) -> Change:
    """A ``format`` appears."""
    return _make(K.FORMAT_ADDED, path, None, value, f"format {value!r} added", "format")


def format_removed(path: Path, value: str) -> Change:
    """A ``format`` disappears."""
    return _make(K.FORMAT_REMOVED, path, value, None, f"format {value!r} removed", "format")


def format_changed(path: Path, old: str, new: str) -> Change:
    """A ``format`` changes (``date`` to ``date-time`` is a real change)."""
    return _make(K.FORMAT_CHANGED, path, old, new, f"format changed from {old!r} to {new!r}", "format")


def constraint(kind: ChangeKind, path: Path, keyword: str, old: JsonValue, new: JsonValue) -> Change:
    """A validation keyword tightened, relaxed or changed in both directions."""
    assert kind in (K.CONSTRAINT_TIGHTENED, K.CONSTRAINT_RELAXED, K.CONSTRAINT_CHANGED)
    verb = {K.CONSTRAINT_TIGHTENED: "tightened", K.CONSTRAINT_RELAXED: "relaxed"}.get(kind, "changed")
    if old is None:
        message = f"{keyword} added: {show(new)}"
    elif new is None:
        message = f"{keyword} removed (was {show(old)})"
    else:
        message = f"{keyword} {verb} from {show(old)} to {show(new)}"
    return _make(kind, path, old, new, message, keyword)


def tuple_item_added(path: Path, schema: JsonValue) -> Change:
    """A positional item (``prefixItems``) appears."""
    return _make(
        K.TUPLE_ITEM_ADDED, path, None, schema, f"tuple position {path.segment} added", "prefixItems"
    )


def tuple_item_removed(path: Path, schema: JsonValue) -> Change:
    """A positional item (``prefixItems``) disappears."""
    return _make(
        K.TUPLE_ITEM_REMOVED, path, schema, None, f"tuple position {path.segment} removed", "prefixItems"
    )


def branch_added(path: Path, keyword: str, schema: JsonValue) -> Change:
    """A branch appears in ``anyOf``/``oneOf`` (a union) or ``allOf``."""
    kind = K.ALL_OF_BRANCH_ADDED if keyword == "allOf" else K.UNION_BRANCH_ADDED
    return _make(kind, path, None, schema, f"{keyword} branch added: {show(schema)}", keyword)


def branch_removed(path: Path, keyword: str, schema: JsonValue) -> Change:
    """A branch disappears from ``anyOf``/``oneOf`` (a union) or ``allOf``."""
    kind = K.ALL_OF_BRANCH_REMOVED if keyword == "allOf" else K.UNION_BRANCH_REMOVED
    return _make(kind, path, schema, None, f"{keyword} branch removed: {show(schema)}", keyword)


def subschema_added(path: Path, keyword: str, schema: JsonValue) -> Change:
    """A conditional or applicator keyword (``not``, ``if``, ``contains``, ...) appears."""
    return _make(K.SUBSCHEMA_ADDED, path, None, schema, f"{keyword} added", keyword)


def subschema_removed(path: Path, keyword: str, schema: JsonValue) -> Change:
    """A conditional or applicator keyword disappears."""
    return _make(K.SUBSCHEMA_REMOVED, path, schema, None, f"{keyword} removed", keyword)


def subschema_changed(path: Path, keyword: str, old: JsonValue, new: JsonValue) -> Change:
    """A conditional or applicator keyword's schema changes."""
    return _make(K.SUBSCHEMA_CHANGED, path, old, new, f"{keyword} changed", keyword)


def default_change(
    path: Path, old: JsonValue | None, new: JsonValue | None, *, had: bool, has: bool
) -> Change:
    """``default`` added, removed or changed (documentation of the value used when absent)."""
    if not had:
        return _make(K.DEFAULT_ADDED, path, None, new, f"default {show(new)} added", "default")
    if not has:
        return _make(K.DEFAULT_REMOVED, path, old, None, f"default {show(old)} removed", "default")
    return _make(
        K.DEFAULT_CHANGED, path, old, new, f"default changed from {show(old)} to {show(new)}", "default"
    )


def definition_added(path: Path, schema: JsonValue) -> Change:
    """A reusable definition (``$defs``/``definitions``) appears."""
    return _make(K.DEFINITION_ADDED, path, None, schema, f"definition {_name(path)!r} added")


def definition_removed(path: Path, schema: JsonValue) -> Change:
    """A reusable definition disappears."""
    return _make(K.DEFINITION_REMOVED, path, schema, None, f"definition {_name(path)!r} removed")


def metadata_changed(path: Path, keyword: str, old: JsonValue | None, new: JsonValue | None) -> Change:
    """An annotation (description, title, examples, an ``x-`` or unknown keyword) changes."""
    if old is None:
        message = f"{keyword} added"
    elif new is None:
        message = f"{keyword} removed"
    else:
        message = f"{keyword} changed"
    return _make(K.METADATA_CHANGED, path, old, new, message, keyword)


__all__ = ["Change", "show"]
