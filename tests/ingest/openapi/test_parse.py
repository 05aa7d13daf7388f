"""parse_openapi: assets per operation, references, directions, and refusing bad documents."""

from __future__ import annotations

import gzip
import http.server
import threading
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from tessera.ingest.openapi import parse_openapi
from tessera.ingest.source import InvalidSourceError, OwnerRef
from tests.ingest.openapi.documents import dumps, pet, petstore

BOX = Path(__file__).parents[2] / "fixtures" / "openapi" / "box-openapi.json.gz"
STRIPE = Path(__file__).parents[2] / "fixtures" / "openapi" / "stripe-spec3.json.gz"


def test_each_operation_becomes_parameter_request_and_response_assets() -> None:
    project = parse_openapi(dumps(petstore()))
    assert (project.source, project.project_name, project.version, project.warnings) == (
        "openapi",
        "pet-store",
        "1.0.0",
        (),
    )
    assert sorted(project.assets) == [
        "delete:/pets/{petId}.parameters",
        "get:/pets.parameters",
        "get:/pets.response.200.application/json",
        "get:/pets/{petId}.parameters",
        "get:/pets/{petId}.response.200.application/json",
        "get:/pets/{petId}.response.404.application/json",
        "post:/pets.request.application/json",
        "post:/pets.response.201.application/json",
        "post:/pets.response.default.application/json",
    ]
    listed = project.assets["get:/pets.response.200.application/json"]
    assert listed.fqn == "pet-store.get:/pets.response.200.application/json"
    assert (listed.resource_type, listed.compatibility_mode, listed.tags) == (
        "response",
        "backward",
        ("pets",),
    )
    assert listed.owner == OwnerRef("platform@shop.example", None, "platform@shop.example")
    assert listed.contact == "pets@shop.example"
    assert listed.meta["operation_id"] == "listPets"
    params = project.assets["get:/pets/{petId}.parameters"].schema
    assert params == {
        "type": "object",
        "properties": {"path:petId": {"type": "string"}},
        "required": ["path:petId"],
    }


def test_read_only_fields_are_not_sent_and_write_only_fields_are_not_returned() -> None:
    project = parse_openapi(dumps(petstore()))
    request = project.assets["post:/pets.request.application/json"].schema
    response = project.assets["post:/pets.response.201.application/json"].schema
    assert isinstance(request["properties"], dict) and isinstance(response["properties"], dict)
    assert "id" not in request["properties"] and request["required"] == ["name"]
    assert "secret" in request["properties"]
    assert "secret" not in response["properties"] and response["required"] == ["id", "name"]


def test_recursive_references_stop_instead_of_expanding_forever() -> None:
    project = parse_openapi(dumps(petstore()))
    response = project.assets["get:/pets/{petId}.response.200.application/json"].schema
    category = response["properties"]["category"]  # type: ignore[index, call-overload]
    assert category["properties"]["parent"] == {"x-recursive": "#/components/schemas/Category"}


def test_mutually_recursive_types_and_a_self_referencing_schema_terminate() -> None:
    doc = petstore()
    schemas = doc["components"]["schemas"]
    schemas["A"] = {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}}
    schemas["B"] = {"type": "array", "items": {"$ref": "#/components/schemas/A"}}
    pet(doc)["properties"]["a"] = {"$ref": "#/components/schemas/A"}
    pet(doc)["properties"]["b"] = {"$ref": "#/components/schemas/B"}
    project = parse_openapi(dumps(doc))
    schema = project.assets["get:/pets/{petId}.response.200.application/json"].schema
    props = schema["properties"]
    # A and B form one cycle: each is expanded where the cycle is entered, the other kept as a reference.
    assert props["a"]["properties"]["b"] == {"x-recursive": "#/components/schemas/B"}  # type: ignore[index, call-overload]
    assert props["b"]["items"] == {"x-recursive": "#/components/schemas/A"}  # type: ignore[index, call-overload]


