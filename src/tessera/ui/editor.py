"""The schema editor's plain data: the draft the page posts, the verdict it shows, dbt models to start from.

No database and no HTTP here: the route (``ui/pages/editor.py``) reads through the impact and publishing
services and hands these functions their results; the functions turn them into what the template shows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tessera.core import CoreError
from tessera.errors import PayloadTooLarge, TesseraError, ValidationFailed
from tessera.impact.schemas import ConsumerImpact, ImpactResult
from tessera.ingest.dbt import DbtProject
from tessera.ui.changes_view import ChangeGroup, change_groups, summary

MAX_DRAFT_CHARS = 2_000_000
"""Longest schema text the editor posts (a 2,000-column schema is about 200 KB)."""

EMPTY_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}


class InvalidDraft(ValidationFailed):
    """The draft is not a JSON object; ``line``/``pointer`` say where, when known (for the editor)."""

    code = "invalid_draft"

    def __init__(self, message: str, *, line: int | None = None, pointer: str | None = None) -> None:
        details: dict[str, object] = {}
        if line is not None:
            details["line"] = line
        if pointer is not None:
            details["pointer"] = pointer
        super().__init__(message, details=details)
        self.line = line
        self.pointer = pointer


def parse_draft(text: str | None) -> dict[str, Any]:
    """The schema the editor posted, as a dict; :class:`InvalidDraft` says what to fix and where."""
    if text is None or not text.strip():
        raise InvalidDraft("The schema is empty: write a JSON Schema object (or add a column).")
    if len(text) > MAX_DRAFT_CHARS:
        raise PayloadTooLarge(f"The schema is longer than {MAX_DRAFT_CHARS:,} characters.")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidDraft(
            f"The JSON is not valid: {exc.msg} (line {exc.lineno}, column {exc.colno}).", line=exc.lineno
        ) from None
    except RecursionError:
        raise InvalidDraft("The JSON is nested too deeply.") from None
    if not isinstance(value, dict):
        raise InvalidDraft(
            f"A contract schema is a JSON object (got {_json_kind(value)}).", line=1, pointer=""
        )
    return value


def draft_error(exc: TesseraError) -> InvalidDraft | None:
    """The editor's view of a schema the services refused: the message plus the JSON pointer, if any.

    The publishing service raises ``invalid_schema`` with the core's error as its cause; the cause
    carries the pointer, so the editor can mark the line. Other errors are not about the draft: ``None``.
    """
    if isinstance(exc, InvalidDraft):
        return exc
    if exc.code != "invalid_schema":
        return None
    cause = exc.__cause__
    pointer = getattr(cause, "pointer", None) if isinstance(cause, CoreError) else None
    return InvalidDraft(exc.message, pointer=pointer if isinstance(pointer, str) else None)


def pretty(schema: Mapping[str, Any]) -> str:
    """The JSON text the editor starts from (two-space indent, key order kept)."""
    return json.dumps(schema, indent=2, ensure_ascii=False)


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    return "a number"


@dataclass(frozen=True, slots=True)
class ConsumerRow:
    """A consumer team in the verdict: whether it must answer, and the columns of its that change."""

    team_id: str
    team_name: str
    columns: tuple[str, ...]
    affected: tuple[str, ...]
    required: bool
    response: str | None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the live panel shows for one draft."""

    result: ImpactResult
    groups: list[ChangeGroup]
    counts: dict[str, int]
    must_answer: list[ConsumerRow]
    informed: list[ConsumerRow]

    @property
    def breaking(self) -> bool:
        """True when publishing would open a proposal (or be refused) rather than publish."""
        return not self.result.safe_to_publish

    @property
    def highlight(self) -> set[str]:
        """Columns some consumer reads, marked in the change table."""
        return {c.lower() for row in self.must_answer + self.informed for c in row.columns}


def _required(consumer: ConsumerImpact, breaking: bool) -> bool:
    # Column-level gating adds ``required`` to the impact result; until then a breaking change waits for
    # every registered consumer team, and a compatible one waits for nobody.
    flag = getattr(consumer, "required", None)
    return breaking and (flag if isinstance(flag, bool) else True)


def verdict(result: ImpactResult) -> Verdict:
    """The impact service's answer arranged for the panel (nothing is recomputed)."""
    groups = change_groups(result.changes, result.guarantee_changes)
    breaking = not result.safe_to_publish
    rows = [
        ConsumerRow(
            team_id=str(c.team_id),
            team_name=c.team_name or str(c.team_id),
            columns=tuple(c.columns),
            affected=tuple(c.affected_columns),
            required=_required(c, breaking),
            response=c.response,
        )
        for c in sorted(result.consumers, key=lambda c: (c.team_name or "").lower())
    ]
    return Verdict(
        result=result,
        groups=groups,
        counts=summary(groups),
        must_answer=[r for r in rows if r.required],
        informed=[r for r in rows if not r.required],
    )


@dataclass(frozen=True, slots=True)
class DbtModel:
    """A model (or seed, snapshot, source) of an uploaded manifest the editor can start from."""

    unique_id: str
    name: str
    resource_type: str
    fqn: str
    columns: int


def dbt_models(project: DbtProject) -> list[DbtModel]:
    """The manifest's assets, by name, with their column counts."""
    models = []
    for uid, node in project.assets.items():
        properties = node.schema.get("properties")
        count = len(properties) if isinstance(properties, dict) else 0
        models.append(DbtModel(uid, node.name, node.resource_type, node.fqn, count))
    return sorted(models, key=lambda m: (m.name.lower(), m.unique_id))


def pick_model(models: Sequence[DbtModel], wanted: str | None, fqn: str, unique_id: str | None) -> str | None:
    """The model to preselect: the one asked for, else the asset's own (same unique_id, then same fqn)."""
    ids = {m.unique_id for m in models}
    for candidate in (wanted, unique_id):
        if candidate and candidate in ids:
            return candidate
    return next((m.unique_id for m in models if m.fqn == fqn), None)


def model_schema(project: DbtProject, unique_id: str) -> dict[str, Any]:
    """A private copy of a model's schema (the parser shares type fragments between columns)."""
    node = project.assets.get(unique_id)
    if node is None:
        raise ValidationFailed(
            f"The manifest has no model {unique_id!r}; pick one from the list.", code="dbt_model_not_found"
        )
    copied: dict[str, Any] = json.loads(json.dumps(node.schema))
    return copied
