"""Source-neutral results of checking guarantees, and the error for unreadable artifacts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tessera.enums import GuaranteeStatus
from tessera.errors import TesseraError
from tessera.ingest.dbt.loading import ManifestInput, decode
from tessera.ingest.dbt.models import InvalidManifestError

MAX_MESSAGE = 2000
_SCHEMA_URL = re.compile(r"/dbt/([a-z-]+)/v(\d+)(?:\.json)?\s*$")


class InvalidArtifactError(TesseraError):
    """An uploaded result artifact cannot be used; ``message`` says what is wrong. Nothing is recorded.

    Codes: ``empty``, ``truncated``, ``invalid_json``, ``invalid_gzip``, ``invalid_encoding``,
    ``wrong_artifact``, ``unsupported_schema_version``, ``missing_field``, ``invalid_field``,
    ``results_not_in_manifest``.
    """

    status_code = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One guarantee checked once: ``check`` names what ran (a dbt test id, an expectation type)."""

    guarantee: str
    status: GuaranteeStatus
    check: str
    failing_rows: int | None = None
    message: str | None = None
    seconds: float | None = None
    age_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A result that could not be tied to a known asset, and why."""

    check: str
    relation: str | None
    reason: str


@dataclass(slots=True)
class ArtifactResults:
    """Every check of one tool invocation, by relation FQN (or asset FQN for Great Expectations)."""

    source: str
    invocation_id: str
    run_at: datetime | None
    by_relation: dict[str, list[CheckResult]] = field(default_factory=dict)
    unmatched: list[Unmatched] = field(default_factory=list)

    def add(self, relation: str, result: CheckResult) -> None:
        """Record a check of ``relation``."""
        self.by_relation.setdefault(relation, []).append(result)

    @property
    def checks(self) -> int:
        """How many checks were read (unmatched ones excluded)."""
        return sum(len(v) for v in self.by_relation.values())


def load_json(data: ManifestInput, label: str) -> Mapping[str, object]:
    """Decode plain or gzip JSON; errors name the artifact (``label``) instead of "the manifest"."""
    try:
        return decode(data)
    except InvalidManifestError as exc:
        code = "wrong_artifact" if exc.code == "not_a_manifest" else exc.code
        message = exc.message.replace("a manifest", f"{label}").replace("the manifest", label)
        raise InvalidArtifactError(code, message) from None


def check_schema(metadata: object, label: str, kind: str, versions: range) -> int:
    """The artifact's schema version from ``metadata.dbt_schema_version``; refuse other artifacts."""
    url = metadata.get("dbt_schema_version") if isinstance(metadata, Mapping) else None
    if not isinstance(url, str):
        raise InvalidArtifactError(
            "missing_field", f"{label} has no `metadata.dbt_schema_version`: is it a dbt {kind} artifact?"
        )
    match = _SCHEMA_URL.search(url)
    if match is None:
        raise InvalidArtifactError("invalid_field", f"unrecognised `metadata.dbt_schema_version`: {url!r}")
    found, version = match.group(1), int(match.group(2))
    if found != kind:
        raise InvalidArtifactError(
            "wrong_artifact", f"this is a dbt {found} artifact (v{version}), not {label} (dbt {kind})"
        )
    if version not in versions:
        raise InvalidArtifactError(
            "unsupported_schema_version",
            f"{label} schema v{version} is not supported (v{versions.start} to v{versions.stop - 1} are)",
        )
    return version


def parse_time(value: object) -> datetime | None:
    """An ISO timestamp (dbt writes ``...Z``), or None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def short(message: object) -> str | None:
    """A message cut to :data:`MAX_MESSAGE` characters (None stays None)."""
    if message is None or message == "":
        return None
    text = str(message)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def results_list(data: Mapping[str, object], label: str) -> list[Mapping[str, object]]:
    """The artifact's ``results`` array, each entry an object."""
    results = data.get("results")
    if not isinstance(results, list):
        raise InvalidArtifactError("missing_field", f"{label} has no `results` array")
    out: list[Mapping[str, object]] = []
    for index, entry in enumerate(results):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("unique_id"), str):
            raise InvalidArtifactError("invalid_field", f"{label}: results[{index}] has no `unique_id`")
        out.append(entry)
    return out


def invocation_id(metadata: Mapping[str, object], label: str) -> str:
    """``metadata.invocation_id``: what makes an upload of the same run idempotent."""
    value = metadata.get("invocation_id")
    if not isinstance(value, str) or not value.strip():
        raise InvalidArtifactError("missing_field", f"{label} has no `metadata.invocation_id`")
    return value.strip()[:200]
