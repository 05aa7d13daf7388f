"""The documentation site's generated references name every route, CLI command and setting.

docs/hooks/reference.py builds the pages from the code at `mkdocs build` time; these tests compare what it
writes with the app, the Typer app and the settings class, each enumerated here independently of it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import typer
from fastapi.routing import APIRoute, iter_route_contexts

from tessera.app import create_app
from tessera.cli.main import app as cli_app
from tessera.config import Settings

HOOK = Path(__file__).parents[2] / "docs" / "hooks" / "reference.py"


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_reference_hook", HOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages(hook: ModuleType) -> dict[str, str]:
    generated: dict[str, str] = hook.generated_pages()
    return generated


def _documented_routes() -> set[tuple[str, str]]:
    """(METHOD, path) of every route the app documents, read from its routing table."""
    found = set()
    for context in iter_route_contexts(create_app().routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema and context.path:
            found |= {(method, context.path) for method in route.methods if method != "HEAD"}
    return found


def test_the_http_reference_has_a_section_for_every_route(pages: dict[str, str]) -> None:
    page = pages["reference/http-api.md"]
    routes = _documented_routes()
    assert len(routes) > 60
    sections = set(re.findall(r"^### `([A-Z]+) (/\S*)` \{", page, re.MULTILINE))
    assert sections == routes


def test_each_operation_lists_its_parameters_schemas_and_error_codes(pages: dict[str, str]) -> None:
    page = pages["reference/http-api.md"]
    section = page.split("### `POST /api/v1/assets/{asset_id}/contracts` {", 1)[1].split("\n### ", 1)[0]
    assert "| `asset_id` | path |" in section
    assert "Request body: [`ContractPublish`](#schema-contractpublish)" in section
    assert "[`PublishResult`](#schema-publishresult)" in section
    assert "`proposal_already_open`" in section and "`audit_not_passing`" in section
    # Every schema an operation links to has its own section.
    for anchor in set(re.findall(r"\(#(schema-[a-z0-9-]+)\)", page)):
        assert f"{{ #{anchor} }}" in page, anchor


def _commands(command: Any, name: str, parent: Any = None) -> list[tuple[str, Any, Any]]:
    """(path, command, context) of every visible command, walked with click's documented API."""
    ctx = command.context_class(command, info_name=name, parent=parent)
    out = [(ctx.command_path, command, ctx)]
    if hasattr(command, "list_commands"):
        for sub_name in command.list_commands(ctx):
            # The root is a LazyGroup: its placeholders become the real commands on load.
            sub = command.load(sub_name) if hasattr(command, "load") else command.get_command(ctx, sub_name)
            if not sub.hidden:
                out += _commands(sub, sub_name, ctx)
    return out


def test_help_text_is_escaped_for_markdown(pages: dict[str, str]) -> None:
    # "#<PR number>" in an option's help must not be swallowed as an HTML tag.
    assert "github:$GITHUB_REPOSITORY#&lt;PR number&gt;" in pages["reference/cli.md"]


def _section(page: str, heading: str) -> str:
    """A command's section: from its heading to the next heading."""
    rest = page[page.index(f"`{heading}` {{") :]
    end = rest.find("\n#", 1)
    return rest if end == -1 else rest[:end]


def test_the_cli_reference_has_every_command_with_its_options(
    hook: ModuleType, pages: dict[str, str]
) -> None:
    page = pages["reference/cli.md"]
    commands = _commands(typer.main.get_command(cli_app), "tessera")
    assert len(commands) > 60
    headings = set(re.findall(r"^#{2,4} `(tessera[^`]*)` \{", page, re.MULTILINE))
    assert headings == {path for path, _, _ in commands}
    for path, command, ctx in commands:
        section = _section(page, path)
        if command.help:
            assert hook._text(command.help.strip().splitlines()[0]) in section, path
        for param in command.get_params(ctx):
            if param.name == "help" or getattr(param, "hidden", False):
                continue
            if param.param_type_name == "option":
                assert all(f"`{opt}`" in section for opt in param.opts), (path, param.opts)
            else:
                assert f"`{param.metavar or param.name.upper()}" in section, (path, param.name)


def test_the_configuration_reference_has_every_setting(pages: dict[str, str]) -> None:
    page = pages["reference/configuration.md"]
    rows = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", page, re.MULTILINE))
    assert rows == {name.upper() for name in Settings.model_fields}


def test_every_setting_says_what_it_does() -> None:
    # The description is the setting's documentation (the reference page is built from it).
    undocumented = [
        name for name, field in Settings.model_fields.items() if not (field.description or "").strip()
    ]
    assert undocumented == []


@pytest.mark.parametrize(
    ("schema", "text"),
    [
        ({"$ref": "#/components/schemas/Team"}, "[`Team`](#schema-team)"),
        ({"type": "string", "format": "uuid"}, "`string` (uuid)"),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "`integer` or `null`"),
        (
            {"type": "array", "items": {"$ref": "#/components/schemas/Team"}},
            "array of [`Team`](#schema-team)",
        ),
        ({"enum": ["open", "approved"]}, "one of `open`, `approved`"),
        ({"type": "object", "additionalProperties": {"type": "string"}}, "object of `string`"),
        ({}, "any"),
    ],
)
def test_schema_types_read_as_words(hook: ModuleType, schema: dict[str, Any], text: str) -> None:
    assert hook.schema_type(schema) == text
