"""The server-drawn pictures: sparkline coordinates and the lineage graph's layout."""

from __future__ import annotations

import uuid

from tessera.ui.charts import NODE_WIDTH, SPARK_HEIGHT, SPARK_PAD, layout, short_label, sparkline


def test_sparkline_maps_pass_rates_to_heights() -> None:
    assert sparkline([]) is None
    line = sparkline([1.0, 0.0, 0.5])
    assert line is not None
    (x0, y0), (x1, y1), (x2, y2) = line.dots
    assert x0 < x1 < x2
    assert y0 == SPARK_PAD and y1 == SPARK_HEIGHT - SPARK_PAD and y0 < y2 < y1
    assert line.points == " ".join(f"{x},{y}" for x, y in line.dots)
    # Out-of-range values are clamped; a single point sits in the middle.
    assert sparkline([2.0]) == sparkline([1.0])
    single = sparkline([1.0])
    assert single is not None and len(single.dots) == 1


def test_layout_puts_upstream_left_and_downstream_right() -> None:
    me, up, up2, down = (uuid.uuid4() for _ in range(4))
    graph = layout(
        (me, "wh.sales.orders"),
        {-2: [(up2, "wh.raw.a")], -1: [(up, "wh.stg.a")], 1: [(down, "wh.mart.a")]},
        {1: 3},
        [(up2, up), (up, me), (me, down), (down, uuid.uuid4())],
    )
    x = {n.asset_id: n.x for n in graph.nodes}
    assert x[up2] < x[up] < x[me] < x[down]
    current = [n for n in graph.nodes if n.current]
    assert [n.asset_id for n in current] == [me]
    more = [n for n in graph.nodes if n.asset_id is None]
    assert [(m.label, m.level) for m in more] == [("3 more", 1)]
    # Edges whose ends are both drawn: three; each goes from a box's right side to the next box's left.
    assert len(graph.edges) == 3
    assert graph.edges[1].path.startswith(f"M{x[up] + NODE_WIDTH:g},")
    assert graph.width >= x[down] + NODE_WIDTH


def test_a_lonely_asset_is_one_box() -> None:
    me = uuid.uuid4()
    graph = layout((me, "wh.a"), {}, {}, [])
    assert [n.asset_id for n in graph.nodes] == [me] and graph.edges == ()


def test_long_names_keep_their_end() -> None:
    assert short_label("wh.short") == "wh.short"
    long = "warehouse.analytics.a_very_long_table_name_indeed"
    cut = short_label(long, 20)
    assert len(cut) == 20 and cut.startswith("…") and long.endswith(cut[1:])
