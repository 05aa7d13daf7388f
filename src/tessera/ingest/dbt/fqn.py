"""The one rule that turns a warehouse relation into Tessera's fully qualified name (FQN).

Rule: each part is stripped of surrounding whitespace and of one pair of surrounding quotes (``"x"``,
```x```, ``[x]``), lower-cased, and the non-empty parts are joined with ``"."``. Models, seeds and
snapshots use ``database.schema.alias`` (the alias falls back to the name); sources use
``database.schema.identifier`` (the identifier falls back to the name). unique_ids are never split on
"." because source names may contain dots.
"""

from __future__ import annotations

from collections.abc import Mapping

_QUOTES = (('"', '"'), ("`", "`"), ("[", "]"))
_OPENING = frozenset(opening for opening, _ in _QUOTES)


def normalise_identifier(part: str | None) -> str:
    """Normalise one relation part (database, schema or name) as the FQN rule says."""
    if not part:
        return ""
    text = part.strip()
    if text[:1] not in _OPENING:  # the common case: nothing to unquote
        return text.lower()
    for opening, closing in _QUOTES:
        if len(text) >= 2 and text[0] == opening and text[-1] == closing:
            text = text[1:-1].strip()
            break
    return text.lower()


def relation_fqn(database: str | None, schema: str | None, name: str | None) -> str:
    """Return the FQN of the relation ``database.schema.name`` (empty parts are left out)."""
    parts = (normalise_identifier(database), normalise_identifier(schema), normalise_identifier(name))
    return ".".join(part for part in parts if part)


def node_relation(node: Mapping[str, object]) -> tuple[str | None, str | None, str]:
    """Return ``(database, schema, identifier)`` of a manifest node or source as the rule defines it."""
    name = _text(node.get("name")) or ""
    if node.get("resource_type") == "source":
        identifier = _text(node.get("identifier")) or name
    else:
        identifier = _text(node.get("alias")) or name
    return _text(node.get("database")), _text(node.get("schema")), identifier


def node_fqn(node: Mapping[str, object]) -> str:
    """The FQN of a manifest node or source (see the module docstring)."""
    return relation_fqn(*node_relation(node))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
