"""Migration help: spotting renamed properties among removed and added ones."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from tessera.core.changes import Change
from tessera.core.document import SchemaDocument
from tessera.core.fingerprint import Fingerprinter
from tessera.core.json_types import JsonValue
from tessera.core.kinds import ChangeKind
from tessera.core.pointer import ROOT, Location

_MIN_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class Rename:
    """A property removed while another with an equal schema was added beside it: possibly a rename.

    It stays a removal (breaking where removals break); this only helps people plan the migration.
    """

    old_path: str
    new_path: str
    old_name: str
    new_name: str

    @property
    def suggestion(self) -> str:
        """A one-line non-breaking way to do the rename."""
        return (
            f"Add {self.new_name!r} and keep {self.old_name!r} filled with the same values until consumers "
            "have moved; drop the old column in a later major version."
        )

    def to_dict(self) -> dict[str, JsonValue]:
        """A JSON-ready description."""
        return {
            "old_path": self.old_path,
            "new_path": self.new_path,
            "old_name": self.old_name,
            "new_name": self.new_name,
            "suggestion": self.suggestion,
        }


def detect_renames(
    changes: list[Change], old_doc: SchemaDocument, new_doc: SchemaDocument
) -> tuple[list[Change], list[Rename]]:
    """Pair removed and added properties of one object whose schemas are equal (ignoring annotations).

    When several candidates share a schema, names are paired by similarity (and only similar names).
    Returns the changes with rename hints attached, and the renames found.
    """
    removed: dict[tuple[str, ...], list[Change]] = defaultdict(list)
    added: dict[tuple[str, ...], list[Change]] = defaultdict(list)
    for change in changes:
        if change.kind is ChangeKind.PROPERTY_REMOVED:
            removed[change.segments[:-1]].append(change)
        elif change.kind is ChangeKind.PROPERTY_ADDED:
            added[change.segments[:-1]].append(change)
    parents = sorted(p for p in removed if p in added)
    if not parents:
        return changes, []

    old_fp = Fingerprinter(old_doc, ignore_metadata=True)
    new_fp = Fingerprinter(new_doc, ignore_metadata=True)
    renames: list[Rename] = []
    hints: dict[int, Change] = {}
    for parent in parents:
        by_fp_old: dict[str, list[Change]] = defaultdict(list)
        by_fp_new: dict[str, list[Change]] = defaultdict(list)
        for change in removed[parent]:
            by_fp_old[old_fp.of(change.old, Location(old_doc.label, ROOT.child(*change.segments)))].append(
                change
            )
        for change in added[parent]:
            by_fp_new[new_fp.of(change.new, Location(new_doc.label, ROOT.child(*change.segments)))].append(
                change
            )
        for fp, olds in sorted(by_fp_old.items()):
            news = by_fp_new.get(fp)
            if news:
                for gone, came in _pair(olds, news):
                    renames.append(Rename(gone.path, came.path, gone.segments[-1], came.segments[-1]))
                    hints[id(gone)] = dataclasses.replace(
                        gone,
                        renamed_to=came.segments[-1],
                        message=f"{gone.message} (possibly renamed to {came.segments[-1]!r})",
                    )
                    hints[id(came)] = dataclasses.replace(
                        came,
                        renamed_from=gone.segments[-1],
                        message=f"{came.message} (possibly a rename of {gone.segments[-1]!r})",
                    )
    renames.sort(key=lambda r: (r.old_path, r.new_path))
    return [hints.get(id(change), change) for change in changes], renames


def _pair(olds: list[Change], news: list[Change]) -> list[tuple[Change, Change]]:
    if len(olds) == 1 and len(news) == 1:
        return [(olds[0], news[0])]
    scored = sorted(
        (
            (-SequenceMatcher(None, o.segments[-1], n.segments[-1]).ratio(), o.path, n.path, i, j)
            for i, o in enumerate(olds)
            for j, n in enumerate(news)
        )
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[Change, Change]] = []
    for negative_ratio, _, _, i, j in scored:
        if -negative_ratio < _MIN_SIMILARITY:
            break
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((olds[i], news[j]))
    return pairs


__all__ = ["Rename", "detect_renames"]