def test_a_document_whose_types_all_reach_each_other_is_read_in_linear_time() -> None:
    """Every type refers to the next ones: expanding every path through the cycle would never end."""
    doc = petstore()
    schemas = doc["components"]["schemas"]
    n = 40
    for i in range(n):
        schemas[f"T{i}"] = {
            "type": "object",
            "properties": {f"to{j}": {"$ref": f"#/components/schemas/T{(i + j) % n}"} for j in range(1, 6)},
        }
    pet(doc)["properties"]["t"] = {"$ref": "#/components/schemas/T0"}
    schema = parse_openapi(dumps(doc)).assets["get:/pets/{petId}.response.200.application/json"].schema
    t0 = schema["properties"]["t"]  # type: ignore[index, call-overload]
    assert t0["properties"]["to1"] == {"x-recursive": "#/components/schemas/T1"}


def test_yaml_json_and_both_versions_give_the_same_contracts() -> None:
    as_json = parse_openapi(dumps(petstore()))
    as_yaml = parse_openapi(yaml.safe_dump(petstore()).encode())
    assert as_json == as_yaml
    v31 = parse_openapi(dumps(petstore("3.1.0")))
    tag = v31.assets["get:/pets/{petId}.response.200.application/json"].schema["properties"]["tag"]  # type: ignore[index, call-overload]
    assert tag == {"type": ["string", "null"]}
    assert set(v31.assets) == set(as_json.assets)


def test_project_name_can_be_given() -> None:
    assert parse_openapi(dumps(petstore()), "Shop Pets!").project_name == "shop-pets"


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        (b"", "empty", "empty"),
        (b"openapi: [unclosed", "invalid_yaml", "line 1"),
        (b"[1, 2]", "not_openapi", "mapping"),
        (b'{"swagger": "2.0"}', "unsupported_version", "3.0 and 3.1"),
        (b'{"openapi": "3.0.3", "info": {"title": "x"}, "paths": {}}', "invalid_openapi", "/info"),
        (
            b'{"openapi": "3.0.3", "info": {"title": "x", "version": "1"},'
            b' "paths": {"/a": {"get": {"responses": {"200": {"description": "x",'
            b' "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}}}}}}}',
            "unresolvable_ref",
            "at /paths/~1a/get/responses/200/content/application~1json/schema: '#/components/schemas/Nope'",
        ),
    ],
)
def test_bad_documents_name_the_first_problem_and_where(raw: bytes, code: str, fragment: str) -> None:
    with pytest.raises(InvalidSourceError) as caught:
        parse_openapi(raw)
    assert caught.value.code == code
    assert fragment in caught.value.message


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook's name
        self.hits.append(self.path)
        body = b'{"X": {"type": "string"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _with_schema_ref(ref: str, version: str) -> bytes:
    doc = petstore(version)
    doc["components"]["schemas"]["Pet"]["properties"]["owner"] = {"$ref": ref}
    return dumps(doc)


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_references_outside_the_document_are_refused_without_being_read(tmp_path: Path, version: str) -> None:
    """The validator would fetch ``http://`` and read ``file://`` references (and echo what it read in its
    error): a document sent to the server must not make it reach its network or its files."""
    secret = tmp_path / "secret.json"
    secret.write_text('{"X": {"type": "secret-value-1234"}}')
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        refs = [
            f"http://127.0.0.1:{server.server_address[1]}/types.json#/X",
            f"{secret.as_uri()}#/X",
            "types.yaml#/X",
            "ftp://127.0.0.1/types.json#/X",
        ]
        for ref in refs:
            with pytest.raises(InvalidSourceError) as caught:
                parse_openapi(_with_schema_ref(ref, version))
            assert caught.value.code == "unresolvable_ref"
            assert "at /components/schemas/Pet/properties/owner" in caught.value.message
            assert f"'{ref}' points elsewhere" in caught.value.message
            assert "secret-value" not in caught.value.message
    finally:
        server.shutdown()
        server.server_close()
    assert _Counting.hits == []


