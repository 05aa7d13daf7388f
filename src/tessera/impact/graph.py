"""Walking the asset lineage graph in memory (the impact check, the PR check and gating share it)."""

from __future__ import annotations

import uuid


def walk_downstream(
    graph: dict[uuid.UUID, list[uuid.UUID]], start: uuid.UUID, max_depth: int
) -> list[tuple[uuid.UUID, int]]:
    """Breadth-first walk of an in-memory lineage graph (upstream -> downstreams); cycle-safe."""
    seen = {start}
    frontier = [start]
    found: list[tuple[uuid.UUID, int]] = []
    for depth in range(1, max_depth + 1):
        next_frontier = []
        for node in frontier:
            for down in graph.get(node, ()):
                if down not in seen:
                    seen.add(down)
                    found.append((down, depth))
                    next_frontier.append(down)
        if not next_frontier:
            break
        frontier = next_frontier
    return found
