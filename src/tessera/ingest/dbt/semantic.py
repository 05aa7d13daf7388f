"""Semantic models, metrics and saved queries as readers: which model columns each of them names.

dbt's semantic layer names columns in ``expr`` (or, without ``expr``, the element's own name) of entities,
dimensions and measures. A metric uses its measures (and, for derived metrics, its input metrics'
measures), their aggregation time dimension and the dimensions its filter names; a saved query uses its
metrics and its ``group_by``/``where`` elements. Each becomes a :class:`DbtExposure` whose ``depends_on``
lists the models underneath, so the sync registers its owner team as a consumer like an exposure's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tessera.ingest.dbt.models import DbtExposure, ManifestWarning, OwnerRef
from tessera.ingest.dbt.owners import OwnerError, merged_meta, owner_from_value

Node = Mapping[str, object]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
# Dimension('order__status'), TimeDimension('order__ordered_at', 'day'), Entity('customer'), with or
# without the {{ }} of a filter.
_ELEMENT = re.compile(r"\b(Dimension|TimeDimension|Entity)\(\s*['\"]([^'\"]+)['\"]")
METRIC_TIME = "metric_time"


@dataclass(slots=True)
class _SemanticModel:
    uid: str
    model: str | None
    entities: dict[str, frozenset[str] | None] = field(default_factory=dict)
    dimensions: dict[str, frozenset[str] | None] = field(default_factory=dict)
    measures: dict[str, frozenset[str] | None] = field(default_factory=dict)
    measure_time: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Uses:
    """Columns a reader names, per model (None: every column); ``notes`` says what was not resolved."""

    columns: dict[str, set[str] | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, model: str | None, columns: frozenset[str] | None, what: str) -> None:
        if model is None:
            return
        if columns is None:
            self.columns[model] = None
            self.notes.append(f"{what} is an expression that could not be parsed")
            return
        current = self.columns.setdefault(model, set())
        if current is not None:
            current.update(columns)


def semantic_readers(
    semantic_models: Mapping[str, object],
    metrics: Mapping[str, object],
    saved_queries: Mapping[str, object],
    asset_ids: frozenset[str],
    included: object,
    warnings: list[ManifestWarning],
) -> list[DbtExposure]:
    """Turn the manifest's semantic layer into readers (see the module docstring)."""
    models = {
        uid: _semantic_model(uid, node, asset_ids)
        for uid, node in semantic_models.items()
        if isinstance(node, dict)
    }
    measures = {name: sm for sm in models.values() for name in sm.measures}
    metric_nodes = {uid: node for uid, node in metrics.items() if isinstance(node, dict)}
    metrics_by_name = {str(node.get("name")): node for node in metric_nodes.values()}
    keep = included if callable(included) else (lambda _node: True)
    readers: list[DbtExposure] = []
    for uid, sm in sorted(models.items()):
        node = semantic_models[uid]
        if not isinstance(node, dict) or not keep(node):
            continue
        uses = _Uses()
        for kind, table in (("entity", sm.entities), ("dimension", sm.dimensions), ("measure", sm.measures)):
            for name, columns in table.items():
                uses.add(sm.model, columns, f"{kind} `{name}`")
        if sm.model is None:
            uses.notes.append("the semantic model's model is not an asset of this project")
        readers.append(_reader(uid, node, "semantic_model", uses, warnings))
    for uid, node in sorted(metric_nodes.items()):
        if not keep(node):
            continue
        uses = _Uses()
        used = _metric_uses(node, metrics_by_name, measures, uses, set())
        _filter_uses(node.get("filter"), used, models.values(), uses)
        readers.append(_reader(uid, node, "metric", uses, warnings))
    for uid, node in sorted(saved_queries.items()):
        if not isinstance(node, dict) or not keep(node):
            continue
        uses = _Uses()
        params = node.get("query_params")
        params = params if isinstance(params, dict) else {}
        semantic: set[str] = set()
        for name in _strings(params.get("metrics")):
            metric = metrics_by_name.get(name)
            if metric is None:
                uses.notes.append(f"metric `{name}` is not in the manifest")
                continue
            semantic |= _metric_uses(metric, metrics_by_name, measures, uses, set())
        elements = [*_strings(params.get("group_by")), *_filter_texts(params.get("where"))]
        _filter_uses(elements, semantic, models.values(), uses)
        readers.append(_reader(uid, node, "saved_query", uses, warnings))
    return readers


def _semantic_model(uid: str, node: Node, asset_ids: frozenset[str]) -> _SemanticModel:
    depends = node.get("depends_on")
    parents = [
        p for p in _strings(depends.get("nodes") if isinstance(depends, dict) else None) if p in asset_ids
    ]
    sm = _SemanticModel(uid, parents[0] if len(parents) == 1 else None)
    defaults = node.get("defaults")
    default_time = defaults.get("agg_time_dimension") if isinstance(defaults, dict) else None
    for key, target in (("entities", sm.entities), ("dimensions", sm.dimensions), ("measures", sm.measures)):
        elements = node.get(key)
        for element in elements if isinstance(elements, list) else ():
            if not isinstance(element, dict) or not isinstance(element.get("name"), str):
                continue
            name = element["name"]
            target[name] = columns_of_expr(element.get("expr"), name)
            if key == "measures":
                time = element.get("agg_time_dimension") or default_time
                if isinstance(time, str):
                    sm.measure_time[name] = time
    return sm


