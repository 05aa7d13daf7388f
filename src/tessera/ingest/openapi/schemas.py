"""OpenAPI schema objects -> self-contained JSON Schemas, as an API client sees them in one direction.

* ``$ref`` (to any place in the document) is inlined; a reference back into itself (a recursive type)
  stops with ``{"x-recursive": "<ref>"}`` instead of expanding forever. Expansions that hit no cycle are
  memoised and shared (read-only), so a big document stays small in memory.
* ``nullable`` (3.0) and type lists (3.1) are kept: the core reads both as nullability.
* ``readOnly`` properties are not part of what a client sends (dropped from request schemas, and from
  their ``required``); ``writeOnly`` properties are never returned (dropped from response schemas).
* ``discriminator``: its property becomes a required field whose ``enum`` is the discriminator's values
  (the ``mapping`` keys, else the branch names), next to the ``oneOf``/``anyOf`` branches themselves.
* Documentation-only keywords (``example``, ``xml``, ``externalDocs``, ``deprecated``) are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from tessera.ingest.source import InvalidSourceError

Direction = Literal["request", "response"]

_DROP = frozenset({"example", "xml", "externalDocs", "deprecated", "discriminator", "readOnly", "writeOnly"})
_SUBSCHEMA = frozenset({"items", "not", "additionalProperties", "contains", "propertyNames"})
_SUBSCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SUBSCHEMA_MAP = frozenset({"properties", "patternProperties"})


def resolve_pointer(document: Mapping[str, Any], ref: str) -> Any:
    """The value a local ``$ref`` (``#/a/b``) points at; :class:`InvalidSourceError` if it points nowhere."""
    if not ref.startswith("#"):
        raise InvalidSourceError(
            "unresolvable_ref", f"Only references inside the document are read; '{ref}' points elsewhere."
        )
    node: Any = document
    for part in ref[1:].split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise InvalidSourceError("unresolvable_ref", f"The reference '{ref}' points at nothing.")
    return node


def deref(document: Mapping[str, Any], value: Any) -> Any:
    """Follow ``$ref`` chains of a non-schema object (a parameter, request body, response)."""
    seen: set[str] = set()
    while isinstance(value, Mapping) and isinstance(value.get("$ref"), str):
        ref = value["$ref"]
        if ref in seen:
            raise InvalidSourceError("unresolvable_ref", f"The reference '{ref}' refers to itself.")
        seen.add(ref)
        value = resolve_pointer(document, ref)
    return value


def _discriminate(out: dict[str, Any], discriminator: Any, schema: Mapping[str, Any]) -> None:
    """A discriminator as a client sees it: its property is required and takes one of the known values.

    The values are the ``mapping`` keys, else the names of the ``oneOf``/``anyOf`` branches' references.
    A value that disappears is then a removed enum value (breaking); a new one, an added value.
    """
    if not isinstance(discriminator, Mapping) or not isinstance(discriminator.get("propertyName"), str):
        return
    name = discriminator["propertyName"]
    mapping = discriminator.get("mapping")
    if isinstance(mapping, Mapping) and mapping:
        values = sorted(str(k) for k in mapping)
    else:
        branches = [*(schema.get("oneOf") or []), *(schema.get("anyOf") or [])]
        refs = [b.get("$ref") for b in branches if isinstance(b, Mapping)]
        values = sorted({r.rsplit("/", 1)[-1] for r in refs if isinstance(r, str)})
    if not values:
        return
    properties = dict(out.get("properties") or {})
    properties[name] = {**properties.get(name, {"type": "string"}), "enum": values}
    out["properties"] = properties
    out["required"] = sorted({*(out.get("required") or []), name})


def _refs_in(value: Any, found: set[str]) -> set[str]:
    """Every ``$ref`` string anywhere inside ``value``."""
    if isinstance(value, Mapping):
        ref = value.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for item in value.values():
            _refs_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _refs_in(item, found)
    return found


class SchemaConverter:
    """Converts schema objects of one document; memoises the expansion of every reference.

    References form a graph; its strongly connected components with a cycle are the recursive types. A
    reference is expanded where its cycle is entered, and inside that expansion every member of the same
    cycle is kept as ``{"x-recursive": ref}``. The expansion of a reference therefore depends only on the
    reference (and the direction), never on the path it was reached by: it is computed once and shared
    (read-only), and a document whose types all reach each other (Stripe's) stays linear in time and size
    instead of expanding every path through the cycle.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._memo: dict[tuple[str, Direction], Any] = {}
        self._component: dict[str, int] = {}
        self._cyclic: set[int] = set()
        self._components = 0

    def convert(self, schema: Any, direction: Direction) -> Any:
        """The JSON Schema a client sees for ``schema`` in ``direction``."""
        return self._convert(schema, direction, None)

    def _convert(self, schema: Any, direction: Direction, inside: int | None) -> Any:
        """``inside``: the recursive component whose expansion this is part of (``None``: none)."""
        if not isinstance(schema, Mapping):
            return schema
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._ref(ref, direction, inside)
        out: dict[str, Any] = {}
        hidden = "readOnly" if direction == "request" else "writeOnly"
        for key, value in schema.items():
            if key in _DROP:
                continue
            if key in _SUBSCHEMA and isinstance(value, Mapping):
                out[key] = self._convert(value, direction, inside)
            elif key in _SUBSCHEMA_LIST and isinstance(value, list):
                out[key] = [self._convert(v, direction, inside) for v in value]
            elif key in _SUBSCHEMA_MAP and isinstance(value, Mapping):
                converted: dict[str, Any] = {}
                for name, sub in value.items():
                    if key == "properties" and self._flag(sub, hidden):
                        continue
                    converted[name] = self._convert(sub, direction, inside)
                out[key] = converted
            else:
                out[key] = value
        props = schema.get("properties")
        if isinstance(out.get("required"), list) and isinstance(props, Mapping):
            out["required"] = [
                n for n in out["required"] if not (n in props and self._flag(props[n], hidden))
            ]
        _discriminate(out, schema.get("discriminator"), schema)
        return out

    def _ref(self, ref: str, direction: Direction, inside: int | None) -> Any:
        component = self._component_of(ref)
        if inside is not None and component == inside:
            return {"x-recursive": ref}
        memo = self._memo.get((ref, direction))
        if memo is not None:
            return memo
        target = resolve_pointer(self._document, ref)
        # A reference outside any cycle cannot lead back here: its expansion needs no cut of its own.
        out = self._convert(target, direction, component if component in self._cyclic else None)
        self._memo[(ref, direction)] = out
        return out

    def _component_of(self, ref: str) -> int:
        """The strongly connected component of ``ref`` in the reference graph (Tarjan, iterative)."""
        known = self._component.get(ref)
        if known is not None:
            return known
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        edges: dict[str, list[str]] = {}

        def successors(node: str) -> list[str]:
            if node not in edges:
                target = resolve_pointer(self._document, node)
                edges[node] = sorted(_refs_in(target, set()))
            return edges[node]

        work: list[tuple[str, int]] = [(ref, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            nexts = successors(node)
            if i < len(nexts):
                work.append((node, i + 1))
                nxt = nexts[i]
                if nxt in self._component:
                    continue
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                self._components += 1
                component = self._components
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    self._component[member] = component
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1 or node in successors(node):
                    self._cyclic.add(component)
        return self._component[ref]

    def _flag(self, schema: Any, flag: str) -> bool:
        """True when a property's schema (after references) is marked ``readOnly``/``writeOnly``."""
        try:
            target = deref(self._document, schema)
        except InvalidSourceError:
            return False
        return isinstance(target, Mapping) and target.get(flag) is True
