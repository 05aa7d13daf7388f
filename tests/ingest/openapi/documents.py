"""A small pet-store API description to edit in tests (written for these tests; 3.0 and 3.1 flavours)."""

from __future__ import annotations

import copy
from typing import Any

import orjson

PET_REF = {"$ref": "#/components/schemas/Pet"}


def petstore(version: str = "3.0.3") -> dict[str, Any]:
    """A fresh document: list/create pets, get/delete one pet, a recursive ``Category`` type."""
    nullable_tag: dict[str, Any] = (
        {"type": "string", "nullable": True} if version.startswith("3.0") else {"type": ["string", "null"]}
    )
    return copy.deepcopy(
        {
            "openapi": version,
            "info": {
                "title": "Pet Store",
                "version": "1.0.0",
                "x-owner": "platform@shop.example",
                "contact": {"email": "pets@shop.example"},
            },
            "paths": {
                "/pets": {
                    "get": {
                        "operationId": "listPets",
                        "tags": ["pets"],
                        "parameters": [
                            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                        ],
                        "responses": {
                            "200": {
                                "description": "pets",
                                "content": {
                                    "application/json": {
                                        "schema": {
                                            "type": "array",
                                            "items": PET_REF,
                                        }
                                    }
                                },
                            }
                        },
                    },
                    "post": {
                        "operationId": "createPet",
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": PET_REF}},
                        },
                        "responses": {
                            "201": {
                                "description": "created",
                                "content": {"application/json": {"schema": PET_REF}},
                            },
                            "default": {"$ref": "#/components/responses/Error"},
                        },
                    },
                },
                "/pets/{petId}": {
                    "parameters": [{"$ref": "#/components/parameters/PetId"}],
                    "get": {
                        "operationId": "getPet",
                        "responses": {
                            "200": {
                                "description": "a pet",
                                "content": {"application/json": {"schema": PET_REF}},
                            },
                            "404": {"$ref": "#/components/responses/Error"},
                        },
                    },
                    "delete": {"operationId": "deletePet", "responses": {"204": {"description": "gone"}}},
                },
            },
            "components": {
                "parameters": {
                    "PetId": {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}
                },
                "responses": {
                    "Error": {
                        "description": "error",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["message"],
                                    "properties": {"message": {"type": "string"}},
                                }
                            }
                        },
                    }
                },
                "schemas": {
                    "Pet": {
                        "type": "object",
                        "required": ["id", "name"],
                        "properties": {
                            "id": {"type": "string", "readOnly": True},
                            "name": {"type": "string"},
                            "status": {"type": "string", "enum": ["available", "sold"]},
                            "tag": nullable_tag,
                            "secret": {"type": "string", "writeOnly": True},
                            "category": {"$ref": "#/components/schemas/Category"},
                        },
                    },
                    "Category": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "parent": {"$ref": "#/components/schemas/Category"},
                        },
                    },
                },
            },
        }
    )


def dumps(document: dict[str, Any]) -> bytes:
    """The document as JSON bytes."""
    return orjson.dumps(document)


def pet(document: dict[str, Any]) -> dict[str, Any]:
    """The ``Pet`` schema of ``document`` (to edit in place)."""
    schema: dict[str, Any] = document["components"]["schemas"]["Pet"]
    return schema
