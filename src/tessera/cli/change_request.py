"""Which change request (GitHub PR, GitLab MR) this CI run checks, read from the CI's own variables."""

from __future__ import annotations

from collections.abc import Mapping

from tessera.cli.github import pr_number_from_env
from tessera.cli.gitlab import source_ref_from_env


def default_source_ref(env: Mapping[str, str]) -> str | None:
    """``github:<owner>/<repo>#<pr>`` or ``gitlab:<group>/<project>!<iid>`` for this run's change request.

    ``None`` outside one (a push to a branch): proposals then need an explicit ``--source-ref``.
    """
    repo = env.get("GITHUB_REPOSITORY")
    number = pr_number_from_env(env)
    if repo and number is not None:
        return f"github:{repo}#{number}"
    return source_ref_from_env(env)
