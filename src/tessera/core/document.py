"""One schema document: resolution of internal ``$ref`` values and of ``$anchor`` names."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from tessera.core.errors import InvalidSchemaError
from tessera.core.json_types import JsonSchema
from tessera.core.keywords import SCHEMA_KEYWORDS, SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS
from tessera.core.pointer import pointer_segments

_MAP_LIKE = (*SCHEMA_MAP_KEYWORDS, "dependencies")  # a tuple: iteration order must be stable


class SchemaDocument:
    """A root schema plus what is needed to follow references inside it.

    Lookups are cached per reference text, so a definition used ten thousand times is located once.
    ``label`` ("old", "new", a file name) prefixes error locations.
    """

    def __init__(self, root: object, label: str = "schema") -> None:
        self.root = root
        self.label = label
        self._targets: dict[str, tuple[JsonSchema, bool]] = {}
        self._anchors: dict[str, JsonSchema] | None = None

    def where(self, pointer: str) -> str:
        """Error location text: the document label and a JSON pointer."""
        return f"{self.label} {pointer or '/'}"

    def lookup(self, ref: str, where: object) -> tuple[JsonSchema, bool]:
        """The schema ``ref`` points at, and whether it sits at a schema location.

        A schema location is a place the diff walks by itself (under ``properties``, ``$defs``, ``items``,
        ...); a reference into any other keyword's value is a *foreign* target.
        """
        cached = self._targets.get(ref)
        if cached is not None:
            return cached
        if not ref.startswith("#"):
            raise InvalidSchemaError(
                f"$ref {ref!r} points outside this document; only internal references ('#...') are "
                "supported: put the referenced schema under $defs",
                where,
            )
        fragment = unquote(ref[1:])
        if fragment == "" or fragment.startswith("/"):
            target, at_schema = self._follow_pointer(ref, fragment, where)
        else:
            anchors = self._anchor_index()
            if fragment not in anchors:
                raise InvalidSchemaError(f"$ref {ref!r}: no $anchor named {fragment!r}", where)
            target, at_schema = anchors[fragment], True
        if not isinstance(target, Mapping | bool):
            raise InvalidSchemaError(f"$ref {ref!r} points at a value that is not a schema", where)
        self._targets[ref] = (target, at_schema)
        return target, at_schema

    def _follow_pointer(self, ref: str, fragment: str, where: object) -> tuple[object, bool]:
        node: object = self.root
        state = "schema"  # grammar state: "schema", "map" (a name follows), "list" (an index follows)
        for segment in pointer_segments(fragment):
            if isinstance(node, Mapping):
                if segment not in node:
                    raise InvalidSchemaError(f"$ref {ref!r} cannot be resolved: no {segment!r}", where)
                child = node[segment]
            elif isinstance(node, list | tuple):
                if not segment.isdigit() or int(segment) >= len(node):
                    raise InvalidSchemaError(f"$ref {ref!r} cannot be resolved: bad index {segment!r}", where)
                child = node[int(segment)]
            else:
                raise InvalidSchemaError(
                    f"$ref {ref!r} cannot be resolved: {segment!r} is inside a scalar", where
                )
            state = _next_state(state, segment, child)
            node = child
        return node, state == "schema"

    def _anchor_index(self) -> dict[str, JsonSchema]:
        # Built on first use only: most contracts never use anchors.
        if self._anchors is None:
            anchors: dict[str, JsonSchema] = {}
            stack: list[object] = [self.root]
            while stack:
                node = stack.pop()
                if not isinstance(node, Mapping):
                    continue
                for key in ("$anchor", "$dynamicAnchor"):
                    name = node.get(key)
                    if isinstance(name, str):
                        anchors.setdefault(name, node)
                legacy_id = node.get("$id")
                if isinstance(legacy_id, str) and legacy_id.startswith("#"):
                    anchors.setdefault(legacy_id[1:], node)
                stack.extend(schema_children(node))
            self._anchors = anchors
        return self._anchors


def _next_state(state: str, segment: str, child: object) -> str:
    if state in ("map", "list"):
        return "schema"
    if state != "schema":
        return "foreign"
    if segment in _MAP_LIKE:
        return "map"
    if segment == "items" and isinstance(child, list | tuple):
        return "list"
    if segment in SCHEMA_KEYWORDS:
        return "schema"
    if segment in SCHEMA_LIST_KEYWORDS:
        return "list"
    return "foreign"


def schema_children(node: Mapping[str, object]) -> list[object]:
    """Every direct sub-schema of ``node`` (no validation; non-schemas are skipped by callers)."""
    children: list[object] = []
    for keyword in _MAP_LIKE:
        value = node.get(keyword)
        if isinstance(value, Mapping):
            children.extend(value.values())
    for keyword in SCHEMA_KEYWORDS:
        value = node.get(keyword)
        if isinstance(value, list | tuple):
            children.extend(value)
        elif value is not None:
            children.append(value)
    for keyword in SCHEMA_LIST_KEYWORDS:
        value = node.get(keyword)
        if isinstance(value, list | tuple):
            children.extend(value)
    return children


__all__ = ["SchemaDocument", "schema_children"]
