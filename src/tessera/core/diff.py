"""The schema diff: walks two schemas side by side and lists every change, in a deterministic order.

How it stays fast and safe on any input:

* equal sub-trees are skipped with one C-level ``==`` (and, when equal, ``same_encoding``, which tells
  ``true`` from ``1``) before anything is normalised, so the cost is proportional to what
  changed plus one cheap comparison per property;
* the walk is an explicit stack (no recursion), so depth is bounded by memory, not the interpreter;
* ``$ref``: when both sides point at the same definition, the definition is compared where it lives
  (``/$defs/Address/...``), once. When they point at different places, or one side is inline, the
  targets are compared at the place of use; each such pair of places is expanded once, which makes
  cyclic and heavily shared definitions finite and linear.

Only what the walk looks at is validated. Call ``validate_schema`` to check a whole document.
"""

from __future__ import annotations

from dataclasses import dataclass

from tessera.core.changes import Change
from tessera.core.compare import compare_nodes
from tessera.core.document import SchemaDocument
from tessera.core.errors import InvalidSchemaError
from tessera.core.fingerprint import Fingerprinter
from tessera.core.json_types import JsonSchema, JsonValue
from tessera.core.keywords import MAX_DEPTH
from tessera.core.kinds import ChangeKind
from tessera.core.migration import Rename, detect_renames
from tessera.core.modes import Bump, CompatibilityMode
from tessera.core.pointer import ROOT, Location, Path
from tessera.core.schema import Node, deref, ref_of, unwrap, without_ref
from tessera.core.validation import validate_subschema
from tessera.core.values import same_encoding

K = ChangeKind
_OLD_SUBTREE = frozenset(
    {
        K.PROPERTY_REMOVED,
        K.TUPLE_ITEM_REMOVED,
        K.DEFINITION_REMOVED,
        K.UNION_BRANCH_REMOVED,
        K.ALL_OF_BRANCH_REMOVED,
        K.SUBSCHEMA_REMOVED,
    }
)
_NEW_SUBTREE = frozenset(
    {
        K.PROPERTY_ADDED,
        K.TUPLE_ITEM_ADDED,
        K.DEFINITION_ADDED,
        K.UNION_BRANCH_ADDED,
        K.ALL_OF_BRANCH_ADDED,
        K.SUBSCHEMA_ADDED,
    }
)

_EQUALITY_RETRY = 400