def columns_of_expr(expr: object, name: str) -> frozenset[str] | None:
    """The columns an element's ``expr`` names (its own name without one); None if it cannot be parsed."""
    if expr is None or expr == "":
        return frozenset({name.lower()})
    if isinstance(expr, bool) or not isinstance(expr, (str, int, float)):
        return None
    text = str(expr).strip()
    if _IDENTIFIER.match(text):
        return frozenset({text.lower()})
    import sqlglot
    from sqlglot import exp

    try:
        parsed = sqlglot.parse_one(text)
    except sqlglot.errors.SqlglotError:
        return None
    return frozenset(column.name.lower() for column in parsed.find_all(exp.Column) if column.name)


def _metric_uses(
    metric: Node,
    metrics_by_name: Mapping[str, Node],
    measures: Mapping[str, _SemanticModel],
    uses: _Uses,
    seen: set[str],
) -> set[str]:
    """Add the columns ``metric`` uses through its measures; return the semantic models it reads."""
    name = str(metric.get("name"))
    if name in seen:
        return set()
    seen.add(name)
    params = metric.get("type_params")
    params = params if isinstance(params, dict) else {}
    semantic: set[str] = set()
    measure_names = [m.get("name") for m in params.get("input_measures") or () if isinstance(m, dict)]
    measure = params.get("measure")
    if isinstance(measure, dict):
        measure_names.append(measure.get("name"))
    for key in ("numerator", "denominator"):
        part = params.get(key)
        if isinstance(part, dict) and isinstance(part.get("name"), str):
            inner = metrics_by_name.get(part["name"])
            if inner is not None:
                semantic |= _metric_uses(inner, metrics_by_name, measures, uses, seen)
    for inner_ref in params.get("metrics") or ():
        inner_name = inner_ref.get("name") if isinstance(inner_ref, dict) else None
        inner = metrics_by_name.get(inner_name) if isinstance(inner_name, str) else None
        if inner is not None:
            semantic |= _metric_uses(inner, metrics_by_name, measures, uses, seen)
    for measure_name in {m for m in measure_names if isinstance(m, str)}:
        sm = measures.get(measure_name)
        if sm is None:
            uses.notes.append(f"measure `{measure_name}` is not in any semantic model")
            continue
        semantic.add(sm.uid)
        uses.add(sm.model, sm.measures[measure_name], f"measure `{measure_name}`")
        time = sm.measure_time.get(measure_name)
        if time is not None and time in sm.dimensions:
            uses.add(sm.model, sm.dimensions[time], f"dimension `{time}`")
    return semantic


def _filter_texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _filter_texts(value.get("where_filters") or value.get("where_sql_template"))
    if isinstance(value, list):
        return [text for item in value for text in _filter_texts(item)]
    return []


def _filter_uses(value: object, semantic: set[str], models: Iterable[_SemanticModel], uses: _Uses) -> None:
    """Add the columns of the dimensions/entities that filters or group-by elements name."""
    texts = value if isinstance(value, list) else _filter_texts(value)
    candidates = list(models)
    for text in (t for t in texts if isinstance(t, str)):
        for kind, reference in _ELEMENT.findall(text):
            element = reference.split("__")[-1].lower()
            if element == METRIC_TIME:
                continue  # the metrics' aggregation time dimensions, already counted
            found = False
            # Prefer the semantic models the metrics read, then any model that has the element.
            for sm in sorted(candidates, key=lambda s: (s.uid not in semantic, s.uid)):
                table = sm.entities if kind == "Entity" else sm.dimensions
                if element in table:
                    uses.add(sm.model, table[element], f"{kind}('{reference}')")
                    found = True
                    break
            if not found:
                uses.notes.append(f"{kind}('{reference}') names no known element")


def _reader(uid: str, node: Node, kind: str, uses: _Uses, warnings: list[ManifestWarning]) -> DbtExposure:
    owner: OwnerRef | None = None
    try:
        owner = owner_from_value(merged_meta(node).get("owner"))
    except OwnerError as exc:
        warnings.append(ManifestWarning(uid, "invalid_owner", str(exc)))
    columns = {model: None if cols is None else frozenset(cols) for model, cols in uses.columns.items()}
    note = "; ".join(sorted(set(uses.notes))) or None
    return DbtExposure(
        unique_id=uid,
        name=str(node.get("name")),
        owner=owner,
        depends_on=tuple(sorted(columns)),
        resource_type=kind,
        columns=columns,
        lineage_note=note,
    )


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
