"""parse_graphql: assets per type, SDL and introspection alike, and refusing bad documents."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    ObjectTypeDefinitionNode,
    build_schema,
    get_introspection_query,
    graphql_sync,
    parse,
    print_ast,
)

from tessera.ingest.graphql import parse_graphql
from tessera.ingest.source import InvalidSourceError
from tests.ingest.graphql.pairs import BASE


def test_types_become_assets_with_directions_and_guarantees() -> None:
    project = parse_graphql(BASE.encode(), "Shop API")
    assert (project.source, project.project_name) == ("graphql", "shop-api")
    kinds = {uid: a.resource_type for uid, a in project.assets.items()}
    assert kinds == {
        "@auth": "directive",
        "DateTime": "scalar",
        "Group": "object",
        "Mutation": "object",
        "Mutation.arguments": "arguments",
        "Named": "interface",
        "NewUser": "input",
        "Node": "interface",
        "Query": "object",
        "Query.arguments": "arguments",
        "Role": "enum",
        "Thing": "union",
        "User": "object",
    }
    user = project.assets["User"]
    assert user.fqn == "shop-api.User"
    assert user.guarantees == {"columns": {"id": {"not_null": True}, "email": {"not_null": True}}}
    assert user.schema["properties"]["friends"] == {  # type: ignore[index, call-overload]
        "type": "array",
        "items": {"format": "graphql:User"},
        "format": "graphql:[User]",
    }
    assert user.meta["direction"] == "output" and project.assets["NewUser"].meta["direction"] == "input"
    assert set(user.depends_on) == {"DateTime", "Named", "Node", "Role"}
    new_user = project.assets["NewUser"].schema
    assert new_user["required"] == ["name"]
    assert new_user["properties"]["nickname"]["default"] == '"n"'  # type: ignore[index, call-overload]
    args = project.assets["Query.arguments"].schema["properties"]
    assert args["user"]["required"] == ["id"] and args["users"]["required"] == []  # type: ignore[index, call-overload]
    legacy = user.schema["properties"]["legacy"]  # type: ignore[index, call-overload]
    assert legacy["deprecated"] is True and legacy["x-deprecation-reason"] == "use name"


def test_introspection_json_gives_the_same_project_as_sdl() -> None:
    result = graphql_sync(build_schema(BASE), get_introspection_query(descriptions=True))
    assert result.errors is None
    for doc in ({"data": result.data}, result.data):
        assert parse_graphql(json.dumps(doc).encode(), "shop") == parse_graphql(BASE.encode(), "shop")


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        (b"", "empty", "empty"),
        (b"type Query { a: }", "invalid_graphql", "line 1"),
        (b"type Query { a: Missing }", "invalid_graphql", "Missing"),
        (b'{"nope": 1}', "invalid_graphql", "__schema"),
        (b"{not json", "invalid_json", "JSON"),
        (b"type Query { a: Int a: Int }", "invalid_graphql", "Query.a"),
        (
            b"type Query {\n  a: Int\n  b: Int\n  a: Int\n}",
            "invalid_graphql",
            "(line 4, column 3): Field 'Query.a'",
        ),
    ],
)
def test_bad_documents_are_refused_naming_the_problem(raw: bytes, code: str, fragment: str) -> None:
    with pytest.raises(InvalidSourceError) as caught:
        parse_graphql(raw, "shop")
    assert caught.value.code == code
    assert fragment in caught.value.message


def test_broken_type_system_rules_are_warnings_not_refusals() -> None:
    sdl = b"type Query { a: Int t: T } interface I { x: Int } type T implements I { y: Int }"
    project = parse_graphql(sdl, "shop")
    assert [(w.code, "I.x" in w.message) for w in project.warnings] == [("schema_rule", True)]
    assert "T" in project.assets


def test_a_project_name_is_required() -> None:
    with pytest.raises(InvalidSourceError) as caught:
        parse_graphql(BASE.encode())
    assert caught.value.code == "project_required"


GITHUB = Path(__file__).parents[2] / "fixtures" / "graphql" / "github-schema.graphql.gz"


def without_repeated_fields(sdl: str) -> str:
    """The SDL with each type's repeated field definitions dropped (the first one kept)."""
    document = parse(sdl)
    definitions = []
    for node in document.definitions:
        fields = getattr(node, "fields", None)
        if isinstance(node, ObjectTypeDefinitionNode) and fields:
            seen: set[str] = set()
            unique = [f for f in fields if not (f.name.value in seen or seen.add(f.name.value))]
            node = replace(node, fields=tuple(unique))
        definitions.append(node)
    return print_ast(DocumentNode(definitions=tuple(definitions)))


def test_githubs_public_schema() -> None:
    sdl = gzip.decompress(GITHUB.read_bytes()).decode()
    with pytest.raises(InvalidSourceError) as caught:
        parse_graphql(sdl.encode(), "github")
    assert "EnterpriseOwnerInfo.repositoryDeployKeySetting" in caught.value.message
    assert "(line 15153, column 3)" in caught.value.message  # where the second definition is
    project = parse_graphql(without_repeated_fields(sdl).encode(), "github")
    assert len(project.assets) > 1000
    assert {w.code for w in project.warnings} == {"schema_rule"}  # e.g. Project.id deprecated, Node.id not
    kinds = {a.resource_type for a in project.assets.values()}
    assert kinds >= {"object", "interface", "input", "enum", "union", "scalar", "arguments", "directive"}
    repo = project.assets["Repository"]
    assert repo.guarantees["columns"]["id"] == {"not_null": True}  # type: ignore[index, call-overload]


OWNED = '''
directive @owner(name: String!) on OBJECT | INTERFACE | INPUT_OBJECT | ENUM | UNION | SCALAR
type Query { order(id: ID!): Order  customer: Customer  item: Item }
type Order @owner(name: "checkout") { id: ID!  items(first: Int): [Item!]! }
"""
A customer.
@owner Growth <growth@shop.example>
"""
type Customer { id: ID! }
type Item { id: ID! }
'''


def test_owner_hints_come_from_an_owner_directive_or_a_description_line() -> None:
    project = parse_graphql(OWNED.encode(), "shop")
    order, arguments = project.assets["Order"], project.assets["Order.arguments"]
    assert order.owner is not None and order.owner.name == "checkout"
    assert arguments.owner == order.owner  # a type's arguments belong to its owner
    customer = project.assets["Customer"].owner
    assert customer is not None and (customer.name, customer.email) == ("Growth", "growth@shop.example")
    assert project.assets["Item"].owner is None  # the sync's owner_team_id
    # Introspection drops applied directives but keeps descriptions.
    result = graphql_sync(build_schema(OWNED), get_introspection_query())
    introspected = parse_graphql(json.dumps({"data": result.data}).encode(), "shop")
    assert introspected.assets["Customer"].owner == project.assets["Customer"].owner
    assert introspected.assets["Order"].owner is None
