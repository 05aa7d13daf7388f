"""The GraphQL adapter: a schema (SDL or introspection JSON) -> a SourceProject (see docs/graphql.md).

Parsed and validated with graphql-core. Every named type of the schema (built-in scalars and
introspection types aside) becomes an asset named ``<project>.<Type>``; an object or interface type whose
fields take arguments also gets ``<project>.<Type>.arguments``. The contracts are written so that the
core's ``backward`` mode (which blocks tightening and incompatible changes) gives GraphQL's verdicts:

* every field type is spelled with ``format: "graphql:<Type>"`` (and its list wrappers), so changing a
  field's named type is an incompatible change;
* output types (objects, interfaces) promise their non-null fields as ``not_null`` guarantees: making a
  field nullable removes a guarantee (blocking under the asset's strict guarantee mode), making it
  non-null adds one (safe);
* input types and arguments mark non-null fields without a default as ``required``: a new required
  argument or input field is a tightening change, dropping ``!`` a loosening one;
* enums and unions list their values and members in ``enum``: a removed value tightens, a new one
  loosens (reported as dangerous for output);
* ``@deprecated`` sets ``deprecated: true`` and the reason as a notice: never a break.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import orjson

from tessera.ingest.dbt.owners import OwnerError, owner_from_value
from tessera.ingest.openapi import project_slug
from tessera.ingest.source import (
    DOCUMENT,
    InvalidSourceError,
    OwnerRef,
    SourceAsset,
    SourceProject,
    SourceWarning,
)

__all__ = ["parse_graphql"]

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
_BUILTIN_JSON = {
    "String": "string",
    "Int": "integer",
    "Float": "number",
    "Boolean": "boolean",
    "ID": "string",
}


def parse_graphql(raw: bytes, project_name: str | None = None) -> SourceProject:
    """Parse and validate an SDL or introspection document; :class:`InvalidSourceError` when unusable.

    ``project_name`` is required: a schema names nothing, and the project name is what tells two APIs'
    ``User`` types apart (and which assets a later sync may remove).
    """
    from graphql import is_specified_directive

    if not project_name:
        raise InvalidSourceError(
            "project_required",
            "Name the project (query parameter 'project', CLI --project): a schema has no name.",
        )
    schema, warnings = _load(raw)
    name = project_slug(project_name)
    assets: dict[str, SourceAsset] = {}
    for type_name, gtype in sorted(schema.type_map.items()):
        if type_name.startswith("__") or type_name in _BUILTIN_JSON:
            continue
        for asset in _assets(name, gtype):
            assets[asset.unique_id] = asset
    for directive in schema.directives:
        if not is_specified_directive(directive):
            asset = _directive(name, directive)
            assets[asset.unique_id] = asset
    owners = _owners(schema, warnings)
    for asset_id, asset in list(assets.items()):
        deps = tuple(d for d in asset.depends_on if d in assets and d != asset_id)
        owner = owners.get(str(asset.meta.get("type")))
        if deps != asset.depends_on or owner is not None:
            assets[asset_id] = replace(asset, depends_on=deps, owner=owner)
    return SourceProject(
        source="graphql", project_name=name, assets=dict(sorted(assets.items())), warnings=tuple(warnings)
    )


_OWNER_LINE = re.compile(r"^\s*@owner:?\s+(\S.*?)\s*$", re.MULTILINE)


def _owners(schema: Any, warnings: list[SourceWarning]) -> dict[str, OwnerRef]:
    """Owner hints of the schema's types: ``@owner(name: "...")`` on a type in SDL, or a line
    ``@owner Team <team@x>`` in its description (which introspection keeps, unlike applied directives)."""
    owners: dict[str, OwnerRef] = {}
    for type_name, gtype in schema.type_map.items():
        if type_name.startswith("__"):
            continue
        value = _owner_directive(gtype)
        if value is None and gtype.description:
            found = _OWNER_LINE.search(gtype.description)
            value = found.group(1) if found else None
        if value is None:
            continue
        try:
            owner = owner_from_value(value)
        except OwnerError as exc:
            warnings.append(
                SourceWarning(type_name, "invalid_owner", str(exc).replace("meta.owner", "@owner"))
            )
            continue
        if owner is not None:
            owners[type_name] = owner
    return owners


def _owner_directive(gtype: Any) -> str | None:
    """The string argument of an ``@owner`` directive applied to the type (or an extension of it)."""
    from graphql import StringValueNode

    for node in (getattr(gtype, "ast_node", None), *(getattr(gtype, "extension_ast_nodes", None) or ())):
        for directive in getattr(node, "directives", None) or ():
            if directive.name.value != "owner":
                continue
            for argument in directive.arguments:
                if isinstance(argument.value, StringValueNode):
                    return str(argument.value.value)
    return None


def _load(raw: bytes) -> tuple[Any, list[SourceWarning]]:
    from graphql import GraphQLError, build_client_schema, build_schema, validate_schema

    if not raw.strip():
        raise InvalidSourceError(
            "empty", "The document is empty; send GraphQL SDL or an introspection result."
        )
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidSourceError("too_large", f"The document is larger than {MAX_DOCUMENT_BYTES >> 20} MB.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidSourceError("invalid_encoding", f"Not UTF-8 text (byte {exc.start}).") from None
    try:
        if text.lstrip().startswith("{"):
            data = orjson.loads(text)
            if isinstance(data, dict) and isinstance(data.get("data"), dict):
                data = data["data"]
            if not isinstance(data, dict) or not isinstance(data.get("__schema"), dict):
                raise InvalidSourceError(
                    "invalid_graphql", "A JSON document must be an introspection result with '__schema'."
                )
            schema = build_client_schema(data)  # type: ignore[arg-type]
        else:
            schema = build_schema(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidSourceError("invalid_json", f"Not valid JSON: {exc}.") from None
    except GraphQLError as exc:
        raise InvalidSourceError("invalid_graphql", _describe(exc)) from None
    except (TypeError, KeyError, ValueError) as exc:
        # graphql-core reports some invalid schemas (a field defined twice) as TypeError, without a place.
        first = str(exc).strip().splitlines()[0]
        where = _repeated_field_line(text, first)
        raise InvalidSourceError("invalid_graphql", f"Invalid GraphQL schema{where}: {first}") from None
    # What the type system rules reject (an implementation deprecating an interface's field, ...) still
    # reads as types and fields: real schemas (GitHub's) break such rules, so they are warnings.
    warnings = [SourceWarning(DOCUMENT, "schema_rule", _describe(e)[:400]) for e in validate_schema(schema)]
    return schema, warnings


_REPEATED_FIELD = re.compile(
    r"Field '([_A-Za-z][_0-9A-Za-z]*)\.([_A-Za-z][_0-9A-Za-z]*)' can only be defined once"
)


def _repeated_field_line(text: str, message: str) -> str:
    """`` (line L, column C)`` of the second definition of the field a "can only be defined once" error
    names (graphql-core's message has no place), or ``""``."""
    from graphql import GraphQLError, parse

    found = _REPEATED_FIELD.search(message)
    if found is None or text.lstrip().startswith("{"):
        return ""
    type_name, field_name = found.groups()
    try:
        document = parse(text, no_location=False)
    except GraphQLError:
        return ""
    seen = 0
    for definition in document.definitions:
        name = getattr(getattr(definition, "name", None), "value", None)
        if name != type_name:
            continue
        for field in getattr(definition, "fields", None) or ():
            if field.name.value == field_name:
                seen += 1
                if seen == 2 and field.name.loc is not None:
                    loc = field.name.loc.source.get_location(field.name.loc.start)
                    return f" (line {loc.line}, column {loc.column})"
    return ""


def _describe(error: Any) -> str:
    where = ""
    if error.locations:
        loc = error.locations[0]
        where = f" (line {loc.line}, column {loc.column})"
    return f"Invalid GraphQL schema{where}: {error.message}"


def _type_schema(gtype: Any) -> tuple[dict[str, Any], bool, set[str]]:
    """``(schema, non_null, named types used)`` of a field/argument type: wrappers spelled out."""
    from graphql import GraphQLList, GraphQLNonNull

    non_null = isinstance(gtype, GraphQLNonNull)
    inner = gtype.of_type if non_null else gtype
    if isinstance(inner, GraphQLList):
        items, _, used = _type_schema(inner.of_type)
        out: dict[str, Any] = {"type": "array", "items": items, "format": f"graphql:[{inner.of_type}]"}
        return out, non_null, used
    json_type = _BUILTIN_JSON.get(inner.name)
    schema: dict[str, Any] = {"format": f"graphql:{inner.name}"}
    if json_type is not None:
        schema["type"] = json_type
    return schema, non_null, {inner.name}


def _annotate(schema: dict[str, Any], element: Any) -> dict[str, Any]:
    if element.description:
        schema["description"] = element.description
    reason = getattr(element, "deprecation_reason", None)
    if reason is not None:
        schema["deprecated"] = True
        schema["x-deprecation-reason"] = reason
    return schema


def _arguments(arguments: Any) -> tuple[dict[str, Any], set[str]]:
    """The arguments of one field (or directive) as an object: non-null ones without a default required."""
    props: dict[str, Any] = {}
    required: list[str] = []
    used: set[str] = set()
    for name, arg in arguments.items():
        schema, non_null, names = _type_schema(arg.type)
        used |= names
        props[name] = _input(schema, arg)
        if non_null and arg.default is None:
            required.append(name)
    return {"type": "object", "properties": props, "required": sorted(required)}, used


def _directive(project: str, directive: Any) -> SourceAsset:
    """A directive definition: its arguments (input) and where it may be used (``__locations``)."""
    schema, used = _arguments(directive.args)
    props = schema["properties"]
    props["__locations"] = {"type": "string", "enum": sorted(str(loc.name) for loc in directive.locations)}
    schema["format"] = "graphql:directive"
    if directive.is_repeatable:
        schema["x-repeatable"] = True
    _annotate(schema, directive)
    return SourceAsset(
        unique_id=f"@{directive.name}",
        name=f"@{directive.name}",
        resource_type="directive",
        fqn=f"{project}.@{directive.name}",
        description=directive.description or "",
        schema=schema,
        guarantees={},
        owner=None,
        contact=None,
        tags=(),
        depends_on=tuple(sorted(used)),
        meta={"kind": "directive", "direction": "input", "type": f"@{directive.name}"},
        compatibility_mode="backward",
    )


def _input(schema: dict[str, Any], element: Any) -> dict[str, Any]:
    """An argument or input field: its annotations and its default, as a GraphQL literal."""
    from graphql import Undefined, ast_from_value, print_ast

    default = element.default
    if default is not None:
        literal = default.literal
        if literal is Undefined:
            literal = ast_from_value(default.value, element.type)
        if literal is not None and literal is not Undefined:
            schema["default"] = print_ast(literal)
    return _annotate(schema, element)


def _assets(project: str, gtype: Any) -> list[SourceAsset]:
    from graphql import (
        GraphQLEnumType,
        GraphQLInputObjectType,
        GraphQLInterfaceType,
        GraphQLObjectType,
        GraphQLScalarType,
        GraphQLUnionType,
    )

    name = gtype.name
    deps: set[str] = set()
    guarantees: dict[str, Any] = {}
    extra: list[SourceAsset] = []
    if isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType):
        kind = "object" if isinstance(gtype, GraphQLObjectType) else "interface"
        props: dict[str, Any] = {}
        not_null: dict[str, Any] = {}
        args: dict[str, Any] = {}
        for field_name, field in gtype.fields.items():
            schema, non_null, used = _type_schema(field.type)
            deps |= used
            props[field_name] = _annotate(schema, field)
            if non_null:
                not_null[field_name] = {"not_null": True}
            if field.args:
                # One object per field: a new field's required arguments are part of the new field.
                args[field_name], arg_used = _arguments(field.args)
                deps |= arg_used
        interfaces = sorted(i.name for i in gtype.interfaces)
        if interfaces:
            props["__implements"] = {"type": "string", "enum": interfaces}
            deps |= set(interfaces)
        contract: dict[str, Any] = {"type": "object", "format": f"graphql:{kind}", "properties": props}
        guarantees = {"columns": not_null} if not_null else {}
        direction = "output"
        if args:
            arguments = {"type": "object", "properties": args}
            extra.append(
                _asset(project, f"{name}.arguments", "arguments", arguments, {}, "input", deps, gtype)
            )
    elif isinstance(gtype, GraphQLInputObjectType):
        kind, direction = "input", "input"
        props, required = {}, []
        for field_name, field in gtype.fields.items():
            schema, non_null, used = _type_schema(field.type)
            deps |= used
            props[field_name] = _input(schema, field)
            if non_null and field.default is None:
                required.append(field_name)
        contract = {
            "type": "object",
            "format": "graphql:input",
            "properties": props,
            "required": sorted(required),
        }
    elif isinstance(gtype, GraphQLEnumType):
        kind, direction = "enum", "output"
        contract = {"type": "string", "format": "graphql:enum", "enum": sorted(gtype.values)}
    elif isinstance(gtype, GraphQLUnionType):
        kind, direction = "union", "output"
        members = sorted(t.name for t in gtype.types)
        deps |= set(members)
        contract = {"type": "string", "format": "graphql:union", "enum": members}
    elif isinstance(gtype, GraphQLScalarType):
        kind, direction = "scalar", "output"
        contract = {"format": f"graphql:scalar:{name}"}
    else:
        return []
    _annotate(contract, gtype)
    return [_asset(project, name, kind, contract, guarantees, direction, deps, gtype), *extra]


def _asset(
    project: str,
    uid: str,
    kind: str,
    schema: dict[str, Any],
    guarantees: dict[str, Any],
    direction: str,
    deps: set[str],
    gtype: Any,
) -> SourceAsset:
    return SourceAsset(
        unique_id=uid,
        name=uid,
        resource_type=kind,
        fqn=f"{project}.{uid}",
        description=gtype.description or "",
        schema=schema,
        guarantees=guarantees,
        owner=None,
        contact=None,
        tags=(),
        depends_on=tuple(sorted(deps - {gtype.name})),
        meta={"kind": kind, "direction": direction, "type": gtype.name},
        compatibility_mode="backward",
    )
