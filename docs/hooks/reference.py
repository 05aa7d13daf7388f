"""MkDocs hook: the reference pages, generated from the code at build time so they cannot drift.

* ``reference/http-api.md`` from the OpenAPI document of ``tessera.app.create_app``,
* ``reference/cli.md`` from the ``tessera`` Typer app (its click command tree),
* ``reference/configuration.md`` from ``tessera.config.Settings``.

The three ``*_markdown`` functions are pure (data in, Markdown out) so tests/docs can check that each page
names every route, command and setting. ``mkdocs.yml`` loads this file with ``hooks:``.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

METHODS = ("get", "post", "put", "patch", "delete")
HTTP_PAGE = "reference/http-api.md"
CLI_PAGE = "reference/cli.md"
SETTINGS_PAGE = "reference/configuration.md"


def _cell(text: object) -> str:
    """One Markdown table cell: a single line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- HTTP API ---------------------------------------------------------------------------------------


def schema_anchor(name: str) -> str:
    """The anchor of a component schema's section on the HTTP API page."""
    return f"schema-{_slug(name)}"


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def schema_type(schema: Mapping[str, Any]) -> str:
    """A short readable type of a JSON Schema, component schemas linked to their section."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return f"[`{name}`](#{schema_anchor(name)})"
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return " or ".join(schema_type(branch) for branch in schema[union])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return schema_type(schema["allOf"][0])
    if "enum" in schema:
        return "one of " + ", ".join(f"`{value}`" for value in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        return f"array of {schema_type(items)}" if isinstance(items, Mapping) else "array"
    if kind == "object" and isinstance(schema.get("additionalProperties"), Mapping):
        return f"object of {schema_type(schema['additionalProperties'])}"
    if isinstance(kind, list):
        return " or ".join(f"`{k}`" for k in kind)
    if kind is None:
        return "any"
    fmt = schema.get("format")
    return f"`{kind}` ({fmt})" if fmt else f"`{kind}`"


def iter_operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(method, path, operation) for every operation of an OpenAPI document, in document order."""
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def operation_anchor(method: str, path: str) -> str:
    """The anchor of an operation's section on the HTTP API page."""
    return f"{method}-{_slug(path)}"


def _body_schemas(content: Mapping[str, Any]) -> str:
    """The body's schema per media type; JSON, the common case, is not named."""
    parts = []
    for kind, media in content.items():
        shown = schema_type(media.get("schema", {}))
        parts.append(shown if kind == "application/json" else f"{shown} (`{kind}`)")
    return "; ".join(parts)


def _operation(method: str, path: str, op: Mapping[str, Any]) -> list[str]:
    lines = [f"### `{method.upper()} {path}` {{ #{operation_anchor(method, path)} }}", ""]
    lines += [f"**{op.get('summary', '')}**", ""]
    description = (op.get("description") or "").strip()
    if description and description.rstrip(".") != op.get("summary"):
        lines += [description, ""]
    if op.get("security") == []:
        lines += ["No API key needed.", ""]
    params = op.get("parameters", [])
    if params:
        lines += ["| Parameter | In | Type | Required | Description |", "|---|---|---|---|---|"]
        for param in params:
            required = "yes" if param.get("required") else "no"
            schema = param.get("schema", {})
            description = param.get("description") or schema.get("description") or ""
            lines.append(
                f"| `{param['name']}` | {param['in']} | {_cell(schema_type(schema))} | {required} "
                f"| {_cell(description)} |"
            )
        lines.append("")
    body = op.get("requestBody")
    if body:
        lines += [f"Request body: {_body_schemas(body.get('content', {}))}", ""]
    lines += ["| Status | Meaning | Body |", "|---|---|---|"]
    for status, response in op.get("responses", {}).items():
        content = response.get("content", {})
        lines.append(
            f"| {status} | {_cell(response.get('description', ''))} | {_cell(_body_schemas(content))} |"
        )
    lines.append("")
    return lines


def _schema_section(name: str, schema: Mapping[str, Any]) -> list[str]:
    lines = [f"### `{name}` {{ #{schema_anchor(name)} }}", ""]
    if schema.get("description"):
        lines += [" ".join(str(schema["description"]).split()), ""]
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and properties:
        required = set(schema.get("required", []))
        lines += ["| Field | Type | Required | Description |", "|---|---|---|---|"]
        for field, sub in properties.items():
            mark = "yes" if field in required else "no"
            lines.append(
                f"| `{field}` | {_cell(schema_type(sub))} | {mark} | {_cell(sub.get('description', ''))} |"
            )
    else:
        lines.append(f"Type: {schema_type(schema)}")
    lines.append("")
    return lines


