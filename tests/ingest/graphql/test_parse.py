"""parse_graphql: assets per type, SDL and introspection alike, and refusing bad documents."""

from __future__ import annotations

import json

import pytest
from graphql import build_schema, get_introspection_query, graphql_sync

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
        (
            b"type Query { a: Int } interface I { x: Int } type T implements I { y: Int }",
            "invalid_graphql",
            "I.x",
        ),
    ],
)
def test_bad_documents_are_refused_naming_the_problem(raw: bytes, code: str, fragment: str) -> None:
    with pytest.raises(InvalidSourceError) as caught:
        parse_graphql(raw, "shop")
    assert caught.value.code == code
    assert fragment in caught.value.message


def test_a_project_name_is_required() -> None:
    with pytest.raises(InvalidSourceError) as caught:
        parse_graphql(BASE.encode())
    assert caught.value.code == "project_required"
