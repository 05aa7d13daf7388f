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
Cuts = frozenset[str]
_NONE: Cuts = frozenset()

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


class SchemaConverter:
    """Converts schema objects of one document; memoises the expansion of acyclic references."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._memo: dict[tuple[str, Direction], Any] = {}

    def convert(self, schema: Any, direction: Direction) -> Any:
        """The JSON Schema a client sees for ``schema`` in ``direction``."""
        out, _ = self._convert(schema, direction, ())
        return out

    def _convert(self, schema: Any, direction: Direction, stack: tuple[str, ...]) -> tuple[Any, Cuts]:
        """``(converted, cuts)``: ``cuts`` are the references of ``stack`` cut below (recursion)."""
        if not isinstance(schema, Mapping):
            return schema, _NONE
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._ref(ref, direction, stack)
        out: dict[str, Any] = {}
        cyclic: set[str] = set()
        hidden = "readOnly" if direction == "request" else "writeOnly"
        for key, value in schema.items():
            if key in _DROP:
                continue
            if key in _SUBSCHEMA and isinstance(value, Mapping):
                out[key], cut = self._convert(value, direction, stack)
                cyclic |= cut
            elif key in _SUBSCHEMA_LIST and isinstance(value, list):
                items = [self._convert(v, direction, stack) for v in value]
                out[key] = [v for v, _ in items]
                cyclic.update(*(cut for _, cut in items))
            elif key in _SUBSCHEMA_MAP and isinstance(value, Mapping):
                converted: dict[str, Any] = {}
                for name, sub in value.items():
                    if key == "properties" and self._flag(sub, hidden):
                        continue
                    converted[name], cut = self._convert(sub, direction, stack)
                    cyclic |= cut
                out[key] = converted
            else:
                out[key] = value
        props = schema.get("properties")
        if isinstance(out.get("required"), list) and isinstance(props, Mapping):
            out["required"] = [
                n for n in out["required"] if not (n in props and self._flag(props[n], hidden))
            ]
        _discriminate(out, schema.get("discriminator"), schema)
        return out, frozenset(cyclic)

    def _ref(self, ref: str, direction: Direction, stack: tuple[str, ...]) -> tuple[Any, Cuts]:
        if ref in stack:
            return {"x-recursive": ref}, frozenset((ref,))
        memo = self._memo.get((ref, direction))
        if memo is not None:
            return memo, _NONE
        target = resolve_pointer(self._document, ref)
        out, cuts = self._convert(target, direction, (*stack, ref))
        cuts = cuts - {ref}
        # Cut only at itself: the expansion does not depend on where it was reached from.
        if not cuts:
            self._memo[(ref, direction)] = out
        return out, cuts

    def _flag(self, schema: Any, flag: str) -> bool:
        """True when a property's schema (after references) is marked ``readOnly``/``writeOnly``."""
        try:
            target = deref(self._document, schema)
        except InvalidSourceError:
            return False
        return isinstance(target, Mapping) and target.get(flag) is True
