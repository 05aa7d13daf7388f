"""Benchmark of the schema diff and compatibility check on large record schemas.

Builds pairs of schemas with N top-level properties (every tenth one an object with four nested
properties, so 1.4 N properties in all) where about 1% of the properties change, then times
``diff_schemas``, ``check_compatibility`` and friends at N = 10,000 and at 2x and 4x that size, to show
that the cost grows linearly. A last row diffs schemas in which *every* property changed (the slow path,
where nothing can be skipped).

Figures are the best CPU time of several runs, in milliseconds.

Run: ``uv run python bench/bench_diff.py`` (add ``--quick`` for fewer repetitions).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from tessera.core import check_compatibility, diff_schemas, schema_fingerprint, validate_schema


def _leaf(i: int) -> dict[str, Any]:
    kind = i % 7
    if kind == 0:
        return {"type": "string", "maxLength": 255, "description": f"column {i}"}
    if kind == 1:
        return {"type": "integer", "minimum": 0}
    if kind == 2:
        return {"type": ["string", "null"], "format": "date-time"}
    if kind == 3:
        return {"enum": ["new", "active", "closed", "archived"]}
    if kind == 4:
        return {"anyOf": [{"type": "number"}, {"type": "null"}]}
    if kind == 5:
        return {"type": "array", "items": {"type": "string"}, "maxItems": 10}
    return {"type": "boolean", "default": False}


def build(n: int, *, changed: bool, change_every: int = 100) -> dict[str, Any]:
    """A record with ``n`` top-level properties; ``changed`` edits one in ``change_every`` of them."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for i in range(n):
        name = f"col_{i:06d}"
        if i % 10 == 9:
            nested = {f"field_{j}": _leaf(i + j) for j in range(4)}
            schema: dict[str, Any] = {"type": "object", "properties": nested, "required": ["field_0"]}
        else:
            schema = _leaf(i)
        edit = changed and i % change_every == 0
        if edit:
            choice = (i // change_every) % 6
            if choice == 0:
                continue  # property removed
            if choice == 1:
                schema = {**schema, "description": "changed"}
            elif choice == 2 and "maxLength" in schema:
                schema = {**schema, "maxLength": 100}
            elif choice == 3:
                schema = {**schema, "type": "string"} if "type" in schema else {**schema, "enum": ["x"]}
            elif choice == 4:
                properties[f"new_{i:06d}"] = {"type": "string"}
            elif choice == 5 and "enum" in schema:
                schema = {"enum": [*schema["enum"], "deleted"]}
        properties[name] = schema
        if i % 3 == 0:
            required.append(name)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def build_all_changed(n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two schemas in which every property differs (every description changed)."""
    old = build(n, changed=False)
    new = json.loads(json.dumps(old))
    for schema in new["properties"].values():
        schema["description"] = "everything changed"
    return old, new


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Best CPU time of ``fn`` in milliseconds (CPU time, so that other processes on a shared machine
    disturb the figures less than wall time would)."""
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    return min(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 9

    header = (
        f"{'top-level props':>15} {'all props':>9} {'changes':>7} {'diff ms':>8} {'check ms':>9} "
        f"{'transitive(3) ms':>16} {'fingerprint ms':>14} {'validate ms':>11}"
    )
    print(header)
    print("-" * len(header))
    for n in (10_000, 20_000, 40_000):
        old = build(n, changed=False)
        new = build(n, changed=True)
        history = [build(n, changed=False), build(n, changed=False), old]
        total = sum(1 + (4 if "properties" in s else 0) for s in old["properties"].values())
        changes = len(diff_schemas(old, new).changes)
        diff_ms = timed(lambda old=old, new=new: diff_schemas(old, new), repeat)
        check_ms = timed(lambda old=old, new=new: check_compatibility(new, [old], "backward"), repeat)
        transitive_ms = timed(
            lambda h=history, new=new: check_compatibility(new, h, "full_transitive"), repeat
        )
        fp_ms = timed(lambda new=new: schema_fingerprint(new), max(1, repeat // 3))
        validate_ms = timed(lambda new=new: validate_schema(new), max(1, repeat // 3))
        print(
            f"{n:>15,} {total:>9,} {changes:>7,} {diff_ms:>8.1f} {check_ms:>9.1f} {transitive_ms:>16.1f} "
            f"{fp_ms:>14.1f} {validate_ms:>11.1f}"
        )
    old, new = build_all_changed(10_000)
    changes = len(diff_schemas(old, new).changes)
    slow_ms = timed(lambda: diff_schemas(old, new), max(1, repeat // 3))
    print(
        f"\nworst case, all 10,000 top-level properties changed: {changes:,} changes, diff {slow_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
