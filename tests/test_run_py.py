"""``run.py`` gets uv without installing anything into the interpreter: it works on a Python marked
externally managed (PEP 668, e.g. Debian 12's /usr/bin/python3) as on a plain CPython with pip."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = "/usr/bin/python3"
BASE_PYTHON = str(Path(sys.base_prefix) / "bin" / "python3")  # the interpreter under the test's venv


def externally_managed(python: str) -> bool:
    code = (
        "import os, sysconfig; "
        "print(os.path.exists(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')))"
    )
    return (
        subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "True"
    )


def has_pip(python: str) -> bool:
    return (
        subprocess.run([python, "-m", "pip", "--version"], capture_output=True, check=False).returncode == 0
    )


INTERPRETERS = [
    pytest.param(
        SYSTEM_PYTHON,
        marks=pytest.mark.skipif(
            not (
                os.path.exists(SYSTEM_PYTHON) and externally_managed(SYSTEM_PYTHON) and has_pip(SYSTEM_PYTHON)
            ),
            reason="needs an externally managed /usr/bin/python3 with pip (Debian 12, Ubuntu 24.04)",
        ),
        id="externally-managed",
    ),
    pytest.param(
        BASE_PYTHON,
        marks=pytest.mark.skipif(
            not os.path.exists(BASE_PYTHON) or externally_managed(BASE_PYTHON) or not has_pip(BASE_PYTHON),
            reason="needs a plain CPython with pip",
        ),
        id="plain-cpython",
    ),
]


@pytest.mark.parametrize("python", INTERPRETERS)
def test_run_py_fetches_uv_into_the_checkout_not_the_interpreter(python: str, tmp_path: Path) -> None:
    shutil.copy(ROOT / "run.py", tmp_path / "run.py")
    before = subprocess.run([python, "-m", "pip", "list"], capture_output=True, text=True, check=False).stdout
    # No uv on PATH: run.py must fetch it itself.
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run(
        [python, "run.py", "uv", "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "externally-managed-environment" not in result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("uv ")
    assert (tmp_path / ".tools" / "uv" / "bin" / "uv").exists()
    after = subprocess.run([python, "-m", "pip", "list"], capture_output=True, text=True, check=False).stdout
    assert after == before  # nothing installed into the interpreter
