"""Great Expectations (1.x) validation results -> checks on one asset.

The JSON of an ``ExpectationSuiteValidationResult`` (what ``ValidationDefinition.run()`` returns, as
``to_json_dict()``) is read as plain data: the server never imports ``great_expectations``. Common
expectations map to the contract's guarantees; any other expectation is a named custom check.
An expectation that raised an exception is an ``error``; an unmet one with severity ``warning`` or
``info`` is ``warned``, otherwise ``failed``.

Freshness has no expectation of its own in Great Expectations: the way its documentation checks it is
``expect_column_max_to_be_between`` on a timestamp column with a date/time ``min_value`` (the newest row
is at least that recent), which is read as ``freshness``. ``expect_table_row_count_to_equal`` is a
``volume`` check like ``..._to_be_between``. Any expectation may also name its guarantee in its ``meta``
(``{"guarantee": "freshness"}`` or ``"volume"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from tessera.enums import GuaranteeStatus
from tessera.ingest.dbt.fqn import normalise_identifier
from tessera.ingest.dbt.loading import ManifestInput
from tessera.ingest.dbt.tests import canonical
from tessera.ingest.results.keys import custom_key
from tessera.ingest.results.models import ArtifactResults, CheckResult, InvalidArtifactError, load_json, short

LABEL = "the Great Expectations validation result"
_COLUMN_GUARANTEES = {
    "expect_column_values_to_not_be_null": "not_null",
    "expect_column_values_to_be_unique": "unique",
    "expect_column_values_to_be_in_set": "accepted_values",
}
_TABLE_GUARANTEES = {
    "expect_table_row_count_to_be_between": "volume",
    "expect_table_row_count_to_equal": "volume",
}
_FRESHNESS_LIKE = "expect_column_max_to_be_between"
_NAMED = frozenset({"freshness", "volume"})
_IGNORED_KWARGS = frozenset({"batch_id", "column", "result_format", "catch_exceptions", "include_config"})


def parse_validation_result(data: ManifestInput, asset_fqn: str) -> ArtifactResults:
    """Read one validation result as checks of ``asset_fqn``; raise :class:`InvalidArtifactError`."""
    result = load_json(data, LABEL)
    if "run_results" in result and "checkpoint_config" in result:
        raise InvalidArtifactError(
            "wrong_artifact",
            "this is a checkpoint result: upload each of its validation results (run_results values) "
            "with the asset it validated",
        )
    dbt_meta = result.get("metadata")
    if isinstance(dbt_meta, Mapping) and "dbt_schema_version" in dbt_meta:
        raise InvalidArtifactError(
            "wrong_artifact",
            f"this is a dbt artifact ({dbt_meta.get('dbt_schema_version')}), not {LABEL}: upload "
            "run_results.json with `tessera dbt results` and sources.json with `tessera dbt freshness`",
        )
    if "validation_results" in result and "results" not in result:
        raise InvalidArtifactError(
            "wrong_artifact",
            "this is a checkpoint result's describe_dict(), which lacks the suite, the run and the "
            "expectations' settings: upload each validation result instead (the JSON files a checkpoint "
            "stores under gx/uncommitted/validations/, or to_json_dict() of each of its run_results)",
        )
    entries = result.get("results")
    meta = result.get("meta")
    if not isinstance(entries, list) or not isinstance(meta, Mapping) or "success" not in result:
        raise InvalidArtifactError(
            "wrong_artifact",
            f"{LABEL} needs `success`, `results` and `meta` (the JSON of ValidationDefinition.run())",
        )
    out = ArtifactResults("great_expectations", _run_id(result, meta), None)
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise InvalidArtifactError("invalid_field", f"{LABEL}: results[{index}] is not an object")
        out.add(asset_fqn, _check(entry, index))
    return out


def _run_id(result: Mapping[str, object], meta: Mapping[str, object]) -> str:
    run = meta.get("run_id")
    run_time = run.get("run_time") if isinstance(run, Mapping) else None
    run_name = run.get("run_name") if isinstance(run, Mapping) else None
    moment = run_time or meta.get("validation_time")
    if not isinstance(moment, str) or not moment:
        raise InvalidArtifactError("missing_field", f"{LABEL} has no `meta.run_id.run_time`")
    suite = result.get("suite_name") or meta.get("expectation_suite_name") or "suite"
    name = f"{run_name}@" if isinstance(run_name, str) and run_name else ""
    # One checkpoint run can validate the same suite through several validation definitions (other
    # batches of the asset): each is its own invocation, so the definition's id is part of the key.
    definition = meta.get("validation_id")
    scope = f"{definition}:" if isinstance(definition, str) and definition else ""
    return f"{suite}:{scope}{name}{moment}"[:200]


def _check(entry: Mapping[str, object], index: int) -> CheckResult:
    config = entry.get("expectation_config")
    if not isinstance(config, Mapping):
        raise InvalidArtifactError("invalid_field", f"{LABEL}: results[{index}] has no `expectation_config`")
    kind = config.get("type", config.get("expectation_type"))
    kwargs = config.get("kwargs")
    if not isinstance(kind, str) or not isinstance(kwargs, Mapping):
        raise InvalidArtifactError(
            "invalid_field", f"{LABEL}: results[{index}] has no expectation `type` and `kwargs`"
        )
    status, message = _status(entry, config)
    observed = entry.get("result")
    unexpected = observed.get("unexpected_count") if isinstance(observed, Mapping) else None
    rows = unexpected if isinstance(unexpected, int) and not isinstance(unexpected, bool) else None
    key = _key(kind, kwargs, config)
    if key == "freshness" and message is None and isinstance(observed, Mapping):
        message = _freshness_message(kwargs, observed.get("observed_value"))
    return CheckResult(key, status, kind, failing_rows=rows, message=short(message))


def _key(kind: str, kwargs: Mapping[str, object], config: Mapping[str, object]) -> str:
    meta = config.get("meta")
    named = meta.get("guarantee") if isinstance(meta, Mapping) else None
    if isinstance(named, str) and named in _NAMED:
        return named
    column = kwargs.get("column")
    col = normalise_identifier(column) if isinstance(column, str) and column else None
    if kind in _COLUMN_GUARANTEES and col:
        return f"{_COLUMN_GUARANTEES[kind]}:{col}"
    if kind in _TABLE_GUARANTEES:
        return _TABLE_GUARANTEES[kind]
    if kind == _FRESHNESS_LIKE and col and _is_moment(kwargs.get("min_value")):
        return "freshness"
    arguments = {str(k): v for k, v in kwargs.items() if k not in _IGNORED_KWARGS}
    return custom_key(kind, col, canonical(arguments))


def _is_moment(value: object) -> bool:
    """A date or date/time bound, as Great Expectations writes one in JSON (ISO text)."""
    if not isinstance(value, str) or len(value) < 10:
        return False
    try:
        date.fromisoformat(value[:10])
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _freshness_message(kwargs: Mapping[str, object], observed: object) -> str | None:
    """``newest loaded_at 2026-12-05T00:00:00 (expected at least 2026-12-06T00:00:00)``."""
    if not isinstance(observed, str):
        return None
    return f"newest {kwargs.get('column')} {observed} (expected at least {kwargs.get('min_value')})"


def _status(entry: Mapping[str, object], config: Mapping[str, object]) -> tuple[GuaranteeStatus, str | None]:
    raised = _raised(entry.get("exception_info"))
    if raised is not None:
        return GuaranteeStatus.ERROR, raised
    if entry.get("success") is True:
        return GuaranteeStatus.PASSED, None
    severity = config.get("severity")
    if severity in ("warning", "info"):
        return GuaranteeStatus.WARNED, None
    return GuaranteeStatus.FAILED, None


def _raised(info: object) -> str | None:
    """The exception message when the expectation raised (GX nests it per metric in 1.x)."""
    if not isinstance(info, Mapping):
        return None
    candidates = [info, *(v for v in info.values() if isinstance(v, Mapping))]
    for item in candidates:
        if item.get("raised_exception") is True:
            return str(item.get("exception_message") or "the expectation raised an exception")
    return None
