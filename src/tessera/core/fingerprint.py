"""Fingerprints: a SHA-256 of a schema's canonical normalised form.

Two schemas get the same fingerprint when they differ only in spelling: key order, the order of
``required``, ``enum``, ``type`` lists and of ``anyOf``/``oneOf``/``allOf`` branches, how nullability is
written, ``$ref`` versus the same schema written inline, draft-07 versus 2020-12 tuple syntax.

The computation is an explicit-stack post-order walk with a memo per node object, so it is linear in the
size of the document, safe on cyclic ``$ref`` graphs and on any nesting depth. A reference that leads back
into a definition currently being expanded (a recursive type) is represented by its reference text; after
that, every use of that definition is, which keeps the walk finite and the result deterministic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import cast

from tessera.core.canonical import canonical_bytes, canonical_json
from tessera.core.document import SchemaDocument
from tessera.core.errors import InvalidSchemaError
from tessera.core.json_types import JsonSchema
from tessera.core.keywords import (
    MAX_DEPTH,
    SCHEMA_KEYWORDS,
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    is_metadata_keyword,
)
from tessera.core.pointer import ROOT, Location
from tessera.core.schema import MISSING, Node, deref, ref_of, unwrap

_ORDERLESS = frozenset({"anyOf", "oneOf", "allOf"})
_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_SKIP = frozenset({"type", "nullable", "$ref", "items", "additionalItems", "prefixItems"})


_BEARING = frozenset({*SCHEMA_MAP_KEYWORDS, *SCHEMA_KEYWORDS, *SCHEMA_LIST_KEYWORDS, "dependencies"})
_COMPLEX = _BEARING | {"$ref", "anyOf", "oneOf", "allOf"}
_FINISH = object()


Slot = tuple[str, str | int | None]


class _Frame:
    """A node with sub-schemas, waiting for their descriptions."""

    __slots__ = ("depth", "desc", "key", "loc", "parent", "ref", "slot")

    def __init__(
        self, desc: dict[str, object], key: int, loc: Location, parent: _Frame | None, slot: Slot
    ) -> None:
        self.desc = desc
        self.key = key
        self.loc = loc
        self.parent = parent
        self.slot = slot
        self.ref: str | None = None
        self.depth = 0


class Fingerprinter:
    """Computes fingerprints of sub-schemas of one document, sharing work between calls.

    Nodes without sub-schemas (most columns) are described inline in their parent; nodes with
    sub-schemas are hashed on their own and memoised, so shared definitions are described once.

    ``inline_refs=False`` keeps references to definitions as their reference text instead of expanding
    them: the diff uses that to match union branches, because a change inside a shared definition is
    reported once, where the definition lives. ``ignore_metadata`` leaves out descriptions, titles and
    other annotations (used to recognise renamed properties).
    """

    def __init__(
        self, doc: SchemaDocument, *, inline_refs: bool = True, ignore_metadata: bool = False
    ) -> None:
        self.doc = doc
        self.inline_refs = inline_refs
        self.ignore_metadata = ignore_metadata
        self._memo: dict[int, str] = {}
        self._recursive: set[str] = set()
        self._expanding: dict[str, int] = {}

    def of(self, schema: object, loc: Location | None = None) -> str:
        """The fingerprint (hex SHA-256) of ``schema``, a sub-schema of this document."""
        result: list[object] = []
        root_slot: Slot = ("", None)
        stack: list[tuple[object, ...]] = [(schema, loc or Location(self.doc.label, ROOT), None, root_slot)]
        while stack:
            item = stack.pop()
            if item[0] is _FINISH:
                frame = item[1]
                assert isinstance(frame, _Frame)
                digest = _digest(self._finish(frame))
                self._memo[frame.key] = digest
                if frame.ref is not None:
                    self._expanding[frame.ref] -= 1
                _deliver(frame.parent, frame.slot, digest, result)
                continue
            raw = item[0]
            where, parent, slot = cast(tuple[Location, _Frame | None, Slot], item[1:])
            memo = self._memo.get(id(raw))
            if memo is not None:
                _deliver(parent, slot, memo, result)
                continue
            desc: dict[str, object] = {}
            node, ref = self._normalise(raw, where, desc)
            children = self._own_keywords(node, desc)
            if not children:
                if ref is not None:
                    self._expanding[ref] -= 1
                _deliver(parent, slot, desc, result)
                continue
            depth = 0 if parent is None else parent.depth + 1
            if depth > MAX_DEPTH // 2:  # frames are schema levels, each at least one segment (usually two)
                raise InvalidSchemaError(
                    f"nested more than {MAX_DEPTH} levels deep (or the object contains itself)", where
                )
            frame = _Frame(desc, id(raw), where, parent, slot)
            frame.depth = depth
            frame.ref = ref
            stack.append((_FINISH, frame))
            for keyword, name, child, segments in reversed(children):
                if type(child) is dict and _COMPLEX.isdisjoint(child):
                    # A plain leaf (most columns): describe it in place, no stack round trip.
                    leaf: dict[str, object] = {}
                    self._own_keywords(Node(child, self.doc, where.child(*segments)), leaf)
                    _deliver(frame, (keyword, name), leaf, result)
                else:
                    stack.append((child, where.child(*segments), frame, (keyword, name)))
        top = result[0]
        return top if isinstance(top, str) else _digest(top)

    def _normalise(self, raw: object, loc: Location, desc: dict[str, object]) -> tuple[Node, str | None]:
        """Unwrap and resolve a node; returns it and the reference being expanded, if any."""
        node_raw, nullable = unwrap(raw, loc)
        ref = ref_of(node_raw, loc)
        expanding = None
        if ref is not None:
            _, at_schema = self.doc.lookup(ref, loc)
            keep_ref = (not self.inline_refs and at_schema) or ref in self._recursive
            if not keep_ref and self._expanding.get(ref, 0) > 0:
                self._recursive.add(ref)
                keep_ref = True
            if keep_ref:
                desc["$ref"] = ref
                assert isinstance(node_raw, Mapping)
                node_raw = {k: v for k, v in node_raw.items() if k != "$ref"}
            else:
                node_raw, ref_nullable = deref(node_raw, self.doc, loc)
                nullable = nullable or ref_nullable
                expanding = ref
                self._expanding[ref] = self._expanding.get(ref, 0) + 1
        return Node(node_raw, self.doc, loc, nullable), expanding

    def _own_keywords(
        self, node: Node, desc: dict[str, object]
    ) -> list[tuple[str, str | int | None, object, tuple[str, ...]]]:
        """Describe the node's own keywords in ``desc``; return its sub-schemas as (slot..., segments)."""
        if node.is_false:
            desc["false"] = True
            return []
        raw = node.raw
        desc["type"] = sorted(node.types) if node.types is not None else None
        desc["nullable"] = node.nullable
        children: list[tuple[str, str | int | None, object, tuple[str, ...]]] = []
        bearing = not _BEARING.isdisjoint(raw.keys())
        if bearing:
            tuple_items = node.tuple_items()
            if tuple_items is not None:
                desc["prefixItems"] = [None] * len(tuple_items)
                for index, item in enumerate(tuple_items):
                    children.append(("prefixItems", index, item, ("prefixItems", str(index))))
            rest = node.rest_items()
            if rest is not MISSING:
                children.append(("items", None, rest, ("items",)))
        bounds_done = False
        for key in sorted(raw):
            if key in _SKIP:
                continue
            value = raw[key]
            if key in _BOUNDS:
                if not bounds_done:
                    bounds_done = True
                    for side in ("min", "max"):
                        bound = node.bound(side)
                        desc[f"bound-{side}"] = None if bound is None else [bound[0], bound[1]]
            elif key == "enum":
                enum = node.enum()
                assert enum is not None
                desc["enum"] = canonical_json(sorted(enum))
            elif key == "required":
                desc["required"] = sorted(node.required())
            elif key in SCHEMA_MAP_KEYWORDS:
                members = node.schema_map(key)
                desc[key] = dict.fromkeys(members)
                for name in sorted(members):
                    children.append((key, name, members[name], (key, name)))
            elif key in SCHEMA_LIST_KEYWORDS:
                branches = node.schema_list(key) or []
                desc[key] = [None] * len(branches)
                for index, branch in enumerate(branches):
                    children.append((key, index, branch, (key, str(index))))
            elif key in SCHEMA_KEYWORDS:
                children.append((key, None, value, (key,)))
            elif not (self.ignore_metadata and is_metadata_keyword(key)):
                desc[key] = canonical_json(value, node.loc.child(key))
        return children

    def _finish(self, frame: _Frame) -> dict[str, object]:
        desc = frame.desc
        for keyword in _ORDERLESS:
            branches = desc.get(keyword)
            if isinstance(branches, list):
                desc[keyword] = sorted(b if isinstance(b, str) else canonical_json(b) for b in branches)
        return desc


def _digest(desc: object) -> str:
    return hashlib.sha256(canonical_bytes(desc)).hexdigest()


def _deliver(parent: _Frame | None, slot: Slot, value: object, result: list[object]) -> None:
    if parent is None:
        result.append(value)
        return
    keyword, name = slot
    if name is None:
        parent.desc[keyword] = value
    else:
        container = parent.desc[keyword]
        assert isinstance(container, dict | list)
        container[name] = value  # type: ignore[index]


def schema_fingerprint(schema: JsonSchema) -> str:
    """SHA-256 (hex) of the canonical normalised form of ``schema``.

    Equal for schemas that differ only in spelling (key order, order of ``required``/``enum``/``type``
    lists and of union branches, nullability spelled as a type list, a null branch or ``nullable``,
    ``$ref`` versus inline). Raises InvalidSchemaError for input that is not a usable schema.
    """
    doc = SchemaDocument(schema, "schema")
    try:
        return Fingerprinter(doc).of(schema)
    except RecursionError as exc:  # pragma: no cover - the walk is iterative; belt and braces
        raise InvalidSchemaError("schema is nested too deeply") from exc


__all__ = ["Fingerprinter", "schema_fingerprint"]
