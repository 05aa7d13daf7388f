"""Parse a big manifest in a short-lived child process, so the server keeps only the parsed project.

Decoding a 50 MB manifest creates about 150 MB of short-lived Python objects. Freed in the server, most
of that memory stays with the process: the allocator keeps every arena in which one long-lived object
(a string of the parsed project) was placed, so the server's footprint rose for good and the rest of the
sync stacked on top of it. A child process hands back the parsed project (pickled, a fraction of the
size) and returns all of its memory to the system when it exits. The bytes go through a file, not a
pipe, so that the server never holds a second copy of them.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tessera.ingest.dbt.lineage_pool import process_context
from tessera.ingest.dbt.manifest import parse_manifest
from tessera.ingest.dbt.models import DbtProject
from tessera.perf import paused_gc


def parse_in_child(raw: bytes | bytearray, *, include_packages: bool) -> DbtProject:
    """:func:`~tessera.ingest.dbt.parse_manifest` of ``raw``, run in a child process (blocking).

    A ``bytearray`` is emptied once written out. Errors are those of the parse (raised here, as in-process).
    A child that cannot start or dies (killed for memory, say) leaves the parse to this process.
    """
    fd, name = tempfile.mkstemp(prefix="tessera-manifest-", suffix=".json")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
        if isinstance(raw, bytearray):
            raw.clear()  # handed over: its memory goes before the child builds anything
        try:
            with ProcessPoolExecutor(
                max_workers=1, mp_context=process_context(), max_tasks_per_child=1
            ) as child:
                packed = child.submit(_parse_file, name, include_packages).result()
            # Our own child's bytes, not the upload's. Unpickled in one GC pause: the project is a few
            # hundred thousand objects, none of them garbage, that collections would only walk again.
            with paused_gc():
                project: DbtProject = pickle.loads(packed)  # noqa: S301 - our child's bytes
            return project
        except BrokenProcessPool:
            return parse_manifest(bytearray(path.read_bytes()), include_packages=include_packages)
    finally:
        path.unlink(missing_ok=True)


def _parse_file(name: str, include_packages: bool) -> bytes:
    """What the child runs: the manifest in the file ``name``, parsed and pickled."""
    project = parse_manifest(bytearray(Path(name).read_bytes()), include_packages=include_packages)
    return pickle.dumps(project, protocol=pickle.HIGHEST_PROTOCOL)
