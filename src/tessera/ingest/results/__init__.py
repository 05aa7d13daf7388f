"""Adapters that turn the results of the tools teams already run into per-guarantee checks.

dbt ``run_results.json`` (with the manifest of the same project), dbt ``sources.json`` (source
freshness) and Great Expectations validation results all become :class:`ArtifactResults`: checks keyed
by relation FQN and guarantee key. The server reads these artifacts' JSON only; it never imports the
tools themselves.
"""

from tessera.ingest.results.dbt_freshness import parse_sources
from tessera.ingest.results.dbt_run_results import parse_run_results
from tessera.ingest.results.gx import parse_validation_result
from tessera.ingest.results.models import ArtifactResults, CheckResult, InvalidArtifactError, Unmatched

__all__ = [
    "ArtifactResults",
    "CheckResult",
    "InvalidArtifactError",
    "Unmatched",
    "parse_run_results",
    "parse_sources",
    "parse_validation_result",
]
