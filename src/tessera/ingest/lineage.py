"""Column-level lineage: which upstream columns each reader reads, and what each output column comes from.

Source-neutral values (a dbt project fills them today; SQLMesh or another source can fill them later).
Nothing here knows about HTTP or the database. Column names are lower case; node ids are the source's
unique ids (a dbt ``unique_id``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tessera.core.gating import ANY_COLUMN

__all__ = ["ALL_COLUMNS", "ANY_COLUMN", "ColumnSource", "NodeLineage", "ProjectLineage"]

ALL_COLUMNS = None
"""The value of :attr:`NodeLineage.reads` for a parent whose columns could not be narrowed down."""

# ANY_COLUMN ("*", from the gating rule that reads it): the column of a ColumnSource in ``derives`` meaning
# "some column of that node, unknown which" (e.g. ``select *`` from a source that declares no columns).


@dataclass(frozen=True, slots=True, order=True)
class ColumnSource:
    """One upstream column: the node it belongs to and its (lower-case) name."""

    node: str
    column: str


@dataclass(frozen=True, slots=True)
class NodeLineage:
    """What one reader (a model, snapshot, exposure, semantic model, metric or saved query) reads.

    ``reads`` maps every parent the reader depends on to the columns it reads there (selected, filtered,
    joined, grouped on), or to :data:`ALL_COLUMNS` when the analysis fell back for that parent.
    ``derives`` maps each output column of a model to the upstream columns its value is computed from
    (empty for readers that produce no columns). ``definitions`` maps each output column to a fingerprint
    of its normalised SQL expression, so a changed computation can be told apart from a changed type.
    ``fallback_reason`` says why precision was lost when any parent maps to :data:`ALL_COLUMNS`.
    """

    node: str
    reads: Mapping[str, frozenset[str] | None]
    derives: Mapping[str, frozenset[ColumnSource]] = field(default_factory=dict)
    definitions: Mapping[str, str] = field(default_factory=dict)
    fallback_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectLineage:
    """The lineage of every reader of a project, keyed by node id."""

    nodes: Mapping[str, NodeLineage]

    def fallbacks(self) -> list[tuple[str, str]]:
        """``(node, reason)`` for every reader whose analysis lost precision, sorted by node."""
        return sorted(
            (node.node, node.fallback_reason)
            for node in self.nodes.values()
            if node.fallback_reason is not None
        )