@dataclass(frozen=True, slots=True)
class SchemaDiff:
    """Every change from one schema to another, ordered by path, then kind."""

    changes: tuple[Change, ...]
    renames: tuple[Rename, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the schemas are equivalent (only spelling differs)."""
        return not self.changes

    def breaking_changes(self, mode: CompatibilityMode | str) -> tuple[Change, ...]:
        """The changes that break readers under ``mode``."""
        return tuple(change for change in self.changes if change.is_breaking(mode))

    def bump(self, mode: CompatibilityMode | str) -> Bump:
        """The version bump these changes call for under ``mode``."""
        return Bump.highest([change.bump(mode) for change in self.changes])

    def to_dict(self, mode: CompatibilityMode | str) -> dict[str, JsonValue]:
        """A JSON-ready description with verdicts under ``mode``."""
        return {
            "changes": [change.to_dict(mode) for change in self.changes],
            "renames": [rename.to_dict() for rename in self.renames],
        }


class _Walker:
    def __init__(self, old: SchemaDocument, new: SchemaDocument) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self.stack: list[tuple[Path, object, object]] = []
        self.expanded: set[tuple[int, int]] = set()
        self._fingerprinters: dict[str, Fingerprinter] = {}

    # -- the Walk protocol ------------------------------------------------------------------------

    def emit(self, change: Change) -> None:
        # A sub-schema that only one side has is never walked: validate it whole (its size is part of
        # what changed, so this keeps the cost proportional to the change).
        if change.kind in _OLD_SUBTREE:
            self._validate(self.old, change.old, change.segments)
        elif change.kind in _NEW_SUBTREE:
            self._validate(self.new, change.new, change.segments)
        self.changes.append(change)

    @staticmethod
    def _validate(doc: SchemaDocument, value: object, segments: tuple[str, ...]) -> None:
        at = ROOT.child(*segments)
        if isinstance(value, list | tuple):  # a whole union that exists on one side only
            for index, branch in enumerate(value):
                validate_subschema(branch, doc, at.child(str(index)))
        else:
            validate_subschema(value, doc, at)

    def push(self, path: Path, old: object, new: object) -> None:
        if old is new:
            return
        if not path.skip_equality:
            try:
                if old == new and same_encoding(old, new):
                    return
            except RecursionError:
                # Deeper than ``==`` can go: walk down a few hundred levels before trying it again,
                # so very deep schemas stay linear.
                path.skip_equality = _EQUALITY_RETRY
            except Exception:  # noqa: S110 - exotic values: compare them the slow way
                pass
        self.stack.append((path, old, new))

    def fingerprints(self, side: str, node: Node, schemas: list[JsonValue], keyword: str) -> list[str]:
        doc = self.old if side == "old" else self.new
        printer = self._fingerprinters.get(side)
        if printer is None:
            printer = self._fingerprinters[side] = Fingerprinter(doc, inline_refs=False)
        return [printer.of(schema, node.loc.child(keyword, str(i))) for i, schema in enumerate(schemas)]

    # -- the walk ---------------------------------------------------------------------------------

    def run(self, old: object, new: object) -> None:
        self.stack.append((ROOT, old, new))
        while self.stack:
            path, old_raw, new_raw = self.stack.pop()
            if path.depth > MAX_DEPTH:
                raise InvalidSchemaError(
                    f"nested more than {MAX_DEPTH} levels deep (or the object contains itself)",
                    Location(self.new.label, path),
                )
            self._visit(path, old_raw, new_raw)

    def _visit(self, path: Path, old_raw: object, new_raw: object) -> None:
        old_loc, new_loc = Location(self.old.label, path), Location(self.new.label, path)
        old, old_nullable = unwrap(old_raw, old_loc)
        new, new_nullable = unwrap(new_raw, new_loc)
        old_ref, new_ref = ref_of(old, old_loc), ref_of(new, new_loc)
        if old_ref is not None or new_ref is not None:
            same_place = False
            if old_ref is not None and old_ref == new_ref:
                _, old_at_schema = self.old.lookup(old_ref, old_loc)
                _, new_at_schema = self.new.lookup(new_ref, new_loc)
                same_place = old_at_schema and new_at_schema
            if same_place:
                # The definition itself is compared where it lives; here only the siblings of $ref.
                old, new = without_ref(old), without_ref(new)
            else:
                key = (id(old_raw), id(new_raw))
                if key in self.expanded:
                    return
                self.expanded.add(key)
                if old_ref is not None:
                    old, extra = deref(old, self.old, old_loc)
                    old_nullable = old_nullable or extra
                if new_ref is not None:
                    new, extra = deref(new, self.new, new_loc)
                    new_nullable = new_nullable or extra
        compare_nodes(
            self,
            path,
            Node(old, self.old, old_loc, old_nullable),
            Node(new, self.new, new_loc, new_nullable),
        )


def diff_schemas(old: JsonSchema, new: JsonSchema) -> SchemaDiff:
    """List every change from ``old`` to ``new`` (both JSON Schemas, draft 2020-12 or draft-07).

    Raises InvalidSchemaError, naming the side and location, when a part it compares is not a usable
    schema. Never mutates its inputs.
    """
    old_doc, new_doc = SchemaDocument(old, "old schema"), SchemaDocument(new, "new schema")
    walker = _Walker(old_doc, new_doc)
    try:
        walker.run(old, new)
        ordered = sorted(walker.changes, key=lambda change: change.sort_key)
        with_hints, renames = detect_renames(ordered, old_doc, new_doc)
    except RecursionError as exc:  # pragma: no cover - every walk is iterative; kept as a safety net
        raise InvalidSchemaError("schema is nested too deeply to compare") from exc
    return SchemaDiff(tuple(with_hints), tuple(renames))


__all__ = ["SchemaDiff", "diff_schemas"]
