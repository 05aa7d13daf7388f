"""``anyOf`` / ``oneOf`` / ``allOf``: branches compared structurally and without regard to order.

Branches with equal fingerprints match. Of the rest, branches of the same shape (same declared type, or
both references) are paired and compared inside, so a field added to one variant is reported as that,
not as a variant removed and another added. What stays unpaired is a branch added or removed.
"""

from __future__ import annotations

from collections.abc import Mapping

from tessera.core import changes as c
from tessera.core.json_types import JsonValue
from tessera.core.kinds import ChangeKind
from tessera.core.pointer import Path
from tessera.core.schema import Node
from tessera.core.walk import Walk

_UNIONS = ("anyOf", "oneOf")


def compare_compositions(walk: Walk, path: Path, o: Node, n: Node) -> None:
    """Compare the union keywords and ``allOf`` of two nodes."""
    old_unions = [k for k in _UNIONS if o.has(k)]
    new_unions = [k for k in _UNIONS if n.has(k)]
    if len(old_unions) <= 1 and len(new_unions) <= 1:
        old_kw = old_unions[0] if old_unions else None
        new_kw = new_unions[0] if new_unions else None
        _union(walk, path, o, n, old_kw, new_kw)
    else:
        for keyword in _UNIONS:
            _union(walk, path, o, n, keyword if o.has(keyword) else None, keyword if n.has(keyword) else None)
    old_all, new_all = o.schema_list("allOf") or [], n.schema_list("allOf") or []
    if old_all or new_all:
        _branches(walk, path, o, n, "allOf", "allOf", old_all, new_all)


def _union(walk: Walk, path: Path, o: Node, n: Node, old_kw: str | None, new_kw: str | None) -> None:
    if old_kw is None and new_kw is None:
        return
    if old_kw is None or new_kw is None:
        # A union on one side only. Against a free node it is a plain added/removed condition; against
        # a node with its own type the two cannot be ordered, so call it a change in both directions.
        keyword = new_kw or old_kw
        assert keyword is not None
        where = path.child(keyword)
        other = o if old_kw is None else n
        if other.types is None and other.enum() is None and not other.has("const"):
            if old_kw is None:
                walk.emit(c.subschema_added(where, keyword, _raw(n, keyword)))
            else:
                walk.emit(c.subschema_removed(where, keyword, _raw(o, keyword)))
        else:
            walk.emit(c.subschema_changed(where, keyword, _raw(o, old_kw), _raw(n, new_kw)))
        return
    if old_kw != new_kw:
        # oneOf admits values matching exactly one branch: stricter than anyOf.
        kind = ChangeKind.CONSTRAINT_TIGHTENED if new_kw == "oneOf" else ChangeKind.CONSTRAINT_RELAXED
        walk.emit(c.constraint(kind, path, "oneOf", old_kw, new_kw))
    _branches(walk, path, o, n, old_kw, new_kw, o.schema_list(old_kw) or [], n.schema_list(new_kw) or [])


def _raw(node: Node, keyword: str | None) -> JsonValue:
    if keyword is None:
        return None
    return node.raw.get(keyword)


def _shape(branch: JsonValue) -> str:
    if not isinstance(branch, Mapping):
        return f"bool:{branch}"
    if "$ref" in branch:
        return "ref"
    declared = branch.get("type")
    if isinstance(declared, list):
        return "type:" + ",".join(sorted(str(t) for t in declared))
    return f"type:{declared}"


def _branches(
    walk: Walk,
    path: Path,
    o: Node,
    n: Node,
    old_kw: str,
    new_kw: str,
    old_branches: list[JsonValue],
    new_branches: list[JsonValue],
) -> None:
    if old_branches == new_branches:
        return
    old_fps = walk.fingerprints("old", o, old_branches, old_kw)
    new_fps = walk.fingerprints("new", n, new_branches, new_kw)
    available: dict[str, list[int]] = {}
    for index, fp in enumerate(new_fps):
        available.setdefault(fp, []).append(index)
    old_left: list[int] = []
    for index, fp in enumerate(old_fps):
        matches = available.get(fp)
        if matches:
            matches.pop(0)
        else:
            old_left.append(index)
    new_left = sorted(i for indexes in available.values() for i in indexes)

    pairs: list[tuple[int, int]] = []
    if len(old_left) == 1 and len(new_left) == 1:
        pairs.append((old_left[0], new_left[0]))
        old_left, new_left = [], []
    else:
        unpaired_new = list(new_left)
        still_old: list[int] = []
        for i in old_left:
            same = next((j for j in unpaired_new if _shape(new_branches[j]) == _shape(old_branches[i])), None)
            if same is None:
                still_old.append(i)
            else:
                unpaired_new.remove(same)
                pairs.append((i, same))
        old_left, new_left = still_old, unpaired_new

    for i, j in pairs:
        walk.push(path.child(new_kw, str(j)), old_branches[i], new_branches[j])
    for i in old_left:
        walk.emit(c.branch_removed(path.child(old_kw, str(i)), old_kw, old_branches[i]))
    for j in new_left:
        walk.emit(c.branch_added(path.child(new_kw, str(j)), new_kw, new_branches[j]))


__all__ = ["compare_compositions"]