def http_api_markdown(document: Mapping[str, Any]) -> str:
    """The HTTP API reference: operations grouped by tag, then every component schema."""
    info = document.get("info", {})
    tags: dict[str, str] = {t["name"]: t.get("description", "") for t in document.get("tags", [])}
    grouped: dict[str, list[tuple[str, str, Mapping[str, Any]]]] = {}
    for method, path, op in iter_operations(document):
        for tag in op.get("tags") or ["other"]:
            tags.setdefault(tag, "")
            grouped.setdefault(tag, []).append((method, path, op))
    lines = [
        "# HTTP API reference",
        "",
        f"Generated from the OpenAPI document of {info.get('title', 'the API')} {info.get('version', '')} "
        "(`create_app().openapi()`) when this site was built. A running server serves the same document at "
        "`/openapi.json`, with Swagger UI at `/docs` and ReDoc at `/redoc`. How to authenticate, the error "
        "shape, pagination and the publishing rules: [The HTTP API](../api.md).",
        "",
        'Every error answer has the shape `{"error": {"code", "message", "details", "request_id"}}` '
        f"([`ErrorResponse`](#{schema_anchor('ErrorResponse')})); each status below lists the stable codes "
        "the operation can answer with.",
        "",
    ]
    for tag, operations in grouped.items():
        lines += [f"## {tag.capitalize()} {{ #tag-{_slug(tag)} }}", ""]
        if tags.get(tag):
            lines += [tags[tag], ""]
        lines += ["| Method | Path | Summary |", "|---|---|---|"]
        for method, path, op in operations:
            anchor = operation_anchor(method, path)
            lines.append(f"| {method.upper()} | [`{path}`](#{anchor}) | {_cell(op.get('summary', ''))} |")
        lines.append("")
        for method, path, op in operations:
            lines += _operation(method, path, op)
    schemas = document.get("components", {}).get("schemas", {})
    if schemas:
        lines += ["## Schemas", ""]
        for name in sorted(schemas):
            lines += _schema_section(name, schemas[name])
    return "\n".join(lines)


# --- CLI --------------------------------------------------------------------------------------------
# Typer 0.29 ships its own copy of click's classes, so commands are read by click's documented attributes
# (duck typing) rather than by isinstance checks against the click package.


def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")


def _subcommands(command: Any, ctx: Any) -> list[tuple[str, Any]]:
    if not _is_group(command):
        return []
    # tessera.cli.lazy.LazyGroup lists placeholders until a command is loaded: load each for its options.
    get = (
        command.load
        if callable(getattr(command, "load", None))
        else lambda name: command.get_command(ctx, name)
    )
    found = [(name, get(name)) for name in command.list_commands(ctx)]
    return [(name, sub) for name, sub in found if sub is not None and not sub.hidden]


def iter_commands(command: Any, name: str, parent: Any = None) -> Iterator[tuple[list[str], Any, Any]]:
    """(path, command, context) of a command and every visible sub-command below it, depth first.

    Sub-commands are read through ``list_commands``/``get_command``, so groups that load their commands
    lazily are walked too.
    """
    ctx = command.context_class(command, info_name=name, parent=parent)
    yield str(ctx.command_path).split(), command, ctx
    for sub_name, sub in _subcommands(command, ctx):
        yield from iter_commands(sub, sub_name, ctx)


def _params(command: Any, ctx: Any, kind: str) -> list[Any]:
    return [
        p
        for p in command.get_params(ctx)
        if p.param_type_name == kind and p.name != "help" and not getattr(p, "hidden", False)
    ]


def _metavar(param: Any) -> str:
    """An argument's name as help shows it: its metavar as written, else its name in capitals."""
    if param.metavar:
        return str(param.metavar)
    return str(param.name or "").upper() + ("..." if param.nargs == -1 else "")


def _text(help_text: str) -> str:
    """Plain help text made safe for Markdown: ``<PR number>`` must not read as an HTML tag."""
    return help_text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")


def _default(param: Any, ctx: Any) -> str:
    if param.required:
        return "required"
    value = param.get_default(ctx, call=False)
    if callable(value):
        return "computed"
    if value is None or value == () or value == []:
        return ""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        value = str(value).lower()
    return f"`{value}`"


def _usage(path: list[str], command: Any, ctx: Any) -> str:
    parts = [*path]
    if _params(command, ctx, "option"):
        parts.append("[OPTIONS]")
    for arg in _params(command, ctx, "argument"):
        word = _metavar(arg)
        parts.append(word if arg.required else f"[{word}]")
    if _subcommands(command, ctx):
        parts.append("COMMAND [ARGS]...")
    return " ".join(parts)


