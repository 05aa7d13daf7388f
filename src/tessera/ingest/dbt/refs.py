"""Read ``ref(...)``/``source(...)`` strings found in test arguments and resolve them to unique_ids.

dbt keeps e.g. ``to: "ref('dim_customers')"`` or ``model: "{{ get_where_subquery(ref('x')) }}"`` as
text in ``test_metadata.kwargs``; the node it means is always among the test's ``depends_on.nodes``, so
resolution only looks there (never splits a unique_id on ".").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_CALL = re.compile(r"\b(ref|source)\s*\(([^()]*)\)")
_ARG = re.compile(r"""\s*(?:(\w+)\s*=\s*)?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[\w.+-]+)\s*(?:,|$)""")


@dataclass(frozen=True, slots=True)
class RelationCall:
    """A parsed ``ref(package?, name, v=?)`` or ``source(source_name, table)``."""

    kind: str
    args: tuple[str, ...]
    version: str | None = None


def parse_relation_call(text: object) -> RelationCall | None:
    """Find the first ``ref(...)`` or ``source(...)`` call in ``text``; ``None`` if there is none."""
    if not isinstance(text, str):
        return None
    match = _CALL.search(text)
    if match is None:
        return None
    args: list[str] = []
    version: str | None = None
    for arg in _ARG.finditer(match.group(2)):
        keyword, value = arg.group(1), arg.group(2)
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        if keyword in ("v", "version"):
            version = value
        elif keyword is None:
            args.append(value)
    if not args:
        return None
    return RelationCall(match.group(1), tuple(args), version)


def resolve_relation_call(
    call: RelationCall, candidates: Iterable[str], lookup: Mapping[str, Mapping[str, object]]
) -> str | None:
    """Return the unique_id among ``candidates`` that ``call`` designates, or ``None``."""
    for unique_id in candidates:
        node = lookup.get(unique_id)
        if node is not None and _matches(call, node):
            return unique_id
    return None


def _matches(call: RelationCall, node: Mapping[str, object]) -> bool:
    if call.kind == "source":
        if node.get("resource_type") != "source" or len(call.args) != 2:
            return False
        return node.get("source_name") == call.args[0] and node.get("name") == call.args[1]
    if node.get("resource_type") == "source" or len(call.args) > 2:
        return False
    if node.get("name") != call.args[-1]:
        return False
    if len(call.args) == 2 and node.get("package_name") != call.args[0]:
        return False
    return call.version is None or str(node.get("version")) == call.version
