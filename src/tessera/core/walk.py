"""The interface between the diff walk and the per-keyword comparison functions."""

from __future__ import annotations

from typing import Protocol

from tessera.core import changes as c
from tessera.core.changes import Change
from tessera.core.json_types import JsonValue
from tessera.core.kinds import ChangeKind
from tessera.core.pointer import Path
from tessera.core.schema import Node


class Walk(Protocol):
    """What the comparison functions need from the diff walk."""

    def emit(self, change: Change) -> None: ...

    def push(self, path: Path, old: object, new: object) -> None: ...

    def fingerprints(self, side: str, node: Node, schemas: list[JsonValue], keyword: str) -> list[str]: ...


# Constraints that only describe a column's declared type (varchar(255) is maxLength 255). When a column
# of unknown type gets its type declared, the ones that arrive with it are part of the declaration.
_DECLARATION_KEYWORDS = frozenset(
    {
        "format",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "x-precision",
    }
)


class Scope:
    """The pair being compared, and whether a type declaration is being added or dropped."""

    __slots__ = ("declaring", "n", "o", "path", "undeclaring", "walk")

    def __init__(self, walk: Walk, path: Path, o: Node, n: Node) -> None:
        """Capture the pair and whether the type declaration appears or disappears."""
        self.walk, self.path, self.o, self.n = walk, path, o, n
        self.declaring = o.types is None and n.types is not None
        self.undeclaring = o.types is not None and n.types is None

    def folded(self, keyword: str, old: object, new: object) -> bool:
        """Whether a constraint arriving or leaving with a type declaration is part of it."""
        if keyword not in _DECLARATION_KEYWORDS:
            return False
        return (self.declaring and old is None) or (self.undeclaring and new is None)

    def constraint(self, kind: ChangeKind, keyword: str, old: JsonValue, new: JsonValue) -> None:
        """Emit a constraint change unless it is part of a type declaration."""
        if not self.folded(keyword, old, new):
            self.walk.emit(c.constraint(kind, self.path, keyword, old, new))


def as_json(value: object) -> JsonValue:
    """Raw values inside a validated schema are JSON values; this only narrows the static type."""
    return value  # type: ignore[return-value]


__all__ = ["Scope", "Walk", "as_json"]
