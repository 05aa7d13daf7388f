"""Static files served gzip-compressed to browsers that accept it.

The UI's scripts and stylesheets are text that compresses three to one (the editor's CodeMirror files are
285 KB as files, 96 KB gzipped), and they never change while the server runs: each file is compressed
once, on its first request, and the bytes are kept in memory keyed by its path, size and modification
time. Everything else (conditional requests, ranges, content types) is Starlette's ``StaticFiles``.
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

_COMPRESSIBLE = (".js", ".css", ".svg", ".json", ".map", ".txt", ".html")
_MIN_SIZE = 1024  # smaller files gain less than the header costs


@lru_cache(maxsize=256)
def _compressed(path: str, size: int, mtime_ns: int) -> bytes:
    """The gzip bytes of the file (size and mtime are part of the key, so an edited file is redone)."""
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=9, mtime=0)


class CompressedStaticFiles(StaticFiles):
    """``StaticFiles`` that answers ``Accept-Encoding: gzip`` with compressed text files."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        """The plain file response, or its gzip-compressed body when the client accepts that.

        The compressed answer carries no ETag (it is another representation than the file the tag
        names); Last-Modified still lets a browser revalidate it.
        """
        response = super().file_response(full_path, stat_result, scope, status_code)
        path = os.fspath(full_path)
        headers = Headers(scope=scope)
        if (
            status_code != 200
            or response.status_code != 200  # 304 Not Modified keeps its empty body
            or stat_result.st_size < _MIN_SIZE
            or not path.endswith(_COMPRESSIBLE)
            or "range" in headers
            or "gzip" not in headers.get("accept-encoding", "").lower()
        ):
            return response
        body = _compressed(path, stat_result.st_size, stat_result.st_mtime_ns)
        keep = {
            key: value
            for key, value in response.headers.items()
            if key.lower() in ("content-type", "last-modified", "cache-control")
        }
        return Response(
            body,
            status_code=200,
            headers={**keep, "content-encoding": "gzip", "vary": "Accept-Encoding"},
        )