def test_real_public_document_parses_deterministically() -> None:
    raw = gzip.decompress(BOX.read_bytes())
    project = parse_openapi(raw)
    assert project.project_name == "box-platform-api"
    assert len(project.assets) > 1000
    assert project.warnings == ()
    kinds = {a.resource_type for a in project.assets.values()}
    assert kinds == {"parameters", "request", "response"}
    assert parse_openapi(raw) == project


def test_a_multi_megabyte_public_document_whose_types_all_reach_each_other_is_read() -> None:
    raw = gzip.decompress(STRIPE.read_bytes())
    assert len(raw) > 4_000_000
    project = parse_openapi(raw)
    assert (project.project_name, project.version, project.warnings) == ("stripe-api", "2020-08-27", ())
    assert len(project.assets) == 1610
    customer = project.assets["get:/v1/customers/{customer}.response.200.application/json"]
    assert customer.compatibility_mode == "backward"
    branch = customer.schema["anyOf"][0]  # type: ignore[index]
    assert {"id", "email", "created"} <= set(branch["properties"])  # type: ignore[index, call-overload]
    # Form-encoded request bodies are assets too.
    assert "post:/v1/customers.request.application/x-www-form-urlencoded" in project.assets


def test_responses_promise_their_required_non_null_top_level_fields() -> None:
    project = parse_openapi(dumps(petstore()))
    response = project.assets["get:/pets/{petId}.response.200.application/json"]
    assert response.guarantees == {"columns": {"id": {"not_null": True}, "name": {"not_null": True}}}
    assert project.assets["post:/pets.request.application/json"].guarantees == {}


def test_an_unchanged_document_is_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from tessera.ingest.openapi import loading

    calls: list[object] = []
    real = loading._validate
    monkeypatch.setattr(loading, "_validate", lambda data: calls.append(data) or real(data))
    doc = petstore()
    doc["info"]["title"] = "Validated Once"
    raw = dumps(doc)
    assert parse_openapi(raw) == parse_openapi(raw)
    assert len(calls) == 1
    doc["info"]["version"] = "2"
    parse_openapi(dumps(doc))
    assert len(calls) == 2


def test_a_discriminator_is_a_required_field_with_its_values() -> None:
    doc = petstore()
    schemas = doc["components"]["schemas"]
    schemas["Cat"] = {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "purrs": {"type": "boolean"}},
    }
    schemas["Dog"] = {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}},
    }
    schemas["Animal"] = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    }
    pet(doc)["properties"]["animal"] = {"$ref": "#/components/schemas/Animal"}
    schema = parse_openapi(dumps(doc)).assets["get:/pets/{petId}.response.200.application/json"].schema
    animal = schema["properties"]["animal"]  # type: ignore[index, call-overload]
    assert animal["properties"]["kind"] == {"type": "string", "enum": ["Cat", "Dog"]}
    assert animal["required"] == ["kind"] and len(animal["oneOf"]) == 2
    schemas["Animal"]["discriminator"]["mapping"] = {"cat": "#/components/schemas/Cat"}
    schema = parse_openapi(dumps(doc)).assets["get:/pets/{petId}.response.200.application/json"].schema
    assert schema["properties"]["animal"]["properties"]["kind"]["enum"] == ["cat"]  # type: ignore[index, call-overload]


def test_owner_hints_come_from_the_operation_then_its_tag_then_the_document() -> None:
    doc = petstore()
    doc["tags"] = [{"name": "pets", "x-owner": "Pets Team <pets@shop.example>"}, {"name": "other"}]
    doc["paths"]["/pets"]["post"]["x-owner"] = "checkout"
    doc["paths"]["/pets/{petId}"]["delete"]["tags"] = ["other"]
    project = parse_openapi(dumps(doc))

    def owner(uid: str) -> str | None:
        ref = project.assets[uid].owner
        return ref.raw if ref else None

    assert owner("get:/pets.parameters") == "Pets Team <pets@shop.example>"  # tagged "pets"
    assert owner("post:/pets.request.application/json") == "checkout"
    assert owner("delete:/pets/{petId}.parameters") == "platform@shop.example"  # info.x-owner
