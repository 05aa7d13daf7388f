#!/usr/bin/env python3
"""Refresh the vendored front-end files from the pinned npm packages (needs node + npm; run rarely).

    python3 run.py vendor-ui

Runs ``npm ci`` in ``ui/`` (versions fixed by ui/package-lock.json), copies the few dist files the UI
serves into src/tessera/ui/static/vendor/ (Swagger UI and ReDoc for /docs and /redoc included; axe-core, used only by the browser tests, into tests/ui/vendor/),
minifies the CodeMirror sources (they ship unminified) with the pinned terser, and writes VENDOR.json: one
entry per file with its package, version, licence and sha256. The files are committed, so serving the UI
needs only Python; tests/ui/test_vendor.py checks the committed files against VENDOR.json.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "ui"
MODULES = UI / "node_modules"
STATIC_VENDOR = ROOT / "src" / "tessera" / "ui" / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "ui" / "vendor"

# (package, file inside the package, destination, minify with terser)
FILES: list[tuple[str, str, Path, bool]] = [
    ("htmx.org", "dist/htmx.min.js", STATIC_VENDOR / "htmx.min.js", False),
    ("codemirror", "lib/codemirror.js", STATIC_VENDOR / "codemirror" / "codemirror.min.js", True),
    ("codemirror", "lib/codemirror.css", STATIC_VENDOR / "codemirror" / "codemirror.css", False),
    (
        "codemirror",
        "mode/javascript/javascript.js",
        STATIC_VENDOR / "codemirror" / "javascript.min.js",
        True,
    ),
    ("codemirror", "addon/lint/lint.js", STATIC_VENDOR / "codemirror" / "lint.min.js", True),
    ("codemirror", "addon/lint/lint.css", STATIC_VENDOR / "codemirror" / "lint.css", False),
    ("axe-core", "axe.min.js", TEST_VENDOR / "axe.min.js", False),
    # /docs (Swagger UI) and /redoc, served by Tessera so they work offline.
    ("swagger-ui-dist", "swagger-ui-bundle.js", STATIC_VENDOR / "swagger-ui" / "swagger-ui-bundle.js", False),
    ("swagger-ui-dist", "swagger-ui.css", STATIC_VENDOR / "swagger-ui" / "swagger-ui.css", False),
    ("swagger-ui-dist", "favicon-32x32.png", STATIC_VENDOR / "swagger-ui" / "favicon-32x32.png", False),
    ("redoc", "bundles/redoc.standalone.js", STATIC_VENDOR / "redoc" / "redoc.standalone.js", False),
]


def _package(name: str) -> dict[str, str]:
    meta = json.loads((MODULES / name / "package.json").read_text())
    return {"version": meta["version"], "license": meta.get("license", "")}


def _copy(package: str, source: str, dest: Path, minify: bool) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = MODULES / package / source
    if minify:
        terser = MODULES / "terser" / "bin" / "terser"
        subprocess.run(  # noqa: S603
            ["node", str(terser), str(src), "--compress", "--mangle", "--comments", "some", "-o", str(dest)],
            check=True,
        )
    else:
        shutil.copyfile(src, dest)


def main() -> None:
    """npm ci, copy (and minify), then write VENDOR.json next to each destination folder."""
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=UI, check=True)  # noqa: S607
    manifests: dict[Path, list[dict[str, str]]] = {}
    for package, source, dest, minify in FILES:
        _copy(package, source, dest, minify)
        root = STATIC_VENDOR if dest.is_relative_to(STATIC_VENDOR) else TEST_VENDOR
        licence_file = dest.parent / f"{package}.LICENSE"
        shutil.copyfile(MODULES / package / "LICENSE", licence_file)
        manifests.setdefault(root, []).append(
            {
                "package": package,
                **_package(package),
                "source": source,
                "file": dest.relative_to(root).as_posix(),
                "sha256": hashlib.sha256(dest.read_bytes()).hexdigest(),
                "minified_by": "terser " + _package("terser")["version"] if minify else "",
            }
        )
    for root, entries in manifests.items():
        (root / "VENDOR.json").write_text(json.dumps(entries, indent=2) + "\n")
        print(f"wrote {root / 'VENDOR.json'} ({len(entries)} files)")


if __name__ == "__main__":
    main()