def _command_section(path: list[str], command: Any, ctx: Any) -> list[str]:
    title = " ".join(path)
    level = "#" * min(len(path) + 1, 4)
    lines = [f"{level} `{title}` {{ #{_slug(title)} }}", "", f"```\n{_usage(path, command, ctx)}\n```", ""]
    if command.help:
        lines += [_text(str(command.help).strip()), ""]
    arguments = _params(command, ctx, "argument")
    if arguments:
        lines += ["| Argument | Description |", "|---|---|"]
        for arg in arguments:
            required = "" if arg.required else " (optional)"
            lines.append(f"| `{_metavar(arg)}`{required} | {_cell(_text(getattr(arg, 'help', '') or ''))} |")
        lines.append("")
    options = _params(command, ctx, "option")
    if options:
        lines += ["| Option | Description | Default | Environment |", "|---|---|---|---|"]
        for opt in options:
            names = ", ".join(f"`{o}`" for o in [*opt.opts, *opt.secondary_opts])
            envvar = opt.envvar if isinstance(opt.envvar, str) else ", ".join(opt.envvar or [])
            env = f"`{envvar}`" if envvar else ""
            lines.append(
                f"| {names} | {_cell(_text(opt.help or ''))} | {_cell(_default(opt, ctx))} | {env} |"
            )
        lines.append("")
    subs = _subcommands(command, ctx)
    if subs:
        lines += ["| Command | What it does |", "|---|---|"]
        for sub_name, sub in subs:
            sub_title = f"{title} {sub_name}"
            summary = sub.get_short_help_str(limit=120)
            lines.append(f"| [`{sub_title}`](#{_slug(sub_title)}) | {_cell(summary)} |")
        lines.append("")
    return lines


def cli_markdown(command: Any, name: str = "tessera") -> str:
    """The CLI reference: every visible command with its usage, help, arguments and options."""
    lines = [
        "# CLI reference",
        "",
        f"Generated from the `{name}` command's own definitions (the Typer app `tessera.cli.main.app`) when "
        f"this site was built: the same text `{name} COMMAND --help` prints. A guide with examples: "
        "[The tessera command](../cli.md).",
        "",
    ]
    for path, sub, ctx in iter_commands(command, name):
        lines += _command_section(path, sub, ctx)
    return "\n".join(lines)


# --- Configuration ----------------------------------------------------------------------------------


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(_type_name(a) for a in args) + " (optional)"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "one of " + ", ".join(f"`{member.value}`" for member in annotation)
    if annotation is Path:
        return "path"
    if isinstance(annotation, type):
        return {"str": "text", "int": "integer", "float": "number", "bool": "`true`/`false`"}.get(
            annotation.__name__, annotation.__name__
        )
    return str(annotation)


def _bounds(field: FieldInfo) -> str:
    symbols = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
    found = []
    for item in field.metadata:
        for attr, symbol in symbols.items():
            value = getattr(item, attr, None)
            if value is not None:
                found.append(f"{symbol} {value}")
    return f", {', '.join(found)}" if found else ""


def _setting_default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        return "computed"
    value = field.default
    if value is None or value == "":
        return "unset"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        value = str(value).lower()
    return f"`{value}`"


def env_name(name: str, field: FieldInfo, prefix: str = "") -> str:
    """The environment variable that sets a settings field."""
    alias = field.validation_alias or field.alias
    return (alias if isinstance(alias, str) else f"{prefix}{name}").upper()


def settings_markdown(settings: type[Any]) -> str:
    """The configuration reference: one row per field of a pydantic-settings class."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    lines = [
        "# Configuration reference",
        "",
        "Generated from `tessera.config.Settings` when this site was built. Every variable is optional and "
        "read from the environment (names are case-insensitive) or a `.env` file in the working directory; "
        "the defaults give a local development server. How the settings fit together (databases, the "
        "least-privilege role, connection pools): [Configuration](../configuration.md).",
        "",
        "| Variable | Type | Default | What it does |",
        "|---|---|---|---|",
    ]
    fields: Mapping[str, FieldInfo] = settings.model_fields
    for name, field in fields.items():
        lines.append(
            f"| `{env_name(name, field, prefix)}` | {_cell(_type_name(field.annotation) + _bounds(field))} "
            f"| {_cell(_setting_default(field))} | {_cell(field.description or '')} |"
        )
    lines.append("")
    return "\n".join(lines)


# --- MkDocs -----------------------------------------------------------------------------------------


def generated_pages() -> dict[str, str]:
    """Every generated page by its path under docs/, built from the live code."""
    import typer

    from tessera.app import create_app
    from tessera.cli.main import app as cli_app
    from tessera.config import Settings

    # No .env, no database: building the OpenAPI document touches neither.
    document = create_app(Settings(_env_file=None)).openapi()
    return {
        HTTP_PAGE: http_api_markdown(document),
        CLI_PAGE: cli_markdown(typer.main.get_command(cli_app)),
        SETTINGS_PAGE: settings_markdown(Settings),
    }


def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages to the site (replacing any file of the same path)."""
    from mkdocs.structure.files import File

    for path, content in generated_pages().items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=content))
    return files
