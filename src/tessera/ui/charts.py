"""Small pictures drawn on the server as plain data for SVG templates: a sparkline and a lineage graph.

No JavaScript and no chart library: the functions here compute coordinates; the templates draw ``<svg>``
elements from them (colours come from the stylesheet's theme variables, so dark mode works).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Sparkline drawing area (viewBox units).
SPARK_WIDTH = 240
SPARK_HEIGHT = 40
SPARK_PAD = 3

# Lineage graph geometry (viewBox units).
COLUMN_WIDTH = 230
NODE_WIDTH = 190
NODE_HEIGHT = 30
ROW_HEIGHT = 42
GRAPH_PAD = 10
LABEL_CHARS = 22


@dataclass(frozen=True, slots=True)
class Sparkline:
    """A polyline of values in [0, 1] with a dot per point; ``points`` is the SVG ``points`` attribute."""

    points: str
    dots: tuple[tuple[float, float], ...]
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(values: Sequence[float]) -> Sparkline | None:
    """Coordinates of ``values`` (each 0..1, oldest first); ``None`` when there is nothing to draw."""
    if not values:
        return None
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0.0
    dots = []
    for index, value in enumerate(values):
        clamped = min(1.0, max(0.0, value))
        x = SPARK_PAD + (index * step if len(values) > 1 else inner_w / 2)
        y = SPARK_PAD + (1.0 - clamped) * inner_h
        dots.append((round(x, 1), round(y, 1)))
    return Sparkline(" ".join(f"{x},{y}" for x, y in dots), tuple(dots))


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One box of the lineage graph: an asset (a link) or an "N more" marker (``asset_id`` None)."""

    asset_id: uuid.UUID | None
    label: str
    title: str
    level: int  # negative upstream, 0 the asset itself, positive downstream
    x: float
    y: float
    current: bool = False

    @property
    def text_x(self) -> float:
        """Where the label starts."""
        return self.x + 8

    @property
    def text_y(self) -> float:
        """The label's baseline (vertically centred)."""
        return self.y + NODE_HEIGHT / 2 + 4


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """A curve from the right side of an upstream box to the left side of a downstream one."""

    path: str


@dataclass(frozen=True, slots=True)
class LineageGraph:
    """Boxes and curves to draw, the viewBox size, and what was left out."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    width: int
    height: int
    node_width: int = NODE_WIDTH
    node_height: int = NODE_HEIGHT


def short_label(fqn: str, limit: int = LABEL_CHARS) -> str:
    """The end of an FQN that fits in a box (``…`` marks what was cut)."""
    return fqn if len(fqn) <= limit else "…" + fqn[-(limit - 1) :]


def layout(
    center: tuple[uuid.UUID, str],
    levels: Mapping[int, Sequence[tuple[uuid.UUID, str]]],
    hidden: Mapping[int, int],
    edges: Sequence[tuple[uuid.UUID, uuid.UUID]],
) -> LineageGraph:
    """Place the asset in the middle, upstream levels to the left, downstream to the right.

    ``levels`` maps a level (-2, -1, 1, 2, ...) to the assets shown there; ``hidden`` to how many more
    assets that level has (drawn as an "N more" box); ``edges`` are (upstream, downstream) pairs, drawn
    when both ends are shown.
    """
    columns: dict[int, list[tuple[uuid.UUID | None, str, str]]] = {0: [(center[0], center[1], center[1])]}
    for level, shown in levels.items():
        columns[level] = [(asset_id, fqn, fqn) for asset_id, fqn in shown]
    for level, count in hidden.items():
        if count > 0:
            more = f"{count} more"
            columns.setdefault(level, []).append((None, more, f"{count} more assets at this level"))
    first, last = min(columns), max(columns)
    tallest = max(len(members) for members in columns.values())
    height = int(2 * GRAPH_PAD + tallest * ROW_HEIGHT - (ROW_HEIGHT - NODE_HEIGHT))
    width = int(2 * GRAPH_PAD + (last - first) * COLUMN_WIDTH + NODE_WIDTH)
    nodes: list[GraphNode] = []
    where: dict[uuid.UUID, GraphNode] = {}
    for level in range(first, last + 1):
        members = columns.get(level, [])
        x = GRAPH_PAD + (level - first) * COLUMN_WIDTH
        # Centre each column vertically.
        top = GRAPH_PAD + (tallest - len(members)) * ROW_HEIGHT / 2
        for row, (asset_id, fqn, title) in enumerate(members):
            node = GraphNode(
                asset_id,
                short_label(fqn),
                title,
                level,
                float(x),
                round(top + row * ROW_HEIGHT, 1),
                current=level == 0,
            )
            nodes.append(node)
            if asset_id is not None:
                where.setdefault(asset_id, node)
    curves = []
    for up, down in edges:
        a, b = where.get(up), where.get(down)
        if a is None or b is None or a.level >= b.level:
            continue
        x1, y1 = a.x + NODE_WIDTH, a.y + NODE_HEIGHT / 2
        x2, y2 = b.x, b.y + NODE_HEIGHT / 2
        mid = (x1 + x2) / 2
        curves.append(GraphEdge(f"M{x1:g},{y1:g} C{mid:g},{y1:g} {mid:g},{y2:g} {x2:g},{y2:g}"))
    return LineageGraph(tuple(nodes), tuple(curves), width, height)
