"""The editor's plain data: drafts, refused schemas, the verdict's consumer split, dbt models."""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path
from typing import Any

import pytest

from tessera.contracts.evaluation import PublishCommand, evaluate_against
from tessera.errors import BadRequest, PayloadTooLarge, TesseraError, ValidationFailed
from tessera.impact.schemas import ConsumerImpact, ImpactResult
from tessera.ingest.dbt import parse_manifest
from tessera.ui.editor import (
    MAX_DRAFT_CHARS,
    InvalidDraft,
    dbt_models,
    draft_error,
    model_schema,
    parse_draft,
    pick_model,
    verdict,
)

MANIFEST = Path(__file__).parents[1] / "fixtures" / "dbt" / "manifests" / "shop__base.json.gz"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, "The schema is empty"),
        ('{\n  "a": }', 2, "line 2, column 8"),
        ("[]", 1, "got an array"),
        ('"x"', 1, "got a string"),
        ("null", 1, "got null"),
    ],
)
def test_a_bad_draft_says_what_and_where(text: str, line: int | None, words: str) -> None:
    with pytest.raises(InvalidDraft) as caught:
        parse_draft(text)
    assert words in caught.value.message and caught.value.line == line
    assert caught.value.status_code == 422


def test_a_draft_keeps_its_column_order_and_has_a_size_limit() -> None:
    assert list(parse_draft('{"properties": {"b": {}, "a": {}}}')["properties"]) == ["b", "a"]
    with pytest.raises(PayloadTooLarge):
        parse_draft("{" + " " * MAX_DRAFT_CHARS + "}")


def test_a_refused_schema_carries_the_core_pointer() -> None:
    # The publishing service's own refusal: its cause is the core's error, which knows the place.
    bad = {"type": "object", "properties": {"id": {"type": "string", "maxLength": -1}}}
    with pytest.raises(ValidationFailed) as caught:
        evaluate_against(None, None, [], PublishCommand(schema=bad))  # type: ignore[arg-type]
    problem = draft_error(caught.value)
    assert problem is not None and problem.pointer == "/properties/id"
    assert "maxLength" in problem.message
    assert draft_error(BadRequest("not about the draft")) is None
    assert draft_error(TesseraError("other", code="invalid_version")) is None


class _Gated(ConsumerImpact):
    """A consumer as column-level impact reports it (with ``required``), whether or not that has landed."""

    required: bool = True


def _consumer(name: str, **extra: Any) -> ConsumerImpact:
    values: dict[str, Any] = {
        "team_id": uuid.uuid4(),
        "team_name": name,
        "registration_id": uuid.uuid4(),
        "pinned_version": None,
        "columns": ["email"],
        "affected_columns": ["email"],
        "response": None,
        **extra,
    }
    return (_Gated if "required" in extra else ConsumerImpact).model_construct(**values)


def _result(safe: bool, consumers: list[ConsumerImpact]) -> ImpactResult:
    change = {"kind": "property_removed", "path": "/properties/email", "breaking": not safe, "message": "m"}
    return ImpactResult.model_construct(
        asset_id=uuid.uuid4(),
        fqn="wh.t",
        compatibility_mode="backward",
        guarantee_mode="strict",
        current_version="1.0.0",
        suggested_version="2.0.0" if not safe else "1.1.0",
        safe_to_publish=safe,
        unchanged=False,
        changes=[change],
        breaking_changes=[] if safe else [change],
        guarantee_changes=[],
        consumers=consumers,
        downstream=[],
        open_proposal_id=None,
        lineage_truncated=False,
    )


def test_who_must_answer_and_who_is_informed() -> None:
    a, b = _consumer("beta"), _consumer("alpha")
    breaking = verdict(_result(False, [a, b]))
    assert [c.team_name for c in breaking.must_answer] == ["alpha", "beta"] and not breaking.informed
    assert breaking.breaking and breaking.counts["breaking"] == 1
    compatible = verdict(_result(True, [a, b]))
    assert not compatible.must_answer and [c.team_name for c in compatible.informed] == ["alpha", "beta"]
    # Column-level impact says per team whether its answer is required: the panel follows it.
    gated = verdict(_result(False, [_consumer("reads", required=True), _consumer("other", required=False)]))
    assert [c.team_name for c in gated.must_answer] == ["reads"]
    assert [c.team_name for c in gated.informed] == ["other"]


def test_dbt_models_and_the_one_to_preselect() -> None:
    project = parse_manifest(gzip.decompress(MANIFEST.read_bytes()))
    models = dbt_models(project)
    by_id = {m.unique_id: m for m in models}
    assert by_id["model.shop.fct_orders"].columns == 6
    assert [m.name for m in models] == sorted((m.name for m in models), key=str.lower)
    assert pick_model(models, "model.shop.stg_orders", "x", None) == "model.shop.stg_orders"
    assert pick_model(models, None, "x", "model.shop.fct_orders") == "model.shop.fct_orders"
    assert pick_model(models, None, by_id["model.shop.dim_customers"].fqn, None) == "model.shop.dim_customers"
    assert pick_model(models, "model.gone", "x", None) is None
    schema = model_schema(project, "model.shop.fct_orders")
    schema["properties"]["order_id"]["description"] = "changed"  # a private copy: the project is untouched
    original: Any = project.assets["model.shop.fct_orders"].schema["properties"]
    assert original["order_id"] != schema["properties"]["order_id"]
    with pytest.raises(ValidationFailed, match="no model"):
        model_schema(project, "model.gone")
