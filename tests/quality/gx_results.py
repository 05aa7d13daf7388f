"""Real Great Expectations validation results, produced on a small pandas DataFrame."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any


def validation_result() -> dict[str, Any]:
    """The JSON of the validation result (``to_json_dict()``) of the checkpoint run below."""
    return _run()[0]


def checkpoint_description() -> dict[str, Any]:
    """The same checkpoint run's ``describe_dict()``: a summary, not an uploadable result."""
    return _run()[1]


@cache
def _run() -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate a five-row orders frame with a suite that passes, fails and errors; the JSON result.

    The newest ``loaded_at`` is in 2020, so the freshness-like expectation fails whenever this runs.

    Run once per test session: importing Great Expectations and building a context take seconds.
    """
    import great_expectations as gx  # noqa: PLC0415 - a test dependency, loaded only when needed
    import pandas as pd  # noqa: PLC0415

    frame = pd.DataFrame(
        {
            "order_id": [10, 11, 12, 13, 13],
            "status": ["placed", "shipped", "lost", "placed", None],
            "amount": [12.5, 30.0, 8.0, 41.0, 5.0],
            "loaded_at": pd.to_datetime(
                ["2020-01-01", "2020-01-02", "2020-01-02", "2020-01-03", "2020-01-03"]
            ),
        }
    )
    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset("orders")
        .add_batch_definition_whole_dataframe("all rows")
    )
    suite = context.suites.add(gx.ExpectationSuite("orders"))
    expectations = gx.expectations
    suite.add_expectation(expectations.ExpectColumnValuesToNotBeNull(column="order_id"))
    suite.add_expectation(expectations.ExpectColumnValuesToNotBeNull(column="status"))
    suite.add_expectation(expectations.ExpectColumnValuesToBeUnique(column="order_id"))
    suite.add_expectation(
        expectations.ExpectColumnValuesToBeInSet(column="status", value_set=["placed", "shipped", "returned"])
    )
    suite.add_expectation(expectations.ExpectTableRowCountToBeBetween(min_value=1, max_value=100))
    suite.add_expectation(expectations.ExpectTableRowCountToEqual(value=5))
    # Freshness as Great Expectations' documentation checks it: the newest load is recent enough.
    suite.add_expectation(
        expectations.ExpectColumnMaxToBeBetween(column="loaded_at", min_value=datetime(2026, 1, 1))
    )
    suite.add_expectation(
        expectations.ExpectColumnMaxToBeBetween(column="amount", min_value=1)
    )  # not freshness
    suite.add_expectation(
        expectations.ExpectColumnMeanToBeBetween(column="amount", min_value=0, max_value=50)
    )
    suite.add_expectation(expectations.ExpectColumnValuesToNotBeNull(column="coupon_code"))
    suite.add_expectation(
        expectations.ExpectColumnValuesToBeBetween(
            column="amount", min_value=0, max_value=40, severity="warning"
        )
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="orders", data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add(gx.Checkpoint(name="nightly", validation_definitions=[definition]))
    outcome = checkpoint.run(batch_parameters={"dataframe": frame})
    (result,) = outcome.run_results.values()
    return (
        json.loads(json.dumps(result.to_json_dict())),
        json.loads(json.dumps(outcome.describe_dict(), default=str)),
    )
